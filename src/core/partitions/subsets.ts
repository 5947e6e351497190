import { IntervalSet } from './intervalSet';
import type { MultiSpace, PartitionSpace, SingleSpace } from './keySpaces';
import { PartitionsError } from './errors';

/**
 * Sets of partitions of one space. A single-dimension subset is an interval set of positions
 * (window indices or key positions); a multi subset holds, for each position of one dimension
 * (`space.byDim`), an interval set over the other, so a date range times a region list stays a
 * handful of ranges. Positions outside `[0, count)` never appear in a subset.
 */

export class SingleSubset {
  readonly kind = 'single';
  readonly space: SingleSpace;
  readonly set: IntervalSet;
  constructor(space: SingleSpace, set: IntervalSet) {
    this.space = space;
    this.set = set;
  }
}

export class MultiSubset {
  readonly kind = 'multi';
  readonly space: MultiSpace;
  /** By position in `space.byDim`: the positions in the other dimension. No empty sets. */
  readonly columns: ReadonlyMap<number, IntervalSet>;
  constructor(space: MultiSpace, columns: Map<number, IntervalSet>) {
    this.space = space;
    for (const [column, set] of columns) if (set.isEmpty) columns.delete(column);
    this.columns = columns;
  }
}

export type PartitionSubset = SingleSubset | MultiSubset;

export class InvalidKeyError extends PartitionsError {
  constructor(message: string) {
    super(message, 'DagsterInvalidInvocationError');
  }
}

/** The other dimension of a multi space (the one subsets keep as ranges). */
export function rowDim(space: MultiSpace): 0 | 1 {
  return space.byDim === 0 ? 1 : 0;
}

export function emptySubset(space: PartitionSpace): PartitionSubset {
  return space.kind === 'multi' ? new MultiSubset(space, new Map()) : new SingleSubset(space, IntervalSet.empty);
}

export function allSubset(space: PartitionSpace): PartitionSubset {
  if (space.kind !== 'multi') return new SingleSubset(space, IntervalSet.range(0, space.count));
  const rows = IntervalSet.range(0, space.dims[rowDim(space)].space.count);
  const columns = new Map<number, IntervalSet>();
  for (let c = 0; c < space.dims[space.byDim].space.count; c++) columns.set(c, rows);
  return new MultiSubset(space, columns);
}

/** A multi subset from (position in dim 0, position in dim 1) pairs. */
export function multiFromPairs(space: MultiSpace, pairs: Iterable<readonly [number, number]>): MultiSubset {
  const byColumn = new Map<number, number[]>();
  for (const pair of pairs) {
    const column = pair[space.byDim];
    const row = pair[rowDim(space)];
    const list = byColumn.get(column);
    if (list) list.push(row);
    else byColumn.set(column, [row]);
  }
  const columns = new Map<number, IntervalSet>();
  for (const [column, rows] of byColumn) columns.set(column, IntervalSet.fromIndices(rows));
  return new MultiSubset(space, columns);
}

/** The product of a set in each dimension. */
export function multiProduct(space: MultiSpace, dim0: IntervalSet, dim1: IntervalSet): MultiSubset {
  const byColumnSet = space.byDim === 0 ? dim0 : dim1;
  const rows = space.byDim === 0 ? dim1 : dim0;
  const columns = new Map<number, IntervalSet>();
  if (!rows.isEmpty) for (const column of byColumnSet.members()) columns.set(column, rows);
  return new MultiSubset(space, columns);
}

/**
 * Keys that name existing partitions form the subset; the others are returned as `unknown`. With
 * `windows`, a time key names its window even when that window is not (yet) a partition, as
 * Dagster's time-window subsets hold any window: mapping inputs use this.
 */
export function subsetFromKeys(
  space: PartitionSpace,
  keys: Iterable<string>,
  options: { windows?: boolean } = {},
): { subset: PartitionSubset; unknown: string[] } {
  const unknown: string[] = [];
  if (space.kind === 'multi') {
    const pairs: [number, number][] = [];
    for (const key of keys) {
      const at = space.indexOf(key);
      if (at) pairs.push(at);
      else unknown.push(key);
    }
    return { subset: multiFromPairs(space, pairs), unknown };
  }
  const positions: number[] = [];
  for (const key of keys) {
    const i = options.windows && space.kind === 'time' ? space.windowIndexOf(key) : space.indexOf(key);
    if (i === null) unknown.push(key);
    else positions.push(i);
  }
  return { subset: new SingleSubset(space, IntervalSet.fromIndices(positions)), unknown };
}

function requireIndex(space: SingleSpace, key: string, windows = false): number {
  const i = windows && space.kind === 'time' ? space.windowIndexOf(key) : space.indexOf(key);
  if (i !== null && i < 0) {
    throw new PartitionsError(`Partition key range start ${key} is before the partitions definition start time ${space.kind === 'time' ? space.def.start : ''}`.trim(), 'CheckError');
  }
  if (i === null) throw new InvalidKeyError(`partition key '${key}' is not a partition of this definition`);
  return i;
}

/**
 * Dagster's `get_partition_keys_in_range` as a subset: inclusive, both ends must exist; for a multi
 * definition, every combination of the per-dimension ranges between the two keys.
 */
export function subsetFromRange(space: PartitionSpace, startKey: string, endKey: string, options: { windows?: boolean } = {}): PartitionSubset {
  if (space.kind === 'multi') {
    const start = startKey.split('|');
    const end = endKey.split('|');
    if (start.length !== 2 || end.length !== 2) throw new InvalidKeyError(`'${startKey}...${endKey}' is not a range of multi-partition keys`);
    // Each dimension's own range (a dimension whose end comes before its start has none).
    const sets = [0, 1].map((d) => {
      const dimSpace = space.dims[d as 0 | 1].space;
      const a = requireIndex(dimSpace, start[d] as string, options.windows);
      const b = requireIndex(dimSpace, end[d] as string, options.windows);
      return IntervalSet.range(a, b + 1);
    }) as [IntervalSet, IntervalSet];
    return multiProduct(space, sets[0], sets[1]);
  }
  const a = requireIndex(space, startKey, options.windows);
  const b = requireIndex(space, endKey, options.windows);
  // Like Dagster's slice or empty time window, a range that ends before it starts is empty.
  return new SingleSubset(space, IntervalSet.range(a, b + 1));
}

function combine(a: PartitionSubset, b: PartitionSubset, op: (x: IntervalSet, y: IntervalSet) => IntervalSet): PartitionSubset {
  if (a.kind === 'single' && b.kind === 'single') return new SingleSubset(a.space, op(a.set, b.set));
  if (a.kind === 'multi' && b.kind === 'multi') {
    const columns = new Map<number, IntervalSet>();
    for (const column of new Set([...a.columns.keys(), ...b.columns.keys()])) {
      columns.set(column, op(a.columns.get(column) ?? IntervalSet.empty, b.columns.get(column) ?? IntervalSet.empty));
    }
    return new MultiSubset(a.space, columns);
  }
  throw new PartitionsError('cannot combine subsets of different partitions definitions');
}

export const union = (a: PartitionSubset, b: PartitionSubset): PartitionSubset => combine(a, b, (x, y) => x.union(y));
export const intersection = (a: PartitionSubset, b: PartitionSubset): PartitionSubset => combine(a, b, (x, y) => x.intersect(y));
export const difference = (a: PartitionSubset, b: PartitionSubset): PartitionSubset => combine(a, b, (x, y) => x.difference(y));

export function subsetSize(subset: PartitionSubset): number {
  if (subset.kind === 'single') return subset.set.size;
  let n = 0;
  for (const set of subset.columns.values()) n += set.size;
  return n;
}

export function isEmptySubset(subset: PartitionSubset): boolean {
  return subset.kind === 'single' ? subset.set.isEmpty : subset.columns.size === 0;
}

export function subsetHas(subset: PartitionSubset, key: string): boolean {
  if (subset.kind === 'single') {
    const i = subset.space.indexOf(key);
    return i !== null && subset.set.has(i);
  }
  const at = subset.space.indexOf(key);
  if (!at) return false;
  return subset.columns.get(at[subset.space.byDim])?.has(at[rowDim(subset.space)]) ?? false;
}

/** The (dim 0, dim 1) positions of a multi subset in key order, dimension 0 first. */
function* multiPairs(subset: MultiSubset): IterableIterator<[number, number]> {
  const space = subset.space;
  const columns = [...subset.columns.keys()].sort((a, b) => a - b);
  if (space.byDim === 0) {
    for (const column of columns) for (const row of (subset.columns.get(column) as IntervalSet).members()) yield [column, row];
    return;
  }
  // Rows are dimension 0 here: walk them in order across every column.
  for (const row of projectedRows(subset).members()) {
    for (const column of columns) if ((subset.columns.get(column) as IntervalSet).has(row)) yield [row, column];
  }
}

/** Keys in Dagster's order (window order, key order, dimension 0 before dimension 1), up to `limit`. */
export function subsetKeys(subset: PartitionSubset, limit = Infinity): string[] {
  const out: string[] = [];
  if (limit <= 0) return out;
  if (subset.kind === 'single') {
    for (const i of subset.set.members()) {
      out.push(subset.space.key(i));
      if (out.length >= limit) break;
    }
    return out;
  }
  for (const [i0, i1] of multiPairs(subset)) {
    out.push(subset.space.key(i0, i1));
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The subset as inclusive key ranges: maximal runs of consecutive positions; for a multi subset,
 * one run of the ranged dimension per position of the other.
 */
export function subsetKeyRanges(subset: PartitionSubset): [string, string][] {
  if (subset.kind === 'single') {
    const flat = subset.set.flat;
    const out: [string, string][] = [];
    for (let k = 0; k < flat.length; k += 2) out.push([subset.space.key(flat[k] as number), subset.space.key((flat[k + 1] as number) - 1)]);
    return out;
  }
  const space = subset.space;
  const pair = (column: number, row: number): string => (space.byDim === 0 ? space.key(column, row) : space.key(row, column));
  const columns = [...subset.columns.keys()].sort((a, b) => a - b);
  const rows = projectedRows(subset);
  // Dagster (`DefaultPartitionsSubset.get_partition_key_ranges`): the primary dimension is the time
  // dimension, or the first; keys are grouped by whichever of the two has fewer distinct values in
  // the subset (the primary on a tie), and the ranges run along the other.
  const timeDims = space.dims.filter((d) => d.space.kind === 'time').length;
  const primary: 0 | 1 = timeDims === 1 && space.dims[1].space.kind === 'time' ? 1 : 0;
  const primaryCount = primary === space.byDim ? columns.length : rows.size;
  const secondaryCount = primary === space.byDim ? rows.size : columns.length;
  const groupBy: 0 | 1 = primaryCount <= secondaryCount ? primary : primary === 0 ? 1 : 0;
  const out: [string, string][] = [];
  if (groupBy === space.byDim) {
    for (const column of columns) {
      for (const [s, e] of (subset.columns.get(column) as IntervalSet).ranges()) out.push([pair(column, s), pair(column, e - 1)]);
    }
    return out;
  }
  // Grouped by the ranged dimension: there are few of its values here, so walk them.
  for (const row of rows.members()) {
    const holding = IntervalSet.fromIndices(columns.filter((c) => (subset.columns.get(c) as IntervalSet).has(row)));
    for (const [s, e] of holding.ranges()) out.push([pair(s, row), pair(e - 1, row)]);
  }
  return out;
}

/** Every position of the ranged dimension that some column holds. */
export function projectedRows(subset: MultiSubset): IntervalSet {
  let rows = IntervalSet.empty;
  for (const set of subset.columns.values()) rows = rows.union(set);
  return rows;
}

/** Number of maximal runs (Dagster's `num_time_windows` for a time subset). */
export function subsetRunCount(subset: PartitionSubset): number {
  if (subset.kind === 'single') return subset.set.rangeCount;
  let n = 0;
  for (const set of subset.columns.values()) n += set.rangeCount;
  return n;
}
