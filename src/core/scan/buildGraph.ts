import { basename, join, relative, sep } from 'node:path';
import { compareKeys, keyId, keyToUserString } from '../model/assetKey';
import { findCycles, type AssetGraph, type AssetNode, type CodeLocationSummary, type Diagnostic } from '../model/graph';
import { defaultLocationName, discoverCodeLocations, type CodeLocationSpec } from './codeLocations';
import { Interpreter, type EvalDiagnostic, type EvalHost, type ModuleLocation, type ModuleState } from './evaluate/interpreter';
import { walkDefsFolder } from './evaluate/loaders';
import type { Value } from './evaluate/values';
import type { ModuleIR } from './ir';
import { resolveLocation, type LocatedSpec } from './resolveDeps';
import type { WorkspaceFiles } from './workspaceFiles';

export interface GraphBuild {
  graph: AssetGraph;
  /** Python files the evaluation needed but that were not parsed: parse them and build again. */
  missing: Set<string>;
}

interface LocationRun {
  spec: CodeLocationSpec;
  interpreter: Interpreter;
  items: Value[];
}

/** Python's module search over a location's roots: a package folder, then a module file, then a namespace folder. */
function moduleFinder(files: WorkspaceFiles, roots: string[]): (name: string) => ModuleLocation | null {
  return (name) => {
    let namespace: ModuleLocation | null = null;
    for (const root of roots) {
      const base = join(root, ...name.split('.'));
      if (files.hasFile(join(base, '__init__.py'))) return { name, file: join(base, '__init__.py'), isPackage: true, dir: base };
      if (files.hasFile(`${base}.py`)) return { name, file: `${base}.py`, isPackage: false, dir: null };
      if (!namespace && files.hasDir(base)) namespace = { name, file: null, isPackage: true, dir: base };
    }
    return namespace;
  };
}

/** A module name for a file below one of the roots (`a/b/c.py` → `a.b.c`, `a/__init__.py` → `a`). */
function moduleNameFor(file: string, roots: string[]): string | null {
  for (const root of roots) {
    const rel = relative(root, file);
    if (rel.startsWith('..') || rel.includes(':')) continue;
    const parts = rel.replace(/\.py$/, '').split(sep);
    if (parts[parts.length - 1] === '__init__') parts.pop();
    if (parts.length === 0 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) continue;
    return parts.join('.');
  }
  return null;
}

/**
 * Evaluates every code location of a scanned root and assembles the asset graph. Synchronous and
 * pure over `files` and `moduleIR`: the scanner owns parsing and calls this again when modules
 * that were needed had not been parsed yet.
 */
export function buildGraph(files: WorkspaceFiles, moduleIR: (file: string) => ModuleIR | null, candidates: string[]): GraphBuild {
  const diagnostics = new Map<string, Diagnostic>();
  const report = (d: EvalDiagnostic): void => {
    const diagnostic: Diagnostic = { severity: d.severity, file: files.relative(d.file), line: d.line, message: d.message, code: d.code };
    const id = `${diagnostic.file}\u0000${diagnostic.line}\u0000${diagnostic.message}`;
    if (!diagnostics.has(id)) diagnostics.set(id, diagnostic);
  };
  const missing = new Set<string>();
  const hostFor = (roots: string[]): EvalHost => ({
    findModule: moduleFinder(files, roots),
    moduleIR,
    listDir: (dir) => files.listDir(dir),
    listFiles: (dir) => files.listFiles(dir),
    readText: (file) => files.readText(file),
    report,
  });

  let locationSpecs: CodeLocationSpec[];
  if (files.entryFile) {
    const file = files.entryFile;
    locationSpecs = [
      {
        name: basename(file),
        workingDirectory: files.root,
        moduleRoots: [files.root],
        target: { kind: 'file', file, attribute: null },
        source: { file: '', line: 0, kind: 'implicit' },
      },
    ];
  } else {
    const discovery = discoverCodeLocations(files.root, { readText: (f) => files.readText(f), listFiles: (d) => files.listFiles(d) });
    discovery.diagnostics.forEach(report);
    locationSpecs = discovery.locations;
  }

  const runs: LocationRun[] = [];
  const evaluatedFiles = new Set<string>();
  const noteEvaluated = (interpreter: Interpreter): void => {
    for (const file of interpreter.evaluatedFiles()) evaluatedFiles.add(file);
    for (const file of interpreter.missingFiles) missing.add(file);
  };
  if (locationSpecs.length > 0) {
    for (const spec of locationSpecs) {
      const roots = spec.target.kind === 'file' ? [spec.workingDirectory, ...spec.moduleRoots] : spec.moduleRoots;
      const interpreter = new Interpreter(hostFor([...new Set(roots)]));
      runs.push({ spec, interpreter, items: locationDefinitions(spec, interpreter, report) });
      noteEvaluated(interpreter);
    }
  } else {
    runs.push(...implicitLocations(files, candidates, hostFor, report));
    for (const run of runs) noteEvaluated(run.interpreter);
  }

  const assets: AssetNode[] = [];
  const loadedOrigins = new Set<string>();
  for (const run of runs) {
    const located: LocatedSpec[] = [];
    for (const item of run.items) {
      if (item.k === 'assets') {
        for (const spec of item.def.specs) located.push({ spec, owner: item.def });
      } else if (item.k === 'spec') {
        located.push({ spec: { ...item.spec, kind: 'external' }, owner: item.spec });
      }
    }
    for (const { spec } of located) loadedOrigins.add(spec.origin);
    const resolved = resolveLocation(run.spec.name, located, (f) => files.relative(f));
    resolved.diagnostics.forEach((d) => diagnostics.set(`${d.file}\u0000${d.line}\u0000${d.message}`, d));
    assets.push(...resolved.assets);
  }

  // Assets in modules that no code location loads are invisible to Dagster: say so where they are.
  const orphanFiles = candidates.filter((f) => !evaluatedFiles.has(f));
  const allCreated = runs.flatMap((r) => r.interpreter.created);
  if (locationSpecs.length > 0 && orphanFiles.length > 0) {
    const roots = [files.root, join(files.root, 'src')];
    const orphanInterpreter = new Interpreter(hostFor(roots));
    for (const file of orphanFiles) {
      const name = moduleNameFor(file, roots);
      if (name) orphanInterpreter.importModule(name);
      else orphanInterpreter.evaluateFileAs(basename(file, '.py'), file);
    }
    noteEvaluated(orphanInterpreter);
    allCreated.push(...orphanInterpreter.created);
  }
  const reportedOrigins = new Set<string>();
  for (const { value } of allCreated) {
    if (value.k !== 'assets' || value.def.isSourceLike) continue;
    for (const spec of value.def.specs) {
      if (loadedOrigins.has(spec.origin) || reportedOrigins.has(spec.origin) || spec.kind === 'dbt') continue;
      reportedOrigins.add(spec.origin);
      report({
        severity: 'warning',
        file: spec.file,
        line: spec.line,
        message: `asset ${keyToUserString(spec.key)} is defined here but no code location's Definitions loads it, so Dagster does not know it`,
        code: 'asset-not-loaded',
      });
    }
  }

  const merged = mergeLocations(assets, (d) => diagnostics.set(`${d.file}\u0000${d.line}\u0000${d.message}`, d));
  const graph: AssetGraph = {
    version: 1,
    assets: merged,
    diagnostics: [],
    codeLocations: runs.map((r) => locationSummary(r.spec, files)),
  };
  for (const cycle of findCycles(graph)) reportCycle(cycle, merged, (d) => diagnostics.set(`${d.file}\u0000${d.line}\u0000${d.message}`, d));
  graph.diagnostics = [...diagnostics.values()].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.message < b.message ? -1 : 1)),
  );
  return { graph, missing };
}

function locationSummary(spec: CodeLocationSpec, files: WorkspaceFiles): CodeLocationSummary {
  const target = spec.target;
  const text =
    target.kind === 'file'
      ? files.relative(target.file)
      : target.kind === 'dgProject'
        ? target.definitionsModule
        : target.module;
  return {
    name: spec.name,
    source: spec.source.kind === 'implicit' ? 'implicit' : `${files.relative(spec.source.file)}:${spec.source.line}`,
    target: text,
    root: files.relative(spec.workingDirectory) || '.',
  };
}

/** The Definitions object of a module: the `attribute` if given, else the single one at module level. */
function definitionsOf(
  state: ModuleState,
  attribute: string | null,
  interpreter: Interpreter,
  report: (d: EvalDiagnostic) => void,
  locationName: string,
): Value | null {
  const file = state.ref.file;
  if (attribute) {
    const value = state.globals.get(attribute);
    if (!value) {
      report({ severity: 'error', file, line: 0, message: `code location ${locationName}: ${state.ref.name} has no attribute '${attribute}'`, code: 'definitions-not-found' });
      return null;
    }
    if (value.k === 'func') return interpreter.callDefinitionsFunction(value);
    return value;
  }
  const found: Value[] = [];
  const seen = new Set<Value>();
  for (const value of state.globals.values()) {
    if (seen.has(value)) continue;
    seen.add(value);
    if (value.k === 'definitions') found.push(value);
    else if (value.k === 'func' && value.definitions) found.push(interpreter.callDefinitionsFunction(value));
  }
  if (found.length > 1) {
    report({
      severity: 'error',
      file,
      line: 0,
      message: `code location ${locationName}: module ${state.ref.name} has ${found.length} Definitions objects; Dagster needs exactly one (or an attribute naming it). The first is shown`,
      code: 'multiple-definitions',
    });
  }
  return found[0] ?? null;
}

/** The items (assets and specs) of a location's Definitions, or of its module when it has none. */
function locationDefinitions(spec: CodeLocationSpec, interpreter: Interpreter, report: (d: EvalDiagnostic) => void): Value[] {
  const target = spec.target;
  let state: ModuleState | null = null;
  let attribute: string | null = null;
  if (target.kind === 'file') {
    state = interpreter.evaluateFileAs(basename(target.file, '.py'), target.file);
    attribute = target.attribute;
  } else if (target.kind === 'module' || target.kind === 'package') {
    state = interpreter.importModule(target.module);
    attribute = target.attribute;
  } else {
    state = interpreter.importModule(target.definitionsModule);
    if (!state && target.autoloadDefs) {
      const complain = (severity: EvalDiagnostic['severity'], message: string, code: string): void =>
        report({ severity, file: spec.source.file, line: spec.source.line, message, code });
      return walkDefsFolder(interpreter, target.defsModule, false, complain) ?? [];
    }
  }
  if (!state || !state.location.file) {
    const what = target.kind === 'file' ? target.file : target.kind === 'dgProject' ? target.definitionsModule : target.module;
    if (!interpreter.missingFiles.size) {
      report({
        severity: 'error',
        file: spec.source.file,
        line: spec.source.line,
        message: `code location ${spec.name}: ${what} cannot be found under ${spec.moduleRoots.join(', ')}`,
        code: 'location-target-missing',
      });
    }
    return [];
  }
  const definitions = definitionsOf(state, attribute, interpreter, report, spec.name);
  if (definitions?.k === 'definitions') return definitions.items;
  if (definitions) {
    report({
      severity: 'warning',
      file: state.ref.file,
      line: 0,
      message: `code location ${spec.name}: its Definitions cannot be read statically`,
      code: 'unresolved-definitions',
    });
    return [];
  }
  // No Definitions object: Dagster loads the module's top-level assets as an implicit repository.
  return collectTopLevel(state);
}

function collectTopLevel(state: ModuleState): Value[] {
  const out: Value[] = [];
  const seen = new Set<object>();
  const take = (v: Value): void => {
    if (v.k !== 'assets' || seen.has(v.def)) return;
    seen.add(v.def);
    out.push(v);
  };
  for (const [name, value] of state.globals) {
    if (name.startsWith('__')) continue;
    if (value.k === 'assets') take(value);
    else if (value.k === 'list' && !value.tuple && value.items.every((i) => i.k === 'assets')) value.items.forEach(take);
  }
  return out;
}

/**
 * Without workspace.yaml / pyproject / dg configuration: every module holding a Definitions object
 * of its own is a location (named by module, as `dagster dev -m` would); with none, the whole root is
 * one location of every module's top-level assets.
 */
function implicitLocations(
  files: WorkspaceFiles,
  candidates: string[],
  hostFor: (roots: string[]) => EvalHost,
  report: (d: EvalDiagnostic) => void,
): LocationRun[] {
  const srcRoot = join(files.root, 'src');
  const roots = files.hasDir(srcRoot) ? [files.root, srcRoot] : [files.root];
  const interpreter = new Interpreter(hostFor(roots));
  const modules: ModuleState[] = [];
  for (const file of candidates) {
    const name = moduleNameFor(file, roots);
    const state = name ? interpreter.importModule(name) : interpreter.evaluateFileAs(basename(file, '.py'), file);
    if (state) modules.push(state);
  }
  const rootName = basename(files.root);
  const owners = modules.filter((m) =>
    [...m.globals.values()].some((v) => (v.k === 'definitions' && v.file === m.ref.file) || (v.k === 'func' && v.definitions && v.module.file === m.ref.file)),
  );
  if (owners.length === 0) {
    const seen = new Set<object>();
    const items: Value[] = [];
    for (const m of modules) {
      for (const v of collectTopLevel(m)) {
        if (v.k === 'assets' && !seen.has(v.def)) {
          seen.add(v.def);
          items.push(v);
        }
      }
    }
    return [
      {
        spec: {
          name: rootName,
          workingDirectory: files.root,
          moduleRoots: roots,
          target: { kind: 'module', module: rootName, attribute: null },
          source: { file: '', line: 0, kind: 'implicit' },
        },
        interpreter,
        items,
      },
    ];
  }
  return owners.map((m) => {
    const spec: CodeLocationSpec = {
      name: defaultLocationName({ kind: 'module', module: m.ref.name, attribute: null }),
      workingDirectory: files.root,
      moduleRoots: roots,
      target: { kind: 'module', module: m.ref.name, attribute: null },
      source: { file: '', line: 0, kind: 'implicit' },
    };
    const definitions = definitionsOf(m, null, interpreter, report, spec.name);
    return { spec, interpreter, items: definitions?.k === 'definitions' ? definitions.items : [] };
  });
}

/**
 * Dagster's global asset graph across code locations: a stub in one location is replaced by the
 * real asset of another; the same real key in two locations is an error (the first is kept).
 */
function mergeLocations(assets: AssetNode[], addDiagnostic: (d: Diagnostic) => void): AssetNode[] {
  const real = new Map<string, AssetNode>();
  const stubs = new Map<string, AssetNode>();
  for (const asset of assets) {
    const id = keyId(asset.key);
    if (asset.kind === 'stub') {
      if (!stubs.has(id)) stubs.set(id, asset);
      continue;
    }
    const existing = real.get(id);
    if (existing) {
      addDiagnostic({
        severity: 'error',
        file: asset.file,
        line: asset.line,
        message: `asset key ${keyToUserString(asset.key)} is defined in code locations ${existing.codeLocation} and ${asset.codeLocation}`,
        code: 'duplicate-key',
      });
      continue;
    }
    real.set(id, asset);
  }
  for (const [id, stub] of stubs) if (!real.has(id)) real.set(id, stub);
  return [...real.values()].sort((a, b) => compareKeys(a.key, b.key));
}

function reportCycle(cycle: string[][], assets: AssetNode[], addDiagnostic: (d: Diagnostic) => void): void {
  const first = assets.find((a) => keyId(a.key) === keyId(cycle[0] as string[]));
  if (!first) return;
  if (cycle.length === 1) {
    // Dagster accepts a partitioned asset depending on its own earlier partitions.
    const self = first.deps.find((d) => keyId(d.key) === keyId(first.key));
    if (first.partitions && self?.partitionMapping?.type === 'time_window' && self.partitionMapping.startOffset < 0) return;
  }
  addDiagnostic({
    severity: 'error',
    file: first.file,
    line: first.line,
    message:
      cycle.length === 1
        ? `${keyToUserString(first.key)} depends on itself; Dagster only allows that for a partitioned asset through a TimeWindowPartitionMapping with a negative offset`
        : `dependency cycle: ${cycle.map((k) => keyToUserString(k)).join(' → ')}; Dagster refuses cyclic asset graphs`,
    code: 'cycle',
  });
}
