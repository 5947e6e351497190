import { keyId, keyToUserString } from '../../model/assetKey';
import type { StaleCause, Staleness } from '../../stale/staleness';
import type { PartitionStatus } from '../instanceState';
import { GraphqlError, graphqlEndpoint, graphqlRequest, type GraphqlConnection } from './client';
import { allAssetNodesQuery, assetNodesQuery, partitionStalenessQuery, unpartitionedStateQuery } from './queries';
import {
  assetNodesResponseSchema,
  partitionStalenessResponseSchema,
  unpartitionedStateResponseSchema,
  type AssetNodeResponse,
  type OneDimensionStatuses,
  type PartitionDefinitionType,
  type StaleCauseResponse,
  type UnpartitionedStateResponse,
} from './responses';

/**
 * What a running Dagster webserver (or Dagster+) says about a set of assets: their partition keys
 * as the server computes them now, each partition's materialization status, and Dagster's own
 * stale status and causes per partition (§5, §8). It is the same picture `readLocalInstance` and
 * `staleness.ts` build from the SQLite files, taken from the source instead, so the two can be
 * compared or the remote one used where the storage is not readable (Postgres, Dagster+).
 *
 * Requests are few and bounded: one `assetNodes` per batch of keys (definitions, keys and
 * statuses together), one per batch of unpartitioned assets (stale status and latest run), and
 * stale statuses only for the partitions that can have any (never-materialized ones are MISSING
 * by definition), in chunks, with assets that share the same chunk asked together.
 */

export interface RemotePartition {
  status: PartitionStatus;
  staleness: Staleness;
}

export interface RemotePartitionDimension {
  name: string;
  type: PartitionDefinitionType;
  primary: boolean;
  /** The `DynamicPartitionsDefinition` name, for a dynamic dimension. */
  dynamicPartitionsName: string | null;
  /** The server's current keys of this dimension, in its order. */
  keys: string[];
}

export interface RemotePartitionsDefinition {
  type: PartitionDefinitionType;
  /** One dimension (named "default" by Dagster) unless multi-partitioned; then sorted by name. */
  dimensions: RemotePartitionDimension[];
}

export interface RemoteAsset {
  key: string[];
  /** Server's current partition keys in its order; null when unpartitioned. */
  partitionKeys: string[] | null;
  /** Every partition (null key for unpartitioned assets). */
  partitions: Map<string | null, RemotePartition>;
  /** `AssetNode.opVersion`: the code version the definition declares. */
  codeVersion: string | null;
  /** False for source, observable and external assets: never MISSING, always FRESH (§5 rule 3). */
  materializable: boolean;
  partitionsDefinition: RemotePartitionsDefinition | null;
}

export interface RemoteInstance {
  /** The GraphQL endpoint that answered. */
  url: string;
  /** By user key (`a/b`). */
  assets: Map<string, RemoteAsset>;
  /** Keys of each dynamic partitions definition the assets use, in the server's order. */
  dynamicPartitions: Map<string, string[]>;
}

export interface RemoteReadLimits {
  /** Asset keys per `assetNodes` request. */
  assetsPerRequest: number;
  /** Partitions of one asset per stale-status request. */
  partitionsPerRequest: number;
  /** Asset partitions per stale-status request, over all the assets it groups. */
  assetPartitionsPerRequest: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export const defaultRemoteReadLimits: RemoteReadLimits = { assetsPerRequest: 100, partitionsPerRequest: 1000, assetPartitionsPerRequest: 5000, concurrency: 4 };

export interface RemoteReadOptions extends GraphqlConnection {
  /** The assets to read; every asset the server knows when absent. */
  assetKeys?: string[][];
  limits?: Partial<RemoteReadLimits>;
}

/** Dagster joins a multi-partition key's dimension keys, dimensions sorted by name (`MultiPartitionKey`). */
export const multiPartitionKeyDelimiter = '|';

const failedRunStatuses = new Set(['FAILURE', 'CANCELED']);

export async function readRemoteInstance(options: RemoteReadOptions): Promise<RemoteInstance> {
  const endpoint = graphqlEndpoint(options.url);
  const connection: GraphqlConnection = { url: endpoint, token: options.token ?? null, timeoutMs: options.timeoutMs, fetch: options.fetch };
  const limits: RemoteReadLimits = { ...defaultRemoteReadLimits, ...options.limits };
  const nodes = await readAssetNodes(connection, options.assetKeys, limits);

  const assets = new Map<string, RemoteAsset>();
  const dynamicPartitions = new Map<string, string[]>();
  const unpartitioned: RemoteAsset[] = [];
  const partitioned: RemoteAsset[] = [];
  for (const node of nodes) {
    const definition = partitionsDefinitionOf(node);
    const partitionKeys = definition ? keysOf(definition) : null;
    const asset: RemoteAsset = {
      key: node.assetKey.path,
      partitionKeys,
      partitions: new Map(),
      codeVersion: node.opVersion,
      materializable: isMaterializable(node),
      partitionsDefinition: definition,
    };
    assets.set(keyToUserString(asset.key), asset);
    for (const dimension of definition?.dimensions ?? []) {
      if (dimension.dynamicPartitionsName !== null) dynamicPartitions.set(dimension.dynamicPartitionsName, dimension.keys);
    }
    if (definition && partitionKeys) {
      const statuses = decodeStatuses(node, definition, partitionKeys);
      for (const partition of partitionKeys) {
        const status = statuses.get(partition) ?? 'missing';
        // Until asked, a partition with a record counts as FRESH; the stale requests below replace it.
        asset.partitions.set(partition, { status, staleness: { status: status === 'missing' && asset.materializable ? 'MISSING' : 'FRESH', causes: [] } });
      }
      if (asset.materializable) partitioned.push(asset);
    } else {
      unpartitioned.push(asset);
    }
  }

  const tasks: (() => Promise<void>)[] = [];
  for (const batch of chunks(unpartitioned, limits.assetsPerRequest)) tasks.push(() => readUnpartitioned(connection, batch));
  for (const request of staleRequests(partitioned, limits)) tasks.push(() => readPartitionStaleness(connection, request.assets, request.partitions));
  await runLimited(tasks, limits.concurrency);
  return { url: endpoint, assets, dynamicPartitions };
}

async function readAssetNodes(connection: GraphqlConnection, assetKeys: string[][] | undefined, limits: RemoteReadLimits): Promise<AssetNodeResponse[]> {
  const found = new Map<string, AssetNodeResponse>();
  const keep = (node: AssetNodeResponse): void => {
    const id = keyId(node.assetKey.path);
    const seen = found.get(id);
    // A key defined in two code locations (say materializable in one, external in the other)
    // comes back twice; the materializable definition is the one with stale statuses.
    if (!seen || (!isMaterializable(seen) && isMaterializable(node))) found.set(id, node);
  };
  if (assetKeys === undefined) {
    const data = await graphqlRequest(connection, {
      document: allAssetNodesQuery,
      operationName: 'AssetLineageAllAssetNodes',
      variables: {},
      schema: assetNodesResponseSchema,
      what: 'the asset nodes',
    });
    data.assetNodes.forEach(keep);
    return [...found.values()];
  }
  const unique = [...new Map(assetKeys.map((key) => [keyId(key), key])).values()];
  const tasks = chunks(unique, limits.assetsPerRequest).map((batch) => async () => {
    const data = await graphqlRequest(connection, {
      document: assetNodesQuery,
      operationName: 'AssetLineageAssetNodes',
      variables: { assetKeys: batch.map((path) => ({ path })) },
      schema: assetNodesResponseSchema,
      what: 'the asset nodes',
    });
    data.assetNodes.forEach(keep);
  });
  await runLimited(tasks, limits.concurrency);
  // The order asked for, whatever order the batches came back in; keys the server lacks are absent.
  return unique.flatMap((key) => found.get(keyId(key)) ?? []);
}

/** `AssetNodeSnap.is_materializable`: executable and not an observation (sources are neither). */
function isMaterializable(node: AssetNodeResponse): boolean {
  return node.isExecutable && !node.isObservable && !node.isSource;
}

function partitionsDefinitionOf(node: AssetNodeResponse): RemotePartitionsDefinition | null {
  if (!node.isPartitioned || !node.partitionDefinition) return null;
  const byName = new Map(node.partitionKeysByDimension.map((entry) => [entry.name, entry.partitionKeys]));
  const types = node.partitionDefinition.dimensionTypes;
  const dimensions = types.map((dimension, index): RemotePartitionDimension => {
    // A one-dimensional definition is reported as the dimension "default" in both lists; match
    // by position too in case a version names them differently.
    const keys = byName.get(dimension.name) ?? (types.length === 1 ? node.partitionKeysByDimension[index]?.partitionKeys : undefined) ?? [];
    return {
      name: dimension.name,
      type: dimension.type,
      primary: dimension.isPrimaryDimension,
      dynamicPartitionsName: dimension.dynamicPartitionsDefinitionName ?? (dimension.type === 'DYNAMIC' && types.length === 1 ? (node.partitionDefinition?.name ?? null) : null),
      keys,
    };
  });
  if (node.partitionDefinition.type === 'MULTIPARTITIONED') dimensions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { type: node.partitionDefinition.type, dimensions };
}

/**
 * Dagster's `MultiPartitionsDefinition.get_partition_keys`: the product of the dimensions' keys,
 * dimensions sorted by name, the first one outermost.
 */
function keysOf(definition: RemotePartitionsDefinition): string[] {
  if (definition.type !== 'MULTIPARTITIONED') return definition.dimensions[0]?.keys ?? [];
  let keys: string[] = [''];
  definition.dimensions.forEach((dimension, index) => {
    const next: string[] = [];
    for (const prefix of keys) for (const key of dimension.keys) next.push(index === 0 ? key : `${prefix}${multiPartitionKeyDelimiter}${key}`);
    keys = next;
  });
  return definition.dimensions.length === 0 ? [] : keys;
}

/**
 * When a partition is in more than one of Dagster's sets (a failed partition being retried is
 * failed and materializing), the newest fact wins as in `instanceState.ts`: in progress, then
 * failed, then materialized.
 */
const statusRank: Record<PartitionStatus, number> = { missing: 0, materialized: 1, failed: 2, in_progress: 3 };
const rangeStatus = { MATERIALIZED: 'materialized', FAILED: 'failed', MATERIALIZING: 'in_progress' } as const;

function mark(statuses: Map<string, PartitionStatus>, key: string, status: PartitionStatus): void {
  const current = statuses.get(key);
  if (current === undefined || statusRank[status] > statusRank[current]) statuses.set(key, status);
}

/** The statuses of one dimension: time ranges run over the key order, the other lists name keys. */
function decodeOneDimension(statuses: OneDimensionStatuses, keys: string[], positions: () => Map<string, number>): Map<string, PartitionStatus> {
  const out = new Map<string, PartitionStatus>();
  if (statuses.__typename === 'TimePartitionStatuses') {
    const at = positions();
    for (const range of statuses.ranges) {
      const start = at.get(range.startKey);
      const end = at.get(range.endKey);
      // A range the current keys do not hold (a window that closed between two reads) has nothing to mark.
      if (start === undefined || end === undefined) continue;
      for (let i = start; i <= end; i++) mark(out, keys[i] as string, rangeStatus[range.status]);
    }
  } else {
    for (const key of statuses.materializedPartitions) mark(out, key, 'materialized');
    for (const key of statuses.failedPartitions) mark(out, key, 'failed');
    for (const key of statuses.materializingPartitions) mark(out, key, 'in_progress');
  }
  return out;
}

function positionsOf(keys: string[]): () => Map<string, number> {
  let cached: Map<string, number> | null = null;
  return () => (cached ??= new Map(keys.map((key, index) => [key, index])));
}

/** Maps `assetPartitionStatuses` onto the asset's keys; partitions it does not name are missing. */
function decodeStatuses(node: AssetNodeResponse, definition: RemotePartitionsDefinition, partitionKeys: string[]): Map<string, PartitionStatus> {
  const statuses = node.assetPartitionStatuses;
  const user = keyToUserString(node.assetKey.path);
  if (statuses.__typename !== 'MultiPartitionStatuses') {
    const out = decodeOneDimension(statuses, partitionKeys, positionsOf(partitionKeys));
    if (statuses.__typename === 'DefaultPartitionStatuses') {
      // Keys of deleted dynamic partitions can still have records; only current partitions count.
      const current = new Set(partitionKeys);
      for (const key of out.keys()) if (!current.has(key)) out.delete(key);
    }
    return out;
  }
  // MultiPartitionStatuses: ranges of the primary dimension, each with the secondary dimension's
  // statuses shared by every primary key in it (`get_2d_run_length_encoded_partitions`).
  const primary = definition.dimensions.find((dimension) => dimension.name === statuses.primaryDimensionName);
  const secondary = definition.dimensions.find((dimension) => dimension.name !== statuses.primaryDimensionName);
  if (definition.dimensions.length !== 2 || !primary || !secondary) {
    throw new GraphqlError('schema', `The partition statuses of ${user} name the primary dimension ${JSON.stringify(statuses.primaryDimensionName)}, which is not one of its two dimensions`);
  }
  const primaryAt = positionsOf(primary.keys)();
  const secondaryAt = positionsOf(secondary.keys);
  const secondaryKnown = (key: string): boolean => secondaryAt().has(key);
  const primaryFirst = primary.name < secondary.name;
  const out = new Map<string, PartitionStatus>();
  for (const range of statuses.ranges) {
    const start = primaryAt.get(range.primaryDimStartKey);
    const end = primaryAt.get(range.primaryDimEndKey);
    if (start === undefined || end === undefined) continue;
    const inner = decodeOneDimension(range.secondaryDim, secondary.keys, secondaryAt);
    for (let i = start; i <= end; i++) {
      const primaryKey = primary.keys[i] as string;
      for (const [secondaryKey, status] of inner) {
        if (!secondaryKnown(secondaryKey)) continue;
        mark(out, primaryFirst ? `${primaryKey}${multiPartitionKeyDelimiter}${secondaryKey}` : `${secondaryKey}${multiPartitionKeyDelimiter}${primaryKey}`, status);
      }
    }
  }
  return out;
}

function unpartitionedStatus(info: UnpartitionedStateResponse['assetsLatestInfo'][number] | undefined): PartitionStatus {
  if (!info) return 'missing';
  // Queued runs count as in progress, as a planned materialization of an unfinished run does locally.
  if (info.inProgressRunIds.length > 0 || info.unstartedRunIds.length > 0) return 'in_progress';
  const run = info.latestRun;
  if (run && failedRunStatuses.has(run.status) && info.latestMaterialization?.runId !== run.runId) return 'failed';
  return info.latestMaterialization ? 'materialized' : 'missing';
}

async function readUnpartitioned(connection: GraphqlConnection, batch: RemoteAsset[]): Promise<void> {
  const data = await graphqlRequest(connection, {
    document: unpartitionedStateQuery,
    operationName: 'AssetLineageUnpartitionedState',
    variables: { assetKeys: batch.map((asset) => ({ path: asset.key })) },
    schema: unpartitionedStateResponseSchema,
    what: 'the state of unpartitioned assets',
  });
  const infos = new Map(data.assetsLatestInfo.map((info) => [keyId(info.assetKey.path), info]));
  const nodes = new Map(data.assetNodes.map((node) => [keyId(node.assetKey.path), node]));
  for (const asset of batch) {
    const status = unpartitionedStatus(infos.get(keyId(asset.key)));
    const node = nodes.get(keyId(asset.key));
    const staleness: Staleness = asset.materializable
      ? toStaleness(node?.staleStatus ?? null, node?.staleCauses ?? [], asset.key, null, status)
      : { status: 'FRESH', causes: [] };
    asset.partitions.set(null, { status, staleness });
  }
}

interface StaleRequest {
  assets: RemoteAsset[];
  partitions: string[];
}

/**
 * The partitions whose stale status is worth asking, in chunks; assets with the very same chunk
 * (daily assets materialized over the same days) share a request, up to the partition budget.
 */
function staleRequests(assets: RemoteAsset[], limits: RemoteReadLimits): StaleRequest[] {
  const groups = new Map<string, StaleRequest>();
  for (const asset of assets) {
    const asked = (asset.partitionKeys ?? []).filter((key) => asset.partitions.get(key)?.status !== 'missing');
    for (const partitions of chunks(asked, Math.max(1, limits.partitionsPerRequest))) {
      const id = partitions.join('\u0000');
      const group = groups.get(id);
      if (group) group.assets.push(asset);
      else groups.set(id, { assets: [asset], partitions });
    }
  }
  const requests: StaleRequest[] = [];
  for (const group of groups.values()) {
    const perRequest = Math.max(1, Math.min(limits.assetsPerRequest, Math.floor(limits.assetPartitionsPerRequest / group.partitions.length)));
    for (const batch of chunks(group.assets, perRequest)) requests.push({ assets: batch, partitions: group.partitions });
  }
  return requests;
}

async function readPartitionStaleness(connection: GraphqlConnection, assets: RemoteAsset[], partitions: string[]): Promise<void> {
  const data = await graphqlRequest(connection, {
    document: partitionStalenessQuery,
    operationName: 'AssetLineagePartitionStaleness',
    variables: { assetKeys: assets.map((asset) => ({ path: asset.key })), partitions },
    schema: partitionStalenessResponseSchema,
    what: 'stale statuses of partitions',
  });
  const nodes = new Map(data.assetNodes.map((node) => [keyId(node.assetKey.path), node]));
  for (const asset of assets) {
    const node = nodes.get(keyId(asset.key));
    const user = keyToUserString(asset.key);
    if (!node) throw new GraphqlError('malformed', `The answer of ${connection.url} to stale statuses of partitions has no entry for ${user}`);
    const causes = node.staleCausesByPartition;
    if (node.staleStatusByPartition.length !== partitions.length || (causes !== null && causes.length !== partitions.length)) {
      throw new GraphqlError('schema', `The answer of ${connection.url} gives ${node.staleStatusByPartition.length} stale statuses of ${user} for ${partitions.length} partitions`);
    }
    partitions.forEach((partition, index) => {
      const entry = asset.partitions.get(partition);
      if (!entry) return;
      entry.staleness = toStaleness(node.staleStatusByPartition[index] ?? null, causes?.[index] ?? [], asset.key, partition, entry.status);
    });
  }
}

const sameKey = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((part, index) => part === b[index]);

/**
 * GraphQL gives a partition's *root* causes (`get_stale_root_causes`): a DATA cause "has a new
 * dependency data version" arrives as its child, keyed on the dependency ("has a new data
 * version"). `staleness.ts` reports the direct cause with the dependency attached, so a root cause
 * keyed on another asset partition is turned back into that form.
 */
export function mapStaleCause(cause: StaleCauseResponse, key: readonly string[], partition: string | null): StaleCause {
  const own = sameKey(cause.key.path, key) && (cause.partitionKey ?? null) === partition;
  if (own) {
    return cause.dependency
      ? { category: cause.category, reason: cause.reason, dependency: { asset: cause.dependency.path, partition: cause.dependencyPartitionKey ?? null } }
      : { category: cause.category, reason: cause.reason };
  }
  const reason =
    cause.reason === 'has a new data version'
      ? 'has a new dependency data version'
      : cause.reason === 'has a new materialization'
        ? 'has a new dependency materialization'
        : cause.reason;
  return { category: cause.category, reason, dependency: { asset: cause.key.path, partition: cause.partitionKey ?? null } };
}

function toStaleness(
  status: 'MISSING' | 'STALE' | 'FRESH' | null,
  causes: StaleCauseResponse[],
  key: readonly string[],
  partition: string | null,
  partitionStatus: PartitionStatus,
): Staleness {
  const mapped = causes.map((cause) => mapStaleCause(cause, key, partition));
  // `staleStatus` is nullable in the schema; without it, the causes and the record decide.
  const resolved = status ?? (mapped.length > 0 ? 'STALE' : partitionStatus === 'missing' ? 'MISSING' : 'FRESH');
  return { status: resolved, causes: resolved === 'STALE' ? mapped : [] };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  const step = Math.max(1, Math.floor(size));
  for (let i = 0; i < items.length; i += step) out.push(items.slice(i, i + step));
  return out;
}

/** Runs the tasks, at most `limit` at a time; the first failure stops new ones from starting. */
async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++] as () => Promise<void>;
      try {
        await task();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
}
