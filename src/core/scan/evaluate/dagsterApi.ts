import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import type { AssetKind, BackfillPolicy } from '../../model/graph';
import type { PartitionMapping } from '../../model/partitionMappings';
import { isTimeWindow, type PartitionsDefinition } from '../../model/partitions';
import type { FunctionDef } from '../ir';
import { dbtAssetsFromDecorator } from './dbtGlue';
import type { Frame, Interpreter } from './interpreter';
import { callLoader, loaderApiNames } from './loaders';
import { buildMapping, buildPartitions, mappingApiNames, partitionsApiNames, type Complain } from './partitionsApi';
import {
  arg,
  asKey,
  asKeyPrefix,
  asLiteralRecord,
  asNumber,
  asString,
  asStringList,
  asStringRecord,
  cleandoc,
  isAbsent,
  userStringKey,
} from './pyValues';
import { unparse } from './unparse';
import {
  unknownValue,
  type AssetOutFields,
  type CallArgs,
  type DepValue,
  type ModuleRef,
  type SpecValue,
  type Value,
} from './values';

export interface ApiContext {
  interpreter: Interpreter;
  module: ModuleRef;
  frame: Frame;
}

/** Decorators the interpreter models; applying one to a function yields an asset, check or op value. */
const modelledDecorators = new Set([
  'asset',
  'multi_asset',
  'graph_asset',
  'graph_multi_asset',
  'observable_source_asset',
  'dbt_assets',
  'asset_check',
  'multi_asset_check',
  'op',
  'graph',
]);

export function isAssetDecoratorName(name: string): boolean {
  return modelledDecorators.has(name);
}

/** Sub-modules reached as attributes (`dg.components.load_defs`) forward to the bare name. */
const dagsterSubmodules = new Set(['components', '_core', 'core', '_utils', 'utils']);

function isDagsterModule(name: string): boolean {
  return name === 'dagster' || name.startsWith('dagster.') || name.startsWith('dagster_');
}

export function getApiAttribute(api: Extract<Value, { k: 'api' }>, name: string): Value {
  if (api.name.startsWith('module:')) {
    // Everything under dagster* is addressed by its public name (`dg.asset` is `asset`);
    // other libraries keep their module path (`pathlib.Path`, `os.path.join`).
    const module = api.name.slice('module:'.length);
    return { k: 'api', name: isDagsterModule(module) ? name : `${module}.${name}` };
  }
  if (dagsterSubmodules.has(api.name)) return { k: 'api', name };
  return { k: 'api', name: `${api.name}.${name}` };
}

const contextNames = new Set(['context', '_context', 'context_', '_']);
const resourceBases = new Set([
  'ConfigurableResource',
  'ConfigurableIOManager',
  'ConfigurableIOManagerFactory',
  'ConfigurableResourceFactory',
  'IOManager',
  'ResourceDefinition',
]);

/** `dagster_type=Nothing`: the dagster `Nothing` type object itself (never called). */
function isNothingType(v: Value | undefined): boolean {
  return v?.k === 'api' && v.name === 'Nothing';
}

function complainAt(ctx: ApiContext, call: CallArgs): Complain {
  return (severity, message, code) => ctx.interpreter.report(severity, call.file, call.line, message, code);
}

/** A key built from `name`/`key_prefix`/`key` as `@asset` does; null after reporting a problem. */
function decoratorKey(call: CallArgs, fallbackName: string, decorator: string, complain: Complain): string[] | null {
  const keyArg = call.kwargs.get('key');
  const nameArg = call.kwargs.get('name');
  const prefixArg = call.kwargs.get('key_prefix');
  if (!isAbsent(keyArg)) {
    if (!isAbsent(nameArg) || !isAbsent(prefixArg)) {
      complain('error', `@${decorator} cannot combine key= with name= or key_prefix= (Dagster raises DagsterInvalidDefinitionError)`, 'invalid-definition');
    }
    const key = asKey(keyArg);
    if (!key) complain('warning', `the key of @${decorator} cannot be read statically`, 'unresolved-key');
    return key;
  }
  const name = isAbsent(nameArg) ? fallbackName : asString(nameArg);
  const prefix = asKeyPrefix(prefixArg);
  if (name === null) {
    complain('warning', `the name of @${decorator} cannot be read statically`, 'unresolved-key');
    return null;
  }
  if (prefix === null) {
    complain('warning', `the key_prefix of @${decorator} cannot be read statically`, 'unresolved-key');
    return null;
  }
  return [...prefix, name].filter((part) => part.length > 0);
}

function partitionsArg(v: Value | undefined, complain: Complain): PartitionsDefinition | null {
  if (isAbsent(v)) return null;
  if (v?.k === 'partitions') return v.def;
  complain('warning', 'partitions_def cannot be read statically; the asset is shown unpartitioned', 'unresolved-partitions');
  return null;
}

function backfillArg(v: Value | undefined, complain: Complain): BackfillPolicy | null {
  if (isAbsent(v)) return null;
  if (v?.k === 'backfill') return v.policy;
  complain('info', 'backfill_policy cannot be read statically', 'unresolved-argument');
  return null;
}

function automationText(call: CallArgs): string | null {
  const expr = call.kwargExprs.get('automation_condition') ?? call.kwargExprs.get('auto_materialize_policy');
  return expr && expr.t !== 'none' ? unparse(expr) : null;
}

function kindsArg(call: CallArgs): string[] {
  const kinds = asStringList(call.kwargs.get('kinds')) ?? [];
  const computeKind = asString(call.kwargs.get('compute_kind'));
  if (computeKind && !kinds.includes(computeKind)) kinds.push(computeKind);
  return kinds;
}

/** Keys named by one `deps=` entry (a multi-asset expands to all its keys) with its mapping. */
function depEntries(v: Value, complain: Complain): { key: string[]; mapping: PartitionMapping | null }[] | null {
  switch (v.k) {
    case 'assetDep':
      return v.keys.map((key) => ({ key, mapping: v.mapping }));
    case 'assets':
      return v.def.specs.map((s) => ({ key: [...s.key], mapping: null }));
    default: {
      const key = asKey(v);
      if (key) return [{ key, mapping: null }];
      complain('warning', `a dependency cannot be read statically: ${v.k === 'unknown' ? v.why : v.k}`, 'unresolved-dep');
      return null;
    }
  }
}

function depsArg(v: Value | undefined, complain: Complain): DepValue[] {
  if (isAbsent(v) || !v) return [];
  const items = v.k === 'list' ? v.items : [v];
  const out: DepValue[] = [];
  for (const item of items) {
    for (const entry of depEntries(item, complain) ?? []) {
      out.push({ key: entry.key, mapping: entry.mapping, carriesData: false });
    }
  }
  return out;
}

function isResourceAnnotation(v: Value, ctx: ApiContext): boolean {
  if (v.k === 'api') {
    const last = v.name.split('.').pop() ?? '';
    return v.name.startsWith('ResourceParam') || /Resource$|IOManager$/.test(last);
  }
  if (v.k === 'class') {
    for (const base of resourceBases) if (ctx.interpreter.classExtends(v, base)) return true;
  }
  return false;
}

function isContextAnnotation(v: Value): boolean {
  return v.k === 'api' && /ExecutionContext$/.test(v.name);
}

/** The function's inputs as Dagster derives them: not `context`, `config` or resource parameters. */
function functionInputs(def: FunctionDef, ctx: ApiContext, allowContext: boolean): { names: string[]; hasKwargs: boolean } {
  const names: string[] = [];
  let hasKwargs = false;
  def.params.forEach((param, index) => {
    if (param.kind === 'var_keyword') hasKwargs = true;
    if (param.kind === 'var_positional' || param.kind === 'var_keyword') return;
    const annotation = param.annotation ? ctx.interpreter.evalExpr(param.annotation, ctx.frame) : null;
    if (allowContext && index === 0 && (contextNames.has(param.name) || (annotation && isContextAnnotation(annotation)))) return;
    if (param.name === 'config') return;
    if (annotation && isResourceAnnotation(annotation, ctx)) return;
    names.push(param.name);
  });
  return { names, hasKwargs };
}

/** Inputs from parameters and `ins`, then `deps=` entries that are not inputs already (§2.1). */
function collectDeps(def: FunctionDef, call: CallArgs, ctx: ApiContext, complain: Complain, allowContext: boolean): DepValue[] {
  const { names, hasKwargs } = functionInputs(def, ctx, allowContext);
  const insValue = call.kwargs.get('ins');
  const ins = new Map<string, Extract<Value, { k: 'assetIn' }>>();
  if (insValue?.k === 'dict') {
    for (const [k, v] of insValue.entries) {
      if (k.k === 'str' && v.k === 'assetIn') ins.set(k.v, v);
      else complain('warning', 'an entry of ins= cannot be read statically', 'unresolved-dep');
    }
  } else if (!isAbsent(insValue)) {
    complain('warning', 'ins= cannot be read statically', 'unresolved-dep');
  }
  const deps: DepValue[] = [];
  const inputKey = (name: string, assetIn: Extract<Value, { k: 'assetIn' }> | undefined): string[] =>
    assetIn?.key ?? [...(assetIn?.keyPrefix ?? []), name];
  for (const name of names) {
    const assetIn = ins.get(name);
    deps.push({
      key: inputKey(name, assetIn),
      mapping: assetIn?.mapping ?? null,
      inputName: name,
      carriesData: !(assetIn?.isNothing ?? false),
    });
  }
  for (const [name, assetIn] of ins) {
    if (names.includes(name)) continue;
    if (!assetIn.isNothing && !hasKwargs) {
      complain('error', `ins has '${name}', which is not a parameter of ${def.name} (Dagster raises unless its dagster_type is Nothing)`, 'invalid-definition');
    }
    deps.push({ key: inputKey(name, assetIn), mapping: assetIn.mapping, inputName: name, carriesData: !assetIn.isNothing });
  }
  const seen = new Set(deps.map((d) => JSON.stringify(d.key)));
  for (const dep of depsArg(call.kwargs.get('deps') ?? call.kwargs.get('non_argument_deps'), complain)) {
    const id = JSON.stringify(dep.key);
    if (seen.has(id)) continue;
    seen.add(id);
    deps.push(dep);
  }
  return deps;
}

function baseSpec(
  key: string[],
  kind: AssetKind,
  call: CallArgs,
  def: FunctionDef | null,
  module: ModuleRef,
  complain: Complain,
): SpecValue {
  const description = asString(call.kwargs.get('description')) ?? (def?.docstring ? cleandoc(def.docstring) : null);
  return {
    key,
    deps: [],
    group: asString(call.kwargs.get('group_name')),
    partitions: partitionsArg(call.kwargs.get('partitions_def'), complain),
    codeVersion: asString(call.kwargs.get('code_version')),
    backfillPolicy: backfillArg(call.kwargs.get('backfill_policy'), complain),
    description,
    owners: asStringList(call.kwargs.get('owners')) ?? [],
    tags: asStringRecord(call.kwargs.get('tags')) ?? {},
    kinds: kindsArg(call),
    automationCondition: automationText(call),
    metadata: asLiteralRecord(call.kwargs.get('metadata')) ?? {},
    kind,
    file: module.file,
    line: def?.line ?? call.line,
    opName: def?.name ?? null,
    sourceHash: def?.sourceHash ?? null,
    origin: `${module.file}:${def?.line ?? call.line}:${JSON.stringify(key)}`,
  };
}

function assetsValue(specs: SpecValue[], isSourceLike = false): Value {
  return { k: 'assets', def: { specs, isSourceLike } };
}

function outputsOf(call: CallArgs, complain: Complain): [string, AssetOutFields][] | null {
  const outs = call.kwargs.get('outs');
  if (outs?.k !== 'dict') {
    complain('warning', 'outs= cannot be read statically', 'unresolved-key');
    return null;
  }
  const result: [string, AssetOutFields][] = [];
  for (const [k, v] of outs.entries) {
    if (k.k !== 'str' || v.k !== 'assetOut') {
      complain('warning', 'an entry of outs= cannot be read statically', 'unresolved-key');
      continue;
    }
    result.push([k.v, v.fields]);
  }
  return result;
}

/** `internal_asset_deps={"out": {AssetKey(...)}}` restricts each output's dependencies. */
function internalDeps(call: CallArgs): Map<string, string[][]> | null {
  const v = call.kwargs.get('internal_asset_deps');
  if (v?.k !== 'dict') return null;
  const out = new Map<string, string[][]>();
  for (const [k, val] of v.entries) {
    if (k.k !== 'str' || val.k !== 'list') continue;
    out.set(k.v, val.items.flatMap((i) => (asKey(i) ? [asKey(i) as string[]] : [])));
  }
  return out;
}

function specsFromOuts(
  outs: [string, AssetOutFields][],
  call: CallArgs,
  def: FunctionDef,
  module: ModuleRef,
  deps: DepValue[],
  kind: AssetKind,
  complain: Complain,
): SpecValue[] {
  const internal = internalDeps(call);
  const base = baseSpec([], kind, call, def, module, complain);
  const specs = outs.map(([outName, out]) => {
    const key = out.key ?? [...out.keyPrefix, outName].filter((p) => p.length > 0);
    return {
      ...base,
      key,
      group: base.group ?? out.group,
      codeVersion: out.codeVersion ?? base.codeVersion,
      backfillPolicy: out.backfillPolicy ?? base.backfillPolicy,
      description: out.description ?? null,
      owners: out.owners.length ? out.owners : base.owners,
      tags: { ...base.tags, ...out.tags },
      kinds: out.kinds.length ? out.kinds : base.kinds,
      automationCondition: out.automationCondition ?? base.automationCondition,
      metadata: out.metadata,
      origin: `${module.file}:${def.line}:${JSON.stringify(key)}`,
    };
  });
  for (const spec of specs) {
    const outName = outs[specs.indexOf(spec)]?.[0] ?? '';
    const allowed = internal?.get(outName);
    if (!allowed) {
      spec.deps = deps.map((d) => ({ ...d }));
      continue;
    }
    spec.deps = allowed.map((key) => {
      const existing = deps.find((d) => JSON.stringify(d.key) === JSON.stringify(key));
      return existing ? { ...existing } : { key, mapping: null, carriesData: false };
    });
  }
  return specs;
}

/** `@asset`, `@multi_asset`, `@graph_asset`, ... applied to a function. */
export function applyAssetDecorator(name: string, call: CallArgs, def: FunctionDef, module: ModuleRef, ctx: ApiContext): Value {
  const complain = complainAt(ctx, { ...call, line: def.line, file: module.file });
  switch (name) {
    case 'asset':
    case 'graph_asset': {
      const key = decoratorKey(call, def.name, name, complain);
      if (!key) return unknownValue(`@${name} ${def.name} with an unreadable key`);
      const spec = baseSpec(key, name === 'asset' ? 'asset' : 'graph_asset', call, def, module, complain);
      spec.deps = collectDeps(def, call, ctx, complain, name === 'asset');
      return assetsValue([spec]);
    }
    case 'observable_source_asset': {
      const key = decoratorKey(call, def.name, name, complain);
      if (!key) return unknownValue(`@${name} ${def.name} with an unreadable key`);
      return assetsValue([baseSpec(key, 'observable_source', call, def, module, complain)], true);
    }
    case 'multi_asset':
    case 'graph_multi_asset': {
      const kind: AssetKind = name === 'multi_asset' ? 'multi_asset' : 'graph_asset';
      const specsArg = call.kwargs.get('specs');
      if (!isAbsent(specsArg)) {
        if (!isAbsent(call.kwargs.get('outs'))) {
          complain('error', '@multi_asset takes outs= or specs=, not both', 'invalid-definition');
        }
        const items = specsArg?.k === 'list' ? specsArg.items : [];
        const base = baseSpec([], kind, call, def, module, complain);
        const inputs = collectDeps(def, call, ctx, complain, true).filter((d) => d.inputName !== undefined);
        const specs: SpecValue[] = [];
        for (const item of items) {
          if (item.k !== 'spec') {
            complain('warning', 'an entry of specs= cannot be read statically', 'unresolved-key');
            continue;
          }
          const s = item.spec;
          const deps = s.deps.map((d) => {
            const input = inputs.find((i) => JSON.stringify(i.key) === JSON.stringify(d.key));
            return input ? { ...input, mapping: d.mapping ?? input.mapping } : { ...d };
          });
          specs.push({
            ...s,
            kind,
            deps,
            group: s.group ?? base.group,
            partitions: s.partitions ?? base.partitions,
            codeVersion: s.codeVersion ?? base.codeVersion,
            backfillPolicy: base.backfillPolicy,
            file: module.file,
            line: def.line,
            opName: def.name,
            sourceHash: def.sourceHash,
            origin: `${module.file}:${def.line}:${JSON.stringify(s.key)}`,
          });
        }
        return assetsValue(specs);
      }
      const outs = outputsOf(call, complain);
      if (!outs) return unknownValue(`@${name} ${def.name} with unreadable outs`);
      const deps = collectDeps(def, call, ctx, complain, name === 'multi_asset');
      return assetsValue(specsFromOuts(outs, call, def, module, deps, kind, complain));
    }
    case 'dbt_assets':
      return dbtAssetsFromDecorator(call, def, module, ctx, complain);
    case 'asset_check':
    case 'multi_asset_check':
      // Checks are not assets (§1.9).
      return unknownValue('an asset check');
    case 'op':
    case 'graph': {
      const { names } = functionInputs(def, ctx, name === 'op');
      const out = call.kwargs.get('out');
      const outputs = out?.k === 'dict' ? out.entries.flatMap(([k]) => (k.k === 'str' ? [k.v] : [])) : ['result'];
      return {
        k: 'opdef',
        name: asString(call.kwargs.get('name')) ?? def.name,
        inputs: names,
        outputs,
        file: module.file,
        line: def.line,
        sourceHash: def.sourceHash,
        isGraph: name === 'graph',
      };
    }
    default:
      return unknownValue(`@${name}`);
  }
}

function assetOutFields(call: CallArgs, complain: Complain): AssetOutFields {
  const keyArg = call.kwargs.get('key');
  const key = isAbsent(keyArg) ? null : asKey(keyArg);
  if (!isAbsent(keyArg) && !key) complain('warning', 'the key of AssetOut cannot be read statically', 'unresolved-key');
  return {
    key,
    keyPrefix: asKeyPrefix(arg(call, 0, 'key_prefix')) ?? [],
    group: asString(call.kwargs.get('group_name')),
    codeVersion: asString(call.kwargs.get('code_version')),
    description: asString(call.kwargs.get('description')),
    owners: asStringList(call.kwargs.get('owners')) ?? [],
    tags: asStringRecord(call.kwargs.get('tags')) ?? {},
    kinds: kindsArg(call),
    backfillPolicy: backfillArg(call.kwargs.get('backfill_policy'), complain),
    automationCondition: automationText(call),
    metadata: asLiteralRecord(call.kwargs.get('metadata')) ?? {},
    isNothing: isNothingType(call.kwargs.get('dagster_type')),
  };
}

function specFromCall(call: CallArgs, kind: AssetKind, ctx: ApiContext, complain: Complain): Value {
  const key = asKey(arg(call, 0, 'key'));
  if (!key) {
    complain('warning', `the key of ${kind === 'source' ? 'SourceAsset' : 'AssetSpec'} cannot be read statically`, 'unresolved-key');
    return unknownValue('a spec with an unreadable key');
  }
  const spec = baseSpec(key, kind, call, null, ctx.module, complain);
  spec.deps = depsArg(call.kwargs.get('deps'), complain);
  spec.opName = null;
  spec.sourceHash = null;
  if (kind === 'source') return assetsValue([spec], true);
  return { k: 'spec', spec };
}

/** `AssetSpec.replace_attributes(...)` / `merge_attributes(...)`. */
function updateSpec(spec: SpecValue, call: CallArgs, merge: boolean, complain: Complain): SpecValue {
  const next: SpecValue = { ...spec };
  const kw = call.kwargs;
  if (kw.has('key')) next.key = asKey(kw.get('key')) ?? next.key;
  if (kw.has('group_name')) next.group = asString(kw.get('group_name'));
  if (kw.has('code_version')) next.codeVersion = asString(kw.get('code_version'));
  if (kw.has('description')) next.description = asString(kw.get('description'));
  if (kw.has('partitions_def')) next.partitions = partitionsArg(kw.get('partitions_def'), complain);
  if (kw.has('deps')) {
    const deps = depsArg(kw.get('deps'), complain);
    next.deps = merge ? [...spec.deps, ...deps] : deps;
  }
  if (kw.has('owners')) {
    const owners = asStringList(kw.get('owners')) ?? [];
    next.owners = merge ? [...spec.owners, ...owners] : owners;
  }
  if (kw.has('tags')) {
    const tags = asStringRecord(kw.get('tags')) ?? {};
    next.tags = merge ? { ...spec.tags, ...tags } : tags;
  }
  if (kw.has('kinds')) {
    const kinds = asStringList(kw.get('kinds')) ?? [];
    next.kinds = merge ? [...spec.kinds, ...kinds] : kinds;
  }
  if (kw.has('metadata')) {
    const metadata = asLiteralRecord(kw.get('metadata')) ?? {};
    next.metadata = merge ? { ...spec.metadata, ...metadata } : metadata;
  }
  if (kw.has('automation_condition')) next.automationCondition = automationText(call);
  return next;
}

const datetimeApis = new Set(['datetime.datetime', 'datetime.date', 'pendulum.datetime', 'pendulum.DateTime']);

function pathArg(v: Value | undefined): string | null {
  if (v?.k === 'path') return v.path;
  if (v?.k === 'str') return v.v;
  return null;
}

export function callApi(name: string, call: CallArgs, ctx: ApiContext): Value {
  const complain = complainAt(ctx, call);
  if (partitionsApiNames.has(name)) return buildPartitions(name, call, complain);
  if (mappingApiNames.has(name)) return buildMapping(name, call, complain);
  if (loaderApiNames.has(name)) return callLoader(name, call, ctx, complain);
  if (datetimeApis.has(name)) {
    const nums = [0, 1, 2, 3, 4, 5].map((i) => asNumber(call.args[i]) ?? 0);
    if (asNumber(call.args[0]) === null) return unknownValue('datetime');
    return { k: 'datetime', parts: [nums[0] ?? 0, nums[1] || 1, nums[2] || 1, nums[3] ?? 0, nums[4] ?? 0, nums[5] ?? 0] };
  }
  if (modelledDecorators.has(name)) {
    // `asset(fn)` called directly, or `asset(...)` producing a decorator.
    const target = call.args[0];
    if (target?.k === 'func' && call.args.length === 1 && call.kwargs.size === 0) {
      return applyAssetDecorator(name, { ...call, args: [] }, target.def, target.module, ctx);
    }
    return { k: 'decorator', name, call };
  }
  switch (name) {
    case 'AssetKey': {
      const v = arg(call, 0, 'path');
      const key = v?.k === 'str' ? [v.v] : asStringList(v);
      if (!key) {
        complain('warning', 'AssetKey(...) cannot be read statically', 'unresolved-key');
        return unknownValue('AssetKey(...)');
      }
      return { k: 'key', path: key };
    }
    case 'AssetKey.from_user_string': {
      const s = asString(call.args[0]);
      if (s === null) return unknownValue('AssetKey.from_user_string(...)');
      return { k: 'key', path: userStringKey(s) };
    }
    case 'AssetKey.from_coercible': {
      const key = asKey(call.args[0]);
      return key ? { k: 'key', path: key } : unknownValue('AssetKey.from_coercible(...)');
    }
    case 'key.with_prefix': {
      const self = call.args[0];
      const prefix = asKeyPrefix(call.args[1]);
      if (self?.k !== 'key' || !prefix) return unknownValue('with_prefix');
      return { k: 'key', path: [...prefix, ...self.path] };
    }
    case 'AssetIn': {
      const keyArg = arg(call, 0, 'key');
      const key = isAbsent(keyArg) ? null : asKey(keyArg);
      if (!isAbsent(keyArg) && !key) complain('warning', 'the key of AssetIn cannot be read statically', 'unresolved-key');
      const keyPrefix = asKeyPrefix(arg(call, 2, 'key_prefix'));
      const mapping = call.kwargs.get('partition_mapping');
      if (!isAbsent(keyArg) && keyPrefix?.length) {
        complain('error', 'AssetIn cannot have both key= and key_prefix=', 'invalid-definition');
      }
      return {
        k: 'assetIn',
        key,
        keyPrefix: keyPrefix?.length ? keyPrefix : null,
        mapping: mapping?.k === 'mapping' ? mapping.mapping : null,
        isNothing: isNothingType(call.kwargs.get('dagster_type')),
      };
    }
    case 'AssetOut':
      return { k: 'assetOut', fields: assetOutFields(call, complain) };
    case 'AssetDep': {
      const target = arg(call, 0, 'asset');
      if (target?.k === 'assets' && target.def.specs.length > 1) {
        complain('error', 'AssetDep() of a multi-asset is not allowed by Dagster; list its keys instead', 'invalid-definition');
      }
      const key = asKey(target);
      const mapping = call.kwargs.get('partition_mapping');
      if (!key) {
        complain('warning', 'the asset of AssetDep cannot be read statically', 'unresolved-dep');
        return unknownValue('AssetDep(...)');
      }
      return { k: 'assetDep', keys: [key], mapping: mapping?.k === 'mapping' ? mapping.mapping : null, line: call.line };
    }
    case 'AssetSpec':
      return specFromCall(call, 'external', ctx, complain);
    case 'SourceAsset':
      return specFromCall(call, 'source', ctx, complain);
    case 'spec.replace_attributes':
    case 'spec.merge_attributes': {
      const self = call.args[0];
      if (self?.k !== 'spec') return unknownValue(name);
      return { k: 'spec', spec: updateSpec(self.spec, call, name.endsWith('merge_attributes'), complain) };
    }
    case 'spec.with_io_manager_key':
      return call.args[0] ?? unknownValue(name);
    case 'external_assets_from_specs':
    case 'external_asset_from_spec': {
      const items = call.args[0]?.k === 'list' ? call.args[0].items : call.args.slice(0, 1);
      const specs = items.flatMap((i) => (i.k === 'spec' ? [{ ...i.spec, kind: 'external' as const }] : []));
      return { k: 'list', items: specs.map((s) => assetsValue([s], true)), tuple: false };
    }
    case 'BackfillPolicy.single_run':
      return { k: 'backfill', policy: { type: 'single_run' } };
    case 'BackfillPolicy.multi_run': {
      const v = arg(call, 0, 'max_partitions_per_run');
      const max = isAbsent(v) ? 1 : asNumber(v);
      if (max === null) {
        complain('info', 'max_partitions_per_run cannot be read statically', 'unresolved-argument');
        return unknownValue('BackfillPolicy.multi_run');
      }
      return { k: 'backfill', policy: { type: 'multi_run', maxPartitionsPerRun: max } };
    }
    case 'Definitions':
      return definitionsFromCall(call, complain);
    case 'Definitions.merge': {
      const items: Value[] = [];
      for (const d of call.args) {
        if (d.k === 'definitions') items.push(...d.items);
        else complain('warning', 'an argument of Definitions.merge cannot be read statically', 'unresolved-definitions');
      }
      return { k: 'definitions', items, file: call.file, line: call.line };
    }
    case 'with_source_code_references':
    case 'link_code_references_to_git':
      return call.args[0] ?? call.kwargs.get('assets_defs') ?? unknownValue(name);
    case 'AssetsDefinition.from_graph':
    case 'AssetsDefinition.from_op':
      return assetsFromOpOrGraph(call, ctx, complain, name.endsWith('from_graph'));
    case 'DbtProject': {
      const dir = pathArg(arg(call, 0, 'project_dir'));
      if (dir === null) {
        complain('warning', 'the project_dir of DbtProject cannot be read statically', 'unresolved-argument');
        return unknownValue('DbtProject(...)');
      }
      const projectDir = isAbsolute(dir) ? dir : resolvePath(dirname(call.file), dir);
      const target = pathArg(call.kwargs.get('target_path')) ?? 'target';
      return { k: 'dbtProject', projectDir, manifestPath: resolvePath(projectDir, target, 'manifest.json') };
    }
    case 'KeyPrefixDagsterDbtTranslator': {
      const keyPrefix = asKeyPrefix(arg(call, 0, 'asset_key_prefix')) ?? [];
      const sourceKeyPrefix = asKeyPrefix(arg(call, 1, 'source_asset_key_prefix')) ?? [];
      return { k: 'translator', keyPrefix, sourceKeyPrefix, custom: null };
    }
    case 'DagsterDbtTranslator':
      return { k: 'translator', keyPrefix: [], sourceKeyPrefix: [], custom: null };
    case 'pathlib.Path':
    case 'pathlib.PurePath':
    case 'pathlib.PosixPath': {
      let path: string | null = call.args.length === 0 ? '.' : '';
      for (const a of call.args) {
        const part = pathArg(a);
        if (part === null) path = null;
        else if (path !== null) path = path ? resolvePath(path, part) : part;
      }
      if (path === null) return unknownValue('Path(...)');
      return { k: 'path', path: isAbsolute(path) ? path : resolvePath(dirname(call.file), path) };
    }
    case 'os.path.join': {
      const parts = call.args.map(pathArg);
      if (parts.some((p) => p === null)) return unknownValue('os.path.join(...)');
      return { k: 'str', v: join(...(parts as string[])) };
    }
    case 'os.path.dirname': {
      const p = pathArg(call.args[0]);
      return p === null ? unknownValue('os.path.dirname(...)') : { k: 'str', v: dirname(p) };
    }
    case 'os.path.abspath':
    case 'os.path.realpath':
    case 'os.path.normpath':
    case 'os.fspath':
    case 'builtins.str': {
      const p = call.args[0];
      if (p?.k === 'path') return { k: 'str', v: p.path };
      if (p?.k === 'num') return { k: 'str', v: String(p.v) };
      return p?.k === 'str' ? p : unknownValue(`${name}(...)`);
    }
    case 'file_relative_path': {
      const base = pathArg(call.args[0]);
      const rel = pathArg(call.args[1]);
      if (base === null || rel === null) return unknownValue('file_relative_path(...)');
      return { k: 'str', v: resolvePath(dirname(base), rel) };
    }
    case 'builtins.list':
    case 'builtins.tuple':
    case 'builtins.sorted':
    case 'builtins.set':
    case 'builtins.frozenset': {
      const items = call.args[0] ? ctx.interpreter.iterate(call.args[0]) : [];
      if (!items) return unknownValue(`${name}(...)`);
      const list = [...items];
      if (name === 'builtins.sorted') {
        if (list.every((i) => i.k === 'str')) list.sort((a, b) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : 1));
        else return unknownValue('sorted(...)');
      }
      return { k: 'list', items: list, tuple: name === 'builtins.tuple' };
    }
    case 'builtins.dict':
      return call.args[0]?.k === 'dict' ? call.args[0] : { k: 'dict', entries: [...call.kwargs].map(([k, v]) => [{ k: 'str', v: k }, v]) };
    case 'builtins.len': {
      const items = call.args[0] ? ctx.interpreter.iterate(call.args[0]) : null;
      return items ? { k: 'num', v: items.length } : unknownValue('len(...)');
    }
    case 'builtins.range': {
      const nums = call.args.map((a) => asNumber(a));
      if (nums.some((n) => n === null) || nums.length === 0) return unknownValue('range(...)');
      const [a, b] = nums.length === 1 ? [0, nums[0] as number] : [nums[0] as number, nums[1] as number];
      const items: Value[] = [];
      for (let i = a; i < b && items.length < 10_000; i++) items.push({ k: 'num', v: i });
      return { k: 'list', items, tuple: false };
    }
    case 'builtins.enumerate': {
      const items = call.args[0] ? ctx.interpreter.iterate(call.args[0]) : null;
      if (!items) return unknownValue('enumerate(...)');
      return { k: 'list', items: items.map((v, i) => ({ k: 'list', items: [{ k: 'num', v: i }, v], tuple: true }) as Value), tuple: false };
    }
    case 'builtins.zip': {
      const lists = call.args.map((a) => ctx.interpreter.iterate(a));
      if (lists.some((l) => !l)) return unknownValue('zip(...)');
      const n = Math.min(...(lists as Value[][]).map((l) => l.length));
      const items: Value[] = [];
      for (let i = 0; i < n; i++) items.push({ k: 'list', items: (lists as Value[][]).map((l) => l[i] as Value), tuple: true });
      return { k: 'list', items, tuple: false };
    }
    default:
      if (name.startsWith('AutomationCondition') || name.startsWith('AutoMaterializePolicy')) return { k: 'automation', text: name };
      return unknownValue(`${name}(...)`);
  }
}

const maxNesting = 32;

function definitionsFromCall(call: CallArgs, complain: Complain): Value {
  const items: Value[] = [];
  // Nested lists are flattened; a list containing itself, or nested absurdly deep, must not recurse forever.
  const visiting = new Set<Value>();
  const add = (v: Value, depth: number): void => {
    if (v.k === 'list') {
      if (visiting.has(v) || depth > maxNesting) {
        complain('warning', 'a list in Definitions(assets=...) contains itself or is nested too deep to follow', 'unresolved-definitions');
        return;
      }
      visiting.add(v);
      for (const item of v.items) add(item, depth + 1);
      visiting.delete(v);
    } else if (v.k === 'assets' || v.k === 'spec') items.push(v);
    else if (v.k === 'unknown' && v.why === 'an asset check') return;
    else complain('warning', `an entry of Definitions(assets=...) cannot be read statically: ${v.k === 'unknown' ? v.why : v.k}`, 'unresolved-definitions');
  };
  const assets = arg(call, 0, 'assets');
  if (!isAbsent(assets) && assets) {
    if (assets.k === 'list') add(assets, 0);
    else complain('warning', 'Definitions(assets=...) cannot be read statically', 'unresolved-definitions');
  }
  return { k: 'definitions', items, file: call.file, line: call.line };
}

/** `AssetsDefinition.from_graph` / `from_op` (§1.5): input keys default to the input names, never prefixed. */
function assetsFromOpOrGraph(call: CallArgs, ctx: ApiContext, complain: Complain, isGraph: boolean): Value {
  const target = call.args[0] ?? call.kwargs.get(isGraph ? 'graph_def' : 'op_def');
  if (target?.k !== 'opdef') {
    complain('warning', `the ${isGraph ? 'graph' : 'op'} passed to AssetsDefinition.${isGraph ? 'from_graph' : 'from_op'} cannot be read statically`, 'unresolved-definitions');
    return unknownValue('AssetsDefinition.from_graph/from_op');
  }
  const keyMap = (kw: string): Map<string, string[]> => {
    const v = call.kwargs.get(kw);
    const out = new Map<string, string[]>();
    if (v?.k === 'dict') for (const [k, val] of v.entries) if (k.k === 'str' && asKey(val)) out.set(k.v, asKey(val) as string[]);
    return out;
  };
  const inputKeys = keyMap('keys_by_input_name');
  const outputKeys = keyMap('keys_by_output_name');
  const prefix = asKeyPrefix(call.kwargs.get('key_prefix')) ?? [];
  const mappings = call.kwargs.get('partition_mappings');
  const mappingFor = (input: string): PartitionMapping | null => {
    if (mappings?.k !== 'dict') return null;
    const found = mappings.entries.find(([k]) => k.k === 'str' && k.v === input)?.[1];
    return found?.k === 'mapping' ? found.mapping : null;
  };
  const groupsByOutput = call.kwargs.get('group_names_by_output_name');
  const deps: DepValue[] = target.inputs.map((input) => ({
    key: inputKeys.get(input) ?? [input],
    mapping: mappingFor(input),
    inputName: input,
    carriesData: true,
  }));
  const base = baseSpec([], isGraph ? 'graph_asset' : 'asset', call, null, ctx.module, complain);
  const single = target.outputs.length === 1 && target.outputs[0] === 'result';
  const specs = target.outputs.map((output) => {
    const key = [...prefix, ...(outputKeys.get(output) ?? [single ? target.name : output])];
    const group =
      groupsByOutput?.k === 'dict'
        ? asString(groupsByOutput.entries.find(([k]) => k.k === 'str' && k.v === output)?.[1])
        : base.group;
    return {
      ...base,
      key,
      kind: (target.outputs.length > 1 && !isGraph ? 'multi_asset' : base.kind) as AssetKind,
      group,
      deps: deps.map((d) => ({ ...d })),
      opName: target.name,
      sourceHash: target.sourceHash,
      origin: `${call.file}:${call.line}:${JSON.stringify(key)}`,
    };
  });
  return assetsValue(specs);
}

export function isTimeWindowPartitioned(def: PartitionsDefinition | null): boolean {
  return def !== null && isTimeWindow(def);
}
