/**
 * A set of integers kept as sorted, disjoint, non-adjacent half-open ranges `[start, end)`.
 * Time-partition subsets are interval sets of window indices, static subsets of key positions.
 * Every operation works on the ranges; none walks the members.
 */
export class IntervalSet {
  /** Flat `[start0, end0, start1, end1, ...]`, ascending, with gaps between ranges. */
  private readonly bounds: readonly number[];

  private constructor(bounds: readonly number[]) {
    this.bounds = bounds;
  }

  static readonly empty = new IntervalSet([]);

  static range(start: number, end: number): IntervalSet {
    return end > start ? new IntervalSet([start, end]) : IntervalSet.empty;
  }

  /** From ranges in any order, overlapping or not. */
  static fromRanges(ranges: Iterable<readonly [number, number]>): IntervalSet {
    const list = [...ranges].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
    const bounds: number[] = [];
    for (const [s, e] of list) {
      const last = bounds.length - 1;
      if (last > 0 && s <= (bounds[last] as number)) bounds[last] = Math.max(bounds[last] as number, e);
      else bounds.push(s, e);
    }
    return new IntervalSet(bounds);
  }

  /**
   * From flat `[start, end)` bounds already in the set's form (ascending, gaps between ranges), as a
   * builder that appends in order makes them; any other list is taken as ranges in any order.
   */
  static fromBounds(bounds: readonly number[]): IntervalSet {
    let ordered = bounds.length % 2 === 0;
    for (let k = 0; ordered && k < bounds.length; k += 2) {
      ordered = (bounds[k] as number) < (bounds[k + 1] as number) && (k === 0 || (bounds[k] as number) > (bounds[k - 1] as number));
    }
    if (ordered) return bounds.length === 0 ? IntervalSet.empty : new IntervalSet(bounds.slice());
    const ranges: [number, number][] = [];
    for (let k = 0; k + 1 < bounds.length; k += 2) ranges.push([bounds[k] as number, bounds[k + 1] as number]);
    return IntervalSet.fromRanges(ranges);
  }

  /** From integers in any order, repeats allowed. */
  static fromIndices(indices: Iterable<number>): IntervalSet {
    // A typed array sorts numbers natively (no comparator calls); repeats are skipped below.
    const sorted = Float64Array.from(indices).sort();
    const bounds: number[] = [];
    for (let k = 0; k < sorted.length; k++) {
      const i = sorted[k] as number;
      const last = bounds.length - 1;
      if (last > 0 && i < (bounds[last] as number)) continue;
      if (last > 0 && bounds[last] === i) bounds[last] = i + 1;
      else bounds.push(i, i + 1);
    }
    return new IntervalSet(bounds);
  }

  get isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  /** Number of members. */
  get size(): number {
    let n = 0;
    for (let k = 0; k < this.bounds.length; k += 2) n += (this.bounds[k + 1] as number) - (this.bounds[k] as number);
    return n;
  }

  /** Number of maximal runs of consecutive members. */
  get rangeCount(): number {
    return this.bounds.length / 2;
  }

  get first(): number | null {
    return this.bounds.length ? (this.bounds[0] as number) : null;
  }

  get last(): number | null {
    return this.bounds.length ? (this.bounds[this.bounds.length - 1] as number) - 1 : null;
  }

  /** The ranges flat, `[start0, end0, start1, end1, ...]` (read-only; no tuple per range). */
  get flat(): readonly number[] {
    return this.bounds;
  }

  *ranges(): IterableIterator<[number, number]> {
    for (let k = 0; k < this.bounds.length; k += 2) yield [this.bounds[k] as number, this.bounds[k + 1] as number];
  }

  /** Members in order; callers bound how many they take. */
  *members(): IterableIterator<number> {
    for (const [s, e] of this.ranges()) for (let i = s; i < e; i++) yield i;
  }

  has(i: number): boolean {
    let lo = 0;
    let hi = this.bounds.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.bounds[2 * mid + 1] as number) <= i) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.bounds.length / 2 && (this.bounds[2 * lo] as number) <= i;
  }

  union(other: IntervalSet): IntervalSet {
    const a = this.bounds;
    const b = other.bounds;
    if (b.length === 0) return this;
    if (a.length === 0) return other;
    // One range holding the other set (the usual case when impacts merge): no new set.
    if (a.length === 2 && (a[0] as number) <= (b[0] as number) && (a[1] as number) >= (b[b.length - 1] as number)) return this;
    if (b.length === 2 && (b[0] as number) <= (a[0] as number) && (b[1] as number) >= (a[a.length - 1] as number)) return other;
    // Both are sorted: merge them in one pass, joining ranges that overlap or touch.
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const fromA = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number));
      const s = fromA ? (a[i] as number) : (b[j] as number);
      const e = fromA ? (a[i + 1] as number) : (b[j + 1] as number);
      if (fromA) i += 2;
      else j += 2;
      const last = out.length - 1;
      if (last > 0 && s <= (out[last] as number)) {
        if (e > (out[last] as number)) out[last] = e;
      } else out.push(s, e);
    }
    return new IntervalSet(out);
  }

  // The results below come out sorted, apart and not touching (the inputs' gaps separate them), so
  // their bounds are built directly.
  intersect(other: IntervalSet): IntervalSet {
    const out: number[] = [];
    const a = this.bounds;
    const b = other.bounds;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const s = Math.max(a[i] as number, b[j] as number);
      const e = Math.min(a[i + 1] as number, b[j + 1] as number);
      if (e > s) out.push(s, e);
      if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
      else j += 2;
    }
    return out.length ? new IntervalSet(out) : IntervalSet.empty;
  }

  difference(other: IntervalSet): IntervalSet {
    if (other.isEmpty || this.isEmpty) return this;
    const out: number[] = [];
    const a = this.bounds;
    const b = other.bounds;
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let s = a[i] as number;
      const e = a[i + 1] as number;
      while (j < b.length && (b[j + 1] as number) <= s) j += 2;
      let k = j;
      while (k < b.length && (b[k] as number) < e && s < e) {
        if ((b[k] as number) > s) out.push(s, b[k] as number);
        s = Math.max(s, b[k + 1] as number);
        k += 2;
      }
      if (s < e) out.push(s, e);
    }
    return out.length ? new IntervalSet(out) : IntervalSet.empty;
  }

  /** The members within `[start, end)`. */
  clip(start: number, end: number): IntervalSet {
    return this.intersect(IntervalSet.range(start, end));
  }

  shift(by: number): IntervalSet {
    return by === 0 ? this : new IntervalSet(this.bounds.map((x) => x + by));
  }

  /** Maps each range `[s, e)` to `[f(s, e)[0], f(s, e)[1])` and merges the results. */
  mapRanges(f: (start: number, end: number) => readonly [number, number]): IntervalSet {
    return IntervalSet.fromRanges([...this.ranges()].map(([s, e]) => f(s, e)));
  }

  equals(other: IntervalSet): boolean {
    return this.bounds.length === other.bounds.length && this.bounds.every((x, k) => x === other.bounds[k]);
  }
}
