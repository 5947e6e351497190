import { keyId, keyToUserString, parseUserKey } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import { inferPartitionMapping } from '../model/partitionMappings';
import { isTimeWindow } from '../model/partitions';
import { PartitionsError } from '../partitions/errors';
import { createSpace, type PartitionSpace, type SpaceContext, type UnknownSpace } from '../partitions/keySpaces';
import { upstreamOf } from '../partitions/mappings';
import { subsetFromKeys, subsetKeys, subsetSize } from '../partitions/subsets';
import type { MaterializationRecord } from '../state/instanceState';
import type { LocalInstance } from '../state/localInstance';

/**
 * Dagster's stale status of one asset partition (`CachingStaleStatusResolver`, §5): MISSING
 * without a record, FRESH for external assets, otherwise STALE with its causes (a new code version,
 * a dependency added or removed, an input with new data) or FRESH. Like Dagster, staleness does not
 * travel: an asset is not stale because its upstream is.
 */

export type StaleStatus = 'MISSING' | 'STALE' | 'FRESH';
export type StaleCategory = 'CODE' | 'DATA' | 'DEPENDENCIES';

export interface StaleCause {
  category: StaleCategory;
  reason: string;
  dependency?: { asset: string[]; partition: string | null };
}

export interface Staleness {
  status: StaleStatus;
  causes: StaleCause[];
}

/** Dagster's `SKIP_PARTITION_DATA_VERSION_DEPENDENCY_THRESHOLD` (and the self-dependency one). */
export const partitionDependencyThreshold = 100;

/** Assets Dagster does not materialize: never MISSING, always FRESH. */
export const externalKinds: ReadonlySet<AssetNode['kind']> = new Set<AssetNode['kind']>(['source', 'observable_source', 'external', 'stub']);

/** Shared lookups for one evaluation. */
export class StalenessContext {
  readonly nodes = new Map<string, AssetNode>();
  private readonly spaces = new Map<string, PartitionSpace | UnknownSpace | null>();

  constructor(
    graph: AssetGraph,
    readonly instance: LocalInstance,
    readonly context: SpaceContext,
  ) {
    for (const asset of graph.assets) if (!this.nodes.has(keyId(asset.key))) this.nodes.set(keyId(asset.key), asset);
  }

  space(node: AssetNode): PartitionSpace | UnknownSpace | null {
    const id = keyId(node.key);
    if (!this.spaces.has(id)) this.spaces.set(id, node.partitions ? createSpace(node.partitions, this.context) : null);
    return this.spaces.get(id) ?? null;
  }

  /** The latest materialization or observation of a partition (Dagster's "current" record). */
  record(key: readonly string[], partition: string | null): MaterializationRecord | null {
    const state = this.instance.assets.get(keyToUserString(key))?.partitions.get(partition);
    const m = state?.lastMaterialization ?? null;
    const o = state?.lastObservation ?? null;
    if (m && o) return m.storageId >= o.storageId ? m : o;
    return m ?? o;
  }
}

/**
 * The parent partitions Dagster checks (`_get_partition_dependencies`): an unpartitioned parent is one
 * dependency; a time-window parent reached through All is skipped; mapped parent partitions count only
 * when there are fewer than 100; an asset's dependency on itself is skipped at 100 partitions or more.
 */
function parentPartitions(ctx: StalenessContext, node: AssetNode, partition: string | null, parent: AssetNode, explicit: AssetNode['deps'][number]['partitionMapping']): (string | null)[] | null {
  const mapping = inferPartitionMapping(explicit, node.partitions, parent.partitions);
  if (!parent.partitions) return [null];
  if (isTimeWindow(parent.partitions) && mapping.type === 'all') return null;
  const childSpace = ctx.space(node);
  const parentSpace = ctx.space(parent);
  if (!parentSpace || parentSpace.kind === 'unknown' || childSpace?.kind === 'unknown') return null;
  if (keyId(parent.key) === keyId(node.key) && parentSpace.count >= partitionDependencyThreshold) return null;
  try {
    const selection = childSpace === null ? ({ kind: 'whole' } as const) : subsetFromKeys(childSpace, partition === null ? [] : [partition], { windows: true }).subset;
    const mapped = upstreamOf(mapping, parentSpace, childSpace, selection).selection;
    if (mapped === null || mapped.kind === 'whole') return [null];
    if (subsetSize(mapped) >= partitionDependencyThreshold) return null;
    return subsetKeys(mapped);
  } catch (error) {
    // A mapping Dagster refuses at load time: the definitions would not load, so nothing is checked.
    if (error instanceof PartitionsError) return null;
    throw error;
  }
}

function versionWord(ctx: StalenessContext, parent: AssetNode, record: MaterializationRecord | null): string {
  return parent.codeVersion !== null || record?.dataVersionIsUserProvided ? 'data version' : 'materialization';
}

export function partitionStaleness(ctx: StalenessContext, node: AssetNode, partition: string | null): Staleness {
  if (externalKinds.has(node.kind)) return { status: 'FRESH', causes: [] };
  const record = ctx.record(node.key, partition);
  if (!record) return { status: 'MISSING', causes: [] };
  const causes: StaleCause[] = [];
  if (node.codeVersion !== null && record.codeVersion !== node.codeVersion) {
    causes.push({ category: 'CODE', reason: 'has a new code version' });
  }
  const hasProvenance = record.dataVersion !== null;
  const parents = new Map<string, { node: AssetNode; dep: AssetNode['deps'][number] }>();
  for (const dep of node.deps) {
    const parent = ctx.nodes.get(keyId(dep.key));
    if (parent && !parents.has(keyId(dep.key))) parents.set(keyId(dep.key), { node: parent, dep });
  }
  if (hasProvenance) {
    const current = new Set([...parents.values()].map((p) => keyToUserString(p.node.key)));
    for (const input of Object.keys(record.inputDataVersions)) {
      if (!current.has(input)) causes.push({ category: 'DEPENDENCIES', reason: `removed dependency on ${input}`, dependency: { asset: parseUserKey(input), partition: null } });
    }
  }
  const changes = ctx.instance.inputChanges?.get(keyToUserString(node.key))?.get(partition) ?? [];
  for (const { node: parent, dep } of parents.values()) {
    if (keyId(parent.key) === keyId(node.key) && !parent.partitions) continue;
    const partitions = parentPartitions(ctx, node, partition, parent, dep.partitionMapping);
    if (partitions === null) continue;
    const user = keyToUserString(parent.key);
    if (!hasProvenance) {
      // Records older than provenance: compare times.
      for (const p of partitions) {
        const parentRecord = ctx.record(parent.key, p);
        if (!parentRecord) causes.push({ category: 'DATA', reason: 'has a new input', dependency: { asset: [...parent.key], partition: p } });
        else if (parentRecord.timestamp > record.timestamp) {
          causes.push({ category: 'DATA', reason: 'has a new dependency materialization', dependency: { asset: [...parent.key], partition: p } });
        }
      }
      continue;
    }
    if (!(user in record.inputDataVersions)) {
      causes.push({ category: 'DEPENDENCIES', reason: `has a new dependency on ${user}`, dependency: { asset: [...parent.key], partition: partitions[0] ?? null } });
      continue;
    }
    if (!parent.partitions) {
      const parentRecord = ctx.record(parent.key, null);
      const currentVersion = parentRecord?.dataVersion ?? null;
      const recorded = record.inputDataVersions[user] ?? null;
      const unchanged = currentVersion === recorded || (recorded === 'INITIAL' && currentVersion === null);
      if (!unchanged) {
        const word = versionWord(ctx, parent, parentRecord);
        causes.push({ category: 'DATA', reason: `has a new dependency ${word}`, dependency: { asset: [...parent.key], partition: null } });
      }
      continue;
    }
    const changed = new Set(changes.find((c) => c.upstream === user)?.changedPartitions ?? []);
    for (const p of partitions) {
      if (p !== null && changed.has(p)) {
        const word = versionWord(ctx, parent, ctx.record(parent.key, p));
        causes.push({ category: 'DATA', reason: `has a new dependency ${word}`, dependency: { asset: [...parent.key], partition: p } });
      }
    }
  }
  return { status: causes.length ? 'STALE' : 'FRESH', causes };
}
