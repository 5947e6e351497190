import { parseUserKey } from '../../model/assetKey';
import type { CallArgs, Value } from './values';

/** Readers that turn interpreter values into plain data, or null when the value is not of that shape. */

export function arg(call: CallArgs, index: number, name: string): Value | undefined {
  return call.kwargs.get(name) ?? (index >= 0 ? call.args[index] : undefined);
}

export function asString(v: Value | undefined): string | null {
  return v?.k === 'str' ? v.v : null;
}

export function asNumber(v: Value | undefined): number | null {
  return v?.k === 'num' ? v.v : null;
}

export function asBool(v: Value | undefined): boolean | null {
  return v?.k === 'bool' ? v.v : null;
}

export function isAbsent(v: Value | undefined): boolean {
  return v === undefined || v.k === 'none';
}

export function asStringList(v: Value | undefined): string[] | null {
  if (v?.k === 'str') return [v.v];
  if (v?.k !== 'list') return null;
  const out: string[] = [];
  for (const item of v.items) {
    if (item.k !== 'str') return null;
    out.push(item.v);
  }
  return out;
}

/** `from_coercible`: a string is ONE component; a list/tuple of strings is the path. */
export function asKey(v: Value | undefined): string[] | null {
  if (!v) return null;
  switch (v.k) {
    case 'str':
      return [v.v];
    case 'list':
      return asStringList(v);
    case 'key':
      return [...v.path];
    case 'spec':
      return [...v.spec.key];
    case 'assets':
      return v.def.specs.length === 1 ? [...(v.def.specs[0]?.key ?? [])] : null;
    default:
      return null;
  }
}

/** `from_user_string`: splits on `/`. Used by Components YAML and selections. */
export function userStringKey(text: string): string[] {
  return parseUserKey(text);
}

/** A `key_prefix` argument: a string is wrapped in a list; empty parts are dropped when keys are built. */
export function asKeyPrefix(v: Value | undefined): string[] | null {
  if (isAbsent(v)) return [];
  return asStringList(v);
}

export function asStringRecord(v: Value | undefined): Record<string, string> | null {
  if (v?.k !== 'dict') return null;
  const out: Record<string, string> = {};
  for (const [k, val] of v.entries) {
    if (k.k !== 'str') return null;
    const s = val.k === 'str' ? val.v : val.k === 'num' ? String(val.v) : val.k === 'bool' ? String(val.v) : null;
    if (s === null) return null;
    out[k.v] = s;
  }
  return out;
}

/**
 * Literal data for metadata and fingerprints: what can be read is kept, the rest is described.
 * Values that stand for Dagster objects with parameters (backfill policies) keep them, so two
 * different ones never read the same.
 */
export function toLiteral(v: Value, depth = 0): unknown {
  if (depth > 32) return '<nested too deep>';
  switch (v.k) {
    case 'str':
    case 'num':
    case 'bool':
      return v.v;
    case 'none':
      return null;
    case 'list':
      return v.items.map((item) => toLiteral(item, depth + 1));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, val] of v.entries) if (k.k === 'str') out[k.v] = toLiteral(val, depth + 1);
      return out;
    }
    case 'backfill':
      return { backfillPolicy: v.policy };
    case 'automation':
      return { automationCondition: v.text };
    case 'key':
      return v.path;
    case 'path':
      return v.path;
    default:
      return `<${v.k === 'unknown' ? 'not read statically' : v.k}>`;
  }
}

export function asLiteralRecord(v: Value | undefined): Record<string, unknown> | null {
  if (v?.k !== 'dict') return null;
  const lit = toLiteral(v);
  return lit && typeof lit === 'object' && !Array.isArray(lit) ? (lit as Record<string, unknown>) : null;
}

/** Python's `inspect.cleandoc`, which Dagster applies to docstrings. */
export function cleandoc(doc: string): string {
  const lines = doc.replace(/\t/g, '        ').split('\n');
  let margin = Infinity;
  for (const line of lines.slice(1)) {
    const stripped = line.trimStart();
    if (stripped) margin = Math.min(margin, line.length - stripped.length);
  }
  const out = [lines[0]?.trimStart() ?? ''];
  for (const line of lines.slice(1)) out.push(margin === Infinity ? line : line.slice(margin));
  while (out.length && !out[0]?.trim()) out.shift();
  while (out.length && !out[out.length - 1]?.trim()) out.pop();
  return out.join('\n');
}
