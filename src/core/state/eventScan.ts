import { assetEventTypes, type AssetEvent, type AssetEventType, type Provenance } from './events';

/**
 * `readAssetEvent` for an `event` column still in SQLite's memory (UTF-8 bytes), without decoding
 * the text or building the entry: a strict JSON scanner that checks the whole text the way
 * `JSON.parse` does and notes where the fields `readAssetEvent` reads are (run id, timestamp, event
 * type, asset key, partition, tags, failure reason). Only what the caller keeps is decoded, so
 * reading a million events makes little garbage (JSON.parse's would dominate the time in GC).
 *
 * It answers exactly as `readAssetEvent(text)` would, where `text` is the column as wa-sqlite
 * decodes it (TextDecoder: a leading byte order mark dropped, invalid UTF-8 replaced, which only ever
 * happens inside strings, since structural characters are ASCII and decode to themselves), or it
 * declines (`undefined`) and the caller asks `readAssetEvent`. It declines where decoding could
 * change what a field holds: a serdes tag (`__enum__`, `__set__`, `__frozenset__`,
 * `__mapping_items__`, `__proto__`) as a key of an object it reads (the failure reason's
 * `{"__enum__": ...}` is read as its member name, as `decodeSerdes` does), an object where a leaf
 * was expected (it may decode to one), a repeated tag, and nesting deeper than Python's serializer
 * writes (where the original path's recursive decoding may run out of stack). A syntax error is
 * `null`, as `JSON.parse` throwing is; so is a field whose plain JSON type the schema rejects. With
 * repeated keys the last counts, as in `JSON.parse`'s object.
 */

const SYNTAX = 1;
const DECLINE = 2;
const maxDepth = 1000;
const maxTags = 256;

let src: Uint8Array = new Uint8Array(0);
let pos = 0;
let end = 0;
let depth = 0;
/** The last string read: its contents' byte range and whether it held an escape. */
let strStart = 0;
let strEnd = 0;
let strEscaped = false;
/** The last key read (a copy of the string fields). */
let keyStart = 0;
let keyEnd = 0;
let keyEscaped = false;
let keyText: string | null = null;
/** Where the last value passed over began. */
let valueStart = 0;

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const KIND_NULL = 0;
const KIND_BOOL = 1;
const KIND_NUMBER = 2;
const KIND_STRING = 3;
const KIND_ARRAY = 4;
const KIND_OBJECT = 5;

function fail(code: number): never {
  throw code;
}

function skipSpace(): void {
  const s = src;
  let i = pos;
  while (i < end) {
    const c = s[i] as number;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  pos = i;
}

function expect(c: number): void {
  if (pos >= end || src[pos] !== c) fail(SYNTAX);
  pos++;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** A string at `pos` (its opening quote): sets strStart/strEnd (the contents) and strEscaped. */
function scanString(): void {
  const s = src;
  const e = end;
  const start = pos + 1;
  let i = start;
  let escaped = false;
  for (;;) {
    // Plain characters: anything but a quote, a backslash or a control character.
    let c = 0;
    while (i < e && (c = s[i] as number) >= 0x20 && c !== 0x22 && c !== 0x5c) i++;
    if (i >= e) fail(SYNTAX);
    if (c === 0x22) break;
    if (c < 0x20) fail(SYNTAX);
    escaped = true;
    if (i + 1 >= e) fail(SYNTAX);
    const d = s[i + 1] as number;
    if (d === 0x75) {
      if (i + 5 >= e || !isHex(s[i + 2] as number) || !isHex(s[i + 3] as number) || !isHex(s[i + 4] as number) || !isHex(s[i + 5] as number)) fail(SYNTAX);
      i += 6;
    } else if (d === 0x22 || d === 0x5c || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74) i += 2;
    else fail(SYNTAX);
  }
  strStart = start;
  strEnd = i;
  strEscaped = escaped;
  pos = i + 1;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function scanNumber(): void {
  const s = src;
  const e = end;
  let i = pos;
  if (s[i] === 0x2d) i++;
  if (i >= e) fail(SYNTAX);
  const c = s[i] as number;
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) {
    i++;
    while (i < e && isDigit(s[i])) i++;
  } else fail(SYNTAX);
  if (i < e && s[i] === 0x2e) {
    i++;
    const digits = i;
    while (i < e && isDigit(s[i])) i++;
    if (i === digits) fail(SYNTAX);
  }
  if (i < e && (s[i] === 0x65 || s[i] === 0x45)) {
    i++;
    if (i < e && (s[i] === 0x2b || s[i] === 0x2d)) i++;
    const digits = i;
    while (i < e && isDigit(s[i])) i++;
    if (i === digits) fail(SYNTAX);
  }
  pos = i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function scanWord(word: readonly number[]): void {
  if (pos + word.length > end) fail(SYNTAX);
  for (let i = 0; i < word.length; i++) if (src[pos + i] !== word[i]) fail(SYNTAX);
  pos += word.length;
}

function enter(): void {
  if (++depth > maxDepth) fail(DECLINE);
}

/** Any value at `pos` (after whitespace), checked and passed over; its kind. It starts at valueStart. */
function skipValue(): number {
  skipSpace();
  if (pos >= end) fail(SYNTAX);
  const c = src[pos] as number;
  valueStart = pos;
  if (c === 0x22) {
    scanString();
    return KIND_STRING;
  }
  if (c === 0x7b || c === 0x5b) {
    pos = skipContainer(src, pos, end, maxDepth - depth);
    return c === 0x7b ? KIND_OBJECT : KIND_ARRAY;
  }
  if (c === 0x74) {
    scanWord(TRUE);
    return KIND_BOOL;
  }
  if (c === 0x66) {
    scanWord(FALSE);
    return KIND_BOOL;
  }
  if (c === 0x6e) {
    scanWord(NULL);
    return KIND_NULL;
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    scanNumber();
    return KIND_NUMBER;
  }
  return fail(SYNTAX);
}

/** Whether a byte can stand in a string as it is (not a quote, a backslash or a control character). */
const plain = new Uint8Array(256);
for (let c = 0x20; c < 256; c++) plain[c] = c === 0x22 || c === 0x5c ? 0 : 1;
const OBJECT = 1;
const ARRAY = 2;
let stack = new Uint8Array(64);

/**
 * The object or array at `i` (its `{` or `[`), checked and passed over with nothing but locals in
 * the loop (the bulk of an event is metadata, logging tags and handles nobody reads); the position
 * after it. At most `room` levels deep, else DECLINE.
 */
function skipContainer(s: Uint8Array, i: number, e: number, room: number): number {
  let sp = 0;
  for (;;) {
    // A value starts at i (after whitespace).
    let c = s[i] as number;
    while (i < e && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = s[++i] as number;
    if (i >= e) fail(SYNTAX);
    if (c === 0x7b || c === 0x5b) {
      if (sp >= room) fail(DECLINE);
      if (sp >= stack.length) {
        const bigger = new Uint8Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      stack[sp++] = c === 0x7b ? OBJECT : ARRAY;
      i++;
      c = s[i] as number;
      while (i < e && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = s[++i] as number;
      if (i >= e) fail(SYNTAX);
      if (c === (stack[sp - 1] === OBJECT ? 0x7d : 0x5d)) {
        sp--;
        i++;
      } else if (stack[sp - 1] === OBJECT) {
        i = skipKey(s, i, e);
        continue;
      } else continue;
    } else if (c === 0x22) {
      i = skipString(s, i, e);
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
      if (i + word.length > e) fail(SYNTAX);
      for (let k = 1; k < word.length; k++) if (s[i + k] !== word[k]) fail(SYNTAX);
      i += word.length;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      pos = i;
      scanNumber();
      i = pos;
    } else fail(SYNTAX);
    // After a value: the end of the containers it closes, then a comma before the next one.
    for (;;) {
      if (sp === 0) return i;
      c = s[i] as number;
      while (i < e && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = s[++i] as number;
      if (i >= e) fail(SYNTAX);
      const top = stack[sp - 1];
      if (c === 0x2c) {
        i++;
        if (top === OBJECT) {
          c = s[i] as number;
          while (i < e && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = s[++i] as number;
          i = skipKey(s, i, e);
        }
        break;
      }
      if (c === (top === OBJECT ? 0x7d : 0x5d)) {
        sp--;
        i++;
        continue;
      }
      fail(SYNTAX);
    }
  }
}

/** A member's key and its colon at `i`; the position after the colon. */
function skipKey(s: Uint8Array, i: number, e: number): number {
  if (i >= e || s[i] !== 0x22) fail(SYNTAX);
  i = skipString(s, i, e);
  let c = s[i] as number;
  while (i < e && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = s[++i] as number;
  if (i >= e || c !== 0x3a) fail(SYNTAX);
  return i + 1;
}

/** The string at `i` (its opening quote); the position after its closing quote. */
function skipString(s: Uint8Array, i: number, e: number): number {
  i++;
  for (;;) {
    while (i < e && plain[s[i] as number] === 1) i++;
    if (i >= e) fail(SYNTAX);
    const c = s[i] as number;
    if (c === 0x22) return i + 1;
    if (c < 0x20) fail(SYNTAX);
    // A backslash.
    if (i + 1 >= e) fail(SYNTAX);
    const d = s[i + 1] as number;
    if (d === 0x75) {
      if (i + 5 >= e || !isHex(s[i + 2] as number) || !isHex(s[i + 3] as number) || !isHex(s[i + 4] as number) || !isHex(s[i + 5] as number)) fail(SYNTAX);
      i += 6;
    } else if (d === 0x22 || d === 0x5c || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74) i += 2;
    else fail(SYNTAX);
  }
}

/** The string in [from, to) of the text, decoded as JSON.parse would (escapes included). */
function decodeString(from: number, to: number, escaped: boolean): string {
  const text = asciiOrUtf8(from, to);
  // The contents are a valid JSON string body; JSON.parse gives exactly the value it had in the whole text.
  return escaped ? (JSON.parse(`"${text}"`) as string) : text;
}

/** Short ASCII runs are built directly (TextDecoder's call costs more than the bytes); anything else goes through it. */
function asciiOrUtf8(from: number, to: number): string {
  if (to - from <= 64) {
    const s = src;
    let ascii = true;
    for (let i = from; i < to; i++) {
      if ((s[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, s.subarray(from, to) as unknown as number[]);
  }
  return utf8.decode(src.subarray(from, to));
}

// Objects the reader looks into: `openObject` at their `{`, then `nextKey()` until false; the caller
// reads or skips each value. Keys are compared as bytes, or decoded when they hold an escape.
let first = true;

function openObject(): void {
  enter();
  pos++;
  first = true;
}

function nextKey(): boolean {
  skipSpace();
  if (first) {
    first = false;
    if (pos < end && src[pos] === 0x7d) {
      pos++;
      depth--;
      return false;
    }
  } else {
    if (pos < end && src[pos] === 0x2c) pos++;
    else {
      expect(0x7d);
      depth--;
      return false;
    }
    skipSpace();
  }
  if (pos >= end || src[pos] !== 0x22) fail(SYNTAX);
  scanString();
  keyStart = strStart;
  keyEnd = strEnd;
  keyEscaped = strEscaped;
  keyText = keyEscaped ? decodeString(keyStart, keyEnd, true) : null;
  skipSpace();
  expect(0x3a);
  if (keyText !== null ? tagKeyNames.has(keyText) : keyEnd - keyStart >= 7 && src[keyStart] === 0x5f && src[keyStart + 1] === 0x5f && isTagKey()) fail(DECLINE);
  return true;
}

/** ASCII text as bytes, to compare with the text's. */
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const tagKeyNames = new Set(['__enum__', '__set__', '__frozenset__', '__mapping_items__', '__proto__']);
const tagKeys = [...tagKeyNames].map(ascii);
function isTagKey(): boolean {
  for (const k of tagKeys) if (rangeIs(keyStart, keyEnd, k)) return true;
  return false;
}

function rangeIs(from: number, to: number, name: readonly number[]): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (src[from + i] !== name[i]) return false;
  return true;
}

function keyIs(name: Key): boolean {
  return keyText !== null ? keyText === name.text : rangeIs(keyStart, keyEnd, name.bytes);
}

interface Key {
  text: string;
  bytes: number[];
}
const key = (text: string): Key => ({ text, bytes: ascii(text) });
const K = {
  run_id: key('run_id'),
  timestamp: key('timestamp'),
  dagster_event: key('dagster_event'),
  event_type_value: key('event_type_value'),
  event_specific_data: key('event_specific_data'),
  materialization: key('materialization'),
  asset_observation: key('asset_observation'),
  asset_key: key('asset_key'),
  partition: key('partition'),
  asset_materialization_failure: key('asset_materialization_failure'),
  path: key('path'),
  tags: key('tags'),
  reason: key('reason'),
};

// ---------------------------------------------------------------------------------------------
// The tape: what the scan found, by position. A member read again (a repeated key) is read anew,
// so what stays is its last occurrence. States: ABSENT, NULL, SET (a value), BAD (the schema
// rejects it).
// ---------------------------------------------------------------------------------------------

const ABSENT = 0;
const IS_NULL = 1;
const SET = 2;
const BAD = 3;

/** A string field: its state and, when SET, its byte range. */
class StringField {
  state = ABSENT;
  start = 0;
  end = 0;
  escaped = false;
  reset(): void {
    this.state = ABSENT;
  }
  text(): string {
    return decodeString(this.start, this.end, this.escaped);
  }
}

/** An asset key's path: SET with the element ranges (3 ints each: start, end, escaped). */
class PathField {
  state = ABSENT;
  count = 0;
  ranges: Int32Array = new Int32Array(48);
  reset(): void {
    this.state = ABSENT;
    this.count = 0;
  }
  value(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(decodeString(this.ranges[3 * i] as number, this.ranges[3 * i + 1] as number, this.ranges[3 * i + 2] === 1));
    return out;
  }
}

/** A tags object: SET with each tag's key range, value kind and value range (7 ints each). */
class TagsField {
  state = ABSENT;
  count = 0;
  tape: Int32Array = new Int32Array(7 * 16);
  reset(): void {
    this.state = ABSENT;
    this.count = 0;
  }
}
// Tag tape layout.
const T_KEY = 0;
const T_KEY_END = 1;
const T_KEY_ESC = 2;
const T_KIND = 3;
const T_VALUE = 4;
const T_VALUE_END = 5;
const T_VALUE_ESC = 6;

class PayloadField {
  state = ABSENT;
  readonly path = new PathField();
  readonly partition = new StringField();
  readonly tags = new TagsField();
  /** The failure reason (decoded: an enum's member name), when it is a string. */
  reasonState = ABSENT;
  reason: string | null = null;
  reset(): void {
    this.state = ABSENT;
    this.path.reset();
    this.partition.reset();
    this.tags.reset();
    this.reasonState = ABSENT;
    this.reason = null;
  }
}

const runId = new StringField();
let timestampState = ABSENT;
let timestamp = 0;
let eventState = ABSENT;
const eventType = new StringField();
let dataState = ABSENT;
const materialization = new PayloadField();
const observation = new PayloadField();
const failure = new PayloadField();
const dataPath = new PathField();
const dataPartition = new StringField();

/** A string member (or null when `nullable`); objects may decode to a string. */
function readString(field: StringField, nullable: boolean): void {
  const kind = skipValue();
  if (kind === KIND_STRING) {
    field.state = SET;
    field.start = strStart;
    field.end = strEnd;
    field.escaped = strEscaped;
  } else if (kind === KIND_NULL && nullable) field.state = IS_NULL;
  else if (kind === KIND_OBJECT) fail(DECLINE);
  else field.state = BAD;
}

/** Opens an object member; otherwise notes null (when `nullable`) or BAD in `state` and returns the state. */
function openOr(nullable: boolean): number {
  skipSpace();
  if (pos >= end) fail(SYNTAX);
  if (src[pos] === 0x7b) {
    openObject();
    return SET;
  }
  const kind = skipValue();
  if (kind === KIND_NULL && nullable) return IS_NULL;
  if (kind === KIND_ARRAY) fail(DECLINE);
  return BAD;
}

/** Resets a field and opens its object: false, with the field's state saying why, when there is none to read. */
function openField(field: { state: number; reset(): void }): boolean {
  field.reset();
  const opened = openOr(true);
  if (opened === SET) return true;
  field.state = opened;
  return false;
}

/** `assetKeySchema.nullable()`. */
function readAssetKey(field: PathField): void {
  if (!openField(field)) return;
  let state = ABSENT;
  while (nextKey()) {
    if (!keyIs(K.path)) {
      skipValue();
      continue;
    }
    skipSpace();
    if (pos < end && src[pos] === 0x5b) {
      enter();
      pos++;
      field.count = 0;
      let bad = false;
      skipSpace();
      if (pos < end && src[pos] === 0x5d) pos++;
      else {
        for (;;) {
          const kind = skipValue();
          if (kind === KIND_STRING) {
            if (3 * field.count + 3 > field.ranges.length) field.ranges = grow(field.ranges);
            field.ranges[3 * field.count] = strStart;
            field.ranges[3 * field.count + 1] = strEnd;
            field.ranges[3 * field.count + 2] = strEscaped ? 1 : 0;
            field.count++;
          } else if (kind === KIND_OBJECT) fail(DECLINE);
          else bad = true;
          skipSpace();
          if (pos < end && src[pos] === 0x2c) {
            pos++;
            continue;
          }
          expect(0x5d);
          break;
        }
      }
      depth--;
      state = bad || field.count < 1 ? BAD : SET;
    } else {
      if (skipValue() === KIND_OBJECT) fail(DECLINE);
      state = BAD;
    }
  }
  field.state = state === SET ? SET : BAD;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** `tagsSchema` (nullable): each tag's place, for `tags()` and `provenance()` to read. */
function readTags(field: TagsField): void {
  if (!openField(field)) return;
  let bad = false;
  while (nextKey()) {
    const kind = skipValue();
    if (kind === KIND_OBJECT) fail(DECLINE);
    if (kind === KIND_ARRAY) bad = true;
    if (field.count >= maxTags) fail(DECLINE);
    const n = field.count;
    if (7 * n + 7 > field.tape.length) field.tape = grow(field.tape);
    const t = field.tape;
    // A repeated tag keeps its first place and its last value in JSON.parse's object.
    for (let j = 0; j < n; j++) if (sameKey(t, j)) fail(DECLINE);
    const o = 7 * n;
    t[o + T_KEY] = keyStart;
    t[o + T_KEY_END] = keyEnd;
    t[o + T_KEY_ESC] = keyEscaped ? 1 : 0;
    t[o + T_KIND] = kind;
    t[o + T_VALUE] = kind === KIND_STRING ? strStart : valueStart;
    t[o + T_VALUE_END] = kind === KIND_STRING ? strEnd : pos;
    t[o + T_VALUE_ESC] = kind === KIND_STRING && strEscaped ? 1 : 0;
    field.count++;
  }
  field.state = bad ? BAD : SET;
}

/** Whether tag `j` has the key just read (escaped keys compared decoded). */
function sameKey(t: Int32Array, j: number): boolean {
  const o = 7 * j;
  const from = t[o + T_KEY] as number;
  const to = t[o + T_KEY_END] as number;
  if (t[o + T_KEY_ESC] === 1 || keyEscaped) return decodeString(from, to, t[o + T_KEY_ESC] === 1) === (keyText ?? decodeString(keyStart, keyEnd, false));
  if (to - from !== keyEnd - keyStart) return false;
  for (let i = 0; i < to - from; i++) if (src[from + i] !== src[keyStart + i]) return false;
  return true;
}

/** The failure reason: a string, null, or `{"__enum__": "Class.MEMBER"}`, which decodes to "MEMBER". */
function readReason(field: PayloadField): void {
  skipSpace();
  if (pos >= end) fail(SYNTAX);
  if (src[pos] !== 0x7b) {
    const kind = skipValue();
    if (kind === KIND_STRING) {
      field.reasonState = SET;
      field.reason = decodeString(strStart, strEnd, strEscaped);
    } else if (kind === KIND_NULL) {
      field.reasonState = IS_NULL;
      field.reason = null;
    } else if (kind === KIND_ARRAY) fail(DECLINE);
    else field.reasonState = BAD;
    return;
  }
  // decodeSerdes: an object with a string `__enum__` is its member name, whatever else it holds.
  enter();
  pos++;
  let member: string | null = null;
  let isFirst = true;
  for (;;) {
    skipSpace();
    if (isFirst && pos < end && src[pos] === 0x7d) {
      pos++;
      break;
    }
    if (!isFirst) {
      if (pos < end && src[pos] === 0x2c) {
        pos++;
        skipSpace();
      } else {
        expect(0x7d);
        break;
      }
    }
    isFirst = false;
    if (pos >= end || src[pos] !== 0x22) fail(SYNTAX);
    scanString();
    const isEnum = strEscaped ? decodeString(strStart, strEnd, true) === '__enum__' : rangeIs(strStart, strEnd, ENUM);
    skipSpace();
    expect(0x3a);
    const kind = skipValue();
    if (isEnum) member = kind === KIND_STRING ? decodeString(strStart, strEnd, strEscaped) : null;
  }
  depth--;
  if (member === null) fail(DECLINE);
  field.reasonState = SET;
  field.reason = member.slice(member.lastIndexOf('.') + 1);
}
const ENUM = ascii('__enum__');

/** `assetPayloadSchema` (with `reason` for failures), nullable. */
function readPayload(field: PayloadField, withReason: boolean): void {
  if (!openField(field)) return;
  while (nextKey()) {
    if (keyIs(K.asset_key)) readAssetKey(field.path);
    else if (keyIs(K.partition)) readString(field.partition, true);
    else if (keyIs(K.tags)) readTags(field.tags);
    else if (withReason && keyIs(K.reason)) readReason(field);
    else skipValue();
  }
  field.state = field.path.state === BAD || field.partition.state === BAD || field.tags.state === BAD || field.reasonState === BAD ? BAD : SET;
}

function readSpecificData(): void {
  materialization.reset();
  observation.reset();
  failure.reset();
  dataPath.reset();
  dataPartition.reset();
  const opened = openOr(true);
  if (opened !== SET) {
    dataState = opened;
    return;
  }
  while (nextKey()) {
    if (keyIs(K.materialization)) readPayload(materialization, false);
    else if (keyIs(K.asset_observation)) readPayload(observation, false);
    else if (keyIs(K.asset_key)) readAssetKey(dataPath);
    else if (keyIs(K.partition)) readString(dataPartition, true);
    else if (keyIs(K.asset_materialization_failure)) readPayload(failure, true);
    else skipValue();
  }
  dataState = materialization.state === BAD || observation.state === BAD || dataPath.state === BAD || dataPartition.state === BAD || failure.state === BAD ? BAD : SET;
}

function readDagsterEvent(): void {
  eventType.reset();
  dataState = ABSENT;
  const opened = openOr(true);
  if (opened !== SET) {
    eventState = opened;
    return;
  }
  while (nextKey()) {
    if (keyIs(K.event_type_value)) readString(eventType, false);
    else if (keyIs(K.event_specific_data)) readSpecificData();
    else skipValue();
  }
  eventState = eventType.state !== SET || dataState === BAD ? BAD : SET;
}

/** Scans the whole text; the type when it is an asset event the schema accepts, else null (or throws DECLINE). */
function scanEntry(bytes: Uint8Array, start: number, stop: number): AssetEventType | null {
  src = bytes;
  pos = start;
  end = stop;
  depth = 0;
  runId.reset();
  timestampState = ABSENT;
  eventState = ABSENT;
  // TextDecoder drops a leading byte order mark.
  if (end - pos >= 3 && src[pos] === 0xef && src[pos + 1] === 0xbb && src[pos + 2] === 0xbf) pos += 3;
  skipSpace();
  if (pos >= end) fail(SYNTAX);
  if (src[pos] !== 0x7b) {
    // An array or a plain value: JSON, but not an entry.
    skipValue();
    skipSpace();
    if (pos !== end && src[pos] !== 0) fail(SYNTAX);
    return null;
  }
  openObject();
  while (nextKey()) {
    if (keyIs(K.run_id)) readString(runId, false);
    else if (keyIs(K.timestamp)) {
      const kind = skipValue();
      if (kind === KIND_NUMBER) {
        timestampState = SET;
        timestamp = Number(latin1(valueStart, pos));
      } else if (kind === KIND_OBJECT) fail(DECLINE);
      else timestampState = BAD;
    } else if (keyIs(K.dagster_event)) readDagsterEvent();
    else skipValue();
  }
  skipSpace();
  if (pos !== end && src[pos] !== 0) fail(SYNTAX);
  if (runId.state === BAD || timestampState === BAD || eventState === BAD || eventState !== SET) return null;
  const typeText = eventType.text();
  return assetEventTypes.find((t) => t === typeText) ?? null;
}

function latin1(from: number, to: number): string {
  return String.fromCharCode.apply(null, src.subarray(from, to) as unknown as number[]);
}

function chosenPayload(type: AssetEventType): PayloadField | null {
  if (dataState !== SET) return null;
  const p = type === 'ASSET_MATERIALIZATION' ? materialization : type === 'ASSET_OBSERVATION' ? observation : type === 'ASSET_FAILED_TO_MATERIALIZE' ? failure : null;
  return p && p.state === SET ? p : null;
}

/** A tag's value as `readAssetEvent` keeps it (`String(value)`); null for a null value (dropped). */
function tagValue(t: Int32Array, o: number): string | null {
  const kind = t[o + T_KIND];
  if (kind === KIND_STRING) return decodeString(t[o + T_VALUE] as number, t[o + T_VALUE_END] as number, t[o + T_VALUE_ESC] === 1);
  if (kind === KIND_NUMBER) return String(Number(latin1(t[o + T_VALUE] as number, t[o + T_VALUE_END] as number)));
  if (kind === KIND_BOOL) return src[t[o + T_VALUE] as number] === 0x74 ? 'true' : 'false';
  return null;
}

function tagKey(t: Int32Array, o: number): string {
  return decodeString(t[o + T_KEY] as number, t[o + T_KEY_END] as number, t[o + T_KEY_ESC] === 1);
}

function tagsOf(field: TagsField): Record<string, string> {
  const out: Record<string, string> = {};
  if (field.state !== SET) return out;
  for (let j = 0; j < field.count; j++) {
    const value = tagValue(field.tape, 7 * j);
    if (value !== null) out[tagKey(field.tape, 7 * j)] = value;
  }
  return out;
}

function finish<T>(scan: () => T): T | undefined {
  try {
    return scan();
  } catch (code) {
    if (code === SYNTAX) return null as T;
    if (code === DECLINE) return undefined;
    throw code;
  }
}

/**
 * `readAssetEvent` of the text column in `bytes[start, stop)`, or `undefined` when the scanner
 * declines and `readAssetEvent` must decide on the decoded text. The text ends at the first NUL, as
 * Emscripten's UTF8ToString reads it: a NUL inside a string or a structure is the end of the text
 * there (a syntax error either way), so only after the entry does it need a second look.
 */
export function scanAssetEvent(bytes: Uint8Array, start: number, stop: number): AssetEvent | null | undefined {
  return finish(() => {
    const type = scanEntry(bytes, start, stop);
    if (type === null) return null;
    const chosen = chosenPayload(type);
    const data = dataState === SET;
    const path = chosen?.path.state === SET ? chosen.path.value() : data && dataPath.state === SET ? dataPath.value() : null;
    const partition = chosen ? (chosen.partition.state === SET ? chosen.partition.text() : null) : data && dataPartition.state === SET ? dataPartition.text() : null;
    return {
      type,
      assetKey: path,
      partition,
      tags: chosen ? tagsOf(chosen.tags) : {},
      timestamp: timestampState === SET ? timestamp : null,
      runId: runId.state === SET ? runId.text() : null,
      failureReason: type === 'ASSET_FAILED_TO_MATERIALIZE' && data && failure.state === SET && failure.reasonState === SET ? failure.reason : null,
    };
  });
}

/** What the state reader takes from an event: `readAssetEvent`'s fields with the tags already read as provenance. */
export interface ScannedEvent {
  type: AssetEventType;
  timestamp: number | null;
  /** The entry's run id (decoded on demand, before the next scan: the row's own column usually has it). */
  runId(): string | null;
  failureReason: string | null;
  /** For materializations and observations: `provenanceOf(event.tags)`. */
  provenance: Provenance | null;
}

const scanned: ScannedEvent = {
  type: 'ASSET_MATERIALIZATION',
  timestamp: null,
  runId: () => null,
  failureReason: null,
  provenance: null,
};

const INPUT = ascii('dagster/input_');
const DATA_PREFIX = ascii('dagster/input_data_version/');
const LOGICAL_PREFIX = ascii('dagster/input_logical_version/');
const POINTER_PREFIX = ascii('dagster/input_event_pointer/');
const DATA_VERSION = ascii('dagster/data_version');
const LOGICAL_VERSION = ascii('dagster/logical_version');
const CODE_VERSION = ascii('dagster/code_version');
const USER_PROVIDED = ascii('dagster/data_version_is_user_provided');

function startsWith(from: number, to: number, name: readonly number[]): boolean {
  if (to - from < name.length) return false;
  for (let i = 0; i < name.length; i++) if (src[from + i] !== name[i]) return false;
  return true;
}

/**
 * `provenanceOf(tags)` for the tags on the tape, without building the tags: the same walk in the
 * same order (no tag repeats, and no provenance key looks like an array index, which objects would
 * list first), decoding only the keys and values it keeps.
 */
function provenanceFromTags(field: TagsField): Provenance {
  // Each record's two objects are made at once (Object.fromEntries) from their entries, which
  // follow the assignments of provenanceOf: for data versions `??=` (the first one counts, and a
  // name Object.prototype has is never set), for pointers `=` (the last one counts, in the first
  // one's place). A pointer named `__proto__` would set the prototype: that record is built by the
  // assignments themselves.
  const versionKeys: string[] = [];
  const versionValues: string[] = [];
  const pointerKeys: string[] = [];
  const pointerValues: (number | null)[] = [];
  let dataVersion: string | null = null;
  let logicalVersion: string | null = null;
  let codeVersion: string | null = null;
  let userProvided: string | null = null;
  const addVersion = (name: string, value: () => string): void => {
    if (name in Object.prototype || versionKeys.includes(name)) return;
    versionKeys.push(name);
    versionValues.push(value());
  };
  // Tags do not repeat, so neither do pointer names; a repeat would keep its first place, last value.
  const addPointer = (name: string, value: number | null): void => {
    const at = pointerKeys.indexOf(name);
    if (at >= 0) pointerValues[at] = value;
    else {
      pointerKeys.push(name);
      pointerValues.push(value);
    }
  };
  const t = field.tape;
  for (let j = 0; field.state === SET && j < field.count; j++) {
    const o = 7 * j;
    if (t[o + T_KIND] === KIND_NULL) continue;
    let from = t[o + T_KEY] as number;
    const to = t[o + T_KEY_END] as number;
    if (t[o + T_KEY_ESC] === 1) {
      // Decoded, then compared as text (the rare key with an escape).
      const keyString = tagKey(t, o);
      const value = (): string => tagValue(t, o) as string;
      if (keyString.startsWith('dagster/input_data_version/')) addVersion(keyString.slice(27), value);
      else if (keyString.startsWith('dagster/input_logical_version/')) addVersion(keyString.slice(30), value);
      else if (keyString.startsWith('dagster/input_event_pointer/')) addPointer(keyString.slice(28), pointerOf(t, o));
      else if (keyString === 'dagster/data_version') dataVersion = value();
      else if (keyString === 'dagster/logical_version') logicalVersion = value();
      else if (keyString === 'dagster/code_version') codeVersion = value();
      else if (keyString === 'dagster/data_version_is_user_provided') userProvided = value();
      continue;
    }
    if (startsWith(from, to, INPUT)) {
      if (startsWith(from, to, DATA_PREFIX)) from += DATA_PREFIX.length;
      else if (startsWith(from, to, LOGICAL_PREFIX)) from += LOGICAL_PREFIX.length;
      else if (startsWith(from, to, POINTER_PREFIX)) {
        addPointer(asciiOrUtf8(from + POINTER_PREFIX.length, to), pointerOf(t, o));
        continue;
      } else continue;
      addVersion(asciiOrUtf8(from, to), () => tagValue(t, o) as string);
    } else if (rangeIs(from, to, DATA_VERSION)) dataVersion = tagValue(t, o);
    else if (rangeIs(from, to, LOGICAL_VERSION)) logicalVersion = tagValue(t, o);
    else if (rangeIs(from, to, CODE_VERSION)) codeVersion = tagValue(t, o);
    else if (rangeIs(from, to, USER_PROVIDED)) userProvided = tagValue(t, o);
  }
  return {
    dataVersion: dataVersion ?? logicalVersion ?? null,
    codeVersion,
    dataVersionIsUserProvided: userProvided === 'true',
    inputDataVersions: objectOf(versionKeys, versionValues),
    inputEventPointers: pointerKeys.includes('__proto__') ? assigned(pointerKeys, pointerValues) : objectOf(pointerKeys, pointerValues),
  };
}

function objectOf<T>(keys: string[], values: T[]): Record<string, T> {
  if (keys.length === 0) return {};
  if (keys.length === 1) return Object.fromEntries([[keys[0] as string, values[0] as T]]) as Record<string, T>;
  return Object.fromEntries(keys.map((k, i) => [k, values[i] as T])) as Record<string, T>;
}

function assigned(keys: string[], values: (number | null)[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (let i = 0; i < keys.length; i++) out[keys[i] as string] = values[i] as number | null;
  return out;
}

/** `provenanceOf`'s reading of an input event pointer tag (not null). */
function pointerOf(t: Int32Array, o: number): number | null {
  if (t[o + T_KIND] === KIND_STRING && t[o + T_VALUE_ESC] === 0) {
    // Plain digits (what Dagster writes): the number without making a string first.
    const from = t[o + T_VALUE] as number;
    const to = t[o + T_VALUE_END] as number;
    if (to > from && to - from <= 15) {
      let n = 0;
      let i = from;
      for (; i < to; i++) {
        const c = src[i] as number;
        if (c < 0x30 || c > 0x39) break;
        n = n * 10 + (c - 0x30);
      }
      if (i === to) return n;
    }
  }
  const value = tagValue(t, o) as string;
  const pointer = value === 'NULL' ? null : Number(value);
  return pointer !== null && Number.isFinite(pointer) ? pointer : null;
}

/**
 * The state reader's view of `readAssetEvent(text)` (and `provenanceOf` of its tags), from the bytes;
 * null where `readAssetEvent` gives null, undefined when declining. The object is reused: read it
 * before the next call.
 */
export function scanEventRecord(bytes: Uint8Array, start: number, stop: number): ScannedEvent | null | undefined {
  return finish(() => {
    const type = scanEntry(bytes, start, stop);
    if (type === null) return null;
    const chosen = chosenPayload(type);
    scanned.type = type;
    scanned.timestamp = timestampState === SET ? timestamp : null;
    scanned.runId = scannedRunId;
    scanned.failureReason = type === 'ASSET_FAILED_TO_MATERIALIZE' && dataState === SET && failure.state === SET && failure.reasonState === SET ? failure.reason : null;
    scanned.provenance = type === 'ASSET_MATERIALIZATION' || type === 'ASSET_OBSERVATION' ? (chosen ? provenanceFromTags(chosen.tags) : provenanceFromTags(emptyTags)) : null;
    return scanned;
  });
}
const emptyTags = new TagsField();
const scannedRunId = (): string | null => (runId.state === SET ? runId.text() : null);
