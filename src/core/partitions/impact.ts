import { keyId, type AssetKey } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import { inferPartitionMapping, type PartitionMapping } from '../model/partitionMappings';
import type { PartitionsDefinition } from '../model/partitions';
import { IntervalSet } from './intervalSet';
import { createSpace, type PartitionSpace, type SpaceContext, type UnknownSpace } from './keySpaces';
import { downstreamOf, whole, type Selection } from './mappings';
import {
  allSubset,
  isEmptySubset,
  SingleSubset,
  subsetFromKeys,
  subsetFromRange,
  subsetKeyRanges,
  subsetKeys,
  subsetSize,
  union,
  type PartitionSubset,
} from './subsets';
import { PartitionsError } from './timeWindows';

/**
 * Downstream impact: which partitions of which assets depend, through each edge's partition
 * mapping (explicit or inferred as Dagster infers it), on a set of partitions of one asset.
 * Selections stay interval sets all the way down, so a five-year range through ten thousand
 * assets is a few range mappings per edge. Assets are visited in dependency order; a dependency
 * cycle (which Dagster refuses, except an asset on its own earlier partitions) is iterated until
 * nothing grows, so it always ends.
 */

/** What is known about an impacted asset's partitions. */
export type ImpactSelection = Selection | { kind: 'unknown'; reason: string };

export interface ImpactedAsset {
  key: string[];
  /** Edges on the shortest path from the source. */
  depth: number;
  /** Asset keys from the source to this asset along that path (both ends included). */
  path: string[][];
  space: PartitionSpace | UnknownSpace | null;
  selection: ImpactSelection;
}

export interface ImpactResult {
  source: ImpactedAsset;
  /** In order of depth, then of the graph. The source appears only for partitions a cycle adds. */
  impacted: ImpactedAsset[];
}

/** A source selection as a user writes it: `all`, `first...last`, or a list of keys. */
export type SourcePartitions = { kind: 'all' } | { kind: 'range'; start: string; end: string } | { kind: 'keys'; keys: string[] } | { kind: 'subset'; subset: PartitionSubset };

const unknown = (reason: string): ImpactSelection => ({ kind: 'unknown', reason });

function isEmpty(selection: ImpactSelection): boolean {
  if (selection === null) return true;
  if (selection.kind === 'whole' || selection.kind === 'unknown') return false;
  return isEmptySubset(selection);
}

function merge(a: ImpactSelection, b: ImpactSelection): ImpactSelection {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  if (a?.kind === 'unknown') return a;
  if (b?.kind === 'unknown') return b;
  if (a?.kind === 'whole' || b?.kind === 'whole') return whole;
  return union(a as PartitionSubset, b as PartitionSubset);
}

function sameSelection(a: ImpactSelection, b: ImpactSelection): boolean {
  if (a === b) return true;
  if (a === null || b === null) return isEmpty(a) && isEmpty(b);
  if (a.kind !== b.kind) return false;
  if (a.kind === 'single' && b.kind === 'single') return a.set.equals(b.set);
  if (a.kind === 'multi' && b.kind === 'multi') {
    if (a.columns.size !== b.columns.size) return false;
    for (const [c, set] of a.columns) if (!b.columns.get(c)?.equals(set)) return false;
    return true;
  }
  return a.kind === b.kind;
}

/** Spaces for one evaluation, shared by every asset with an equal definition. */
class SpaceCache {
  private readonly byDefinition = new Map<string, PartitionSpace | UnknownSpace>();
  constructor(private readonly context: SpaceContext) {}

  of(def: PartitionsDefinition | null): PartitionSpace | UnknownSpace | null {
    if (def === null) return null;
    const key = JSON.stringify(def);
    let space = this.byDefinition.get(key);
    if (!space) {
      space = createSpace(def, this.context);
      this.byDefinition.set(key, space);
    }
    return space;
  }
}

export function sourceSelection(space: PartitionSpace | UnknownSpace | null, partitions: SourcePartitions): ImpactSelection {
  if (space === null) return whole;
  if (space.kind === 'unknown') return unknown(space.reason);
  switch (partitions.kind) {
    case 'all':
      return allSubset(space);
    case 'range':
      return subsetFromRange(space, partitions.start, partitions.end);
    case 'keys': {
      const { subset, unknown: missing } = subsetFromKeys(space, partitions.keys);
      if (missing.length) throw new PartitionsError(`not partitions of this asset: ${missing.slice(0, 5).map((k) => `'${k}'`).join(', ')}`, 'DagsterInvalidInvocationError');
      return subset;
    }
    case 'subset':
      return partitions.subset;
  }
}

interface Edge {
  child: string;
  mappings: PartitionMapping[];
}

/** Children of every asset with the mapping of each dependency (inferred where none is written). */
function edgesOf(graph: AssetGraph, nodes: Map<string, AssetNode>): Map<string, Edge[]> {
  const edges = new Map<string, Edge[]>();
  for (const asset of graph.assets) {
    const child = keyId(asset.key);
    const byParent = new Map<string, PartitionMapping[]>();
    for (const dep of asset.deps) {
      const parent = keyId(dep.key);
      const parentNode = nodes.get(parent);
      const mapping = inferPartitionMapping(dep.partitionMapping, asset.partitions, parentNode?.partitions ?? null);
      const list = byParent.get(parent);
      if (list) list.push(mapping);
      else byParent.set(parent, [mapping]);
    }
    for (const [parent, mappings] of byParent) {
      const list = edges.get(parent);
      const edge = { child, mappings };
      if (list) list.push(edge);
      else edges.set(parent, [edge]);
    }
  }
  return edges;
}

/**
 * Order of the assets reachable from `source`: a topological order where there are no cycles
 * (every parent before its children, self-edges ignored), then any assets caught in cycles.
 */
function reachableOrder(source: string, edges: Map<string, Edge[]>): string[] {
  const reachable: string[] = [source];
  const seen = new Set([source]);
  for (let i = 0; i < reachable.length; i++) {
    for (const { child } of edges.get(reachable[i] as string) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        reachable.push(child);
      }
    }
  }
  const indegree = new Map<string, number>(reachable.map((id) => [id, 0]));
  for (const id of reachable) {
    for (const { child } of edges.get(id) ?? []) if (child !== id) indegree.set(child, (indegree.get(child) as number) + 1);
  }
  const order: string[] = [];
  const ready = reachable.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i] as string;
    order.push(id);
    for (const { child } of edges.get(id) ?? []) {
      if (child === id) continue;
      const left = (indegree.get(child) as number) - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  if (order.length < reachable.length) {
    const placed = new Set(order);
    for (const id of reachable) if (!placed.has(id)) order.push(id);
  }
  return order;
}

function mapEdge(mappings: PartitionMapping[], from: PartitionSpace | UnknownSpace | null, selection: ImpactSelection, to: PartitionSpace | UnknownSpace | null): ImpactSelection {
  let out: ImpactSelection = null;
  for (const mapping of mappings) {
    let mapped: ImpactSelection;
    if (to?.kind === 'unknown') mapped = unknown(to.reason);
    else if (from?.kind === 'unknown' || selection?.kind === 'unknown') {
      mapped = mapping.type === 'all' ? (to === null ? whole : allSubset(to)) : unknown('the upstream partitions are not known');
    } else mapped = downstreamOf(mapping, from, selection, to);
    out = merge(out, mapped);
  }
  return out;
}

export function computeImpact(graph: AssetGraph, sourceKey: AssetKey, partitions: SourcePartitions, context: SpaceContext): ImpactResult {
  const nodes = new Map<string, AssetNode>();
  for (const asset of graph.assets) if (!nodes.has(keyId(asset.key))) nodes.set(keyId(asset.key), asset);
  const sourceId = keyId(sourceKey);
  const sourceNode = nodes.get(sourceId);
  if (!sourceNode) throw new PartitionsError(`no asset '${sourceKey.join('/')}' in the graph`, 'DagsterInvalidInvocationError');
  const spaces = new SpaceCache(context);
  const edges = edgesOf(graph, nodes);
  const order = reachableOrder(sourceId, edges);
  const rank = new Map(order.map((id, i) => [id, i]));

  const spaceById = new Map<string, PartitionSpace | UnknownSpace | null>();
  const spaceOf = (id: string): PartitionSpace | UnknownSpace | null => {
    let space = spaceById.get(id);
    if (space === undefined) {
      space = spaces.of(nodes.get(id)?.partitions ?? null);
      spaceById.set(id, space);
    }
    return space;
  };
  const start = sourceSelection(spaceOf(sourceId), partitions);
  /** Everything known to be affected, the source's own selection included. */
  const selected = new Map<string, ImpactSelection>([[sourceId, start]]);
  const depth = new Map<string, number>([[sourceId, 0]]);
  const previous = new Map<string, string>();

  // Process in order; when a cycle makes an already processed asset grow, it is queued again.
  const queued = new Set(order);
  const processed = new Set<string>();
  const pending: string[] = [...order];
  let cursor = 0;
  const guard = 1_000_000;
  let steps = 0;
  while (cursor < pending.length) {
    if (++steps > guard) throw new PartitionsError('impact did not settle; the graph has a cycle through partition mappings that keeps growing');
    const id = pending[cursor++] as string;
    queued.delete(id);
    processed.add(id);
    const fromSpace = spaceOf(id);
    const self = edges.get(id)?.find((e) => e.child === id);
    if (self) selected.set(id, selfClosure(self.mappings, fromSpace, selected.get(id) ?? null));
    const selection = selected.get(id) ?? null;
    if (isEmpty(selection)) continue;
    for (const { child, mappings } of edges.get(id) ?? []) {
      if (child === id) continue;
      const mapped = mapEdge(mappings, fromSpace, selection, spaceOf(child));
      if (isEmpty(mapped)) continue;
      const before = selected.get(child) ?? null;
      const after = merge(before, mapped);
      const d = (depth.get(id) as number) + 1;
      if (!depth.has(child) || d < (depth.get(child) as number)) {
        if (child !== sourceId) {
          depth.set(child, d);
          previous.set(child, id);
        }
      }
      if (!sameSelection(before, after)) {
        selected.set(child, after);
        // A child not processed yet will be reached in order; one already processed (a cycle) is revisited.
        if (processed.has(child) && !queued.has(child)) {
          queued.add(child);
          pending.push(child);
        }
      }
    }
  }

  const pathTo = (id: string): string[][] => {
    const path: string[][] = [];
    for (let at: string | undefined = id; at !== undefined; at = previous.get(at)) {
      path.unshift([...(nodes.get(at) as AssetNode).key]);
      if (at === sourceId) break;
    }
    return path;
  };
  const describe = (id: string, selection: ImpactSelection): ImpactedAsset => ({
    key: [...(nodes.get(id) as AssetNode).key],
    depth: depth.get(id) ?? 0,
    path: pathTo(id),
    space: spaceOf(id),
    selection,
  });

  const impacted: ImpactedAsset[] = [];
  for (const id of order) {
    if (id === sourceId) {
      const grown = selected.get(id) ?? null;
      if (!sameSelection(grown, start) && grown !== null && start !== null && grown.kind !== 'whole' && grown.kind !== 'unknown' && start.kind !== 'whole' && start.kind !== 'unknown') {
        const added = differenceOf(grown, start);
        if (added) impacted.push({ ...describe(id, added), depth: 1 });
      }
      continue;
    }
    const selection = selected.get(id) ?? null;
    if (!isEmpty(selection)) impacted.push(describe(id, selection));
  }
  impacted.sort((a, b) => a.depth - b.depth);
  return { source: describe(sourceId, start), impacted };
}

/**
 * An asset that depends on its own earlier partitions: the selection grows until the mapping adds
 * nothing. The usual "previous partition" mapping (`end_offset=-1`) reaches every later window, so
 * it is closed in one step instead of one window at a time.
 */
function selfClosure(mappings: PartitionMapping[], space: PartitionSpace | UnknownSpace | null, selection: ImpactSelection): ImpactSelection {
  if (isEmpty(selection) || selection === null || selection.kind !== 'single' || space?.kind !== 'time') {
    return selection;
  }
  let current: ImpactSelection = selection;
  if (mappings.every((m) => m.type === 'time_window' && m.endOffset === -1 && m.startOffset <= -1)) {
    const first = selection.set.first as number;
    return new SingleSubset(selection.space, selection.set.union(IntervalSet.range(first, space.count)));
  }
  for (let round = 0; round < 100_000; round++) {
    const next = merge(current, mapEdge(mappings, space, current, space));
    if (sameSelection(next, current)) return current;
    current = next;
  }
  throw new PartitionsError('impact did not settle on an asset that depends on its own partitions');
}

function differenceOf(a: PartitionSubset, b: PartitionSubset): PartitionSubset | null {
  if (a.kind === 'single' && b.kind === 'single') {
    const set = a.set.difference(b.set);
    return set.isEmpty ? null : new SingleSubset(a.space, set);
  }
  return null;
}

/** Number of partitions in a selection: 1 for an unpartitioned asset, null when unknown. */
export function selectionCount(selection: ImpactSelection): number | null {
  if (selection === null) return 0;
  if (selection.kind === 'whole') return 1;
  if (selection.kind === 'unknown') return null;
  return subsetSize(selection);
}

/** The JSON shape of `asset-lineage impact`. */
export function impactJson(result: ImpactResult, keyLimit = 1000): unknown {
  const entry = (asset: ImpactedAsset, withPath: boolean) => {
    const out: Record<string, unknown> = { asset: asset.key };
    if (withPath) out.depth = asset.depth;
    out.count = selectionCount(asset.selection);
    const selection = asset.selection;
    if (selection === null || selection.kind === 'whole') {
      out.partitioned = false;
    } else if (selection.kind === 'unknown') {
      out.unknown = selection.reason;
    } else {
      out.ranges = subsetKeyRanges(selection);
      const timeBased = selection.kind === 'single' ? selection.space.kind === 'time' : selection.space.dims.some((d) => d.space.kind === 'time');
      if (!timeBased) out.keys = subsetKeys(selection, keyLimit);
    }
    if (withPath) out.path = asset.path;
    return out;
  };
  return { source: entry(result.source, false), impacted: result.impacted.map((a) => entry(a, true)) };
}

