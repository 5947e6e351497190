import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { keyId } from '../../../src/core/model/assetKey';
import type { AssetDep, AssetGraph, AssetNode, Diagnostic } from '../../../src/core/model/graph';
import { ScanSession } from '../../../src/core/scan/scanner';

export interface ScanProjectOptions {
  /**
   * Name of the project folder the files are written into (inside a fresh temp dir), so tests can
   * predict names derived from it, such as the implicit code location. Defaults to `project`.
   */
  folderName?: string;
  /** Path relative to the project folder to hand to ScanSession (a sub-folder or one file); defaults to the folder itself. */
  scanPath?: string;
}

/**
 * Writes `files` (paths relative to the project folder, `/`-separated) into a fresh temp dir, scans
 * it with `new ScanSession(dir, { workers: 0 }).scan()`, disposes the session, removes the dir and
 * returns the graph.
 */
export async function scanProject(files: Record<string, string>, options: ScanProjectOptions = {}): Promise<AssetGraph> {
  const base = mkdtempSync(join(tmpdir(), 'asset-lineage-scan-'));
  const dir = join(base, options.folderName ?? 'project');
  try {
    mkdirSync(dir, { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      const target = join(dir, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const session = new ScanSession(options.scanPath ? join(dir, ...options.scanPath.split('/')) : dir, { workers: 0 });
    try {
      return await session.scan();
    } finally {
      await session.dispose();
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** The asset with exactly this key (undefined when absent). */
export function findAsset(graph: AssetGraph, key: string[]): AssetNode | undefined {
  return graph.assets.find((a) => keyId(a.key) === keyId(key));
}

/** The asset with exactly this key; throws with the list of keys present when absent. */
export function assetByKey(graph: AssetGraph, key: string[]): AssetNode {
  const found = findAsset(graph, key);
  if (!found) throw new Error(`no asset ${JSON.stringify(key)}; have ${assetKeys(graph).join(', ')}`);
  return found;
}

/** Every key as a `/`-joined user string, sorted (components containing `/` are JSON-quoted to stay unambiguous). */
export function assetKeys(graph: AssetGraph, kind?: AssetNode['kind']): string[] {
  return graph.assets
    .filter((a) => !kind || a.kind === kind)
    .map((a) => userKey(a.key))
    .sort();
}

/** Dependency keys of an asset as `/`-joined strings, sorted. */
export function depKeys(asset: AssetNode): string[] {
  return asset.deps.map((d) => userKey(d.key)).sort();
}

/** The dependency of `asset` on `key` (throws when there is none). */
export function depOn(asset: AssetNode, key: string[]): AssetDep {
  const found = asset.deps.find((d) => keyId(d.key) === keyId(key));
  if (!found) throw new Error(`${userKey(asset.key)} has no dep ${JSON.stringify(key)}; deps: ${depKeys(asset).join(', ')}`);
  return found;
}

/** Diagnostics with this code (and severity, if given). */
export function diagnosticsWith(graph: AssetGraph, code: string, severity?: Diagnostic['severity']): Diagnostic[] {
  return graph.diagnostics.filter((d) => d.code === code && (!severity || d.severity === severity));
}

/** Diagnostics of one severity, as `code: message` lines (useful in assertion messages). */
export function describeDiagnostics(graph: AssetGraph, severity?: Diagnostic['severity']): string {
  return graph.diagnostics
    .filter((d) => !severity || d.severity === severity)
    .map((d) => `${d.severity} ${d.code} ${d.file}:${d.line} ${d.message}`)
    .join('\n');
}

/** `a/b` for ["a","b"]; a component containing `/` is written as a JSON string so `["a/b"]` reads `"a/b"`. */
export function userKey(key: readonly string[]): string {
  return key.map((part) => (part.includes('/') ? JSON.stringify(part) : part)).join('/');
}

/**
 * Tagged template for Python/YAML/TOML source: strips the common leading indentation and the first
 * blank line, so fixtures can be written indented inside the test.
 */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}
