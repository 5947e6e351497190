import { basename, dirname, join, relative, sep } from 'node:path';
import { compareKeys, keyId, keyToUserString } from '../model/assetKey';
import { findCycles, type AssetGraph, type AssetNode, type CodeLocationSummary, type Diagnostic } from '../model/graph';
import { defaultLocationName, discoverCodeLocations, type CodeLocationSpec } from './codeLocations';
import { Interpreter, type EvalDiagnostic, type EvalHost, type ModuleLocation, type ModuleState } from './evaluate/interpreter';
import { collectFromModule, walkDefsFolder } from './evaluate/loaders';
import type { Value } from './evaluate/values';
import type { ModuleIR } from './ir';
import { LocationResolver, type LocatedSpec } from './resolveDeps';
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

/** Changes to these files can change which code locations exist. */
const locationConfigNames = new Set(['workspace.yaml', 'workspace.yml', 'pyproject.toml', 'dg.toml']);

/**
 * Evaluates every code location of a scanned root and assembles the asset graph. It keeps one
 * interpreter per code location between builds, so after an edit only the changed modules (and
 * the modules that imported them) are evaluated again. Synchronous over `files` and `moduleIR`:
 * the scanner owns parsing and builds again when modules that were needed had not been parsed yet.
 */
export class GraphBuilder {
  private locationSpecs: CodeLocationSpec[] | null = null;
  private locationDiagnostics: EvalDiagnostic[] = [];
  private readonly interpreters = new Map<string, Interpreter>();
  private readonly resolvers = new Map<string, LocationResolver>();
  /** The previous build's sorted nodes and whether it had any dependency cycle, for incremental work. */
  private previousSorted: AssetNode[] | null = null;
  private previousHadCycles = true;
  /** Key id → node of the previous build, kept up to date by difference for the cycle search. */
  private readonly nodeById = new Map<string, AssetNode>();
  private previousOrphans = '';

  constructor(
    private readonly files: WorkspaceFiles,
    private readonly moduleIR: (file: string) => ModuleIR | null,
  ) {}

  /** Forgets every evaluated module (files were created or deleted, so imports may resolve differently). */
  reset(): void {
    this.locationSpecs = null;
    this.interpreters.clear();
    this.resolvers.clear();
    this.previousSorted = null;
    this.previousHadCycles = true;
    this.nodeById.clear();
  }

  /** Marks modules stale without building: the next build evaluates them (and their importers) again. */
  markStale(changed: ReadonlySet<string>): void {
    for (const interpreter of this.interpreters.values()) interpreter.invalidate(changed);
  }

  private hostFor(roots: string[]): EvalHost {
    const files = this.files;
    return {
      root: files.root,
      findModule: moduleFinder(files, roots),
      moduleIR: this.moduleIR,
      listDir: (dir) => files.listDir(dir),
      listFiles: (dir) => files.listFiles(dir),
      readText: (file) => files.readText(file),
    };
  }

  /** The interpreter kept for one purpose (a location, the implicit root, orphans), created on first use. */
  private interpreter(id: string, roots: string[]): Interpreter {
    let interpreter = this.interpreters.get(id);
    if (!interpreter) {
      interpreter = new Interpreter(this.hostFor([...new Set(roots)]));
      this.interpreters.set(id, interpreter);
    }
    interpreter.beginBuild();
    return interpreter;
  }

  private discoverLocations(): CodeLocationSpec[] {
    const files = this.files;
    if (files.entryFile) {
      this.locationDiagnostics = [];
      return [
        {
          name: basename(files.entryFile),
          workingDirectory: files.root,
          moduleRoots: [files.root],
          target: { kind: 'file', file: files.entryFile, attribute: null },
          source: { file: '', line: 0, kind: 'implicit' },
        },
      ];
    }
    const discovery = discoverCodeLocations(files.root, { readText: (f) => files.readText(f), listFiles: (d) => files.listFiles(d) });
    this.locationDiagnostics = discovery.diagnostics;
    return discovery.locations;
  }

  /** Builds the graph; `changed` are the files changed since the previous build (absolute paths). */
  build(changed: ReadonlySet<string>, candidates: string[], lap: (phase: string) => void = () => {}): GraphBuild {
    const files = this.files;
    if ([...changed].some((f) => locationConfigNames.has(basename(f)))) this.reset();
    for (const interpreter of this.interpreters.values()) interpreter.invalidate(changed);
    this.locationSpecs ??= this.discoverLocations();
    const locationSpecs = this.locationSpecs;

    const diagnostics = new Map<string, Diagnostic>();
    const add = (d: Diagnostic): void => {
      const id = `${d.file}\u0000${d.line}\u0000${d.message}`;
      if (!diagnostics.has(id)) diagnostics.set(id, d);
    };
    const report = (d: EvalDiagnostic): void =>
      add({ severity: d.severity, file: files.relative(d.file), line: d.line, message: d.message, code: d.code });
    this.locationDiagnostics.forEach(report);

    const runs: LocationRun[] = [];
    if (locationSpecs.length > 0) {
      locationSpecs.forEach((spec, index) => {
        const roots = spec.target.kind === 'file' ? [spec.workingDirectory, ...spec.moduleRoots] : spec.moduleRoots;
        const interpreter = this.interpreter(`location:${index}:${spec.name}`, roots);
        runs.push({ spec, interpreter, items: locationDefinitions(spec, interpreter) });
      });
    } else {
      const srcRoot = join(files.root, 'src');
      const roots = files.hasDir(srcRoot) ? [files.root, srcRoot] : [files.root];
      runs.push(...implicitLocations(files, candidates, this.interpreter('implicit', roots), roots));
    }

    lap('evaluate: modules');
    const assets: AssetNode[] = [];
    const loadedOrigins = new Set<string>();
    for (const run of runs) {
      const located: LocatedSpec[] = [];
      for (const item of run.items) {
        if (item.k === 'assets') {
          for (const spec of item.def.specs) located.push({ spec, owner: item.def });
        } else if (item.k === 'spec') {
          // An AssetSpec listed in Definitions is an external asset; keep the object when it already says so.
          const spec = item.spec.kind === 'external' ? item.spec : { ...item.spec, kind: 'external' as const };
          located.push({ spec, owner: item.spec });
        }
      }
      for (const { spec } of located) loadedOrigins.add(spec.origin);
      const resolverId = `${runs.indexOf(run)}:${run.spec.name}`;
      let resolver = this.resolvers.get(resolverId);
      if (!resolver) this.resolvers.set(resolverId, (resolver = new LocationResolver(run.spec.name, (f) => files.relative(f))));
      const resolved = resolver.resolve(located);
      resolved.diagnostics.forEach(add);
      assets.push(...resolved.assets);
    }

    lap('evaluate: dependencies');
    const interpreters = new Set(runs.map((r) => r.interpreter));
    const evaluatedFiles = new Set([...interpreters].flatMap((i) => i.evaluatedFiles()));
    // Assets in modules that no code location loads are invisible to Dagster: say so where they are.
    const orphanFiles = candidates.filter((f) => !evaluatedFiles.has(f));
    if (locationSpecs.length > 0 && orphanFiles.length > 0) {
      const roots = [files.root, join(files.root, 'src')];
      // A module that stopped being an orphan must not keep reporting from here.
      const orphanSet = orphanFiles.join('\u0000');
      if (orphanSet !== this.previousOrphans) this.interpreters.delete('orphans');
      this.previousOrphans = orphanSet;
      const orphans = this.interpreter('orphans', roots);
      for (const file of orphanFiles) {
        const name = moduleNameFor(file, roots);
        if (name) orphans.importModule(name);
        else orphans.evaluateFileAs(basename(file, '.py'), file);
      }
      interpreters.add(orphans);
    }
    const missing = new Set<string>();
    const reportedOrigins = new Set<string>();
    for (const interpreter of interpreters) {
      interpreter.diagnostics().forEach(report);
      for (const file of interpreter.missingFiles) missing.add(file);
      for (const value of interpreter.created()) {
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
    }

    lap('evaluate: diagnostics');
    const sorted = runs.length <= 1 ? sortLike(this.previousSorted, assets) : { nodes: mergeLocations(assets, add), fresh: null, removed: [] };
    const merged = sorted.nodes;
    const graph: AssetGraph = {
      version: 1,
      assets: merged,
      diagnostics: [],
      codeLocations: runs.map((r) => locationSummary(r.spec, files)),
    };
    // A new cycle must run through a node this build made. When the last graph had none, only the
    // nodes upstream of the new ones can take part in one, so only they are searched.
    if (sorted.fresh) {
      for (const node of sorted.removed) if (this.nodeById.get(keyId(node.key)) === node) this.nodeById.delete(keyId(node.key));
      for (const node of sorted.fresh) this.nodeById.set(keyId(node.key), node);
    } else {
      this.nodeById.clear();
      for (const node of merged) this.nodeById.set(keyId(node.key), node);
    }
    const scope = sorted.fresh && !this.previousHadCycles ? upstreamClosure(sorted.fresh, this.nodeById) : merged;
    const cycles = scope.length === 0 ? [] : findCycles({ ...graph, assets: scope });
    this.previousHadCycles = cycles.length > 0;
    for (const cycle of cycles) reportCycle(cycle, merged, add);
    lap(`evaluate: cycles (${scope.length} nodes)`);
    this.previousSorted = merged;
    graph.diagnostics = [...diagnostics.values()].sort(
      (x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line || (x.message < y.message ? -1 : 1)),
    );
    return { graph, missing };
  }
}

function locationSummary(spec: CodeLocationSpec, files: WorkspaceFiles): CodeLocationSummary {
  const target = spec.target;
  // `autoload_defs_module` in workspace.yaml is a defs folder, not a dg project with a pyproject.toml.
  const autoload = target.kind === 'dgProject' && spec.source.kind === 'workspace.yaml';
  const text =
    target.kind === 'file'
      ? files.relative(target.file)
      : target.kind === 'dgProject'
        ? autoload
          ? target.defsModule
          : target.definitionsModule
        : target.module;
  return {
    name: spec.name,
    source: spec.source.kind === 'implicit' ? 'implicit' : `${files.relative(spec.source.file)}:${spec.source.line}`,
    target: text,
    root: files.relative(spec.workingDirectory) || '.',
    pointer:
      target.kind !== 'dgProject'
        ? { kind: target.kind, attribute: target.attribute }
        : autoload
          ? { kind: 'autoload' }
          : { kind: 'dgProject', project: files.relative(dirname(spec.source.file)) || '.' },
  };
}

/** The Definitions object of a module: the `attribute` if given, else the single one at module level. */
function definitionsOf(state: ModuleState, attribute: string | null, interpreter: Interpreter, locationName: string): Value | null {
  const report = (d: EvalDiagnostic): void => interpreter.report(d.severity, d.file, d.line, d.message, d.code);
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
function locationDefinitions(spec: CodeLocationSpec, interpreter: Interpreter): Value[] {
  const report = (d: EvalDiagnostic): void => interpreter.report(d.severity, d.file, d.line, d.message, d.code);
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
  const definitions = definitionsOf(state, attribute, interpreter, spec.name);
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
  // No Definitions object: Dagster loads the module's top-level assets as an implicit repository,
  // found as its module loaders find them.
  const items: Value[] = [];
  collectFromModule(state.globals, false, new Set(), items);
  return items;
}

/**
 * Without workspace.yaml / pyproject / dg configuration: every module holding a Definitions object
 * of its own is a location (named by module, as `dagster dev -m` would); with none, the whole root is
 * one location of every module's top-level assets.
 */
function implicitLocations(files: WorkspaceFiles, candidates: string[], interpreter: Interpreter, roots: string[]): LocationRun[] {
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
    // One identity set across modules: an asset imported into several modules is loaded once.
    const seen = new Set<object>();
    const items: Value[] = [];
    for (const m of modules) collectFromModule(m.globals, false, seen, items);
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
    const definitions = definitionsOf(m, null, interpreter, spec.name);
    return { spec, interpreter, items: definitions?.k === 'definitions' ? definitions.items : [] };
  });
}

/**
 * Dagster's global asset graph across code locations: a stub in one location is replaced by the
 * real asset of another; the same real key in two locations is an error (the first is kept).
 */
const byKey = (a: AssetNode, b: AssetNode): number => compareKeys(a.key, b.key);

/**
 * One location's nodes sorted by key, and which of them are new since `previous` (null without a
 * previous build). Its keys are already unique and its stubs are keys it does not define. Nodes kept
 * from the previous build keep their relative order; only new ones are sorted and merged in.
 */
function sortLike(previous: AssetNode[] | null, current: AssetNode[]): { nodes: AssetNode[]; fresh: AssetNode[] | null; removed: AssetNode[] } {
  if (!previous) return { nodes: current.slice().sort(byKey), fresh: null, removed: [] };
  const present = new Set(current);
  const kept: AssetNode[] = [];
  const removed: AssetNode[] = [];
  for (const node of previous) (present.has(node) ? kept : removed).push(node);
  if (kept.length === current.length) return { nodes: kept, fresh: [], removed };
  const keptSet = new Set(kept);
  const fresh = current.filter((n) => !keptSet.has(n)).sort(byKey);
  const nodes: AssetNode[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length && j < fresh.length) nodes.push(byKey(kept[i] as AssetNode, fresh[j] as AssetNode) <= 0 ? (kept[i++] as AssetNode) : (fresh[j++] as AssetNode));
  while (i < kept.length) nodes.push(kept[i++] as AssetNode);
  while (j < fresh.length) nodes.push(fresh[j++] as AssetNode);
  return { nodes, fresh, removed };
}

/** The given nodes and every node they depend on, directly or not. */
function upstreamClosure(starts: AssetNode[], byId: ReadonlyMap<string, AssetNode>): AssetNode[] {
  if (starts.length === 0) return [];
  const seen = new Set<AssetNode>(starts);
  const stack = [...starts];
  while (stack.length > 0) {
    const node = stack.pop() as AssetNode;
    for (const dep of node.deps) {
      const parent = byId.get(keyId(dep.key));
      if (parent && !seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  return [...seen];
}

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
