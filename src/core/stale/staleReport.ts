import { keyId, keyToUserString } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import { computeCombinedImpact, type ImpactSource } from '../partitions/impact';
import type { PartitionSpace } from '../partitions/keySpaces';
import { allSubset, difference, intersection, isEmptySubset, subsetFromKeys, subsetKeyRanges, subsetKeys, subsetSize, union, type PartitionSubset } from '../partitions/subsets';
import type { LocalInstance } from '../state/localInstance';
import { externalKinds, SpaceCache, StalenessContext, stalenessOf, type StaleCause } from './staleness';

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
  causes: { category: StaleCause['category']; reason: string; dependency?: string[] }[];
}

export interface AssetStaleReport {
  asset: string[];
  status: { fresh: number; stale: number; missing: number; failed: number };
  stale: StaleGroup[];
  /** The failed partitions (their latest run failed after their latest materialization). */
  failed: { ranges: [string, string][]; keys?: string[] };
  /** Fresh partitions downstream of stale or failed ones (not a Dagster status). */
  impacted: { count: number; ranges: [string, string][]; keys?: string[]; upstream: string[][] }[];
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
  /** Partitions with a record; null stands for an unpartitioned asset. */
  recorded(node: AssetNode): Iterable<string | null>;
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
  return {
    spaces: ctx.spaces,
    recorded: (node) => ctx.plan(node).states?.keys() ?? [],
    verdict: (node, partition) => {
      const plan = ctx.plan(node);
      const state = plan.states?.get(partition);
      if (state?.status === 'failed') return failedVerdict;
      const result = stalenessOf(ctx, node, plan, partition, state);
      if (result.status === 'FRESH') return freshVerdict;
      if (result.status === 'MISSING') return missingVerdict;
      return { status: 'stale', causes: result.causes };
    },
    dynamicKeys,
  };
}

interface AssetWork {
  node: AssetNode;
  space: PartitionSpace | null;
  /** Partitions (null: the unpartitioned asset) by bucket. */
  fresh: (string | null)[];
  staleBy: Map<string, { causes: StaleGroup['causes']; partitions: (string | null)[] }>;
  missing: number;
  /** External assets' partitions without a record count as fresh. */
  freshUnrecorded: number;
  failed: (string | null)[];
}

/** The report for a local instance (see `staleReportFrom`). */
export function staleReport(graph: AssetGraph, instance: LocalInstance, now: number): AssetStaleReport[] {
  return staleReportFrom(graph, localVerdicts(graph, instance, now), now);
}

export function staleReportFrom(graph: AssetGraph, source: VerdictSource, now: number): AssetStaleReport[] {
  const context = { now, dynamicKeys: (name: string) => source.dynamicKeys(name) };
  const spaces = source.spaces ?? new SpaceCache(context);
  const seen = new Set<string>();
  const work: AssetWork[] = [];
  for (const node of graph.assets) {
    const id = keyId(node.key);
    if (node.kind === 'stub' || seen.has(id)) continue;
    seen.add(id);
    const space = spaces.of(node);
    if (space?.kind === 'unknown') continue;
    const entry: AssetWork = { node, space, fresh: [], staleBy: new Map(), missing: 0, freshUnrecorded: 0, failed: [] };
    const recorded = [...source.recorded(node)];
    let partitions: (string | null)[];
    if (space === null) partitions = [null];
    else {
      // Partitions without any record are missing (external assets: fresh) without asking each one.
      // The recorded keys themselves are asked about (not keys formatted again from the subset):
      // they are the strings the source's maps hold. Keys the definition no longer has are left out.
      partitions = recorded.filter((p): p is string => p !== null && space.indexOf(p) !== null);
      const known = subsetFromKeys(space, partitions as string[]).subset;
      const unrecorded = subsetSize(difference(allSubset(space), known));
      if (externalKinds.has(node.kind)) entry.freshUnrecorded = unrecorded;
      else entry.missing = unrecorded;
    }
    for (const partition of partitions) {
      const result = source.verdict(node, partition);
      if (result.status === 'failed') entry.failed.push(partition);
      else if (result.status === 'missing') entry.missing++;
      else if (result.status === 'fresh') entry.fresh.push(partition);
      else {
        const causes = result.causes.map((c) => ({ category: c.category, reason: c.reason, ...(c.dependency ? { dependency: c.dependency.asset } : {}) }));
        const unique = [...new Map(causes.map((c) => [JSON.stringify(c), c])).values()];
        const signature = JSON.stringify(unique);
        const group = entry.staleBy.get(signature) ?? { causes: unique, partitions: [] };
        group.partitions.push(partition);
        entry.staleBy.set(signature, group);
      }
    }
    work.push(entry);
  }

  const subsetOf = (space: PartitionSpace | null, partitions: (string | null)[]): PartitionSubset | null =>
    space === null ? null : subsetFromKeys(space, partitions.filter((p): p is string => p !== null)).subset;

  // Beyond Dagster: what the stale and failed partitions reach downstream, in one pass over the graph.
  const sources: ImpactSource[] = [];
  for (const entry of work) {
    const stalePartitions = [...entry.staleBy.values()].flatMap((g) => g.partitions).concat(entry.failed);
    if (!stalePartitions.length) continue;
    sources.push({ key: entry.node.key, partitions: entry.space === null ? { kind: 'all' } : { kind: 'subset', subset: subsetOf(entry.space, stalePartitions) as PartitionSubset } });
  }
  const reached = sources.length ? computeCombinedImpact(graph, sources, context).reached : new Map<string, never>();

  return work
    .map((entry): AssetStaleReport => {
      const staleCount = [...entry.staleBy.values()].reduce((n, g) => n + g.partitions.length, 0);
      const hit = reached.get(keyId(entry.node.key));
      let impacted: AssetStaleReport['impacted'] = [];
      if (hit && hit.selection !== null && hit.selection.kind !== 'unknown') {
        const upstream = [...new Set(hit.sources.map((i) => keyToUserString((sources[i] as ImpactSource).key)))].sort().map((k) => k.split('/'));
        if (entry.space === null) {
          if (entry.fresh.includes(null)) impacted = [{ count: 1, ranges: [], upstream }];
        } else {
          const fresh = subsetOf(entry.space, entry.fresh) as PartitionSubset;
          const reachedHere = hit.selection.kind === 'whole' ? fresh : intersection(hit.selection, fresh);
          if (!isEmptySubset(reachedHere)) impacted = [{ count: subsetSize(reachedHere), ...describe(reachedHere), upstream }];
        }
      }
      return {
        asset: [...entry.node.key],
        status: { fresh: entry.fresh.length + entry.freshUnrecorded, stale: staleCount, missing: entry.missing, failed: entry.failed.length },
        stale: [...entry.staleBy.values()].map((g) => ({ count: g.partitions.length, ...describe(subsetOf(entry.space, g.partitions)), causes: g.causes })),
        failed: describe(subsetOf(entry.space, entry.failed)),
        impacted,
      };
    })
    .sort((a, b) => (keyToUserString(a.asset) < keyToUserString(b.asset) ? -1 : 1));
}
