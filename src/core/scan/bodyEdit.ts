import type { AssetGraph } from '../model/graph';
import type { ModuleIR } from './ir';

/** How an edit moved things inside one file, when it changed nothing the graph is made of. */
export interface BodyEdit {
  /** Old line → new line, for every line an IR node starts on. */
  lines: Map<number, number>;
  /** Old source hash → new source hash of every function. */
  hashes: Map<string, string>;
}

/** Fields that change when code moves or a compute body changes, but never change the graph. */
const positionalFields = new Set(['line', 'defLine', 'endLine', 'sourceHash']);

function collect(value: unknown, lines: number[], hashes: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, lines, hashes);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record['line'] === 'number') lines.push(record['line']);
  if (typeof record['sourceHash'] === 'string') hashes.push(record['sourceHash']);
  for (const [key, child] of Object.entries(record)) if (!positionalFields.has(key)) collect(child, lines, hashes);
}

function structure(ir: ModuleIR): string {
  return JSON.stringify(ir.statements, (key, value: unknown) => (positionalFields.has(key) ? undefined : value));
}

/**
 * The edit from `before` to `after` when the two modules are the same program apart from compute
 * function bodies (already reduced to hashes) and line positions; null when anything else changed.
 * Syntax errors count as a change: their diagnostics must be recomputed.
 */
export function bodyOnlyEdit(before: ModuleIR, after: ModuleIR): BodyEdit | null {
  if (before.syntaxErrors.length > 0 || after.syntaxErrors.length > 0) return null;
  if (structure(before) !== structure(after)) return null;
  const oldLines: number[] = [];
  const newLines: number[] = [];
  const oldHashes: string[] = [];
  const newHashes: string[] = [];
  collect(before.statements, oldLines, oldHashes);
  collect(after.statements, newLines, newHashes);
  const lines = new Map<number, number>();
  oldLines.forEach((line, i) => {
    if (!lines.has(line)) lines.set(line, newLines[i] as number);
  });
  const hashes = new Map<string, string>();
  oldHashes.forEach((hash, i) => hashes.set(hash, newHashes[i] as string));
  return { lines, hashes };
}

/** The graph with the nodes and diagnostics of `file` (relative) moved to their new lines and hashes. */
export function applyBodyEdit(graph: AssetGraph, file: string, edit: BodyEdit): AssetGraph {
  return {
    ...graph,
    assets: graph.assets.map((asset) =>
      asset.file === file
        ? {
            ...asset,
            line: edit.lines.get(asset.line) ?? asset.line,
            sourceHash: asset.sourceHash === null ? null : (edit.hashes.get(asset.sourceHash) ?? asset.sourceHash),
          }
        : asset,
    ),
    diagnostics: graph.diagnostics.map((d) => (d.file === file ? { ...d, line: edit.lines.get(d.line) ?? d.line } : d)),
  };
}
