import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackfillPlan } from '../../../src/core/backfill/plan';
import type { BackfillRecord, RunRecord } from '../../../src/core/backfill/runner';
import { backfillDescription, commandText, planNumbers, plannedAssetText, plural, runLabel, stepDescription } from '../../../src/core/view/backfillText';

const run = (fields: Partial<RunRecord>): RunRecord => ({
  index: 2,
  assets: [['raw', 'voyages'], ['raw', 'port_calls']],
  partitions: { kind: 'key', key: '2025-01-03' },
  size: 2,
  after: [],
  argv: ['dagster'],
  cwd: '/w',
  env: {},
  state: 'queued',
  exitCode: null,
  attempts: 0,
  startedAt: null,
  endedAt: null,
  message: null,
  ...fields,
});

describe('backfill words', () => {
  test('counts: thousands separators, and irregular plurals where asked', () => {
    assert.equal(plural(1, 'run'), '1 run');
    assert.equal(plural(1024, 'run'), '1,024 runs');
    assert.equal(plural(3, 'entry', 'entries'), '3 entries');
    assert.equal(plural(1, 'entry', 'entries'), '1 entry');
  });

  test('runs are named by number, assets and partitions', () => {
    assert.equal(runLabel(run({})), '3. raw/voyages, raw/port_calls [2025-01-03]');
    assert.equal(runLabel(run({ partitions: { kind: 'range', start: 'a', end: 'b' } })), '3. raw/voyages, raw/port_calls [a...b]');
    assert.equal(runLabel(run({ partitions: null, assets: [['summary']] })), '3. summary');
  });

  test('a step says how it ended', () => {
    assert.equal(stepDescription(run({ state: 'succeeded', exitCode: 0, attempts: 1, startedAt: 0, endedAt: 42_000 })), 'succeeded in 42 s');
    assert.equal(stepDescription(run({ state: 'failed', exitCode: 1, attempts: 3 })), 'failed, exit code 1, 3 attempts');
    assert.equal(stepDescription(run({ state: 'skipped' })), 'skipped');
  });

  test('a backfill sums up its runs', () => {
    const record = { state: 'failed', runs: [run({ state: 'succeeded' }), run({ state: 'failed' }), run({ state: 'skipped' })] } as unknown as BackfillRecord;
    assert.equal(backfillDescription(record), '1 of 3 runs succeeded, 1 failed, 1 not run · failed');
  });

  test('the confirmation repeats the numbers, estimates said for what they cover', () => {
    const plan = { summary: { runs: 132, assets: 10, partitions: 142, estimateMs: 3_420_000, estimatedRuns: 8 } } as BackfillPlan;
    assert.equal(planNumbers(plan), '132 runs, 10 assets, 142 asset partitions (past durations cover 8 of the runs: about 57 min for those)');
    assert.equal(planNumbers({ summary: { runs: 1, assets: 1, partitions: 1, estimateMs: null, estimatedRuns: 0 } } as BackfillPlan), '1 run, 1 asset, 1 asset partition');
    assert.equal(plannedAssetText({ key: ['a'], role: 'root', location: 'l', count: 5, partitions: { ranges: [['1', '2'], ['4', '4'], ['6', '7'], ['9', '9']] }, policy: null }), '5 partitions · 1...2, 4, 6...7, and 1 more ranges');
  });

  test('commands are shown with hostile arguments quoted (they run as argv)', () => {
    assert.equal(commandText({ argv: ['dagster', '--partition', "it's $(x)"] }), `dagster --partition 'it'\\''s $(x)'`);
  });
});
