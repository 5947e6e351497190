import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TimeWindowPartitions } from '../../../src/core/model/partitions';
import { PartitionsError } from '../../../src/core/partitions/errors';
import { TimeWindowSpace } from '../../../src/core/partitions/timeWindows';

/**
 * Time-window partitions definitions against Dagster's rules (dagster-semantics.md §3 and
 * `time_window.py` / `_utils/schedules.py`). Every expected value is worked out by hand in the
 * comment next to it; `now` is always explicit.
 */

const hour = 3_600_000;
const day = 24 * hour;
/** UTC milliseconds from calendar fields (month 1-12). */
const utc = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

type Def<T extends TimeWindowPartitions['type']> = Extract<TimeWindowPartitions, { type: T }>;

function hourly(start: string, fields: Partial<Def<'hourly'>> = {}): Def<'hourly'> {
  const minuteOffset = fields.minuteOffset ?? 0;
  return {
    type: 'hourly',
    start,
    end: null,
    timezone: 'UTC',
    fmt: '%Y-%m-%d-%H:%M',
    endOffset: 0,
    cronSchedule: `${minuteOffset} * * * *`,
    minuteOffset,
    ...fields,
  };
}

function daily(start: string, fields: Partial<Def<'daily'>> = {}): Def<'daily'> {
  const minuteOffset = fields.minuteOffset ?? 0;
  const hourOffset = fields.hourOffset ?? 0;
  return {
    type: 'daily',
    start,
    end: null,
    timezone: 'UTC',
    fmt: '%Y-%m-%d',
    endOffset: 0,
    cronSchedule: `${minuteOffset} ${hourOffset} * * *`,
    minuteOffset,
    hourOffset,
    ...fields,
  };
}

function weekly(start: string, dayOffset: number, fields: Partial<Def<'weekly'>> = {}): Def<'weekly'> {
  return {
    type: 'weekly',
    start,
    end: null,
    timezone: 'UTC',
    fmt: '%Y-%m-%d',
    endOffset: 0,
    cronSchedule: `0 0 * * ${dayOffset}`,
    minuteOffset: 0,
    hourOffset: 0,
    dayOffset,
    ...fields,
  };
}

function monthly(start: string, dayOffset: number, fields: Partial<Def<'monthly'>> = {}): Def<'monthly'> {
  return {
    type: 'monthly',
    start,
    end: null,
    timezone: 'UTC',
    fmt: '%Y-%m-%d',
    endOffset: 0,
    cronSchedule: `0 0 ${dayOffset} * *`,
    minuteOffset: 0,
    hourOffset: 0,
    dayOffset,
    ...fields,
  };
}

function cronDef(start: string, cronSchedule: string, fmt: string, fields: Partial<Def<'time_window'>> = {}): Def<'time_window'> {
  return { type: 'time_window', start, end: null, timezone: 'UTC', fmt, endOffset: 0, cronSchedule, ...fields };
}

function keys(space: TimeWindowSpace): string[] {
  return Array.from({ length: space.count }, (_, i) => space.key(i));
}

/** Window lengths in hours of partitions `from .. to - 1`. */
function lengths(space: TimeWindowSpace, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push((space.end(i) - space.start(i)) / hour);
  return out;
}

/** Every key maps back to its own index through all three lookups. */
function assertRoundTrip(space: TimeWindowSpace): void {
  for (let i = 0; i < space.count; i++) {
    const key = space.key(i);
    assert.equal(space.indexOf(key), i, `indexOf(${key})`);
    assert.equal(space.windowIndexOf(key), i, `windowIndexOf(${key})`);
    assert.equal(space.indexForKey(key), i, `indexForKey(${key})`);
  }
}

describe('DST in America/Los_Angeles', () => {
  const LA = 'America/Los_Angeles';

  test('hourly, spring forward: the missing 02:00 hour is skipped and no window is longer than an hour', () => {
    // 2021-03-14: 02:00 PST (10:00Z) becomes 03:00 PDT. Hourly crons skip the hour that does not
    // exist, so after 01:00 PST (09:00Z) comes 03:00 PDT (10:00Z). `now` = 06:00 PDT = 13:00Z:
    // windows that ended by then start at 00, 01, 03, 04 and 05.
    const space = new TimeWindowSpace(hourly('2021-03-14-00:00', { timezone: LA }), utc(2021, 3, 14, 13));
    assert.deepEqual(keys(space), ['2021-03-14-00:00', '2021-03-14-01:00', '2021-03-14-03:00', '2021-03-14-04:00', '2021-03-14-05:00']);
    assert.equal(space.start(0), utc(2021, 3, 14, 8));
    assert.deepEqual(space.window(1), { start: utc(2021, 3, 14, 9), end: utc(2021, 3, 14, 10) });
    assert.deepEqual(lengths(space, 0, space.count), [1, 1, 1, 1, 1]);
    assertRoundTrip(space);
    // "02:00" is read as Python reads a non-existent time (fold=0, the offset before the gap):
    // 02:00 PST = 10:00Z, which is the 03:00 window; but no partition has the key "02:00".
    assert.equal(space.indexForKey('2021-03-14-02:00'), 2);
    assert.equal(space.windowIndexOf('2021-03-14-02:00'), null);
    assert.equal(space.indexOf('2021-03-14-02:00'), null);
  });

  test('hourly, fall back: 01:00 happens twice and the second one carries -0800', () => {
    // 2021-11-07: 02:00 PDT (09:00Z) becomes 01:00 PST. 01:00 PDT = 08:00Z, 01:00 PST = 09:00Z.
    // `now` = 04:00 PST = 12:00Z; the start 22:00 PDT on Nov 6 = 05:00Z gives 7 whole hours.
    const space = new TimeWindowSpace(hourly('2021-11-06-22:00', { timezone: LA }), utc(2021, 11, 7, 12));
    assert.deepEqual(keys(space), [
      '2021-11-06-22:00',
      '2021-11-06-23:00',
      '2021-11-07-00:00',
      '2021-11-07-01:00',
      '2021-11-07-01:00-0800',
      '2021-11-07-02:00',
      '2021-11-07-03:00',
    ]);
    assert.deepEqual(space.window(3), { start: utc(2021, 11, 7, 8), end: utc(2021, 11, 7, 9) });
    assert.deepEqual(space.window(4), { start: utc(2021, 11, 7, 9), end: utc(2021, 11, 7, 10) });
    assertRoundTrip(space);
    // "-0700" would name the first 01:00, but that key is written without a suffix.
    assert.equal(space.windowIndexOf('2021-11-07-01:00-0700'), null);
  });

  test('hourly: 23 partitions on the spring-forward day, 25 on the fall-back day', () => {
    // From 00:00 on one day to 00:00 the next: 24 wall hours minus the skipped one, or plus the repeated one.
    const spring = new TimeWindowSpace(hourly('2021-03-14-00:00', { timezone: LA }), utc(2021, 3, 15, 7));
    assert.equal(spring.count, 23);
    assert.equal(spring.key(22), '2021-03-14-23:00');
    const fall = new TimeWindowSpace(hourly('2021-11-07-00:00', { timezone: LA }), utc(2021, 11, 8, 8));
    assert.equal(fall.count, 25);
    assert.equal(fall.key(24), '2021-11-07-23:00');
    assert.equal(fall.indexOf('2021-11-07-02:00'), 3);
  });

  test('daily: the spring-forward day is 23 hours long, the fall-back day 25', () => {
    // Midnight exists on both days, so keys are plain dates; the windows follow local midnight.
    const space = new TimeWindowSpace(daily('2021-03-13', { timezone: LA }), utc(2021, 11, 9, 8));
    const spring = space.indexOf('2021-03-14') as number;
    const fall = space.indexOf('2021-11-07') as number;
    assert.equal(spring, 1);
    // Mar 14 + 238 days = Nov 7.
    assert.equal(fall, 239);
    assert.deepEqual(lengths(space, 0, 3), [24, 23, 24]);
    assert.deepEqual(lengths(space, fall - 1, fall + 2), [24, 25, 24]);
    // 00:00 PST on Mar 14 = 08:00Z; 00:00 PDT on Mar 15 = 07:00Z.
    assert.deepEqual(space.window(spring), { start: utc(2021, 3, 14, 8), end: utc(2021, 3, 15, 7) });
    assert.deepEqual(space.window(fall), { start: utc(2021, 11, 7, 7), end: utc(2021, 11, 8, 8) });
    // now = Nov 9 00:00 PST: the Nov 8 window just ended, Nov 9 has not.
    assert.equal(space.key(space.count - 1), '2021-11-08');
    assertRoundTrip(space);
  });

  test('daily at 02:30 fires at 03:00 on the spring-forward day', () => {
    // 02:30 does not exist on 2021-03-14; non-hourly crons move to the end of the gap: 03:00 PDT = 10:00Z.
    // Mar 13 02:30 PST = 10:30Z, Mar 15 02:30 PDT = 09:30Z: both neighbouring windows are 23.5 hours.
    const space = new TimeWindowSpace(daily('2021-03-12', { timezone: LA, hourOffset: 2, minuteOffset: 30 }), utc(2021, 3, 17));
    assert.deepEqual(keys(space), ['2021-03-12', '2021-03-13', '2021-03-14', '2021-03-15']);
    assert.equal(space.start(2), utc(2021, 3, 14, 10));
    assert.deepEqual(lengths(space, 0, 4), [24, 23.5, 23.5, 24]);
    assertRoundTrip(space);
  });

  test('daily at 02:00 (hour_offset=2): the spring-forward window starts at 03:00 and lasts 23 hours', () => {
    // Mar 13 02:00 PST = 10:00Z; Mar 14 02:00 -> 03:00 PDT = 10:00Z; Mar 15 02:00 PDT = 09:00Z.
    const space = new TimeWindowSpace(daily('2021-03-13', { timezone: LA, hourOffset: 2 }), utc(2021, 3, 16));
    assert.deepEqual(keys(space), ['2021-03-13', '2021-03-14']);
    assert.deepEqual(space.window(0), { start: utc(2021, 3, 13, 10), end: utc(2021, 3, 14, 10) });
    assert.deepEqual(space.window(1), { start: utc(2021, 3, 14, 10), end: utc(2021, 3, 15, 9) });
  });

  test('daily at 01:30 fires once on the fall-back day, at the later 01:30', () => {
    // 01:30 happens at 08:30Z (PDT) and 09:30Z (PST); non-hourly crons keep only the later one.
    // Nov 6 01:30 PDT = 08:30Z -> Nov 7 09:30Z is 25 hours; Nov 7 -> Nov 8 01:30 PST = 09:30Z is 24.
    const space = new TimeWindowSpace(daily('2021-11-06', { timezone: LA, hourOffset: 1, minuteOffset: 30 }), utc(2021, 11, 9));
    assert.deepEqual(keys(space), ['2021-11-06', '2021-11-07']);
    assert.deepEqual(space.window(0), { start: utc(2021, 11, 6, 8, 30), end: utc(2021, 11, 7, 9, 30) });
    assert.deepEqual(lengths(space, 0, 2), [25, 24]);
    assertRoundTrip(space);
  });

  test('every 30 minutes: both 01:00 and 01:30 repeat, the second ones with -0800', () => {
    // `*/30 * * * *` repeats every hour, so it keeps both occurrences of 01:00 and 01:30.
    const space = new TimeWindowSpace(cronDef('2021-11-07-00:30', '*/30 * * * *', '%Y-%m-%d-%H:%M', { timezone: LA }), utc(2021, 11, 7, 10, 30));
    // 00:30 PDT = 07:30Z ... 02:00 PST = 10:00Z is the last start whose window ended by 10:30Z.
    assert.deepEqual(keys(space), [
      '2021-11-07-00:30',
      '2021-11-07-01:00',
      '2021-11-07-01:30',
      '2021-11-07-01:00-0800',
      '2021-11-07-01:30-0800',
      '2021-11-07-02:00',
    ]);
    assert.equal(space.start(3), utc(2021, 11, 7, 9));
    assertRoundTrip(space);
  });
});

describe('DST in Europe/Berlin', () => {
  const BER = 'Europe/Berlin';

  test('hourly, spring forward: 02:00 is skipped', () => {
    // 2021-03-28 01:00Z: 02:00 CET becomes 03:00 CEST. 01:00 CET = 00:00Z, 03:00 CEST = 01:00Z.
    const space = new TimeWindowSpace(hourly('2021-03-28-00:00', { timezone: BER }), utc(2021, 3, 28, 3));
    assert.deepEqual(keys(space), ['2021-03-28-00:00', '2021-03-28-01:00', '2021-03-28-03:00', '2021-03-28-04:00']);
    assert.equal(space.start(2), utc(2021, 3, 28, 1));
    assertRoundTrip(space);
  });

  test('hourly, fall back: the second 02:00 carries +0100', () => {
    // 2021-10-31 01:00Z: 03:00 CEST becomes 02:00 CET. 02:00 CEST = 00:00Z, 02:00 CET = 01:00Z.
    const space = new TimeWindowSpace(hourly('2021-10-31-01:00', { timezone: BER }), utc(2021, 10, 31, 3));
    assert.deepEqual(keys(space), ['2021-10-31-01:00', '2021-10-31-02:00', '2021-10-31-02:00+0100', '2021-10-31-03:00']);
    assert.deepEqual(space.window(2), { start: utc(2021, 10, 31, 1), end: utc(2021, 10, 31, 2) });
    assertRoundTrip(space);
  });

  test('hourly with %z in fmt: every key carries its own offset and nothing more is appended', () => {
    const space = new TimeWindowSpace(hourly('2021-10-31-01:00+0200', { timezone: BER, fmt: '%Y-%m-%d-%H:%M%z' }), utc(2021, 10, 31, 2));
    assert.deepEqual(keys(space), ['2021-10-31-01:00+0200', '2021-10-31-02:00+0200', '2021-10-31-02:00+0100']);
    assertRoundTrip(space);
  });

  test('daily at 02:00: the spring-forward day fires at 03:00, the fall-back day at the later 02:00', () => {
    // Mar 27 02:00 CET = 01:00Z; Mar 28 02:00 -> 03:00 CEST = 01:00Z (a 24-hour window before it);
    // Mar 29 02:00 CEST = 00:00Z (a 23-hour window).
    const spring = new TimeWindowSpace(daily('2021-03-27', { timezone: BER, hourOffset: 2 }), utc(2021, 3, 29, 12));
    assert.deepEqual(keys(spring), ['2021-03-27', '2021-03-28']);
    assert.deepEqual(spring.window(1), { start: utc(2021, 3, 28, 1), end: utc(2021, 3, 29, 0) });
    assert.deepEqual(lengths(spring, 0, 2), [24, 23]);
    // Oct 30 02:00 CEST = 00:00Z; Oct 31 02:00 is ambiguous -> the later, 02:00 CET = 01:00Z;
    // Nov 1 02:00 CET = 01:00Z.
    const fall = new TimeWindowSpace(daily('2021-10-30', { timezone: BER, hourOffset: 2 }), utc(2021, 11, 2));
    assert.deepEqual(keys(fall), ['2021-10-30', '2021-10-31']);
    assert.deepEqual(fall.window(1), { start: utc(2021, 10, 31, 1), end: utc(2021, 11, 1, 1) });
    assert.deepEqual(lengths(fall, 0, 2), [25, 24]);
    assertRoundTrip(fall);
  });

  test('daily at midnight: 23- and 25-hour days, keys are plain dates', () => {
    const space = new TimeWindowSpace(daily('2021-03-27', { timezone: BER }), utc(2021, 11, 2));
    const spring = space.indexOf('2021-03-28') as number;
    const fall = space.indexOf('2021-10-31') as number;
    assert.equal(spring, 1);
    // Mar 28 + 217 days = Oct 31.
    assert.equal(fall, 218);
    assert.equal(space.window(spring).end - space.window(spring).start, 23 * hour);
    assert.equal(space.window(fall).end - space.window(fall).start, 25 * hour);
    // Oct 31 00:00 CEST = Oct 30 22:00Z.
    assert.equal(space.start(fall), utc(2021, 10, 30, 22));
  });
});

describe('DST in Australia/Sydney (southern hemisphere)', () => {
  const SYD = 'Australia/Sydney';

  test('hourly: clocks go back in April (second 02:00 is +1000) and forward in October', () => {
    // 2021-04-04 03:00 AEDT (16:00Z Apr 3) becomes 02:00 AEST. 02:00 AEDT = 15:00Z, 02:00 AEST = 16:00Z.
    const april = new TimeWindowSpace(hourly('2021-04-04-01:00', { timezone: SYD }), utc(2021, 4, 3, 18));
    assert.deepEqual(keys(april), ['2021-04-04-01:00', '2021-04-04-02:00', '2021-04-04-02:00+1000', '2021-04-04-03:00']);
    assert.equal(april.start(2), utc(2021, 4, 3, 16));
    assertRoundTrip(april);
    // 2021-10-03 02:00 AEST (16:00Z Oct 2) becomes 03:00 AEDT. 01:00 AEST = 15:00Z.
    const october = new TimeWindowSpace(hourly('2021-10-03-00:00', { timezone: SYD }), utc(2021, 10, 2, 18));
    assert.deepEqual(keys(october), ['2021-10-03-00:00', '2021-10-03-01:00', '2021-10-03-03:00', '2021-10-03-04:00']);
    assert.equal(october.start(2), utc(2021, 10, 2, 16));
  });

  test('daily at 02:30: 03:00 on the October gap day, the later 02:30 in April', () => {
    // Oct 2 02:30 AEST = Oct 1 16:30Z; Oct 3 02:30 -> 03:00 AEDT = Oct 2 16:00Z; Oct 4 02:30 AEDT = Oct 3 15:30Z.
    const october = new TimeWindowSpace(daily('2021-10-02', { timezone: SYD, hourOffset: 2, minuteOffset: 30 }), utc(2021, 10, 4));
    assert.deepEqual(keys(october), ['2021-10-02', '2021-10-03']);
    assert.deepEqual(october.window(1), { start: utc(2021, 10, 2, 16), end: utc(2021, 10, 3, 15, 30) });
    assert.deepEqual(lengths(october, 0, 2), [23.5, 23.5]);
    // Apr 3 02:30 AEDT = Apr 2 15:30Z; Apr 4 02:30 twice -> the later, AEST = Apr 3 16:30Z (25 hours).
    const april = new TimeWindowSpace(daily('2021-04-03', { timezone: SYD, hourOffset: 2, minuteOffset: 30 }), utc(2021, 4, 6));
    assert.deepEqual(april.window(0), { start: utc(2021, 4, 2, 15, 30), end: utc(2021, 4, 3, 16, 30) });
    assert.deepEqual(lengths(april, 0, 2), [25, 24]);
  });
});

describe('DST changes outside 01:00-03:59 local time', () => {
  // Dagster's fast paths for hourly/daily/weekly/monthly crons (`_utils/schedules.py`) only move a
  // non-existent time to the end of the gap and only pick the later of two ambiguous times when the
  // hour is in DAYLIGHT_SAVINGS_HOURS = {1, 2, 3} (`apply_post_transition`, `_apply_fold`). Other
  // hours keep Python's fold=0 reading: the earlier occurrence, or the wall time read with the
  // offset from before the gap.

  test(
    'Atlantic/Azores daily at midnight: the repeated 00:00 on 2021-10-31 is the earlier one',
    () => {
      // 2021-10-31 01:00Z: 01:00 (+00:00) becomes 00:00 (-01:00), so 00:00 happens at 00:00Z and 01:00Z.
      // Dagster keeps fold=0 for hour 0: the Oct 31 window starts at 00:00Z and lasts 25 hours.
      const space = new TimeWindowSpace(daily('2021-10-29', { timezone: 'Atlantic/Azores' }), utc(2021, 11, 2));
      assert.deepEqual(keys(space), ['2021-10-29', '2021-10-30', '2021-10-31']);
      assert.deepEqual(space.window(1), { start: utc(2021, 10, 30), end: utc(2021, 10, 31) });
      assert.deepEqual(space.window(2), { start: utc(2021, 10, 31), end: utc(2021, 11, 1, 1) });
    },
  );

  test(
    'America/Santiago daily at 00:30: the missing 00:30 on 2021-09-05 is read with the old offset (01:30), not moved to 01:00',
    () => {
      // 2021-09-05 04:00Z: 00:00 (-04:00) becomes 01:00 (-03:00). 00:30 read at -04:00 is 04:30Z.
      const space = new TimeWindowSpace(daily('2021-09-03', { timezone: 'America/Santiago', minuteOffset: 30 }), utc(2021, 9, 7));
      assert.deepEqual(keys(space), ['2021-09-03', '2021-09-04', '2021-09-05']);
      assert.equal(space.start(2), utc(2021, 9, 5, 4, 30));
      assert.deepEqual(lengths(space, 0, 3), [24, 24, 23]);
    },
  );

  test('Atlantic/Azores hourly: the repeated midnight hour is kept twice, the second with -0100', () => {
    // Hourly crons step in real time, so the hour of the change makes no difference to them.
    const space = new TimeWindowSpace(hourly('2021-10-30-23:00', { timezone: 'Atlantic/Azores' }), utc(2021, 10, 31, 3));
    assert.deepEqual(keys(space), ['2021-10-30-23:00', '2021-10-31-00:00', '2021-10-31-00:00-0100', '2021-10-31-01:00']);
    assertRoundTrip(space);
  });
});

describe('calendar: leap years, month ends, weekdays', () => {
  test('daily keys include Feb 29 in 2024 and not in 2023', () => {
    const y2023 = new TimeWindowSpace(daily('2023-02-27'), utc(2023, 3, 2));
    assert.deepEqual(keys(y2023), ['2023-02-27', '2023-02-28', '2023-03-01']);
    const y2024 = new TimeWindowSpace(daily('2024-02-27'), utc(2024, 3, 2));
    assert.deepEqual(keys(y2024), ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    assert.equal(y2024.indexOf('2024-02-29'), 2);
    // Feb 29 2023 is not a date: strptime refuses it, so no window has that key.
    assert.equal(y2023.windowIndexOf('2023-02-29'), null);
    // Whole years: 366 daily partitions in 2024, 365 in 2023.
    assert.equal(new TimeWindowSpace(daily('2024-01-01'), utc(2025, 1, 1)).count, 366);
    assert.equal(new TimeWindowSpace(daily('2023-01-01'), utc(2024, 1, 1)).count, 365);
  });

  test('monthly windows are as long as their months (28, 29, 30, 31 days)', () => {
    // Jan 2023 .. Apr 2024 ended by May 1 2024: 16 partitions.
    const space = new TimeWindowSpace(monthly('2023-01-01', 1), utc(2024, 5, 1));
    assert.equal(space.count, 16);
    assert.equal(space.key(0), '2023-01-01');
    assert.equal(space.key(15), '2024-04-01');
    const daysOf = (key: string): number => {
      const i = space.indexOf(key) as number;
      return (space.end(i) - space.start(i)) / day;
    };
    assert.equal(daysOf('2023-01-01'), 31);
    assert.equal(daysOf('2023-02-01'), 28);
    assert.equal(daysOf('2023-04-01'), 30);
    assert.equal(daysOf('2024-02-01'), 29);
  });

  test('a monthly start mid-month moves to the next first of the month', () => {
    const space = new TimeWindowSpace(monthly('2022-03-12', 1), utc(2022, 6, 15));
    assert.deepEqual(keys(space), ['2022-04-01', '2022-05-01']);
  });

  test('monthly on day 31 only fires in months that have a 31st', () => {
    // croniter (which Dagster uses for days above 28) skips months without the day:
    // Jan 31, Mar 31, May 31, Jul 31, Aug 31, Oct 31, Dec 31 2021.
    const space = new TimeWindowSpace(monthly('2021-01-01', 31), utc(2022, 1, 1));
    assert.deepEqual(keys(space), ['2021-01-31', '2021-03-31', '2021-05-31', '2021-07-31', '2021-08-31', '2021-10-31']);
    // Jan 31 -> Mar 31: 28 + 31 days; Jul 31 -> Aug 31: 31 days.
    assert.equal((space.end(0) - space.start(0)) / day, 59);
    assert.equal((space.end(3) - space.start(3)) / day, 31);
  });

  test('monthly on day 30 skips February only, in leap years too', () => {
    const space = new TimeWindowSpace(monthly('2024-01-01', 30), utc(2024, 5, 1));
    // Jan 30 -> Mar 30 (31 + 29 days), Mar 30 -> Apr 30; Apr 30 -> May 30 has not ended.
    assert.deepEqual(keys(space), ['2024-01-30', '2024-03-30']);
    assert.equal((space.end(0) - space.start(0)) / day, 60);
  });

  test('a cron pinned to Feb 30 is rejected; Feb 29 fires only in leap years', () => {
    assert.throws(() => new TimeWindowSpace(cronDef('2021-01-01', '0 0 30 2 *', '%Y-%m-%d'), utc(2022, 1, 1)), PartitionsError);
    assert.throws(() => new TimeWindowSpace(cronDef('2021-01-01', '0 0 31 2 *', '%Y-%m-%d'), utc(2022, 1, 1)), PartitionsError);
    const leap = new TimeWindowSpace(cronDef('2015-01-01', '0 0 29 2 *', '%Y-%m-%d'), utc(2024, 3, 1));
    assert.deepEqual(keys(leap), ['2016-02-29', '2020-02-29']);
    assert.equal(leap.end(1), utc(2024, 2, 29));
  });

  test('weekly day_offset 0..6: the first window starts on the first matching weekday at or after start', () => {
    // 2021-05-01 is a Saturday (day 6). now = Tuesday 2021-06-01 00:00Z.
    const firstKeys = ['2021-05-02', '2021-05-03', '2021-05-04', '2021-05-05', '2021-05-06', '2021-05-07', '2021-05-01'];
    // Windows that ended by Jun 1: Sun/Mon/Tue/Sat weeks have 4, Wed/Thu/Fri weeks 3
    // (e.g. Tuesday: May 4, 11, 18, 25 -> the last ends exactly at now; Wednesday: May 26 ends Jun 2).
    const counts = [4, 4, 4, 3, 3, 3, 4];
    for (let d = 0; d <= 6; d++) {
      const space = new TimeWindowSpace(weekly('2021-05-01', d), utc(2021, 6, 1));
      assert.equal(space.key(0), firstKeys[d], `day_offset=${d}`);
      assert.equal(space.count, counts[d], `count for day_offset=${d}`);
      assert.equal(space.end(0) - space.start(0), 7 * day);
      assert.equal(new Date(space.start(0)).getUTCDay(), d);
    }
  });

  test('weekly windows keep local midnight across DST (167 and 169 hours)', () => {
    // Sunday weeks in LA: the week from Mar 7 has no change (168h); the week from Mar 14 00:00 PST
    // (08:00Z) to Mar 21 00:00 PDT (07:00Z) is 167h; Nov 7 00:00 PDT (07:00Z) -> Nov 14 00:00 PST (08:00Z) is 169h.
    const space = new TimeWindowSpace(weekly('2021-03-07', 0, { timezone: 'America/Los_Angeles' }), utc(2021, 11, 15, 8));
    const spring = space.indexOf('2021-03-14') as number;
    const fall = space.indexOf('2021-11-07') as number;
    assert.equal(spring, 1);
    assert.equal(space.end(0) - space.start(0), 168 * hour);
    assert.equal(space.end(spring) - space.start(spring), 167 * hour);
    assert.equal(space.end(fall) - space.start(fall), 169 * hour);
  });
});

describe('end offsets, end, and offsets inside the window', () => {
  // Daily from 2021-05-05 (UTC). Mid-window now: 2021-05-07 12:00Z, in the May 7 window.
  const mid = utc(2021, 5, 7, 12);
  const tick = utc(2021, 5, 7);

  test('end_offset=0 excludes the current window; positive offsets add windows after it', () => {
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05'), mid)), ['2021-05-05', '2021-05-06']);
    // end_offset=1: the current (incomplete) May 7 window is included.
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { endOffset: 1 }), mid)), ['2021-05-05', '2021-05-06', '2021-05-07']);
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { endOffset: 2 }), mid)), ['2021-05-05', '2021-05-06', '2021-05-07', '2021-05-08']);
  });

  test('exactly on a tick the window that just ended is in, the one that just started is not', () => {
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05'), tick)), ['2021-05-05', '2021-05-06']);
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05'), tick - 1)), ['2021-05-05']);
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { endOffset: 1 }), tick)), ['2021-05-05', '2021-05-06', '2021-05-07']);
  });

  test('negative end offsets drop partitions from the end', () => {
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { endOffset: -1 }), mid)), ['2021-05-05']);
    assert.equal(new TimeWindowSpace(daily('2021-05-05', { endOffset: -2 }), mid).count, 0);
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { endOffset: -1 }), tick)), ['2021-05-05']);
    const later = new TimeWindowSpace(daily('2021-05-05', { endOffset: -3 }), utc(2021, 5, 20, 6));
    // 15 windows ended by May 20 06:00 (May 5 .. May 19); three fewer.
    assert.equal(later.count, 12);
    assert.equal(later.key(later.count - 1), '2021-05-16');
    assert.equal(later.indexOf('2021-05-17'), null);
  });

  test('before the first window ends there are no partitions', () => {
    assert.equal(new TimeWindowSpace(daily('2021-05-05'), utc(2021, 5, 5, 23, 59)).count, 0);
    assert.equal(new TimeWindowSpace(daily('2021-05-05'), utc(2021, 5, 1)).count, 0);
    // With end_offset=1 the window containing now (the first one) exists.
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { endOffset: 1 }), utc(2021, 5, 5, 12))), ['2021-05-05']);
  });

  test('end is exclusive: a window that ends after `end` is dropped', () => {
    const closed = new TimeWindowSpace(daily('2021-05-05', { end: '2021-05-08' }), utc(2021, 6, 1));
    assert.deepEqual(keys(closed), ['2021-05-05', '2021-05-06', '2021-05-07']);
    assert.equal(closed.indexOf('2021-05-08'), null);
    assert.equal(closed.windowIndexOf('2021-05-08'), 3);
    // Before `end` is reached, now still decides.
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { end: '2021-05-08' }), utc(2021, 5, 6, 12))), ['2021-05-05']);
    // A positive end_offset never goes past `end`.
    const offset = new TimeWindowSpace(daily('2021-05-05', { end: '2021-05-08', endOffset: 5 }), utc(2021, 5, 6, 12));
    assert.deepEqual(keys(offset), ['2021-05-05', '2021-05-06', '2021-05-07']);
    // An hourly end at 05:30 keeps only the windows that end by then.
    const hours = new TimeWindowSpace(hourly('2021-05-05-00:00', { end: '2021-05-05-05:30' }), utc(2021, 6, 1));
    assert.equal(hours.count, 5);
    assert.equal(hours.key(4), '2021-05-05-04:00');
    assert.equal(new TimeWindowSpace(daily('2021-05-05', { end: '2021-05-05' }), utc(2021, 6, 1)).count, 0);
  });

  test('a negative end_offset with `end` in the past: the last window before `end` wins', () => {
    // Current Dagster (`_get_last_partition_window`, which `get_partition_keys` walks up to) returns
    // the last window before `end` whenever it starts no later than now's window shifted by the
    // offset, so the offset drops nothing here. (Older releases, and today's paginated listing,
    // slice `[:end_offset]` after stopping at `end` and give two keys.)
    const space = new TimeWindowSpace(daily('2021-05-05', { end: '2021-05-08', endOffset: -1 }), utc(2021, 6, 1));
    assert.deepEqual(keys(space), ['2021-05-05', '2021-05-06', '2021-05-07']);
    // Before `end` is reached the offset applies: at 2021-05-07 noon, May 5 only.
    assert.deepEqual(keys(new TimeWindowSpace(daily('2021-05-05', { end: '2021-05-08', endOffset: -1 }), utc(2021, 5, 7, 12))), ['2021-05-05']);
  });

  test('minute and hour offsets move the ticks; keys print the window start in fmt', () => {
    // `15 * * * *` from 00:00: the first tick at or after start is 00:15; by 03:00 two windows ended.
    const quarter = new TimeWindowSpace(hourly('2021-05-05-00:00', { minuteOffset: 15 }), utc(2021, 5, 5, 3));
    assert.deepEqual(keys(quarter), ['2021-05-05-00:15', '2021-05-05-01:15']);
    assert.equal(quarter.windowIndexOf('2021-05-05-01:00'), null);
    // `30 6 * * *`: windows run 06:30 -> 06:30, keyed by the date.
    const morning = new TimeWindowSpace(daily('2021-05-05', { hourOffset: 6, minuteOffset: 30 }), utc(2021, 5, 7, 6, 30));
    assert.deepEqual(keys(morning), ['2021-05-05', '2021-05-06']);
    assert.deepEqual(morning.window(0), { start: utc(2021, 5, 5, 6, 30), end: utc(2021, 5, 6, 6, 30) });
    // The key parses to midnight; the window is the first one starting at or after it.
    assert.equal(morning.indexForKey('2021-05-06'), 1);
    assert.equal(new TimeWindowSpace(daily('2021-05-05', { hourOffset: 6, minuteOffset: 30 }), utc(2021, 5, 7, 6, 29)).count, 1);
  });
});

describe('formats', () => {
  test('%Y%m%d keys, and the start parsed with the same format', () => {
    const space = new TimeWindowSpace(daily('20210505', { fmt: '%Y%m%d' }), utc(2021, 5, 8));
    assert.deepEqual(keys(space), ['20210505', '20210506', '20210507']);
    assert.equal(space.indexOf('20210506'), 1);
    assert.equal(space.indexOf('2021-05-06'), null);
  });

  test("'%Y-%m-%d %H:%M' and '%Y-%m-%dT%H:%M:%S' hourly keys", () => {
    const spaced = new TimeWindowSpace(hourly('2021-05-05 22:00', { fmt: '%Y-%m-%d %H:%M' }), utc(2021, 5, 6, 1));
    assert.deepEqual(keys(spaced), ['2021-05-05 22:00', '2021-05-05 23:00', '2021-05-06 00:00']);
    assertRoundTrip(spaced);
    const iso = new TimeWindowSpace(hourly('2021-05-05T22:00:00', { fmt: '%Y-%m-%dT%H:%M:%S' }), utc(2021, 5, 6, 0));
    assert.deepEqual(keys(iso), ['2021-05-05T22:00:00', '2021-05-05T23:00:00']);
    assert.equal(iso.indexOf('2021-05-05T23:00:00'), 1);
  });

  test('strptime reads a one-digit hour: "2020-11-01-5:00" starts at 05:00', () => {
    const space = new TimeWindowSpace(hourly('2020-11-01-5:00'), utc(2020, 11, 1, 8));
    assert.deepEqual(keys(space), ['2020-11-01-05:00', '2020-11-01-06:00', '2020-11-01-07:00']);
    // Keys are always printed zero-padded; the short form is not a key.
    assert.equal(space.indexOf('2020-11-01-5:00'), null);
  });

  test('a start that does not match fmt is a definition error', () => {
    // HourlyPartitionsDefinition(start_date="2024-01-01") fails: the hourly fmt needs "-%H:%M".
    assert.throws(() => new TimeWindowSpace(hourly('2024-01-01'), utc(2024, 2, 1)), PartitionsError);
    assert.throws(() => new TimeWindowSpace(daily('2024-13-01'), utc(2025, 2, 1)), PartitionsError);
  });

  test('windows outside the partitions still have keys (negative and past-the-end indices)', () => {
    const space = new TimeWindowSpace(daily('2021-05-05'), utc(2021, 5, 8));
    assert.equal(space.key(-1), '2021-05-04');
    assert.equal(space.key(space.count), '2021-05-08');
    assert.equal(space.windowIndexOf('2021-05-04'), -1);
    assert.equal(space.indexOf('2021-05-04'), null);
    assert.equal(space.indexOf('2021-05-08'), null);
    assert.equal(space.indexOf('not a date'), null);
  });
});

describe('100,000 partitions', () => {
  // 100,000 hours after 2014-01-01 00:00 is 4166 days 16 hours: 2025-05-29 16:00.
  // (2014-01-01 -> 2025-01-01 is 4018 days with the leap days of 2016, 2020, 2024; + 148 = May 29.)

  test('hourly from 2014 in UTC', () => {
    const now = utc(2014, 1, 1) + 100_000 * hour;
    assert.equal(now, utc(2025, 5, 29, 16));
    const space = new TimeWindowSpace(hourly('2014-01-01-00:00'), now);
    assert.equal(space.count, 100_000);
    assert.equal(space.key(0), '2014-01-01-00:00');
    assert.equal(space.key(99_999), '2025-05-29-15:00');
    assert.equal(space.indexOf('2025-05-29-15:00'), 99_999);
    assert.equal(space.indexOf('2025-05-29-16:00'), null);
    // 2025-01-01 00:00 is 4018 days in.
    assert.equal(space.indexOf('2025-01-01-00:00'), 4018 * 24);
    assert.equal(space.indexOf('2016-02-29-12:00'), (365 + 365 + 31 + 28) * 24 + 12);
    // One more hour of now, one more partition.
    assert.equal(new TimeWindowSpace(hourly('2014-01-01-00:00'), now + hour).count, 100_001);
  });

  test('hourly from 2014 in America/New_York: one partition per real hour through every DST change', () => {
    // 2014-01-01 00:00 EST = 05:00Z. Skipped spring hours and doubled fall hours cancel out in
    // real time, so partition i starts at 05:00Z + i hours.
    const first = utc(2014, 1, 1, 5);
    const space = new TimeWindowSpace(hourly('2014-01-01-00:00', { timezone: 'America/New_York' }), first + 100_000 * hour);
    assert.equal(space.count, 100_000);
    assert.equal(space.key(0), '2014-01-01-00:00');
    // 05:00Z + 99,999h = 2025-05-29 20:00Z = 16:00 EDT.
    assert.equal(space.start(99_999), utc(2025, 5, 29, 20));
    assert.equal(space.key(99_999), '2025-05-29-16:00');
    assert.equal(space.indexOf('2025-05-29-16:00'), 99_999);
    // 2025-01-01 00:00 EST = 05:00Z, exactly 4018 days after the first partition.
    assert.equal(space.indexOf('2025-01-01-00:00'), 4018 * 24);
    // 2024-11-03 is 3959 days in; 01:00 EDT = 05:00Z, 01:00 EST = 06:00Z carries -0500.
    assert.equal(space.indexOf('2024-11-03-01:00'), 3959 * 24);
    assert.equal(space.key(3959 * 24 + 1), '2024-11-03-01:00-0500');
    assert.equal(space.indexOf('2024-11-03-01:00-0500'), 3959 * 24 + 1);
    // 2024-03-10 02:00 does not exist in New York: no partition has that key.
    assert.equal(space.indexOf('2024-03-10-02:00'), null);
  });
});
