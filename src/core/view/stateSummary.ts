import { keyToUserString } from '../model/assetKey';
import type { CodeChange } from '../stale/codeChanges';
import type { AssetStaleReport } from '../stale/staleReport';

/**
 * The stale report folded into what the editor shows per asset: counts for the graph's status strip
 * and the tree, a few lines of causes for tooltips and hovers, and one line for the status bar.
 * The same shape crosses to the webview (`assetStatusSchema` in the protocol).
 */

export interface AssetStatusSummary {
  fresh: number;
  stale: number;
  missing: number;
  failed: number;
  impacted: number;
  codeChanged: boolean;
  details: string[];
}

const detailLimit = 12;

function where(ranges: [string, string][], keys: string[] | undefined): string {
  if (keys && keys.length > 0 && keys.length <= 3) return keys.join(', ');
  if (ranges.length === 0) return '';
  const shown = ranges.slice(0, 2).map(([a, b]) => (a === b ? a : `${a}…${b}`));
  return shown.join(', ') + (ranges.length > 2 ? ` and ${ranges.length - 2} more ranges` : '');
}

export function summarizeAssets(reports: readonly AssetStaleReport[], codeChanged: ReadonlyMap<string, CodeChange>): Map<string, AssetStatusSummary> {
  const out = new Map<string, AssetStatusSummary>();
  for (const report of reports) {
    const user = keyToUserString(report.asset);
    const details: string[] = [];
    const change = codeChanged.get(user);
    if (change) details.push(`Code changed: ${change.reason}`);
    if (report.status.failed) {
      const at = where(report.failed.ranges, report.failed.keys);
      details.push(`Failed${at ? ` ${at}` : ''}: the latest run failed after the latest materialization`);
    }
    for (const group of report.stale) {
      const at = where(group.ranges, group.keys);
      const causes = group.causes.map((c) => `${c.reason}${c.dependency ? ` (${keyToUserString(c.dependency)})` : ''}`).join('; ');
      details.push(`Stale${at ? ` ${at}` : ''}: ${causes}`);
    }
    let impacted = 0;
    for (const hit of report.impacted) {
      impacted += hit.count;
      const at = where(hit.ranges, hit.keys);
      details.push(`Impacted${at ? ` ${at}` : ''}: downstream of stale or failed ${hit.upstream.map((k) => keyToUserString(k)).join(', ')} (not a Dagster status)`);
    }
    out.set(user, { ...report.status, impacted, codeChanged: change !== undefined, details: details.slice(0, detailLimit) });
  }
  return out;
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}`;

/** "2 stale · 1 failed · 4 impacted" (only what is not fine), or "" when everything is. */
export function statusWords(s: AssetStatusSummary): string {
  const parts: string[] = [];
  if (s.failed) parts.push(plural(s.failed, 'failed'));
  if (s.stale) parts.push(plural(s.stale, 'stale'));
  if (s.impacted) parts.push(plural(s.impacted, 'impacted'));
  if (s.codeChanged) parts.push('code changed');
  return parts.join(' · ');
}

export type WorstStatus = 'failed' | 'stale' | 'impacted' | 'missing' | 'fresh';

/** The status an asset is drawn with: the worst of its partitions'. */
export function worstStatus(s: AssetStatusSummary): WorstStatus {
  if (s.failed) return 'failed';
  if (s.stale || s.codeChanged) return 'stale';
  if (s.impacted) return 'impacted';
  // Most time-partitioned assets have missing partitions; any fresh one makes the asset "fresh".
  return s.fresh ? 'fresh' : 'missing';
}

/** Every count in words, for tooltips and hovers: "31 fresh, 1 stale, 336 missing, 1 failed; 4 impacted". */
export function statusSentence(s: AssetStatusSummary): string {
  const counts = [plural(s.fresh, 'fresh'), plural(s.stale, 'stale'), plural(s.missing, 'missing'), plural(s.failed, 'failed')].join(', ');
  return s.impacted ? `${counts}; ${plural(s.impacted, 'impacted')} (fresh, downstream of stale or failed)` : counts;
}

/** The status bar's text and tooltip over the whole workspace. */
export function workspaceStatusLine(summaries: ReadonlyMap<string, AssetStatusSummary>): { text: string; assets: { stale: number; failed: number; impacted: number; codeChanged: number } } {
  const assets = { stale: 0, failed: 0, impacted: 0, codeChanged: 0 };
  for (const s of summaries.values()) {
    if (s.stale) assets.stale++;
    if (s.failed) assets.failed++;
    if (s.impacted) assets.impacted++;
    if (s.codeChanged) assets.codeChanged++;
  }
  const parts: string[] = [];
  if (assets.failed) parts.push(`${assets.failed} failed`);
  if (assets.stale) parts.push(`${assets.stale} stale`);
  if (assets.impacted) parts.push(`${assets.impacted} impacted`);
  if (assets.codeChanged) parts.push(`${assets.codeChanged} code changed`);
  return { text: parts.length ? parts.join(' · ') : 'up to date', assets };
}
