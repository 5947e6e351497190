import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntervalSet } from '../../../src/core/partitions/intervalSet';

/** Interval sets of partition positions: the ranges, the counts and every set operation. */

const ranges = (set: IntervalSet): [number, number][] => [...set.ranges()];
const members = (set: IntervalSet): number[] => [...set.members()];

describe('building sets', () => {
  test('fromIndices merges consecutive indices into ranges, ignores order and repeats', () => {
    const set = IntervalSet.fromIndices([7, 3, 4, 5, 5, 10, 8, 0]);
    assert.deepEqual(ranges(set), [[0, 1], [3, 6], [7, 9], [10, 11]]);
    assert.equal(set.size, 7);
    assert.equal(set.rangeCount, 4);
    assert.deepEqual(members(set), [0, 3, 4, 5, 7, 8, 10]);
  });

  test('fromIndices keeps negative indices in order', () => {
    assert.deepEqual(ranges(IntervalSet.fromIndices([-2, -1, 0, 2])), [[-2, 1], [2, 3]]);
  });

  test('fromBounds takes ordered bounds as they are, and anything else as ranges in any order', () => {
    assert.deepEqual(ranges(IntervalSet.fromBounds([0, 2, 5, 6])), [[0, 2], [5, 6]]);
    assert.deepEqual(ranges(IntervalSet.fromBounds([])), []);
    assert.deepEqual(ranges(IntervalSet.fromBounds([5, 6, 0, 2])), [[0, 2], [5, 6]], 'out of order');
    assert.deepEqual(ranges(IntervalSet.fromBounds([0, 2, 2, 4])), [[0, 4]], 'adjacent ranges merge');
    assert.deepEqual(ranges(IntervalSet.fromBounds([3, 3, 7, 9])), [[7, 9]], 'empty ranges drop');
    const bounds = [1, 3];
    const set = IntervalSet.fromBounds(bounds);
    bounds.push(8, 9);
    assert.deepEqual(ranges(set), [[1, 3]], 'the caller may go on using its array');
  });

  test('fromRanges merges overlapping and adjacent ranges, drops empty ones', () => {
    const set = IntervalSet.fromRanges([
      [10, 12],
      [0, 3],
      [3, 5],
      [2, 4],
      [7, 7],
      [9, 8],
      [12, 13],
      [20, 25],
      [21, 22],
    ]);
    assert.deepEqual(ranges(set), [[0, 5], [10, 13], [20, 25]]);
    assert.equal(set.size, 5 + 3 + 5);
    assert.equal(set.rangeCount, 3);
  });

  test('a range that starts at 0 right after another merges with it (no off-by-one at the first range)', () => {
    assert.deepEqual(ranges(IntervalSet.fromRanges([[0, 1], [1, 2]])), [[0, 2]]);
    assert.deepEqual(ranges(IntervalSet.fromIndices([0, 1])), [[0, 2]]);
    assert.deepEqual(ranges(IntervalSet.fromRanges([[-5, 0], [0, 1]])), [[-5, 1]]);
  });

  test('range() and the empty set', () => {
    assert.deepEqual(ranges(IntervalSet.range(3, 6)), [[3, 6]]);
    assert.equal(IntervalSet.range(5, 5).isEmpty, true);
    assert.equal(IntervalSet.range(6, 5).isEmpty, true);
    const empty = IntervalSet.empty;
    assert.equal(empty.size, 0);
    assert.equal(empty.rangeCount, 0);
    assert.equal(empty.first, null);
    assert.equal(empty.last, null);
    assert.equal(empty.has(0), false);
    assert.equal(IntervalSet.fromIndices([]).isEmpty, true);
    assert.equal(IntervalSet.fromRanges([]).isEmpty, true);
  });

  test('first and last are the smallest and largest members', () => {
    const set = IntervalSet.fromRanges([[4, 9], [15, 16]]);
    assert.equal(set.first, 4);
    assert.equal(set.last, 15);
    assert.equal(IntervalSet.range(0, 1).last, 0);
  });
});

describe('membership and operations', () => {
  const a = IntervalSet.fromRanges([[0, 5], [10, 15], [20, 25]]);
  const b = IntervalSet.fromRanges([[3, 12], [24, 30]]);

  test('has: boundaries are half-open', () => {
    for (const [i, expected] of [[-1, false], [0, true], [4, true], [5, false], [9, false], [10, true], [14, true], [15, false], [20, true], [24, true], [25, false], [100, false]] as const) {
      assert.equal(a.has(i), expected, `has(${i})`);
    }
  });

  test('union', () => {
    assert.deepEqual(ranges(a.union(b)), [[0, 15], [20, 30]]);
    assert.deepEqual(ranges(a.union(IntervalSet.empty)), ranges(a));
    assert.deepEqual(ranges(IntervalSet.empty.union(b)), ranges(b));
    // Adjacent ranges from the two sides join into one.
    assert.deepEqual(ranges(IntervalSet.range(0, 3).union(IntervalSet.range(3, 6))), [[0, 6]]);
  });

  test('intersect', () => {
    assert.deepEqual(ranges(a.intersect(b)), [[3, 5], [10, 12], [24, 25]]);
    assert.equal(a.intersect(IntervalSet.empty).isEmpty, true);
    assert.equal(IntervalSet.range(0, 3).intersect(IntervalSet.range(3, 6)).isEmpty, true);
  });

  test('difference', () => {
    assert.deepEqual(ranges(a.difference(b)), [[0, 3], [12, 15], [20, 24]]);
    assert.deepEqual(ranges(b.difference(a)), [[5, 10], [25, 30]]);
    assert.deepEqual(ranges(a.difference(IntervalSet.empty)), ranges(a));
    assert.equal(IntervalSet.empty.difference(a).isEmpty, true);
    assert.equal(a.difference(a).isEmpty, true);
    // A hole punched in the middle of one range.
    assert.deepEqual(ranges(IntervalSet.range(0, 10).difference(IntervalSet.fromIndices([3, 4, 7]))), [[0, 3], [5, 7], [8, 10]]);
  });

  test('clip keeps the members in [start, end)', () => {
    assert.deepEqual(ranges(a.clip(3, 22)), [[3, 5], [10, 15], [20, 22]]);
    assert.equal(a.clip(5, 10).isEmpty, true);
    assert.deepEqual(ranges(a.clip(-Infinity, 2)), [[0, 2]]);
  });

  test('shift moves every range', () => {
    assert.deepEqual(ranges(a.shift(-10)), [[-10, -5], [0, 5], [10, 15]]);
    assert.equal(a.shift(0), a);
    assert.equal(a.shift(3).size, a.size);
  });

  test('mapRanges maps and merges', () => {
    // Each range [s, e) becomes [s*2, e*2): [0,10), [20,30), [40,50); then widened by 10 they touch.
    assert.deepEqual(ranges(a.mapRanges((s, e) => [s * 2, e * 2])), [[0, 10], [20, 30], [40, 50]]);
    assert.deepEqual(ranges(a.mapRanges((s, e) => [s * 2, e * 2 + 10])), [[0, 60]]);
  });

  test('equals compares members', () => {
    assert.equal(IntervalSet.fromIndices([1, 2, 3]).equals(IntervalSet.range(1, 4)), true);
    assert.equal(IntervalSet.fromIndices([1, 3]).equals(IntervalSet.range(1, 4)), false);
    assert.equal(IntervalSet.empty.equals(IntervalSet.fromIndices([])), true);
  });
});

describe('against a naive Set<number>', () => {
  /** mulberry32: a small deterministic generator, so failures reproduce. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** A random set built one way or the other, with its naive twin. */
  function randomSet(next: () => number): { set: IntervalSet; naive: Set<number> } {
    const naive = new Set<number>();
    const span = 1 + Math.floor(next() * 60);
    const offset = Math.floor(next() * 20) - 10;
    if (next() < 0.5) {
      const list: number[] = [];
      const n = Math.floor(next() * span);
      for (let k = 0; k < n; k++) list.push(offset + Math.floor(next() * span));
      for (const i of list) naive.add(i);
      return { set: IntervalSet.fromIndices(list), naive };
    }
    const list: [number, number][] = [];
    const n = Math.floor(next() * 6);
    for (let k = 0; k < n; k++) {
      const s = offset + Math.floor(next() * span);
      const e = s + Math.floor(next() * 8) - 1;
      list.push([s, e]);
      for (let i = s; i < e; i++) naive.add(i);
    }
    return { set: IntervalSet.fromRanges(list), naive };
  }

  /** The set's ranges are sorted, non-empty, disjoint and non-adjacent, and hold exactly `naive`. */
  function check(set: IntervalSet, naive: Set<number>, what: string): void {
    const rs = ranges(set);
    for (let k = 0; k < rs.length; k++) {
      const [s, e] = rs[k] as [number, number];
      assert.ok(e > s, `${what}: empty range`);
      if (k > 0) assert.ok(s > (rs[k - 1] as [number, number])[1], `${what}: ranges ${JSON.stringify(rs)} touch or overlap`);
    }
    const sorted = [...naive].sort((x, y) => x - y);
    assert.deepEqual(members(set), sorted, what);
    assert.equal(set.size, naive.size, `${what}: size`);
    assert.equal(set.first, sorted[0] ?? null, `${what}: first`);
    assert.equal(set.last, sorted[sorted.length - 1] ?? null, `${what}: last`);
    let runs = 0;
    for (let k = 0; k < sorted.length; k++) if (k === 0 || (sorted[k] as number) !== (sorted[k - 1] as number) + 1) runs++;
    assert.equal(set.rangeCount, runs, `${what}: rangeCount`);
    for (let i = -15; i < 80; i++) assert.equal(set.has(i), naive.has(i), `${what}: has(${i})`);
  }

  test('2,000 random pairs: construction, union, intersect, difference, clip, shift', () => {
    const next = rng(20240229);
    for (let round = 0; round < 2000; round++) {
      const x = randomSet(next);
      const y = randomSet(next);
      check(x.set, x.naive, `x#${round}`);
      check(x.set.union(y.set), new Set([...x.naive, ...y.naive]), `union#${round}`);
      check(x.set.intersect(y.set), new Set([...x.naive].filter((i) => y.naive.has(i))), `intersect#${round}`);
      check(x.set.difference(y.set), new Set([...x.naive].filter((i) => !y.naive.has(i))), `difference#${round}`);
      const lo = Math.floor(next() * 50) - 10;
      const hi = lo + Math.floor(next() * 40);
      check(x.set.clip(lo, hi), new Set([...x.naive].filter((i) => i >= lo && i < hi)), `clip#${round}`);
      const by = Math.floor(next() * 21) - 10;
      check(x.set.shift(by), new Set([...x.naive].map((i) => i + by)), `shift#${round}`);
      assert.equal(x.set.union(y.set).equals(y.set.union(x.set)), true, `union commutes #${round}`);
    }
  });
});
