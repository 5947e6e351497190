import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inputChangesOf, type InputChange } from '../../../src/core/state/inputChanges';
import type { MaterializationRecord, PartitionState } from '../../../src/core/state/instanceState';
import { readLocalInstance } from '../../../src/core/state/localInstance';
import { InstanceReadError } from '../../../src/core/state/sqlite/sqliteFile';

/**
 * Real Dagster instances (SQLite written by Dagster 0.14, 1.7 and 1.12; see the fixtures' README),
 * read in place, compared with the `expected.json` derived from them with Python's sqlite3.
 */
const root = join(__dirname, '..', '..', 'fixtures', 'dagster-instances');
const instances = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

interface ExpectedPartition {
  inputs_changed: { upstream: string; upstream_partitioned: boolean; pointer: number; upstream_partitions_changed_after_pointer?: string[] }[];
  last_materialized_ts: number;
  last_storage_id: number;
  last_run_id: string;
  data_version: string | null;
  code_version: string | null;
  input_data_versions: Record<string, string>;
  input_event_pointers: Record<string, number | null>;
}
interface ExpectedAsset {
  materializations: number;
  partitioned: boolean;
  partitions: Record<string, ExpectedPartition>;
  failed_partitions: string[];
  failed_partitions_from_runs: string[];
  in_progress_partitions_from_runs: string[];
  last_observed_at: string | null;
  last_observed_data_version: string | null;
}
interface Expected {
  assets: Record<string, ExpectedAsset>;
  runs: Record<string, number>;
}

const partitionName = (p: string | null): string => p ?? '__none__';

function withStatus(partitions: Map<string | null, PartitionState>, status: PartitionState['status']): string[] {
  return [...partitions.values()].filter((p) => p.status === status).map((p) => partitionName(p.partition)).sort();
}

describe('real Dagster instances', () => {
  assert.ok(instances.length >= 3, 'the three fixture instances are present');
  for (const name of instances) {
    test(`${name}: every asset, partition, provenance and run count of expected.json`, async () => {
      const expected = JSON.parse(readFileSync(join(root, name, 'expected.json'), 'utf8')) as Expected;
      const state = await readLocalInstance(join(root, name), { inputChanges: true });
      assert.deepEqual(state.runsByStatus, expected.runs);
      const materializedAssets = Object.entries(expected.assets).filter(([, a]) => a.materializations > 0 || Object.keys(a.partitions).length > 0);
      for (const [key, want] of materializedAssets) {
        const asset = state.assets.get(key);
        assert.ok(asset, `asset ${key}`);
        assert.equal(asset.materializations, want.materializations, `${key} materializations`);
        const materialized = [...asset.partitions.values()].filter((p) => p.lastMaterialization);
        assert.deepEqual(materialized.map((p) => partitionName(p.partition)).sort(), Object.keys(want.partitions).sort(), `${key} partitions`);
        for (const [partition, w] of Object.entries(want.partitions)) {
          const got: MaterializationRecord | null | undefined = asset.partitions.get(partition === '__none__' ? null : partition)?.lastMaterialization;
          assert.ok(got, `${key} ${partition}`);
          const where = `${key} ${partition}`;
          assert.equal(got.storageId, w.last_storage_id, `${where} storage id`);
          assert.equal(got.runId, w.last_run_id, `${where} run id`);
          assert.equal(Math.round(got.timestamp), Math.round(w.last_materialized_ts * 1000), `${where} time`);
          assert.equal(got.dataVersion, w.data_version, `${where} data version`);
          assert.equal(got.codeVersion, w.code_version, `${where} code version`);
          assert.deepEqual(got.inputDataVersions, w.input_data_versions, `${where} input data versions`);
          assert.deepEqual(got.inputEventPointers, w.input_event_pointers, `${where} input event pointers`);
          const changes: InputChange[] = state.inputHistories ? inputChangesOf(got, state.inputHistories) : [];
          assert.deepEqual(
            changes.map((c) => ({ upstream: c.upstream, upstream_partitioned: c.upstreamPartitioned, pointer: c.pointer, upstream_partitions_changed_after_pointer: c.changedPartitions })),
            w.inputs_changed.map((c) => ({ ...c, upstream_partitions_changed_after_pointer: c.upstream_partitions_changed_after_pointer ?? [] })),
            `${where} inputs changed`,
          );
        }
        assert.deepEqual(withStatus(asset.partitions, 'failed'), [...new Set([...want.failed_partitions, ...want.failed_partitions_from_runs])].sort(), `${key} failed`);
        assert.deepEqual(withStatus(asset.partitions, 'in_progress'), [...want.in_progress_partitions_from_runs].sort(), `${key} in progress`);
        const observations = [...asset.partitions.values()].map((p) => p.lastObservation).filter((o) => o !== null);
        const latestObservation = observations.sort((a, b) => b.storageId - a.storageId)[0] ?? null;
        assert.equal(latestObservation ? new Date(latestObservation.timestamp).toISOString().slice(0, 23) : null, want.last_observed_at?.slice(0, 23) ?? null, `${key} last observed`);
      }
      // Assets the instance knows only from planned runs still appear, with nothing materialized.
      for (const key of state.assets.keys()) assert.ok(key in expected.assets, `unexpected asset ${key}`);
      // Nothing was written next to the databases.
      const files = readdirSync(join(root, name, 'history', 'runs'));
      assert.deepEqual(files.filter((f) => /-(wal|shm|journal)$|\.lock$/.test(f)), []);
    });
  }
});

describe('databases that cannot be read', () => {
  function instanceWith(index: Buffer | string | null): string {
    const home = mkdtempSync(join(tmpdir(), 'al-instance-'));
    mkdirSync(join(home, 'history', 'runs'), { recursive: true });
    if (index !== null) writeFileSync(join(home, 'history', 'runs', 'index.db'), index);
    return home;
  }

  test('a folder without storage, an empty file, text, and a truncated database give clear errors', async () => {
    const source = readFileSync(join(root, 'LachlanJW__dagster_university', 'history', 'runs', 'index.db'));
    const cases: [Buffer | string | null, RegExp][] = [
      [null, /not a Dagster instance with SQLite storage: history\/runs\/index\.db is missing/],
      ['', /no such table: event_logs|not a SQLite database|cannot be opened/],
      ['this is not a database at all, just some text that is long enough to fill a header.....', /not a SQLite database/],
      [source.subarray(0, 8192), /malformed/],
    ];
    for (const [content, message] of cases) {
      const home = instanceWith(content);
      try {
        await assert.rejects(readLocalInstance(home), (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, message);
          return true;
        });
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
  });

  test('a database a writer holds mid-transaction is reported as locked after retries', async () => {
    const home = instanceWith(null);
    try {
      const index = join(home, 'history', 'runs', 'index.db');
      copyFileSync(join(root, 'LachlanJW__dagster_university', 'history', 'runs', 'index.db'), index);
      writeFileSync(`${index}-journal`, Buffer.alloc(512, 1));
      await assert.rejects(readLocalInstance(home), (error: unknown) => {
        assert.ok(error instanceof InstanceReadError);
        assert.match(error.message, /locked/);
        return true;
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});


describe('failed and running partitions, written the way Dagster writes them', () => {
  /**
   * A copy of a real instance to which a Python sqlite3 writer (what Dagster itself uses) adds, in
   * WAL mode: a planned materialization of `trips_by_week` 2023-03-19 in a run that FAILED, one of
   * 2023-03-12 in a run still STARTED, and an ASSET_FAILED_TO_MATERIALIZE of `taxi_trips` 2023-02-01.
   * The new rows stay in the -wal (no checkpoint), so reading them also proves the WAL is read.
   */
  test('a newer planned event of a failed run is failed, of a running run in progress, an explicit failure is failed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'al-instance-'));
    try {
      mkdirSync(join(home, 'history', 'runs'), { recursive: true });
      const source = join(root, 'LachlanJW__dagster_university', 'history');
      copyFileSync(join(source, 'runs', 'index.db'), join(home, 'history', 'runs', 'index.db'));
      copyFileSync(join(source, 'runs.db'), join(home, 'history', 'runs.db'));
      const script = `
import json, sqlite3, sys
home = sys.argv[1]
def planned(key, partition):
    return json.dumps({"__class__": "EventLogEntry", "dagster_event": {"__class__": "DagsterEvent", "event_specific_data": {"__class__": "AssetMaterializationPlannedData", "asset_key": {"__class__": "AssetKey", "path": [key]}, "partition": partition, "partitions_subset": None}, "event_type_value": "ASSET_MATERIALIZATION_PLANNED", "logging_tags": {}, "message": "", "pid": None, "pipeline_name": "__ASSET_JOB_0", "solid_handle": None, "step_handle": None, "step_key": key, "step_kind_value": None}, "error_info": None, "level": 10, "message": "", "pipeline_name": "__ASSET_JOB_0", "run_id": "", "step_key": key, "timestamp": 1725900000.0, "user_message": ""})
def failed(key, partition):
    return json.dumps({"__class__": "EventLogEntry", "dagster_event": {"__class__": "DagsterEvent", "event_specific_data": {"__class__": "AssetFailedToMaterializeData", "asset_materialization_failure": {"__class__": "AssetMaterializationFailure", "asset_key": {"__class__": "AssetKey", "path": [key]}, "description": None, "metadata_entries": [], "partition": partition, "tags": {}, "reason": {"__enum__": "AssetMaterializationFailureReason.COMPUTE_FAILED"}}, "error": None}, "event_type_value": "ASSET_FAILED_TO_MATERIALIZE", "logging_tags": {}, "message": "", "pid": None, "pipeline_name": "__ASSET_JOB_0", "solid_handle": None, "step_handle": None, "step_key": key, "step_kind_value": None}, "error_info": None, "level": 10, "message": "", "pipeline_name": "__ASSET_JOB_0", "run_id": "", "step_key": key, "timestamp": 1725900001.0, "user_message": ""})
runs = sqlite3.connect(home + "/history/runs.db")
runs.execute("PRAGMA wal_autocheckpoint=0")
for run_id, status in [("run-failed", "FAILURE"), ("run-going", "STARTED"), ("run-explicit", "FAILURE")]:
    runs.execute("INSERT INTO runs (run_id, pipeline_name, status, run_body, create_timestamp, update_timestamp) VALUES (?, '__ASSET_JOB_0', ?, '{}', '2024-09-10 00:00:00', '2024-09-10 00:00:00')", (run_id, status))
runs.commit()
index = sqlite3.connect(home + "/history/runs/index.db")
index.execute("PRAGMA wal_autocheckpoint=0")
rows = [("run-failed", planned("trips_by_week", "2023-03-19"), "ASSET_MATERIALIZATION_PLANNED", "trips_by_week", "2023-03-19"),
        ("run-going", planned("trips_by_week", "2023-03-12"), "ASSET_MATERIALIZATION_PLANNED", "trips_by_week", "2023-03-12"),
        ("run-explicit", failed("taxi_trips", "2023-02-01"), "ASSET_FAILED_TO_MATERIALIZE", "taxi_trips", "2023-02-01")]
for run_id, event, kind, key, partition in rows:
    index.execute("INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key, asset_key, partition) VALUES (?, ?, ?, '2024-09-10 00:00:00.000000', ?, ?, ?)", (run_id, event, kind, key, json.dumps([key]), partition))
index.commit()
os_exit = getattr(__import__("os"), "_exit")
os_exit(0)  # leave without a checkpoint: the rows stay in the -wal files
`;
      const written = spawnSync('python3', ['-c', script, home], { encoding: 'utf8' });
      assert.equal(written.status, 0, `python3 is needed to write the test instance: ${written.stderr || written.error?.message}`);
      assert.ok(readdirSync(join(home, 'history', 'runs')).includes('index.db-wal'), 'the new rows are in the WAL');
      const state = await readLocalInstance(home);
      const weekly = state.assets.get('trips_by_week');
      assert.equal(weekly?.partitions.get('2023-03-19')?.status, 'failed');
      assert.equal(weekly?.partitions.get('2023-03-19')?.lastFailure?.runId, 'run-failed');
      assert.equal(weekly?.partitions.get('2023-03-12')?.status, 'in_progress');
      assert.equal(weekly?.partitions.get('2023-03-05')?.status, 'materialized');
      assert.equal(state.assets.get('taxi_trips')?.partitions.get('2023-02-01')?.status, 'failed');
      assert.equal(state.assets.get('taxi_trips')?.partitions.get('2023-01-01')?.status, 'materialized');
      assert.equal(state.runsByStatus.STARTED, 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
