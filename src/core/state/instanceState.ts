import { keyToUserString } from '../model/assetKey';
import { provenanceOf, readAssetEvent, skippedFailureReasons, type AssetEventType } from './events';
import { parseSerdes } from './serdes';

/**
 * What a Dagster instance says happened to each asset partition, read from its storage: the latest
 * materialization (with its provenance), observation, planned materialization and failure, the
 * runs they belong to, dynamic partition keys. Built from a handful of grouped queries; only the
 * latest events' JSON is read, never the whole event log.
 */

/** A read-only SQL connection (implemented over SQLite; tests may use anything that answers). */
export interface InstanceDatabase {
  all(sql: string): Promise<Record<string, unknown>[]>;
  /** Column names of a table, or null when the table does not exist (schemas differ by version). */
  columns(table: string): Promise<string[] | null>;
}

export type RunStatus = 'QUEUED' | 'NOT_STARTED' | 'STARTING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELING' | 'CANCELED' | 'MANAGED' | string;

export interface EventPointer {
  storageId: number;
  /** Epoch milliseconds. */
  timestamp: number;
  runId: string;
}

export interface MaterializationRecord extends EventPointer {
  dataVersion: string | null;
  codeVersion: string | null;
  dataVersionIsUserProvided: boolean;
  inputDataVersions: Record<string, string>;
  inputEventPointers: Record<string, number | null>;
}

export type PartitionStatus = 'materialized' | 'failed' | 'in_progress' | 'missing';

export interface PartitionState {
  /** Null for an unpartitioned asset. */
  partition: string | null;
  status: PartitionStatus;
  lastMaterialization: MaterializationRecord | null;
  lastObservation: MaterializationRecord | null;
  lastPlanned: EventPointer | null;
  lastFailure: EventPointer | null;
}

export interface AssetState {
  key: string[];
  /** Materializations since the last wipe. */
  materializations: number;
  wipedAt: number | null;
  partitions: Map<string | null, PartitionState>;
}

export interface RunRecord {
  runId: string;
  status: RunStatus;
  /** Epoch milliseconds, when the run recorded them. */
  startTime: number | null;
  endTime: number | null;
  partition: string | null;
}

export interface InstanceState {
  assets: Map<string, AssetState>;
  runs: Map<string, RunRecord>;
  runsByStatus: Record<string, number>;
  dynamicPartitions: Map<string, string[]>;
}

const finished = new Set(['SUCCESS', 'FAILURE', 'CANCELED']);
const failedRun = new Set(['FAILURE', 'CANCELED']);

/** `event_logs.timestamp` is naive UTC text (`YYYY-MM-DD HH:MM:SS.ffffff`); older rows may be epoch numbers. */
export function storedTime(value: unknown): number | null {
  if (typeof value === 'number') return value > 1e11 ? value : value * 1000;
  if (typeof value !== 'string' || value === '') return null;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** `["a", "b"]` (Python's spacing) or the legacy `a.b` form, as a key. */
export function storedAssetKey(text: unknown): string[] | null {
  if (typeof text !== 'string') return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed as string[];
  } catch {
    // Legacy dotted keys predate the JSON form.
  }
  return text.split('.');
}

/** A key as Dagster stores it in `asset_key` columns: JSON with Python's spacing (`["a", "b"]`). */
export function storedAssetKeyText(key: readonly string[]): string {
  return JSON.stringify(key).replace(/","/g, '", "');
}

interface LatestRow {
  assetKey: string;
  partition: string | null;
  type: AssetEventType;
  id: number;
}

export async function readInstanceState(index: InstanceDatabase, runs: InstanceDatabase | null): Promise<InstanceState> {
  const runRecords = await readRuns(runs);
  const assetColumns = await index.columns('asset_keys');
  const wipes = new Map<string, number>();
  if (assetColumns?.includes('wipe_timestamp')) {
    for (const row of await index.all('SELECT asset_key, wipe_timestamp FROM asset_keys WHERE wipe_timestamp IS NOT NULL')) {
      const at = storedTime(row.wipe_timestamp);
      if (at !== null) wipes.set(String(row.asset_key), at);
    }
  }
  // Rows older than a wipe do not count; the wipe time is compared in SQL on the raw column.
  const wipeFilter = assetColumns?.includes('wipe_timestamp')
    ? `AND NOT EXISTS (SELECT 1 FROM asset_keys k WHERE k.asset_key = e.asset_key AND k.wipe_timestamp IS NOT NULL AND e.timestamp <= k.wipe_timestamp)`
    : '';
  const types = "('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION', 'ASSET_MATERIALIZATION_PLANNED', 'ASSET_FAILED_TO_MATERIALIZE')";
  const latest: LatestRow[] = [];
  const counts = new Map<string, number>();
  for (const row of await index.all(
    `SELECT e.asset_key AS asset_key, e.partition AS partition, e.dagster_event_type AS type, MAX(e.id) AS id, COUNT(*) AS n
     FROM event_logs e WHERE e.dagster_event_type IN ${types} AND e.asset_key IS NOT NULL ${wipeFilter}
     GROUP BY e.asset_key, e.partition, e.dagster_event_type`,
  )) {
    const type = String(row.type) as AssetEventType;
    const assetKey = String(row.asset_key);
    const partition = row.partition === null || row.partition === undefined ? null : String(row.partition);
    if (type === 'ASSET_MATERIALIZATION') counts.set(assetKey, (counts.get(assetKey) ?? 0) + Number(row.n));
    if (type === 'ASSET_MATERIALIZATION_PLANNED' && partition === null) continue; // resolved per run below
    latest.push({ assetKey, partition, type, id: Number(row.id) });
  }
  // Planned events without a partition (all of them before Dagster 1.0): the run's partition tag says.
  const plannedByRun = new Map<string, LatestRow>();
  for (const row of await index.all(
    `SELECT e.asset_key AS asset_key, e.run_id AS run_id, MAX(e.id) AS id FROM event_logs e
     WHERE e.dagster_event_type = 'ASSET_MATERIALIZATION_PLANNED' AND e.partition IS NULL AND e.asset_key IS NOT NULL ${wipeFilter}
     GROUP BY e.asset_key, e.run_id`,
  )) {
    const partition = runRecords.get(String(row.run_id))?.partition ?? null;
    const assetKey = String(row.asset_key);
    const id = Number(row.id);
    const slot = `${assetKey}\u0000${partition ?? '\u0001'}`;
    const existing = plannedByRun.get(slot);
    if (!existing) {
      const entry: LatestRow = { assetKey, partition, type: 'ASSET_MATERIALIZATION_PLANNED', id };
      plannedByRun.set(slot, entry);
      latest.push(entry);
    } else if (id > existing.id) existing.id = id;
  }

  const rows = new Map<number, Record<string, unknown>>();
  const ids = latest.map((l) => l.id);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    // Ids are integers from the grouped query above, written into the statement as such.
    for (const row of await index.all(`SELECT id, run_id, event, timestamp FROM event_logs WHERE id IN (${chunk.map((id) => String(Math.trunc(id))).join(',')})`)) {
      rows.set(Number(row.id), row);
    }
  }

  const assets = new Map<string, AssetState>();
  const assetOf = (stored: string): AssetState | null => {
    const key = storedAssetKey(stored);
    if (!key) return null;
    const user = keyToUserString(key);
    let asset = assets.get(user);
    if (!asset) {
      asset = { key, materializations: counts.get(stored) ?? 0, wipedAt: wipes.get(stored) ?? null, partitions: new Map() };
      assets.set(user, asset);
    }
    return asset;
  };
  for (const l of latest) {
    const asset = assetOf(l.assetKey);
    const row = rows.get(l.id);
    if (!asset || !row) continue;
    let state = asset.partitions.get(l.partition);
    if (!state) {
      state = { partition: l.partition, status: 'missing', lastMaterialization: null, lastObservation: null, lastPlanned: null, lastFailure: null };
      asset.partitions.set(l.partition, state);
    }
    const event = readAssetEvent(typeof row.event === 'string' ? row.event : null);
    const runId = String(row.run_id ?? event?.runId ?? '');
    const timestamp = event?.timestamp !== null && event?.timestamp !== undefined ? event.timestamp * 1000 : (storedTime(row.timestamp) ?? 0);
    const pointer: EventPointer = { storageId: l.id, timestamp, runId };
    switch (l.type) {
      case 'ASSET_MATERIALIZATION':
      case 'ASSET_OBSERVATION': {
        const provenance = provenanceOf(event?.tags ?? {});
        const record: MaterializationRecord = { ...pointer, ...provenance };
        if (l.type === 'ASSET_MATERIALIZATION') state.lastMaterialization = record;
        else state.lastObservation = record;
        break;
      }
      case 'ASSET_MATERIALIZATION_PLANNED':
        state.lastPlanned = pointer;
        break;
      case 'ASSET_FAILED_TO_MATERIALIZE':
        // A skipped step or a user's termination is not a failed partition in Dagster.
        if (!skippedFailureReasons.has(event?.failureReason ?? '')) state.lastFailure = pointer;
        break;
    }
  }
  for (const asset of assets.values()) {
    for (const state of asset.partitions.values()) state.status = partitionStatus(state, runRecords);
  }
  for (const stored of counts.keys()) assetOf(stored);

  const runsByStatus: Record<string, number> = {};
  for (const run of runRecords.values()) runsByStatus[run.status] = (runsByStatus[run.status] ?? 0) + 1;
  return { assets, runs: runRecords, runsByStatus, dynamicPartitions: await readDynamicPartitions(index) };
}

/**
 * A partition is failed when its latest failure is newer than its latest materialization: an
 * `ASSET_FAILED_TO_MATERIALIZE` event, or (before Dagster wrote those) a planned materialization
 * whose run ended FAILURE or CANCELED. A newer planned materialization of a run still going is in
 * progress.
 */
function partitionStatus(state: PartitionState, runs: Map<string, RunRecord>): PartitionStatus {
  const materialized = state.lastMaterialization?.storageId ?? -1;
  if (state.lastFailure && state.lastFailure.storageId > materialized) return 'failed';
  if (state.lastPlanned && state.lastPlanned.storageId > materialized) {
    const status = runs.get(state.lastPlanned.runId)?.status;
    if (status !== undefined && failedRun.has(status)) {
      state.lastFailure = state.lastPlanned;
      return 'failed';
    }
    if (status !== undefined && !finished.has(status)) return 'in_progress';
  }
  return state.lastMaterialization ? 'materialized' : 'missing';
}

async function readRuns(runs: InstanceDatabase | null): Promise<Map<string, RunRecord>> {
  const out = new Map<string, RunRecord>();
  if (!runs) return out;
  const columns = await runs.columns('runs');
  if (!columns) return out;
  const times = columns.includes('start_time') ? ', start_time, end_time' : '';
  for (const row of await runs.all(`SELECT run_id, status${times} FROM runs`)) {
    const start = typeof row.start_time === 'number' ? row.start_time * 1000 : null;
    const end = typeof row.end_time === 'number' ? row.end_time * 1000 : null;
    const status = parseSerdes(JSON.stringify(String(row.status))) as string;
    out.set(String(row.run_id), { runId: String(row.run_id), status, startTime: start, endTime: end, partition: null });
  }
  if (await runs.columns('run_tags')) {
    for (const row of await runs.all("SELECT run_id, value FROM run_tags WHERE key = 'dagster/partition'")) {
      const run = out.get(String(row.run_id));
      if (run) run.partition = String(row.value);
    }
  }
  return out;
}

async function readDynamicPartitions(index: InstanceDatabase): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!(await index.columns('dynamic_partitions'))) return out;
  for (const row of await index.all('SELECT partitions_def_name, partition FROM dynamic_partitions ORDER BY id')) {
    const name = String(row.partitions_def_name);
    const list = out.get(name);
    if (list) list.push(String(row.partition));
    else out.set(name, [String(row.partition)]);
  }
  return out;
}
