import type { Document } from 'yaml';

/**
 * A parsed YAML document as plain data, or why it cannot be: `toJS` throws on alias bombs
 * ("Excessive alias count") and similar hostile input, which must become a diagnostic, not a crash.
 */
export function yamlData(doc: Document.Parsed, maxAliasCount = 100): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount }) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
