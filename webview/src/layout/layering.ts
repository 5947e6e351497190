import { PairTable } from './pairTable';

/**
 * Cycle removal and layer assignment over node indices. Works on the distinct node pairs of the
 * graph (parallel edges and self-loops do not affect layers).
 */

export interface Layering {
  /** Edges of the acyclic graph, distinct, upstream first: the layout's "pairs". */
  pairSource: Int32Array;
  pairTarget: Int32Array;
  /** For every input pair index: which acyclic pair carries it, and whether it runs backwards. */
  pairOfEdge: Int32Array;
  reversed: Uint8Array;
  /** Layer of every node (0 = leftmost); -1 for nodes left out of the layering. */
  layer: Int32Array;
  layerCount: number;
}

/** Compressed adjacency: the neighbours of v are list[offset[v] .. offset[v + 1]). */
export interface Adjacency {
  offset: Int32Array;
  list: Int32Array;
  /** The pair behind each list entry. */
  pair: Int32Array;
}

export function buildAdjacency(n: number, from: Int32Array, to: Int32Array): Adjacency {
  const offset = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) offset[from[e]! + 1]!++;
  for (let v = 0; v < n; v++) offset[v + 1]! += offset[v]!;
  const fill = offset.slice(0, n);
  const list = new Int32Array(from.length);
  const pair = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) {
    const at = fill[from[e]!]!++;
    list[at] = to[e]!;
    pair[at] = e;
  }
  return { offset, list, pair };
}

/**
 * Which edges to turn around so the graph is acyclic: the back edges of a depth-first search that
 * starts from the sources, so a cycle reached from upstream is broken at the edge that returns to
 * where the walk entered it (the edge a reader would call "the loop back"). Iterative: lineage
 * chains can be thousands deep.
 */
function findBackEdges(n: number, source: Int32Array, target: Int32Array): Uint8Array {
  const out = buildAdjacency(n, source, target);
  const indegree = new Int32Array(n);
  for (let e = 0; e < target.length; e++) indegree[target[e]!]!++;
  const back = new Uint8Array(source.length);
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const stackNode = new Int32Array(n);
  const stackNext = new Int32Array(n);
  const walk = (root: number): void => {
    let top = 0;
    stackNode[0] = root;
    stackNext[0] = out.offset[root]!;
    state[root] = 1;
    while (top >= 0) {
      const v = stackNode[top]!;
      const next = stackNext[top]!;
      if (next === out.offset[v + 1]!) {
        state[v] = 2;
        top--;
        continue;
      }
      stackNext[top] = next + 1;
      const w = out.list[next]!;
      if (state[w] === 1) back[out.pair[next]!] = 1;
      else if (state[w] === 0) {
        state[w] = 1;
        top++;
        stackNode[top] = w;
        stackNext[top] = out.offset[w]!;
      }
    }
  };
  for (let v = 0; v < n; v++) if (indegree[v] === 0 && state[v] === 0) walk(v);
  for (let v = 0; v < n; v++) if (state[v] === 0) walk(v);
  return back;
}

/** Kahn's order (FIFO from the sources, by index): deterministic and iterative. */
function topologicalOrder(n: number, adjacency: Adjacency, indegree: Int32Array): Int32Array {
  const remaining = indegree.slice();
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (remaining[v] === 0) order[tail++] = v;
  while (head < tail) {
    const v = order[head++]!;
    for (let i = adjacency.offset[v]!; i < adjacency.offset[v + 1]!; i++) {
      const w = adjacency.list[i]!;
      if (--remaining[w]! === 0) order[tail++] = w;
    }
  }
  if (tail !== n) throw new Error('layout: cycle left after cycle removal');
  return order;
}

/**
 * `include[v] === 0` leaves v out (isolated nodes packed separately). Input pairs must be distinct
 * and have source ≠ target.
 */
export function assignLayers(n: number, source: Int32Array, target: Int32Array, include: Uint8Array): Layering {
  const back = findBackEdges(n, source, target);

  // Turning an edge around can make it a duplicate of an existing one (a 2-cycle): merge them.
  const pairs = new PairTable(n);
  const pairOfEdge = new Int32Array(source.length);
  for (let e = 0; e < source.length; e++) {
    pairOfEdge[e] = back[e] ? pairs.intern(target[e]!, source[e]!) : pairs.intern(source[e]!, target[e]!);
  }
  const { source: ps, target: pt } = pairs.arrays();
  const down = buildAdjacency(n, ps, pt);
  const up = buildAdjacency(n, pt, ps);
  const indegree = new Int32Array(n);
  for (let v = 0; v < n; v++) indegree[v] = up.offset[v + 1]! - up.offset[v]!;
  const topo = topologicalOrder(n, down, indegree);

  // Longest path from the sources: every edge points right and chains stay on consecutive layers.
  const layer = new Int32Array(n);
  for (const v of topo) {
    for (let i = down.offset[v]!; i < down.offset[v + 1]!; i++) {
      const w = down.list[i]!;
      if (layer[w]! < layer[v]! + 1) layer[w] = layer[v]! + 1;
    }
  }

  // Longest path piles every source into layer 0, so a source feeding only a deep node gets one
  // very long edge. Move a node towards the side where it has more neighbours, as far as its
  // neighbours allow: each move shortens the total edge length, so this settles (a light form of
  // network simplex), and it is bounded anyway.
  for (let pass = 0; pass < 4; pass++) {
    let moved = false;
    for (let k = n - 1; k >= 0; k--) {
      const v = topo[k]!;
      const outs = down.offset[v + 1]! - down.offset[v]!;
      const ins = up.offset[v + 1]! - up.offset[v]!;
      if (outs === 0 || outs <= ins) continue;
      let hi = Infinity;
      for (let i = down.offset[v]!; i < down.offset[v + 1]!; i++) hi = Math.min(hi, layer[down.list[i]!]! - 1);
      if (hi > layer[v]!) {
        layer[v] = hi;
        moved = true;
      }
    }
    for (let k = 0; k < n; k++) {
      const v = topo[k]!;
      const outs = down.offset[v + 1]! - down.offset[v]!;
      const ins = up.offset[v + 1]! - up.offset[v]!;
      if (ins === 0 || ins <= outs) continue;
      let lo = 0;
      for (let i = up.offset[v]!; i < up.offset[v + 1]!; i++) lo = Math.max(lo, layer[up.list[i]!]! + 1);
      if (lo < layer[v]!) {
        layer[v] = lo;
        moved = true;
      }
    }
    if (!moved) break;
  }

  let min = Infinity;
  for (let v = 0; v < n; v++) if (include[v]) min = Math.min(min, layer[v]!);
  let layerCount = 0;
  for (let v = 0; v < n; v++) {
    if (!include[v]) {
      layer[v] = -1;
      continue;
    }
    layer[v]! -= min;
    layerCount = Math.max(layerCount, layer[v]! + 1);
  }
  return { pairSource: ps, pairTarget: pt, pairOfEdge, reversed: back, layer, layerCount };
}
