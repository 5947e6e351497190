import { DUMMY, HOLE, REAL, type LayeredGraph } from './layeredGraph';
import { LAYOUT_SPACING as S } from './layoutSpacing';
import type { Ordering } from './ordering';

/** Coordinates of the layered graph. Holes get none. */
export interface Placement {
  /** Top of every item (dummies: the y their edge passes at). */
  itemTop: Float64Array;
  itemLeft: Float64Array;
  /** Horizontal extent of every layer's column. */
  columnLeft: Float64Array;
  columnWidth: Float64Array;
  /** Group boxes; NaN for groups with nothing laid out. */
  groupLeft: Float64Array;
  groupTop: Float64Array;
  groupWidth: Float64Array;
  groupHeight: Float64Array;
}

type Side = 'up' | 'down' | 'both';
/** Sweep schedule: align with upstream, then downstream, a few times, and settle with both sides. */
const SCHEDULE: Side[] = ['up', 'down', 'up', 'down', 'up', 'down', 'both', 'both'];
/** Edges through dummies pull harder, so long edges run straight rather than zig-zag. */
const weightOf = (kind: number): number => (kind === DUMMY ? 2 : 1);
/** An item with no neighbour on the side in question has no wish of its own; it moves with its row. */
const NO_WISH_WEIGHT = 1e-3;

/**
 * Vertical placement in two levels, because a group's box must not overlap anything.
 *
 * 1. Inside each group: its members are placed relative to the box, row by row, following the
 *    edges inside the group. This fixes the box's height.
 * 2. The drawing: every ungrouped item, and every group as one rigid block spanning its layers,
 *    is placed so that neighbours in a layer keep their order and spacing. The ordering step put
 *    groups in the same relative order in every layer they share, so "is above" is acyclic and a
 *    top-down packing is a valid start. Then sweeps move each ungrouped run towards the median of
 *    its neighbours (a weighted isotonic regression per run, exact for that run), and each group
 *    block towards the median of its outside neighbours, as far as its rows allow.
 *
 * Every step keeps all separations, so the result never overlaps.
 */
export function placeItems(graph: LayeredGraph, ordering: Ordering): Placement {
  const { itemCount: n, layerCount, groupCount, kind, group, height } = graph;
  const { layerStart, order } = ordering;
  const spacing = (i: number): number => (kind[i] === DUMMY ? S.edgeGap : S.nodeGap);
  const solver = new RowSolver();
  const values: number[] = [];

  // ---- level 1: inside groups
  const first = graph.groupFirst;
  const rowsOfGroup: number[][][] = [];
  for (let g = 0; g < groupCount; g++) rowsOfGroup.push(first[g]! < 0 ? [] : Array.from({ length: graph.groupLast[g]! - first[g]! + 1 }, () => []));
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    const g = group[v]!;
    if (g >= 0 && kind[v] !== HOLE) rowsOfGroup[g]![graph.layer[v]! - first[g]!]!.push(v);
  }
  const localTop = new Float64Array(n);
  const groupHeight = new Float64Array(groupCount);
  for (let g = 0; g < groupCount; g++) {
    const rows = rowsOfGroup[g]!;
    if (rows.length === 0) continue;
    // The box is as tall as its tallest packed row, no taller: rows move within that band.
    let band = 0;
    for (const row of rows) band = Math.max(band, packRow(row, localTop, height, spacing));
    const visitInside = (x: number): void => {
      if (group[x] === g) values.push(localTop[x]! + height[x]! / 2);
    };
    for (const side of SCHEDULE) {
      const rowOrder = side === 'down' ? [...rows].reverse() : rows;
      for (const row of rowOrder) {
        if (row.length === 0) continue;
        solver.begin();
        for (let r = 0; r < row.length; r++) {
          const v = row[r]!;
          values.length = 0;
          collectNeighbours(graph, v, side, visitInside);
          addItem(solver, v, r === 0 ? 0 : height[row[r - 1]!]! + Math.max(spacing(row[r - 1]!), spacing(v)), localTop[v]!);
        }
        solver.solve(0, band - height[row[row.length - 1]!]!);
        for (let r = 0; r < row.length; r++) localTop[row[r]!] = solver.result(r);
      }
    }
    let top = Infinity;
    let bottom = -Infinity;
    for (const row of rows) {
      for (const v of row) {
        top = Math.min(top, localTop[v]!);
        bottom = Math.max(bottom, localTop[v]! + height[v]!);
      }
    }
    for (const row of rows) for (const v of row) localTop[v] = localTop[v]! - top + S.groupPadTop;
    groupHeight[g] = bottom - top + S.groupPadTop + S.groupPadBottom;
  }

  /** Adds v to the row being solved, wishing for the median of the neighbours just collected. */
  function addItem(rowSolver: RowSolver, v: number, separationFromPrevious: number, currentTop: number): void {
    if (values.length === 0) rowSolver.add(currentTop, NO_WISH_WEIGHT, separationFromPrevious);
    else rowSolver.add(median(values) - height[v]! / 2, weightOf(kind[v]!), separationFromPrevious);
  }

  // ---- level 2: ungrouped items and group blocks. Unit u < n is item u; unit n + g is group g.
  const unitCount = n + groupCount;
  const unitTop = new Float64Array(unitCount);
  const unitHeight = new Float64Array(unitCount);
  const unitSpacing = new Float64Array(unitCount);
  for (let v = 0; v < n; v++) {
    unitHeight[v] = height[v]!;
    unitSpacing[v] = spacing(v);
  }
  for (let g = 0; g < groupCount; g++) {
    unitHeight[n + g] = groupHeight[g]!;
    unitSpacing[n + g] = S.groupGap;
  }
  const gap = (a: number, b: number): number => Math.max(unitSpacing[a]!, unitSpacing[b]!);

  const rowStart = new Int32Array(layerCount + 1);
  const rowUnits: number[] = [];
  for (let l = 0; l < layerCount; l++) {
    rowStart[l] = rowUnits.length;
    for (let k = layerStart[l]!; k < layerStart[l + 1]!; k++) {
      const v = order[k]!;
      const g = group[v]!;
      if (g < 0) rowUnits.push(v);
      else if (rowUnits.length === rowStart[l] || rowUnits[rowUnits.length - 1] !== n + g) rowUnits.push(n + g);
    }
  }
  rowStart[layerCount] = rowUnits.length;
  // Where each group sits in each of its rows.
  const groupRowOffset = new Int32Array(groupCount + 1);
  for (let g = 0; g < groupCount; g++) groupRowOffset[g + 1] = groupRowOffset[g]! + rowsOfGroup[g]!.length;
  const groupRowIndex = new Int32Array(groupRowOffset[groupCount]!);
  for (let l = 0; l < layerCount; l++) {
    for (let k = rowStart[l]!; k < rowStart[l + 1]!; k++) {
      const u = rowUnits[k]!;
      if (u >= n) groupRowIndex[groupRowOffset[u - n]! + l - first[u - n]!] = k;
    }
  }

  // The drawing stays as tall as the packed one: edges get straighter only where there is room.
  const drawingHeight = packUnits(unitCount, rowStart, rowUnits, unitTop, unitHeight, gap);

  const centerOf = (x: number): number => {
    const g = group[x]!;
    return (g < 0 ? unitTop[x]! : unitTop[n + g]! + localTop[x]!) + height[x]! / 2;
  };
  const visitAny = (x: number): void => {
    values.push(centerOf(x));
  };
  // The group step's visitor: neighbours outside the group, as where the box's top should be.
  let visitingGroup = -1;
  let memberOffset = 0;
  const visitOutside = (x: number): void => {
    if (group[x] !== visitingGroup) values.push(centerOf(x) - memberOffset);
  };
  for (const side of SCHEDULE) {
    for (let step = 0; step < layerCount; step++) {
      const l = side === 'down' ? layerCount - 1 - step : step;
      let k = rowStart[l]!;
      const end = rowStart[l + 1]!;
      while (k < end) {
        if (rowUnits[k]! >= n) {
          k++;
          continue;
        }
        // A run of ungrouped items between two group blocks (or the row's ends).
        const runStart = k;
        solver.begin();
        while (k < end && rowUnits[k]! < n) {
          const v = rowUnits[k]!;
          values.length = 0;
          collectNeighbours(graph, v, side, visitAny);
          addItem(solver, v, k === runStart ? 0 : height[rowUnits[k - 1]!]! + gap(rowUnits[k - 1]!, v), unitTop[v]!);
          k++;
        }
        const above = runStart > rowStart[l]! ? rowUnits[runStart - 1]! : -1;
        const below = k < end ? rowUnits[k]! : -1;
        const last = rowUnits[k - 1]!;
        const lo = above < 0 ? 0 : unitTop[above]! + unitHeight[above]! + gap(above, rowUnits[runStart]!);
        const hi = (below < 0 ? drawingHeight : unitTop[below]! - gap(last, below)) - height[last]!;
        solver.solve(lo, hi);
        for (let r = runStart; r < k; r++) unitTop[rowUnits[r]!] = solver.result(r - runStart);
      }
    }
    for (let g = 0; g < groupCount; g++) {
      const rows = rowsOfGroup[g]!;
      if (rows.length === 0) continue;
      values.length = 0;
      visitingGroup = g;
      for (const row of rows) {
        for (const v of row) {
          memberOffset = localTop[v]! + height[v]! / 2;
          collectNeighbours(graph, v, side, visitOutside);
        }
      }
      if (values.length === 0) continue;
      const u = n + g;
      let lo = 0;
      let hi = drawingHeight - unitHeight[u]!;
      for (let r = 0; r < rows.length; r++) {
        const k = groupRowIndex[groupRowOffset[g]! + r]!;
        const l = first[g]! + r;
        if (k > rowStart[l]!) {
          const a = rowUnits[k - 1]!;
          lo = Math.max(lo, unitTop[a]! + unitHeight[a]! + gap(a, u));
        }
        if (k + 1 < rowStart[l + 1]!) {
          const b = rowUnits[k + 1]!;
          hi = Math.min(hi, unitTop[b]! - gap(u, b) - unitHeight[u]!);
        }
      }
      unitTop[u] = Math.min(Math.max(median(values), lo), hi);
    }
  }

  // ---- horizontal: one column per layer, nodes centred in it
  const columnWidth = new Float64Array(layerCount);
  for (let v = 0; v < n; v++) if (kind[v] === REAL) columnWidth[graph.layer[v]!] = Math.max(columnWidth[graph.layer[v]!]!, graph.width[v]!);
  const columnLeft = new Float64Array(layerCount);
  for (let l = 1; l < layerCount; l++) columnLeft[l] = columnLeft[l - 1]! + columnWidth[l - 1]! + S.layerGap;
  const itemTop = new Float64Array(n);
  const itemLeft = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    if (kind[v] === HOLE) continue;
    const l = graph.layer[v]!;
    itemTop[v] = group[v]! < 0 ? unitTop[v]! : unitTop[n + group[v]!]! + localTop[v]!;
    itemLeft[v] = columnLeft[l]! + (columnWidth[l]! - graph.width[v]!) / 2;
  }

  const groupLeft = new Float64Array(groupCount).fill(NaN);
  const groupTop = new Float64Array(groupCount).fill(NaN);
  const groupWidth = new Float64Array(groupCount).fill(NaN);
  for (let g = 0; g < groupCount; g++) {
    if (rowsOfGroup[g]!.length === 0) continue;
    let left = Infinity;
    let right = -Infinity;
    for (const row of rowsOfGroup[g]!) {
      for (const v of row) {
        if (kind[v] !== REAL) continue;
        left = Math.min(left, itemLeft[v]!);
        right = Math.max(right, itemLeft[v]! + graph.width[v]!);
      }
    }
    groupLeft[g] = left - S.groupPadX;
    groupWidth[g] = right - left + 2 * S.groupPadX;
    groupTop[g] = unitTop[n + g]!;
  }
  return { itemTop, itemLeft, columnLeft, columnWidth, groupLeft, groupTop, groupWidth, groupHeight };
}

function collectNeighbours(graph: LayeredGraph, v: number, side: Side, visit: (x: number) => void): void {
  if (side !== 'down') for (let j = graph.up.offset[v]!; j < graph.up.offset[v + 1]!; j++) visit(graph.up.list[j]!);
  if (side !== 'up') for (let j = graph.down.offset[v]!; j < graph.down.offset[v + 1]!; j++) visit(graph.down.list[j]!);
}

function median(values: number[]): number {
  if (values.length === 1) return values[0]!;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Stacks a row from 0 down; returns its height. */
function packRow(row: number[], top: Float64Array, height: Float64Array, spacing: (i: number) => number): number {
  let y = 0;
  for (let r = 0; r < row.length; r++) {
    const v = row[r]!;
    if (r > 0) y += Math.max(spacing(row[r - 1]!), spacing(v));
    top[v] = y;
    y += height[v]!;
  }
  return y;
}

/**
 * Everything as high as it can go: units in topological order of "is right above, in some row".
 * Returns the height of the packing.
 * Ordering guarantees that relation is acyclic; should it ever not be, the units caught in a cycle
 * are stacked below everything else, which still overlaps nothing.
 */
function packUnits(
  unitCount: number,
  rowStart: Int32Array,
  rowUnits: number[],
  top: Float64Array,
  height: Float64Array,
  gap: (a: number, b: number) => number,
): number {
  const indegree = new Int32Array(unitCount);
  const rowCount = rowStart.length - 1;
  const next: number[][] = Array.from({ length: unitCount }, () => []);
  for (let l = 0; l < rowCount; l++) {
    for (let k = rowStart[l]! + 1; k < rowStart[l + 1]!; k++) {
      next[rowUnits[k - 1]!]!.push(rowUnits[k]!);
      indegree[rowUnits[k]!]!++;
    }
  }
  const queue: number[] = [];
  for (let u = 0; u < unitCount; u++) if (indegree[u] === 0) queue.push(u);
  top.fill(0);
  let bottom = 0;
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    bottom = Math.max(bottom, top[u]! + height[u]!);
    for (const w of next[u]!) {
      top[w] = Math.max(top[w]!, top[u]! + height[u]! + gap(u, w));
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  if (queue.length === unitCount) return bottom;
  for (let u = 0; u < unitCount; u++) {
    if (indegree[u] === 0) continue;
    top[u] = bottom + 2 * S.groupGap;
    bottom = top[u]! + height[u]!;
  }
  return bottom;
}

/**
 * One row (or run) of items in a fixed order: tops that stay as close as possible (weighted least
 * squares) to each item's wish while keeping each item at least `separation` below the previous
 * one, the first at or below `lo` and the last at or above `hi`. With z_i = top_i − (sum of the
 * separations before i) the constraints become z non-decreasing, so this is isotonic regression,
 * solved exactly by pool-adjacent-violators in linear time; the bounds then clamp the solution.
 */
class RowSolver {
  private wish: number[] = [];
  private weight: number[] = [];
  private offset: number[] = [];
  private blockStart: number[] = [];
  private blockWeight: number[] = [];
  private blockSum: number[] = [];
  private out: number[] = [];
  private count = 0;

  begin(): void {
    this.count = 0;
  }

  add(wish: number, weight: number, separationFromPrevious: number): void {
    const i = this.count++;
    this.wish[i] = wish;
    this.weight[i] = weight;
    this.offset[i] = i === 0 ? 0 : this.offset[i - 1]! + separationFromPrevious;
  }

  solve(lo: number, hi: number): void {
    const m = this.count;
    let blocks = 0;
    for (let i = 0; i < m; i++) {
      const z = this.wish[i]! - this.offset[i]!;
      this.blockStart[blocks] = i;
      this.blockWeight[blocks] = this.weight[i]!;
      this.blockSum[blocks] = this.weight[i]! * z;
      blocks++;
      while (blocks > 1 && this.blockSum[blocks - 2]! / this.blockWeight[blocks - 2]! > this.blockSum[blocks - 1]! / this.blockWeight[blocks - 1]!) {
        this.blockWeight[blocks - 2]! += this.blockWeight[blocks - 1]!;
        this.blockSum[blocks - 2]! += this.blockSum[blocks - 1]!;
        blocks--;
      }
    }
    const zHi = hi - this.offset[m - 1]!;
    for (let b = 0; b < blocks; b++) {
      const z = Math.min(Math.max(this.blockSum[b]! / this.blockWeight[b]!, lo), zHi);
      const end = b + 1 < blocks ? this.blockStart[b + 1]! : m;
      for (let i = this.blockStart[b]!; i < end; i++) this.out[i] = z + this.offset[i]!;
    }
  }

  result(i: number): number {
    return this.out[i]!;
  }
}
