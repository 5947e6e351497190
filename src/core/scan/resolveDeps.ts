import { keyId, keysEqual, keyToUserString, type AssetKey } from '../model/assetKey';
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

/** What resolving one spec produced. */
interface Entry {
  item: LocatedSpec;
  node: AssetNode;
  /** Ids of the keys its dependencies settled on as stubs (one per distinct dependency). */
  stubIds: string[];
  /** `unresolved-input` errors of its data-carrying inputs. */
  diagnostics: Diagnostic[];
}

/** Above this many added or removed specs a build starts over instead of applying the change. */
const deltaLimit = 256;

/**
 * Settles every dependency key of one code location as Dagster does when `Definitions` is built
 * (§2.3): an exact key; else, for a one-component key, the single asset of the same group whose key
 * ends in it (not produced by the same definition); else a stub external asset, which is an error
 * instead when the key feeds a data-carrying input.
 *
 * It lives across builds. After an edit most specs are the very objects of the previous build
 * (module and loader results are reused), so a build applies what was added and removed and settles
 * again only the specs whose dependencies could settle differently: the added ones, and those
 * depending on a key (or, for one-component keys, a same-group name) that appeared or disappeared.
 */
export class LocationResolver {
  private readonly entries = new Map<SpecValue, Entry>();
  /** Key id → the spec defining it. */
  private readonly byId = new Map<string, LocatedSpec>();
  /** Group → last key component → specs of that group whose key ends in it. */
  private readonly groups = new Map<string, Map<string, Set<LocatedSpec>>>();
  /** Written dependency key id → specs that depend on it. */
  private readonly dependents = new Map<string, Set<SpecValue>>();
  private readonly stubs = new Map<string, { node: AssetNode; refs: number }>();
  private readonly withDiagnostics = new Set<SpecValue>();
  private duplicates: Diagnostic[] = [];
  private primed = false;

  constructor(
    private readonly locationName: string,
    private readonly relative: (file: string) => string,
  ) {}

  resolve(items: LocatedSpec[]): ResolvedLocation {
    const unique: LocatedSpec[] = [];
    const seen = new Set<SpecValue>();
    for (const item of items) {
      if (seen.has(item.spec)) continue;
      seen.add(item.spec);
      unique.push(item);
    }
    if (!this.primed || this.duplicates.length > 0 || !this.applyDelta(unique, seen)) this.rebuild(unique);
    const assets: AssetNode[] = [];
    // Later duplicates of a key have no entry.
    for (const item of unique) {
      const entry = this.entries.get(item.spec);
      if (entry) assets.push(entry.node);
    }
    for (const stub of this.stubs.values()) assets.push(stub.node);
    const diagnostics = [...this.duplicates];
    for (const spec of this.withDiagnostics) diagnostics.push(...(this.entries.get(spec)?.diagnostics ?? []));
    return { assets, diagnostics };
  }

  /** Everything from scratch; the first occurrence of a key wins and later ones are errors. */
  private rebuild(unique: LocatedSpec[]): void {
    this.entries.clear();
    this.byId.clear();
    this.groups.clear();
    this.dependents.clear();
    this.stubs.clear();
    this.withDiagnostics.clear();
    this.duplicates = [];
    this.primed = true;
    const kept: LocatedSpec[] = [];
    for (const item of unique) {
      const id = keyId(item.spec.key);
      const existing = this.byId.get(id);
      if (existing) {
        this.duplicates.push({
          severity: 'error',
          file: this.relative(item.spec.file),
          line: item.spec.line,
          message: `asset key ${keyToUserString(item.spec.key)} is defined more than once in code location ${this.locationName} (also at ${this.relative(existing.spec.file)}:${existing.spec.line}); Dagster refuses to load it`,
          code: 'duplicate-key',
        });
        continue;
      }
      this.index(item, id);
      kept.push(item);
    }
    for (const item of kept) this.settle(item, undefined);
  }

  /**
   * Applies the difference to the previous build. False when it is not a small, duplicate-free
   * change (the caller then rebuilds).
   */
  private applyDelta(unique: LocatedSpec[], present: Set<SpecValue>): boolean {
    const removed: Entry[] = [];
    for (const entry of this.entries.values()) if (!present.has(entry.item.spec)) removed.push(entry);
    const added = unique.filter((item) => !this.entries.has(item.spec));
    if (removed.length + added.length > deltaLimit) return false;
    if (removed.length === 0 && added.length === 0) return true;

    const changedIds = new Set<string>();
    const changedNames: [string, string][] = [];
    const note = (spec: SpecValue): void => {
      changedIds.add(keyId(spec.key));
      changedNames.push([spec.group ?? defaultGroup, spec.key[spec.key.length - 1] as string]);
    };
    for (const entry of removed) {
      const { spec } = entry.item;
      this.unindex(entry.item);
      this.releaseStubs(entry);
      for (const dep of spec.deps) this.dependents.get(keyId(dep.key))?.delete(spec);
      this.entries.delete(spec);
      this.withDiagnostics.delete(spec);
      note(spec);
    }
    for (const item of added) {
      const id = keyId(item.spec.key);
      if (this.byId.has(id)) return false;
      this.index(item, id);
      note(item.spec);
    }

    // Specs whose dependencies may settle differently now.
    const affected = new Set<SpecValue>(added.map((item) => item.spec));
    for (const id of changedIds) for (const spec of this.dependents.get(id) ?? []) affected.add(spec);
    for (const [group, name] of changedNames) {
      for (const spec of this.dependents.get(keyId([name])) ?? []) if ((spec.group ?? defaultGroup) === group) affected.add(spec);
    }
    for (const spec of affected) {
      const entry = this.entries.get(spec);
      const item = entry?.item ?? added.find((a) => a.spec === spec);
      if (!item) continue;
      if (entry) this.releaseStubs(entry);
      this.settle(item, entry);
    }
    return true;
  }

  private index(item: LocatedSpec, id: string): void {
    this.byId.set(id, item);
    const group = item.spec.group ?? defaultGroup;
    const name = item.spec.key[item.spec.key.length - 1] as string;
    let names = this.groups.get(group);
    if (!names) this.groups.set(group, (names = new Map()));
    let set = names.get(name);
    if (!set) names.set(name, (set = new Set()));
    set.add(item);
  }

  private unindex(item: LocatedSpec): void {
    const id = keyId(item.spec.key);
    if (this.byId.get(id)?.spec === item.spec) this.byId.delete(id);
    const group = item.spec.group ?? defaultGroup;
    this.groups.get(group)?.get(item.spec.key[item.spec.key.length - 1] as string)?.delete(item);
  }

  private releaseStubs(entry: Entry): void {
    for (const id of entry.stubIds) {
      const stub = this.stubs.get(id);
      if (stub && --stub.refs === 0) this.stubs.delete(id);
    }
  }

  /** Settles one spec's dependencies and makes (or keeps) its node. */
  private settle(item: LocatedSpec, previous: Entry | undefined): void {
    const { spec } = item;
    const group = spec.group ?? defaultGroup;
    const keys: AssetKey[] = [];
    const sources: DepValue[] = [];
    const resolutions: AssetDep['resolution'][] = [];
    const stubIds: string[] = [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const dep of spec.deps) {
      if (!previous) {
        const written = keyId(dep.key);
        let set = this.dependents.get(written);
        if (!set) this.dependents.set(written, (set = new Set()));
        set.add(spec);
      }
      let key: AssetKey = dep.key;
      let resolution: AssetDep['resolution'] = 'exact';
      if (!this.byId.has(keyId(key))) {
        // Dagster counts every same-group match, the definition's own outputs included, and then
        // refuses the single match if it is one of those outputs.
        const candidates = key.length === 1 ? this.groups.get(group)?.get(key[0] as string) : undefined;
        const candidate = candidates?.size === 1 ? (candidates.values().next().value as LocatedSpec) : undefined;
        if (candidate && candidate.owner !== item.owner) {
          key = candidate.spec.key;
          resolution = 'group';
        } else {
          resolution = 'stub';
          if (dep.carriesData) {
            diagnostics.push({
              severity: 'error',
              file: this.relative(spec.file),
              line: spec.line,
              message: `input '${dep.inputName ?? keyToUserString(dep.key)}' of ${keyToUserString(spec.key)} needs asset ${keyToUserString(dep.key)}, which no asset in code location ${this.locationName} produces; Dagster fails to load this code location ("Input asset … is not produced by any of the provided asset ops")`,
              code: 'unresolved-input',
            });
          }
        }
      }
      const id = keyId(key);
      if (seen.has(id)) continue;
      seen.add(id);
      if (resolution === 'stub') {
        stubIds.push(id);
        const stub = this.stubs.get(id);
        if (stub) stub.refs++;
        else this.stubs.set(id, { node: stubNode(key as string[], this.locationName), refs: 1 });
      }
      keys.push(key);
      sources.push(dep);
      resolutions.push(resolution);
    }
    const node =
      previous && sameDeps(previous.node.deps, keys, sources, resolutions)
        ? previous.node
        : makeNode(spec, this.relative(spec.file), group, this.locationName, keys, sources, resolutions);
    this.entries.set(spec, { item, node, stubIds, diagnostics });
    if (diagnostics.length) this.withDiagnostics.add(spec);
    else this.withDiagnostics.delete(spec);
  }
}

/**
 * Nodes are never modified after they are made (views copy them to change anything), so a graph
 * may share them with the previous graph.
 */
function makeNode(
  spec: SpecValue,
  file: string,
  group: string,
  codeLocation: string,
  keys: AssetKey[],
  sources: DepValue[],
  resolutions: AssetDep['resolution'][],
): AssetNode {
  const deps: AssetDep[] = [];
  for (let i = 0; i < keys.length; i++) {
    deps.push(assetDep(sources[i] as DepValue, keys[i] as string[], resolutions[i] as AssetDep['resolution']));
  }
  return {
    key: spec.key.slice(),
    file,
    line: spec.line,
    kind: spec.kind,
    group,
    codeLocation,
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
  };
}

function sameDeps(deps: AssetDep[], keys: AssetKey[], sources: DepValue[], resolutions: AssetDep['resolution'][]): boolean {
  if (deps.length !== keys.length) return false;
  for (let i = 0; i < deps.length; i++) {
    const dep = deps[i] as AssetDep;
    const source = sources[i] as DepValue;
    if (
      dep.resolution !== resolutions[i] ||
      !keysEqual(dep.key, keys[i] as AssetKey) ||
      dep.partitionMapping !== source.mapping ||
      dep.carriesData !== source.carriesData ||
      dep.inputName !== source.inputName ||
      (dep.writtenKey !== undefined && !keysEqual(dep.writtenKey, source.key))
    ) {
      return false;
    }
  }
  return true;
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
