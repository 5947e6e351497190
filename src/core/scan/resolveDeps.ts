import { KeyMap, keysEqual, keyToUserString, type AssetKey } from '../model/assetKey';
import type { AssetDep, AssetNode, Diagnostic } from '../model/graph';
import type { DepValue, SpecValue } from './evaluate/values';

const defaultGroup = 'default';

export interface LocatedSpec {
  spec: SpecValue;
  /** Specs of one AssetsDefinition share an owner: a dependency never re-targets onto its own definition. */
  owner: object;
}

export interface ResolvedLocation {
  assets: AssetNode[];
  diagnostics: Diagnostic[];
}

/** Deps of one asset at most this many are de-duplicated by a linear scan instead of a map. */
const linearDedupLimit = 16;

/**
 * Settles every dependency key of one code location as Dagster does when `Definitions` is built
 * (§2.3): an exact key; else, for a one-component key, the single asset of the same group whose key
 * ends in it (not produced by the same definition); else a stub external asset, which is an error
 * instead when the key feeds a data-carrying input.
 *
 * Runs on every graph build: keys are looked up by value (`KeyMap`, no id strings) and the
 * same-group index is built only when some dependency is not an exact key.
 */
export function resolveLocation(
  locationName: string,
  specs: LocatedSpec[],
  relative: (file: string) => string,
): ResolvedLocation {
  const diagnostics: Diagnostic[] = [];
  // `relative` is pure; consecutive specs mostly come from the same file.
  let lastFile: string | null = null;
  let lastRelative = '';
  const rel = (file: string): string => {
    if (file !== lastFile) {
      lastRelative = relative(file);
      lastFile = file;
    }
    return lastRelative;
  };

  const byKey = new KeyMap<LocatedSpec>();
  for (const item of specs) {
    const existing = byKey.get(item.spec.key);
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
    byKey.set(item.spec.key, item);
  }
  const unique = byKey.values();

  // Group → last key component → the single spec of that group whose key ends in it, or `null`
  // when two or more do (the same-group re-targeting rule). Built on the first dependency that is
  // not an exact key.
  let byGroupAndName: Map<string, Map<string, LocatedSpec | null>> | null = null;
  const sameGroupIndex = (): Map<string, Map<string, LocatedSpec | null>> => {
    const index = new Map<string, Map<string, LocatedSpec | null>>();
    for (const item of unique) {
      const spec = item.spec;
      const group = spec.group ?? defaultGroup;
      const last = spec.key[spec.key.length - 1] as string;
      let names = index.get(group);
      if (!names) index.set(group, (names = new Map()));
      names.set(last, names.has(last) ? null : item);
    }
    return index;
  };

  const stubs = new KeyMap<AssetNode>();
  const assets: AssetNode[] = [];
  const depKeys: AssetKey[] = [];
  for (const item of unique) {
    const { spec } = item;
    const group = spec.group ?? defaultGroup;
    const specDeps = spec.deps;
    const deps: AssetDep[] = [];
    const seen = specDeps.length > linearDedupLimit ? new KeyMap<true>() : null;
    depKeys.length = 0;
    for (const dep of specDeps) {
      let key = dep.key;
      let resolution: AssetDep['resolution'] = 'exact';
      if (!byKey.has(key)) {
        // Dagster counts every same-group match, the definition's own outputs included, and then
        // refuses the single match if it is one of those outputs.
        const candidate = key.length === 1 ? (byGroupAndName ??= sameGroupIndex()).get(group)?.get(key[0] as string) : undefined;
        if (candidate && candidate.owner !== item.owner) {
          key = candidate.spec.key;
          resolution = 'group';
        } else {
          resolution = 'stub';
          if (dep.carriesData) {
            diagnostics.push({
              severity: 'error',
              file: rel(spec.file),
              line: spec.line,
              message: `input '${dep.inputName ?? keyToUserString(dep.key)}' of ${keyToUserString(spec.key)} needs asset ${keyToUserString(dep.key)}, which no asset in code location ${locationName} produces; Dagster fails to load this code location ("Input asset … is not produced by any of the provided asset ops")`,
              code: 'unresolved-input',
            });
          }
          if (!stubs.has(key)) stubs.set(key, stubNode(key, locationName));
        }
      }
      if (seen) {
        if (seen.has(key)) continue;
        seen.set(key, true);
      } else {
        if (depKeys.some((other) => keysEqual(other, key))) continue;
        depKeys.push(key);
      }
      deps.push(assetDep(dep, key, resolution));
    }
    assets.push({
      key: spec.key.slice(),
      file: rel(spec.file),
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
  for (const stub of stubs.values()) assets.push(stub);
  return { assets, diagnostics };
}

/** The resolved dependency; fields in this order, `writtenKey` and `inputName` only when set. */
function assetDep(dep: DepValue, key: string[], resolution: AssetDep['resolution']): AssetDep {
  const { inputName } = dep;
  if (resolution === 'group') {
    return inputName !== undefined
      ? { key: key.slice(), partitionMapping: dep.mapping, writtenKey: dep.key.slice(), inputName, carriesData: dep.carriesData, resolution }
      : { key: key.slice(), partitionMapping: dep.mapping, writtenKey: dep.key.slice(), carriesData: dep.carriesData, resolution };
  }
  return inputName !== undefined
    ? { key: key.slice(), partitionMapping: dep.mapping, inputName, carriesData: dep.carriesData, resolution }
    : { key: key.slice(), partitionMapping: dep.mapping, carriesData: dep.carriesData, resolution };
}

function stubNode(key: string[], codeLocation: string): AssetNode {
  return {
    key: key.slice(),
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
