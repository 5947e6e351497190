import { displayUrl, GraphqlError, graphqlEndpoint, graphqlRequest, type GraphqlConnection } from './client';
import { backfillQuery, backfillsQuery, cancelBackfillMutation, launchBackfillMutation } from './queries';
import { backfillResponseSchema, backfillsResponseSchema, cancelBackfillResponseSchema, launchBackfillResponseSchema, type BackfillSummaryResponse } from './responses';

/**
 * Backfills as the webserver reports them (§8 "Tracking a backfill"): the list, and one backfill's
 * progress per asset with its runs. The daemon inside `dagster dev` (or Dagster+) turns a stored
 * backfill into runs, so progress is only ever read here, never computed.
 */

/**
 * `BulkActionStatus`. Later Dagster versions add members (`COMPLETED_SUCCESS`,
 * `COMPLETED_FAILED`, `FAILING`), so any string is kept as the server wrote it.
 */
export type BackfillStatus = 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'CANCELING' | (string & {});

/** Statuses after which a backfill makes no more runs. */
export const finishedBackfillStatuses: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED']);

export interface BackfillSummary {
  id: string;
  status: BackfillStatus;
  isAssetBackfill: boolean;
  /** Epoch milliseconds of the request. */
  timestamp: number;
  /** Epoch milliseconds of the end, once finished. */
  endTimestamp: number | null;
  numPartitions: number | null;
  /** The job's partition set, for a job backfill. */
  partitionSetName: string | null;
  assetSelection: string[][] | null;
  user: string | null;
  /** The backfill's own error (the daemon failed it), not its runs' failures. */
  error: string | null;
}

export interface BackfillAssetProgress {
  key: string[];
  partitioned: boolean;
  /** For an unpartitioned asset, 1 targeted and 0 or 1 in each other count. */
  targeted: number;
  inProgress: number;
  materialized: number;
  failed: number;
}

export interface BackfillRun {
  runId: string;
  /** `RunStatus` as the server wrote it. */
  status: string;
  /** Epoch milliseconds. */
  startTime: number | null;
  endTime: number | null;
}

export interface Backfill extends BackfillSummary {
  /** Per-asset progress of an asset backfill (empty for a job backfill). */
  assets: BackfillAssetProgress[];
  /** The newest runs first, up to the limit asked for. */
  runs: BackfillRun[];
  runIds: string[];
}

const seconds = (value: number | null | undefined): number | null => (typeof value === 'number' ? Math.round(value * 1000) : null);

function summaryOf(backfill: BackfillSummaryResponse): BackfillSummary {
  return {
    id: backfill.id,
    status: backfill.status,
    isAssetBackfill: backfill.isAssetBackfill,
    timestamp: Math.round(backfill.timestamp * 1000),
    endTimestamp: seconds(backfill.endTimestamp),
    numPartitions: backfill.numPartitions ?? null,
    partitionSetName: backfill.partitionSetName ?? null,
    assetSelection: backfill.assetSelection ? backfill.assetSelection.map((key) => key.path) : null,
    user: backfill.user ?? null,
    error: backfill.error?.message ?? null,
  };
}

/** The newest backfills first; page on with `cursor` = the id of the last one returned. */
export async function listBackfills(
  connection: GraphqlConnection,
  query: { limit?: number; cursor?: string | null; status?: BackfillStatus | null } = {},
): Promise<BackfillSummary[]> {
  const where = displayUrl(graphqlEndpoint(connection.url));
  const data = await graphqlRequest(connection, {
    document: backfillsQuery,
    operationName: 'AssetLineageBackfills',
    variables: { limit: query.limit ?? 20, cursor: query.cursor ?? null, status: query.status ?? null },
    schema: backfillsResponseSchema,
    what: 'the list of backfills',
  });
  const answer = data.partitionBackfillsOrError;
  if (answer.__typename === 'PythonError') throw new GraphqlError('graphql', `${where} could not list backfills: ${answer.message}`);
  return answer.results.map(summaryOf);
}

/** Runs of a backfill read with it: its run count, as read, stops here. */
export const backfillRunLimit = 100;

/** One backfill, or null when the server has none with that id. */
export async function readBackfill(connection: GraphqlConnection, id: string, options: { runLimit?: number } = {}): Promise<Backfill | null> {
  const where = displayUrl(graphqlEndpoint(connection.url));
  const data = await graphqlRequest(connection, {
    document: backfillQuery,
    operationName: 'AssetLineageBackfill',
    variables: { backfillId: id, runLimit: options.runLimit ?? backfillRunLimit },
    schema: backfillResponseSchema,
    what: `backfill ${id}`,
  });
  const answer = data.partitionBackfillOrError;
  if (answer.__typename === 'BackfillNotFoundError') return null;
  if (answer.__typename === 'PythonError') throw new GraphqlError('graphql', `${where} could not read backfill ${id}: ${answer.message}`);
  const assets: BackfillAssetProgress[] = [];
  for (const status of answer.assetBackfillData?.assetBackfillStatuses ?? []) {
    if (status.__typename === 'AssetPartitionsStatusCounts') {
      assets.push({
        key: status.assetKey.path,
        partitioned: true,
        targeted: status.numPartitionsTargeted,
        inProgress: status.numPartitionsInProgress,
        materialized: status.numPartitionsMaterialized,
        failed: status.numPartitionsFailed,
      });
    } else if (status.__typename === 'UnpartitionedAssetStatus') {
      assets.push({ key: status.assetKey.path, partitioned: false, targeted: 1, inProgress: Number(status.inProgress), materialized: Number(status.materialized), failed: Number(status.failed) });
    }
    // A kind of status a later Dagster adds is left out rather than guessed at.
  }
  const runs = answer.runs.map((run) => ({ runId: run.runId, status: run.status, startTime: seconds(run.startTime), endTime: seconds(run.endTime) }));
  return { ...summaryOf(answer), assets, runs, runIds: runs.map((run) => run.runId) };
}

/** What a backfill submitted to a webserver covers: each asset with its partitions as inclusive key ranges (none: unpartitioned). */
export interface BackfillTarget {
  key: readonly string[];
  ranges: readonly (readonly [string, string])[] | null;
}

/**
 * `LaunchBackfillParams` for an asset backfill with exact partitions (`partitionsByAssets`, §8 mode
 * 3). The schema's `PartitionsSelector` takes one range, so an asset with several ranges is listed
 * once per range. An unpartitioned asset is listed without partitions (for a partitioned one that
 * would mean all of them, so it never happens here).
 */
export function backfillParams(targets: readonly BackfillTarget[]): Record<string, unknown> {
  const partitionsByAssets: Record<string, unknown>[] = [];
  for (const target of targets) {
    const assetKey = { path: [...target.key] };
    if (target.ranges === null) partitionsByAssets.push({ assetKey });
    else for (const [start, end] of target.ranges) partitionsByAssets.push({ assetKey, partitions: { range: { start, end } } });
  }
  // No title or tags: `title` is newer than the schema this targets, and tag values are validated by Dagster.
  return { partitionsByAssets };
}

/** Asks the server to cancel a backfill: the daemon launches no more of its runs (those started finish). */
export async function cancelBackfill(connection: GraphqlConnection, id: string): Promise<void> {
  const where = displayUrl(graphqlEndpoint(connection.url));
  const data = await graphqlRequest(connection, {
    document: cancelBackfillMutation,
    operationName: 'AssetLineageCancelBackfill',
    variables: { backfillId: id },
    schema: cancelBackfillResponseSchema,
    what: `the cancellation of backfill ${id}`,
  });
  const answer = data.cancelPartitionBackfill;
  if (answer.__typename === 'CancelBackfillSuccess') return;
  throw new GraphqlError('graphql', `${where} refused to cancel backfill ${id} (${answer.__typename}): ${'message' in answer ? answer.message : 'no message'}`);
}

/** Submits the backfill and returns its id; Dagster's errors come back as GraphqlErrors with its message. */
export async function launchBackfill(connection: GraphqlConnection, targets: readonly BackfillTarget[]): Promise<string> {
  const where = displayUrl(graphqlEndpoint(connection.url));
  const data = await graphqlRequest(connection, {
    document: launchBackfillMutation,
    operationName: 'AssetLineageLaunchBackfill',
    variables: { backfillParams: backfillParams(targets) },
    schema: launchBackfillResponseSchema,
    what: 'the backfill launch',
  });
  const answer = data.launchPartitionBackfill;
  if (answer.__typename === 'LaunchBackfillSuccess' && 'backfillId' in answer) return answer.backfillId;
  throw new GraphqlError('graphql', `${where} refused the backfill (${answer.__typename}): ${'message' in answer ? answer.message : 'no message'}`);
}

