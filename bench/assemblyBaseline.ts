/**
 * The assembly functions exactly as they were before the performance rewrite (HEAD of eddcb87),
 * kept only so `bench/assemblyBench.ts` can time them next to the current ones and check that
 * both give identical output. Not used by the extension.
 */
import { keyToUserString, type AssetKey } from '../src/core/model/assetKey';
import type { AssetDep, AssetGraph, AssetNode, Diagnostic } from '../src/core/model/graph';
import type { LocatedSpec, ResolvedLocation } from '../src/core/scan/resolveDeps';
import type { Complain } from '../src/core/scan/evaluate/partitionsApi';
import { arg, asKeyPrefix, asString, isAbsent } from '../src/core/scan/evaluate/pyValues';
import type { AssetsDef, CallArgs, SpecValue, Value } from '../src/core/scan/evaluate/values';

/** The old `keyId`: the JSON array. */
export function keyId(key: AssetKey): string {
  return JSON.stringify(key);
}

const defaultGroup = 'default';

/** Lookups over a graph that views and engines need again and again. */
export class BaselineGraphIndex {
  readonly byId = new Map<string, AssetNode>();
  readonly children = new Map<string, string[]>();
  readonly parents = new Map<string, string[]>();

  constructor(readonly graph: AssetGraph) {
    for (const asset of graph.assets) {
      const id = assetId(asset);
      this.byId.set(id, asset);
      this.children.set(id, []);
      this.parents.set(id, []);
    }
    for (const asset of graph.assets) {
      const id = assetId(asset);
      for (const dep of asset.deps) {
        const parent = keyId(dep.key);
        this.parents.get(id)?.push(parent);
        this.children.get(parent)?.push(id);
      }
    }
  }

  get(key: AssetKey): AssetNode | undefined {
    return this.byId.get(keyId(key));
  }
}

/** Keys are unique per code location; two locations may define the same key. */
export function assetId(asset: { key: AssetKey }): string {
  return keyId(asset.key);
}

/**
 * Cycles among assets (Dagster refuses them at load time). Returns each strongly connected
 * component of two or more assets, or one asset depending on itself with a non-partitioned edge.
 */
export function findCycles(graph: AssetGraph): string[][][] {
  const index = new BaselineGraphIndex(graph);
  const ids = [...index.byId.keys()];
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][][] = [];
  let counter = 0;

  // Iterative Tarjan: graphs of 10,000 assets would overflow the call stack recursively.
  for (const root of ids) {
    if (order.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    order.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const succ = index.children.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const child = succ[frame.next++] as string;
        if (!order.has(child)) {
          order.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, order.get(child) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === order.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && (index.children.get(frame.id) ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) {
          components.push(component.map((id) => JSON.parse(id) as string[]).sort());
        }
      }
    }
  }
  return components.map((c) => c.map((k) => k));
}

/**
 * Settles every dependency key of one code location as Dagster does when `Definitions` is built
 * (§2.3): an exact key; else, for a one-component key, the single asset of the same group whose key
 * ends in it (not produced by the same definition); else a stub external asset, which is an error
 * instead when the key feeds a data-carrying input.
 */
export function resolveLocation(
  locationName: string,
  specs: LocatedSpec[],
  relative: (file: string) => string,
): ResolvedLocation {
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map<string, LocatedSpec>();
  const unique: LocatedSpec[] = [];
  for (const item of specs) {
    const id = keyId(item.spec.key);
    const existing = byKey.get(id);
    if (existing) {
      if (existing.spec === item.spec) continue;
      diagnostics.push({
        severity: 'error',
        file: relative(item.spec.file),
        line: item.spec.line,
        message: `asset key ${keyToUserString(item.spec.key)} is defined more than once in code location ${locationName} (also at ${relative(existing.spec.file)}:${existing.spec.line}); Dagster refuses to load it`,
        code: 'duplicate-key',
      });
      continue;
    }
    byKey.set(id, item);
    unique.push(item);
  }

  // Last component → specs, per group, for the same-group re-targeting rule.
  const byGroupAndName = new Map<string, LocatedSpec[]>();
  for (const item of unique) {
    const group = item.spec.group ?? defaultGroup;
    const last = item.spec.key[item.spec.key.length - 1] as string;
    const bucket = `${group}\u0000${last}`;
    const list = byGroupAndName.get(bucket);
    if (list) list.push(item);
    else byGroupAndName.set(bucket, [item]);
  }

  const stubs = new Map<string, AssetNode>();
  const assets: AssetNode[] = [];
  for (const item of unique) {
    const { spec } = item;
    const group = spec.group ?? defaultGroup;
    const deps: AssetDep[] = [];
    const seenDeps = new Set<string>();
    for (const dep of spec.deps) {
      let key = dep.key;
      let resolution: AssetDep['resolution'] = 'exact';
      if (!byKey.has(keyId(key))) {
        // Dagster counts every same-group match, the definition's own outputs included, and then
        // refuses the single match if it is one of those outputs.
        const candidates = key.length === 1 ? (byGroupAndName.get(`${group}\u0000${key[0]}`) ?? []) : [];
        if (candidates.length === 1 && (candidates[0] as LocatedSpec).owner !== item.owner) {
          key = (candidates[0] as LocatedSpec).spec.key;
          resolution = 'group';
        } else {
          resolution = 'stub';
          if (dep.carriesData) {
            diagnostics.push({
              severity: 'error',
              file: relative(spec.file),
              line: spec.line,
              message: `input '${dep.inputName ?? keyToUserString(dep.key)}' of ${keyToUserString(spec.key)} needs asset ${keyToUserString(dep.key)}, which no asset in code location ${locationName} produces; Dagster fails to load this code location ("Input asset … is not produced by any of the provided asset ops")`,
              code: 'unresolved-input',
            });
          }
          const id = keyId(key);
          if (!stubs.has(id)) stubs.set(id, stubNode(key, locationName));
        }
      }
      const id = keyId(key);
      if (seenDeps.has(id)) continue;
      seenDeps.add(id);
      deps.push({
        key: [...key],
        partitionMapping: dep.mapping,
        ...(resolution === 'group' ? { writtenKey: [...dep.key] } : {}),
        ...(dep.inputName !== undefined ? { inputName: dep.inputName } : {}),
        carriesData: dep.carriesData,
        resolution,
      });
    }
    assets.push({
      key: [...spec.key],
      file: relative(spec.file),
      line: spec.line,
      kind: spec.kind,
      group,
      codeLocation: locationName,
      deps,
      partitions: spec.partitions,
      codeVersion: spec.codeVersion,
      backfillPolicy: spec.backfillPolicy,
      description: spec.description,
      owners: spec.owners,
      tags: spec.tags,
      kinds: spec.kinds,
      automationCondition: spec.automationCondition,
      opName: spec.opName,
      sourceHash: spec.sourceHash,
      metadata: spec.metadata,
    });
  }
  return { assets: [...assets, ...stubs.values()], diagnostics };
}

function stubNode(key: string[], codeLocation: string): AssetNode {
  return {
    key: [...key],
    file: '',
    line: 0,
    kind: 'stub',
    group: defaultGroup,
    codeLocation,
    deps: [],
    partitions: null,
    codeVersion: null,
    backfillPolicy: null,
    description: null,
    owners: [],
    tags: {},
    kinds: [],
    automationCondition: null,
    opName: null,
    sourceHash: null,
    metadata: {},
  };
}

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
  const accept = (v: Value): boolean => v.k === 'assets' || (includeSpecs && v.k === 'spec');
  const take = (v: Value): void => {
    const identity = v.k === 'assets' ? v.def : v.k === 'spec' ? v.spec : v;
    if (seen.has(identity)) return;
    seen.add(identity);
    out.push(v);
  };
  for (const [name, value] of globals) {
    if (name.startsWith('__')) continue;
    if (accept(value)) take(value);
    else if (value.k === 'list' && !value.tuple && value.items.every(accept)) value.items.forEach(take);
    else if (definitions && value.k === 'definitions' && !seen.has(value)) {
      seen.add(value);
      definitions.push(value);
    }
  }
}

/** Copies loaded assets with `key_prefix`, `source_key_prefix` and `group_name` applied as Dagster does (§1.8). */
export function applyLoaderAttributes(values: Value[], call: CallArgs, complain: Complain): Value[] {
  const keyPrefix = asKeyPrefix(arg(call, -1, 'key_prefix')) ?? [];
  const sourcePrefix = asKeyPrefix(call.kwargs.get('source_key_prefix')) ?? [];
  const groupArg = call.kwargs.get('group_name');
  const group = isAbsent(groupArg) ? null : asString(groupArg);
  if (!isAbsent(groupArg) && group === null) complain('warning', 'group_name of the loader cannot be read statically', 'unresolved-argument');
  if (call.kwargs.has('key_prefix') && asKeyPrefix(call.kwargs.get('key_prefix')) === null) {
    complain('warning', 'key_prefix of the loader cannot be read statically', 'unresolved-argument');
  }
  const backfill = call.kwargs.get('backfill_policy');

  const isSourceLike = (v: Value): boolean => v.k === 'spec' || (v.k === 'assets' && v.def.isSourceLike);
  // The key_prefix replacement map holds every key of the loaded assets definitions AND specs
  // (Dagster's `assets_with_loadable_prefix`), but only assets definitions are rewritten: their own
  // keys and their dependencies. Specs and source assets keep their key (and their deps); in-set
  // dependencies follow the prefix, dependencies on keys outside the set keep their old key.
  const assetMap = new Map<string, string[]>();
  const sourceMap = new Map<string, string[]>();
  for (const v of values) {
    const specs = v.k === 'assets' ? v.def.specs : v.k === 'spec' ? [v.spec] : [];
    for (const spec of specs) {
      if (keyPrefix.length && !(v.k === 'assets' && v.def.isSourceLike)) assetMap.set(keyId(spec.key), [...keyPrefix, ...spec.key]);
      if (sourcePrefix.length && isSourceLike(v)) sourceMap.set(keyId(spec.key), [...sourcePrefix, ...spec.key]);
    }
  }
  const rewrite = (key: string[]): string[] => assetMap.get(keyId(key)) ?? sourceMap.get(keyId(key)) ?? key;
  const copySpec = (spec: SpecValue, sourceLike: boolean): SpecValue => {
    const next: SpecValue = sourceLike
      ? {
          ...spec,
          key: sourceMap.get(keyId(spec.key)) ?? spec.key,
          deps: spec.deps.map((d) => ({ ...d, key: sourceMap.get(keyId(d.key)) ?? d.key })),
        }
      : { ...spec, key: rewrite(spec.key), deps: spec.deps.map((d) => ({ ...d, key: rewrite(d.key) })) };
    if (group !== null) {
      if (spec.group && spec.group !== defaultGroup && spec.group !== group) {
        complain('error', `${spec.key.join('/')} already has group '${spec.group}'; the loader's group_name '${group}' conflicts (Dagster raises)`, 'group-conflict');
      }
      next.group = group;
    }
    if (backfill?.k === 'backfill' && !sourceLike) next.backfillPolicy = backfill.policy;
    return next;
  };
  return values.map((v) => {
    if (v.k === 'spec') return { k: 'spec', spec: copySpec(v.spec, true) };
    if (v.k === 'assets') {
      const def: AssetsDef = { isSourceLike: v.def.isSourceLike, specs: v.def.specs.map((s) => copySpec(s, v.def.isSourceLike)) };
      return { k: 'assets', def };
    }
    return v;
  });
}

