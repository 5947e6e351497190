import { keyToUserString } from '../model/assetKey';
import { runPartitionsText } from '../backfill/commands';
import type { ImpactPreview, ImpactPreviewAsset } from '../backfill/impactPreview';
import type { BackfillPlan, PlannedRun } from '../backfill/plan';
import type { BackfillRecord, HookRecord, RunRecord } from '../backfill/runner';
import { backfillRunLimit } from '../state/graphql/backfills';

/** Words the editor shows about backfills: the Backfills view, the preview and the confirmation. */

/** "1 run", "1,024 runs", "3 entries": like `countLabel`, with thousands separators for backfill sizes. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}

/** "3. raw, clean [2024-01-03]" */
export function runLabel(run: Pick<RunRecord, 'index' | 'assets' | 'partitions'>): string {
  return `${run.index + 1}. ${run.assets.map((a) => keyToUserString(a)).join(', ')}${run.partitions === null ? '' : ` [${runPartitionsText(run.partitions)}]`}`;
}

/** "succeeded in 42 s", "failed, exit code 1, 3 attempts", "skipped" */
export function stepDescription(step: RunRecord | HookRecord): string {
  const parts: string[] = [step.state];
  if (step.exitCode !== null && step.state !== 'succeeded') parts.push(`exit code ${step.exitCode}`);
  if (step.attempts > 1) parts.push(`${step.attempts} attempts`);
  if (step.startedAt !== null && step.endedAt !== null && step.state === 'succeeded') return `succeeded in ${formatDuration(step.endedAt - step.startedAt)}`;
  return parts.join(', ');
}

/** "12 of 132 runs done, 2 failed · running"; for a webserver's backfill its partitions and status. */
export function backfillDescription(record: BackfillRecord): string {
  const remote = record.remote;
  if (remote) {
    const parts = [`${remote.materialized.toLocaleString('en-US')} of ${plural(remote.targeted, 'partition')} materialized`];
    if (remote.failed) parts.push(`${remote.failed.toLocaleString('en-US')} failed`);
    if (remote.inProgress) parts.push(`${remote.inProgress.toLocaleString('en-US')} in progress`);
    // The webserver is asked for at most so many of a backfill's runs.
    parts.push(remote.runs >= backfillRunLimit ? `${backfillRunLimit}+ runs` : plural(remote.runs, 'run'));
    return `${parts.join(', ')} · ${remote.status}${remote.problem ? ' · not reachable' : ''}`;
  }
  const count = (state: RunRecord['state']): number => record.runs.filter((r) => r.state === state).length;
  const succeeded = count('succeeded');
  const failed = count('failed');
  const skipped = count('skipped') + count('cancelled');
  const parts = [`${succeeded} of ${plural(record.runs.length, 'run')} succeeded`];
  if (failed) parts.push(`${failed} failed`);
  if (skipped) parts.push(`${skipped} not run`);
  return `${parts.join(', ')} · ${record.state}`;
}

/** The numbers a confirmation repeats: "132 runs, 10 assets, 142 asset partitions (about 57 min)". */
export function planNumbers(plan: BackfillPlan): string {
  const s = plan.summary;
  const estimate = s.estimateMs === null ? '' : s.estimatedRuns === s.runs ? ` (about ${formatDuration(s.estimateMs)} one after another)` : ` (past durations cover ${s.estimatedRuns} of the runs: about ${formatDuration(s.estimateMs)} for those)`;
  return `${plural(s.runs, 'run')}, ${plural(s.assets, 'asset')}, ${plural(s.partitions, 'asset partition')}${estimate}`;
}

/** Key ranges in a line, as Dagster writes them: "2024-01-01...2024-01-03, 2024-01-09, and 4 more ranges". */
export function rangesText(ranges: readonly (readonly [string, string])[], shownRanges = 3): string {
  const shown = ranges.slice(0, shownRanges).map(([a, b]) => (a === b ? a : `${a}...${b}`));
  return `${shown.join(', ')}${ranges.length > shownRanges ? `, and ${ranges.length - shownRanges} more ranges` : ''}`;
}

/** An asset's partitions in a line: "3 · 2024-01-01...2024-01-03" or "unpartitioned". */
export function plannedAssetText(asset: BackfillPlan['assets'][number]): string {
  if (asset.partitions === null) return 'unpartitioned';
  return `${plural(asset.count, 'partition')} · ${rangesText(asset.partitions.ranges)}`;
}

/** One asset of the graph's impact overlay (the shape `impactedAssetSchema` checks). */
export interface ImpactOverlayAsset {
  role: 'root' | 'downstream';
  depth: number;
  count: number | null;
  total: number;
  partitioned: boolean;
  ranges: string;
  materializable: boolean;
}

/** The overlay the graph draws (the shape `impactOverlaySchema` checks), by user key. */
export interface ImpactOverlayData {
  root: string;
  picked: string;
  assets: Record<string, ImpactOverlayAsset>;
  summary: { assets: number; partitions: number };
  warnings: string[];
  launchable: boolean;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function overlayAsset(asset: ImpactPreviewAsset): ImpactOverlayAsset {
  const partitioned = asset.ranges !== null || (asset.unknown !== null && asset.total !== 1);
  const ranges = asset.unknown !== null ? `unknown: ${asset.unknown}` : asset.ranges === null ? '' : rangesText(asset.ranges);
  return { role: asset.role, depth: asset.depth, count: asset.count, total: asset.total, partitioned, ranges: clip(ranges, 500), materializable: asset.materializable };
}

/**
 * The impact preview as the graph shows it. A root that reads its own earlier partitions also
 * reaches its later ones: it stays one entry (what was picked), and its line says how many more.
 */
export function impactOverlay(preview: ImpactPreview, picked: string, launchable: boolean): ImpactOverlayData {
  const rootKey = keyToUserString(preview.root.key);
  const assets: Record<string, ImpactOverlayAsset> = { [rootKey]: overlayAsset(preview.root) };
  for (const asset of preview.downstream) {
    const key = keyToUserString(asset.key);
    const entry = overlayAsset(asset);
    const root = assets[key];
    if (key === rootKey && root) {
      if (asset.count) root.ranges = clip(`${root.ranges}; then ${plural(asset.count, 'later partition')} of its own (${entry.ranges})`, 500);
      continue;
    }
    assets[key] = entry;
  }
  const anyMaterializable = Object.values(assets).some((a) => a.materializable && a.count !== 0);
  return {
    root: rootKey,
    picked: clip(picked, 500),
    assets,
    summary: preview.summary,
    warnings: preview.warnings.slice(0, 12).map((w) => clip(w, 500)),
    launchable: launchable && anyMaterializable,
  };
}

/** A run's command for reading (runs are launched as argv): arguments a shell would split are quoted. */
export function commandText(run: Pick<PlannedRun, 'argv'>): string {
  return run.argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
