import { keyToUserString } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import { computeCombinedImpact, type ImpactSource } from '../partitions/impact';
import type { PartitionSpace } from '../partitions/keySpaces';
import { IntervalSet } from '../partitions/intervalSet';
import { intersection, isEmptySubset, SingleSubset, subsetFromKeys, subsetKeyRanges, subsetKeys, subsetSize, union, type PartitionSubset } from '../partitions/subsets';
import type { LocalInstance } from '../state/localInstance';
import { failedFlag, flagsAt, stride, type StatusColumns } from '../state/statusColumns';
import { externalKinds, graphPlans, SpaceCache, StalenessContext, stalenessAt, type NodePlan, type StaleCause } from './staleness';

/**
 * Every partition of every asset, as `asset-lineage stale` prints it: counts by status, stale
 * partitions grouped by their causes (as ranges, and keys when not time-based), and (beyond
 * Dagster, labelled as such) the partitions that are fresh now but depend, through the partition
 * mappings, on a stale or failed upstream partition: re-materializing that one will leave them
 * out of date.
 */

export interface StaleGroup {
  /** Partitions in the group (1 for an unpartitioned asset). */
  count: number;
  ranges: [string, string][];
  keys?: string[];
  causes: { category: StaleCause['category']; reason: string; dependency?: readonly string[] }[];
}

export interface AssetStaleReport {
  asset: string[];
  status: { fresh: number; stale: number; missing: number; failed: number };
  stale: StaleGroup[];
  /** The failed partitions (their latest run failed after their latest materialization). */
  failed: { ranges: [string, string][]; keys?: string[] };
  /** Fresh partitions downstream of stale or failed ones (not a Dagster status). */
  impacted: { count: number; ranges: [string, string][]; keys?: string[]; upstream: (readonly string[])[] }[];
}

const keyLimit = 1000;

function describe(subset: PartitionSubset | null): { ranges: [string, string][]; keys?: string[] } {
  if (subset === null) return { ranges: [] };
  const timeBased = subset.kind === 'single' ? subset.space.kind === 'time' : subset.space.dims.some((d) => d.space.kind === 'time');
  return timeBased ? { ranges: subsetKeyRanges(subset) } : { ranges: subsetKeyRanges(subset), keys: subsetKeys(subset, keyLimit) };
}

/** One partition's verdict, from whichever source knows it. */
export interface PartitionVerdict {
  status: 'fresh' | 'stale' | 'missing' | 'failed';
  causes: StaleCause[];
}

/**
 * Where verdicts come from: the workspace's code against a local instance's records (our reading of
 * Dagster's rules), or a Dagster webserver's own answers. Partitions a source has no record of are
 * missing (fresh for external assets) without being asked one by one.
 */
export interface VerdictSource {
  /** Spaces shared with the source's own questions (one per distinct definition). */
  spaces?: SpaceCache;
  /** Calls `visit` with every partition that has a record (null stands for an unpartitioned asset) and its verdict. */
  eachRecorded(node: AssetNode, visit: (partition: string | null, verdict: PartitionVerdict) => void): void;
  verdict(node: AssetNode, partition: string | null): PartitionVerdict;
  dynamicKeys(name: string): string[] | undefined;
}

const freshVerdict: PartitionVerdict = Object.freeze({ status: 'fresh', causes: [] });
const missingVerdict: PartitionVerdict = Object.freeze({ status: 'missing', causes: [] });
const failedVerdict: PartitionVerdict = Object.freeze({ status: 'failed', causes: [] });

/** Verdicts from a local instance's records and the workspace's definitions. */
export function localVerdicts(graph: AssetGraph, instance: LocalInstance, now: number): VerdictSource {
  const dynamicKeys = (name: string): string[] | undefined => instance.dynamicPartitions.get(name);
  const ctx = new StalenessContext(graph, instance, { now, dynamicKeys });
  // `i` is the partition's position in the plan's status columns (-1: no state at all).
  const verdictAt = (plan: NodePlan, i: number): PartitionVerdict => {
    if (i >= 0 && ((plan.columns as StatusColumns).data[i * stride + flagsAt] as number) & failedFlag) return failedVerdict;
    const result = stalenessAt(ctx, plan, i);
    if (result.status === 'FRESH') return freshVerdict;
    if (result.status === 'MISSING') return missingVerdict;
    return { status: 'stale', causes: result.causes };
  };
  return {
    spaces: ctx.spaces,
    // The columns are walked in order: no key lists, no lookup per partition.
    eachRecorded: (node, visit) => {
      const plan = ctx.plan(node);
      const partitions = plan.columns?.partitions;
      if (partitions) for (let i = 0; i < partitions.length; i++) visit(partitions[i] as string | null, verdictAt(plan, i));
    },
    verdict: (node, partition) => {
      const plan = ctx.plan(node);
      return verdictAt(plan, plan.columns?.partitions.indexOf(partition) ?? -1);
    },
    dynamicKeys,
  };
}

/**
 * Partitions of one asset gathered into a bucket (fresh, failed, one group of stale causes): by
 * position for a single space, kept as ranges while positions come in ascending order (recorded
 * partitions nearly always do), by key for a multi space, a count for an unpartitioned asset.
 */
class Bucket {
  count = 0;
  /** Ranges `[start, end)` flat, while every position added was after the last. */
  private bounds: number[] = [];
  /** Every position, once one came out of order. */
  private positions: number[] | null = null;
  private readonly keys: string[] = [];
  private made: PartitionSubset | null | undefined;

  add(partition: string | null, position: number): void {
    this.count++;
    if (partition === null) return;
    if (position < 0) {
      this.keys.push(partition);
      return;
    }
    if (this.positions !== null) {
      this.positions.push(position);
      return;
    }
    const bounds = this.bounds;
    const last = bounds.length - 1;
    if (last < 0 || position > (bounds[last] as number)) bounds.push(position, position + 1);
    else if (position === bounds[last]) bounds[last] = position + 1;
    else {
      this.positions = [];
      for (let k = 0; k < bounds.length; k += 2) for (let i = bounds[k] as number; i < (bounds[k + 1] as number); i++) this.positions.push(i);
      this.positions.push(position);
    }
  }

  /** The bucket's partitions as a subset of `space` (always the same space for one bucket; made once). */
  subset(space: PartitionSpace | null): PartitionSubset | null {
    if (this.made !== undefined) return this.made;
    if (space === null) this.made = null;
    else if (space.kind === 'multi') this.made = subsetFromKeys(space, this.keys).subset;
    else {
      const set = this.positions !== null ? IntervalSet.fromIndices(this.positions) : IntervalSet.fromBounds(this.bounds);
      this.made = new SingleSubset(space, set);
    }
    return this.made;
  }
}

interface AssetWork {
  node: AssetNode;
  id: string;
  /** Frozen (the graph's). */
  key: readonly string[];
  user: string;
  space: PartitionSpace | null;
  fresh: Bucket;
  staleBy: Map<string, { causes: StaleGroup['causes']; partitions: Bucket }>;
  missing: number;
  /** External assets' partitions without a record count as fresh. */
  freshUnrecorded: number;
  failed: Bucket;
}

interface ReportedCauses {
  signature: string;
  causes: StaleGroup['causes'];
}

/**
 * A stale partition's causes as the report shows them (a dependency by asset), without repeats, and
 * their signature. Nearly every stale partition has one cause, and the partitions of one asset stale
 * through the same parent share it: those are remembered per report, by the cause's (shared, frozen)
 * dependency key and its reason, so that tens of thousands of stale partitions make a handful of groups'
 * worth of objects.
 */
class CauseReporter {
  private readonly single = new Map<readonly string[] | null, Map<string, ReportedCauses & { category: StaleCause['category'] }>>();

  of(causes: readonly StaleCause[]): ReportedCauses {
    if (causes.length === 1) {
      const only = causes[0] as StaleCause;
      const dependency = only.dependency?.asset ?? null;
      let byReason = this.single.get(dependency);
      if (!byReason) this.single.set(dependency, (byReason = new Map()));
      const known = byReason.get(only.reason);
      if (known && known.category === only.category) return known;
      const made = { category: only.category, signature: causeSignature(only), causes: [reportedCause(only)] };
      if (!known) byReason.set(only.reason, made);
      return made;
    }
    const seen = new Set<string>();
    const out: StaleGroup['causes'] = [];
    for (const c of causes) {
      const signature = causeSignature(c);
      if (seen.has(signature)) continue;
      seen.add(signature);
      out.push(reportedCause(c));
    }
    return { signature: [...seen].join('\u0002'), causes: out };
  }
}

function causeSignature(c: StaleCause): string {
  return `${c.category}\u0000${c.reason}\u0000${c.dependency ? keyToUserString(c.dependency.asset) : '\u0001'}`;
}

function reportedCause(c: StaleCause): StaleGroup['causes'][number] {
  return { category: c.category, reason: c.reason, ...(c.dependency ? { dependency: c.dependency.asset } : {}) };
}

/** Puts one partition in the bucket its verdict says. */
function place(entry: AssetWork, partition: string | null, position: number, result: PartitionVerdict, reporter: CauseReporter): void {
  if (result.status === 'failed') entry.failed.add(partition, position);
  else if (result.status === 'missing') entry.missing++;
  else if (result.status === 'fresh') entry.fresh.add(partition, position);
  else {
    const { signature, causes } = reporter.of(result.causes);
    let group = entry.staleBy.get(signature);
    if (!group) entry.staleBy.set(signature, (group = { causes, partitions: new Bucket() }));
    group.partitions.add(partition, position);
  }
}

/** The report for a local instance (see `staleReportFrom`). */
export function staleReport(graph: AssetGraph, instance: LocalInstance, now: number): AssetStaleReport[] {
  return staleReportFrom(graph, localVerdicts(graph, instance, now), now);
}

export function staleReportFrom(graph: AssetGraph, source: VerdictSource, now: number): AssetStaleReport[] {
  const context = { now, dynamicKeys: (name: string) => source.dynamicKeys(name) };
  const spaces = source.spaces ?? new SpaceCache(context);
  const work: AssetWork[] = [];
  const reporter = new CauseReporter();
  for (const { node, id, key, user } of graphPlans(graph).assets) {
    if (node.kind === 'stub') continue;
    const space = spaces.of(node);
    if (space?.kind === 'unknown') continue;
    const entry: AssetWork = { node, id, key, user, space, fresh: new Bucket(), staleBy: new Map(), missing: 0, freshUnrecorded: 0, failed: new Bucket() };
    if (space === null) place(entry, null, -1, source.verdict(node, null), reporter);
    else {
      // Partitions without any record are missing (external assets: fresh) without asking each one.
      // The recorded keys themselves are asked about (not keys formatted again from the subset):
      // they are the strings the source's maps hold. Keys the definition no longer has are left out.
      let recorded = 0;
      source.eachRecorded(node, (p, verdict) => {
        if (p === null) return;
        const at = space.indexOf(p);
        if (at === null) return;
        recorded++;
        place(entry, p, typeof at === 'number' ? at : -1, verdict, reporter);
      });
      const unrecorded = space.count - recorded;
      if (externalKinds.has(node.kind)) entry.freshUnrecorded = unrecorded;
      else entry.missing += unrecorded;
    }
    work.push(entry);
  }

  // Beyond Dagster: what the stale and failed partitions reach downstream, in one pass over the graph.
  const sources: ImpactSource[] = [];
  const sourceEntries: AssetWork[] = [];
  for (const entry of work) {
    const buckets = [...[...entry.staleBy.values()].map((g) => g.partitions), entry.failed].filter((b) => b.count > 0);
    if (!buckets.length) continue;
    const subsets = buckets.map((b) => b.subset(entry.space));
    sourceEntries.push(entry);
    sources.push({
      key: entry.key,
      partitions: entry.space === null ? { kind: 'all' } : { kind: 'subset', subset: subsets.reduce((a, b) => union(a as PartitionSubset, b as PartitionSubset)) as PartitionSubset },
    });
  }
  const reached = sources.length ? computeCombinedImpact(graph, sources, context).reached : new Map<string, never>();
  // Each source's rank in key order: an impacted asset lists its (often many) upstream sources by rank.
  const userOf = (source: number): string => (sourceEntries[source] as AssetWork).user;
  const byUser = sources.map((_, i) => i).sort((a, b) => (userOf(a) < userOf(b) ? -1 : 1));
  const rankOf = new Int32Array(sources.length);
  byUser.forEach((source, rank) => (rankOf[source] = rank));
  // The graph's frozen key of each source, shared by every asset that lists it.
  const keyByRank = byUser.map((source) => (sourceEntries[source] as AssetWork).key);

  return work
    .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
    .map((entry): AssetStaleReport => {
      const staleCount = [...entry.staleBy.values()].reduce((n, g) => n + g.partitions.count, 0);
      const hit = reached.get(entry.id);
      let impacted: AssetStaleReport['impacted'] = [];
      if (hit && hit.selection !== null && hit.selection.kind !== 'unknown') {
        const ranks = new Int32Array(hit.sources.length);
        for (let k = 0; k < ranks.length; k++) ranks[k] = rankOf[hit.sources[k] as number] as number;
        ranks.sort();
        const upstream: (readonly string[])[] = [];
        for (let k = 0; k < ranks.length; k++) {
          if (k > 0 && ranks[k] === ranks[k - 1]) continue;
          upstream.push(keyByRank[ranks[k] as number] as readonly string[]);
        }
        if (entry.space === null) {
          if (entry.fresh.count > 0) impacted = [{ count: 1, ranges: [], upstream }];
        } else {
          const fresh = entry.fresh.subset(entry.space) as PartitionSubset;
          const reachedHere = hit.selection.kind === 'whole' ? fresh : intersection(hit.selection, fresh);
          if (!isEmptySubset(reachedHere)) impacted = [{ count: subsetSize(reachedHere), ...describe(reachedHere), upstream }];
        }
      }
      return {
        asset: [...entry.key],
        status: { fresh: entry.fresh.count + entry.freshUnrecorded, stale: staleCount, missing: entry.missing, failed: entry.failed.count },
        stale: [...entry.staleBy.values()].map((g) => ({ count: g.partitions.count, ...describe(g.partitions.subset(entry.space)), causes: g.causes })),
        failed: describe(entry.failed.subset(entry.space)),
        impacted,
      };
    });
}
