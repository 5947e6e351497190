import { parseUserKey } from '../model/assetKey';
import type { LexedPython, PyToken } from './pythonTokens';

/**
 * An asset key written in Python source at some position, read from the text alone (the document
 * may be unsaved). Only literal forms are read: a key built from constants or f-strings is the
 * scanner's business, and a hover must never guess.
 */
export interface KeyReference {
  /** The key as written: components of `AssetKey([...])`, one component for a plain string. */
  key: string[];
  /** Offsets of the text naming the key: the string, or the whole `AssetKey(...)` call. */
  start: number;
  end: number;
  /**
   * `key`: a key. `input` / `output`: a name in `ins={...}` / `outs={...}` of the enclosing
   * definition, which only that definition can turn into a key.
   */
  form: 'key' | 'input' | 'output';
}

/** Calls whose first positional argument is a key (Dagster's `CoercibleToAssetKey`). */
const firstArgumentIsKey = new Set(['AssetIn', 'AssetDep', 'SourceAsset', 'AssetSpec']);

const pythonKeywords = new Set([
  'and', 'as', 'assert', 'async', 'await', 'del', 'elif', 'else', 'except', 'for', 'from', 'if', 'import',
  'in', 'is', 'lambda', 'not', 'or', 'return', 'while', 'with', 'yield', 'case', 'match',
]);

interface Slot {
  /** The called name (`AssetKey` in `dg.AssetKey(...)`), or null when the bracket is not a call. */
  callee: string | null;
  /** The name before `.callee`, if any (`AssetKey` in `AssetKey.from_user_string`). */
  receiver: string | null;
  keyword: string | null;
  /** 0-based position among the arguments (keyword arguments count too). */
  position: number;
}

class TokenTree {
  /** Significant tokens: no comments or newlines. */
  readonly tokens: PyToken[];
  /** The innermost open bracket around each token (for a bracket: the one around it), or -1. */
  readonly parent: Int32Array;
  /** For an open bracket: its closing bracket, or the last token when unclosed. */
  readonly close = new Map<number, number>();

  constructor(all: readonly PyToken[]) {
    this.tokens = all.filter((t) => t.kind !== 'newline' && t.kind !== 'comment');
    this.parent = new Int32Array(this.tokens.length).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < this.tokens.length; i++) {
      const token = this.tokens[i] as PyToken;
      this.parent[i] = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
      if (token.kind !== 'op') continue;
      if (token.text === '(' || token.text === '[' || token.text === '{') stack.push(i);
      else if ((token.text === ')' || token.text === ']' || token.text === '}') && stack.length > 0) {
        this.parent[i] = stack.length > 1 ? (stack[stack.length - 2] as number) : -1;
        this.close.set(stack.pop() as number, i);
      }
    }
    for (const open of stack) this.close.set(open, this.tokens.length - 1);
  }

  op(i: number): string | null {
    const token = this.tokens[i];
    return token && token.kind === 'op' ? token.text : null;
  }

  name(i: number): string | null {
    const token = this.tokens[i];
    return token && token.kind === 'name' ? token.text : null;
  }

  /** The token at the offset; a cursor just after a string or name still counts as on it. */
  at(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.tokens[mid] as PyToken).start <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found === -1) return -1;
    const isWord = (t: PyToken | undefined): boolean => t !== undefined && (t.kind === 'string' || t.kind === 'name');
    const token = this.tokens[found] as PyToken;
    if (offset < token.end && (isWord(token) || offset > token.start)) return found;
    // The cursor sits between a word and what follows it (`"a"|]`): the word is meant.
    const before = offset === token.start ? this.tokens[found - 1] : token;
    if (before && before.end === offset && isWord(before)) return before === token ? found : found - 1;
    return offset < token.end ? found : -1;
  }

  /** Whether the bracket at `open` is a call's argument list. */
  isCall(open: number): boolean {
    if (this.op(open) !== '(' || open === 0) return false;
    const before = this.tokens[open - 1] as PyToken;
    if (before.kind === 'name') return !pythonKeywords.has(before.text);
    return before.kind === 'op' && (before.text === ')' || before.text === ']');
  }

  /** Where the expression starting at token `i` sits inside the bracket `open`. */
  slot(open: number, i: number): Slot {
    let position = 0;
    for (let k = open + 1; k < i; k++) if (this.parent[k] === open && this.op(k) === ',') position++;
    const keyword = this.op(i - 1) === '=' && this.parent[i - 2] === open && i - 2 > open ? this.name(i - 2) : null;
    const call = this.isCall(open);
    const callee = call ? this.name(open - 1) : null;
    const receiver = callee !== null && this.op(open - 2) === '.' ? this.name(open - 3) : null;
    return { callee, receiver, keyword, position };
  }

  plainString(i: number): string | null {
    const token = this.tokens[i];
    return token && token.kind === 'string' && !token.triple ? token.value : null;
  }

  /** True when token `i` (or the bracketed expression it opens) is a whole argument or element, not part of a larger expression. */
  isWholeItem(i: number, allowColonAfter: boolean): boolean {
    const before = this.op(i - 1);
    const end = this.close.get(i) ?? i;
    const after = this.op(end + 1);
    const startsItem = before === '(' || before === '[' || before === '{' || before === ',' || before === '=' || before === ':';
    const endsItem = after === ',' || after === ')' || after === ']' || after === '}' || (allowColonAfter && after === ':');
    return startsItem && endsItem;
  }

  /** The strings of a literal list or tuple opened at `open`, or null when any element is not a plain string. */
  stringElements(open: number): string[] | null {
    const end = this.close.get(open);
    if (end === undefined || end === open + 1) return null;
    const parts: string[] = [];
    for (let k = open + 1; k < end; k++) {
      if (this.op(k) === ',' && this.parent[k] === open) continue;
      const value = this.plainString(k);
      if (value === null || this.parent[k] !== open || !this.isWholeItem(k, false)) return null;
      parts.push(value);
    }
    return parts;
  }

  /** `AssetKey("a")`, `AssetKey(["a", "b"])`, `AssetKey(path=("a", "b"))` with the callee name at `nameIndex`. */
  assetKeyCall(nameIndex: number): KeyReference | null {
    const open = nameIndex + 1;
    if (this.name(nameIndex) !== 'AssetKey' || this.op(open) !== '(') return null;
    const end = this.close.get(open) as number;
    let arg = open + 1;
    if (this.name(arg) === 'path' && this.op(arg + 1) === '=') arg += 2;
    const argEnd = this.close.get(arg) ?? arg;
    const closesCall = argEnd + 1 === end || (this.op(argEnd + 1) === ',' && argEnd + 2 === end);
    if (!closesCall) return null;
    let key: string[] | null = null;
    const single = this.plainString(arg);
    if (single !== null) key = [single];
    else if (this.op(arg) === '[' || this.op(arg) === '(') key = this.stringElements(arg);
    if (!key) return null;
    return { key, start: (this.tokens[nameIndex] as PyToken).start, end: (this.tokens[end] as PyToken).end, form: 'key' };
  }
}

/**
 * The asset key written at `offset`, if the text there is one of Dagster's literal key forms:
 * - `AssetKey("a")`, `AssetKey(["a", "b"])`, `AssetKey(path=[...])` (on the call or any of its strings);
 * - `AssetKey.from_user_string("a/b")` and `AssetSelection.keys("a/b")` (user strings, split on `/`);
 * - a string given as a key: `key="a"` or `key=["a", "b"]` in any call, the first argument of
 *   `AssetIn`, `AssetDep`, `SourceAsset`, `AssetSpec`, an element of `deps=[...]`,
 *   an argument of `AssetSelection.assets(...)` (one component each: Dagster never splits a plain string);
 * - a name in `ins={...}` or `outs={...}` (resolved through the enclosing definition).
 */
export function keyReferenceAt(lexed: LexedPython, offset: number): KeyReference | null {
  const tree = new TokenTree(lexed.tokens);
  const s = tree.at(offset);
  if (s === -1) return null;
  const token = tree.tokens[s] as PyToken;
  if (token.kind === 'name') return token.text === 'AssetKey' ? tree.assetKeyCall(s) : null;
  const value = tree.plainString(s);
  if (value === null) return null;
  const own = { start: token.start, end: token.end };
  const p = tree.parent[s] as number;
  if (p === -1) return null;
  const open = tree.op(p);

  if (open === '{' && tree.op(s + 1) === ':') {
    if (!tree.isWholeItem(s, true) || tree.parent[p] === -1) return null;
    const slot = tree.slot(tree.parent[p] as number, p);
    if (slot.keyword === 'ins') return { key: [value], ...own, form: 'input' };
    if (slot.keyword === 'outs') return { key: [value], ...own, form: 'output' };
    return null;
  }
  if (!tree.isWholeItem(s, false)) return null;

  if (tree.isCall(p)) {
    const slot = tree.slot(p, s);
    if (slot.callee === 'AssetKey' && (slot.keyword === 'path' || (slot.keyword === null && slot.position === 0))) return tree.assetKeyCall(p - 1);
    // Dagster's AssetKey.from_user_string, and AssetSelection.keys, which reads strings the same way.
    if (slot.keyword === null && ((slot.callee === 'from_user_string' && slot.receiver === 'AssetKey' && slot.position === 0) || (slot.callee === 'keys' && slot.receiver === 'AssetSelection'))) {
      return { key: parseUserKey(value), ...own, form: 'key' };
    }
    if (slot.keyword === 'key') return { key: [value], ...own, form: 'key' };
    if (slot.keyword === null && slot.position === 0 && slot.callee !== null && firstArgumentIsKey.has(slot.callee)) return { key: [value], ...own, form: 'key' };
    if (slot.keyword === null && slot.callee === 'assets' && slot.receiver === 'AssetSelection') return { key: [value], ...own, form: 'key' };
    return null;
  }

  // A string inside a list, tuple or set literal: what matters is where that literal is passed.
  const q = tree.parent[p] as number;
  if (q === -1 || !tree.isCall(q) || !tree.isWholeItem(p, false)) return null;
  const slot = tree.slot(q, p);
  if (open !== '{' && slot.callee === 'AssetKey' && (slot.keyword === 'path' || (slot.keyword === null && slot.position === 0))) return tree.assetKeyCall(q - 1);
  if (open !== '{' && slot.keyword === 'key') {
    const key = tree.stringElements(p);
    const end = tree.close.get(p) as number;
    return key ? { key, start: (tree.tokens[p] as PyToken).start, end: (tree.tokens[end] as PyToken).end, form: 'key' } : null;
  }
  if (slot.keyword === 'deps') return { key: [value], ...own, form: 'key' };
  return null;
}
