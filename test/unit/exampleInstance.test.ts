import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * The example project's Dagster instance (`examples/harbor/.dagster`, found through the example's
 * dagster.yaml) and the staleness it shows, through the built CLI; and the committed instance is
 * exactly what its description builds.
 */
const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'cli.js');

function run(command: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Report {
  asset: string[];
  status: { fresh: number; stale: number; missing: number; failed: number };
  stale: { ranges: string[][]; causes: { category: string; reason: string; dependency?: string[] }[] }[];
  failed: { ranges: string[][] };
  impacted: { ranges: string[][]; upstream: string[][] }[];
}

test('stale examples/harbor: stale, failed, impacted and missing partitions from the bundled instance', () => {
  const result = run(process.execPath, cli, 'stale', 'examples/harbor', '--now', '2025-01-02T00:00:00Z', '--format', 'json');
  assert.equal(result.status, 0, result.stderr);
  const reports = new Map((JSON.parse(result.stdout) as { assets: Report[] }).assets.map((r) => [r.asset.join('/'), r]));
  // 28 December's voyages were corrected with a new data version after port_calls read them.
  const calls = reports.get('raw/port_calls');
  assert.deepEqual(calls?.status, { fresh: 29, stale: 1, missing: 366 - 30, failed: 1 });
  assert.deepEqual(calls?.stale, [{ count: 1, ranges: [['2024-12-28', '2024-12-28']], causes: [{ category: 'DATA', reason: 'has a new dependency data version', dependency: ['raw', 'voyages'] }] }]);
  // The index was computed with code version 0; the code says 1 now.
  assert.deepEqual(reports.get('analytics/congestion/weekly_congestion_index')?.stale, [
    { count: 4, ranges: [['2024-12-01', '2024-12-22']], causes: [{ category: 'CODE', reason: 'has a new code version' }] },
  ]);
  // Fresh by Dagster's rules, but reading the stale 28th and the failed 30th (start_offset=-1 reads the day before too).
  assert.deepEqual(reports.get('analytics/congestion/turnaround_hours')?.impacted, [{ count: 4, ranges: [['2024-12-28', '2024-12-31']], upstream: [['raw', 'port_calls']] }]);
  assert.deepEqual(calls?.failed, { ranges: [['2024-12-30', '2024-12-30']] });
  assert.equal(reports.get('analytics/congestion/turnaround_hours')?.status.stale, 0, 'staleness does not travel downstream in Dagster');
  assert.deepEqual(reports.get('raw/vessel_positions')?.status, { fresh: 0, stale: 0, missing: 5160, failed: 0 });
});

test('the committed instance is what dagster-instance.yaml builds', () => {
  const out = mkdtempSync(join(tmpdir(), 'al-example-'));
  try {
    const built = run(process.execPath, '--import', 'tsx', join(repo, 'scripts', 'exampleInstance', 'build.ts'), out);
    assert.equal(built.status, 0, built.stderr);
    const state = (home: string): unknown => JSON.parse(run(process.execPath, cli, 'state', '--instance', home).stdout);
    assert.deepEqual(state(out), state(join(repo, 'examples', 'harbor', '.dagster')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
