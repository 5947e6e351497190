import { basename, dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { yamlData } from '../safeYaml';
import { KeyMap, keysEqual } from '../../model/assetKey';
import type { BackfillPolicy } from '../../model/graph';
import type { ApiContext } from './dagsterApi';
import type { Interpreter } from './interpreter';
import { dbtSpecsForProject } from './dbtGlue';
import type { Complain } from './partitionsApi';
import { arg, asKeyPrefix, asString, asStringList, isAbsent, toLiteral, userStringKey } from './pyValues';
import { unknownValue, type AssetsDef, type CallArgs, type SpecValue, type Value } from './values';

export const loaderApiNames = new Set([
  'load_assets_from_modules',
  'load_assets_from_current_module',
  'load_assets_from_package_module',
  'load_assets_from_package_name',
  'load_definitions_from_modules',
  'load_definitions_from_module',
  'load_definitions_from_current_module',
  'load_definitions_from_package_module',
  'load_definitions_from_package_name',
  'load_defs',
  'load_from_defs_folder',
]);

const defaultGroup = 'default';

/**
 * What `find_objects_in_module_of_types` keeps from `dir(module)`: assets definitions, source
 * assets, specs (when asked) and lists made only of those. Tuples, dicts and nested lists are not
 * scanned (§1.8). Identity de-duplicates: one object bound under two names is loaded once.
 */
export function collectFromModule(
  globals: Map<string, Value>,
  includeSpecs: boolean,
  seen: Set<object>,
  out: Value[],
  definitions?: Value[],
): void {
  const take = (value: Value): void => {
    const identity = value.k === 'assets' ? value.def : value.k === 'spec' ? value.spec : value;
    if (seen.has(identity)) return;
    seen.add(identity);
    out.push(value);
  };
  globals.forEach((value, name) => {
    if (name.charCodeAt(0) === 95 && name.charCodeAt(1) === 95) return; // a `__dunder__` name
    const k = value.k;
    if (k === 'assets' || (k === 'spec' && includeSpecs)) {
      take(value);
    } else if (k === 'list') {
      if (value.tuple) return;
      const items = value.items;
      for (const item of items) if (item.k !== 'assets' && !(item.k === 'spec' && includeSpecs)) return;
      for (const item of items) take(item);
    } else if (definitions && k === 'definitions' && !seen.has(value)) {
      seen.add(value);
      definitions.push(value);
    }
  });
}

/** The last loader copy of each source spec and definition (see `copySpec`). */
const copyMemo = new WeakMap<SpecValue, SpecValue>();
const defMemo = new WeakMap<AssetsDef, AssetsDef>();

/** Whether `copy` is exactly what loading `spec` with these maps and attributes makes now. */
function sameCopy(
  copy: SpecValue,
  spec: SpecValue,
  first: KeyMap<string[]>,
  second: KeyMap<string[]> | null,
  group: string | null,
  backfillPolicy: BackfillPolicy | null,
): boolean {
  const rewrite = (key: string[]): string[] => first.get(key) ?? second?.get(key) ?? key;
  if (copy.group !== (group ?? spec.group)) return false;
  const policy = backfillPolicy ?? spec.backfillPolicy;
  const had = copy.backfillPolicy;
  if (had?.type !== policy?.type || (had?.type === 'multi_run' && policy?.type === 'multi_run' && had.maxPartitionsPerRun !== policy.maxPartitionsPerRun)) return false;
  if (!keysEqual(copy.key, rewrite(spec.key)) || copy.deps.length !== spec.deps.length) return false;
  for (let i = 0; i < spec.deps.length; i++) {
    const original = spec.deps[i] as SpecValue['deps'][number];
    const copied = copy.deps[i] as SpecValue['deps'][number];
    if (copied.mapping !== original.mapping || copied.carriesData !== original.carriesData || copied.inputName !== original.inputName) return false;
    if (!keysEqual(copied.key, rewrite(original.key))) return false;
  }
  return true;
}

/** Copies loaded assets with `key_prefix`, `source_key_prefix` and `group_name` applied as Dagster does (§1.8). */
export function applyLoaderAttributes(values: Value[], call: CallArgs, complain: Complain): Value[] {
  const keyPrefix = asKeyPrefix(call.kwargs.get('key_prefix')) ?? [];
  const sourcePrefix = asKeyPrefix(call.kwargs.get('source_key_prefix')) ?? [];
  const groupArg = call.kwargs.get('group_name');
  const group = isAbsent(groupArg) ? null : asString(groupArg);
  if (!isAbsent(groupArg) && group === null) complain('warning', 'group_name of the loader cannot be read statically', 'unresolved-argument');
  if (call.kwargs.has('key_prefix') && asKeyPrefix(call.kwargs.get('key_prefix')) === null) {
    complain('warning', 'key_prefix of the loader cannot be read statically', 'unresolved-argument');
  }
  const backfill = call.kwargs.get('backfill_policy');
  const backfillPolicy = backfill?.k === 'backfill' ? backfill.policy : null;

  // The key_prefix replacement map holds every key of the loaded assets definitions AND specs
  // (Dagster's `assets_with_loadable_prefix`), but only assets definitions are rewritten: their own
  // keys and their dependencies. Specs and source assets keep their key (and their deps); in-set
  // dependencies follow the prefix, dependencies on keys outside the set keep their old key.
  // Without prefixes both maps stay empty and no key is looked up at all.
  const assetMap = new KeyMap<string[]>();
  const sourceMap = new KeyMap<string[]>();
  if (keyPrefix.length || sourcePrefix.length) {
    for (const v of values) {
      if (v.k === 'assets') {
        const sourceLike = v.def.isSourceLike;
        for (const spec of v.def.specs) {
          if (keyPrefix.length && !sourceLike) assetMap.set(spec.key, keyPrefix.concat(spec.key));
          if (sourcePrefix.length && sourceLike) sourceMap.set(spec.key, sourcePrefix.concat(spec.key));
        }
      } else if (v.k === 'spec') {
        const { spec } = v;
        if (keyPrefix.length) assetMap.set(spec.key, keyPrefix.concat(spec.key));
        if (sourcePrefix.length) sourceMap.set(spec.key, sourcePrefix.concat(spec.key));
      }
    }
  }
  const copySpec = (spec: SpecValue, sourceLike: boolean): SpecValue => {
    // Assets definitions take the key_prefix, else the source prefix; source-like ones only the latter.
    const first = sourceLike ? sourceMap : assetMap;
    const second = sourceLike ? null : sourceMap;
    if (group !== null && spec.group && spec.group !== defaultGroup && spec.group !== group) {
      complain('error', `${spec.key.join('/')} already has group '${spec.group}'; the loader's group_name '${group}' conflicts (Dagster raises)`, 'group-conflict');
    }
    // The same source spec loaded the same way gives the same copy: keeping its identity lets the
    // next stage reuse what it built for it last time.
    const previous = copyMemo.get(spec);
    if (previous && sameCopy(previous, spec, first, second, group, sourceLike ? null : backfillPolicy)) return previous;
    let key = spec.key;
    let deps = spec.deps;
    if (first.size > 0 || (second !== null && second.size > 0)) {
      key = first.get(key) ?? second?.get(key) ?? key;
      let copied: SpecValue['deps'] | null = null;
      for (let i = 0; i < deps.length; i++) {
        const dep = deps[i] as SpecValue['deps'][number];
        const rewritten = first.get(dep.key) ?? second?.get(dep.key);
        if (rewritten === undefined) {
          if (copied) copied.push(dep);
          continue;
        }
        // Dependency records are never changed after they are built: unchanged ones are shared.
        copied ??= deps.slice(0, i);
        copied.push({ ...dep, key: rewritten });
      }
      if (copied) deps = copied;
    }
    const next: SpecValue = { ...spec, key, deps };
    if (group !== null) next.group = group;
    if (backfillPolicy !== null && !sourceLike) next.backfillPolicy = backfillPolicy;
    copyMemo.set(spec, next);
    return next;
  };
  const loaded: Value[] = [];
  for (const v of values) {
    if (v.k === 'spec') loaded.push({ k: 'spec', spec: copySpec(v.spec, true) });
    else if (v.k === 'assets') {
      const { isSourceLike, specs } = v.def;
      const copies: SpecValue[] = [];
      for (const spec of specs) copies.push(copySpec(spec, isSourceLike));
      // Keep the copied definition's identity too when every copy is the previous one: later
      // stages tell outputs of one definition apart by it.
      const previous = defMemo.get(v.def);
      const def: AssetsDef =
        previous && previous.specs.length === copies.length && previous.specs.every((c, i) => c === copies[i])
          ? previous
          : { isSourceLike, specs: copies };
      defMemo.set(v.def, def);
      loaded.push({ k: 'assets', def });
    } else loaded.push(v);
  }
  return loaded;
}

function moduleNamesOf(values: Value[] | undefined, complain: Complain): string[] {
  const names: string[] = [];
  for (const v of values ?? []) {
    if (v.k === 'module') names.push(v.name);
    else complain('warning', `a module passed to the loader cannot be read statically: ${v.k === 'unknown' ? v.why : v.k}`, 'unresolved-module');
  }
  return names;
}

/** The package and every sub-module below it, as `pkgutil.walk_packages` finds them. */
function walkPackage(interp: Interpreter, packageName: string, complain: Complain): string[] {
  const root = interp.importModule(packageName);
  if (!root) {
    complain('warning', `package ${packageName} is not in the workspace`, 'unresolved-module');
    return [];
  }
  const names = [packageName];
  if (!root.location.isPackage || !root.location.dir) return names;
  const visit = (dir: string, prefix: string): void => {
    const { files, dirs } = interp.host.listDir(dir);
    for (const file of files) {
      const stem = basename(file, '.py');
      if (stem === '__init__') continue;
      names.push(`${prefix}.${stem}`);
    }
    for (const sub of dirs) {
      // walk_packages descends only into regular packages.
      if (!interp.host.listDir(sub).files.some((f) => basename(f) === '__init__.py')) continue;
      const subName = `${prefix}.${basename(sub)}`;
      names.push(subName);
      visit(sub, subName);
    }
  };
  visit(root.location.dir, packageName);
  return names;
}

/** Where `group_name` and `key_prefix` sit among positional arguments (Dagster's signatures). */
const positionalAttributes: Record<string, number> = {
  load_assets_from_modules: 1,
  load_assets_from_package_module: 1,
  load_assets_from_package_name: 1,
  load_assets_from_current_module: 0,
};

/** The call with positional `group_name` / `key_prefix` moved to keywords, so one reader serves both. */
function withAttributeKeywords(name: string, call: CallArgs): CallArgs {
  const at = positionalAttributes[name];
  if (at === undefined || call.args.length <= at) return call;
  const kwargs = new Map(call.kwargs);
  const [group, prefix] = [call.args[at], call.args[at + 1]];
  if (group && !kwargs.has('group_name')) kwargs.set('group_name', group);
  if (prefix && !kwargs.has('key_prefix')) kwargs.set('key_prefix', prefix);
  return { ...call, kwargs };
}

export function callLoader(name: string, originalCall: CallArgs, ctx: ApiContext, complain: Complain): Value {
  const interp = ctx.interpreter;
  const call = withAttributeKeywords(name, originalCall);
  const isDefinitionsLoader = name.startsWith('load_definitions') || name === 'load_defs' || name === 'load_from_defs_folder';
  let moduleNames: string[];
  switch (name) {
    case 'load_assets_from_modules':
    case 'load_definitions_from_modules': {
      const mods = arg(call, 0, 'assets_modules') ?? call.kwargs.get('modules');
      moduleNames = moduleNamesOf(mods?.k === 'list' ? mods.items : mods ? [mods] : [], complain);
      break;
    }
    case 'load_definitions_from_module':
      moduleNames = moduleNamesOf(call.args.slice(0, 1).concat(call.kwargs.get('module') ?? []), complain);
      break;
    case 'load_assets_from_current_module':
    case 'load_definitions_from_current_module':
      moduleNames = [ctx.module.name];
      break;
    case 'load_assets_from_package_module':
    case 'load_definitions_from_package_module': {
      const pkg = arg(call, 0, 'package_module');
      moduleNames = pkg?.k === 'module' ? walkPackage(interp, pkg.name, complain) : [];
      if (pkg?.k !== 'module') complain('warning', 'the package passed to the loader cannot be read statically', 'unresolved-module');
      break;
    }
    case 'load_assets_from_package_name':
    case 'load_definitions_from_package_name': {
      const pkgName = asString(arg(call, 0, 'package_name'));
      moduleNames = pkgName ? walkPackage(interp, pkgName, complain) : [];
      if (!pkgName) complain('warning', 'the package name passed to the loader cannot be read statically', 'unresolved-module');
      break;
    }
    case 'load_defs':
    case 'load_from_defs_folder':
      return loadDefsFolder(name, call, interp, complain);
    default:
      return unknownValue(name);
  }
  const includeSpecs = isDefinitionsLoader || call.kwargs.get('include_specs')?.k === 'bool' && (call.kwargs.get('include_specs') as { v: boolean }).v;
  const states = moduleNames.map((moduleName) => (moduleName === ctx.module.name ? interp.moduleState(moduleName) : interp.importModule(moduleName)) ?? null);

  // After an edit, most loader calls see exactly the module objects they saw before: their result
  // is reused (same copies, so later stages can reuse their work too). A module still running (the
  // current module) may gain globals, so such calls are never reused.
  const fingerprint = JSON.stringify([name, includeSpecs, ...loaderArgumentNames.map((k) => (call.kwargs.has(k) ? toLiteral(call.kwargs.get(k) as Value) : null))]);
  const memoKey = `${call.file}:${call.line}:${name}`;
  const inputs: unknown[] = [fingerprint, ...states];
  const reusable = states.every((st) => st?.status === 'done');
  const memo = reusable ? interp.callMemo.get(memoKey) : undefined;
  if (memo && memo.inputs.length === inputs.length && memo.inputs.every((x, i) => x === inputs[i])) {
    for (const [severity, message, code] of memo.complaints) complain(severity, message, code);
    return memo.result.k === 'list' ? { ...memo.result, items: [...memo.result.items] } : memo.result.k === 'definitions' ? { ...memo.result, items: [...memo.result.items] } : memo.result;
  }
  const complaints: [Parameters<Complain>[0], string, string][] = [];
  const record: Complain = (severity, message, code) => {
    complaints.push([severity, message, code]);
    complain(severity, message, code);
  };

  const seen = new Set<object>();
  const collected: Value[] = [];
  const definitions: Value[] = [];
  states.forEach((state, i) => {
    if (!state) {
      record('warning', `module ${moduleNames[i]} is not in the workspace`, 'unresolved-module');
      return;
    }
    collectFromModule(state.globals, includeSpecs, seen, collected, isDefinitionsLoader ? definitions : undefined);
  });
  const loaded = applyLoaderAttributes(collected, call, record);
  const result: Value = isDefinitionsLoader
    ? { k: 'definitions', items: [...loaded, ...definitions.flatMap((d) => (d.k === 'definitions' ? d.items : []))], file: call.file, line: call.line }
    : { k: 'list', items: loaded, tuple: false };
  if (reusable) interp.callMemo.set(memoKey, { inputs, result, complaints });
  // Callers may extend the list (`assets += [...]`); the memo keeps its own copy of the items.
  return result.k === 'list' ? { ...result, items: [...result.items] } : result.k === 'definitions' ? { ...result, items: [...result.items] } : result;
}

/** Keyword arguments that change what a loader returns. */
const loaderArgumentNames = ['key_prefix', 'source_key_prefix', 'group_name', 'backfill_policy', 'automation_condition', 'include_specs'];

const keywordFiles = ['defs.yaml', 'component.yaml'];

/**
 * Components autoloading (`load_defs(defs_root=module)` / `load_from_defs_folder(project_root=...)`):
 * a folder with a `defs.yaml`/`component.yaml` is that component; a folder with `definitions.py`
 * loads only that module; otherwise every Python file's top-level definitions, and sub-folders recurse.
 */
function loadDefsFolder(name: string, call: CallArgs, interp: Interpreter, complain: Complain): Value {
  let defsModule: string | null = null;
  if (name === 'load_defs') {
    const root = arg(call, 0, 'defs_root');
    if (root?.k === 'module') defsModule = root.name;
  } else {
    const projectRoot = arg(call, 0, 'project_root') ?? call.kwargs.get('path_within_project');
    const rootDir = projectRoot?.k === 'path' ? projectRoot.path : projectRoot?.k === 'str' ? projectRoot.v : null;
    defsModule = rootDir ? defsModuleFromPyproject(rootDir, interp.host.root, (f) => interp.host.readText(f), complain) : null;
  }
  if (!defsModule) {
    complain('warning', `the defs folder of ${name} cannot be found statically`, 'unresolved-module');
    return unknownValue(name);
  }
  const items = walkDefsFolder(interp, defsModule, name === 'load_defs', complain);
  return items ? { k: 'definitions', items, file: call.file, line: call.line } : unknownValue(name);
}

/**
 * The assets of a Components defs folder. Only the legacy `load_defs` stops at a folder's
 * definitions.py; `load_from_defs_folder` (and dg autoloading) loads every file next to it too.
 */
export function walkDefsFolder(interp: Interpreter, defsModule: string, stopAtDefinitionsPy: boolean, complain: Complain): Value[] | null {
  const root = interp.importModule(defsModule);
  if (!root?.location.dir) {
    complain('warning', `defs module ${defsModule} is not a package folder in the workspace`, 'unresolved-module');
    return null;
  }
  const items: Value[] = [];
  const seen = new Set<object>();
  // A module with its own Definitions object contributes exactly that object; any other module
  // contributes its top-level assets and specs (Dagster's PythonFileComponent).
  const collectModule = (moduleName: string): void => {
    const state = interp.importModule(moduleName);
    if (!state) return;
    const own = [...state.globals.values()].find((v) => v.k === 'definitions' && v.file === state.ref.file);
    if (own?.k === 'definitions') {
      if (!seen.has(own)) {
        seen.add(own);
        items.push(...own.items);
      }
      return;
    }
    const collected: Value[] = [];
    collectFromModule(state.globals, true, seen, collected);
    items.push(...collected);
  };
  const walk = (dir: string, moduleName: string): void => {
    const { files, dirs } = interp.host.listDir(dir);
    const yamlFile = keywordFiles.map((k) => join(dir, k)).find((f) => interp.host.readText(f) !== null);
    if (yamlFile) {
      items.push(...loadYamlComponents(yamlFile, interp));
      return;
    }
    if (stopAtDefinitionsPy && files.some((f) => basename(f) === 'definitions.py')) {
      collectModule(`${moduleName}.definitions`);
      return;
    }
    for (const file of files) {
      const stem = basename(file, '.py');
      collectModule(stem === '__init__' ? moduleName : `${moduleName}.${stem}`);
    }
    for (const sub of dirs) {
      // Dagster ignores only __pycache__ and hidden folders here.
      const base = basename(sub);
      if (base.startsWith('.') || base === '__pycache__') continue;
      walk(sub, `${moduleName}.${base}`);
    }
  };
  walk(root.location.dir, defsModule);
  return items;
}

/**
 * The defs module of the dg project containing `startDir`: the nearest `pyproject.toml` with
 * `[tool.dg.project]` or `dg.toml` with `[project]`, searching parent folders as dg does.
 */
const dgProjectSchema = z.object({ root_module: z.string().optional(), defs_module: z.string().optional() }).passthrough();

function defsModuleFromPyproject(startDir: string, root: string, readText: (f: string) => string | null, complain: Complain): string | null {
  // dg looks in parent folders too; the search stops at the scanned root, nothing outside it is read.
  for (let dir = startDir; dir.startsWith(root); dir = dirname(dir)) {
    for (const [file, pick] of [
      ['pyproject.toml', (t: Record<string, unknown>) => (t['tool'] as { dg?: { project?: unknown } } | undefined)?.dg?.project],
      ['dg.toml', (t: Record<string, unknown>) => t['project']],
    ] as const) {
      const text = readText(join(dir, file));
      if (text === null) continue;
      let table: unknown;
      try {
        table = pick(parseToml(text) as Record<string, unknown>);
      } catch (error) {
        complain('error', `${join(dir, file)} is not valid TOML: ${(error as Error).message}`, 'invalid-config');
        return null;
      }
      const project = dgProjectSchema.safeParse(table);
      if (!project.success) continue;
      if (project.data.defs_module) return project.data.defs_module;
      if (project.data.root_module) return `${project.data.root_module}.defs`;
    }
    if (dirname(dir) === dir) return null;
  }
  return null;
}

const componentDocSchema = z.object({ type: z.string(), attributes: z.record(z.unknown()).optional() }).passthrough();

/** Declarative assets of executable components (`FunctionComponent`, `PythonScriptComponent`, ...). */
const declaredAssetSchema = z
  .object({
    key: z.string(),
    deps: z.array(z.string()).optional(),
    group_name: z.string().optional(),
    description: z.string().optional(),
    code_version: z.string().optional(),
    owners: z.array(z.string()).optional(),
    kinds: z.array(z.string()).optional(),
  })
  .passthrough();

const dbtComponentSchema = z
  .object({
    project: z.union([z.string(), z.object({ project_dir: z.string() }).passthrough()]),
    select: z.string().optional(),
    exclude: z.string().optional(),
    translation: z.unknown().optional(),
  })
  .passthrough();

/** Components declared in YAML. Declarative assets and dbt projects are read; other types are reported. */
function loadYamlComponents(file: string, interp: Interpreter): Value[] {
  const text = interp.host.readText(file);
  if (text === null) return [];
  const out: Value[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      interp.report('error', file, doc.errors[0]?.linePos?.[0]?.line ?? 1, `invalid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`, 'invalid-config');
      continue;
    }
    const data = yamlData(doc);
    if (!data.ok) {
      interp.report('error', file, 1, `invalid YAML: ${data.message.split('\n')[0]}`, 'invalid-config');
      continue;
    }
    if (data.value === null || data.value === undefined) continue;
    const parsed = componentDocSchema.safeParse(data.value);
    if (!parsed.success) {
      interp.report('warning', file, 1, `not a component definition: ${parsed.error.issues[0]?.message ?? ''}`, 'invalid-config');
      continue;
    }
    const { type, attributes = {} } = parsed.data;
    if (type.split('.').pop() === 'DbtProjectComponent') {
      const dbt = dbtComponentSchema.safeParse(attributes);
      if (!dbt.success) {
        interp.report('warning', file, 1, 'the dbt project of DbtProjectComponent cannot be read statically', 'unresolved-argument');
        continue;
      }
      if (dbt.data.translation) {
        interp.report('info', file, 1, 'translation templates of DbtProjectComponent are not applied statically; keys may differ', 'custom-translator');
      }
      const dir = typeof dbt.data.project === 'string' ? dbt.data.project : dbt.data.project.project_dir;
      const specs = dbtSpecsForProject(
        { projectDir: join(dirname(file), dir), manifestPath: null },
        { select: dbt.data.select ?? 'fqn:*', exclude: dbt.data.exclude ?? null, keyPrefix: [], sourceKeyPrefix: [] },
        { file, line: 1, opName: basename(dirname(file)), partitions: null, backfillPolicy: null },
        interp,
      );
      out.push({ k: 'assets', def: { specs, isSourceLike: false } });
      continue;
    }
    const assets = attributes['assets'];
    if (Array.isArray(assets)) {
      const specs: SpecValue[] = [];
      for (const entry of assets) {
        const asset = declaredAssetSchema.safeParse(entry);
        if (!asset.success) {
          interp.report('warning', file, 1, 'an asset of this component has no literal key', 'unresolved-key');
          continue;
        }
        // Component YAML keys are user strings: split on `/` (§1.11).
        const key = userStringKey(asset.data.key);
        specs.push({
          key,
          deps: (asset.data.deps ?? []).map((d) => ({ key: userStringKey(d), mapping: null, carriesData: false })),
          group: asset.data.group_name ?? null,
          partitions: null,
          codeVersion: asset.data.code_version ?? null,
          backfillPolicy: null,
          description: asset.data.description ?? null,
          owners: asset.data.owners ?? [],
          tags: {},
          kinds: asset.data.kinds ?? [],
          automationCondition: null,
          metadata: {},
          kind: 'asset',
          file,
          line: 1,
          opName: null,
          sourceHash: null,
          origin: `${file}:${JSON.stringify(key)}`,
        });
      }
      out.push({ k: 'assets', def: { specs, isSourceLike: false } });
      continue;
    }
    interp.report('info', file, 1, `component type ${type} is not read statically; its assets are not shown`, 'unsupported-component');
  }
  return out;
}
