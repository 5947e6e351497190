import { parseUserKey } from '../model/assetKey';
import { eachRow, storedAssetKeyText, type InstanceDatabase, type InstanceState, type MaterializationRecord } from './instanceState';

/**
 * Which inputs of a materialization have new data since it was made, read from the provenance
 * Dagster stored with it (§5, the DATA cause): the `dagster/input_event_pointer/<up>` tag is the
 * upstream's storage id when the input was loaded. An upstream partition has changed when it has a
 * record after that pointer whose data version differs from its latest record at or before the
 * pointer (Dagster's `_is_dep_updated`). No partition mapping is applied here: which partitions
 * matter is the staleness rules' question, so the histories answer point questions ("did partition
 * p change after pointer P") and listing every changed partition is left to callers that show them.
 */

export interface InputChange {
  upstream: string;
  upstreamPartitioned: boolean;
  pointer: number;
  /** Partitioned upstream: its partitions with a different data version after the pointer. */
  changedPartitions: string[];
  /** Unpartitioned upstream: its current data version, when it differs from the recorded input. */
  currentDataVersion?: string | null;
}

/** One upstream's records (materializations and observations) as read, in any order. */
interface RecordColumns {
  ids: number[];
  partitions: (string | null)[];
  versions: (string | null)[];
}

/**
 * One upstream's materializations and observations by partition (a null partition counts as ''),
 * each partition's records in id order, all in flat arrays: a million records cost three typed
 * arrays, not a million objects.
 */
export class UpstreamHistory {
  readonly partitioned: boolean;
  /** The latest record's data version (what an unpartitioned upstream is now). */
  readonly current: string | null;
  /** The latest record's storage id: nothing changed after a pointer at or past it. */
  readonly lastId: number;
  /** How many records it holds. */
  readonly size: number;
  /** Partition keys in `Array.prototype.sort` order (UTF-16); records of keys[k] are at starts[k]..starts[k+1]-1. */
  private readonly keys: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly starts: Int32Array;
  private readonly ids: Float64Array;
  /** A number per distinct data version (null included): equal versions compare without reading strings. */
  private readonly versions: Int32Array;
  private readonly answers = new Map<number, readonly string[]>();

  constructor(records: RecordColumns) {
    const n = records.ids.length;
    this.size = n;
    let latest = -1;
    for (let i = 0; i < n; i++) if (latest < 0 || (records.ids[i] as number) > (records.ids[latest] as number)) latest = i;
    this.current = latest < 0 ? null : (records.versions[latest] ?? null);
    this.lastId = latest < 0 ? -Infinity : (records.ids[latest] as number);
    this.partitioned = records.partitions.some((p) => p !== null);
    if (!this.partitioned) {
      this.starts = new Int32Array(1);
      this.ids = new Float64Array(0);
      this.versions = new Int32Array(0);
      return;
    }
    // Group by partition with a counting sort, then put each group in id order.
    const groupOf = new Int32Array(n);
    const groups = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = records.partitions[i] ?? '';
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = groups.size));
      groupOf[i] = g;
    }
    this.keys = [...groups.keys()].sort();
    const rankOf = new Int32Array(groups.size);
    this.keys.forEach((key, rank) => {
      rankOf[groups.get(key) as number] = rank;
      this.slots.set(key, rank);
    });
    const starts = new Int32Array(this.keys.length + 1);
    for (let i = 0; i < n; i++) {
      const k = (rankOf[groupOf[i] as number] as number) + 1;
      starts[k] = (starts[k] as number) + 1;
    }
    for (let k = 0; k < this.keys.length; k++) starts[k + 1] = (starts[k + 1] as number) + (starts[k] as number);
    const fill = starts.slice(0, this.keys.length);
    const ids = new Float64Array(n);
    const versions = new Int32Array(n);
    const versionNumbers = new Map<string | null, number>();
    for (let i = 0; i < n; i++) {
      const k = rankOf[groupOf[i] as number] as number;
      const at = fill[k] as number;
      fill[k] = at + 1;
      ids[at] = records.ids[i] as number;
      const version = records.versions[i] ?? null;
      let number = versionNumbers.get(version);
      if (number === undefined) versionNumbers.set(version, (number = versionNumbers.size));
      versions[at] = number;
    }
    for (let k = 0; k < this.keys.length; k++) sortSlice(ids, versions, starts[k] as number, starts[k + 1] as number);
    this.starts = starts;
    this.ids = ids;
    this.versions = versions;
  }

  /** Whether `partition` has a record after `pointer` with a data version other than its latest at or before it. */
  changed(partition: string, pointer: number): boolean {
    if (pointer >= this.lastId) return false;
    const k = this.slots.get(partition);
    return k !== undefined && this.changedAt(k, pointer);
  }

  /** The partitions that changed after `pointer` (see `changed`), sorted; the same frozen array for the same pointer. */
  changedAfter(pointer: number): readonly string[] {
    let answer = this.answers.get(pointer);
    if (!answer) {
      const found: string[] = [];
      if (pointer < this.lastId) for (let k = 0; k < this.keys.length; k++) if (this.changedAt(k, pointer)) found.push(this.keys[k] as string);
      this.answers.set(pointer, (answer = Object.freeze(found)));
    }
    return answer;
  }

  private changedAt(k: number, pointer: number): boolean {
    const first = this.starts[k] as number;
    const last = (this.starts[k + 1] as number) - 1;
    const ids = this.ids;
    if ((ids[last] as number) <= pointer) return false;
    // The latest record at or before the pointer.
    let lo = first;
    let hi = last;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((ids[mid] as number) <= pointer) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi < first || this.versions[hi] !== this.versions[last];
  }
}

/** Sorts ids[from..to) ascending, carrying versions along; rows usually arrive in id order already. */
function sortSlice(ids: Float64Array, versions: Int32Array, from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = (ids[i - 1] as number) <= (ids[i] as number);
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => (ids[a] as number) - (ids[b] as number));
  const sortedIds = order.map((i) => ids[i] as number);
  const sortedVersions = order.map((i) => versions[i] as number);
  for (let i = 0; i < order.length; i++) {
    ids[from + i] = sortedIds[i] as number;
    versions[from + i] = sortedVersions[i] as number;
  }
}

/** By upstream user key: its history. */
export type InputHistories = ReadonlyMap<string, UpstreamHistory>;

/** The histories of every upstream a latest materialization points at, read in a few grouped queries (500 keys each). */
export async function readInputHistories(index: InstanceDatabase, state: InstanceState): Promise<InputHistories> {
  const upstreams = new Set<string>();
  // Partition keys are the state's own strings: the staleness walk looks a child's partition up in
  // its parent's history, and the same string object is found without comparing characters.
  const partitionKeys = new Map<string, string>();
  for (const asset of state.assets.values()) {
    for (const [key, partition] of asset.partitions) {
      if (key !== null) partitionKeys.set(key, key);
      const pointers = partition.lastMaterialization?.inputEventPointers;
      if (pointers) for (const upstream in pointers) if (Object.prototype.hasOwnProperty.call(pointers, upstream) && pointers[upstream] !== null) upstreams.add(upstream);
    }
  }
  const tagsTable = (await index.columns('asset_event_tags')) !== null;
  const version = tagsTable
    ? `(SELECT t.value FROM asset_event_tags t WHERE t.event_id = e.id AND t.key = 'dagster/data_version')`
    : `json_extract(e.event, '$.dagster_event.event_specific_data.materialization.tags."dagster/data_version"')`;
  const storedOf = new Map<string, string>();
  for (const upstream of upstreams) storedOf.set(upstream, storedAssetKeyText(parseUserKey(upstream)));
  const columns = new Map<string, RecordColumns>();
  for (const stored of storedOf.values()) columns.set(stored, { ids: [], partitions: [], versions: [] });
  const stored = [...columns.keys()];
  for (let i = 0; i < stored.length; i += 500) {
    const keys = stored
      .slice(i, i + 500)
      .map((k) => `'${k.replace(/'/g, "''")}'`)
      .join(', ');
    await eachRow(
      index,
      `SELECT e.asset_key, e.id, e.partition, ${version} FROM event_logs e
       WHERE e.asset_key IN (${keys}) AND e.dagster_event_type IN ('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION')`,
      (row) => {
        const into = columns.get(String(row.value(0)));
        if (!into) return;
        const partition = row.value(2);
        const v = row.value(3);
        into.ids.push(Number(row.value(1)));
        const text = partition === null || partition === undefined ? null : String(partition);
        into.partitions.push(text === null ? null : (partitionKeys.get(text) ?? text));
        into.versions.push(v === null || v === undefined ? null : String(v));
      },
    );
  }
  const out = new Map<string, UpstreamHistory>();
  const built = new Map<string, UpstreamHistory>();
  for (const [upstream, key] of storedOf) {
    let history = built.get(key);
    if (!history) {
      built.set(key, (history = new UpstreamHistory(columns.get(key) as RecordColumns)));
      columns.delete(key);
    }
    out.set(upstream, history);
  }
  return out;
}

/** Whether an unpartitioned upstream's current version differs from the one recorded (`INITIAL` against no record is unchanged, §5). */
export function unpartitionedInputChanged(recorded: string | null, current: string | null): boolean {
  return !(current === recorded || (recorded === 'INITIAL' && current === null));
}

/** The inputs of one materialization with new data since it was made, each with every changed partition listed. */
export function inputChangesOf(record: MaterializationRecord, histories: InputHistories): InputChange[] {
  const changes: InputChange[] = [];
  for (const [upstream, pointer] of Object.entries(record.inputEventPointers)) {
    if (pointer === null) continue;
    const history = histories.get(upstream);
    if (!history) continue;
    if (history.partitioned) {
      const changed = history.changedAfter(pointer);
      if (changed.length) changes.push({ upstream, upstreamPartitioned: true, pointer, changedPartitions: [...changed] });
    } else if (unpartitionedInputChanged(record.inputDataVersions[upstream] ?? null, history.current)) {
      changes.push({ upstream, upstreamPartitioned: false, pointer, changedPartitions: [], currentDataVersion: history.current });
    }
  }
  return changes;
}
