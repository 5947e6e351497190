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
  /**
   * False when the file is still there unread (it could not be read, or not be set aside): saving
   * would replace it, so the caller keeps this session's backfills in memory only.
   */
  writable: boolean;
}

export function loadHistory(file: string, now: number): LoadedHistory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { backfills: [], problem: null, writable: true };
    return { backfills: [], problem: `could not read the backfill history ${file}: ${(error as Error).message}; backfills of this window are not saved`, writable: false };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return setAside(file, now, `it is not JSON (${(error as Error).message})`);
  }
  const result = historySchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return setAside(file, now, `it does not have the expected shape (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'})`);
  }
  // Backfills that were running when the window closed did not finish under our eyes.
  return { backfills: result.data.backfills.map((b) => interrupted(b, now)), problem: null, writable: true };
}

function setAside(file: string, now: number, why: string): LoadedHistory {
  const aside = `${file}.unreadable-${now}`;
  try {
    copyFileSync(file, aside);
    unlinkSync(file);
    return { backfills: [], problem: `the backfill history could not be used: ${why}; it was kept as ${aside}`, writable: true };
  } catch (error) {
    return { backfills: [], problem: `the backfill history could not be used: ${why}; setting it aside failed too (${(error as Error).message}), so backfills of this window are not saved`, writable: false };
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
