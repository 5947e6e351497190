import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadHistory, saveHistory } from '../../../src/core/backfill/history';
import type { BackfillPlan, PlannedRun } from '../../../src/core/backfill/plan';
import { BackfillRunner, newBackfillRecord, retryFailed, type BackfillOptions, type BackfillRecord, type RunnerClock, type Step, type StepLauncher } from '../../../src/core/backfill/runner';

/** A plan of runs named by their partition, with `after` edges given by index. */
function plan(runs: [string, number[]][]): BackfillPlan {
  const planned = runs.map(([key, after], index): PlannedRun => ({
    index,
    location: 'loc',
    assets: [['a']],
    partitions: { kind: 'key', key },
    size: 1,
    argv: ['dagster', 'asset', 'materialize', '--select', 'a', '--partition', key],
    cwd: '/w',
    after,
    estimateMs: null,
  }));
  return { assets: [], runs: planned, skipped: [], warnings: [], summary: { assets: 1, partitions: runs.length, runs: runs.length, estimateMs: null, estimatedRuns: 0 } };
}

const options: BackfillOptions = { concurrency: 1, stopOnFailure: true, retries: 0, backoffMs: 1000 };

function record(p: BackfillPlan, o: Partial<BackfillOptions> = {}, hooks?: { before?: string[]; after?: string[] }): BackfillRecord {
  return newBackfillRecord(p, { id: 'b1', title: 'a', folder: '/w', createdAt: 0, env: { DAGSTER_HOME: '/w/.dagster' }, options: { ...options, ...o }, ...(hooks ? { hooks } : {}) });
}

/** Exit codes by the last argv element (the partition or the hook's name), one per attempt; 0 after the list ends. */
class FakeLauncher implements StepLauncher {
  readonly started: string[] = [];
  readonly steps: Step[] = [];
  running = 0;
  most = 0;
  constructor(private readonly codes: Record<string, number[]> = {}) {}
  async launch(step: Step): Promise<{ exitCode: number | null }> {
    const name = step.argv.at(-1) as string;
    this.started.push(name);
    this.steps.push(step);
    this.running++;
    this.most = Math.max(this.most, this.running);
    await new Promise((resolve) => setImmediate(resolve));
    this.running--;
    return { exitCode: this.codes[name]?.shift() ?? 0 };
  }
}

function fakeClock(): RunnerClock & { pauses: number[] } {
  let t = 0;
  const pauses: number[] = [];
  return { pauses, now: () => t++, sleep: async (ms) => void pauses.push(ms) };
}

const states = (r: BackfillRecord): string[] => r.runs.map((run) => run.state);

describe('running a backfill', () => {
  test('runs start only after the runs they read from succeeded, never more than the limit', async () => {
    const launcher = new FakeLauncher();
    const p = plan([['d1', []], ['d2', []], ['d3', []], ['sum', [0, 1, 2]], ['d4', []]]);
    const done = await new BackfillRunner(record(p, { concurrency: 2 }), launcher, undefined, fakeClock()).run();
    assert.equal(done.state, 'succeeded');
    assert.equal(launcher.most, 2);
    // Ignoring `after`, sum (run 4) would start before d4 (run 5).
    assert.deepEqual(launcher.started, ['d1', 'd2', 'd3', 'd4', 'sum']);
    assert.deepEqual(launcher.steps[0]?.env, { DAGSTER_HOME: '/w/.dagster' });
    assert.deepEqual(launcher.steps[0]?.argv, ['dagster', 'asset', 'materialize', '--select', 'a', '--partition', 'd1']);
  });

  test('stop on failure: nothing new starts after a run fails', async () => {
    const launcher = new FakeLauncher({ d2: [1] });
    const done = await new BackfillRunner(record(plan([['d1', []], ['d2', []], ['d3', []]])), launcher, undefined, fakeClock()).run();
    assert.deepEqual(launcher.started, ['d1', 'd2']);
    assert.deepEqual(states(done), ['succeeded', 'failed', 'skipped']);
    assert.equal(done.runs[1]?.exitCode, 1);
    assert.equal(done.runs[2]?.message, 'not started: the backfill stopped after run 2 failed');
    assert.equal(done.state, 'failed');
  });

  test('continue on failure: runs that do not need the failed one go on; those that do are skipped with the reason', async () => {
    const launcher = new FakeLauncher({ d1: [2] });
    const done = await new BackfillRunner(record(plan([['d1', []], ['d2', []], ['after-d1', [0]]]), { stopOnFailure: false }), launcher, undefined, fakeClock()).run();
    assert.deepEqual(launcher.started, ['d1', 'd2']);
    assert.deepEqual(states(done), ['failed', 'succeeded', 'skipped']);
    assert.equal(done.runs[2]?.message, 'not started: it reads partitions of run 1, which failed');
  });

  test('failed runs are tried again after pauses that double, up to the number of retries', async () => {
    const clock = fakeClock();
    const launcher = new FakeLauncher({ d1: [1, 1, 0], d2: [3, 3, 3] });
    const done = await new BackfillRunner(record(plan([['d1', []], ['d2', []]]), { retries: 2, backoffMs: 5000, stopOnFailure: false }), launcher, undefined, clock).run();
    assert.deepEqual(launcher.started, ['d1', 'd1', 'd1', 'd2', 'd2', 'd2']);
    assert.deepEqual(clock.pauses, [5000, 10000, 5000, 10000]);
    assert.deepEqual(states(done), ['succeeded', 'failed']);
    assert.equal(done.runs[0]?.attempts, 3);
    assert.equal(done.runs[1]?.message, 'exit code 3 (after 3 attempts)');
  });

  test('Retry Failed runs only what did not succeed', async () => {
    const first = await new BackfillRunner(record(plan([['d1', []], ['d2', []], ['d3', [1]]])), new FakeLauncher({ d2: [1] }), undefined, fakeClock()).run();
    assert.deepEqual(states(first), ['succeeded', 'failed', 'skipped']);
    const launcher = new FakeLauncher();
    const second = await new BackfillRunner(retryFailed(first), launcher, undefined, fakeClock()).run();
    assert.deepEqual(launcher.started, ['d2', 'd3']);
    assert.deepEqual(states(second), ['succeeded', 'succeeded', 'succeeded']);
    assert.equal(second.state, 'succeeded');
  });

  test('hooks: the after hook runs only when every run succeeded; a failing before hook starts nothing', async () => {
    const hooks = { before: ['git', 'branch', 'before'], after: ['git', 'merge', 'after'] };
    const ok = new FakeLauncher();
    await new BackfillRunner(record(plan([['d1', []]]), {}, hooks), ok, undefined, fakeClock()).run();
    assert.deepEqual(ok.started, ['before', 'd1', 'after']);
    const failing = new FakeLauncher({ d1: [1] });
    const partial = await new BackfillRunner(record(plan([['d1', []]]), {}, hooks), failing, undefined, fakeClock()).run();
    assert.deepEqual(failing.started, ['before', 'd1']);
    assert.equal(partial.hooks[1]?.state, 'skipped');
    const blocked = new FakeLauncher({ before: [1] });
    const none = await new BackfillRunner(record(plan([['d1', []]]), {}, hooks), blocked, undefined, fakeClock()).run();
    assert.deepEqual(blocked.started, ['before']);
    assert.deepEqual(states(none), ['skipped']);
    assert.deepEqual(none.hooks.map((h) => h.state), ['failed', 'skipped'], 'the after hook is settled too, not left queued');
  });

  test('cancel kills what runs and starts nothing else', async () => {
    let runner: BackfillRunner | null = null;
    const launcher: StepLauncher = {
      launch: (step, signal) =>
        new Promise((resolve) => {
          if (step.argv.at(-1) === 'd1') queueMicrotask(() => runner?.cancel());
          signal.addEventListener('abort', () => resolve({ exitCode: null }));
        }),
    };
    runner = new BackfillRunner(record(plan([['d1', []], ['d2', []]])), launcher, undefined, fakeClock());
    const done = await runner.run();
    assert.equal(done.state, 'cancelled');
    assert.deepEqual(states(done), ['cancelled', 'cancelled']);
  });
});

describe('backfill history', () => {
  test('round trip; a backfill running when the window closed comes back interrupted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'al-history-'));
    const file = join(dir, 'backfills.json');
    const running = record(plan([['d1', []], ['d2', []]]));
    running.runs[0] = { ...(running.runs[0] as BackfillRecord['runs'][number]), state: 'running' };
    saveHistory(file, [running]);
    assert.deepEqual(readdirSync(dir), ['backfills.json']);
    const loaded = loadHistory(file, 99);
    assert.equal(loaded.problem, null);
    assert.equal(loaded.backfills[0]?.state, 'interrupted');
    assert.deepEqual(states(loaded.backfills[0] as BackfillRecord), ['cancelled', 'queued']);
  });

  test('an unreadable file is set aside with the reason, never overwritten', () => {
    const dir = mkdtempSync(join(tmpdir(), 'al-history-'));
    const file = join(dir, 'backfills.json');
    writeFileSync(file, '{"version":1,"backfills":[{"id":3}]}');
    const loaded = loadHistory(file, 7);
    assert.deepEqual(loaded.backfills, []);
    assert.match(loaded.problem ?? '', /does not have the expected shape .*kept as .*backfills\.json\.unreadable-7/);
    assert.equal(loaded.writable, true, 'set aside, so a new history may be written');
    assert.equal(readFileSync(join(dir, 'backfills.json.unreadable-7'), 'utf8'), '{"version":1,"backfills":[{"id":3}]}');
    assert.equal(loadHistory(join(dir, 'none.json'), 7).problem, null);
    // A history that cannot be read at all (here a folder in its place) is left alone.
    mkdirSync(join(dir, 'folder.json'));
    const unreadable = loadHistory(join(dir, 'folder.json'), 7);
    assert.equal(unreadable.writable, false);
    assert.match(unreadable.problem ?? '', /not saved/);
  });
});
