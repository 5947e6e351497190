import { keyId, keyToUserString, type AssetKey } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import { inferPartitionMapping, type PartitionMapping } from '../model/partitionMappings';
import type { PartitionsDefinition } from '../model/partitions';
import { IntervalSet } from './intervalSet';
import { createSpace, type PartitionSpace, type SpaceContext, type UnknownSpace } from './keySpaces';
import { downstreamOf, validateMapping, whole, type Selection } from './mappings';
import {
  allSubset,
  intersection,
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
import { PartitionsError } from './errors';

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
  /**
   * Dependencies on the way whose partition mapping Dagster refuses when it loads the definitions
   * (e.g. the identity it infers between a static and a daily asset); nothing is mapped through them.
   */
  invalidEdges: { upstream: string[]; downstream: string[]; message: string }[];
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

export function sourceSelection(space: PartitionSpace | UnknownSpace | null, partitions: SourcePartitions): ImpactSelection {
  if (space === null) return whole;
  if (space.kind === 'unknown') return unknown(space.reason);
  switch (partitions.kind) {
    case 'all':
      return allSubset(space);
    case 'range': {
      // Like Dagster's key ranges, the end may be a window that has not happened yet; only the
      // partitions that exist now can have changed.
      const subset = intersection(subsetFromRange(space, partitions.start, partitions.end, { windows: true }), allSubset(space));
      if (isEmptySubset(subset)) throw new PartitionsError(`no partitions exist in ${partitions.start}...${partitions.end} at this time`, 'DagsterInvalidInvocationError');
      return subset;
    }
    case 'keys': {
      const { subset, unknown: missing } = subsetFromKeys(space, partitions.keys);
      if (missing.length) throw new PartitionsError(`not partitions of this asset: ${missing.slice(0, 5).map((k) => `'${k}'`).join(', ')}`, 'DagsterInvalidInvocationError');
      return subset;
    }
    case 'subset':
      return partitions.subset;
  }
}

function mapEdge(mappings: PartitionMapping[], from: PartitionSpace | UnknownSpace | null, selection: ImpactSelection, to: PartitionSpace | UnknownSpace | null): ImpactSelection {
  let out: ImpactSelection = null;
  for (const mapping of mappings) {
    let mapped: ImpactSelection;
    if (to?.kind === 'unknown') mapped = unknown(to.reason);
    // Dagster never asks the mapping when either side is unpartitioned (`compute_mapped_subset`):
    // the whole child depends on any selected partition.
    else if (from === null || to === null) mapped = to === null ? whole : allSubset(to);
    else if (from.kind === 'unknown' || selection?.kind === 'unknown') {
      mapped = mapping.type === 'all' ? (to === null ? whole : allSubset(to)) : unknown('the upstream partitions are not known');
    } else mapped = downstreamOf(mapping, from, selection, to);
    out = merge(out, mapped);
  }
  return out;
}

/** The graph numbered once: assets by first occurrence of their key, child edges in compressed rows. */
interface IndexedGraph {
  ids: string[];
  nodes: AssetNode[];
  index: Map<string, number>;
  /** Children of asset v: `child[rowStart[v] .. rowStart[v + 1])`, with their mappings. */
  rowStart: Int32Array;
  child: Int32Array;
  mappings: PartitionMapping[][];
  /** Mappings of an asset's dependency on itself, or undefined. */
  self: (PartitionMapping[] | undefined)[];
  /** Distinct partitions definitions (slot 0: unpartitioned) and each asset's slot. */
  definitions: (PartitionsDefinition | null)[];
  definitionSlot: Int32Array;
  /** Per edge, once checked: why Dagster would refuse its mapping, or null. */
  problems: (string | null | undefined)[];
}

/**
 * Dagster's `validate_partition_mappings` when it builds the asset graph: every edge between two
 * partitioned assets, the inferred default included; the message names both assets as Dagster does.
 */
function edgeProblem(g: IndexedGraph, parent: number, child: number, edge: number): string | null {
  const known = g.problems[edge];
  if (known !== undefined) return known;
  const up = (g.nodes[parent] as AssetNode).partitions;
  const down = (g.nodes[child] as AssetNode).partitions;
  let problem: string | null = null;
  if (up !== null && down !== null) {
    for (const mapping of g.mappings[edge] as PartitionMapping[]) {
      try {
        validateMapping(mapping, up, down);
      } catch (error) {
        if (!(error instanceof PartitionsError)) throw error;
        const name = (n: number) => keyToUserString((g.nodes[n] as AssetNode).key);
        problem = `Invalid partition mapping from ${name(child)} to ${name(parent)}: ${error.message}`;
        break;
      }
    }
  }
  g.problems[edge] = problem;
  return problem;
}

/** Scans replace graphs rather than edit them, so the numbering is kept per graph object. */
const indexedGraphs = new WeakMap<AssetGraph, IndexedGraph>();

function indexGraph(graph: AssetGraph): IndexedGraph {
  const cached = indexedGraphs.get(graph);
  if (cached) return cached;
  const ids: string[] = [];
  const nodes: AssetNode[] = [];
  const index = new Map<string, number>();
  const assetNode = new Int32Array(graph.assets.length);
  for (let a = 0; a < graph.assets.length; a++) {
    const asset = graph.assets[a] as AssetNode;
    const id = keyId(asset.key);
    let v = index.get(id);
    if (v === undefined) {
      v = ids.length;
      index.set(id, v);
      ids.push(id);
      nodes.push(asset);
    }
    assetNode[a] = v;
  }
  const n = ids.length;
  const edgeParent: number[] = [];
  const edgeChild: number[] = [];
  const edgeMappings: PartitionMapping[][] = [];
  const self: (PartitionMapping[] | undefined)[] = new Array(n);
  for (let a = 0; a < graph.assets.length; a++) {
    const asset = graph.assets[a] as AssetNode;
    const c = assetNode[a] as number;
    // One edge per distinct parent, in order of first appearance among the deps.
    const parents: number[] = [];
    const lists: PartitionMapping[][] = [];
    for (const dep of asset.deps) {
      const p = index.get(keyId(dep.key));
      if (p === undefined) continue; // a key no asset has is never reached from the source
      const mapping = inferPartitionMapping(dep.partitionMapping, asset.partitions, (nodes[p] as AssetNode).partitions);
      const at = parents.indexOf(p);
      if (at >= 0) (lists[at] as PartitionMapping[]).push(mapping);
      else {
        parents.push(p);
        lists.push([mapping]);
      }
    }
    for (let k = 0; k < parents.length; k++) {
      const p = parents[k] as number;
      edgeParent.push(p);
      edgeChild.push(c);
      edgeMappings.push(lists[k] as PartitionMapping[]);
      if (p === c && self[c] === undefined) self[c] = lists[k];
    }
  }
  const rowStart = new Int32Array(n + 1);
  for (const p of edgeParent) (rowStart[p + 1] as number)++;
  for (let v = 0; v < n; v++) (rowStart[v + 1] as number) += rowStart[v] as number;
  const fill = rowStart.slice(0, n);
  const child = new Int32Array(edgeParent.length);
  const mappings: PartitionMapping[][] = new Array(edgeParent.length);
  for (let e = 0; e < edgeParent.length; e++) {
    const at = (fill[edgeParent[e] as number] as number)++;
    child[at] = edgeChild[e] as number;
    mappings[at] = edgeMappings[e] as PartitionMapping[];
  }
  const definitions: (PartitionsDefinition | null)[] = [null];
  const slots = new Map<string, number>();
  const definitionSlot = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const def = (nodes[v] as AssetNode).partitions;
    if (def === null) continue;
    const key = JSON.stringify(def);
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = definitions.length;
      slots.set(key, slot);
      definitions.push(def);
    }
    definitionSlot[v] = slot;
  }
  const indexed = { ids, nodes, index, rowStart, child, mappings, self, definitions, definitionSlot, problems: new Array<string | null | undefined>(child.length) };
  indexedGraphs.set(graph, indexed);
  return indexed;
}

/**
 * Order of the assets reachable from `source`: a topological order where there are no cycles
 * (every parent before its children, self-edges ignored), then any assets caught in cycles.
 */
function reachableOrderIndexed(sources: readonly number[], g: IndexedGraph): number[] {
  const { rowStart, child } = g;
  const n = g.ids.length;
  const seen = new Uint8Array(n);
  const reachable: number[] = [];
  for (const source of sources) {
    if (seen[source]) continue;
    seen[source] = 1;
    reachable.push(source);
  }
  for (let i = 0; i < reachable.length; i++) {
    const v = reachable[i] as number;
    for (let e = rowStart[v] as number; e < (rowStart[v + 1] as number); e++) {
      const c = child[e] as number;
      if (!seen[c]) {
        seen[c] = 1;
        reachable.push(c);
      }
    }
  }
  const indegree = new Int32Array(n);
  for (const v of reachable) for (let e = rowStart[v] as number; e < (rowStart[v + 1] as number); e++) if (child[e] !== v) (indegree[child[e] as number] as number)++;
  const ready = reachable.filter((v) => indegree[v] === 0);
  const placed = new Uint8Array(n);
  for (let i = 0; i < ready.length; i++) {
    const v = ready[i] as number;
    placed[v] = 1;
    for (let e = rowStart[v] as number; e < (rowStart[v + 1] as number); e++) {
      const c = child[e] as number;
      if (c === v) continue;
      if (--(indegree[c] as number) === 0) ready.push(c);
    }
  }
  if (ready.length < reachable.length) for (const v of reachable) if (!placed[v]) ready.push(v);
  return ready;
}

/** What one propagation leaves behind: per asset index, its selection, depth and predecessor. */
interface Propagation {
  order: number[];
  selected: ImpactSelection[];
  depth: Int32Array;
  previous: Int32Array;
  invalid: ImpactResult['invalidEdges'];
  /** Per asset index, the seeds (indices into the seed list) whose selections reached it; only when asked. */
  origins: (number[] | undefined)[] | null;
}

/** At most this many origins are kept per asset: they name the upstream causes, not count them. */
const originLimit = 16;

/** One space per distinct definition, created on first use. */
function spacesOf(g: IndexedGraph, context: SpaceContext): (v: number) => PartitionSpace | UnknownSpace | null {
  const spaceBySlot: (PartitionSpace | UnknownSpace | null | undefined)[] = [null];
  return (v) => {
    const slot = g.definitionSlot[v] as number;
    let space = spaceBySlot[slot];
    if (space === undefined) spaceBySlot[slot] = space = createSpace(g.definitions[slot] as PartitionsDefinition, context);
    return space;
  };
}

/**
 * Maps the seeds' selections down every edge in dependency order until nothing grows. Seeds may be
 * downstream of each other; their selections merge like any other.
 */
function propagate(
  g: IndexedGraph,
  seeds: { v: number; start: ImpactSelection }[],
  spaceOf: (v: number) => PartitionSpace | UnknownSpace | null,
  trackOrigins: boolean,
): Propagation {
  const { nodes, rowStart, child, mappings } = g;
  const n = g.ids.length;
  const order = reachableOrderIndexed(
    seeds.map((s) => s.v),
    g,
  );
  const selected: ImpactSelection[] = new Array(n).fill(null);
  const depth = new Int32Array(n).fill(-1);
  const previous = new Int32Array(n).fill(-1);
  const origins: (number[] | undefined)[] | null = trackOrigins ? new Array(n) : null;
  const isSeed = new Uint8Array(n);
  seeds.forEach((seed, i) => {
    selected[seed.v] = merge(selected[seed.v] ?? null, seed.start);
    depth[seed.v] = 0;
    isSeed[seed.v] = 1;
    if (origins) (origins[seed.v] ??= []).push(i);
  });

  const queued = new Uint8Array(n);
  for (const v of order) queued[v] = 1;
  const processed = new Uint8Array(n);
  const pending: number[] = [...order];
  const invalid: ImpactResult['invalidEdges'] = [];
  let cursor = 0;
  const guard = 1_000_000;
  let steps = 0;
  while (cursor < pending.length) {
    if (++steps > guard) throw new PartitionsError('impact did not settle; the graph has a cycle through partition mappings that keeps growing');
    const v = pending[cursor++] as number;
    queued[v] = 0;
    processed[v] = 1;
    const fromSpace = spaceOf(v);
    const self = g.self[v];
    if (self) selected[v] = selfClosure(self, fromSpace, selected[v] ?? null);
    const selection = selected[v] ?? null;
    if (isEmpty(selection)) continue;
    for (let e = rowStart[v] as number; e < (rowStart[v + 1] as number); e++) {
      const c = child[e] as number;
      if (c === v) continue;
      const problem = edgeProblem(g, v, c, e);
      if (problem !== null) {
        invalid.push({ upstream: [...(nodes[v] as AssetNode).key], downstream: [...(nodes[c] as AssetNode).key], message: problem });
        continue;
      }
      const mapped = mapEdge(mappings[e] as PartitionMapping[], fromSpace, selection, spaceOf(c));
      if (isEmpty(mapped)) continue;
      const before = selected[c] ?? null;
      const after = merge(before, mapped);
      const d = (depth[v] as number) + 1;
      if ((depth[c] === -1 || d < (depth[c] as number)) && !isSeed[c]) {
        depth[c] = d;
        previous[c] = v;
      }
      let grew = !sameSelection(before, after);
      if (origins) {
        const from = origins[v] ?? [];
        const to = (origins[c] ??= []);
        for (const o of from) {
          if (to.length >= originLimit) break;
          if (!to.includes(o)) {
            to.push(o);
            grew = true;
          }
        }
      }
      if (grew) {
        selected[c] = after;
        if (processed[c] && !queued[c]) {
          queued[c] = 1;
          pending.push(c);
        }
      }
    }
  }
  return { order, selected, depth, previous, invalid, origins };
}

export function computeImpact(graph: AssetGraph, sourceKey: AssetKey, partitions: SourcePartitions, context: SpaceContext): ImpactResult {
  const g = indexGraph(graph);
  const { nodes } = g;
  const source = g.index.get(keyId(sourceKey));
  if (source === undefined) throw new PartitionsError(`no asset '${sourceKey.join('/')}' in the graph`, 'DagsterInvalidInvocationError');
  const n = g.ids.length;
  const spaceOf = spacesOf(g, context);
  const start = sourceSelection(spaceOf(source), partitions);
  const { order, selected, depth, previous, invalid } = propagate(g, [{ v: source, start }], spaceOf, false);

  // Each path is its predecessor's plus the asset's own key, built once; keys are copied once.
  const keys: (string[] | undefined)[] = new Array(n);
  const keyOf = (v: number): string[] => (keys[v] ??= [...(nodes[v] as AssetNode).key]);
  const paths: (string[][] | undefined)[] = new Array(n);
  const pathTo = (v: number): string[][] => {
    const chain: number[] = [];
    let base: string[][] = [];
    for (let at = v; at !== -1; at = previous[at] as number) {
      const known = paths[at];
      if (known) {
        base = known;
        break;
      }
      chain.push(at);
      if (at === source) break;
    }
    let path = base;
    for (let i = chain.length - 1; i >= 0; i--) {
      const at = chain[i] as number;
      path = [...path, keyOf(at)];
      paths[at] = path;
    }
    return path;
  };
  const describe = (v: number, selection: ImpactSelection): ImpactedAsset => ({
    key: [...(nodes[v] as AssetNode).key],
    depth: depth[v] === -1 ? 0 : (depth[v] as number),
    path: pathTo(v),
    space: spaceOf(v),
    selection,
  });

  const impacted: ImpactedAsset[] = [];
  for (const v of order) {
    if (v === source) {
      const grown = selected[v] ?? null;
      if (!sameSelection(grown, start) && grown !== null && start !== null && grown.kind !== 'whole' && grown.kind !== 'unknown' && start.kind !== 'whole' && start.kind !== 'unknown') {
        const added = differenceOf(grown, start);
        if (added) impacted.push({ ...describe(v, added), depth: 1 });
      }
      continue;
    }
    const selection = selected[v] ?? null;
    if (!isEmpty(selection)) impacted.push(describe(v, selection));
  }
  impacted.sort((a, b) => a.depth - b.depth);
  return { source: describe(source, start), impacted, invalidEdges: invalid };
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
  const set = selection.set.clip(0, space.count);
  if (mappings.every((m) => m.type === 'time_window' && m.endOffset === -1 && m.startOffset <= -1)) {
    const first = set.first as number;
    return new SingleSubset(selection.space, selection.set.union(IntervalSet.range(first, space.count)));
  }
  const lag = mappings.length === 1 && mappings[0]?.type === 'time_window' && mappings[0].startOffset === mappings[0].endOffset && mappings[0].endOffset < -1 ? -mappings[0].endOffset : 0;
  if (lag > 0) {
    // Each partition reads the one `lag` windows back: from the first selected position of each
    // residue class, every `lag`-th window after it.
    const ranges: [number, number][] = [...set.ranges()];
    for (let residue = 0; residue < lag; residue++) {
      let first: number | null = null;
      for (const [a, b] of set.ranges()) {
        const candidate = a + ((((residue - a) % lag) + lag) % lag);
        if (candidate < b) {
          first = candidate;
          break;
        }
      }
      if (first === null) continue;
      for (let p = first + lag; p < space.count; p += lag) ranges.push([p, p + 1]);
    }
    return new SingleSubset(selection.space, IntervalSet.fromRanges(ranges));
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

export interface ImpactSource {
  key: AssetKey;
  partitions: SourcePartitions;
}

export interface CombinedImpact {
  /** By `keyId`: every asset the sources reach, the sources included, with its selection. */
  reached: Map<string, { key: string[]; selection: ImpactSelection; sources: number[] }>;
  invalidEdges: ImpactResult['invalidEdges'];
}

/**
 * The impact of several sources at once, in one pass over the graph: what a set of stale partitions
 * (or a backfill of several roots) reaches. Each reached asset names the sources (indices into
 * `sources`, at most 16) whose partitions arrive there.
 */
export function computeCombinedImpact(graph: AssetGraph, sources: readonly ImpactSource[], context: SpaceContext): CombinedImpact {
  const g = indexGraph(graph);
  const spaceOf = spacesOf(g, context);
  const seeds = sources.map((source) => {
    const v = g.index.get(keyId(source.key));
    if (v === undefined) throw new PartitionsError(`no asset '${source.key.join('/')}' in the graph`, 'DagsterInvalidInvocationError');
    return { v, start: sourceSelection(spaceOf(v), source.partitions) };
  });
  const { order, selected, invalid, origins } = propagate(g, seeds, spaceOf, true);
  const reached: CombinedImpact['reached'] = new Map();
  for (const v of order) {
    const selection = selected[v] ?? null;
    if (isEmpty(selection)) continue;
    const node = g.nodes[v] as AssetNode;
    reached.set(g.ids[v] as string, { key: [...node.key], selection, sources: origins?.[v] ?? [] });
  }
  return { reached, invalidEdges: invalid };
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
  const json: Record<string, unknown> = { source: entry(result.source, false), impacted: result.impacted.map((a) => entry(a, true)) };
  if (result.invalidEdges.length) json.invalidEdges = result.invalidEdges;
  return json;
}

