import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * `partitions`, `impact` and `conformance` on the bundled example, through the built CLI as a user
 * runs them. Every `--now` is fixed so the expected keys are exact.
 */
const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(...args: string[]): Record<string, unknown> {
  const result = run(...args);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

test('partitions: a daily asset at a fixed time lists the complete days only', () => {
  // Daily from 2024-01-01; at noon on 1 March the day in progress is not a partition yet.
  const out = json('partitions', 'examples/harbor', '--asset', 'raw/voyages', '--now', '2024-03-01T12:00:00Z', '--limit', '3', '--format', 'json');
  assert.deepEqual(out.asset, ['raw', 'voyages']);
  assert.equal((out.definition as { type: string }).type, 'daily');
  assert.equal(out.count, 31 + 29, 'January and a leap-year February');
  assert.equal(out.first, '2024-01-01');
  assert.equal(out.last, '2024-02-29');
  assert.deepEqual(out.keys, ['2024-01-01', '2024-01-02', '2024-01-03']);
});

test('partitions: hourly keys use the hourly format, the hour in progress excluded', () => {
  const out = json('partitions', 'examples/harbor', '--asset', 'raw/vessel_positions', '--now', '2024-06-02T05:30:00Z');
  assert.equal(out.count, 24 + 5);
  assert.equal(out.first, '2024-06-01-00:00');
  assert.equal(out.last, '2024-06-02-04:00');
});

test('partitions: a multi-partitioned asset counts the product and orders date first', () => {
  const out = json('partitions', 'examples/harbor', '--asset', 'raw/container_moves', '--now', '2024-01-03T00:00:00Z', '--limit', '5');
  assert.equal(out.count, 2 * 4);
  assert.deepEqual(out.keys, ['2024-01-01|rotterdam', '2024-01-01|singapore', '2024-01-01|shanghai', '2024-01-01|los_angeles', '2024-01-02|rotterdam']);
  assert.equal(out.last, '2024-01-02|los_angeles');
});

test('partitions: dynamic partitions are reported as unknown until a state source supplies them', () => {
  const out = json('partitions', 'examples/harbor', '--asset', 'raw/vessel_profiles');
  assert.equal(out.count, null);
  assert.match(String(out.unknown), /vessels/);
  assert.deepEqual(out.keys, []);
});

test('impact: a range of one port through multi, static, unpartitioned and weekly dependents', () => {
  const out = json(
    'impact', 'examples/harbor',
    '--asset', 'raw/container_moves',
    '--partitions', '2024-03-01|rotterdam...2024-03-05|rotterdam',
    '--now', '2025-01-01T00:00:00Z',
    '--format', 'json',
  ) as { source: { asset: string[]; count: number }; impacted: { asset: string[]; depth: number; count: number; ranges?: string[][]; keys?: string[]; partitioned?: boolean; path: string[][] }[] };
  assert.deepEqual(out.source, { asset: ['raw', 'container_moves'], count: 5, ranges: [['2024-03-01|rotterdam', '2024-03-05|rotterdam']] });
  const byKey = new Map(out.impacted.map((i) => [i.asset.join('/'), i]));
  // start_offset=-1 on the date dimension: 6 March reads 5 March.
  const dwell = byKey.get('analytics/congestion/container_dwell');
  assert.deepEqual([dwell?.depth, dwell?.count, dwell?.ranges], [1, 6, [['2024-03-01|rotterdam', '2024-03-06|rotterdam']]]);
  assert.equal(dwell?.keys, undefined, 'time-based subsets are given as ranges only');
  const throughput = byKey.get('analytics/throughput/daily_port_throughput');
  assert.deepEqual([throughput?.count, throughput?.ranges], [5, [['2024-03-01', '2024-03-05']]]);
  assert.deepEqual(byKey.get('analytics/throughput/port_throughput_by_port')?.keys, ['rotterdam']);
  assert.deepEqual(byKey.get('analytics/throughput/regional_throughput')?.keys, ['europe']);
  assert.deepEqual(byKey.get('analytics/reports/monthly_port_report')?.ranges, [['2024-03-01', '2024-03-01']]);
  assert.equal(byKey.get('stg_container_moves')?.partitioned, false);
  // Behind unpartitioned dbt models every weekly partition of the forecast depends on the change.
  const forecast = byKey.get('analytics/forecast/berth_demand_forecast');
  assert.equal(forecast?.depth, 4);
  assert.equal(forecast?.count, 51);
  assert.deepEqual(forecast?.path, [['raw', 'container_moves'], ['stg_container_moves'], ['marts', 'fct_container_throughput'], ['marts', 'port_kpis'], ['analytics', 'forecast', 'berth_demand_forecast']]);
  const depths = out.impacted.map((i) => i.depth);
  assert.deepEqual(depths, [...depths].sort((a, b) => a - b), 'sorted by depth');
});

test('impact: a list of keys, and all partitions by default', () => {
  const listed = json('impact', 'examples/harbor', '--asset', 'raw/port_calls', '--partitions', '2024-02-10,2024-02-12', '--now', '2024-06-01T00:00:00Z');
  const turnaround = (listed.impacted as { asset: string[]; ranges: string[][] }[]).find((i) => i.asset.join('/') === 'analytics/congestion/turnaround_hours');
  // start_offset=-1: each day reads the day before, so 10, 11, 12 and 13 February are touched.
  assert.deepEqual(turnaround?.ranges, [['2024-02-10', '2024-02-13']]);
  const all = json('impact', 'examples/harbor', '--asset', 'raw/port_calls', '--now', '2024-01-04T00:00:00Z');
  assert.equal((all.source as { count: number }).count, 3);
});

test('impact --format text reads as a tree of counts and ranges', () => {
  const result = run('impact', 'examples/harbor', '--asset', 'raw/container_moves', '--partitions', '2024-03-01|rotterdam...2024-03-05|rotterdam', '--now', '2025-01-01T00:00:00Z', '--format', 'text');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^raw\/container_moves: 5 partitions changed; \d+ downstream assets impacted/);
  assert.match(result.stdout, /analytics\/throughput\/port_throughput_by_port \(depth 1\): 1 partition rotterdam/);
});

test('bad input: unknown asset, unknown partition, bad time', () => {
  const missing = run('partitions', 'examples/harbor', '--asset', 'raw/nope');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no asset 'raw\/nope'/);
  const badKey = run('impact', 'examples/harbor', '--asset', 'raw/voyages', '--partitions', '1999-01-01', '--now', '2024-06-01T00:00:00Z');
  assert.equal(badKey.status, 1);
  assert.match(badKey.stderr, /1999-01-01/);
  const badNow = run('partitions', 'examples/harbor', '--asset', 'raw/voyages', '--now', 'yesterday');
  assert.equal(badNow.status, 1);
  assert.match(badNow.stderr, /--now/);
  const noAsset = run('impact', 'examples/harbor');
  assert.equal(noAsset.status, 2);
  assert.match(noAsset.stderr, /--asset is required/);
});

test('conformance partition-cases prints one result per case in the oracle format', () => {
  const out = json('conformance', 'partition-cases', 'test/fixtures/dagster-oracle/partition-cases.json', '--format', 'json') as { results: { id: string; got: Record<string, unknown> }[] };
  assert.equal(out.results.length, 200);
  const daily = out.results.find((r) => r.id === 'twp-daily-keys');
  assert.deepEqual(daily?.got.keys, ['2021-05-05', '2021-05-06']);
  assert.equal(daily?.got.count, 2);
  const error = out.results.find((r) => r.id === 'sp-static-duplicate');
  assert.equal(error?.got.error, true);
});

test('conformance refuses a file that is not a partition-cases file, with a clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'al-conf-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ schema: 'something-else', cases: [] }));
  const result = run('conformance', 'partition-cases', file);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /not a partition-cases file/);
  const malformed = run('conformance', 'partition-cases', join(dir, 'missing.json'));
  rmSync(dir, { recursive: true, force: true });
  assert.equal(malformed.status, 1);
  assert.match(malformed.stderr, /cannot read/);
});

test('impact: a range may end after now (only existing partitions count) but not start before the definition', () => {
  const out = json('impact', 'examples/harbor', '--asset', 'raw/voyages', '--partitions', '2024-12-30...2025-01-10', '--now', '2025-01-01T00:00:00Z');
  assert.deepEqual(out.source, { asset: ['raw', 'voyages'], count: 2, ranges: [['2024-12-30', '2024-12-31']] });
  const early = run('impact', 'examples/harbor', '--asset', 'raw/voyages', '--partitions', '2023-12-30...2024-01-10', '--now', '2025-01-01T00:00:00Z');
  assert.equal(early.status, 1);
  assert.match(early.stderr, /before the partitions definition start time 2024-01-01/);
});

test('state --instance: the recorded state of a real Dagster instance, and a clear error for a folder that is not one', () => {
  const out = json('state', '--instance', 'test/fixtures/dagster-instances/LachlanJW__dagster_university') as {
    version: number;
    assets: { key: string[]; partitions: { partition: string | null; status: string; lastMaterialization: { storageId: number; runId: string; timestamp: string; dataVersion: string | null } | null }[] }[];
    runs: Record<string, number>;
  };
  assert.equal(out.version, 1);
  assert.deepEqual(out.runs, { FAILURE: 4, SUCCESS: 20 });
  const trips = out.assets.find((a) => a.key.join('/') === 'taxi_trips');
  assert.deepEqual(trips?.partitions.map((p) => [p.partition, p.status, p.lastMaterialization?.storageId]), [
    ['2023-01-01', 'materialized', 47],
    ['2023-02-01', 'materialized', 49],
    ['2023-03-01', 'materialized', 51],
  ]);
  assert.equal(trips?.partitions[0]?.lastMaterialization?.timestamp, '2024-09-09T06:18:19.218Z');
  const missing = run('state', '--instance', 'examples/harbor/harbor');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /not a Dagster instance with SQLite storage/);
});
