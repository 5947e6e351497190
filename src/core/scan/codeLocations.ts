import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { yamlData } from './safeYaml';
import type { FileReader } from './diskFiles';

/**
 * Finds the Dagster code locations of a workspace folder from its configuration files alone:
 * `workspace.yaml`, `pyproject.toml` (`[tool.dagster]`, `[tool.dg]`) and `dg.toml`.
 *
 * Dagster facts this file relies on (dagster-io/dagster source):
 * - `workspace.yaml` shape: `_core/workspace/config_schema.py`; loading and path rebasing:
 *   `_core/workspace/load.py`. `python_file.relative_path` and `python_file.working_directory` are
 *   rebased on the YAML file's folder, and `python_file` defaults its working directory to that
 *   folder. `python_module` / `python_package` pass `working_directory` through unchanged, so Dagster
 *   resolves it against the process's cwd; `dagster dev` finds `workspace.yaml` in its cwd, so we
 *   resolve it against the YAML file's folder too.
 * - Default location names: `_assign_loadable_target_origin_name` in `_core/remote_origin.py`:
 *   package name, else module name, else autoload defs module name, else the python file's
 *   *basename with extension*; then `:<attribute>` when an attribute is given. gRPC servers are named
 *   `grpc:<host>:<socket or port>` with host defaulting to `localhost`.
 * - `[tool.dagster]`: `get_target_from_toml_data` in `_core/workspace/load_target.py` reads
 *   `module_name` or `modules = [{type = "module", name = ...}]` plus `code_location_name`, with the
 *   cwd (the pyproject folder) as working directory; there is no `python_file` or `working_directory`
 *   key. Without those keys it falls back to `[tool.dg.project]`.
 * - dg: `dagster_dg_core/config.py` and `context.py`, `dagster_shared/utils/config.py`.
 *   `directory_type` is `project` or `workspace`; a `dg.toml` holds the settings at top level, a
 *   `pyproject.toml` under `[tool.dg]`, and a `dg.toml` in a folder hides that folder's
 *   `pyproject.toml` dg settings. Project defaults: `defs_module` = `<root_module>.defs`,
 *   `code_location_target_module` = `<root_module>.definitions`, `code_location_name` = the project
 *   *folder's name* (`project_name = root_path.name`, not `[project] name`). The working directory
 *   `dg dev` writes into its generated workspace is the parent of the root module's folder, which
 *   is `<project>/src` whenever a `src` folder exists (`get_path_for_local_module`).
 *   Workspace projects are `[[workspace.projects]] path = "..."`, relative to the workspace folder.
 */

/** Recursive listings are expected to leave out `defaultExcludedDirectories` (see `diskFiles`). */
export type LocationFileSystem = FileReader;

export type LocationTarget =
  /** `python_module`, `-m`, `[tool.dagster] module_name`. */
  | { kind: 'module'; module: string; attribute: string | null }
  /** `python_file`, `-f`; `file` is absolute. */
  | { kind: 'file'; file: string; attribute: string | null }
  /** `python_package`, `--package-name`. */
  | { kind: 'package'; module: string; attribute: string | null }
  /** A dg project (and `autoload_defs_module` in workspace.yaml, which loads a defs folder the same way). */
  | { kind: 'dgProject'; rootModule: string; defsModule: string; autoloadDefs: boolean; definitionsModule: string };

export type LocationSourceKind = 'workspace.yaml' | 'pyproject.toml' | 'dg.toml' | 'implicit';

export interface CodeLocationSpec {
  name: string;
  /** Absolute; module names resolve against it (and its `src/` when the project uses a src layout). */
  workingDirectory: string;
  /** Absolute folders in which module names are resolved, in order. */
  moduleRoots: string[];
  target: LocationTarget;
  /** `file` is absolute ('' for implicit); `line` is 1-based (0 when unknown). */
  source: { file: string; line: number; kind: LocationSourceKind };
}

/** `file` is absolute (the caller makes it relative to the scanned root); `line` is 1-based, 0 for a whole file. */
export interface LocationDiagnostic {
  severity: 'error' | 'warning' | 'info';
  file: string;
  line: number;
  message: string;
  code: string;
}

export interface CodeLocationDiscovery {
  locations: CodeLocationSpec[];
  diagnostics: LocationDiagnostic[];
}

/** Dagster's default name for a location that has no `location_name` (`_assign_loadable_target_origin_name`). */
export function defaultLocationName(target: LocationTarget): string {
  let base: string;
  let attribute: string | null = null;
  switch (target.kind) {
    case 'file':
      base = basename(target.file);
      attribute = target.attribute;
      break;
    case 'module':
    case 'package':
      base = target.module;
      attribute = target.attribute;
      break;
    case 'dgProject':
      base = target.autoloadDefs ? target.defsModule : target.definitionsModule;
      break;
  }
  return attribute ? `${base}:${attribute}` : base;
}

const WORKSPACE_FILE_NAMES = ['workspace.yaml', 'workspace.yml'] as const;
const CONFIG_FILE_NAMES = new Set<string>([...WORKSPACE_FILE_NAMES, 'dg.toml', 'pyproject.toml']);

/**
 * Locations declared under `root`. Precedence, folder by folder from the root down (a folder that
 * declares locations claims its whole subtree):
 *   1. `workspace.yaml` / `workspace.yml`;
 *   2. a dg workspace (`dg.toml`, else `pyproject.toml` `[tool.dg]`), whose listed projects are read;
 *   3. `pyproject.toml` `[tool.dagster]` with `module_name` / `modules`;
 *   4. a dg project (`dg.toml`, else `pyproject.toml` `[tool.dg]`).
 * So a root workspace file wins over everything, nested projects count only when no enclosing
 * folder declared anything, and nothing found means `locations: []` (the caller then makes its own
 * implicit location). A file that cannot be parsed gets an error and claims nothing. Never throws.
 */
export function discoverCodeLocations(root: string, fs: LocationFileSystem): CodeLocationDiscovery {
  const scan = new Scan(resolve(root), fs);
  scan.run();
  return { locations: scan.dedupe(), diagnostics: scan.diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Config shapes (zod). Objects pass unknown keys through: Dagster and dg reject some of them, but a
// newer or older Dagster may know fields we don't, and refusing the whole file would help nobody.
// ---------------------------------------------------------------------------------------------

/** Dagster's `StringSource`: a string, or `{env: NAME}` read from the environment at load time. */
const envSource = z.object({ env: z.string() }).strict();
const stringSource = z.union([z.string(), envSource]);
/** The field that names the target: Dagster treats an empty one as no target at all. */
const requiredStringSource = z.union([z.string().min(1), envSource]);
type StringSource = z.infer<typeof stringSource>;

/** The short form of an entry, e.g. `python_module: my_package`. */
const targetStringSchema = z.string().min(1);
const optionalEntryFields = {
  attribute: stringSource.optional(),
  location_name: stringSource.optional(),
  working_directory: stringSource.optional(),
  executable_path: stringSource.optional(),
};
const pythonFileEntrySchema = z.object({ relative_path: requiredStringSource, ...optionalEntryFields }).passthrough();
const pythonModuleEntrySchema = z.object({ module_name: requiredStringSource, ...optionalEntryFields }).passthrough();
const pythonPackageEntrySchema = z.object({ package_name: requiredStringSource, ...optionalEntryFields }).passthrough();
const grpcServerEntrySchema = z
  .object({
    host: stringSource.optional(),
    port: z.union([z.number().int(), z.string(), envSource]).optional(),
    socket: stringSource.optional(),
    location_name: stringSource.optional(),
    ssl: z.boolean().optional(),
  })
  .passthrough();

const ENTRY_FIELDS: Record<string, readonly string[]> = {
  python_file: ['relative_path', 'attribute', 'location_name', 'working_directory', 'executable_path'],
  python_module: ['module_name', 'attribute', 'location_name', 'working_directory', 'executable_path'],
  python_package: ['package_name', 'attribute', 'location_name', 'working_directory', 'executable_path'],
  autoload_defs_module: ['module_name', 'attribute', 'location_name', 'working_directory', 'executable_path'],
  grpc_server: ['host', 'port', 'socket', 'location_name', 'ssl', 'additional_metadata'],
};

const workspaceYamlSchema = z.object({ load_from: z.array(z.unknown()).nullable().optional() }).passthrough();

const toolDagsterSchema = z
  .object({
    module_name: z.string().min(1).optional(),
    modules: z.array(z.object({ type: z.string(), name: z.string().min(1) }).passthrough()).optional(),
    code_location_name: z.string().optional(),
  })
  .passthrough();

const dgProjectSectionSchema = z
  .object({
    root_module: z.string().min(1),
    defs_module: z.string().min(1).optional(),
    code_location_target_module: z.string().min(1).optional(),
    code_location_name: z.string().min(1).optional(),
    /** Only some dg versions have it (mid 2025); the `[tool.dg]` fallback in `load_target.py` reads it. */
    autoload_defs: z.boolean().optional(),
  })
  .passthrough();

const dgFileSchema = z.discriminatedUnion('directory_type', [
  z.object({ directory_type: z.literal('project'), project: dgProjectSectionSchema }).passthrough(),
  z
    .object({
      directory_type: z.literal('workspace'),
      // dg's validator reads a missing `[workspace]` as empty, so we do too.
      workspace: z
        .object({ projects: z.array(z.object({ path: z.string().min(1) }).passthrough()).optional() })
        .passthrough()
        .default({}),
    })
    .passthrough(),
]);
type DgFileConfig = z.infer<typeof dgFileSchema>;
type DgProjectSection = z.infer<typeof dgProjectSectionSchema>;

function describeZodError(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// TOML line lookup. smol-toml returns plain values without positions, so table headers and keys
// are found with a line scan; good enough to point a diagnostic or a "go to" at the right line.
// ---------------------------------------------------------------------------------------------

interface TomlLines {
  headers: { path: string; array: boolean; line: number }[];
  keys: { path: string; line: number }[];
  lines: string[];
}

function normaliseTomlPath(text: string): string {
  return text
    .split('.')
    .map((part) => part.trim().replace(/^["']|["']$/g, ''))
    .join('.');
}

function indexTomlLines(text: string): TomlLines {
  const lines = text.split(/\r?\n/);
  const headers: TomlLines['headers'] = [];
  const keys: TomlLines['keys'] = [];
  let table = '';
  let inMultilineString: string | null = null;
  // Open `[`/`{` of a value that continues on later lines, whose lines are neither headers nor keys.
  let openBrackets = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (inMultilineString) {
      if (line.includes(inMultilineString)) inMultilineString = null;
      return;
    }
    if (openBrackets > 0) {
      openBrackets += bracketBalance(line);
      return;
    }
    const header = /^\[\[\s*([^\]]+?)\s*\]\]|^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      const array = header[1] !== undefined;
      table = normaliseTomlPath((header[1] ?? header[2]) as string);
      headers.push({ path: table, array, line: i + 1 });
      return;
    }
    const key = /^([A-Za-z0-9_\-."' ]+?)\s*=(.*)$/.exec(line);
    if (key) {
      const full = normaliseTomlPath(key[1] as string);
      keys.push({ path: table ? `${table}.${full}` : full, line: i + 1 });
      const rest = key[2] as string;
      for (const quote of ['"""', "'''"]) {
        if (rest.split(quote).length === 2) inMultilineString = quote;
      }
      if (!inMultilineString) openBrackets = Math.max(0, bracketBalance(rest));
    }
  });
  return { headers, keys, lines };
}

/** Opened minus closed brackets and braces outside strings and comments. */
function bracketBalance(text: string): number {
  const code = text.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/#.*$/, '');
  let balance = 0;
  for (const ch of code) {
    if (ch === '[' || ch === '{') balance++;
    else if (ch === ']' || ch === '}') balance--;
  }
  return balance;
}

/** 1-based line of `path` (a key, else a table header, else the first key under it); 1 when not found. */
function tomlLine(index: TomlLines, path: string): number {
  return (
    index.keys.find((k) => k.path === path)?.line ??
    index.headers.find((h) => h.path === path)?.line ??
    index.keys.find((k) => k.path.startsWith(`${path}.`))?.line ??
    1
  );
}

/** Line of the `n`th `[[path]]` header, or of the `n`th `key =` inside an inline array at `path`. */
function tomlArrayItemLine(index: TomlLines, path: string, n: number, key: string): number {
  const arrayHeaders = index.headers.filter((h) => h.path === path && h.array);
  if (arrayHeaders[n]) return arrayHeaders[n].line;
  const start = index.keys.find((k) => k.path === path)?.line;
  if (start !== undefined) {
    let seen = 0;
    const pattern = new RegExp(`\\b${key}\\s*=`, 'g');
    for (let i = start - 1; i < index.lines.length; i++) {
      const matches = (index.lines[i] as string).match(pattern)?.length ?? 0;
      if (seen + matches > n) return i + 1;
      seen += matches;
    }
    return start;
  }
  return tomlLine(index, path);
}

// ---------------------------------------------------------------------------------------------
// The scan.
// ---------------------------------------------------------------------------------------------

interface ParsedToml {
  data: Record<string, unknown>;
  lines: TomlLines;
}

interface DgConfigRead {
  file: string;
  kind: 'dg.toml' | 'pyproject.toml';
  /** `tool.dg` for pyproject.toml, '' for dg.toml: the prefix of every dg key in the file. */
  prefix: string;
  config: DgFileConfig;
  lines: TomlLines;
}

class Scan {
  readonly diagnostics: LocationDiagnostic[] = [];
  private readonly locations: CodeLocationSpec[] = [];
  /** Names a `grpc_server` entry takes: they clash with other locations exactly as in Dagster. */
  private readonly reservedNames: { name: string; file: string; line: number }[] = [];
  private readonly files = new Set<string>();
  private readonly dirs = new Set<string>();
  private readonly tomlCache = new Map<string, ParsedToml | null>();

  constructor(
    private readonly root: string,
    private readonly fs: LocationFileSystem,
  ) {}

  run(): void {
    let listed: string[];
    try {
      listed = this.fs.listFiles(this.root);
    } catch (error) {
      this.report('error', this.root, 0, 'unreadable-folder', `Cannot list ${this.root}: ${String(error)}`);
      return;
    }
    for (const file of listed) {
      const path = resolve(file);
      this.files.add(path);
      for (let dir = dirname(path); this.isInsideRoot(dir); dir = dirname(dir)) {
        if (this.dirs.has(dir)) break;
        this.dirs.add(dir);
        if (dir === this.root) break;
      }
    }
    this.dirs.add(this.root);

    const configFiles = [...this.files].filter((f) => CONFIG_FILE_NAMES.has(basename(f)));
    const configFolders = [...new Set(configFiles.map((f) => dirname(f)))];
    configFolders.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));

    const claimed: string[] = [];
    for (const folder of configFolders) {
      if (claimed.some((c) => isInside(folder, c))) continue;
      if (this.readFolder(folder).claimed) claimed.push(folder);
    }
  }

  /** Drops later locations whose name is already taken; Dagster refuses such a workspace outright. */
  dedupe(): CodeLocationSpec[] {
    const taken = new Map<string, { file: string; line: number }>();
    for (const reserved of this.reservedNames) {
      if (!taken.has(reserved.name)) taken.set(reserved.name, reserved);
    }
    const kept: CodeLocationSpec[] = [];
    for (const location of this.locations) {
      const first = taken.get(location.name);
      if (first) {
        this.report(
          'error',
          location.source.file,
          location.source.line,
          'duplicate-location-name',
          `Code location name "${location.name}" is already used (${first.file}:${first.line}); Dagster refuses ` +
            'a workspace with two locations of the same name. This one is ignored.',
        );
        continue;
      }
      taken.set(location.name, { file: location.source.file, line: location.source.line });
      kept.push(location);
    }
    return kept;
  }

  private readFolder(folder: string): { claimed: boolean } {
    const workspaceFiles = WORKSPACE_FILE_NAMES.map((name) => join(folder, name)).filter((f) => this.files.has(f));
    const pyproject = join(folder, 'pyproject.toml');
    const hasPyproject = this.files.has(pyproject);
    const toolDagster = hasPyproject ? this.toolDagsterBlock(pyproject) : null;
    const dg = this.readDgConfig(folder, false);

    const shadowed = (by: 'workspace' | 'dg' | 'pyproject', file: string): void => {
      const others: string[] = [];
      if (by !== 'pyproject' && toolDagster) others.push('pyproject.toml [tool.dagster]');
      if (by !== 'dg' && dg) others.push(dg.kind === 'dg.toml' ? 'dg.toml' : 'pyproject.toml [tool.dg]');
      if (others.length === 0) return;
      this.report(
        'info',
        file,
        0,
        'shadowed-config',
        `${others.join(' and ')} in the same folder ${others.length > 1 ? 'are' : 'is'} not used for code locations.` +
          (by === 'workspace'
            ? ' Note that `dagster dev` run in this folder without -w reads pyproject.toml ([tool.dagster] or ' +
              '[tool.dg]) before workspace.yaml.'
            : by === 'pyproject'
              ? ' `dagster dev` reads [tool.dagster] first, as here; `dg` commands read [tool.dg] instead.'
              : ''),
      );
    };

    if (workspaceFiles.length > 0) {
      if (workspaceFiles.length > 1) {
        const message = `Both workspace.yaml and workspace.yml exist in ${folder}; only workspace.yaml is read.`;
        this.report('warning', workspaceFiles[1] as string, 0, 'shadowed-config', message);
      }
      if (this.readWorkspaceYaml(workspaceFiles[0] as string)) {
        shadowed('workspace', workspaceFiles[0] as string);
        return { claimed: true };
      }
    }
    if (dg?.config.directory_type === 'workspace') {
      this.readDgWorkspace(dg);
      shadowed('dg', dg.file);
      return { claimed: true };
    }
    if (toolDagster && this.readToolDagster(pyproject, toolDagster)) {
      shadowed('pyproject', pyproject);
      return { claimed: true };
    }
    if (dg?.config.directory_type === 'project') {
      this.addDgProject(dg, dg.config.project);
      return { claimed: true };
    }
    return { claimed: false };
  }

  // ----- workspace.yaml -----

  /** False when the file cannot be read as a workspace at all (then it claims nothing). */
  private readWorkspaceYaml(file: string): boolean {
    const text = this.fs.readText(file);
    if (text === null) {
      this.report('error', file, 0, 'unreadable-file', `Cannot read ${file}.`);
      return false;
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(stripBom(text), { lineCounter, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
        this.report('error', file, line, 'yaml-syntax', `Invalid YAML: ${firstLine(error.message)}`);
      }
      return false;
    }
    const data = yamlData(doc);
    if (!data.ok) {
      this.report('error', file, 0, 'yaml-syntax', `Invalid YAML: ${firstLine(data.message)}`);
      return false;
    }
    const value = data.value;
    if (value === null || value === undefined) {
      this.report('error', file, 0, 'invalid-workspace', 'The workspace file is empty; Dagster cannot load it.');
      return false;
    }
    const top = workspaceYamlSchema.safeParse(value);
    if (!top.success) {
      this.report('error', file, 1, 'invalid-workspace', `Invalid workspace file: ${describeZodError(top.error, '')}`);
      return false;
    }
    const entries = top.data.load_from ?? [];
    if (entries.length === 0) {
      const message = 'The workspace file has no `load_from` entries, so it defines no code locations.';
      this.report('warning', file, 1, 'empty-workspace', message);
      return true;
    }
    const loadFrom = doc.get('load_from', true);
    const itemNodes = isSeq(loadFrom) ? loadFrom.items : [];
    const folder = dirname(file);
    entries.forEach((entry, i) => {
      const range = (itemNodes[i] as { range?: [number, number, number] } | undefined)?.range;
      const line = range ? lineCounter.linePos(range[0]).line : 1;
      this.readWorkspaceEntry(entry, file, folder, line);
    });
    return true;
  }

  private readWorkspaceEntry(entry: unknown, file: string, folder: string, line: number): void {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      const message = 'A `load_from` entry must be a mapping such as `python_module: my_package`.';
      this.report('error', file, line, 'invalid-workspace-entry', message);
      return;
    }
    const keys = Object.keys(entry);
    if (keys.length !== 1 || !((keys[0] as string) in ENTRY_FIELDS)) {
      this.report(
        'error',
        file,
        line,
        'invalid-workspace-entry',
        `A \`load_from\` entry must have exactly one of ${Object.keys(ENTRY_FIELDS).join(', ')}; ` +
          `found ${keys.join(', ') || 'nothing'}.`,
      );
      return;
    }
    const kind = keys[0] as string;
    const body = (entry as Record<string, unknown>)[kind];
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      const unknown = Object.keys(body).filter((k) => !(ENTRY_FIELDS[kind] as readonly string[]).includes(k));
      if (unknown.length > 0) {
        const fields = `field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`;
        const message = `Unknown ${fields} in \`${kind}\`; Dagster rejects the workspace.`;
        this.report('warning', file, line, 'unknown-field', message);
      }
    }
    const invalid = (error: z.ZodError): void => {
      const message = `Invalid \`${kind}\` entry: ${describeZodError(error, kind)}`;
      this.report('error', file, line, 'invalid-workspace-entry', message);
    };
    const source = { file, line, kind: 'workspace.yaml' as const };
    const str = (value: StringSource | undefined, field: string): string | null =>
      this.stringSource(value, `${kind}.${field}`, file, line);

    switch (kind) {
      case 'python_file': {
        const parsed =
          typeof body === 'string' ? targetStringSchema.safeParse(body) : pythonFileEntrySchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error);
        const spec = typeof parsed.data === 'string' ? { relative_path: parsed.data } : parsed.data;
        const relativePath = str(spec.relative_path, 'relative_path');
        if (!relativePath) return;
        const workingDirectory = str(spec.working_directory, 'working_directory');
        const wd = workingDirectory ? resolve(folder, workingDirectory) : folder;
        const target: LocationTarget = {
          kind: 'file',
          file: resolve(folder, relativePath),
          attribute: str(spec.attribute, 'attribute') || null,
        };
        this.addLocation(str(spec.location_name, 'location_name') || defaultLocationName(target), wd, target, source);
        return;
      }
      case 'python_module':
      case 'python_package':
      case 'autoload_defs_module': {
        const nameField = kind === 'python_package' ? 'package_name' : 'module_name';
        const objectSchema = kind === 'python_package' ? pythonPackageEntrySchema : pythonModuleEntrySchema;
        const parsed = typeof body === 'string' ? targetStringSchema.safeParse(body) : objectSchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error);
        const spec = (typeof parsed.data === 'string' ? { [nameField]: parsed.data } : parsed.data) as Record<
          string,
          StringSource | undefined
        >;
        const moduleName = str(spec[nameField], nameField);
        if (!moduleName) return;
        const workingDirectory = str(spec.working_directory, 'working_directory');
        const wd = workingDirectory ? resolve(folder, workingDirectory) : folder;
        const attribute = str(spec.attribute, 'attribute') || null;
        let target: LocationTarget;
        if (kind === 'autoload_defs_module') {
          // Dagster ignores `attribute` here and loads the module as a dg defs folder.
          const rootModule = moduleName.split('.')[0] as string;
          target = {
            kind: 'dgProject',
            rootModule,
            defsModule: moduleName,
            autoloadDefs: true,
            definitionsModule: `${rootModule}.definitions`,
          };
        } else {
          target = { kind: kind === 'python_package' ? 'package' : 'module', module: moduleName, attribute };
        }
        this.addLocation(str(spec.location_name, 'location_name') || defaultLocationName(target), wd, target, source);
        return;
      }
      case 'grpc_server': {
        const parsed = grpcServerEntrySchema.safeParse(body ?? {});
        if (!parsed.success) return invalid(parsed.error);
        const host = str(parsed.data.host, 'host') || 'localhost';
        const socket = str(parsed.data.socket, 'socket');
        const port = parsed.data.port;
        const portText = typeof port === 'object' ? `{env: ${port.env}}` : port === undefined ? null : String(port);
        if ((socket === null) === (portText === null)) {
          const message = 'A `grpc_server` entry needs either a socket or a port (not both).';
          this.report('error', file, line, 'invalid-workspace-entry', message);
          return;
        }
        const name = str(parsed.data.location_name, 'location_name') || `grpc:${host}:${socket ?? portText}`;
        this.reservedNames.push({ name, file, line });
        this.report(
          'info',
          file,
          line,
          'grpc-server-location',
          `Code location "${name}" is served by a running gRPC server (${host}:${socket ?? portText}); ` +
            'its code cannot be read statically and is left out.',
        );
        return;
      }
    }
  }

  /** A `StringSource` value as text; `{env: X}` cannot be known statically, so it reads as absent. */
  private stringSource(value: StringSource | undefined, field: string, file: string, line: number): string | null {
    if (value === undefined) return null;
    if (typeof value === 'string') return value;
    const message =
      `\`${field}\` is read from environment variable ${value.env} when Dagster runs; ` +
      'it is treated as not set here.';
    this.report('warning', file, line, 'env-not-resolved', message);
    return null;
  }

  // ----- pyproject.toml [tool.dagster] -----

  /** The `[tool.dagster]` table when it names modules (otherwise Dagster falls through to `[tool.dg]`). */
  private toolDagsterBlock(file: string): Record<string, unknown> | null {
    const toml = this.readToml(file);
    const tool = toml?.data.tool;
    if (!isRecord(tool) || !isRecord(tool.dagster)) return null;
    const block = tool.dagster;
    return 'module_name' in block || 'modules' in block ? block : null;
  }

  private readToolDagster(file: string, block: Record<string, unknown>): boolean {
    const toml = this.readToml(file) as ParsedToml;
    const headerLine = tomlLine(toml.lines, 'tool.dagster');
    const parsed = toolDagsterSchema.safeParse(block);
    if (!parsed.success) {
      const message = `Invalid [tool.dagster]: ${describeZodError(parsed.error, 'tool.dagster')}`;
      this.report('error', file, headerLine, 'invalid-config', message);
      return false;
    }
    const { module_name: moduleName, modules, code_location_name: locationName } = parsed.data;
    const folder = dirname(file);
    const source = (line: number) => ({ file, line, kind: 'pyproject.toml' as const });
    if (moduleName !== undefined) {
      if (modules && modules.length > 0) {
        // Dagster raises here (`validate_dagster_block_for_module_name_or_modules`).
        const message = 'Only one of `module_name` or `modules` may be set in [tool.dagster].';
        this.report('error', file, headerLine, 'invalid-config', message);
        return false;
      }
      const target: LocationTarget = { kind: 'module', module: moduleName, attribute: null };
      const line = tomlLine(toml.lines, 'tool.dagster.module_name');
      this.addLocation(locationName || defaultLocationName(target), folder, target, source(line));
      return true;
    }
    if (!modules || modules.length === 0) {
      this.report('error', file, headerLine, 'invalid-config', '`modules` in [tool.dagster] must not be empty.');
      return false;
    }
    modules.forEach((module, i) => {
      // Dagster silently skips entries whose type is not "module".
      if (module.type !== 'module') return;
      const target: LocationTarget = { kind: 'module', module: module.name, attribute: null };
      const line = tomlArrayItemLine(toml.lines, 'tool.dagster.modules', i, 'name');
      this.addLocation(locationName || defaultLocationName(target), folder, target, source(line));
    });
    return true;
  }

  // ----- dg -----

  /**
   * The dg settings of a folder: `dg.toml` if present (it hides pyproject.toml's, as in dg),
   * else `pyproject.toml` `[tool.dg]`. `required` reports a missing configuration (workspace members).
   */
  private readDgConfig(
    folder: string,
    required: boolean,
    referrer?: { file: string; line: number },
  ): DgConfigRead | null {
    const dgToml = join(folder, 'dg.toml');
    const pyproject = join(folder, 'pyproject.toml');
    let file: string;
    let kind: DgConfigRead['kind'];
    let raw: unknown;
    if (this.exists(dgToml)) {
      const toml = this.readToml(dgToml);
      if (!toml) return null;
      file = dgToml;
      kind = 'dg.toml';
      raw = toml.data;
    } else {
      const toml = this.exists(pyproject) ? this.readToml(pyproject) : null;
      const tool = toml?.data.tool;
      if (!toml || !isRecord(tool) || !isRecord(tool.dg)) {
        if (required && referrer && (toml || !this.exists(pyproject))) {
          const message = `No dg project configuration (dg.toml or pyproject.toml [tool.dg]) in ${folder}.`;
          this.report('error', referrer.file, referrer.line, 'workspace-project-missing', message);
        }
        return null;
      }
      file = pyproject;
      kind = 'pyproject.toml';
      raw = tool.dg;
    }
    const lines = (this.readToml(file) as ParsedToml).lines;
    const prefix = kind === 'dg.toml' ? '' : 'tool.dg';
    const parsed = dgFileSchema.safeParse(raw);
    if (!parsed.success) {
      const at = tomlLine(lines, prefix ? `${prefix}.directory_type` : 'directory_type');
      const message = `Invalid dg configuration: ${describeZodError(parsed.error, prefix)}`;
      this.report('error', file, at, 'invalid-config', message);
      return null;
    }
    return { file, kind, prefix, config: parsed.data, lines };
  }

  private readDgWorkspace(dg: DgConfigRead): void {
    if (dg.config.directory_type !== 'workspace') return;
    const folder = dirname(dg.file);
    const projectsPath = dg.prefix ? `${dg.prefix}.workspace.projects` : 'workspace.projects';
    const projects = dg.config.workspace.projects ?? [];
    if (projects.length === 0) {
      const message = 'The dg workspace lists no projects, so it defines no code locations.';
      this.report('warning', dg.file, tomlLine(dg.lines, projectsPath), 'empty-workspace', message);
    }
    projects.forEach((project, i) => {
      const line = tomlArrayItemLine(dg.lines, projectsPath, i, 'path');
      const projectFolder = resolve(folder, project.path);
      const projectConfig = this.readDgConfig(projectFolder, true, { file: dg.file, line });
      if (!projectConfig) return;
      if (projectConfig.config.directory_type !== 'project') {
        const message = `${project.path} is a dg ${projectConfig.config.directory_type}, not a project.`;
        this.report('error', dg.file, line, 'workspace-project-invalid', message);
        return;
      }
      this.addDgProject(projectConfig, projectConfig.config.project);
    });
  }

  private addDgProject(dg: DgConfigRead, project: DgProjectSection): void {
    const folder = dirname(dg.file);
    const projectPath = dg.prefix ? `${dg.prefix}.project` : 'project';
    const line = tomlLine(dg.lines, projectPath);
    const autoloadDefs = project.autoload_defs ?? false;
    if (autoloadDefs && project.code_location_target_module !== undefined) {
      const message =
        '`code_location_target_module` cannot be set when `autoload_defs` is true (dg rejects it); ' +
        'the defs module is loaded.';
      const line = tomlLine(dg.lines, `${projectPath}.code_location_target_module`);
      this.report('warning', dg.file, line, 'invalid-config', message);
    }
    const rootModule = project.root_module;
    const target: LocationTarget = {
      kind: 'dgProject',
      rootModule,
      defsModule: project.defs_module ?? `${rootModule}.defs`,
      autoloadDefs,
      definitionsModule: project.code_location_target_module ?? `${rootModule}.definitions`,
    };
    // dg's working directory: the parent of the root module, looked up in `src/` whenever it exists.
    // (Outside the scanned root folders are only seen through files, hence the second test.)
    const src = join(folder, 'src');
    const wd = this.isDir(src) || this.moduleExists(src, rootModule.split('.')[0] as string) ? src : folder;
    const name = project.code_location_name ?? basename(folder);
    this.addLocation(name, wd, target, { file: dg.file, line, kind: dg.kind }, folder);
  }

  // ----- shared -----

  private addLocation(
    name: string,
    workingDirectory: string,
    target: LocationTarget,
    source: CodeLocationSpec['source'],
    projectFolder?: string,
  ): void {
    const moduleRoots = [workingDirectory];
    const moduleName = target.kind === 'file' ? null : target.kind === 'dgProject' ? target.rootModule : target.module;
    const topModule = moduleName === null ? null : (moduleName.split('.')[0] as string);
    if (topModule !== null) {
      const src = join(workingDirectory, 'src');
      if (this.moduleExists(src, topModule)) moduleRoots.push(src);
      if (!moduleRoots.some((r) => this.moduleExists(r, topModule))) {
        if (projectFolder && projectFolder !== workingDirectory && this.moduleExists(projectFolder, topModule)) {
          // dg would fail to find the root module under src/; read it where it actually is.
          moduleRoots.push(projectFolder);
          const message =
            `Module ${topModule} is not under ${workingDirectory}, where dg looks for it because a src/ folder ` +
            `exists; it is read from ${projectFolder}.`;
          this.report('warning', source.file, source.line, 'target-not-found', message);
        } else {
          const message =
            `Module ${topModule} of code location "${name}" is not found under ${moduleRoots.join(' or ')}; ` +
            'it may be installed elsewhere, so its assets cannot be read.';
          this.report('warning', source.file, source.line, 'target-not-found', message);
        }
      }
    } else if (target.kind === 'file' && !this.exists(target.file)) {
      const message = `Python file ${target.file} of code location "${name}" does not exist.`;
      this.report('warning', source.file, source.line, 'target-not-found', message);
    }
    this.locations.push({ name, workingDirectory, moduleRoots, target, source });
  }

  private readToml(file: string): ParsedToml | null {
    if (this.tomlCache.has(file)) return this.tomlCache.get(file) ?? null;
    let result: ParsedToml | null = null;
    const text = this.fs.readText(file);
    if (text === null) {
      this.report('error', file, 0, 'unreadable-file', `Cannot read ${file}.`);
    } else {
      const clean = stripBom(text);
      try {
        result = { data: parseToml(clean) as Record<string, unknown>, lines: indexTomlLines(clean) };
      } catch (error) {
        const line = error instanceof TomlError ? error.line : 0;
        const message = error instanceof Error ? firstLine(error.message) : String(error);
        this.report('error', file, line, 'toml-syntax', message);
      }
    }
    this.tomlCache.set(file, result);
    return result;
  }

  private isInsideRoot(path: string): boolean {
    return isInside(path, this.root);
  }

  /** A file: from the listing inside the root, by reading it outside (working directories may point anywhere). */
  private exists(path: string): boolean {
    return this.isInsideRoot(path) ? this.files.has(path) : this.fs.readText(path) !== null;
  }

  /** Outside the root only regular packages (with `__init__.py`) are seen; listing a foreign tree could be huge. */
  private isDir(path: string): boolean {
    return this.isInsideRoot(path) ? this.dirs.has(path) : this.fs.readText(join(path, '__init__.py')) !== null;
  }

  private moduleExists(folder: string, topModule: string): boolean {
    return this.isDir(join(folder, topModule)) || this.exists(join(folder, `${topModule}.py`));
  }

  private report(
    severity: LocationDiagnostic['severity'],
    file: string,
    line: number,
    code: string,
    message: string,
  ): void {
    this.diagnostics.push({ severity, file, line, message, code });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function depth(path: string): number {
  return path.split(/[\\/]/).filter(Boolean).length;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] as string).trim();
}
