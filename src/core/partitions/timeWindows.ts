import type { TimeWindowPartitions } from '../model/partitions';
import { scheduleFor, type Schedule } from './schedule';
import { FormatError, formatOffset, strftime, strptime } from './strftime';
import { parseCron } from './cron';
import { PartitionsError } from './errors';
import { zoneRules } from './timeZone';

/**
 * The partitions of a time-window definition at one evaluation time `now` (Dagster's
 * `TimeWindowPartitionsDefinition`): window `i` (0-based, may be negative or past the end for
 * windows that do not exist) is `[start(i), end(i))`; partitions are windows `0 .. count - 1`.
 */

export interface TimeWindow {
  start: number;
  end: number;
}

/** Keys remembered per space before the memo starts over (a bound on memory, not a tuning knob). */
const keyIndexLimit = 200_000;

export class TimeWindowSpace {
  readonly kind = 'time';
  readonly def: TimeWindowPartitions;
  readonly now: number;
  readonly schedule: Schedule;
  /** Ordinal (in the schedule) of the first window's start. */
  readonly firstOrdinal: number;
  /** The definition's `start` as an instant (the first window starts at the first tick at or after it). */
  readonly startInstant: number;
  /** Number of partitions at `now`. */
  readonly count: number;
  /** Dagster appends `%z` to the second occurrence of a repeated hour in these definitions. */
  private readonly marksRepeatedHour: boolean;
  /** Keys already read, with their window index (null: not a key of this definition). */
  private readonly keyIndex = new Map<string, number | null>();
  /** Keys already formatted, by window index (reports format the same range ends for thousands of assets). */
  private readonly keyAt = new Map<number, string>();

  constructor(def: TimeWindowPartitions, now: number) {
    this.def = def;
    this.now = now;
    const startInstant = parseBoundary(def, def.start, 'start');
    this.startInstant = startInstant;
    try {
      this.schedule = scheduleFor(def.cronSchedule, def.timezone, startInstant);
    } catch (error) {
      throw new PartitionsError(error instanceof Error ? error.message : String(error));
    }
    this.firstOrdinal = this.schedule.ordinalAtOrAfter(startInstant);
    this.marksRepeatedHour = !this.schedule.zone.isUtc && this.schedule.cron.repeatsEveryHour && !def.fmt.includes('%z');
    const endInstant = def.end === null ? null : parseBoundary(def, def.end, 'end');
    this.count = this.partitionCount(startInstant, endInstant);
  }

  /**
   * Dagster's first and last partition windows (`_get_first_partition_window`,
   * `_get_last_partition_window`), as ordinals. With the default `end_offset=0` the partitions are
   * the windows that ended by `now` (or by `end`). A positive offset adds that many windows after
   * the last complete one, a negative one drops them; Dagster's own rules for when the first window
   * exists differ slightly between the two (a positive offset counts from the first window starting
   * at or after `now`), and are kept as they are.
   */
  private partitionCount(startInstant: number, endInstant: number | null): number {
    const schedule = this.schedule;
    const first = this.firstOrdinal;
    const offset = this.def.endOffset;
    if (endInstant !== null && endInstant <= startInstant) return 0;
    const lastTickByNow = schedule.ordinalAtOrBefore(this.now);
    const firstExists =
      offset === 0
        ? first + 1 <= lastTickByNow
        : offset > 0
          ? first + 1 <= schedule.ordinalAtOrAfter(this.now) + offset
          : first + 1 <= lastTickByNow + offset;
    if (!firstExists) return 0;
    const lastTickByEnd = endInstant === null ? null : schedule.ordinalAtOrBefore(endInstant);
    let last: number;
    if (offset === 0) {
      last = Math.min(lastTickByNow, lastTickByEnd ?? Infinity) - 1;
    } else {
      last = offset > 0 ? lastTickByNow + offset - 1 : lastTickByNow - 1 + offset;
      if (lastTickByEnd !== null && lastTickByEnd - 1 <= last) last = lastTickByEnd - 1;
      else if (last < first) last = first;
    }
    return Math.max(0, last - first + 1);
  }

  start(i: number): number {
    return this.schedule.tick(this.firstOrdinal + i);
  }

  end(i: number): number {
    return this.schedule.tick(this.firstOrdinal + i + 1);
  }

  window(i: number): TimeWindow {
    return { start: this.start(i), end: this.end(i) };
  }

  key(i: number): string {
    let text = this.keyAt.get(i);
    if (text === undefined) {
      text = this.formatKey(i);
      if (this.keyAt.size >= keyIndexLimit) this.keyAt.clear();
      this.keyAt.set(i, text);
    }
    return text;
  }

  private formatKey(i: number): string {
    const instant = this.start(i);
    const zone = this.schedule.zone;
    const offset = zone.offsetAt(instant);
    const wall = instant + offset;
    const text = strftime(wall, this.def.fmt, offset);
    if (this.marksRepeatedHour) {
      const resolved = zone.resolveWall(wall);
      if (resolved.kind === 'ambiguous' && resolved.later === instant) return text + formatOffset(offset);
    }
    return text;
  }

  /** Index of the first window starting at or after `instant`. */
  indexAtOrAfter(instant: number): number {
    return this.schedule.ordinalAtOrAfter(instant) - this.firstOrdinal;
  }

  /** Index of the window containing `instant` (the last one starting at or before it). */
  indexContaining(instant: number): number {
    return this.schedule.ordinalAtOrBefore(instant) - this.firstOrdinal;
  }

  /**
   * Dagster's `time_window_for_partition_key`: the key is parsed with `fmt` (or `fmt` + `%z`) as a
   * wall time in the definition's zone, and the window is the first one starting at or after it.
   * The key need not name an existing partition. Throws `FormatError` for text that does not parse.
   */
  indexForKey(key: string): number {
    return this.indexAtOrAfter(parseKeyInstant(this.def, key));
  }

  /** Index of the window (existing or not) whose key is exactly this text, or null. */
  windowIndexOf(key: string): number | null {
    // Parsing a key is the costly part of most bulk questions (every recorded partition of every
    // asset sharing this definition), and the answer never changes for a space.
    const known = this.keyIndex.get(key);
    if (known !== undefined) return known;
    let i: number | null;
    try {
      i = this.indexForKey(key);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      i = null;
    }
    if (i !== null && this.key(i) !== key) i = null;
    if (this.keyIndex.size >= keyIndexLimit) this.keyIndex.clear();
    this.keyIndex.set(key, i);
    return i;
  }

  /** Index of an existing partition with exactly this key, or null. */
  indexOf(key: string): number | null {
    const i = this.windowIndexOf(key);
    return i !== null && i >= 0 && i < this.count ? i : null;
  }
}

/** Reads a key or a `start`/`end` as Dagster's `dst_safe_strptime` does. */
function parseKeyInstant(def: TimeWindowPartitions, text: string): number {
  let parsed;
  try {
    parsed = strptime(text, def.fmt);
  } catch (error) {
    if (!(error instanceof FormatError) || def.fmt.includes('%z')) throw error;
    parsed = strptime(text, `${def.fmt}%z`);
  }
  if (parsed.offsetMs !== null) return parsed.wall - parsed.offsetMs;
  const zone = zoneRules(def.timezone);
  const resolved = zone.resolveWall(parsed.wall);
  switch (resolved.kind) {
    case 'unique':
      return resolved.instant;
    case 'ambiguous':
      return resolved.earlier;
    case 'gap':
      // Python reads a non-existent wall time with the offset from before the transition.
      return parsed.wall - zone.offsetAt(resolved.transition - 1);
  }
}

function parseBoundary(def: TimeWindowPartitions, text: string, which: 'start' | 'end'): number {
  try {
    return parseKeyInstant(def, text);
  } catch (error) {
    if (error instanceof FormatError) {
      throw new PartitionsError(`the ${which} '${text}' does not match the format '${def.fmt}': ${error.message}`);
    }
    throw new PartitionsError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Why Dagster would refuse to build this definition (a time zone it does not know, an invalid cron
 * schedule, a `fmt` it cannot use, a `start` or `end` that does not match `fmt`), or null. Needs no
 * evaluation time: the scanner calls it for every definition it reads.
 */
export function timeWindowProblem(def: TimeWindowPartitions): string | null {
  try {
    zoneRules(def.timezone);
    parseCron(def.cronSchedule);
    strftime(0, def.fmt);
    parseBoundary(def, def.start, 'start');
    if (def.end !== null) parseBoundary(def, def.end, 'end');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

