import { PartitionsError } from './errors';

/**
 * UTC offsets of an IANA time zone, read from the runtime's time-zone data through `Intl`, and the
 * mapping from a wall-clock time back to instants (none in a spring-forward gap, two in a fall-back
 * hour).
 *
 * Wall-clock times are written as "wall milliseconds": the wall-clock fields read as if they were
 * UTC (`Date.UTC(y, m, d, h, min)`), so calendar arithmetic on them is plain UTC arithmetic.
 */

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
/** No zone is further than this from UTC, so the instants of a wall time lie within it. */
const maxOffset = 15 * hour;
/** Offsets are sampled this far apart while looking for transitions. */
const sampleStep = day;
/** How much of the timeline one extension of the scanned range covers. */
const scanChunk = 366 * day;

export type WallResolution =
  | { kind: 'unique'; instant: number }
  /** Fall back: the wall time happens twice; `earlier` is Python's `fold=0`, `later` is `fold=1`. */
  | { kind: 'ambiguous'; earlier: number; later: number }
  /** Spring forward: the wall time does not exist; `transition` is the first instant after the gap. */
  | { kind: 'gap'; transition: number };

export class TimeZoneError extends PartitionsError {}

const utcNames = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'UCT', 'Etc/UCT']);

export class ZoneRules {
  readonly name: string;
  readonly isUtc: boolean;
  private readonly format: Intl.DateTimeFormat | null;
  /** Instants at which the offset changes, ascending, inside the scanned range. */
  private readonly transitions: number[] = [];
  /** `offsets[i]` holds from `transitions[i - 1]` (or the scanned start) to `transitions[i]`. */
  private readonly offsets: number[] = [];
  private scannedFrom = 0;
  private scannedTo = 0;

  constructor(name: string) {
    this.name = name;
    this.isUtc = utcNames.has(name);
    if (this.isUtc) {
      this.format = null;
      return;
    }
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new TimeZoneError(`unknown time zone '${name}'`);
    }
    const start = Math.floor(Date.UTC(2000, 0, 1) / day) * day;
    this.scannedFrom = start;
    this.scannedTo = start;
    this.offsets.push(this.readOffset(start));
  }

  /** Milliseconds to add to an instant to get its wall time. */
  offsetAt(instant: number): number {
    if (this.isUtc) return 0;
    this.cover(instant);
    const i = upperBound(this.transitions, instant);
    return this.offsets[i] as number;
  }

  /** Wall milliseconds of an instant. */
  wallOf(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  resolveWall(wall: number): WallResolution {
    if (this.isUtc) return { kind: 'unique', instant: wall };
    this.cover(wall - maxOffset);
    this.cover(wall + maxOffset);
    const from = upperBound(this.transitions, wall - maxOffset);
    const to = upperBound(this.transitions, wall + maxOffset);
    const found: number[] = [];
    for (let i = from; i <= to; i++) {
      const candidate = wall - (this.offsets[i] as number);
      if (this.offsetAt(candidate) + candidate === wall && !found.includes(candidate)) found.push(candidate);
    }
    found.sort((a, b) => a - b);
    if (found.length === 1) return { kind: 'unique', instant: found[0] as number };
    if (found.length >= 2) return { kind: 'ambiguous', earlier: found[0] as number, later: found[found.length - 1] as number };
    // In a gap: the transition is the one whose pre-offset puts the wall time after it.
    for (let i = from; i < to; i++) {
      const t = this.transitions[i] as number;
      if (t + (this.offsets[i] as number) <= wall && wall < t + (this.offsets[i + 1] as number)) return { kind: 'gap', transition: t };
    }
    throw new TimeZoneError(`cannot place ${new Date(wall).toISOString()} in ${this.name}`);
  }

  /** Extends the scanned range (a year at a time) until it holds `instant`. */
  private cover(instant: number): void {
    while (instant >= this.scannedTo) this.scanForward();
    while (instant < this.scannedFrom) this.scanBackward();
  }

  private scanForward(): void {
    const end = this.scannedTo + scanChunk;
    let previous = this.offsets[this.offsets.length - 1] as number;
    for (let t = this.scannedTo + sampleStep; t <= end; t += sampleStep) {
      const offset = this.readOffset(t);
      if (offset !== previous) {
        this.transitions.push(this.findTransition(t - sampleStep, t));
        this.offsets.push(offset);
        previous = offset;
      }
    }
    this.scannedTo = end;
  }

  private scanBackward(): void {
    const start = this.scannedFrom - scanChunk;
    const found: { at: number; before: number }[] = [];
    let later = this.offsets[0] as number;
    for (let t = this.scannedFrom - sampleStep; t >= start; t -= sampleStep) {
      const offset = this.readOffset(t);
      if (offset !== later) {
        found.push({ at: this.findTransition(t, t + sampleStep), before: offset });
        later = offset;
      }
    }
    // `found` runs newest first; the offset before the oldest becomes the new first offset.
    for (const { at, before } of found) {
      this.transitions.unshift(at);
      this.offsets.unshift(before);
    }
    this.scannedFrom = start;
  }

  /** The first instant (to the minute) in `(low, high]` with the offset of `high`. */
  private findTransition(low: number, high: number): number {
    const target = this.readOffset(high);
    let lo = low;
    let hi = high;
    while (hi - lo > minute) {
      const mid = lo + Math.floor((hi - lo) / 2 / minute) * minute;
      if (this.readOffset(mid) === target) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private readOffset(instant: number): number {
    const seconds = Math.floor(instant / 1000) * 1000;
    const parts = (this.format as Intl.DateTimeFormat).formatToParts(seconds);
    let year = 0;
    let month = 0;
    let dayOfMonth = 0;
    let hourOfDay = 0;
    let minuteOfHour = 0;
    let second = 0;
    let bc = false;
    for (const part of parts) {
      const n = Number(part.value);
      switch (part.type) {
        case 'year': year = n; break;
        case 'month': month = n; break;
        case 'day': dayOfMonth = n; break;
        case 'hour': hourOfDay = n; break;
        case 'minute': minuteOfHour = n; break;
        case 'second': second = n; break;
        case 'era': bc = part.value.startsWith('B'); break;
      }
    }
    const wall = wallMs(bc ? 1 - year : year, month, dayOfMonth, hourOfDay, minuteOfHour, second);
    return wall - seconds;
  }
}

/** Wall milliseconds from calendar fields (month 1-12); years below 100 are not shifted to 19xx. */
export function wallMs(year: number, month: number, dayOfMonth: number, hourOfDay = 0, minuteOfHour = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, dayOfMonth);
  d.setUTCHours(hourOfDay, minuteOfHour, second, 0);
  return d.getTime();
}

/** Number of entries of an ascending array that are `<= value`. */
export function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of an ascending array that are `< value`. */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const zones = new Map<string, ZoneRules>();

/** One `ZoneRules` per zone name for the life of the process: its scanned transitions are reused. */
export function zoneRules(name: string): ZoneRules {
  let rules = zones.get(name);
  if (!rules) {
    rules = new ZoneRules(name);
    zones.set(name, rules);
  }
  return rules;
}
