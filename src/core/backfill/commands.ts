import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { CodeLocationSummary } from '../model/graph';
import { invalidKeySubstrings } from '../partitions/keySpaces';

/**
 * The command line of one backfill run (§6): `dagster asset materialize --select … -m pkg
 * --partition k | --partition-range a...b`, or `dg launch --assets … --partition …` in a dg
 * project. Commands are argv arrays, never shell strings, so a key reaches Dagster as exactly one
 * argument whatever it contains; what Dagster's own parsing cannot express (a comma splits
 * `--select`, `...` splits a range) is refused here with the reason.
 */

/** How to start Dagster's CLI in the workspace: the program and its first arguments. */
export interface CommandSettings {
  /** e.g. `["dagster"]`, `["uv", "run", "dagster"]`, `["/venv/bin/python", "-m", "dagster"]`. */
  dagster: readonly string[];
  /** e.g. `["dg"]`, `["uv", "run", "dg"]`; dg projects use it unless `useDg` is false. */
  dg: readonly string[];
  useDg: boolean;
}

export const defaultCommands: CommandSettings = Object.freeze({ dagster: Object.freeze(['dagster']), dg: Object.freeze(['dg']), useDg: true });

/** A run's partitions on the command line: one key, an inclusive range, or none (unpartitioned). */
export type RunPartitions = { kind: 'key'; key: string } | { kind: 'range'; start: string; end: string } | null;

/** A run's partitions as Dagster's CLI writes them: the key, `first...last`, or '' (unpartitioned). */
export function runPartitionsText(partitions: RunPartitions): string {
  return partitions === null ? '' : partitions.kind === 'key' ? partitions.key : `${partitions.start}...${partitions.end}`;
}

export class CommandError extends Error {}

/** Characters Dagster's legacy selection clause takes in a key (`[./\w\d\[\]?_-]`, Python's `\w` is Unicode). */
const legacyClause = /^[\p{L}\p{N}_.[\]?-]+$/u;

/**
 * One asset as a `--select` / `--assets` item: `a/b` (the legacy clause, understood by every
 * Dagster version) when each component allows it, else `key:"a/b"` (the selection grammar of
 * 1.10 and later). Refused: a `/` inside a component (the user string splits on it), a comma
 * (the list is split on commas first), and `"`, `\`, `*` or a line break (the quoted form has no
 * escapes, and `*` is a wildcard).
 */
export function selectionItem(key: readonly string[]): string {
  const shown = key.join('/');
  if (key.length === 0 || key.some((part) => part === '')) throw new CommandError(`the asset key ${JSON.stringify(key)} has an empty component, which Dagster's selection syntax cannot name`);
  for (const part of key) {
    if (part.includes('/')) throw new CommandError(`the asset key ${JSON.stringify(key)} has a "/" inside a component, which Dagster's --select reads as a separator; use the GraphQL launcher`);
    if (part.includes(',')) throw new CommandError(`the asset key ${shown} contains a comma, which splits Dagster's --select list; use the GraphQL launcher`);
  }
  if (key.every((part) => legacyClause.test(part))) return shown;
  if (/["\\*\r\n]/.test(shown)) throw new CommandError(`the asset key ${JSON.stringify(key)} contains a quote, backslash, "*" or line break, which Dagster's selection syntax cannot quote; use the GraphQL launcher`);
  return `key:"${shown}"`;
}

/** A partition key as Dagster accepts it on the command line (the same characters its definitions refuse). */
export function checkPartitionKey(key: string): void {
  for (const bad of invalidKeySubstrings) {
    if (key.includes(bad)) throw new CommandError(`the partition key ${JSON.stringify(key)} contains ${JSON.stringify(bad)}, which Dagster does not allow in partition keys`);
  }
}

export interface RunCommand {
  argv: string[];
  /** Absolute. */
  cwd: string;
}

/**
 * The argv and working directory of one run over `assets` of `location`, from the scanned root
 * `root` (absolute). Environment (DAGSTER_HOME) is the launcher's to set.
 */
export function runCommand(location: CodeLocationSummary, root: string, assets: readonly (readonly string[])[], partitions: RunPartitions, settings: CommandSettings): RunCommand {
  const selection = assets.map(selectionItem).join(',');
  const partitionArgs: string[] = [];
  if (partitions?.kind === 'key') {
    checkPartitionKey(partitions.key);
    partitionArgs.push('--partition', partitions.key);
  } else if (partitions?.kind === 'range') {
    checkPartitionKey(partitions.start);
    checkPartitionKey(partitions.end);
    partitionArgs.push('--partition-range', `${partitions.start}...${partitions.end}`);
  }
  const abs = (path: string): string => (isAbsolute(path) ? path : join(root, path));
  const cwd = abs(location.root);
  const pointer = location.pointer;
  if (pointer.kind === 'dgProject' && settings.useDg) {
    // dg reads the project from the folder it runs in (there are no target options to give).
    return { argv: [...settings.dg, 'launch', '--assets', selection, ...partitionArgs], cwd: abs(pointer.project) };
  }
  const target: string[] = [];
  if (pointer.kind === 'module') target.push('-m', location.target);
  else if (pointer.kind === 'package') target.push('--package-name', location.target);
  else if (pointer.kind === 'file') target.push('-f', relative(cwd, abs(location.target)) || location.target);
  else if (pointer.kind === 'autoload') target.push('--autoload-defs-module-name', location.target);
  else target.push('-m', location.target);
  if ((pointer.kind === 'module' || pointer.kind === 'package' || pointer.kind === 'file') && pointer.attribute) target.push('-a', pointer.attribute);
  return { argv: [...settings.dagster, 'asset', 'materialize', '--select', selection, ...target, ...partitionArgs], cwd };
}

/**
 * The absolute path of a program named without one, found on `pathVariable` as a shell would (the
 * first executable file of that name; on Windows with the extensions of PATHEXT). Null when there is
 * none. VS Code's terminal resolves names against the environment of a login shell, which may not
 * be the one the editor (and its Python environment) runs in, so the launcher resolves them itself.
 */
export function findExecutable(program: string, pathVariable: string | undefined, options: { platform?: NodeJS.Platform; pathExt?: string } = {}): string | null {
  const platform = options.platform ?? process.platform;
  if (isAbsolute(program)) return isExecutableFile(program) ? program : null;
  // A relative path with a folder in it ("./bin/dagster") is the caller's to resolve.
  if (program.includes('/') || (platform === 'win32' && program.includes('\\'))) return null;
  const separator = platform === 'win32' ? ';' : ':';
  // Never a .bat or .cmd: Windows runs those through cmd.exe, which would read & | ^ % in a key.
  const extensions = platform === 'win32' ? ['', ...(options.pathExt ?? '.COM;.EXE').split(';').filter((e) => e && !/^\.(bat|cmd)$/i.test(e))] : [''];
  for (const folder of (pathVariable ?? '').split(separator)) {
    if (!folder) continue;
    for (const extension of extensions) {
      const candidate = join(folder, program + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
