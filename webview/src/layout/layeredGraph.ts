import type { Adjacency } from './layering';
import { buildAdjacency } from './layering';

export const REAL = 0;
export const DUMMY = 1;
export const HOLE = 2;

/**
 * The graph the ordering and placement work on: real nodes, one dummy per layer an edge passes
 * through, and a "hole" wherever a group's box spans a layer without any of its nodes in it (the
 * hole keeps the box's place in that layer, so nothing else is put inside the box). Every segment
 * joins adjacent layers.
 */
export interface LayeredGraph {
  itemCount: number;
  layerCount: number;
  groupCount: number;
  kind: Uint8Array;
  layer: Int32Array;
  /** -1: no group. Dummies of an edge inside one group belong to that group. */
  group: Int32Array;
  /** Real items: the node index; otherwise -1. */
  node: Int32Array;
  width: Float64Array;
  height: Float64Array;
  /** Segments between adjacent layers, upper (left) end first. */
  up: Adjacency;
  down: Adjacency;
  /** For every pair: its first dummy (dummies of a pair are consecutive, left to right) and count. */
  chainStart: Int32Array;
  chainLength: Int32Array;
  /** Leftmost and rightmost layer of every group's nodes; -1 for groups with no laid-out node. */
  groupFirst: Int32Array;
  groupLast: Int32Array;
}

export function buildLayeredGraph(args: {
  nodeCount: number;
  layer: Int32Array; // -1: not laid out here
  layerCount: number;
  groupOf: Int32Array;
  groupCount: number;
  widths: Float64Array;
  heights: Float64Array;
  pairSource: Int32Array;
  pairTarget: Int32Array;
}): LayeredGraph {
  const { nodeCount, layer: nodeLayer, layerCount, groupOf, groupCount, pairSource, pairTarget } = args;
  const kind: number[] = [];
  const layer: number[] = [];
  const group: number[] = [];
  const node: number[] = [];
  const itemOfNode = new Int32Array(nodeCount).fill(-1);
  for (let v = 0; v < nodeCount; v++) {
    if (nodeLayer[v]! < 0) continue;
    itemOfNode[v] = kind.length;
    kind.push(REAL);
    layer.push(nodeLayer[v]!);
    group.push(groupOf[v]!);
    node.push(v);
  }

  const segUpper: number[] = [];
  const segLower: number[] = [];
  const chainStart = new Int32Array(pairSource.length);
  const chainLength = new Int32Array(pairSource.length);
  for (let p = 0; p < pairSource.length; p++) {
    const a = pairSource[p]!;
    const b = pairTarget[p]!;
    const la = nodeLayer[a]!;
    const lb = nodeLayer[b]!;
    // An edge inside one group routes inside its box; any other edge routes around boxes.
    const g = groupOf[a] === groupOf[b] ? groupOf[a]! : -1;
    chainStart[p] = kind.length;
    chainLength[p] = lb - la - 1;
    let previous = itemOfNode[a]!;
    for (let l = la + 1; l < lb; l++) {
      const d = kind.length;
      kind.push(DUMMY);
      layer.push(l);
      group.push(g);
      node.push(-1);
      segUpper.push(previous);
      segLower.push(d);
      previous = d;
    }
    segUpper.push(previous);
    segLower.push(itemOfNode[b]!);
  }

  // Holes: layers inside a group's span that hold none of its items.
  const groupFirst = new Int32Array(groupCount).fill(-1);
  const groupLast = new Int32Array(groupCount).fill(-1);
  for (let i = 0; i < kind.length; i++) {
    const g = group[i]!;
    if (g < 0 || kind[i] !== REAL) continue;
    if (groupFirst[g] === -1 || layer[i]! < groupFirst[g]!) groupFirst[g] = layer[i]!;
    if (layer[i]! > groupLast[g]!) groupLast[g] = layer[i]!;
  }
  const layersOfGroup: number[][] = Array.from({ length: groupCount }, () => []);
  for (let i = 0; i < kind.length; i++) if (group[i]! >= 0) layersOfGroup[group[i]!]!.push(layer[i]!);
  for (let g = 0; g < groupCount; g++) {
    if (groupFirst[g] === -1) continue;
    const present = new Set(layersOfGroup[g]);
    for (let l = groupFirst[g]! + 1; l < groupLast[g]!; l++) {
      if (present.has(l)) continue;
      kind.push(HOLE);
      layer.push(l);
      group.push(g);
      node.push(-1);
    }
  }

  const itemCount = kind.length;
  const width = new Float64Array(itemCount);
  const height = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) {
    if (kind[i] !== REAL) continue;
    width[i] = args.widths[node[i]!]!;
    height[i] = args.heights[node[i]!]!;
  }
  const upperArr = Int32Array.from(segUpper);
  const lowerArr = Int32Array.from(segLower);
  return {
    itemCount,
    layerCount,
    groupCount,
    kind: Uint8Array.from(kind),
    layer: Int32Array.from(layer),
    group: Int32Array.from(group),
    node: Int32Array.from(node),
    width,
    height,
    up: buildAdjacency(itemCount, lowerArr, upperArr),
    down: buildAdjacency(itemCount, upperArr, lowerArr),
    chainStart,
    chainLength,
    groupFirst,
    groupLast,
  };
}
