/**
 * Dagster's serdes JSON (what `serialize_value` writes into its SQLite columns) read back as plain
 * values: objects keep their fields plus `__class__`; enums become their member name; sets,
 * frozensets and mapping-item lists become arrays and objects. Unknown tags are kept as they are,
 * so a newer Dagster's additions read through.
 */

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

export function decodeSerdes(value: unknown): Plain {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string' ? value : null;
  }
  if (Array.isArray(value)) return value.map(decodeSerdes);
  const object = value as Record<string, unknown>;
  if (typeof object.__enum__ === 'string') {
    // `PipelineRunStatus.FAILURE` → `FAILURE`.
    const name = object.__enum__;
    return name.slice(name.lastIndexOf('.') + 1);
  }
  if (Array.isArray(object.__set__)) return object.__set__.map(decodeSerdes);
  if (Array.isArray(object.__frozenset__)) return object.__frozenset__.map(decodeSerdes);
  if (Array.isArray(object.__mapping_items__)) {
    const out: { [key: string]: Plain } = {};
    for (const item of object.__mapping_items__) {
      if (Array.isArray(item) && item.length === 2) out[typeof item[0] === 'string' ? item[0] : JSON.stringify(decodeSerdes(item[0]))] = decodeSerdes(item[1]);
    }
    return out;
  }
  const out: { [key: string]: Plain } = {};
  for (const [key, field] of Object.entries(object)) out[key] = decodeSerdes(field);
  return out;
}

/** Parses a serdes column; null for text that is not JSON (a truncated or foreign row). */
export function parseSerdes(text: string | null): Plain {
  if (text === null) return null;
  try {
    return decodeSerdes(JSON.parse(text));
  } catch {
    return null;
  }
}
