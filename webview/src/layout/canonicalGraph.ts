import type { LayoutInput } from './layoutTypes';

/**
 * The input in one canonical form: nodes sorted by id, edges by (id, source, target). Layout and
 * cache key both start from it, so the same graph given in another order lays out identically and
 * shares a cache entry.
 */
export interface CanonicalGraph {
  ids: string[];
  widths: Float64Array;
  heights: Float64Array;
  /** Index into `groupNames`, or -1 for no group. */
  groupOf: Int32Array;
  /** Sorted. */
  groupNames: string[];
  edgeIds: string[];
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sizes come from measured text; anything unusable becomes 0 rather than poisoning every coordinate. */
const size = (value: number): number => (Number.isFinite(value) && value > 0 ? value : 0);

export function canonicalize(input: LayoutInput): CanonicalGraph {
  // Duplicate ids: the ordering below makes the survivor independent of input order.
  const sortedNodes = input.nodes
    .map((n) => ({ id: String(n.id), width: size(n.width), height: size(n.height), group: n.group ?? null }))
    .sort(
      (a, b) =>
        compareStrings(a.id, b.id) ||
        a.width - b.width ||
        a.height - b.height ||
        (a.group === b.group ? 0 : a.group === null ? -1 : b.group === null ? 1 : compareStrings(a.group, b.group)),
    );
  const ids: string[] = [];
  const widths: number[] = [];
  const heights: number[] = [];
  const groupsByNode: (string | null)[] = [];
  for (const n of sortedNodes) {
    if (ids.length > 0 && ids[ids.length - 1] === n.id) continue;
    ids.push(n.id);
    widths.push(n.width);
    heights.push(n.height);
    groupsByNode.push(n.group);
  }

  const groupNames = [...new Set(groupsByNode.filter((g): g is string => g !== null))].sort(compareStrings);
  const groupIndex = new Map(groupNames.map((g, i) => [g, i]));
  const groupOf = new Int32Array(ids.length);
  groupsByNode.forEach((g, i) => {
    groupOf[i] = g === null ? -1 : groupIndex.get(g)!;
  });

  const index = new Map(ids.map((id, i) => [id, i]));
  const edges: { id: string; source: number; target: number }[] = [];
  for (const e of input.edges) {
    const source = index.get(String(e.source));
    const target = index.get(String(e.target));
    // An edge to a node that is not drawn (filtered out, collapsed away) has nowhere to go.
    if (source === undefined || target === undefined) continue;
    edges.push({ id: String(e.id), source, target });
  }
  edges.sort((a, b) => compareStrings(a.id, b.id) || a.source - b.source || a.target - b.target);
  const edgeIds: string[] = [];
  const edgeSource: number[] = [];
  const edgeTarget: number[] = [];
  for (const e of edges) {
    const last = edgeIds.length - 1;
    if (last >= 0 && edgeIds[last] === e.id && edgeSource[last] === e.source && edgeTarget[last] === e.target) continue;
    edgeIds.push(e.id);
    edgeSource.push(e.source);
    edgeTarget.push(e.target);
  }

  return {
    ids,
    widths: Float64Array.from(widths),
    heights: Float64Array.from(heights),
    groupOf,
    groupNames,
    edgeIds,
    edgeSource: Int32Array.from(edgeSource),
    edgeTarget: Int32Array.from(edgeTarget),
  };
}

/** Everything the layout depends on, and nothing else, as a string. */
export function canonicalKey(graph: CanonicalGraph): string {
  const nodes = graph.ids.map((id, i) => [id, graph.widths[i], graph.heights[i], graph.groupOf[i] === -1 ? null : graph.groupNames[graph.groupOf[i]!]]);
  const edges = graph.edgeIds.map((id, i) => [id, graph.edgeSource[i], graph.edgeTarget[i]]);
  return JSON.stringify([nodes, edges]);
}
