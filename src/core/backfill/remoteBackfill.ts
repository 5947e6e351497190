import { keyToUserString } from '../model/assetKey';
import type { Backfill, BackfillTarget } from '../state/graphql/backfills';
import { finishedBackfillStatuses } from '../state/graphql/backfills';
import { BackfillPlanError, type BackfillPlan } from './plan';
import { recordHead, systemClock, type BackfillOptions, type BackfillRecord, type BackfillState, type RemoteProgress } from './runner';

/**
 * A backfill submitted to a Dagster webserver (§8 `launchPartitionBackfill`): the same assets and
 * partitions as the plan, in one request; the daemon then launches the runs by each asset's backfill
 * policy. Here it is only followed: its status and per-asset counts are read until it finishes.
 */

/**
 * What the webserver is asked for. Time partitions go as the plan's ranges. Other partition keys go
 * one range per key: a range of static, dynamic or multi keys would rely on the server ordering them
 * as we do, and a single key cannot be misread.
 */
export function remoteTargets(plan: BackfillPlan): BackfillTarget[] {
  return plan.assets.map((asset) => {
    if (asset.partitions === null) return { key: asset.key, ranges: null };
    const keys = asset.partitions.keys;
    if (keys === undefined) return { key: asset.key, ranges: asset.partitions.ranges };
    if (keys.length < asset.count) {
      throw new BackfillPlanError(`${keyToUserString(asset.key)}: ${asset.count} partitions are too many to submit one key at a time (at most ${keys.length}); pick fewer`);
    }
    return { key: asset.key, ranges: keys.map((key): [string, string] => [key, key]) };
  });
}

/** A webserver's backfill has no local runs; the daemon's own settings apply. */
const remoteOptions: BackfillOptions = { concurrency: 1, stopOnFailure: false, retries: 0, backoffMs: 0 };

/** The record of a just-submitted backfill (no runs of ours: the daemon makes them). */
export function newRemoteRecord(plan: BackfillPlan, fields: { id: string; title: string; folder: string; createdAt: number; url: string; backfillId: string }): BackfillRecord {
  return {
    ...recordHead(fields),
    options: remoteOptions,
    summary: { assets: plan.summary.assets, partitions: plan.summary.partitions, runs: 0 },
    runs: [],
    hooks: [],
    remote: { url: fields.url, backfillId: fields.backfillId, status: 'REQUESTED', targeted: plan.summary.partitions, materialized: 0, failed: 0, inProgress: 0, runs: 0, error: null, problem: null, readAt: null },
  };
}

/**
 * Our state for the server's status. An older Dagster says COMPLETED once every run it requested
 * ended, failed ones included, so failures are counted rather than assumed away.
 */
function stateOf(status: string, failed: number, error: string | null): BackfillState {
  if (!finishedBackfillStatuses.has(status)) return 'running';
  if (status === 'CANCELED') return 'cancelled';
  if (status === 'FAILED' || status === 'COMPLETED_FAILED' || failed > 0 || error !== null) return 'failed';
  return 'succeeded';
}

/** The record after a read of the backfill (null: the server no longer has it). */
export function withRemoteProgress(record: BackfillRecord, backfill: Backfill | null, now: number): BackfillRecord {
  const remote = record.remote as RemoteProgress;
  if (backfill === null) {
    return { ...record, state: 'failed', endedAt: now, remote: { ...remote, problem: `the webserver has no backfill ${remote.backfillId} any more`, readAt: now } };
  }
  let targeted = 0;
  let materialized = 0;
  let failed = 0;
  let inProgress = 0;
  for (const asset of backfill.assets) {
    targeted += asset.targeted;
    materialized += asset.materialized;
    failed += asset.failed;
    inProgress += asset.inProgress;
  }
  const state = stateOf(backfill.status, failed, backfill.error);
  return {
    ...record,
    state,
    endedAt: state === 'running' ? null : (backfill.endTimestamp ?? now),
    summary: { ...record.summary, runs: backfill.runIds.length },
    remote: {
      ...remote,
      status: backfill.status,
      // Before the daemon has looked at it, a backfill reports no assets: keep the plan's total.
      targeted: backfill.assets.length ? targeted : remote.targeted,
      materialized,
      failed,
      inProgress,
      runs: backfill.runIds.length,
      error: backfill.error,
      problem: null,
      readAt: now,
    },
  };
}

export interface FollowOptions {
  read(): Promise<Backfill | null>;
  onUpdate(record: BackfillRecord): void;
  signal: AbortSignal;
  /** Between reads while all is well; doubled after each failed read, up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Reads the backfill until it finishes (or `signal` stops following it: the backfill itself goes on
 * on the server). A failed read is reported on the record and tried again, less and less often.
 */
export async function followRemoteBackfill(start: BackfillRecord, options: FollowOptions): Promise<BackfillRecord> {
  const now = options.now ?? systemClock.now;
  const sleep = options.sleep ?? systemClock.sleep;
  const interval = options.intervalMs ?? 3000;
  const maxInterval = options.maxIntervalMs ?? 60_000;
  let record = start;
  let wait = interval;
  while (!options.signal.aborted) {
    try {
      record = withRemoteProgress(record, await options.read(), now());
      wait = interval;
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      record = { ...record, remote: { ...(record.remote as RemoteProgress), problem, readAt: now() } };
      wait = Math.min(maxInterval, wait * 2);
    }
    options.onUpdate(record);
    if (record.state !== 'running') break;
    await sleep(wait, options.signal);
  }
  return record;
}
