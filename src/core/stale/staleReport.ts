import { keyId, keyToUserString } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import { computeImpact } from '../partitions/impact';
import type { PartitionSpace } from '../partitions/keySpaces';
import { allSubset, difference, intersection, isEmptySubset, subsetFromKeys, subsetKeyRanges, subsetKeys, subsetSize, union, type PartitionSubset } from '../partitions/subsets';
import type { LocalInstance } from '../state/localInstance';
import { externalKinds, partitionStaleness, StalenessContext, type StaleCause } from './staleness';

/**
 * Every partition of every asset, as `asset-lineage stale` prints it: counts by status, stale
 * partitions grouped by their causes (as ranges, and keys when not time-based), and (beyond
 * Dagster, labelled as such) the partitions that are fresh now but depend, through the partition
 * mappings, on a stale or failed upstream partition: re-materializing that one will leave them
 * out of date.
 */

export interface StaleGroup {
  ranges: [string, string][];
  keys?: string[];
  causes: { category: StaleCause['category']; reason: string; dependency?: string[] }[];
}

export interface AssetStaleReport {
  asset: string[];
  status: { fresh: number; stale: number; missing: number; failed: number };
  stale: StaleGroup[];
  /** Fresh partitions downstream of stale or failed ones (not a Dagster status). */
  impacted: { ranges: [string, string][]; keys?: string[]; upstream: string[][] }[];
}

const keyLimit = 1000;

function describe(subset: PartitionSubset | null): { ranges: [string, string][]; keys?: string[] } {
  if (subset === null) return { ranges: [] };
  const timeBased = subset.kind === 'single' ? subset.space.kind === 'time' : subset.space.dims.some((d) => d.space.kind === 'time');
  return timeBased ? { ranges: subsetKeyRanges(subset) } : { ranges: subsetKeyRanges(subset), keys: subsetKeys(subset, keyLimit) };
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


export function staleReport(graph: AssetGraph, instance: LocalInstance, now: number): AssetStaleReport[] {
  const ctx = new StalenessContext(graph, instance, { now });
  const work: AssetWork[] = [];
  for (const node of ctx.nodes.values()) {
    if (node.kind === 'stub') continue;
    const space = ctx.space(node);
    if (space?.kind === 'unknown') continue;
    const entry: AssetWork = { node, space, fresh: [], staleBy: new Map(), missing: 0, freshUnrecorded: 0, failed: [] };
    const states = instance.assets.get(keyToUserString(node.key))?.partitions;
    const recorded = [...(states?.keys() ?? [])];
    let partitions: (string | null)[];
    if (space === null) partitions = [null];
    else {
      // Partitions without any record are missing (external assets: fresh) without asking each one.
      const known = subsetFromKeys(space, recorded.filter((p): p is string => p !== null)).subset;
      const unrecorded = subsetSize(difference(allSubset(space), known));
      if (externalKinds.has(node.kind)) entry.freshUnrecorded = unrecorded;
      else entry.missing = unrecorded;
      partitions = subsetKeys(known);
    }
    for (const partition of partitions) {
      if (states?.get(partition)?.status === 'failed') {
        entry.failed.push(partition);
        continue;
      }
      const result = partitionStaleness(ctx, node, partition);
      if (result.status === 'MISSING') entry.missing++;
      else if (result.status === 'FRESH') entry.fresh.push(partition);
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

  // Beyond Dagster: what the stale and failed partitions reach downstream, among partitions fresh now.
  const impactedBy = new Map<string, { selection: PartitionSubset | 'whole'; upstream: Set<string> }>();
  for (const entry of work) {
    const stalePartitions = [...entry.staleBy.values()].flatMap((g) => g.partitions).concat(entry.failed);
    if (!stalePartitions.length) continue;
    const source = entry.space === null ? ({ kind: 'all' } as const) : ({ kind: 'subset', subset: subsetOf(entry.space, stalePartitions) as PartitionSubset } as const);
    const result = computeImpact(graph, entry.node.key, source, { now, dynamicKeys: (name) => instance.dynamicPartitions.get(name) });
    for (const hit of result.impacted) {
      const id = keyId(hit.key);
      const selection = hit.selection;
      if (selection === null || selection.kind === 'unknown') continue;
      const current = impactedBy.get(id);
      const next: PartitionSubset | 'whole' =
        selection.kind === 'whole' ? 'whole' : current && current.selection !== 'whole' ? union(current.selection, selection) : current?.selection === 'whole' ? 'whole' : selection;
      impactedBy.set(id, { selection: next, upstream: new Set([...(current?.upstream ?? []), keyToUserString(entry.node.key)]) });
    }
  }

  return work
    .map((entry): AssetStaleReport => {
      const staleCount = [...entry.staleBy.values()].reduce((n, g) => n + g.partitions.length, 0);
      const hit = impactedBy.get(keyId(entry.node.key));
      let impacted: AssetStaleReport['impacted'] = [];
      if (hit) {
        const upstream = [...hit.upstream].sort().map((k) => k.split('/'));
        if (entry.space === null) {
          if (entry.fresh.includes(null)) impacted = [{ ranges: [], upstream }];
        } else {
          const fresh = subsetOf(entry.space, entry.fresh) as PartitionSubset;
          const reached = hit.selection === 'whole' ? fresh : intersection(hit.selection, fresh);
          if (!isEmptySubset(reached)) impacted = [{ ...describe(reached), upstream }];
        }
      }
      return {
        asset: [...entry.node.key],
        status: { fresh: entry.fresh.length + entry.freshUnrecorded, stale: staleCount, missing: entry.missing, failed: entry.failed.length },
        stale: [...entry.staleBy.values()].map((g) => ({ ...describe(subsetOf(entry.space, g.partitions)), causes: g.causes })),
        impacted,
      };
    })
    .sort((a, b) => (keyToUserString(a.asset) < keyToUserString(b.asset) ? -1 : 1));
}
