import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readInstanceState, type InstanceState, type MaterializationRecord, type PartitionState } from './instanceState';
import { readInputHistories, type InputHistories } from './inputChanges';
import { InstanceReadError, readSqlite } from './sqlite/sqliteFile';

export interface LocalInstance extends InstanceState {
  /** The histories of every upstream a latest materialization read, for asking which inputs have new data since (when asked for). */
  inputHistories: InputHistories | null;
}

/** A Dagster instance folder (`DAGSTER_HOME`) with SQLite storage: its state, read-only. */
export async function readLocalInstance(home: string, options: { inputChanges?: boolean } = {}): Promise<LocalInstance> {
  const index = join(home, 'history', 'runs', 'index.db');
  const runs = join(home, 'history', 'runs.db');
  if (!existsSync(index)) {
    throw new InstanceReadError(`${home} is not a Dagster instance with SQLite storage: history/runs/index.db is missing`, 14);
  }
  return readSqlite(index, async (indexDb) => {
    const state = existsSync(runs) ? await readSqlite(runs, (runsDb) => readInstanceState(indexDb, runsDb)) : await readInstanceState(indexDb, null);
    return { ...state, inputHistories: options.inputChanges ? await readInputHistories(indexDb, state) : null };
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

function recordJson(record: MaterializationRecord | null): unknown {
  if (!record) return null;
  return {
    timestamp: iso(record.timestamp),
    runId: record.runId,
    storageId: record.storageId,
    dataVersion: record.dataVersion,
    codeVersion: record.codeVersion,
    inputDataVersions: record.inputDataVersions,
  };
}

function partitionJson(state: PartitionState): unknown {
  return {
    partition: state.partition,
    status: state.status,
    lastMaterialization: recordJson(state.lastMaterialization),
    lastFailure: state.lastFailure && state.status === 'failed' ? { timestamp: iso(state.lastFailure.timestamp), runId: state.lastFailure.runId } : null,
  };
}

/** The JSON of `asset-lineage state`: assets in key order, partitions in key order (unpartitioned first). */
export function stateJson(state: InstanceState): unknown {
  const assets = [...state.assets.values()]
    .sort((a, b) => (a.key.join('/') < b.key.join('/') ? -1 : 1))
    .map((asset) => ({
      key: asset.key,
      partitions: [...asset.partitions.values()]
        .sort((a, b) => (a.partition === b.partition ? 0 : a.partition === null ? -1 : b.partition === null ? 1 : a.partition < b.partition ? -1 : 1))
        .map(partitionJson),
    }));
  return { version: 1, assets, runs: state.runsByStatus };
}
