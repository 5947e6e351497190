import { mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { backfillRecordSchema, interrupted, type BackfillRecord } from './runner';

/**
 * The backfills of a workspace, kept in one JSON file (the extension's workspace storage) so they
 * survive a reload. Writes go to a temporary file renamed over the old one, so a crash mid-write
 * leaves the previous history whole. A file that does not parse is set aside (renamed with
 * `.unreadable-<time>`), never overwritten, and the reason is reported.
 */

const historySchema = z.object({ version: z.literal(1), backfills: z.array(backfillRecordSchema) });

/** Backfills kept; the oldest finished ones go first. */
export const historyLimit = 50;

export interface LoadedHistory {
  backfills: BackfillRecord[];
  /** Why the file could not be used, when it could not. */
  problem: string | null;
}

export function loadHistory(file: string, now: number): LoadedHistory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { backfills: [], problem: null };
    return { backfills: [], problem: `could not read the backfill history ${file}: ${(error as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { backfills: [], problem: setAside(file, now, `it is not JSON (${(error as Error).message})`) };
  }
  const result = historySchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { backfills: [], problem: setAside(file, now, `it does not have the expected shape (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'})`) };
  }
  // Backfills that were running when the window closed did not finish under our eyes.
  return { backfills: result.data.backfills.map((b) => interrupted(b, now)), problem: null };
}

function setAside(file: string, now: number, why: string): string {
  const aside = `${file}.unreadable-${now}`;
  try {
    copyFileSync(file, aside);
    unlinkSync(file);
    return `the backfill history could not be used: ${why}; it was kept as ${aside}`;
  } catch (error) {
    return `the backfill history could not be used: ${why}; setting it aside failed too (${(error as Error).message})`;
  }
}

/** Writes the history atomically, keeping at most `historyLimit` backfills (running ones always). */
export function saveHistory(file: string, backfills: readonly BackfillRecord[]): void {
  const kept = trim(backfills);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: 1, backfills: kept }));
  renameSync(temporary, file);
}

function trim(backfills: readonly BackfillRecord[]): BackfillRecord[] {
  if (backfills.length <= historyLimit) return [...backfills];
  const newestFirst = [...backfills].sort((a, b) => b.createdAt - a.createdAt);
  const kept = new Set<BackfillRecord>(newestFirst.filter((b) => b.state === 'running'));
  for (const b of newestFirst) if (kept.size < historyLimit) kept.add(b);
  return backfills.filter((b) => kept.has(b));
}
