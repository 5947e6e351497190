import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildSchema, graphql, parse, validate, type GraphQLSchema } from 'graphql';
import * as queries from '../../src/core/state/graphql/queries';

/**
 * A small Dagster webserver for tests: a real HTTP server on 127.0.0.1 that executes each request
 * with graphql-js over Dagster's published schema (`test/fixtures/dagster-graphql/schema.graphql`),
 * so answers have exactly the shape a webserver of that version gives the query sent: only the
 * fields asked, `__typename` where asked, enums as names. Field values come from a fake instance
 * described per test; partition statuses are encoded the way Dagster's `build_partition_statuses`
 * does (time ranges, key lists, primary ranges × secondary statuses). Every request is recorded,
 * validated against the schema and checked to be one of the documents `queries.ts` exports.
 */

export const dagsterSchemaPath = join(__dirname, '..', 'fixtures', 'dagster-graphql', 'schema.graphql');

let built: GraphQLSchema | null = null;
export function dagsterSchema(): GraphQLSchema {
  return (built ??= buildSchema(readFileSync(dagsterSchemaPath, 'utf8')));
}

/** graphql-js validation messages of a document against Dagster's schema (none when it fits). */
export function validateDocument(document: string): string[] {
  return validate(dagsterSchema(), parse(document)).map((error) => error.message);
}

export type RangeStatus = 'MATERIALIZED' | 'FAILED' | 'MATERIALIZING';
export type DefinitionType = 'TIME_WINDOW' | 'STATIC' | 'DYNAMIC' | 'MULTIPARTITIONED';

export interface FakeStaleCause {
  key: { path: string[] };
  partitionKey: string | null;
  category: 'CODE' | 'DATA' | 'DEPENDENCIES';
  reason: string;
  dependency: { path: string[] } | null;
  dependencyPartitionKey: string | null;
}

export interface FakeDimension {
  name: string;
  type: Exclude<DefinitionType, 'MULTIPARTITIONED'>;
  keys: string[];
  dynamicName?: string;
  primary?: boolean;
}

export interface FakeAsset {
  key: string[];
  kind?: 'materializable' | 'observable_source' | 'external';
  codeVersion?: string | null;
  partitions?: { type: Exclude<DefinitionType, 'MULTIPARTITIONED'>; keys: string[]; dynamicName?: string } | { type: 'MULTIPARTITIONED'; dimensions: FakeDimension[] };
  /** Status per partition key (multi keys as Dagster joins them), or under '' when unpartitioned. */
  statuses?: Record<string, RangeStatus>;
  /** What `assetsLatestInfo` says of an unpartitioned asset, when not derived from `statuses['']`. */
  latest?: { materializationRunId: string | null; inProgressRunIds?: string[]; unstartedRunIds?: string[]; latestRun: { runId: string; status: string } | null };
  /** Dagster's answer per partition ('' when unpartitioned); default FRESH with a record, else MISSING. */
  stale?: Record<string, { status: 'MISSING' | 'STALE' | 'FRESH'; causes?: FakeStaleCause[] }>;
  /** A literal `assetPartitionStatuses` answer, instead of the encoded `statuses`. */
  partitionStatuses?: Record<string, unknown>;
}

export interface FakeBackfill {
  id: string;
  status: string;
  isAssetBackfill: boolean;
  timestamp: number;
  endTimestamp?: number | null;
  numPartitions?: number | null;
  partitionSetName?: string | null;
  assetSelection?: { path: string[] }[] | null;
  user?: string | null;
  error?: { message: string } | null;
  assetBackfillData?: { assetBackfillStatuses: Record<string, unknown>[] } | null;
  runs?: { runId: string; status: string; startTime: number | null; endTime: number | null }[];
}

export interface FakeDagster {
  assets?: FakeAsset[];
  backfills?: FakeBackfill[];
  /** `launchPartitionBackfill` arguments received, in order (the fake answers success, or `launchError`). */
  launched?: unknown[];
  launchError?: { __typename: string; message: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  /** Validation messages against the schema: empty for a valid document. */
  invalid: string[];
  /** Whether the document is one of the exports of `queries.ts`. */
  known: boolean;
}

/** A canned answer instead of executing the query; 'hang' never answers. */
export type Canned = { status?: number; headers?: Record<string, string>; body: string } | 'hang';

export interface TestGraphqlServer {
  /** `http://127.0.0.1:<port>/graphql`. */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the fake instance or the canned answer for the next requests. */
  dagster: FakeDagster;
  respond: ((request: RecordedRequest) => Canned | undefined) | null;
  close(): Promise<void>;
}

const knownDocuments = new Set<string>((Object.values(queries) as unknown[]).filter((value): value is string => typeof value === 'string'));

export async function startGraphqlServer(dagster: FakeDagster = {}, respond: TestGraphqlServer['respond'] = null): Promise<TestGraphqlServer> {
  const state = { dagster, respond };
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res);
    });
  });

  async function handle(method: string, path: string, headers: IncomingHttpHeaders, text: string, res: ServerResponse): Promise<void> {
    let body: { query?: unknown; variables?: unknown; operationName?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Recorded as an empty query; the checks below report it.
    }
    const query = typeof body.query === 'string' ? body.query : '';
    let invalid: string[];
    try {
      invalid = validateDocument(query);
    } catch (error) {
      invalid = [(error as Error).message];
    }
    const request: RecordedRequest = {
      method,
      path,
      headers,
      query,
      operationName: typeof body.operationName === 'string' ? body.operationName : null,
      variables: (body.variables as Record<string, unknown> | undefined) ?? {},
      invalid,
      known: knownDocuments.has(query),
    };
    requests.push(request);
    const canned = state.respond?.(request);
    if (canned === 'hang') return;
    if (canned) {
      res.writeHead(canned.status ?? 200, { 'Content-Type': 'application/json', ...canned.headers });
      res.end(canned.body);
      return;
    }
    const result = await graphql({
      schema: dagsterSchema(),
      source: query,
      rootValue: rootValue(state.dagster),
      variableValues: request.variables,
      operationName: request.operationName,
    });
    // Dagster's webserver answers validation failures with HTTP 400 and a GraphQL error list.
    res.writeHead(result.errors && !result.data ? 400 : 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(result));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const handle_: TestGraphqlServer = {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    get dagster() {
      return state.dagster;
    },
    set dagster(value: FakeDagster) {
      state.dagster = value;
    },
    get respond() {
      return state.respond;
    },
    set respond(value) {
      state.respond = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return handle_;
}

const keyOf = (path: readonly string[]): string => JSON.stringify(path);
const sortedDimensions = (dimensions: FakeDimension[]): FakeDimension[] => [...dimensions].sort((a, b) => (a.name < b.name ? -1 : 1));

/** Dagster's `MultiPartitionKey`: dimension keys joined with '|', dimensions sorted by name. */
export function multiKey(byDimension: Record<string, string>): string {
  return Object.keys(byDimension)
    .sort()
    .map((name) => byDimension[name])
    .join('|');
}

function rootValue(dagster: FakeDagster): Record<string, unknown> {
  const assets = dagster.assets ?? [];
  const select = (assetKeys: { path: string[] }[] | undefined): FakeAsset[] => {
    if (assetKeys === undefined) return assets;
    const wanted = new Set(assetKeys.map((key) => keyOf(key.path)));
    return assets.filter((asset) => wanted.has(keyOf(asset.key)));
  };
  const backfills = (dagster.backfills ??= []);
  return {
    assetNodes: ({ assetKeys }: { assetKeys?: { path: string[] }[] }) => select(assetKeys).map(assetNode),
    assetsLatestInfo: ({ assetKeys }: { assetKeys: { path: string[] }[] }) => select(assetKeys).map(latestInfo),
    partitionBackfillsOrError: ({ limit, cursor, status }: { limit?: number | null; cursor?: string | null; status?: string | null }) => {
      let results = backfills.filter((backfill) => !status || backfill.status === status);
      if (cursor) results = results.slice(results.findIndex((backfill) => backfill.id === cursor) + 1);
      if (typeof limit === 'number') results = results.slice(0, limit);
      return { __typename: 'PartitionBackfills', results: results.map(backfillValue) };
    },
    launchPartitionBackfill: ({ backfillParams }: { backfillParams: unknown }) => {
      (dagster.launched ??= []).push(backfillParams);
      if (dagster.launchError) return dagster.launchError;
      // Stored as the daemon would find it: requested, nothing done yet.
      const backfillId = `bf-${dagster.launched.length}`;
      backfills.unshift({ id: backfillId, status: 'REQUESTED', isAssetBackfill: true, timestamp: 1_700_000_000, assetBackfillData: { assetBackfillStatuses: [] }, runs: [] });
      return { __typename: 'LaunchBackfillSuccess', backfillId, launchedRunIds: null };
    },
    cancelPartitionBackfill: ({ backfillId }: { backfillId: string }) => {
      const found = backfills.find((backfill) => backfill.id === backfillId);
      if (!found) return { __typename: 'PythonError', message: `Backfill ${backfillId} could not be found.` };
      found.status = 'CANCELING';
      return { __typename: 'CancelBackfillSuccess', backfillId };
    },
    partitionBackfillOrError: ({ backfillId }: { backfillId: string }) => {
      const found = backfills.find((backfill) => backfill.id === backfillId);
      return found ? { __typename: 'PartitionBackfill', ...backfillValue(found) } : { __typename: 'BackfillNotFoundError', message: `Backfill ${backfillId} could not be found.`, backfillId };
    },
  };
}

function backfillValue(backfill: FakeBackfill): Record<string, unknown> {
  return {
    endTimestamp: null,
    numPartitions: null,
    partitionSetName: null,
    assetSelection: null,
    user: null,
    error: null,
    assetBackfillData: null,
    ...backfill,
    runs: ({ limit }: { limit?: number | null }) => (backfill.runs ?? []).slice(0, typeof limit === 'number' ? limit : undefined),
  };
}

function dimensionsOf(asset: FakeAsset): FakeDimension[] {
  const partitions = asset.partitions;
  if (!partitions) return [];
  if (partitions.type === 'MULTIPARTITIONED') return partitions.dimensions;
  return [{ name: 'default', type: partitions.type, keys: partitions.keys, dynamicName: partitions.dynamicName, primary: true }];
}

/** Every key of the asset, in Dagster's order (for multi: the product, sorted dimensions, first outermost). */
export function fakeKeys(asset: FakeAsset): string[] {
  const partitions = asset.partitions;
  if (!partitions) return [];
  if (partitions.type !== 'MULTIPARTITIONED') return partitions.keys;
  let keys: Record<string, string>[] = [{}];
  for (const dimension of sortedDimensions(partitions.dimensions)) keys = keys.flatMap((prefix) => dimension.keys.map((key) => ({ ...prefix, [dimension.name]: key })));
  return keys.map(multiKey);
}

function assetNode(asset: FakeAsset): Record<string, unknown> {
  const kind = asset.kind ?? 'materializable';
  const partitions = asset.partitions;
  const dimensions = dimensionsOf(asset);
  const staleOf = (partition: string): { status: string; causes: FakeStaleCause[] } => {
    const given = asset.stale?.[partition];
    if (given) return { status: given.status, causes: given.causes ?? [] };
    if (kind !== 'materializable') return { status: 'FRESH', causes: [] };
    return { status: asset.statuses?.[partition] === 'MATERIALIZED' ? 'FRESH' : 'MISSING', causes: [] };
  };
  return {
    id: `fake.${asset.key.join('.')}`,
    assetKey: { path: asset.key },
    isPartitioned: Boolean(partitions),
    isSource: kind !== 'materializable',
    isExecutable: kind !== 'external',
    isObservable: kind === 'observable_source',
    opVersion: asset.codeVersion ?? null,
    partitionDefinition: partitions
      ? {
          description: '',
          type: partitions.type,
          name: partitions.type === 'DYNAMIC' ? (partitions.dynamicName ?? null) : null,
          dimensionTypes: dimensions.map((dimension) => ({
            name: dimension.name,
            description: '',
            type: dimension.type,
            isPrimaryDimension: dimension.primary ?? false,
            dynamicPartitionsDefinitionName: dimension.dynamicName ?? null,
          })),
        }
      : null,
    partitionKeysByDimension: () => dimensions.map((dimension) => ({ name: dimension.name, partitionKeys: dimension.keys, type: dimension.type })),
    partitionKeys: () => fakeKeys(asset),
    assetPartitionStatuses: () => asset.partitionStatuses ?? encodeStatuses(asset),
    // Dagster answers FRESH and no causes for a partitioned asset asked without a partition (§5 rule 1).
    staleStatus: () => (partitions ? 'FRESH' : staleOf('').status),
    staleCauses: () => (partitions ? [] : staleOf('').causes),
    staleStatusByPartition: ({ partitions: asked }: { partitions: string[] }) => asked.map((partition) => staleOf(partition).status),
    staleCausesByPartition: ({ partitions: asked }: { partitions: string[] }) => asked.map((partition) => staleOf(partition).causes),
  };
}

function latestInfo(asset: FakeAsset): Record<string, unknown> {
  const status = asset.statuses?.[''];
  const latest = asset.latest ?? {
    materializationRunId: status === 'MATERIALIZED' ? 'run-ok' : null,
    inProgressRunIds: status === 'MATERIALIZING' ? ['run-going'] : [],
    latestRun: status === 'MATERIALIZED' ? { runId: 'run-ok', status: 'SUCCESS' } : status === 'FAILED' ? { runId: 'run-failed', status: 'FAILURE' } : status === 'MATERIALIZING' ? { runId: 'run-going', status: 'STARTED' } : null,
  };
  return {
    id: `latest.${asset.key.join('.')}`,
    assetKey: { path: asset.key },
    latestMaterialization: latest.materializationRunId ? { runId: latest.materializationRunId, timestamp: '1700000000000' } : null,
    inProgressRunIds: latest.inProgressRunIds ?? [],
    unstartedRunIds: latest.unstartedRunIds ?? [],
    latestRun: latest.latestRun ? { ...latest.latestRun, id: latest.latestRun.runId } : null,
  };
}

/** `build_partition_statuses`: time ranges of equal status, key lists otherwise, 2-D for multi. */
function encodeStatuses(asset: FakeAsset): Record<string, unknown> {
  const statuses = asset.statuses ?? {};
  const partitions = asset.partitions;
  if (!partitions) return { __typename: 'DefaultPartitionStatuses', materializedPartitions: [], failedPartitions: [], unmaterializedPartitions: [], materializingPartitions: [] };
  if (partitions.type !== 'MULTIPARTITIONED') return encodeOneDimension(partitions.type, partitions.keys, (key) => statuses[key]);
  const dimensions = partitions.dimensions;
  const primary = dimensions.find((dimension) => dimension.primary) ?? (dimensions.find((dimension) => dimension.type === 'TIME_WINDOW') as FakeDimension);
  const secondary = dimensions.find((dimension) => dimension !== primary) as FakeDimension;
  const secondaryOf = (primaryKey: string): (RangeStatus | undefined)[] => secondary.keys.map((key) => statuses[multiKey({ [primary.name]: primaryKey, [secondary.name]: key })]);
  const ranges: Record<string, unknown>[] = [];
  let start = 0;
  for (let i = 1; i <= primary.keys.length; i++) {
    const same = i < primary.keys.length && JSON.stringify(secondaryOf(primary.keys[i] as string)) === JSON.stringify(secondaryOf(primary.keys[start] as string));
    if (same) continue;
    const shared = secondaryOf(primary.keys[start] as string);
    if (shared.some((status) => status !== undefined)) {
      ranges.push({
        primaryDimStartKey: primary.keys[start],
        primaryDimEndKey: primary.keys[i - 1],
        primaryDimStartTime: null,
        primaryDimEndTime: null,
        secondaryDim: encodeOneDimension(secondary.type, secondary.keys, (key) => shared[secondary.keys.indexOf(key)]),
      });
    }
    start = i;
  }
  return { __typename: 'MultiPartitionStatuses', primaryDimensionName: primary.name, ranges };
}

function encodeOneDimension(type: string, keys: string[], statusOf: (key: string) => RangeStatus | undefined): Record<string, unknown> {
  if (type === 'TIME_WINDOW') {
    const ranges: Record<string, unknown>[] = [];
    let i = 0;
    while (i < keys.length) {
      const status = statusOf(keys[i] as string);
      let j = i;
      while (j + 1 < keys.length && statusOf(keys[j + 1] as string) === status) j++;
      if (status) ranges.push({ startKey: keys[i], endKey: keys[j], startTime: i, endTime: j + 1, status });
      i = j + 1;
    }
    return { __typename: 'TimePartitionStatuses', ranges };
  }
  const having = (status: RangeStatus): string[] => keys.filter((key) => statusOf(key) === status);
  return {
    __typename: 'DefaultPartitionStatuses',
    materializedPartitions: having('MATERIALIZED'),
    failedPartitions: having('FAILED'),
    materializingPartitions: having('MATERIALIZING'),
    unmaterializedPartitions: keys.filter((key) => statusOf(key) === undefined),
  };
}
