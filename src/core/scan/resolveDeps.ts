import { keyId, keyToUserString } from '../model/assetKey';
import type { AssetDep, AssetNode, Diagnostic } from '../model/graph';
import type { SpecValue } from './evaluate/values';

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
