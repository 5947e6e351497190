import { PartitionsError } from './errors';
import { CronPattern } from 'croner';

/**
 * Cron schedules as Dagster reads them: five fields, matched against wall-clock time. Parsing and
 * validation are croner's; this module only turns the parsed fields into the wall-clock times of a
 * day, which the schedule timeline then places in a time zone with Dagster's DST rules.
 */

export class CronError extends PartitionsError {}

export interface CronFields {
  readonly source: string;
  /** Minutes past the hour, ascending. */
  readonly minutes: readonly number[];
  /** Hours of the day, ascending. */
  readonly hours: readonly number[];
  /**
   * Dagster's `cron_string_repeats_every_hour`: the hour field is `*`. Such schedules keep both
   * occurrences of a repeated wall-clock time and skip times in a gap; others keep the later
   * occurrence and move a time in a gap to the end of the gap.
   */
  readonly repeatsEveryHour: boolean;
  /**
   * Dagster iterates the common shapes (hourly, daily, weekly, and monthly on days 1-28) with its
   * own fast path instead of croniter; the two treat DST a little differently (see `schedule.ts`).
   */
  readonly fastPath: boolean;
  /** Whether the schedule fires on a calendar day (wall milliseconds at its midnight). */
  matchesDay(dayStart: number): boolean;
}

const day = 86_400_000;

function flagsToList(flags: number[], offset: number): number[] {
  const list: number[] = [];
  flags.forEach((flag, i) => {
    if (flag) list.push(i + offset);
  });
  return list;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

const parsed = new Map<string, CronFields>();

/** Parses a cron string the way Dagster validates it (`is_valid_cron_string`), or throws `CronError`. */
export function parseCron(source: string): CronFields {
  const cached = parsed.get(source);
  if (cached) return cached;
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`Found invalid cron schedule '${source}': Dagster needs exactly five fields`);
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(fields.join(' '), undefined, { mode: '5-part' });
  } catch (error) {
    throw new CronError(`Found invalid cron schedule '${source}': ${error instanceof Error ? error.message : String(error)}`);
  }
  const months = flagsToList(pattern.month, 1);
  const daysOfMonth = flagsToList(pattern.day, 1);
  // croniter (Dagster) rejects a schedule pinned to the 30th or 31st of February.
  if (months.length === 1 && months[0] === 2 && !pattern.lastDayOfMonth && daysOfMonth.length === 1 && (daysOfMonth[0] as number) >= 30) {
    throw new CronError(`Found invalid cron schedule '${source}': February has no day ${daysOfMonth[0]}`);
  }
  const hours = flagsToList(pattern.hour, 0);
  const monthFlags = pattern.month;
  const domFlags = pattern.day;
  const dowFlags = pattern.dayOfWeek;
  const lastDay = pattern.lastDayOfMonth;
  const domRestricted = !pattern.starDOM;
  const dowRestricted = !pattern.starDOW;
  const minutes = flagsToList(pattern.minute, 0);
  const weekdays = flagsToList(pattern.dayOfWeek, 0);
  // Dagster's `cron_string_iterator`: a field is "numeric" with one value and a "wildcard" with all.
  const single = (n: number): boolean => n === 1;
  const everyDay = !domRestricted || (daysOfMonth.length === 31 && !pattern.lastDayOfMonth);
  const everyMonth = months.length === 12;
  const everyWeekday = weekdays.length === 7;
  const fastPath =
    (single(minutes.length) && single(hours.length) && single(daysOfMonth.length) && !pattern.lastDayOfMonth && everyMonth && everyWeekday && (daysOfMonth[0] as number) <= 28) ||
    (single(minutes.length) && single(hours.length) && single(weekdays.length) && everyDay && everyMonth) ||
    (single(minutes.length) && single(hours.length) && everyDay && everyMonth && everyWeekday) ||
    (minutes.length < 60 && hours.length === 24 && everyDay && everyMonth && everyWeekday);
  const result: CronFields = {
    source,
    minutes,
    hours,
    repeatsEveryHour: hours.length === 24,
    fastPath,
    matchesDay(dayStart: number): boolean {
      const date = new Date(dayStart);
      const month0 = date.getUTCMonth();
      if (!monthFlags[month0]) return false;
      const dom = date.getUTCDate();
      const domMatch = Boolean(domFlags[dom - 1]) || (lastDay && dom === daysInMonth(date.getUTCFullYear(), month0));
      const dowMatch = Boolean(dowFlags[date.getUTCDay()]);
      // Vixie cron (and croniter): when both day fields are restricted, either may match.
      if (domRestricted && dowRestricted) return domMatch || dowMatch;
      return domMatch && dowMatch;
    },
  };
  parsed.set(source, result);
  return result;
}

/** Every wall-clock firing time of the schedule in `[fromWall, toWall)`, ascending. */
export function wallTimesBetween(cron: CronFields, fromWall: number, toWall: number): number[] {
  const out: number[] = [];
  const firstDay = Math.floor(fromWall / day) * day;
  for (let dayStart = firstDay; dayStart < toWall; dayStart += day) {
    if (!cron.matchesDay(dayStart)) continue;
    for (const h of cron.hours) {
      for (const m of cron.minutes) {
        const wall = dayStart + h * 3_600_000 + m * 60_000;
        if (wall >= fromWall && wall < toWall) out.push(wall);
      }
    }
  }
  return out;
}
