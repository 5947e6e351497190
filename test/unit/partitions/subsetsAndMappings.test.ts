import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PartitionMapping } from '../../../src/core/model/partitionMappings';
import type { PartitionsDefinition, SingleDimensionPartitions, TimeWindowPartitions } from '../../../src/core/model/partitions';
import { createSpace, KeyListSpace, MultiSpace, type PartitionSpace } from '../../../src/core/partitions/keySpaces';
import { downstreamOf, MappingError, upstreamOf, validateMapping, type Selection, type Side } from '../../../src/core/partitions/mappings';
import {
  allSubset,
  difference,
  emptySubset,
  intersection,
  InvalidKeyError,
  subsetFromKeys,
  subsetFromRange,
  subsetHas,
  subsetKeyRanges,
  subsetKeys,
  subsetRunCount,
  subsetSize,
  union,
  type PartitionSubset,
} from '../../../src/core/partitions/subsets';
import { PartitionsError } from '../../../src/core/partitions/errors';
import { TimeWindowSpace } from '../../../src/core/partitions/timeWindows';

/**
 * Partition subsets and partition mappings (dagster-semantics.md §3–§4). Unless a test says
 * otherwise, everything is evaluated at now = Tuesday 2021-06-01 00:00 UTC, so:
 *   daily from 2021-05-01     -> 2021-05-01 .. 2021-05-31 (31 partitions)
 *   hourly from 2021-05-01    -> 2021-05-01-00:00 .. 2021-05-31-23:00 (744)
 *   weekly (Sunday) from 05-01 -> 2021-05-02, 05-09, 05-16, 05-23 (the week of May 30 has not ended)
 */

const NOW = Date.UTC(2021, 5, 1);

function daily(start: string, fields: Partial<TimeWindowPartitions> = {}): TimeWindowPartitions {
  return { type: 'daily', start, end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * *', minuteOffset: 0, hourOffset: 0, ...fields } as TimeWindowPartitions;
}
function hourly(start: string): TimeWindowPartitions {
  return { type: 'hourly', start, end: null, timezone: 'UTC', fmt: '%Y-%m-%d-%H:%M', endOffset: 0, cronSchedule: '0 * * * *', minuteOffset: 0 };
}
function weekly(start: string): TimeWindowPartitions {
  return { type: 'weekly', start, end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * 0', minuteOffset: 0, hourOffset: 0, dayOffset: 0 };
}
const staticDef = (...keys: string[]): SingleDimensionPartitions => ({ type: 'static', keys });
const multiDef = (dims: Record<string, SingleDimensionPartitions>): PartitionsDefinition => ({
  type: 'multi',
  dimensions: Object.entries(dims)
    .map(([name, partitions]) => ({ name, partitions }))
    .sort((a, b) => (a.name < b.name ? -1 : 1)),
});

function space(def: PartitionsDefinition, now = NOW): PartitionSpace {
  const s = createSpace(def, { now });
  assert.notEqual(s.kind, 'unknown');
  return s as PartitionSpace;
}

/** A subset from keys that must all exist. */
function sub(s: PartitionSpace, keys: string[]): PartitionSubset {
  const { subset, unknown } = subsetFromKeys(s, keys);
  assert.deepEqual(unknown, [], 'test keys must exist');
  return subset;
}

/** What a selection holds, as a user would read it. */
function read(selection: Selection): string[] | 'whole' | null {
  if (selection === null) return null;
  if (selection.kind === 'whole') return 'whole';
  return subsetKeys(selection);
}

function days(from: number, to: number, month = 5): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d++) out.push(`2021-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  return out;
}
function hoursOf(date: string): string[] {
  return Array.from({ length: 24 }, (_, h) => `${date}-${String(h).padStart(2, '0')}:00`);
}

const tw = (startOffset = 0, endOffset = 0, allowNonexistentUpstreamPartitions = false): PartitionMapping => ({
  type: 'time_window',
  startOffset,
  endOffset,
  allowNonexistentUpstreamPartitions,
});

const DAILY = daily('2021-05-01');
const HOURLY = hourly('2021-05-01-00:00');
const WEEKLY = weekly('2021-05-01');
const REGIONS = staticDef('eu', 'us');

describe('key spaces', () => {
  test('the evaluation time fixes the partitions', () => {
    assert.equal((space(DAILY) as TimeWindowSpace).count, 31);
    assert.equal((space(HOURLY) as TimeWindowSpace).count, 744);
    assert.deepEqual(subsetKeys(allSubset(space(WEEKLY))), ['2021-05-02', '2021-05-09', '2021-05-16', '2021-05-23']);
  });

  test('static keys keep their written order; duplicates and reserved substrings are refused', () => {
    const s = space(staticDef('c', 'a', 'b')) as KeyListSpace;
    assert.deepEqual(s.keys, ['c', 'a', 'b']);
    assert.equal(s.indexOf('a'), 1);
    assert.throws(() => space(staticDef('a', 'b', 'a')), PartitionsError);
    assert.throws(() => space(staticDef('a...b')), PartitionsError);
    assert.throws(() => space(staticDef('tab\there')), PartitionsError);
  });

  test('multi: dimensions sorted by name, keys joined with |, exactly two dimensions', () => {
    const m = space(multiDef({ region: REGIONS, date: DAILY })) as MultiSpace;
    assert.deepEqual(m.dims.map((d) => d.name), ['date', 'region']);
    assert.equal(m.count, 62);
    assert.equal(m.key(9, 1), '2021-05-10|us');
    assert.deepEqual(m.indexOf('2021-05-10|us'), [9, 1]);
    assert.equal(m.indexOf('us|2021-05-10'), null);
    // Python sorts digits before letters: "123" < "abc".
    const digits = space(multiDef({ abc: staticDef('a'), '123': staticDef('1') })) as MultiSpace;
    assert.equal(digits.key(0, 0), '1|a');
    // Dagster accepts two time dimensions (only partitioned schedules refuse them).
    assert.equal(space(multiDef({ a: DAILY, b: HOURLY })).kind, 'multi');
    assert.throws(() => space(multiDef({ a: staticDef('x|y'), b: REGIONS })), PartitionsError);
    assert.throws(() => space({ type: 'multi', dimensions: [{ name: 'a', partitions: REGIONS }] }), PartitionsError);
  });

  test('dynamic partitions: keys only once a state source supplies them', () => {
    const def: PartitionsDefinition = { type: 'dynamic', name: 'customers' };
    assert.equal(createSpace(def, { now: NOW }).kind, 'unknown');
    const known = createSpace(def, { now: NOW, dynamicKeys: (name) => (name === 'customers' ? ['acme', 'zeta'] : undefined) });
    assert.equal(known.kind, 'keys');
    assert.equal((known as KeyListSpace).count, 2);
    assert.equal(createSpace({ type: 'dynamic', name: null }, { now: NOW, dynamicKeys: () => ['x'] }).kind, 'unknown');
  });
});

describe('subsets', () => {
  const days31 = space(DAILY);
  const letters = space(staticDef('c', 'a', 'b', 'd'));
  const multi = space(multiDef({ date: DAILY, region: REGIONS }));

  test('subsetFromKeys: existing keys form the subset, the rest come back as unknown', () => {
    const { subset, unknown } = subsetFromKeys(days31, ['2021-05-03', '2021-05-01', 'bogus', '2021-05-02', '2021-06-01', '2021-04-30']);
    assert.deepEqual(subsetKeys(subset), ['2021-05-01', '2021-05-02', '2021-05-03']);
    // June 1 has not ended at now; April 30 is before the start.
    assert.deepEqual(unknown, ['bogus', '2021-06-01', '2021-04-30']);
    const m = subsetFromKeys(multi, ['2021-05-02|us', '2021-05-01|eu', '2021-05-01|xx', 'eu|2021-05-01']);
    assert.deepEqual(subsetKeys(m.subset), ['2021-05-01|eu', '2021-05-02|us']);
    assert.deepEqual(m.unknown, ['2021-05-01|xx', 'eu|2021-05-01']);
  });

  test('subsetKeys follows the definition: window order, written key order, dimension 0 first', () => {
    assert.deepEqual(subsetKeys(sub(letters, ['d', 'a', 'c'])), ['c', 'a', 'd']);
    assert.deepEqual(subsetKeys(sub(multi, ['2021-05-02|eu', '2021-05-01|us', '2021-05-01|eu'])), ['2021-05-01|eu', '2021-05-01|us', '2021-05-02|eu']);
    const staticFirst = space(multiDef({ abc: staticDef('b', 'a'), date: DAILY }));
    assert.deepEqual(subsetKeys(sub(staticFirst, ['a|2021-05-02', 'b|2021-05-03', 'a|2021-05-01'])), ['b|2021-05-03', 'a|2021-05-01', 'a|2021-05-02']);
    assert.deepEqual(subsetKeys(allSubset(days31), 3), ['2021-05-01', '2021-05-02', '2021-05-03']);
  });

  test('subsetFromRange is inclusive and follows definition order', () => {
    assert.deepEqual(subsetKeys(subsetFromRange(days31, '2021-05-05', '2021-05-07')), ['2021-05-05', '2021-05-06', '2021-05-07']);
    // 'a'..'d' in written order [c, a, b, d] is a, b, d.
    assert.deepEqual(subsetKeys(subsetFromRange(letters, 'a', 'd')), ['a', 'b', 'd']);
    // A range that ends before it starts is empty, like Dagster's slice.
    assert.deepEqual(subsetKeys(subsetFromRange(days31, '2021-05-07', '2021-05-05')), []);
    assert.throws(() => subsetFromRange(days31, '2021-05-30', '2021-06-01'), InvalidKeyError);
    // Multi: every combination of the per-dimension ranges.
    const box = subsetFromRange(multi, '2021-05-01|eu', '2021-05-03|us');
    assert.equal(subsetSize(box), 6);
    assert.deepEqual(subsetKeys(box), ['2021-05-01|eu', '2021-05-01|us', '2021-05-02|eu', '2021-05-02|us', '2021-05-03|eu', '2021-05-03|us']);
  });

  test('union, intersection, difference, has', () => {
    const a = subsetFromRange(days31, '2021-05-01', '2021-05-10');
    const b = subsetFromRange(days31, '2021-05-08', '2021-05-12');
    assert.deepEqual(subsetKeys(union(a, b)), days(1, 12));
    assert.deepEqual(subsetKeys(intersection(a, b)), days(8, 10));
    assert.deepEqual(subsetKeys(difference(a, b)), days(1, 7));
    assert.equal(subsetHas(a, '2021-05-10'), true);
    assert.equal(subsetHas(a, '2021-05-11'), false);
    assert.equal(subsetHas(a, 'nonsense'), false);
    const x = sub(multi, ['2021-05-01|eu', '2021-05-02|eu', '2021-05-01|us']);
    const y = sub(multi, ['2021-05-02|eu', '2021-05-02|us']);
    assert.deepEqual(subsetKeys(union(x, y)), ['2021-05-01|eu', '2021-05-01|us', '2021-05-02|eu', '2021-05-02|us']);
    assert.deepEqual(subsetKeys(intersection(x, y)), ['2021-05-02|eu']);
    assert.deepEqual(subsetKeys(difference(x, y)), ['2021-05-01|eu', '2021-05-01|us']);
    assert.equal(subsetHas(x, '2021-05-01|us'), true);
    assert.equal(subsetHas(x, '2021-05-02|us'), false);
    assert.equal(subsetSize(emptySubset(multi)), 0);
    assert.throws(() => union(a, x), PartitionsError);
  });

  test('key ranges and run counts: time, static and multi', () => {
    const timeSubset = sub(days31, ['2021-05-01', '2021-05-02', '2021-05-03', '2021-05-10', '2021-05-31']);
    assert.deepEqual(subsetKeyRanges(timeSubset), [
      ['2021-05-01', '2021-05-03'],
      ['2021-05-10', '2021-05-10'],
      ['2021-05-31', '2021-05-31'],
    ]);
    assert.equal(subsetRunCount(timeSubset), 3);
    assert.deepEqual(subsetKeyRanges(allSubset(days31)), [['2021-05-01', '2021-05-31']]);
    // Static runs follow written order: c, a are adjacent there.
    const staticSubset = sub(letters, ['c', 'a', 'd']);
    assert.deepEqual(subsetKeyRanges(staticSubset), [['c', 'a'], ['d', 'd']]);
    assert.equal(subsetRunCount(staticSubset), 2);
    // Multi: one run of dates per region.
    const multiSubset = sub(multi, ['2021-05-01|eu', '2021-05-02|eu', '2021-05-03|eu', '2021-05-01|us', '2021-05-05|us']);
    assert.deepEqual(subsetKeyRanges(multiSubset), [
      ['2021-05-01|eu', '2021-05-03|eu'],
      ['2021-05-01|us', '2021-05-01|us'],
      ['2021-05-05|us', '2021-05-05|us'],
    ]);
    assert.equal(subsetRunCount(multiSubset), 3);
    assert.equal(subsetRunCount(allSubset(multi)), 2);
    // With the static dimension first, the dates are still the ranged dimension: one run per key.
    const staticFirst = space(multiDef({ abc: staticDef('b', 'a'), date: DAILY }));
    const byKey = sub(staticFirst, ['a|2021-05-01', 'a|2021-05-02', 'a|2021-05-03', 'b|2021-05-02']);
    assert.deepEqual(subsetKeyRanges(byKey), [
      ['b|2021-05-02', 'b|2021-05-02'],
      ['a|2021-05-01', 'a|2021-05-03'],
    ]);
    assert.equal(subsetRunCount(byKey), 2);
    assert.equal(subsetSize(allSubset(multi)), 62);
  });
});

describe('TimeWindowPartitionMapping', () => {
  const d = space(DAILY);
  const h = space(HOURLY);
  const w = space(WEEKLY);

  function up(mapping: PartitionMapping, upSide: Side, downSide: Side, keys: string[]): { keys: string[] | 'whole' | null; missing: string[] } {
    const result = upstreamOf(mapping, upSide, downSide, sub(downSide as PartitionSpace, keys));
    return { keys: read(result.selection), missing: result.requiredButNonexistent.keys() };
  }
  function down(mapping: PartitionMapping, upSide: Side, downSide: Side, keys: string[]): string[] | 'whole' | null {
    return read(downstreamOf(mapping, upSide, sub(upSide as PartitionSpace, keys), downSide));
  }

  test('same definition, no offsets: the same partitions', () => {
    assert.deepEqual(up(tw(), d, d, ['2021-05-07', '2021-05-09']), { keys: ['2021-05-07', '2021-05-09'], missing: [] });
    assert.deepEqual(down(tw(), d, d, ['2021-05-31']), ['2021-05-31']);
  });

  test('lag (start_offset=-1, end_offset=-1): each day depends on the day before', () => {
    assert.deepEqual(up(tw(-1, -1), d, d, ['2021-05-10']), { keys: ['2021-05-09'], missing: [] });
    assert.deepEqual(up(tw(-1, -1), d, d, days(5, 7)), { keys: days(4, 6), missing: [] });
    // The first day: the shifted window is clamped to the upstream's own range, so it maps to
    // nothing and nothing is reported missing (Dagster's _offsetted_datetime_with_bounds).
    assert.deepEqual(up(tw(-1, -1), d, d, ['2021-05-01']), { keys: [], missing: [] });
    assert.deepEqual(down(tw(-1, -1), d, d, ['2021-05-09']), ['2021-05-10']);
    assert.deepEqual(down(tw(-1, -1), d, d, ['2021-05-01', '2021-05-02']), ['2021-05-02', '2021-05-03']);
    // The last day feeds June 1, which is not a partition yet.
    assert.deepEqual(down(tw(-1, -1), d, d, ['2021-05-31']), []);
  });

  test('start_offset=-1: each day depends on the previous and the current day', () => {
    assert.deepEqual(up(tw(-1, 0), d, d, ['2021-05-10']), { keys: ['2021-05-09', '2021-05-10'], missing: [] });
    assert.deepEqual(up(tw(-1, 0), d, d, days(5, 7)), { keys: days(4, 7), missing: [] });
    assert.deepEqual(up(tw(-1, 0), d, d, ['2021-05-01']), { keys: ['2021-05-01'], missing: [] });
    // Downstream: a day is needed by itself and the next day.
    assert.deepEqual(down(tw(-1, 0), d, d, ['2021-05-09']), ['2021-05-09', '2021-05-10']);
    assert.deepEqual(down(tw(-1, 0), d, d, ['2021-05-31']), ['2021-05-31']);
  });

  test('daily upstream, hourly downstream: each hour maps to its day', () => {
    assert.deepEqual(up(tw(), d, h, ['2021-05-10-05:00']), { keys: ['2021-05-10'], missing: [] });
    assert.deepEqual(up(tw(), d, h, ['2021-05-10-23:00', '2021-05-11-00:00']), { keys: ['2021-05-10', '2021-05-11'], missing: [] });
    assert.deepEqual(down(tw(), d, h, ['2021-05-10']), hoursOf('2021-05-10'));
  });

  test("daily upstream, hourly downstream: today's hours need a day that does not exist yet", () => {
    // At 05:00 on June 1 the hours 00:00..04:00 exist, the June 1 day does not.
    const now = Date.UTC(2021, 5, 1, 5);
    const dNow = space(DAILY, now);
    const hNow = space(HOURLY, now);
    assert.equal((hNow as TimeWindowSpace).key((hNow as TimeWindowSpace).count - 1), '2021-06-01-04:00');
    assert.deepEqual(up(tw(), dNow, hNow, ['2021-06-01-02:00']), { keys: [], missing: ['2021-06-01'] });
    assert.deepEqual(up(tw(), dNow, hNow, ['2021-05-31-23:00', '2021-06-01-00:00']), { keys: ['2021-05-31'], missing: ['2021-06-01'] });
    assert.deepEqual(up(tw(0, 0, true), dNow, hNow, ['2021-06-01-02:00']), { keys: [], missing: [] });
  });

  test('hourly upstream, daily downstream: a day maps to its 24 hours', () => {
    assert.deepEqual(up(tw(), h, d, ['2021-05-10']), { keys: hoursOf('2021-05-10'), missing: [] });
    const two = upstreamOf(tw(), h, d, sub(d, ['2021-05-10', '2021-05-11'])).selection as PartitionSubset;
    assert.equal(subsetSize(two), 48);
    assert.deepEqual(subsetKeyRanges(two), [['2021-05-10-00:00', '2021-05-11-23:00']]);
    assert.deepEqual(down(tw(), h, d, ['2021-05-10-05:00']), ['2021-05-10']);
    assert.deepEqual(down(tw(), h, d, ['2021-05-10-23:00', '2021-05-11-00:00']), ['2021-05-10', '2021-05-11']);
  });

  test('weekly upstream, daily downstream: a day maps to its week', () => {
    // May 12 (a Wednesday) is in the week starting Sunday May 9.
    assert.deepEqual(up(tw(), w, d, ['2021-05-12']), { keys: ['2021-05-09'], missing: [] });
    assert.deepEqual(up(tw(), w, d, days(8, 10)), { keys: ['2021-05-02', '2021-05-09'], missing: [] });
    // Saturday May 1 is in the week of April 25, before the weekly start.
    assert.deepEqual(up(tw(), w, d, ['2021-05-01']), { keys: [], missing: ['2021-04-25'] });
    // Monday May 31 is in the week of May 30, which has not ended.
    assert.deepEqual(up(tw(), w, d, ['2021-05-31']), { keys: [], missing: ['2021-05-30'] });
    assert.deepEqual(down(tw(), w, d, ['2021-05-09']), days(9, 15));
    assert.deepEqual(down(tw(), w, d, ['2021-05-23']), days(23, 29));
  });

  test('daily upstream, weekly downstream: a week maps to its seven days', () => {
    assert.deepEqual(up(tw(), d, w, ['2021-05-09']), { keys: days(9, 15), missing: [] });
    assert.deepEqual(down(tw(), d, w, ['2021-05-12']), ['2021-05-09']);
    assert.deepEqual(down(tw(), d, w, ['2021-05-15', '2021-05-16']), ['2021-05-09', '2021-05-16']);
    // May 1 belongs to the week of April 25 and May 30 to the week of May 30: neither is a partition.
    assert.deepEqual(down(tw(), d, w, ['2021-05-01']), []);
    assert.deepEqual(down(tw(), d, w, ['2021-05-30']), []);
  });

  test('required but nonexistent: downstream days before the upstream start', () => {
    const late = space(daily('2021-05-10'));
    assert.deepEqual(up(tw(), late, d, days(8, 11)), { keys: ['2021-05-10', '2021-05-11'], missing: ['2021-05-08', '2021-05-09'] });
    assert.deepEqual(up(tw(), late, d, ['2021-05-02']), { keys: [], missing: ['2021-05-02'] });
    // allow_nonexistent_upstream_partitions keeps what exists and reports nothing.
    assert.deepEqual(up(tw(0, 0, true), late, d, days(8, 11)), { keys: ['2021-05-10', '2021-05-11'], missing: [] });
    assert.deepEqual(up(tw(0, 0, true), late, d, ['2021-05-02']), { keys: [], missing: [] });
    // Downstream direction: only the days that exist downstream.
    assert.deepEqual(down(tw(), late, d, ['2021-05-10']), ['2021-05-10']);
    assert.deepEqual(down(tw(), d, late, ['2021-05-05', '2021-05-10']), ['2021-05-10']);
  });

  test('time zones must match', () => {
    const la = daily('2021-05-01', { timezone: 'America/Los_Angeles' });
    assert.throws(() => validateMapping(tw(), la, DAILY), MappingError);
    assert.throws(() => upstreamOf(tw(), d, space(la), sub(space(la), ['2021-05-10'])), MappingError);
    assert.throws(() => validateMapping(tw(), REGIONS, DAILY), MappingError);
  });
});

describe('LatestOverlappingTimeWindowPartitionMapping', () => {
  const d = space(DAILY);
  const h = space(HOURLY);
  const latest: PartitionMapping = { type: 'latest_overlapping_time_window' };

  test('a day reads the upstream partition with its own key, else the one containing its start', () => {
    // No hourly key is a daily key, so each day reads the hour that contains its midnight.
    const result = upstreamOf(latest, h, d, sub(d, ['2021-05-10', '2021-05-12']));
    assert.deepEqual(read(result.selection), ['2021-05-10-00:00', '2021-05-12-00:00']);
    assert.equal(result.requiredButNonexistent.count, 0);
    // Same keys on both sides: each day reads its own day.
    const weeklyDays = space(DAILY);
    assert.deepEqual(read(upstreamOf(latest, weeklyDays, d, sub(d, ['2021-05-11'])).selection), ['2021-05-11']);
  });

  test('downstream: the partitions whose window starts inside a selected upstream partition', () => {
    assert.deepEqual(read(downstreamOf(latest, h, sub(h, ['2021-05-10-00:00']), d)), ['2021-05-10']);
    assert.deepEqual(read(downstreamOf(latest, h, sub(h, ['2021-05-10-05:00', '2021-05-10-23:00']), d)), []);
    assert.equal((read(downstreamOf(latest, d, sub(d, ['2021-05-10']), h)) as string[]).length, 24);
  });

  test('a day with no upstream partition at its start is reported by its own key', () => {
    // The hourly upstream starts May 10: May 2 has nothing to read; Dagster names the downstream key.
    const late = space(hourly('2021-05-10-00:00'));
    const before = upstreamOf(latest, late, d, sub(d, ['2021-05-02']));
    assert.deepEqual(read(before.selection), []);
    assert.deepEqual(before.requiredButNonexistent.keys(), ['2021-05-02']);
    const after = upstreamOf(latest, late, d, sub(d, ['2021-05-10']));
    assert.deepEqual(read(after.selection), ['2021-05-10-00:00']);
    assert.equal(after.requiredButNonexistent.count, 0);
  });
});

describe('All, Last, Specific, Static, Identity', () => {
  const d = space(DAILY);
  const letters = space(staticDef('a', 'b', 'c'));

  test('All: every upstream partition, or the unpartitioned asset', () => {
    assert.deepEqual(read(upstreamOf({ type: 'all' }, letters, d, sub(d, ['2021-05-10'])).selection), ['a', 'b', 'c']);
    assert.equal(read(upstreamOf({ type: 'all' }, null, d, sub(d, ['2021-05-10'])).selection), 'whole');
    assert.equal(subsetSize(upstreamOf({ type: 'all' }, d, null, { kind: 'whole' }).selection as PartitionSubset), 31);
    assert.deepEqual(read(downstreamOf({ type: 'all' }, d, sub(d, ['2021-05-10']), letters)), ['a', 'b', 'c']);
    assert.equal(read(downstreamOf({ type: 'all' }, d, sub(d, ['2021-05-10']), null)), 'whole');
    assert.equal(read(downstreamOf({ type: 'all' }, null, { kind: 'whole' }, null)), 'whole');
  });

  test('Last: only the last upstream partition has dependents', () => {
    assert.deepEqual(read(upstreamOf({ type: 'last' }, d, letters, sub(letters, ['a'])).selection), ['2021-05-31']);
    assert.deepEqual(read(upstreamOf({ type: 'last' }, d, null, { kind: 'whole' }).selection), ['2021-05-31']);
    // Hit: the selection contains May 31.
    assert.deepEqual(read(downstreamOf({ type: 'last' }, d, sub(d, ['2021-05-30', '2021-05-31']), letters)), ['a', 'b', 'c']);
    assert.equal(read(downstreamOf({ type: 'last' }, d, sub(d, ['2021-05-31']), null)), 'whole');
    // Miss: any other day has no dependents.
    assert.deepEqual(read(downstreamOf({ type: 'last' }, d, sub(d, ['2021-05-30']), letters)), []);
    assert.equal(read(downstreamOf({ type: 'last' }, d, sub(d, ['2021-05-01']), null)), null);
  });

  test('Specific: always the named upstream keys; downstream only when one of them is selected', () => {
    const specific: PartitionMapping = { type: 'specific', keys: ['b', 'c'] };
    assert.deepEqual(read(upstreamOf(specific, letters, d, sub(d, ['2021-05-10'])).selection), ['b', 'c']);
    assert.deepEqual(read(downstreamOf(specific, letters, sub(letters, ['a', 'c']), d))?.length, 31);
    assert.deepEqual(read(downstreamOf(specific, letters, sub(letters, ['a']), d)), []);
  });

  test('Static: an explicit map, one-to-many and many-to-one', () => {
    const up = space(staticDef('p1', 'p2', 'p3', 'r1'));
    const dn = space(staticDef('p', 'r', 's'));
    const map: PartitionMapping = { type: 'static', downstreamByUpstream: { p1: ['p'], p2: ['p'], r1: ['r'] } };
    assert.deepEqual(read(upstreamOf(map, up, dn, sub(dn, ['p'])).selection), ['p1', 'p2']);
    assert.deepEqual(read(upstreamOf(map, up, dn, sub(dn, ['s'])).selection), []);
    assert.deepEqual(read(downstreamOf(map, up, sub(up, ['p1', 'r1']), dn)), ['p', 'r']);
    assert.deepEqual(read(downstreamOf(map, up, sub(up, ['p3']), dn)), []);
    const fanOut: PartitionMapping = { type: 'static', downstreamByUpstream: { p1: ['p', 's'] } };
    assert.deepEqual(read(downstreamOf(fanOut, up, sub(up, ['p1']), dn)), ['p', 's']);
    // Keys that are not in the definitions are an error on use.
    const bad: PartitionMapping = { type: 'static', downstreamByUpstream: { p1: ['OTHER'] } };
    assert.throws(() => downstreamOf(bad, up, sub(up, ['p1']), dn), MappingError);
    assert.throws(() => validateMapping(map, DAILY, staticDef('p')), MappingError);
  });

  test('Identity between different static definitions: shared keys; the others are required but nonexistent', () => {
    const up = space(staticDef('a', 'b', 'c'));
    const dn = space(staticDef('b', 'c', 'd'));
    const result = upstreamOf({ type: 'identity' }, up, dn, sub(dn, ['b', 'd']));
    assert.deepEqual(read(result.selection), ['b']);
    assert.deepEqual(result.requiredButNonexistent.keys(), ['d']);
    assert.deepEqual(read(downstreamOf({ type: 'identity' }, up, sub(up, ['a', 'b', 'c']), dn)), ['b', 'c']);
    // Key order comes from the target definition.
    const reversed = space(staticDef('c', 'b', 'a'));
    assert.deepEqual(read(downstreamOf({ type: 'identity' }, up, sub(up, ['a', 'c']), reversed)), ['c', 'a']);
  });

  test('Identity between daily definitions with different starts matches keys', () => {
    const late = space(daily('2021-05-10'));
    const result = upstreamOf({ type: 'identity' }, late, d, sub(d, ['2021-05-05', '2021-05-12']));
    assert.deepEqual(read(result.selection), ['2021-05-12']);
    assert.deepEqual(result.requiredButNonexistent.keys(), ['2021-05-05']);
  });

  test('Identity between definitions of different classes is refused', () => {
    assert.throws(() => validateMapping({ type: 'identity' }, staticDef('a'), DAILY), MappingError);
    assert.doesNotThrow(() => validateMapping({ type: 'identity' }, staticDef('a'), staticDef('b')));
  });
});

describe('multi-dimensional mappings', () => {
  const d = space(DAILY);
  const h = space(HOURLY);
  const regions = space(REGIONS);
  const dateRegion = space(multiDef({ date: DAILY, region: REGIONS }));
  const m2s: PartitionMapping = { type: 'multi_to_single', partitionDimensionName: null };

  test('MultiToSingle, single upstream: a (date, region) partition depends on its date', () => {
    const result = upstreamOf(m2s, d, dateRegion, sub(dateRegion, ['2021-05-10|eu', '2021-05-10|us', '2021-05-11|eu']));
    assert.deepEqual(read(result.selection), ['2021-05-10', '2021-05-11']);
    assert.deepEqual(read(downstreamOf(m2s, d, sub(d, ['2021-05-10']), dateRegion)), ['2021-05-10|eu', '2021-05-10|us']);
  });

  test('MultiToSingle, multi upstream: a region depends on that region on every date', () => {
    const result = upstreamOf(m2s, dateRegion, regions, sub(regions, ['eu']));
    const keys = read(result.selection) as string[];
    assert.equal(keys.length, 31);
    assert.equal(keys[0], '2021-05-01|eu');
    assert.equal(keys[30], '2021-05-31|eu');
    assert.ok(keys.every((k) => k.endsWith('|eu')));
    assert.deepEqual(read(downstreamOf(m2s, dateRegion, sub(dateRegion, ['2021-05-10|us', '2021-05-11|us']), regions)), ['us']);
  });

  test('MultiToSingle with a time single side that differs from the time dimension maps by windows', () => {
    // Hourly downstream, multi upstream with a daily date dimension: each hour -> its day, every region.
    const result = upstreamOf(m2s, dateRegion, h, sub(h, ['2021-05-10-05:00']));
    assert.deepEqual(read(result.selection), ['2021-05-10|eu', '2021-05-10|us']);
    assert.deepEqual(read(downstreamOf(m2s, dateRegion, sub(dateRegion, ['2021-05-10|eu']), h)), hoursOf('2021-05-10'));
  });

  test('MultiToSingle: two matching dimensions are ambiguous, named or not', () => {
    // Current Dagster does not pass `partition_dimension_name` to its inference, so naming a
    // dimension does not settle the ambiguity.
    const twoStatic = space(multiDef({ a: REGIONS, b: REGIONS }));
    assert.throws(() => upstreamOf(m2s, twoStatic, regions, sub(regions, ['eu'])), /partition dimension name must be specified/);
    const named: PartitionMapping = { type: 'multi_to_single', partitionDimensionName: 'b' };
    assert.throws(() => upstreamOf(named, twoStatic, regions, sub(regions, ['eu'])), MappingError);
  });

  test('Multi: per-dimension mappings, lag on the dates and identity on the regions', () => {
    const mapping: PartitionMapping = {
      type: 'multi',
      dimensions: {
        date: { dimensionName: 'date', mapping: tw(-1, -1) },
        region: { dimensionName: 'region', mapping: { type: 'identity' } },
      },
    };
    assert.deepEqual(read(upstreamOf(mapping, dateRegion, dateRegion, sub(dateRegion, ['2021-05-10|eu'])).selection), ['2021-05-09|eu']);
    assert.deepEqual(read(downstreamOf(mapping, dateRegion, sub(dateRegion, ['2021-05-09|us', '2021-05-20|eu']), dateRegion)), ['2021-05-10|us', '2021-05-21|eu']);
  });

  test('Multi: a dimension the mapping does not name maps with All', () => {
    const mapping: PartitionMapping = { type: 'multi', dimensions: { date: { dimensionName: 'date', mapping: { type: 'identity' } } } };
    assert.deepEqual(read(upstreamOf(mapping, dateRegion, dateRegion, sub(dateRegion, ['2021-05-10|eu'])).selection), ['2021-05-10|eu', '2021-05-10|us']);
  });

  test('Multi: dimensions with different names and a time-window mapping between week and day', () => {
    const weekRegion = space(multiDef({ week: WEEKLY, region: REGIONS }));
    const dayRegion = space(multiDef({ day: DAILY, region: REGIONS }));
    const mapping: PartitionMapping = {
      type: 'multi',
      dimensions: {
        week: { dimensionName: 'day', mapping: tw() },
        region: { dimensionName: 'region', mapping: { type: 'identity' } },
      },
    };
    // Upstream keys are region|week (sorted dims), downstream keys day|region.
    const result = upstreamOf(mapping, weekRegion, dayRegion, sub(dayRegion, ['2021-05-12|eu']));
    assert.deepEqual(read(result.selection), ['eu|2021-05-09']);
    const weekOfMay1 = upstreamOf(mapping, weekRegion, dayRegion, sub(dayRegion, ['2021-05-01|us']));
    assert.deepEqual(read(weekOfMay1.selection), []);
    assert.deepEqual(weekOfMay1.requiredButNonexistent.keys(), ['2021-04-25']);
    const downstream = read(downstreamOf(mapping, weekRegion, sub(weekRegion, ['us|2021-05-16']), dayRegion));
    assert.deepEqual(downstream, days(16, 22).map((day) => `${day}|us`));
    const bad: PartitionMapping = { type: 'multi', dimensions: { nope: { dimensionName: 'day', mapping: tw() } } };
    assert.throws(() => upstreamOf(bad, weekRegion, dayRegion, sub(dayRegion, ['2021-05-12|eu'])), MappingError);
  });
});

describe('mapping details from Dagster\'s source', () => {
  const d = space(DAILY);

  test('MultiPartitionMapping: a downstream dimension used twice is refused', () => {
    const twoStatic = space(multiDef({ x: REGIONS, y: REGIONS }));
    const target = space(multiDef({ p: REGIONS, q: REGIONS }));
    const mapping: PartitionMapping = {
      type: 'multi',
      dimensions: { x: { dimensionName: 'p', mapping: { type: 'identity' } }, y: { dimensionName: 'p', mapping: { type: 'identity' } } },
    };
    assert.throws(() => downstreamOf(mapping, twoStatic, sub(twoStatic, ['eu|eu']), target), /downstream dimension name that is not in the downstream partitions def/);
  });

  test('SpecificPartitions: a time key off the grid names the window starting after it', () => {
    const weekly = space(WEEKLY);
    const specific: PartitionMapping = { type: 'specific', keys: ['2021-05-05'] };
    const up = upstreamOf(specific, weekly, d, sub(d, ['2021-05-20']));
    assert.deepEqual(read(up.selection), ['2021-05-09']);
    assert.equal(up.requiredButNonexistent.count, 0);
    assert.deepEqual(read(downstreamOf(specific, weekly, sub(weekly, ['2021-05-09']), d)), read(allSubset(d)));
  });

  test('a daily asset before a monthly upstream starts requires no month that starts later', () => {
    const monthlyLate = space({ type: 'monthly', start: '2021-06-01', end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 1 * *', minuteOffset: 0, hourOffset: 0, dayOffset: 1 }, Date.UTC(2021, 7, 1));
    const result = upstreamOf(tw(), monthlyLate, d, sub(d, ['2021-05-15']));
    assert.deepEqual(read(result.selection), []);
    assert.deepEqual(result.requiredButNonexistent.keys(), []);
  });

  test('identity between multi definitions that differ only in start maps dimension by dimension', () => {
    const early = space(multiDef({ date: DAILY, region: REGIONS }));
    const late = space(multiDef({ date: daily('2021-05-10'), region: REGIONS }));
    const identity: PartitionMapping = { type: 'identity' };
    const result = upstreamOf(identity, late, early, sub(early, ['2021-05-05|eu', '2021-05-12|us']));
    assert.deepEqual(read(result.selection), ['2021-05-12|us']);
    assert.deepEqual(result.requiredButNonexistent.keys(), ['2021-05-05|eu']);
  });

  test('multi key ranges group by the dimension with fewer values', () => {
    const dateRegion = space(multiDef({ date: DAILY, region: REGIONS }));
    assert.deepEqual(subsetKeyRanges(sub(dateRegion, ['2021-05-10|eu', '2021-05-10|us'])), [['2021-05-10|eu', '2021-05-10|us']]);
    assert.deepEqual(subsetKeyRanges(sub(dateRegion, ['2021-05-10|eu', '2021-05-11|eu', '2021-05-12|eu'])), [['2021-05-10|eu', '2021-05-12|eu']]);
  });

  test('dynamic keys holding | are left out of a multi definition', () => {
    const def: PartitionsDefinition = { type: 'multi', dimensions: [{ name: 'a', partitions: { type: 'dynamic', name: 'ships' } }, { name: 'b', partitions: REGIONS }] };
    const multi = createSpace(def, { now: NOW, dynamicKeys: () => ['ok', 'bad|key'] });
    assert.equal(multi.kind, 'multi');
    assert.equal((multi as MultiSpace).count, 1 * 2);
  });
});
