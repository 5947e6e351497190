import { keyToUserString } from '../model/assetKey';
import { scanEventRecord, type ScannedEvent } from './eventScan';
import { provenanceOf, readAssetEvent, skippedFailureReasons, type AssetEvent, type AssetEventType } from './events';
import { parseSerdes } from './serdes';
import { statusColumns } from './statusColumns';

/**
 * What a Dagster instance says happened to each asset partition, read from its storage: the latest
 * materialization (with its provenance), observation, planned materialization and failure, the
 * runs they belong to, dynamic partition keys. Built from a handful of grouped queries; only the
 * latest events' JSON is looked at (scanned in place for the fields kept), never the whole event
 * log's, and rows are streamed, never all held at once.
 */

/** A read-only SQL connection (implemented over SQLite; tests may use anything that answers). */
export interface InstanceDatabase {
  all(sql: string): Promise<Record<string, unknown>[]>;
  /** Column names of a table, or null when the table does not exist (schemas differ by version). */
  columns(table: string): Promise<string[] | null>;
  /**
   * The rows one at a time, without holding them all: `row` reads the current row's columns (by
   * position, decoded when asked; valid during the call only). Optional: readers fall back to `all`.
   */
  each?(sql: string, row: (reader: RowReader) => void): Promise<void>;
}

/** The current row of `InstanceDatabase.each`: column values as `all` gives them, by position. */
export interface RowReader {
  readonly count: number;
  value(column: number): unknown;
  /** A text column's UTF-8 bytes (`value` decodes those before the first NUL), or null for other values; optional. */
  utf8?(column: number): Uint8Array | null;
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
  /**
   * The names of `inputDataVersions`, in order: one shared frozen array per distinct list, so bulk
   * staleness works out once per list (not once per record) which inputs are dependencies still.
   */
  inputNames: readonly string[];
  /**
   * Where the input event pointers of `inputNames` start in the state's `inputPointerColumn` (one
   * per name, NaN for a missing or `NULL` tag): bulk staleness reads them from one array instead of
   * an object per record.
   */
  inputPointerAt: number;
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
  /** The input event pointers of every record, by `MaterializationRecord.inputPointerAt`. */
  inputPointerColumn: readonly number[];
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

/** Calls `row` for each result row, streamed when the database can (else from `all`, columns by position). */
export async function eachRow(db: InstanceDatabase, sql: string, row: (reader: RowReader) => void): Promise<void> {
  if (db.each) return db.each(sql, row);
  for (const record of await db.all(sql)) {
    const values = Object.values(record);
    row({ count: values.length, value: (i) => values[i] });
  }
}

/** SQLite's order of two values with the BINARY collation: NULL, numbers, text (by UTF-8 bytes, i.e. code points), blobs. */
function compareSqlValues(a: unknown, b: unknown): number {
  const rank = (v: unknown): number => (v === null || v === undefined ? 0 : typeof v === 'number' || typeof v === 'bigint' ? 1 : typeof v === 'string' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  if (ra === 2) return compareCodePoints(a as string, b as string);
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** Code point order (what UTF-8 byte order is), which differs from JS's UTF-16 order only around surrogates. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) return x - y;
      return (a.codePointAt(i) as number) - (b.codePointAt(i) as number);
    }
  }
  return a.length - b.length;
}

/** What `apply` reads from an event (`readAssetEvent`'s fields, the tags already as provenance). */
type EventFields = Pick<ScannedEvent, 'timestamp' | 'runId' | 'failureReason' | 'provenance'>;

function fieldsOf(event: AssetEvent | null, withProvenance: boolean): EventFields | null {
  if (!event) return null;
  return { timestamp: event.timestamp, runId: () => event.runId, failureReason: event.failureReason, provenance: withProvenance ? provenanceOf(event.tags) : null };
}

/**
 * The event in a row's `event` column: scanned in place when the reader gives its bytes (the
 * scanner's answer is `readAssetEvent`'s), else parsed from the text.
 */
function eventOf(row: RowReader, column: number, withProvenance: boolean): EventFields | null {
  const bytes = row.utf8?.(column);
  const scanned = bytes ? scanEventRecord(bytes, 0, bytes.length) : undefined;
  if (scanned !== undefined) return scanned;
  const text = row.value(column);
  return fieldsOf(readAssetEvent(typeof text === 'string' ? text : null), withProvenance);
}

const noInputs: readonly never[] = Object.freeze([]);

const typeNames: AssetEventType[] = ['ASSET_FAILED_TO_MATERIALIZE', 'ASSET_MATERIALIZATION', 'ASSET_MATERIALIZATION_PLANNED', 'ASSET_OBSERVATION'];

/**
 * The chosen events (id, the partition state it belongs to, its type code), read back in id order
 * (ids sorted natively, an id and its position packed in one float when they fit), so SQLite visits
 * the table's pages front to back and the file system reads them in runs.
 */
class LatestEvents {
  private ids: number[] = [];
  private states: PartitionState[] = [];
  private types: number[] = [];

  add(id: number, state: PartitionState, type: number): void {
    this.ids.push(id);
    this.states.push(state);
    this.types.push(type);
  }

  private order(): Uint32Array {
    const n = this.ids.length;
    const order = new Uint32Array(n);
    const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    const packable = this.ids.every((id) => Number.isInteger(id) && id >= 0 && id < 2 ** (53 - bits));
    if (packable) {
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = (this.ids[i] as number) * 2 ** bits + i;
      packed.sort();
      for (let i = 0; i < n; i++) order[i] = (packed[i] as number) % 2 ** bits;
    } else {
      const positions = Array.from({ length: n }, (_, i) => i).sort((a, b) => (this.ids[a] as number) - (this.ids[b] as number));
      order.set(positions);
    }
    return order;
  }

  /**
   * Reads the chosen rows in id order, 5,000 ids at a time: where they are dense (most rows of a
   * stretch of the table are latest events, as in an instance that mostly materializes each
   * partition once) as a range of ids, skipping the others without decoding them; else by
   * `id IN (...)`.
   */
  async read(index: InstanceDatabase, apply: (state: PartitionState, type: number, id: number, row: RowReader) => void): Promise<void> {
    const order = this.order();
    const chunk = 5000;
    for (let start = 0; start < order.length; start += chunk) {
      const positions = order.subarray(start, Math.min(order.length, start + chunk));
      const ids = Float64Array.from(positions, (p) => this.ids[p] as number);
      const first = ids[0] as number;
      const last = ids[ids.length - 1] as number;
      // Ids are integers from the grouped query, written into the statement as such.
      const sql =
        last - first + 1 <= 2 * ids.length
          ? `SELECT id, run_id, timestamp, event FROM event_logs WHERE id >= ${Math.trunc(first)} AND id <= ${Math.trunc(last)}`
          : `SELECT id, run_id, timestamp, event FROM event_logs WHERE id IN (${Array.from(ids, (id) => String(Math.trunc(id))).join(',')})`;
      let k = 0;
      await eachRow(index, sql, (row) => {
        const id = Number(row.value(0));
        // Rows come in id order; a binary search covers any other order.
        while (k < ids.length && (ids[k] as number) < id) k++;
        if (k >= ids.length || ids[k] !== id) {
          let lo = 0;
          let hi = ids.length - 1;
          while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if ((ids[mid] as number) < id) lo = mid + 1;
            else hi = mid - 1;
          }
          if (ids[lo] !== id) return;
          k = lo;
        }
        const p = positions[k] as number;
        apply(this.states[p] as PartitionState, this.types[p] as number, this.ids[p] as number, row);
      });
    }
  }
}

const assetTypes = "('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION', 'ASSET_MATERIALIZATION_PLANNED', 'ASSET_FAILED_TO_MATERIALIZE')";

export async function readInstanceState(index: InstanceDatabase, runs: InstanceDatabase | null): Promise<InstanceState> {
  const runRecords = await readRuns(runs);
  const assetColumns = await index.columns('asset_keys');
  const wipes = new Map<string, number>();
  let wiped = 0;
  if (assetColumns?.includes('wipe_timestamp')) {
    for (const row of await index.all('SELECT asset_key, wipe_timestamp FROM asset_keys WHERE wipe_timestamp IS NOT NULL')) {
      wiped++;
      const at = storedTime(row.wipe_timestamp);
      if (at !== null) wipes.set(String(row.asset_key), at);
    }
  }
  // Rows older than a wipe do not count; the wipe time is compared in SQL on the raw column. With
  // no asset wiped the condition always holds, and is left out (it costs a lookup per event).
  const wipeFilter =
    wiped > 0 ? `AND NOT EXISTS (SELECT 1 FROM asset_keys k WHERE k.asset_key = e.asset_key AND k.wipe_timestamp IS NOT NULL AND e.timestamp <= k.wipe_timestamp)` : '';

  const assets = new Map<string, AssetState>();
  const counts = new Map<string, number>();
  const userKeys = new Map<string, string | null>();
  const assetOf = (stored: string): AssetState | null => {
    let user = userKeys.get(stored);
    if (user === undefined) {
      const key = storedAssetKey(stored);
      user = key ? keyToUserString(key) : null;
      userKeys.set(stored, user);
    }
    if (user === null) return null;
    let asset = assets.get(user);
    if (!asset) {
      asset = { key: storedAssetKey(stored) as string[], materializations: counts.get(stored) ?? 0, wipedAt: wipes.get(stored) ?? null, partitions: new Map() };
      assets.set(user, asset);
    }
    return asset;
  };
  const stateOf = (assetKey: string, partition: string | null): PartitionState | null => {
    const asset = assetOf(assetKey);
    if (!asset) return null;
    let state = asset.partitions.get(partition);
    if (!state) {
      state = { partition, status: 'missing', lastMaterialization: null, lastObservation: null, lastPlanned: null, lastFailure: null };
      asset.partitions.set(partition, state);
    }
    return state;
  };
  // Records with the same inputs share one list of their names.
  const inputNames = new Map<string, readonly string[]>();
  const namesOf = (versions: Record<string, string>): readonly string[] => {
    const names = Object.keys(versions);
    if (names.length === 0) return noInputs as readonly string[];
    const key = names.join('\u0000');
    let shared = inputNames.get(key);
    if (!shared) inputNames.set(key, (shared = Object.freeze(names)));
    return shared;
  };
  // Run ids (and code versions, which are run ids when an asset has none) share the runs' strings.
  const runIdOf = (text: string): string => runRecords.get(text)?.runId ?? text;
  const apply = (state: PartitionState, type: AssetEventType, id: number, rowRunId: unknown, rowTimestamp: () => unknown, event: EventFields | null): void => {
    const runId = runIdOf(String(rowRunId ?? event?.runId() ?? ''));
    const timestamp = event?.timestamp !== null && event?.timestamp !== undefined ? event.timestamp * 1000 : (storedTime(rowTimestamp()) ?? 0);
    switch (type) {
      case 'ASSET_MATERIALIZATION':
      case 'ASSET_OBSERVATION': {
        const p = event?.provenance ?? provenanceOf({});
        const names = namesOf(p.inputDataVersions);
        // `{ ...pointer, ...provenance }`, written out; the fields bulk staleness reads come first
        // (they share the object's first cache line).
        const record: MaterializationRecord = {
          storageId: id,
          timestamp,
          dataVersion: p.dataVersion,
          codeVersion: p.codeVersion !== null && p.codeVersion === runId ? runId : p.codeVersion,
          inputNames: names,
          // Given its place in the column when the states are laid out, below.
          inputPointerAt: -1,
          runId,
          dataVersionIsUserProvided: p.dataVersionIsUserProvided,
          inputDataVersions: p.inputDataVersions,
          inputEventPointers: p.inputEventPointers,
        };
        if (type === 'ASSET_MATERIALIZATION') state.lastMaterialization = record;
        else state.lastObservation = record;
        break;
      }
      case 'ASSET_MATERIALIZATION_PLANNED':
        state.lastPlanned = { storageId: id, timestamp, runId };
        break;
      case 'ASSET_FAILED_TO_MATERIALIZE':
        // A skipped step or a user's termination is not a failed partition in Dagster.
        if (!skippedFailureReasons.has(event?.failureReason ?? '')) state.lastFailure = { storageId: id, timestamp, runId } satisfies EventPointer;
        break;
    }
  };

  // 1. The latest event id of each asset, type and partition, grouped on the (asset_key,
  // dagster_event_type, partition, id) index Dagster creates: no sort, no table reads. Rows come asset
  // by asset; each asset's partitions are listed in (partition, type) order, the order in which they
  // are first seen when grouping by asset, partition and type.
  const latest = new LatestEvents();
  const partitionKeys = new Map<string, string>();
  const unpartitionedPlans = new Set<string>();
  let group: { raw: unknown; partition: string | null; type: number; id: number }[] = [];
  let groupKey: string | null = null;
  let keyBytes = new Uint8Array(256);
  let keyLength = -1;
  const flush = (): void => {
    if (groupKey === null) return;
    if (group.length > 1) group.sort((a, b) => compareSqlValues(a.raw, b.raw) || a.type - b.type);
    for (const g of group) {
      const state = stateOf(groupKey, g.partition);
      if (state) latest.add(g.id, state, g.type);
    }
    group = [];
  };
  // Type codes in the text order of the type names: FAILED < MATERIALIZATION < PLANNED < OBSERVATION.
  await eachRow(
    index,
    `SELECT e.asset_key, e.partition, CASE e.dagster_event_type WHEN 'ASSET_FAILED_TO_MATERIALIZE' THEN 0 WHEN 'ASSET_MATERIALIZATION' THEN 1
       WHEN 'ASSET_MATERIALIZATION_PLANNED' THEN 2 ELSE 3 END, MAX(e.id), COUNT(*)
     FROM event_logs e WHERE +e.dagster_event_type IN ${assetTypes} AND e.asset_key IS NOT NULL ${wipeFilter}
     GROUP BY e.asset_key, e.dagster_event_type, e.partition`,
    (row) => {
      // An asset's rows come together: its key is decoded once.
      const bytes = row.utf8?.(0);
      let assetKey: string;
      if (bytes && groupKey !== null && bytes.length === keyLength && bytes.every((b, i) => b === keyBytes[i])) assetKey = groupKey;
      else {
        assetKey = String(row.value(0));
        if (bytes) {
          if (bytes.length > keyBytes.length) keyBytes = new Uint8Array(bytes.length * 2);
          keyBytes.set(bytes);
        }
        keyLength = bytes ? bytes.length : -1;
      }
      if (assetKey !== groupKey) {
        flush();
        groupKey = assetKey;
      }
      const type = Number(row.value(2));
      const raw = row.value(1);
      let partition = raw === null || raw === undefined ? null : String(raw);
      if (partition !== null) {
        // One string per partition key, shared by the assets that have it.
        const known = partitionKeys.get(partition);
        if (known === undefined) partitionKeys.set(partition, partition);
        else partition = known;
      }
      if (type === 1) counts.set(assetKey, (counts.get(assetKey) ?? 0) + Number(row.value(4)));
      if (type === 2 && partition === null) {
        unpartitionedPlans.add(assetKey); // resolved per run below
        return;
      }
      group.push({ raw, partition, type, id: Number(row.value(3)) });
    },
  );
  flush();

  // 2. Those events, read in id order (the table's order, so pages are read in runs), each scanned
  // in place for the fields kept. Consecutive events mostly belong to one run: its id is decoded once.
  let runBytes = new Uint8Array(64);
  let runLength = -1;
  let runValue: unknown = null;
  const runColumn = (row: RowReader): unknown => {
    const bytes = row.utf8?.(1);
    if (!bytes) return row.value(1);
    if (bytes.length === runLength && bytes.every((b, i) => b === runBytes[i])) return runValue;
    if (bytes.length > runBytes.length) runBytes = new Uint8Array(bytes.length * 2);
    runBytes.set(bytes);
    runLength = bytes.length;
    runValue = row.value(1);
    return runValue;
  };
  await latest.read(index, (state, type, id, row) => apply(state, typeNames[type] as AssetEventType, id, runColumn(row), () => row.value(2), eventOf(row, 3, type === 1 || type === 3)));

  // Planned events without a partition (all of them before Dagster 1.0): the run's partition tag says.
  if (unpartitionedPlans.size) {
    const keys = [...unpartitionedPlans].map((k) => `'${k.replace(/'/g, "''")}'`).join(', ');
    const grouped: { assetKey: string; runId: unknown; id: number }[] = [];
    await eachRow(
      index,
      `SELECT e.asset_key AS asset_key, e.run_id AS run_id, MAX(e.id) AS id FROM event_logs e
       WHERE e.dagster_event_type = 'ASSET_MATERIALIZATION_PLANNED' AND e.partition IS NULL AND e.asset_key IN (${keys}) ${wipeFilter}
       GROUP BY e.asset_key, e.run_id`,
      (row) => grouped.push({ assetKey: String(row.value(0)), runId: row.value(1), id: Number(row.value(2)) }),
    );
    // In the order of grouping by asset and run.
    grouped.sort((a, b) => compareSqlValues(a.assetKey, b.assetKey) || compareSqlValues(a.runId, b.runId));
    const plannedByRun = new Map<string, LatestRow>();
    const planned: LatestRow[] = [];
    for (const row of grouped) {
      const partition = runRecords.get(String(row.runId))?.partition ?? null;
      const slot = `${row.assetKey}\u0000${partition ?? '\u0001'}`;
      const existing = plannedByRun.get(slot);
      if (!existing) {
        const entry: LatestRow = { assetKey: row.assetKey, partition, type: 'ASSET_MATERIALIZATION_PLANNED', id: row.id };
        plannedByRun.set(slot, entry);
        planned.push(entry);
      } else if (row.id > existing.id) existing.id = row.id;
    }
    const events = new Map<number, { runId: unknown; timestamp: unknown; event: unknown }>();
    for (let i = 0; i < planned.length; i += 500) {
      // Ids are integers from the grouped query above, written into the statement as such.
      const ids = planned.slice(i, i + 500).map((l) => String(Math.trunc(l.id)));
      await eachRow(index, `SELECT id, run_id, timestamp, event FROM event_logs WHERE id IN (${ids.join(',')})`, (row) =>
        events.set(Number(row.value(0)), { runId: row.value(1), timestamp: row.value(2), event: row.value(3) }),
      );
    }
    for (const l of planned) {
      const row = events.get(l.id);
      const state = row ? stateOf(l.assetKey, l.partition) : null;
      if (row && state) apply(state, l.type, l.id, row.runId, () => row.timestamp, fieldsOf(readAssetEvent(typeof row.event === 'string' ? row.event : null), false));
    }
  }

  // Each asset's partition states and records are made again, asset by asset, so that they lie
  // together in memory, their pointers in a new column in the same order: records were made in id
  // order (the table's), one asset's scattered among every other's, and bulk staleness walks them
  // asset by asset (at a million records, twice as fast laid out this way).
  // A number array that has held NaN keeps unboxed doubles.
  const column: number[] = [NaN];
  column.pop();
  const relaid = (r: MaterializationRecord | null): MaterializationRecord | null => {
    if (r === null) return null;
    const at = column.length;
    const pointers = r.inputEventPointers;
    for (const name of r.inputNames) column.push(Object.prototype.hasOwnProperty.call(pointers, name) ? (pointers[name] ?? NaN) : NaN);
    return {
      storageId: r.storageId,
      timestamp: r.timestamp,
      dataVersion: r.dataVersion,
      codeVersion: r.codeVersion,
      inputNames: r.inputNames,
      inputPointerAt: at,
      runId: r.runId,
      dataVersionIsUserProvided: r.dataVersionIsUserProvided,
      inputDataVersions: r.inputDataVersions,
      inputEventPointers: r.inputEventPointers,
    };
  };
  for (const asset of assets.values()) {
    const partitions = new Map<string | null, PartitionState>();
    for (const [partition, s] of asset.partitions) {
      partitions.set(partition, {
        partition: s.partition,
        status: partitionStatus(s, runRecords),
        lastMaterialization: relaid(s.lastMaterialization),
        lastObservation: relaid(s.lastObservation),
        lastPlanned: s.lastPlanned,
        lastFailure: s.lastFailure,
      });
    }
    asset.partitions = partitions;
    // Made now, while the states just made are at hand (bulk staleness reads these, not the objects).
    statusColumns(partitions);
  }
  for (const stored of counts.keys()) assetOf(stored);

  const runsByStatus: Record<string, number> = {};
  for (const run of runRecords.values()) runsByStatus[run.status] = (runsByStatus[run.status] ?? 0) + 1;
  return { assets, runs: runRecords, runsByStatus, dynamicPartitions: await readDynamicPartitions(index), inputPointerColumn: column };
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
