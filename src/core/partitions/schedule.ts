import { PartitionsError } from './errors';
import { parseCron, wallTimesBetween, type CronFields } from './cron';
import { lowerBound, zoneRules, type ZoneRules } from './timeZone';

/**
 * The ticks of one cron schedule in one time zone, as Dagster's `cron_string_iterator` yields them,
 * numbered by ordinals. Every time-window partitions definition with that schedule and zone reads
 * its windows from the same timeline (window `i` of a definition whose first tick has ordinal `o`
 * is `[tick(o + i), tick(o + i + 1))`), so ten thousand assets with daily partitions share one
 * calendar. The timeline grows on demand in either direction and only ever holds instants, never
 * keys.
 *
 * DST, as Dagster does it (`dagster/_utils/schedules.py`): schedules that repeat every hour skip a
 * wall time in a spring-forward gap and keep both occurrences of a repeated one. The others move a
 * time in a gap to the end of the gap when it falls in hours 1-3 (Dagster's
 * `DAYLIGHT_SAVINGS_HOURS`, where Europe and the Americas change clocks) and otherwise read it with
 * the offset from before the gap, as Python does; of a repeated time they keep the later occurrence,
 * except that Dagster's fast path for the common shapes does so only in hours 1-3 and otherwise
 * keeps the earlier one.
 */

const hour = 3_600_000;
const day = 24 * hour;
/** Margin between wall times and instants (larger than any UTC offset). */
const margin = day;
/** Schedules that never fire within this span (e.g. `0 0 31 4 *`) are reported as having no ticks. */
const maxSearch = 100 * 366 * day;
/** A guard against definitions no one could use (Dagster recommends at most about 100,000). */
export const maxTicks = 20_000_000;

export class ScheduleError extends PartitionsError {}

export class Schedule {
  readonly cron: CronFields;
  readonly zone: ZoneRules;
  /** Ticks (UTC milliseconds), ascending; `ticks[k]` has ordinal `origin + k`. */
  private ticks: number[] = [];
  private origin = 0;
  /** The array holds exactly the ticks in `[from, to)`. */
  private from: number;
  private to: number;

  constructor(cron: string, timeZone: string, anchor: number) {
    this.cron = parseCron(cron);
    this.zone = zoneRules(timeZone);
    this.from = anchor;
    this.to = anchor;
  }

  /** The instant of a tick by ordinal (any integer: the timeline extends both ways). */
  tick(ordinal: number): number {
    while (ordinal - this.origin >= this.ticks.length) this.extendForward();
    while (ordinal < this.origin) this.extendBackward();
    return this.ticks[ordinal - this.origin] as number;
  }

  /** Ordinal of the first tick at or after `instant`. */
  ordinalAtOrAfter(instant: number): number {
    this.cover(instant);
    while (lowerBound(this.ticks, instant) === this.ticks.length) this.extendForward();
    return this.origin + lowerBound(this.ticks, instant);
  }

  /** Ordinal of the last tick at or before `instant`. */
  ordinalAtOrBefore(instant: number): number {
    this.cover(instant);
    while (this.ticks.length === 0 || (this.ticks[0] as number) > instant) this.extendBackward();
    return this.origin + lowerBound(this.ticks, instant + 1) - 1;
  }

  /** Number of ticks with ordinal `>= first` at or before `instant` (0 when `instant` is earlier). */
  countThrough(first: number, instant: number): number {
    const firstTick = this.tick(first);
    if (instant < firstTick) return 0;
    return this.ordinalAtOrBefore(instant) - first + 1;
  }

  private cover(instant: number): void {
    while (instant >= this.to) this.extendForward();
    while (instant < this.from) this.extendBackward();
  }

  /** Grows by at least a year, or by the span the timeline already has, so growth is geometric. */
  private span(): number {
    return Math.max(366 * day, Math.min(this.to - this.from, 50 * 366 * day));
  }

  private extendForward(): void {
    let added: number[] = [];
    let end = this.to;
    while (added.length === 0) {
      const start = end;
      end = start + this.span();
      added = this.ticksIn(start, end);
      if (end - this.to > maxSearch && added.length === 0) {
        throw new ScheduleError(`the cron schedule '${this.cron.source}' does not fire in ${this.zone.name} within 100 years`);
      }
    }
    for (const t of added) this.ticks.push(t);
    this.to = end;
    this.guardSize();
  }

  private extendBackward(): void {
    let added: number[] = [];
    let start = this.from;
    while (added.length === 0) {
      const end = start;
      start = end - this.span();
      added = this.ticksIn(start, end);
      if (this.from - start > maxSearch && added.length === 0) {
        throw new ScheduleError(`the cron schedule '${this.cron.source}' does not fire in ${this.zone.name} within 100 years`);
      }
    }
    this.ticks = added.concat(this.ticks);
    this.origin -= added.length;
    this.from = start;
    this.guardSize();
  }

  private guardSize(): void {
    if (this.ticks.length > maxTicks) {
      throw new ScheduleError(`the cron schedule '${this.cron.source}' needs more than ${maxTicks.toLocaleString('en-US')} windows here`);
    }
  }

  /** Every tick with an instant in `[start, end)`, ascending and without repeats. */
  private ticksIn(start: number, end: number): number[] {
    const walls = wallTimesBetween(this.cron, start - margin, end + margin);
    const out: number[] = [];
    const everyHour = this.cron.repeatsEveryHour;
    const fastPath = this.cron.fastPath;
    for (const wall of walls) {
      const resolved = this.zone.resolveWall(wall);
      switch (resolved.kind) {
        case 'unique':
          out.push(resolved.instant);
          break;
        case 'ambiguous':
          if (everyHour) out.push(resolved.earlier, resolved.later);
          else out.push(fastPath && !daylightSavingHour(wall) ? resolved.earlier : resolved.later);
          break;
        case 'gap':
          if (everyHour) break;
          out.push(daylightSavingHour(wall) ? resolved.transition : wall - this.zone.offsetAt(resolved.transition - 1));
          break;
      }
    }
    out.sort((a, b) => a - b);
    const unique: number[] = [];
    for (const t of out) {
      if (t >= start && t < end && unique[unique.length - 1] !== t) unique.push(t);
    }
    return unique;
  }
}

/** Dagster's `DAYLIGHT_SAVINGS_HOURS`: the wall-clock hours in which it applies its DST adjustments. */
function daylightSavingHour(wall: number): boolean {
  const h = new Date(wall).getUTCHours();
  return h >= 1 && h <= 3;
}

const schedules = new Map<string, Schedule>();

/** The shared timeline of a cron schedule in a time zone. */
export function scheduleFor(cron: string, timeZone: string, near: number): Schedule {
  const key = `${timeZone}\u0000${cron}`;
  let schedule = schedules.get(key);
  if (!schedule) {
    schedule = new Schedule(cron, timeZone, Math.floor(near / day) * day);
    schedules.set(key, schedule);
  }
  return schedule;
}
