import { HOLE, type LayeredGraph } from './layeredGraph';

/** Items of layer l are order[layerStart[l] .. layerStart[l + 1]), top to bottom. */
export interface Ordering {
  layerStart: Int32Array;
  order: Int32Array;
  /** Index of every item within its layer. */
  pos: Int32Array;
}

/**
 * Crossing reduction: layer-by-layer sweeps, alternately down and up, that sort each layer by the
 * median position of every item's neighbours in the layer just fixed; the best ordering seen (by
 * counted crossings) is kept. Sweeps are bounded and stop early when they stop improving.
 *
 * Groups: within a layer every item sorts by (unit key, unit id, own key), where a group's members
 * (its dummies and holes included) share the group's key and id, and an ungrouped item is a unit of
 * its own keyed by its median. Members of a group are therefore contiguous in each layer, and
 * because a group's key is one number for the whole drawing during a sweep, any two groups come in
 * the same order in every layer they share; that is what lets placement draw non-overlapping group
 * boxes. Group keys are updated between sweeps (the mean wish of their members), and every
 * layer is then re-sorted under the new keys before the next sweep.
 *
 * Positions are normalised to (0, 1) per layer so that a group's key, averaged over layers of
 * different sizes, compares meaningfully with the median of an ungrouped item.
 */
export function orderLayers(graph: LayeredGraph): Ordering {
  const { itemCount: n, layerCount, groupCount } = graph;
  const layerStart = new Int32Array(layerCount + 1);
  for (let i = 0; i < n; i++) layerStart[graph.layer[i]! + 1]!++;
  for (let l = 0; l < layerCount; l++) layerStart[l + 1]! += layerStart[l]!;

  const order = initialOrder(graph, layerStart);
  const pos = new Int32Array(n);
  const normPos = new Float64Array(n);
  const setPositions = (l: number): void => {
    const s = layerStart[l]!;
    const size = layerStart[l + 1]! - s;
    for (let k = 0; k < size; k++) {
      const v = order[s + k]!;
      pos[v] = k;
      normPos[v] = (k + 0.5) / size;
    }
  };
  for (let l = 0; l < layerCount; l++) setPositions(l);

  const unitId = new Int32Array(n);
  for (let i = 0; i < n; i++) unitId[i] = graph.group[i]! >= 0 ? graph.group[i]! : groupCount + i;
  const unitKey = new Float64Array(n);
  const ownKey = new Float64Array(n);
  const desired = Float64Array.from(normPos);
  const groupKey = new Float64Array(groupCount);
  const layerHasGroup = new Uint8Array(layerCount);
  for (let i = 0; i < n; i++) if (graph.group[i]! >= 0) layerHasGroup[graph.layer[i]!] = 1;
  const sorter = new LayerSorter(graph, n, groupCount, unitKey, unitId, ownKey, pos);
  const sortLayer = (l: number): void => {
    sorter.sort(order, layerStart[l]!, layerStart[l + 1]!, layerHasGroup[l] === 1);
    setPositions(l);
  };

  const updateGroupKeys = (): void => {
    if (groupCount === 0) return;
    const sum = new Float64Array(groupCount);
    const count = new Int32Array(groupCount);
    for (let i = 0; i < n; i++) {
      const g = graph.group[i]!;
      if (g < 0 || graph.kind[i] === HOLE) continue;
      sum[g]! += desired[i]!;
      count[g]!++;
    }
    for (let g = 0; g < groupCount; g++) groupKey[g] = count[g]! > 0 ? sum[g]! / count[g]! : 0.5;
  };
  /**
   * Re-sorts every layer under the current group keys, keeping the rest of the order (layers
   * without groups would come out as they are).
   */
  const makeConsistent = (): void => {
    if (groupCount === 0) return;
    for (let i = 0; i < n; i++) {
      const g = graph.group[i]!;
      unitKey[i] = g >= 0 ? groupKey[g]! : normPos[i]!;
      ownKey[i] = normPos[i]!;
    }
    for (let l = 0; l < layerCount; l++) if (layerHasGroup[l]) sortLayer(l);
  };

  const medianScratch: number[] = [];
  const medianPosition = (adjacency: LayeredGraph['up'], v: number): number => {
    const from = adjacency.offset[v]!;
    const to = adjacency.offset[v + 1]!;
    if (to === from) return NaN;
    if (to - from === 1) return normPos[adjacency.list[from]!]!;
    medianScratch.length = 0;
    for (let j = from; j < to; j++) medianScratch.push(normPos[adjacency.list[j]!]!);
    medianScratch.sort((a, b) => a - b);
    const mid = medianScratch.length >> 1;
    return medianScratch.length % 2 === 1 ? medianScratch[mid]! : (medianScratch[mid - 1]! + medianScratch[mid]!) / 2;
  };
  const sweep = (downwards: boolean): void => {
    const fixedSide = downwards ? graph.up : graph.down;
    const otherSide = downwards ? graph.down : graph.up;
    for (let step = 1; step < layerCount; step++) {
      const l = downwards ? step : layerCount - 1 - step;
      for (let k = layerStart[l]!; k < layerStart[l + 1]!; k++) {
        const v = order[k]!;
        // Nothing on the fixed side (a sink, in an upward sweep): follow the other side, which
        // keeps leaves next to their siblings; with no neighbours at all, stay put.
        let b = medianPosition(fixedSide, v);
        if (Number.isNaN(b)) b = medianPosition(otherSide, v);
        desired[v] = Number.isNaN(b) ? normPos[v]! : b;
        const g = graph.group[v]!;
        unitKey[v] = g >= 0 ? groupKey[g]! : desired[v]!;
        ownKey[v] = desired[v]!;
      }
      sortLayer(l);
    }
  };

  const crossings = crossingCounter(graph, layerStart, order, pos);
  updateGroupKeys();
  makeConsistent();
  let best = crossings();
  let bestOrder = order.slice();
  const maxSweeps = n < 2_000 ? 24 : n < 20_000 ? 12 : 8;
  const patience = n < 2_000 ? 6 : 4;
  let sinceBest = 0;
  for (let s = 0; s < maxSweeps && best > 0 && sinceBest < patience; s++) {
    sweep(s % 2 === 0);
    const c = crossings();
    if (c < best) {
      best = c;
      bestOrder = order.slice();
      sinceBest = 0;
    } else sinceBest++;
    updateGroupKeys();
    makeConsistent();
  }

  order.set(bestOrder);
  for (let l = 0; l < layerCount; l++) setPositions(l);
  if (n <= TRANSPOSE_LIMIT && best > 0) transpose(graph, layerStart, order, pos);
  return { layerStart, order, pos };
}

/** Above this many items the exchange pass costs more than it is worth; sweeps alone do. */
const TRANSPOSE_LIMIT = 3_000;

/**
 * Local polish after the sweeps: swap two neighbours in a layer whenever that removes crossings
 * with both adjacent layers, until no swap helps (bounded). Only swaps that keep the group rules:
 * two ungrouped items, or two members of one group.
 */
function transpose(graph: LayeredGraph, layerStart: Int32Array, order: Int32Array, pos: Int32Array): void {
  const crossingsBetween = (adjacency: LayeredGraph['up'], upper: number, lower: number): number => {
    let count = 0;
    for (let i = adjacency.offset[upper]!; i < adjacency.offset[upper + 1]!; i++) {
      const a = pos[adjacency.list[i]!]!;
      for (let j = adjacency.offset[lower]!; j < adjacency.offset[lower + 1]!; j++) if (a > pos[adjacency.list[j]!]!) count++;
    }
    return count;
  };
  const cost = (u: number, v: number): number => crossingsBetween(graph.up, u, v) + crossingsBetween(graph.down, u, v);
  for (let pass = 0; pass < 8; pass++) {
    let improved = false;
    for (let l = 0; l < graph.layerCount; l++) {
      for (let k = layerStart[l]!; k + 1 < layerStart[l + 1]!; k++) {
        const u = order[k]!;
        const v = order[k + 1]!;
        if (graph.group[u] !== graph.group[v]) continue;
        if (cost(v, u) < cost(u, v)) {
          order[k] = v;
          order[k + 1] = u;
          pos[v] = k - layerStart[l]!;
          pos[u] = k + 1 - layerStart[l]!;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
}

/**
 * Depth-first from the sources, so that what hangs together starts out together (components,
 * chains); each item goes to the end of its layer when first reached.
 */
function initialOrder(graph: LayeredGraph, layerStart: Int32Array): Int32Array {
  const n = graph.itemCount;
  const order = new Int32Array(n);
  const fill = layerStart.slice(0, graph.layerCount);
  const placed = new Uint8Array(n);
  const stack: number[] = [];
  const walk = (root: number): void => {
    stack.push(root);
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (placed[v]) continue;
      placed[v] = 1;
      order[fill[graph.layer[v]!]!++] = v;
      // Pushed in reverse so the first child is visited first.
      for (let j = graph.down.offset[v + 1]! - 1; j >= graph.down.offset[v]!; j--) {
        const w = graph.down.list[j]!;
        if (!placed[w]) stack.push(w);
      }
    }
  };
  for (let v = 0; v < n; v++) if (graph.up.offset[v + 1] === graph.up.offset[v] && graph.kind[v] !== HOLE) walk(v);
  for (let v = 0; v < n; v++) if (!placed[v]) walk(v);
  return order;
}

/** Total crossings between adjacent layers (accumulator tree, O(E log V) per layer pair). */
function crossingCounter(graph: LayeredGraph, layerStart: Int32Array, order: Int32Array, pos: Int32Array): () => number {
  let widest = 1;
  for (let l = 0; l < graph.layerCount; l++) widest = Math.max(widest, layerStart[l + 1]! - layerStart[l]!);
  const tree = new Int32Array(widest + 1);
  const ends: number[] = [];
  return () => {
    let total = 0;
    for (let l = 0; l + 1 < graph.layerCount; l++) {
      const lowerSize = layerStart[l + 2]! - layerStart[l + 1]!;
      tree.fill(0, 0, lowerSize + 1);
      let inserted = 0;
      for (let k = layerStart[l]!; k < layerStart[l + 1]!; k++) {
        const v = order[k]!;
        ends.length = 0;
        for (let j = graph.down.offset[v]!; j < graph.down.offset[v + 1]!; j++) ends.push(pos[graph.down.list[j]!]!);
        if (ends.length > 1) ends.sort((a, b) => a - b);
        for (const p of ends) {
          let atMost = 0;
          for (let i = p + 1; i > 0; i -= i & -i) atMost += tree[i]!;
          total += inserted - atMost;
          for (let i = p + 1; i <= lowerSize; i += i & -i) tree[i]!++;
          inserted++;
        }
      }
    }
    return total;
  };
}

const TWO_32 = 2 ** 32;
const TWO_20 = 2 ** 20;
const TWO_19 = 2 ** 19;
/** A key in [0, 1] as a 32-bit integer; keys closer than 2^-32 tie (and ties are broken by position). */
const quantize = (key: number): number => Math.min(TWO_32 - 1, Math.max(0, Math.floor(key * TWO_32)));

/**
 * Sorts a layer by (unit key, unit id, own key, position), the order described on `orderLayers`.
 * This is the ordering's hot loop, so instead of a comparator it packs each sort key and a
 * position into one float (32 + 20 bits, exact) and lets the typed-array sort do the work: once for
 * the members' own order, and, in layers with groups, once more for the units.
 */
class LayerSorter {
  private packed = new Float64Array(64);
  private sequence = new Int32Array(64);
  private readonly next: Int32Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly fallback: (a: number, b: number) => number;

  constructor(
    private readonly graph: LayeredGraph,
    itemCount: number,
    private readonly groupCount: number,
    private readonly unitKey: Float64Array,
    unitId: Int32Array,
    private readonly ownKey: Float64Array,
    private readonly pos: Int32Array,
  ) {
    this.next = new Int32Array(itemCount);
    this.head = new Int32Array(groupCount).fill(-1);
    this.tail = new Int32Array(groupCount).fill(-1);
    this.fallback = (a, b) => unitKey[a]! - unitKey[b]! || unitId[a]! - unitId[b]! || ownKey[a]! - ownKey[b]! || pos[a]! - pos[b]!;
  }

  sort(order: Int32Array, start: number, end: number, hasGroups: boolean): void {
    const m = end - start;
    if (m < 2) return;
    if (m >= TWO_19 || this.groupCount >= TWO_19) {
      const items = Array.from(order.subarray(start, end)).sort(this.fallback);
      order.set(items, start);
      return;
    }
    if (this.packed.length < m) {
      this.packed = new Float64Array(m * 2);
      this.sequence = new Int32Array(m * 2);
    }
    const { packed, sequence, pos, ownKey, unitKey } = this;
    // Own order. In a layer without groups every item is its own unit keyed by its own key, so
    // this is the whole answer.
    const own = hasGroups ? ownKey : unitKey;
    for (let k = 0; k < m; k++) {
      const v = order[start + k]!;
      packed[k] = quantize(own[v]!) * TWO_20 + pos[v]!;
    }
    const keys = packed.subarray(0, m).sort();
    for (let k = 0; k < m; k++) sequence[k] = order[start + (keys[k]! % TWO_20)]!;
    if (!hasGroups) {
      order.set(sequence.subarray(0, m), start);
      return;
    }

    // Units: each group once (its members chained in own order), each ungrouped item alone. Ties
    // between groups break by group index, the same in every layer.
    const { graph, next, head, tail } = this;
    let units = 0;
    for (let k = 0; k < m; k++) {
      const v = sequence[k]!;
      const g = graph.group[v]!;
      if (g < 0) {
        packed[units++] = quantize(unitKey[v]!) * TWO_20 + TWO_19 + pos[v]!;
        continue;
      }
      next[v] = -1;
      if (head[g] === -1) {
        head[g] = v;
        packed[units++] = quantize(unitKey[v]!) * TWO_20 + g;
      } else next[tail[g]!] = v;
      tail[g] = v;
    }
    const unitKeys = packed.subarray(0, units).sort();
    // Positions in the packed keys refer to the order before this sort: keep a copy to decode them.
    const previous = order.slice(start, end);
    let k = start;
    for (let u = 0; u < units; u++) {
      const tie = unitKeys[u]! % TWO_20;
      if (tie >= TWO_19) {
        order[k++] = previous[tie - TWO_19]!;
        continue;
      }
      for (let v = head[tie]!; v !== -1; v = next[v]!) order[k++] = v;
      head[tie] = -1;
      tail[tie] = -1;
    }
  }
}
