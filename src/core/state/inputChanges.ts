import { keyToUserString, parseUserKey } from '../model/assetKey';
import { eachRow, storedAssetKeyText, type InstanceDatabase, type InstanceState } from './instanceState';

/**
 * Which inputs of each latest materialization have new data since it was made, read from the
 * provenance Dagster stored with it (§5, the DATA cause): the `dagster/input_event_pointer/<up>`
 * tag is the upstream's storage id when the input was loaded. An upstream partition has changed when
 * it has a record after that pointer whose data version differs from its latest record at or before
 * the pointer. No partition mapping is applied here: which partitions matter is the staleness
 * rules' question.
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

/**
 * One upstream's materializations and observations, in id order, by partition (a null partition
 * counts as ''), for the question "which partitions changed after pointer P", asked for many P.
 */
class UpstreamHistory {
  readonly partitioned: boolean;
  /** The latest record's data version (what an unpartitioned upstream is now). */
  readonly current: string | null;
  /** Partition keys in `Array.prototype.sort` order (UTF-16), with their records' ids and versions in id order. */
  private readonly keys: string[] = [];
  private readonly ids: number[][] = [];
  private readonly versions: (string | null)[][] = [];
  private readonly answers = new Map<number, string[]>();

  constructor(records: { id: number; partition: string | null; version: string | null }[]) {
    records.sort((a, b) => a.id - b.id);
    this.partitioned = records.some((r) => r.partition !== null);
    this.current = records[records.length - 1]?.version ?? null;
    if (!this.partitioned) return;
    const byKey = new Map<string, { ids: number[]; versions: (string | null)[] }>();
    for (const r of records) {
      const key = r.partition ?? '';
      let slot = byKey.get(key);
      if (!slot) byKey.set(key, (slot = { ids: [], versions: [] }));
      slot.ids.push(r.id);
      slot.versions.push(r.version);
    }
    for (const key of [...byKey.keys()].sort()) {
      const slot = byKey.get(key) as { ids: number[]; versions: (string | null)[] };
      this.keys.push(key);
      this.ids.push(slot.ids);
      this.versions.push(slot.versions);
    }
  }

  /**
   * The partitions whose latest record is after `pointer` with a data version other than their
   * latest at or before it (or with none at or before it), sorted; a fresh array each time.
   */
  changedAfter(pointer: number): string[] {
    let answer = this.answers.get(pointer);
    if (!answer) {
      answer = [];
      for (let k = 0; k < this.keys.length; k++) {
        const ids = this.ids[k] as number[];
        const last = ids.length - 1;
        if ((ids[last] as number) <= pointer) continue;
        // The latest record at or before the pointer.
        let lo = 0;
        let hi = last;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if ((ids[mid] as number) <= pointer) lo = mid + 1;
          else hi = mid - 1;
        }
        const versions = this.versions[k] as (string | null)[];
        if (hi < 0 || versions[hi] !== versions[last]) answer.push(this.keys[k] as string);
      }
      this.answers.set(pointer, answer);
    }
    return answer.slice();
  }
}

/** The histories of the given upstreams (user keys), a few hundred keys per query. */
async function readHistories(index: InstanceDatabase, upstreams: string[]): Promise<Map<string, UpstreamHistory>> {
  const tagsTable = (await index.columns('asset_event_tags')) !== null;
  const version = tagsTable
    ? `(SELECT t.value FROM asset_event_tags t WHERE t.event_id = e.id AND t.key = 'dagster/data_version')`
    : `json_extract(e.event, '$.dagster_event.event_specific_data.materialization.tags."dagster/data_version"')`;
  const storedOf = new Map<string, string>();
  for (const upstream of upstreams) storedOf.set(upstream, storedAssetKeyText(parseUserKey(upstream)));
  const records = new Map<string, { id: number; partition: string | null; version: string | null }[]>();
  for (const stored of storedOf.values()) records.set(stored, []);
  const stored = [...records.keys()];
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
        const list = records.get(String(row.value(0)));
        const partition = row.value(2);
        const v = row.value(3);
        list?.push({ id: Number(row.value(1)), partition: partition === null ? null : String(partition), version: v === null || v === undefined ? null : String(v) });
      },
    );
  }
  const out = new Map<string, UpstreamHistory>();
  const built = new Map<string, UpstreamHistory>();
  for (const [upstream, key] of storedOf) {
    let history = built.get(key);
    if (!history) built.set(key, (history = new UpstreamHistory(records.get(key) ?? [])));
    out.set(upstream, history);
  }
  return out;
}

/** By asset user key, then partition (null for unpartitioned): the inputs that changed. */
export async function readInputChanges(index: InstanceDatabase, state: InstanceState): Promise<Map<string, Map<string | null, InputChange[]>>> {
  // Every upstream a latest materialization points at, read in a few grouped queries.
  const upstreams = new Set<string>();
  for (const asset of state.assets.values()) {
    for (const partition of asset.partitions.values()) {
      const pointers = partition.lastMaterialization?.inputEventPointers;
      if (pointers) for (const upstream in pointers) if (Object.prototype.hasOwnProperty.call(pointers, upstream) && pointers[upstream] !== null) upstreams.add(upstream);
    }
  }
  const histories = await readHistories(index, [...upstreams]);
  const out = new Map<string, Map<string | null, InputChange[]>>();
  for (const asset of state.assets.values()) {
    const byPartition = new Map<string | null, InputChange[]>();
    for (const partition of asset.partitions.values()) {
      const record = partition.lastMaterialization;
      if (!record) continue;
      const changes: InputChange[] = [];
      for (const [upstream, pointer] of Object.entries(record.inputEventPointers)) {
        if (pointer === null) continue;
        const history = histories.get(upstream) as UpstreamHistory;
        if (history.partitioned) {
          const changed = history.changedAfter(pointer);
          if (changed.length) changes.push({ upstream, upstreamPartitioned: true, pointer, changedPartitions: changed });
        } else {
          const current = history.current;
          const recorded = record.inputDataVersions[upstream] ?? null;
          // `INITIAL` recorded against no record at all is unchanged (§5).
          const unchanged = current === recorded || (recorded === 'INITIAL' && current === null);
          if (!unchanged) changes.push({ upstream, upstreamPartitioned: false, pointer, changedPartitions: [], currentDataVersion: current });
        }
      }
      byPartition.set(partition.partition, changes);
    }
    if (byPartition.size) out.set(keyToUserString(asset.key), byPartition);
  }
  return out;
}
