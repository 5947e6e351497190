import { PartitionsError } from './errors';

/**
 * The part of Python's `strftime`/`strptime` that partition formats use. Times are wall milliseconds
 * (fields read as UTC); `%z` carries a separate UTC offset.
 */

export class FormatError extends PartitionsError {
  constructor(message: string) {
    super(message, 'ValueError');
  }
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** `+HHMM` / `-HHMM` for an offset in milliseconds, as Python's `%z`. */
export function formatOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60), 2)}${pad(Math.abs(minutes) % 60, 2)}`;
}

export function strftime(wall: number, fmt: string, offsetMs = 0): string {
  const d = new Date(wall);
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i] as string;
    if (c !== '%' || i === fmt.length - 1) {
      out += c;
      continue;
    }
    const directive = fmt[++i] as string;
    switch (directive) {
      case 'Y': out += pad(d.getUTCFullYear(), 4); break;
      case 'y': out += pad(d.getUTCFullYear() % 100, 2); break;
      case 'm': out += pad(d.getUTCMonth() + 1, 2); break;
      case 'd': out += pad(d.getUTCDate(), 2); break;
      case 'H': out += pad(d.getUTCHours(), 2); break;
      case 'I': out += pad(((d.getUTCHours() + 11) % 12) + 1, 2); break;
      case 'p': out += d.getUTCHours() < 12 ? 'AM' : 'PM'; break;
      case 'M': out += pad(d.getUTCMinutes(), 2); break;
      case 'S': out += pad(d.getUTCSeconds(), 2); break;
      case 'f': out += pad(d.getUTCMilliseconds() * 1000, 6); break;
      case 'j': out += pad(dayOfYear(d), 3); break;
      case 'b': out += (monthNames[d.getUTCMonth()] as string).slice(0, 3); break;
      case 'B': out += monthNames[d.getUTCMonth()] as string; break;
      case 'a': out += (dayNames[d.getUTCDay()] as string).slice(0, 3); break;
      case 'A': out += dayNames[d.getUTCDay()] as string; break;
      case 'w': out += String(d.getUTCDay()); break;
      case 'z': out += formatOffset(offsetMs); break;
      case '%': out += '%'; break;
      default: throw new FormatError(`unsupported format directive %${directive} in '${fmt}'`);
    }
  }
  return out;
}

export interface ParsedTime {
  /** Wall milliseconds. */
  wall: number;
  /** The `%z` offset in milliseconds, when the format has one. */
  offsetMs: number | null;
}

const numeric: Record<string, { min: number; max: number; width: number }> = {
  Y: { min: 4, max: 4, width: 4 },
  y: { min: 1, max: 2, width: 2 },
  m: { min: 1, max: 2, width: 2 },
  d: { min: 1, max: 2, width: 2 },
  H: { min: 1, max: 2, width: 2 },
  I: { min: 1, max: 2, width: 2 },
  M: { min: 1, max: 2, width: 2 },
  S: { min: 1, max: 2, width: 2 },
  f: { min: 1, max: 6, width: 6 },
  j: { min: 1, max: 3, width: 3 },
  w: { min: 1, max: 1, width: 1 },
};

function nameIndex(text: string, at: number, names: string[]): { index: number; length: number } | null {
  const rest = text.slice(at).toLowerCase();
  for (const [index, name] of names.entries()) {
    if (rest.startsWith(name.toLowerCase())) return { index, length: name.length };
  }
  for (const [index, name] of names.entries()) {
    if (rest.startsWith(name.slice(0, 3).toLowerCase())) return { index, length: 3 };
  }
  return null;
}

/**
 * Python's `datetime.strptime(text, fmt)`: the whole text must match, numbers take up to their
 * width greedily (so `%H` reads `5` as 5 o'clock), out-of-range fields are errors.
 */
export function strptime(text: string, fmt: string): ParsedTime {
  let year = 1900;
  let month = 1;
  let dayOfMonth = 1;
  let hourOfDay = 0;
  let hour12: number | null = null;
  let pm: boolean | null = null;
  let minuteOfHour = 0;
  let second = 0;
  let micro = 0;
  let offsetMs: number | null = null;
  let pos = 0;
  const fail = (): never => {
    throw new FormatError(`time data '${text}' does not match format '${fmt}'`);
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i] as string;
    if (c !== '%' || i === fmt.length - 1) {
      if (/\s/.test(c)) {
        // Python reads whitespace in a format as one or more whitespace characters.
        if (!/\s/.test(text[pos] ?? '')) fail();
        while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
        continue;
      }
      if (text[pos] !== c) fail();
      pos++;
      continue;
    }
    const directive = fmt[++i] as string;
    const spec = numeric[directive];
    if (spec) {
      let end = pos;
      while (end < text.length && end - pos < spec.max && /[0-9]/.test(text[end] as string)) end++;
      if (end - pos < spec.min) fail();
      const digits = text.slice(pos, end);
      const n = Number(digits);
      pos = end;
      switch (directive) {
        case 'Y': year = n; break;
        case 'y': year = n < 69 ? 2000 + n : 1900 + n; break;
        case 'm': month = n; break;
        case 'd': dayOfMonth = n; break;
        case 'H': hourOfDay = n; break;
        case 'I': hour12 = n; break;
        case 'M': minuteOfHour = n; break;
        case 'S': second = n; break;
        case 'f': micro = Number(digits.padEnd(6, '0')); break;
        case 'j': break;
        case 'w': break;
      }
      continue;
    }
    switch (directive) {
      case 'b':
      case 'B': {
        const found = nameIndex(text, pos, monthNames);
        if (!found) fail();
        month = (found as { index: number }).index + 1;
        pos += (found as { length: number }).length;
        break;
      }
      case 'a':
      case 'A': {
        const found = nameIndex(text, pos, dayNames);
        if (!found) fail();
        pos += (found as { length: number }).length;
        break;
      }
      case 'p': {
        const word = text.slice(pos, pos + 2).toUpperCase();
        if (word !== 'AM' && word !== 'PM') fail();
        pm = word === 'PM';
        pos += 2;
        break;
      }
      case 'z': {
        const match = /^(?:Z|([+-])(\d\d):?(\d\d)(?::?(\d\d))?)/.exec(text.slice(pos));
        if (!match) fail();
        const m = match as RegExpExecArray;
        if (m[0] === 'Z') offsetMs = 0;
        else {
          const sign = m[1] === '-' ? -1 : 1;
          offsetMs = sign * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000 + Number(m[4] ?? 0) * 1000);
        }
        pos += m[0].length;
        break;
      }
      case '%':
        if (text[pos] !== '%') fail();
        pos++;
        break;
      default:
        throw new FormatError(`unsupported format directive %${directive} in '${fmt}'`);
    }
  }
  if (pos !== text.length) throw new FormatError(`unconverted data remains: ${text.slice(pos)}`);
  if (hour12 !== null) hourOfDay = (hour12 % 12) + (pm ? 12 : 0);
  if (month < 1 || month > 12 || hourOfDay > 23 || minuteOfHour > 59 || second > 61) fail();
  const wall = Date.UTC(2000, month - 1, dayOfMonth, hourOfDay, minuteOfHour, Math.min(second, 59), Math.floor(micro / 1000));
  const check = new Date(wall);
  if (dayOfMonth < 1 || check.getUTCDate() !== dayOfMonth) throw new FormatError(`day is out of range for month in '${text}'`);
  // Date.UTC maps years below 100 into the 1900s; set the year explicitly.
  check.setUTCFullYear(year);
  if (check.getUTCDate() !== dayOfMonth) throw new FormatError(`day is out of range for month in '${text}'`);
  return { wall: check.getTime(), offsetMs };
}
