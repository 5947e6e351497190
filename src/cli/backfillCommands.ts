import { resolve } from 'node:path';
import { keyToUserString, parseUserKey } from '../core/model/assetKey';
import { defaultCommands } from '../core/backfill/commands';
import { BackfillPlanError, type BackfillPlan, type PartitionFilter } from '../core/backfill/plan';
import { planInWorkspace } from '../core/backfill/workspacePlan';
import { scanPaths } from '../core/scan/scanner';
import { discoverInstance } from '../core/state/instanceDiscovery';
import { InstanceReadError } from '../core/state/sqlite/sqliteFile';
import { commandText, formatDuration } from '../core/view/backfillText';
import { CommandError, parseNow, parseSourcePartitions } from './partitionCommands';

const filters: readonly PartitionFilter[] = ['missing', 'failed', 'stale'];

export interface PlanOptions {
  path: string;
  assets: string[];
  partitions?: string;
  downstream: boolean;
  only?: string;
  instance: string | null;
  now?: string;
  format: 'json' | 'text';
}

/**
 * `asset-lineage plan PATH --asset a/b`: the runs a backfill would launch, with their argv, working
 * folder and order, without launching anything. The instance (found as `state` finds it) gives
 * DAGSTER_HOME, partition statuses for --only, and past durations for the estimate.
 */
export async function planCommand(options: PlanOptions): Promise<string> {
  const now = parseNow(options.now);
  const only = options.only ? options.only.split(',').map((s) => s.trim()).filter(Boolean) : [];
  for (const f of only) if (!filters.includes(f as PartitionFilter)) throw new CommandError(`--only takes ${filters.join(', ')}; got '${f}'`);
  const root = resolve(options.path);
  const location = discoverInstance({ explicit: options.instance, dagsterHome: process.env.DAGSTER_HOME ?? null, folders: [root] });
  if (location.kind !== 'sqlite' && (options.instance !== null || only.length)) throw new CommandError(location.message);
  const home = location.kind === 'sqlite' ? resolve(location.home) : null;
  const graph = await scanPaths([options.path]);
  let plan: BackfillPlan;
  try {
    plan = await planInWorkspace({
      graph,
      root,
      home,
      request: { roots: options.assets.map((text) => ({ key: parseUserKey(text), partitions: parseSourcePartitions(options.partitions) })), downstream: options.downstream, only: only as PartitionFilter[] },
      now,
      commands: defaultCommands,
    });
  } catch (error) {
    if (error instanceof BackfillPlanError || error instanceof InstanceReadError) throw new CommandError(error.message);
    throw error;
  }
  return options.format === 'json' ? JSON.stringify(planJson(plan, home), null, 2) + '\n' : planText(plan, home);
}

function planJson(plan: BackfillPlan, home: string | null): unknown {
  return {
    runs: plan.runs.map((run) => ({
      argv: run.argv,
      cwd: run.cwd,
      env: home ? { DAGSTER_HOME: home } : {},
      assets: run.assets,
      partitions: run.partitions === null ? null : run.partitions.kind === 'key' ? { keys: [run.partitions.key] } : { ranges: [[run.partitions.start, run.partitions.end]] },
      after: run.after,
      estimateMs: run.estimateMs,
    })),
    assets: plan.assets,
    skipped: plan.skipped,
    warnings: plan.warnings,
    summary: plan.summary,
  };
}

function planText(plan: BackfillPlan, home: string | null): string {
  const lines: string[] = [];
  const s = plan.summary;
  lines.push(`${s.runs} run${s.runs === 1 ? '' : 's'}, ${s.assets} asset${s.assets === 1 ? '' : 's'}, ${s.partitions} asset partition${s.partitions === 1 ? '' : 's'}${s.estimateMs === null ? '' : s.estimatedRuns === s.runs ? `, about ${formatDuration(s.estimateMs)} one after another` : `; past durations cover ${s.estimatedRuns} of the ${s.runs} runs: about ${formatDuration(s.estimateMs)} for those`}`);
  for (const a of plan.assets) {
    const where = a.partitions ? a.partitions.ranges.slice(0, 3).map(([x, y]) => (x === y ? x : `${x}...${y}`)).join(', ') + (a.partitions.ranges.length > 3 ? ', …' : '') : 'unpartitioned';
    lines.push(`  ${a.role === 'root' ? '' : '↳ '}${keyToUserString(a.key)}: ${a.count} (${where})`);
  }
  for (const skip of plan.skipped) lines.push(`  skipped ${keyToUserString(skip.key)}: ${skip.reason}`);
  for (const warning of plan.warnings) lines.push(`  warning: ${warning}`);
  lines.push(home ? `DAGSTER_HOME=${home}` : 'no instance found: Dagster would record these runs in a temporary folder and delete it');
  // Runs of the same assets are many when partitions are many: the first few of each, then a count.
  const shown = 3;
  let i = 0;
  while (i < plan.runs.length) {
    const first = plan.runs[i] as BackfillPlan['runs'][number];
    const same = (r: BackfillPlan['runs'][number]): boolean => r.location === first.location && r.assets.length === first.assets.length && r.assets.every((a, k) => keyToUserString(a) === keyToUserString(first.assets[k] as string[]));
    let j = i;
    while (j < plan.runs.length && same(plan.runs[j] as BackfillPlan['runs'][number])) j++;
    const upTo = j - i > shown + 1 ? i + shown : j;
    for (const run of plan.runs.slice(i, upTo)) {
      lines.push(`${run.index + 1}. (${run.cwd}) ${commandText(run)}${run.after.length ? `  [after ${listRuns(run.after)}]` : ''}`);
    }
    if (upTo < j) lines.push(`   … ${j - i - shown} more runs of the same assets (${i + shown + 1}–${j})`);
    i = j;
  }
  return lines.join('\n') + '\n';
}

/** Run numbers as the text shows them (from 1), runs of consecutive numbers as a range. */
function listRuns(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < indices.length; ) {
    let end = k;
    while (end + 1 < indices.length && indices[end + 1] === (indices[end] as number) + 1) end++;
    parts.push(end - k >= 2 ? `${(indices[k] as number) + 1}–${(indices[end] as number) + 1}` : indices.slice(k, end + 1).map((x) => x + 1).join(', '));
    k = end + 1;
  }
  return parts.join(', ');
}
