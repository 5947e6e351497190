import { keyId, keyToUserString } from '../model/assetKey';
import { unmaterializedKinds, type AssetGraph, type AssetNode, type CodeLocationSummary } from '../model/graph';
import { inferPartitionMapping, type PartitionMapping } from '../model/partitionMappings';
import { PartitionsError } from '../partitions/errors';
import { computeCombinedImpact, sourceSelection, type ImpactSelection, type ImpactSource, type SourcePartitions } from '../partitions/impact';
import { IntervalSet } from '../partitions/intervalSet';
import { createSpace, type PartitionSpace, type SpaceContext, type UnknownSpace } from '../partitions/keySpaces';
import { upstreamOf } from '../partitions/mappings';
import { allSubset, difference, intersection, isEmptySubset, SingleSubset, subsetFromKeys, subsetKeyRanges, subsetKeys, subsetSize, union, type PartitionSubset } from '../partitions/subsets';
import type { VerdictSource } from '../stale/staleReport';
import { CommandError, runCommand, runPartitionsText, type CommandSettings, type RunPartitions } from './commands';

/**
 * A backfill plan (§6): which partitions of which assets, in which runs, in which order, with the
 * exact command of each run. The user picks partitions of one or more roots (optionally only the
 * missing, failed or stale ones) and whether downstream assets come too; downstream partitions come
 * from the impact engine through each edge's mapping. Runs follow what `dagster asset materialize`
 * accepts:
 * - one run loads one code location and selects assets of one partitions definition (or none);
 * - `--partition-range` only when every selected asset has a single-run backfill policy, so those
 *   assets get one run per contiguous range, every other partitioned asset one run per partition;
 * - assets that need the same partitions and sit at the same step of the graph share runs (Dagster
 *   runs them in dependency order inside the run);
 * - each run lists the runs that produce partitions it reads (`after`), and runs are in an order
 *   where those come first.
 */

export type PartitionFilter = 'missing' | 'failed' | 'stale';

export interface BackfillRoot {
  key: readonly string[];
  partitions: SourcePartitions;
}

export interface BackfillRequest {
  roots: readonly BackfillRoot[];
  /** Include every asset downstream of the roots, with the partitions the mappings reach. */
  downstream: boolean;
  /** Keep only the roots' partitions with these statuses (needs `verdicts`); empty keeps all. */
  only: readonly PartitionFilter[];
}

export interface PlanContext {
  graph: AssetGraph;
  /** The scanned root, absolute: code location folders are relative to it. */
  root: string;
  now: number;
  dynamicKeys?: SpaceContext['dynamicKeys'];
  /** Partition statuses, for `only` (a local instance or a webserver). */
  verdicts?: VerdictSource;
  /** Median past run duration of each asset (by user string), in ms, for estimates. */
  durations?: ReadonlyMap<string, number>;
  commands: CommandSettings;
}

export interface PlannedAsset {
  key: string[];
  role: 'root' | 'downstream';
  location: string;
  /** Partitions to materialize (1 for an unpartitioned asset). */
  count: number;
  /** Null for an unpartitioned asset. */
  partitions: { ranges: [string, string][]; keys?: string[] } | null;
  policy: 'single_run' | 'multi_run' | null;
}

export interface PlannedRun {
  /** Position in `runs` (the launch order). */
  index: number;
  location: string;
  assets: string[][];
  partitions: RunPartitions;
  /** Asset partitions the run materializes. */
  size: number;
  argv: string[];
  cwd: string;
  /** Runs (indices) that produce partitions this run reads: they must succeed first. */
  after: number[];
  /** From past runs of its assets, when the instance has them. */
  estimateMs: number | null;
}

export interface BackfillPlan {
  assets: PlannedAsset[];
  runs: PlannedRun[];
  /** Reached assets that are not materialized (sources, external assets, stubs), and why. */
  skipped: { key: string[]; reason: string }[];
  warnings: string[];
  summary: {
    assets: number;
    /** Asset partitions in total. */
    partitions: number;
    runs: number;
    /** Sum of the runs' estimates (one after another), and how many runs had one. */
    estimateMs: number | null;
    estimatedRuns: number;
  };
}

/** A request Dagster would refuse, or that cannot be planned; the message says which and why. */
export class BackfillPlanError extends Error {}

const keyLimit = 1000;

interface Target {
  node: AssetNode;
  id: string;
  role: 'root' | 'downstream';
  space: PartitionSpace | null;
  /** Null for an unpartitioned asset. */
  subset: PartitionSubset | null;
  location: CodeLocationSummary;
  singleRun: boolean;
  batch: number;
}

interface Batch {
  location: CodeLocationSummary;
  space: PartitionSpace | null;
  singleRun: boolean;
  subset: PartitionSubset | null;
  stage: number;
  targets: Target[];
  /** Its runs, in partition order. */
  runs: DraftRun[];
}

interface DraftRun {
  batch: Batch;
  partitions: RunPartitions;
  /** The run's partitions as a subset (null: unpartitioned). */
  subset: PartitionSubset | null;
  after: Set<DraftRun>;
  index: number;
}

export function planBackfill(request: BackfillRequest, context: PlanContext): BackfillPlan {
  const { graph } = context;
  if (!request.roots.length) throw new BackfillPlanError('pick at least one asset to backfill');
  if (request.only.length && !context.verdicts) throw new BackfillPlanError(`--only ${request.only.join(',')} needs partition statuses: give an instance or a webserver`);
  const spaceContext: SpaceContext = { now: context.now, dynamicKeys: context.dynamicKeys ?? (() => undefined) };
  const nodes = new Map<string, AssetNode>();
  for (const node of graph.assets) if (!nodes.has(keyId(node.key)) || nodes.get(keyId(node.key))?.kind === 'stub') nodes.set(keyId(node.key), node);
  const spaceOf = partitionSpaces(spaceContext);
  const warnings: string[] = [];

  // The roots' partitions, filtered by status when asked.
  const sources: ImpactSource[] = [];
  const rootIds = new Set<string>();
  /** What was picked of each root (null: all of it). */
  const picks = new Map<string, PartitionSubset | null>();
  for (const root of request.roots) {
    const node = nodes.get(keyId(root.key));
    if (!node) throw new BackfillPlanError(`no asset ${keyToUserString(root.key)} in the workspace`);
    const space = spaceOf(node);
    const picked = rootSelection(node, space, root.partitions, request.only, context.verdicts);
    if (picked === null) {
      warnings.push(nothingPicked(node, request.only));
      continue;
    }
    rootIds.add(keyId(node.key));
    picks.set(keyId(node.key), picked.kind === 'whole' || picked.kind === 'unknown' ? null : picked);
    sources.push({ key: node.key, partitions: picked.kind === 'whole' || picked.kind === 'unknown' ? { kind: 'all' } : { kind: 'subset', subset: picked } });
  }

  // Every asset reached, in dependency order (the roots alone without downstream).
  const reached = sources.length ? computeCombinedImpact(graph, sources, spaceContext) : { reached: new Map(), invalidEdges: [] };
  for (const edge of reached.invalidEdges) warnings.push(notFollowed(edge));
  const locations = new Map(graph.codeLocations.map((location) => [location.name, location]));
  const targets: Target[] = [];
  const skipped: BackfillPlan['skipped'] = [];
  for (const [id, hit] of reached.reached) {
    const role = rootIds.has(id) ? 'root' : 'downstream';
    if (role === 'downstream' && !request.downstream) continue;
    const node = nodes.get(id) as AssetNode;
    if (unmaterializedKinds.has(node.kind)) {
      skipped.push({ key: [...node.key], reason: node.kind === 'stub' ? 'no definition in the workspace' : `${node.kind.replace('_', ' ')} assets are not materialized` });
      continue;
    }
    if (hit.selection?.kind === 'unknown') throw new BackfillPlanError(`the partitions of ${keyToUserString(node.key)} to backfill are not known: ${hit.selection.reason}`);
    const location = locations.get(node.codeLocation);
    if (!location) throw new BackfillPlanError(`${keyToUserString(node.key)} belongs to code location ${node.codeLocation}, which the workspace does not configure`);
    const space = spaceOf(node);
    const reachedSubset = space === null ? null : hit.selection === null || hit.selection.kind === 'whole' ? allSubset(space) : (hit.selection as PartitionSubset);
    // A root keeps the partitions picked; through a dependency on itself the impact also reaches its
    // later partitions, which the user is told about rather than sent unasked.
    const picked = picks.get(id);
    let subset = reachedSubset;
    if (role === 'root' && picked !== undefined && space !== null && reachedSubset !== null) {
      subset = picked ?? allSubset(space);
      const more = subsetSize(reachedSubset) - subsetSize(subset);
      if (more > 0) warnings.push(`${keyToUserString(node.key)} reads its own earlier partitions: ${more} later partition${more === 1 ? '' : 's'} will be out of date after this backfill`);
    }
    if (subset !== null && isEmptySubset(subset)) continue;
    const singleRun = node.backfillPolicy?.type === 'single_run' && space !== null && space.kind !== 'multi';
    targets.push({ node, id, role, space, subset, location, singleRun, batch: -1 });
  }

  const batches = formBatches(targets);
  const runs = draftRuns(batches);
  linkRuns(batches, targets, spaceOf);
  const ordered = orderRuns(runs);

  const plannedRuns = ordered.map((run, index): PlannedRun => {
    const assets = run.batch.targets.map((t) => [...t.node.key]);
    let command;
    try {
      command = runCommand(run.batch.location, context.root, assets, run.partitions, context.commands);
    } catch (error) {
      if (error instanceof CommandError) throw new BackfillPlanError(error.message);
      throw error;
    }
    const size = (run.subset === null ? 1 : subsetSize(run.subset)) * assets.length;
    let estimateMs: number | null = null;
    for (const t of run.batch.targets) {
      const past = context.durations?.get(keyToUserString(t.node.key));
      if (past !== undefined) estimateMs = Math.max(estimateMs ?? 0, past);
    }
    return { index, location: run.batch.location.name, assets, partitions: run.partitions, size, argv: command.argv, cwd: command.cwd, after: [...run.after].map((r) => r.index).sort((a, b) => a - b), estimateMs };
  });

  const assets = targets.map((t): PlannedAsset => {
    const partitions = t.subset === null ? null : t.space?.kind === 'time' ? { ranges: subsetKeyRanges(t.subset) } : { ranges: subsetKeyRanges(t.subset), keys: subsetKeys(t.subset, keyLimit) };
    return { key: [...t.node.key], role: t.role, location: t.location.name, count: t.subset === null ? 1 : subsetSize(t.subset), partitions, policy: t.node.backfillPolicy?.type ?? null };
  });
  const estimated = plannedRuns.filter((r) => r.estimateMs !== null);
  return {
    assets,
    runs: plannedRuns,
    skipped,
    warnings,
    summary: {
      assets: assets.length,
      partitions: assets.reduce((n, a) => n + a.count, 0),
      runs: plannedRuns.length,
      estimateMs: estimated.length ? estimated.reduce((n, r) => n + (r.estimateMs as number), 0) : null,
      estimatedRuns: estimated.length,
    },
  };
}

/**
 * Each asset's partition space at the context's `now`, made once per asset; partitions that cannot
 * be known (an unreadable definition) refuse the plan with the reason.
 */
export function partitionSpaces(context: SpaceContext): (node: AssetNode) => PartitionSpace | null {
  const spaces = new Map<string, PartitionSpace | UnknownSpace | null>();
  return (node) => {
    const id = keyId(node.key);
    let space = spaces.get(id);
    if (space === undefined) spaces.set(id, (space = node.partitions ? createSpace(node.partitions, context) : null));
    if (space?.kind === 'unknown') throw new BackfillPlanError(`the partitions of ${keyToUserString(node.key)} are not known: ${space.reason}`);
    return space;
  };
}

/** The warning for a root of which nothing was picked. */
export function nothingPicked(node: AssetNode, only: readonly PartitionFilter[]): string {
  return `${keyToUserString(node.key)}: no ${only.length ? `${only.join(' or ')} ` : ''}partitions in the selection`;
}

/** The warning for a dependency whose mapping Dagster refuses: nothing is mapped through it. */
export function notFollowed(edge: { upstream: readonly string[]; downstream: readonly string[]; message: string }): string {
  return `not followed: ${edge.upstream.join('/')} → ${edge.downstream.join('/')}: ${edge.message}`;
}

/**
 * What the user picked of one root: the partitions that exist now (a range may run past the last
 * window), keeping only those whose status is one of `only` when asked. Null: nothing.
 */
export function rootSelection(node: AssetNode, space: PartitionSpace | null, partitions: SourcePartitions, only: readonly PartitionFilter[], verdicts: VerdictSource | undefined): ImpactSelection {
  let picked: ImpactSelection;
  try {
    picked = sourceSelection(space, space === null ? { kind: 'all' } : partitions);
  } catch (error) {
    if (error instanceof PartitionsError) throw new BackfillPlanError(`${keyToUserString(node.key)}: ${error.message}`);
    throw error;
  }
  if (space !== null && partitions.kind !== 'all' && picked !== null && picked.kind !== 'whole' && picked.kind !== 'unknown') {
    // Keys the definition does not have now (a range past the last window) are not launched.
    picked = intersection(picked, allSubset(space));
  }
  if (only.length) {
    if (!verdicts) throw new BackfillPlanError(`picking only ${only.join(' or ')} partitions needs partition statuses: give an instance or a webserver`);
    picked = filterByStatus(node, space, picked, only, verdicts);
  }
  return picked !== null && picked.kind !== 'whole' && picked.kind !== 'unknown' && isEmptySubset(picked) ? null : picked;
}

/** The picked partitions whose status is one of `only`; partitions without a record are missing. */
function filterByStatus(node: AssetNode, space: PartitionSpace | null, picked: ImpactSelection, only: readonly PartitionFilter[], verdicts: VerdictSource): ImpactSelection {
  const wanted = new Set<string>(only);
  if (space === null) return wanted.has(verdicts.verdict(node, null).status) ? picked : null;
  const recorded: string[] = [];
  const kept: string[] = [];
  verdicts.eachRecorded(node, (partition, verdict) => {
    if (partition === null) return;
    recorded.push(partition);
    if (wanted.has(verdict.status)) kept.push(partition);
  });
  let keep = subsetFromKeys(space, kept).subset;
  if (wanted.has('missing')) keep = union(keep, difference(allSubset(space), subsetFromKeys(space, recorded).subset));
  return picked === null || picked.kind === 'whole' ? keep : picked.kind === 'unknown' ? picked : intersection(picked, keep);
}

function subsetSignature(subset: PartitionSubset | null): string {
  if (subset === null) return '';
  if (subset.kind === 'single') return subset.set.flat.join(',');
  return [...subset.columns].map(([c, set]) => `${c}:${set.flat.join(',')}`).join(';');
}

/**
 * Assets share a batch (and so every run of it) when they belong to one code location, one
 * partitions definition and one policy class, need the same partitions, and sit at the same stage:
 * an asset's stage passes its parents' unless a parent is in another batch, so no batch reads from
 * a batch that comes after it.
 */
function formBatches(targets: Target[]): Batch[] {
  const index = new Map(targets.map((t) => [t.id, t]));
  const stageOf = new Map<string, number>();
  const batchKeys = new Map<string, Batch>();
  const batches: Batch[] = [];
  const classOf = (t: Target): string => `${t.location.name}\u0000${t.node.partitions ? JSON.stringify(t.node.partitions) : ''}\u0000${t.singleRun}\u0000${subsetSignature(t.subset)}`;
  // Targets come in dependency order; a cycle (an asset on its own earlier partitions) is ignored here.
  for (const t of targets) {
    const own = classOf(t);
    let stage = 0;
    for (const dep of t.node.deps) {
      const parent = index.get(keyId(dep.key));
      if (!parent || parent === t) continue;
      const parentStage = stageOf.get(parent.id);
      if (parentStage === undefined) continue;
      stage = Math.max(stage, parentStage + (classOf(parent) === own ? 0 : 1));
    }
    stageOf.set(t.id, stage);
    const key = `${stage}\u0000${own}`;
    let batch = batchKeys.get(key);
    if (!batch) {
      batch = { location: t.location, space: t.space, singleRun: t.singleRun, subset: t.subset, stage, targets: [], runs: [] };
      batchKeys.set(key, batch);
      batches.push(batch);
    }
    t.batch = batches.indexOf(batch);
    batch.targets.push(t);
  }
  return batches;
}

/** Single-run batches: one run per contiguous range; others: one run per partition; unpartitioned: one run. */
function draftRuns(batches: Batch[]): DraftRun[] {
  const runs: DraftRun[] = [];
  const add = (batch: Batch, partitions: RunPartitions, subset: PartitionSubset | null): void => {
    const run: DraftRun = { batch, partitions, subset, after: new Set(), index: -1 };
    batch.runs.push(run);
    runs.push(run);
  };
  for (const batch of batches) {
    const { space, subset } = batch;
    if (space === null || subset === null) {
      add(batch, null, null);
      continue;
    }
    if (subset.kind === 'single' && space.kind !== 'multi') {
      for (const [s, e] of subset.set.ranges()) {
        if (batch.singleRun) {
          add(batch, e - s === 1 ? { kind: 'key', key: space.key(s) } : { kind: 'range', start: space.key(s), end: space.key(e - 1) }, new SingleSubset(space, IntervalSet.range(s, e)));
        } else {
          for (let i = s; i < e; i++) add(batch, { kind: 'key', key: space.key(i) }, new SingleSubset(space, IntervalSet.range(i, i + 1)));
        }
      }
      continue;
    }
    // Multi-partitioned: a run per key (ranges of multi keys are not a CLI form).
    for (const key of subsetKeys(subset)) add(batch, { kind: 'key', key }, subsetFromKeys(space, [key]).subset);
  }
  return runs;
}

/** Sets each run's `after`: the runs of targeted parents that produce partitions it reads. */
function linkRuns(batches: Batch[], targets: Target[], spaceOf: (node: AssetNode) => PartitionSpace | null): void {
  const byId = new Map(targets.map((t) => [t.id, t]));
  const locators = batches.map(runLocator);
  for (const batch of batches) {
    for (const t of batch.targets) {
      for (const dep of t.node.deps) {
        const parent = byId.get(keyId(dep.key));
        if (!parent) continue;
        // Once per edge: the mapping Dagster uses (it may refuse it; then nothing is read through it).
        const mapping = inferPartitionMapping(dep.partitionMapping, t.node.partitions, parent.node.partitions);
        const locate = locators[parent.batch] as RunLocator;
        for (const run of batch.runs) {
          const needed = upstreamPartitions(t, parent, mapping, run, spaceOf);
          if (needed === null) continue;
          // A run never waits for itself: Dagster orders the assets (and a range's partitions) inside it.
          for (const other of locate(needed)) if (other !== run) run.after.add(other);
        }
      }
    }
  }
}

type RunLocator = (needed: PartitionSubset | 'all') => Iterable<DraftRun>;

/** Finds a batch's runs holding any of some partitions without testing every run (a batch may have thousands). */
function runLocator(batch: Batch): RunLocator {
  const runs = batch.runs;
  if (batch.space === null || batch.space.kind === 'multi') {
    const byKey = new Map<string, DraftRun>();
    for (const run of runs) if (run.partitions?.kind === 'key') byKey.set(run.partitions.key, run);
    return (needed) => {
      if (needed === 'all' || batch.space === null) return runs;
      const found = new Set<DraftRun>();
      for (const key of subsetKeys(needed)) {
        const run = byKey.get(key);
        if (run) found.add(run);
      }
      return found;
    };
  }
  // Single space: runs cover disjoint ranges in ascending order.
  const starts = runs.map((run) => (run.subset as SingleSubset).set.flat[0] as number);
  const ends = runs.map((run) => (run.subset as SingleSubset).set.flat[1] as number);
  return (needed) => {
    if (needed === 'all') return runs;
    const found: DraftRun[] = [];
    if (needed.kind !== 'single') return found;
    for (const [s, e] of needed.set.ranges()) {
      // The first run ending after s.
      let lo = 0;
      let hi = runs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((ends[mid] as number) <= s) lo = mid + 1;
        else hi = mid;
      }
      for (let r = lo; r < runs.length && (starts[r] as number) < e; r++) found.push(runs[r] as DraftRun);
    }
    return found;
  };
}

/**
 * The partitions of `parent` that `child` reads for the run's partitions: 'all' when either side is
 * unpartitioned (Dagster's whole-asset dependency), null when it reads none.
 */
function upstreamPartitions(child: Target, parent: Target, mapping: PartitionMapping, run: DraftRun, spaceOf: (node: AssetNode) => PartitionSpace | null): PartitionSubset | 'all' | null {
  const up = spaceOf(parent.node);
  const down = spaceOf(child.node);
  if (up === null || down === null || run.subset === null) return 'all';
  try {
    const mapped = upstreamOf(mapping, up, down, run.subset).selection;
    if (mapped === null) return null;
    return mapped.kind === 'whole' ? 'all' : mapped;
  } catch (error) {
    // A mapping Dagster refuses: the impact pass did not follow it, and nothing is read through it.
    if (error instanceof PartitionsError) return null;
    throw error;
  }
}

/**
 * A launch order in which every run comes after the runs it reads from: batches by stage, then
 * partitions in order, moved only where a dependency (a mapping to later partitions) requires.
 */
function orderRuns(runs: DraftRun[]): DraftRun[] {
  const drafted = new Map(runs.map((run, i) => [run, i]));
  const priority = [...runs].sort((a, b) => a.batch.stage - b.batch.stage || (drafted.get(a) as number) - (drafted.get(b) as number));
  const rank = new Map(priority.map((run, i) => [run, i]));
  const state = new Map<DraftRun, 'visiting' | 'done'>();
  const out: DraftRun[] = [];
  const chain: DraftRun[] = [];
  const visit = (run: DraftRun): void => {
    const seen = state.get(run);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(run)), run].map(describeRun).join(' → ');
      throw new BackfillPlanError(`these runs each need another's partitions first, so no order works: ${cycle}`);
    }
    state.set(run, 'visiting');
    chain.push(run);
    const deps = [...run.after].sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
    for (const dep of deps) visit(dep);
    chain.pop();
    state.set(run, 'done');
    run.index = out.length;
    out.push(run);
  };
  for (const run of priority) visit(run);
  return out;
}

function describeRun(run: DraftRun): string {
  const assets = run.batch.targets.map((t) => keyToUserString(t.node.key)).join(',');
  return run.partitions === null ? assets : `${assets} [${runPartitionsText(run.partitions)}]`;
}
