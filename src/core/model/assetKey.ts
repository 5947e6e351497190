/**
 * Asset keys are paths of components, exactly as Dagster's `AssetKey(path)`.
 * A plain string given as a key is ONE component (Dagster's `from_coercible` never splits on `/`);
 * only the user-string form used by selections and the CLI splits, with `\/` escaping a slash.
 */
export type AssetKey = readonly string[];

/** Stable identity of a key for maps and sets: the JSON array (no spaces). */
export function keyId(key: AssetKey): string {
  return JSON.stringify(key);
}

export function keyFromId(id: string): string[] {
  return JSON.parse(id) as string[];
}

/** Dagster's `to_user_string`: components joined with `/`, an inner `/` written as `\/`. */
export function keyToUserString(key: AssetKey): string {
  return key.map((part) => part.replace(/\//g, '\\/')).join('/');
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
  return a.length === b.length && a.every((part, i) => part === b[i]);
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
