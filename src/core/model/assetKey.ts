/**
 * Asset keys are paths of components, exactly as Dagster's `AssetKey(path)`.
 * A plain string given as a key is ONE component (Dagster's `from_coercible` never splits on `/`);
 * only the user-string form used by selections and the CLI splits, with `\/` escaping a slash.
 */
export type AssetKey = readonly string[];

/**
 * Stable identity of a key for maps and sets. It is an opaque string: compare ids, use them as map
 * keys, turn one back into a key with `keyFromId`; never parse or display it.
 *
 * The components joined with U+0000, so a one-component key is its own id (no allocation) and a
 * longer one costs one join. Injective over every key: a key with a U+0000 or U+0001 in some
 * component (which no real key has) is written with escapes (U+0001 U+0000, U+0001 U+0001), so
 * its id, unlike every other, contains U+0001; the empty key is the lone U+0001.
 */
export function keyId(key: AssetKey): string {
  const n = key.length;
  for (let i = 0; i < n; i++) {
    const part = key[i] as string;
    if (typeof part !== 'string' || part.indexOf('\u0000') !== -1 || part.indexOf('\u0001') !== -1) return escapedKeyId(key);
  }
  if (n === 1) return key[0] as string;
  return n === 0 ? '\u0001' : key.join('\u0000');
}

function escapedKeyId(key: AssetKey): string {
  // String(): a component that is not a string (a type violation from untyped input) must not throw.
  return key.map((part) => String(part).replace(/[\u0000\u0001]/g, (c) => `\u0001${c}`)).join('\u0000');
}

/** The key of an id made by `keyId`. */
export function keyFromId(id: string): string[] {
  if (id.indexOf('\u0001') === -1) return id.split('\u0000');
  if (id === '\u0001') return [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < id.length; i++) {
    const ch = id[i] as string;
    if (ch === '\u0001') current += id[++i] ?? '';
    else if (ch === '\u0000') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Dagster's `to_user_string`: components joined with `/`, an inner `/` written as `\/`. */
export function keyToUserString(key: AssetKey): string {
  // Components rarely hold a slash: join them as they are unless one does.
  for (let i = 0; i < key.length; i++) if ((key[i] as string).indexOf('/') !== -1) return key.map((part) => part.replace(/\//g, '\\/')).join('/');
  return key.length === 1 ? (key[0] as string) : key.join('/');
}

/** Dagster's `from_user_string` with escapes: `a/b` → ["a","b"], `a\/b` → ["a/b"]. */
export function parseUserKey(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === '/') {
      current += '/';
      i++;
    } else if (ch === '/') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Dagster's `AssetKey.to_string()` / `to_db_string()`: Python `json.dumps`, a space after each comma. */
export function keyToDbString(key: AssetKey): string {
  return '[' + key.map((part) => JSON.stringify(part)).join(', ') + ']';
}

/** Dagster's `to_python_identifier()`: the op name of a single-asset definition. */
export function keyToPythonIdentifier(key: AssetKey): string {
  return key.join('__').replace(/[-.]/g, '_');
}

export function keysEqual(a: AssetKey, b: AssetKey): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface KeyMapNode {
  /** Position in `values` of the key ending here, or -1. */
  index: number;
  next: Map<string, KeyMapNode> | null;
}

/**
 * A map keyed by asset keys compared by value, without building an id string: a trie over the
 * components. A lookup allocates nothing and hashes only component strings, which cache their hash,
 * so on hot paths it is about 2–3 times cheaper than `Map<keyId, V>` with a fresh id per lookup.
 * Values iterate in first-insertion order, as with `Map`.
 */
export class KeyMap<V> {
  private readonly root = new Map<string, KeyMapNode>();
  private readonly list: V[] = [];
  private emptyKeyIndex = -1;

  get size(): number {
    return this.list.length;
  }

  /** The values in the order their keys were first set. Do not modify. */
  values(): readonly V[] {
    return this.list;
  }

  get(key: AssetKey): V | undefined {
    const index = this.indexOf(key);
    return index === -1 ? undefined : this.list[index];
  }

  has(key: AssetKey): boolean {
    return this.indexOf(key) !== -1;
  }

  set(key: AssetKey, value: V): this {
    const n = key.length;
    if (n === 0) {
      if (this.emptyKeyIndex === -1) this.emptyKeyIndex = this.list.push(value) - 1;
      else this.list[this.emptyKeyIndex] = value;
      return this;
    }
    let level = this.root;
    let node: KeyMapNode | undefined;
    for (let i = 0; ; ) {
      const part = key[i] as string;
      node = level.get(part);
      if (node === undefined) {
        node = { index: -1, next: null };
        level.set(part, node);
      }
      if (++i === n) break;
      level = node.next ??= new Map();
    }
    if (node.index === -1) node.index = this.list.push(value) - 1;
    else this.list[node.index] = value;
    return this;
  }

  private indexOf(key: AssetKey): number {
    const n = key.length;
    if (n === 0) return this.emptyKeyIndex;
    let node = this.root.get(key[0] as string);
    for (let i = 1; i < n && node !== undefined; i++) node = node.next?.get(key[i] as string);
    return node === undefined ? -1 : node.index;
  }
}

export function compareKeys(a: AssetKey, b: AssetKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
