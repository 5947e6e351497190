import { keyToUserString, parseUserKey } from '../model/assetKey';
import { storedAssetKeyText, type InstanceDatabase, type InstanceState } from './instanceState';

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

interface UpstreamRecord {
  id: number;
  partition: string | null;
  dataVersion: string | null;
}

async function recordsOf(index: InstanceDatabase, storedKey: string, tagsTable: boolean): Promise<UpstreamRecord[]> {
  const key = storedKey.replace(/'/g, "''");
  const version = tagsTable
    ? `(SELECT t.value FROM asset_event_tags t WHERE t.event_id = e.id AND t.key = 'dagster/data_version')`
    : `json_extract(e.event, '$.dagster_event.event_specific_data.materialization.tags."dagster/data_version"')`;
  const rows = await index.all(
    `SELECT e.id AS id, e.partition AS partition, ${version} AS version FROM event_logs e
     WHERE e.asset_key = '${key}' AND e.dagster_event_type IN ('ASSET_MATERIALIZATION', 'ASSET_OBSERVATION') ORDER BY e.id`,
  );
  return rows.map((r) => ({ id: Number(r.id), partition: r.partition === null ? null : String(r.partition), dataVersion: r.version === null || r.version === undefined ? null : String(r.version) }));
}

/** By asset user key, then partition (null for unpartitioned): the inputs that changed. */
export async function readInputChanges(index: InstanceDatabase, state: InstanceState): Promise<Map<string, Map<string | null, InputChange[]>>> {
  const tagsTable = (await index.columns('asset_event_tags')) !== null;
  const history = new Map<string, UpstreamRecord[]>();
  const recordsFor = async (upstream: string): Promise<UpstreamRecord[]> => {
    let records = history.get(upstream);
    if (!records) {
      records = await recordsOf(index, storedAssetKeyText(parseUserKey(upstream)), tagsTable);
      history.set(upstream, records);
    }
    return records;
  };
  const out = new Map<string, Map<string | null, InputChange[]>>();
  for (const asset of state.assets.values()) {
    const byPartition = new Map<string | null, InputChange[]>();
    for (const partition of asset.partitions.values()) {
      const record = partition.lastMaterialization;
      if (!record) continue;
      const changes: InputChange[] = [];
      for (const [upstream, pointer] of Object.entries(record.inputEventPointers)) {
        if (pointer === null) continue;
        const records = await recordsFor(upstream);
        const partitioned = records.some((r) => r.partition !== null);
        if (partitioned) {
          const latestBefore = new Map<string, string | null>();
          const latestAfter = new Map<string, string | null>();
          for (const r of records) {
            const p = r.partition ?? '';
            (r.id <= pointer ? latestBefore : latestAfter).set(p, r.dataVersion);
          }
          const changed = [...latestAfter.entries()].filter(([p, version]) => !latestBefore.has(p) || latestBefore.get(p) !== version).map(([p]) => p);
          if (changed.length) changes.push({ upstream, upstreamPartitioned: true, pointer, changedPartitions: changed.sort() });
        } else {
          const current = records[records.length - 1]?.dataVersion ?? null;
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
