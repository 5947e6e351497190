import { join } from 'node:path';
import type { Diagnostic } from '../model/graph';
import type { FolderGraph } from './workspaceIndex';

/** A scanner diagnostic at an absolute path and a 1-based line. */
export interface PlacedDiagnostic {
  path: string;
  line: number;
  diagnostic: Diagnostic;
}

/**
 * Where each diagnostic of a folder's scan shows in the Problems panel. One without a file is
 * about the scan as a whole; it goes to the configuration that declared the first code location
 * (`pyproject.toml:29`), or, with no configuration (implicit locations), stays unplaced for the log.
 */
export function placeDiagnostics(folder: FolderGraph, joinPath: (root: string, relative: string) => string = join): { placed: PlacedDiagnostic[]; unplaced: Diagnostic[] } {
  const placed: PlacedDiagnostic[] = [];
  const unplaced: Diagnostic[] = [];
  const config = configFile(folder);
  for (const diagnostic of folder.graph.diagnostics) {
    if (diagnostic.file) placed.push({ path: joinPath(folder.root, diagnostic.file), line: Math.max(1, diagnostic.line), diagnostic });
    else if (config) placed.push({ path: joinPath(folder.root, config.file), line: config.line, diagnostic });
    else unplaced.push(diagnostic);
  }
  return { placed, unplaced };
}

function configFile(folder: FolderGraph): { file: string; line: number } | null {
  for (const location of folder.graph.codeLocations) {
    const match = /^(.+?)(?::(\d+))?$/.exec(location.source);
    if (!match || location.source === 'implicit') continue;
    const file = match[1] as string;
    if (!/\.(?:ya?ml|toml)$/.test(file)) continue;
    return { file, line: match[2] ? Math.max(1, Number(match[2])) : 1 };
  }
  return null;
}
