import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultCommands } from '../../../src/core/backfill/commands';
import { loadHistory, saveHistory } from '../../../src/core/backfill/history';
import { BackfillPlanError, planBackfill } from '../../../src/core/backfill/plan';
import { followRemoteBackfill, newRemoteRecord, remoteTargets } from '../../../src/core/backfill/remoteBackfill';
import type { BackfillRecord } from '../../../src/core/backfill/runner';
import { impactInWorkspace, planInWorkspace } from '../../../src/core/backfill/workspacePlan';
import { backfillDescription } from '../../../src/core/view/backfillText';
import { cancelBackfill, launchBackfill, readBackfill } from '../../../src/core/state/graphql/backfills';
import type { RemoteInstance } from '../../../src/core/state/graphql/remoteState';
import { backfillNow, daily, shopGraph } from '../../builders/backfillGraph';
import { startGraphqlServer, type FakeBackfill, type FakeDagster } from '../../support/graphqlServer';

/** Evaluated at 2021-07-01 UTC: daily partitions 2021-05-01 .. 2021-06-30. */
const NOW = backfillNow;
const DAILY = daily;
const graph = shopGraph;

/** A backfill submitted to a webserver: what is sent, and following it to the end. */

/** raw (daily) and by_region (static regions) ─► summary (unpartitioned) */
const shop = graph([
  ['raw', { partitions: DAILY }],
  ['by_region', { partitions: { type: 'static', keys: ['eu', 'us', 'apac'] } }],
  ['summary', { deps: [['raw'], ['by_region']] }],
]);
const plan = planBackfill(
  {
    roots: [
      { key: ['raw'], partitions: { kind: 'range', start: '2021-06-01', end: '2021-06-03' } },
      { key: ['by_region'], partitions: { kind: 'all' } },
    ],
    downstream: true,
    only: [],
  },
  { graph: shop, root: '/w', now: NOW, commands: defaultCommands },
);
const fields = { id: 'local-1', title: 'raw and downstream', folder: '/w', createdAt: NOW, url: 'http://127.0.0.1:3000/graphql' };

const counts = (targeted: number, materialized: number, failed: number, inProgress: number) => ({
  assetBackfillStatuses: [{ __typename: 'AssetPartitionsStatusCounts', assetKey: { path: ['raw'] }, numPartitionsTargeted: targeted, numPartitionsInProgress: inProgress, numPartitionsMaterialized: materialized, numPartitionsFailed: failed }],
});

/** A signal that stops following after `limit` waits, so a test that never finishes fails instead of spinning. */
function guard(limit = 10): { signal: AbortSignal; tick(): void } {
  const controller = new AbortController();
  let waits = 0;
  return {
    signal: controller.signal,
    tick: () => {
      if (++waits >= limit) controller.abort();
    },
  };
}

describe('backfills submitted to a webserver', () => {
  test('time partitions go as ranges, other keys one range each, unpartitioned assets without partitions', () => {
    assert.deepEqual(remoteTargets(plan), [
      { key: ['raw'], ranges: [['2021-06-01', '2021-06-03']] },
      { key: ['by_region'], ranges: [['eu', 'eu'], ['us', 'us'], ['apac', 'apac']] },
      { key: ['summary'], ranges: null },
    ]);
    const tooMany = { ...plan, assets: [{ ...plan.assets[1]!, count: 2000 }] };
    assert.throws(() => remoteTargets(tooMany), (e: unknown) => e instanceof BackfillPlanError && /by_region: 2000 partitions are too many to submit one key at a time/.test(e.message));
  });

  test('launched on the loopback webserver and followed until it succeeds; counts and status on the record', async () => {
    const dagster: FakeDagster = {};
    const server = await startGraphqlServer(dagster);
    try {
      const connection = { url: server.url };
      const backfillId = await launchBackfill(connection, remoteTargets(plan));
      const record = newRemoteRecord(plan, { ...fields, backfillId });
      assert.equal(record.remote?.targeted, plan.summary.partitions);
      const stored = dagster.backfills?.find((b) => b.id === backfillId) as FakeBackfill;
      // What the daemon does between reads, step by step.
      const steps = [
        () => Object.assign(stored, { assetBackfillData: counts(3, 1, 0, 2), runs: [{ runId: 'r1', status: 'SUCCESS', startTime: 1, endTime: 2 }] }),
        () => Object.assign(stored, { status: 'COMPLETED', endTimestamp: 1_700_000_500, assetBackfillData: counts(3, 3, 0, 0) }),
      ];
      const seen: string[] = [];
      const waits: number[] = [];
      const stop = guard();
      const done = await followRemoteBackfill(record, {
        read: () => readBackfill(connection, backfillId),
        onUpdate: (r) => seen.push(backfillDescription(r)),
        signal: stop.signal,
        now: () => NOW,
        sleep: async (ms) => {
          stop.tick();
          waits.push(ms);
          steps.shift()?.();
        },
      });
      assert.deepEqual(seen, [
        // Nothing read by the daemon yet: the plan's total stands.
        `0 of ${plan.summary.partitions} partitions materialized, 0 runs · REQUESTED`,
        '1 of 3 partitions materialized, 2 in progress, 1 run · REQUESTED',
        '3 of 3 partitions materialized, 1 run · COMPLETED',
      ]);
      assert.deepEqual(waits, [3000, 3000]);
      assert.equal(done.state, 'succeeded');
      assert.equal(done.endedAt, 1_700_000_500_000);
      assert.equal(done.summary.runs, 1);
    } finally {
      await server.close();
    }
  });

  test('a completed backfill with failed partitions is failed; an unreachable server is retried less often; a vanished one fails', async () => {
    const dagster: FakeDagster = { backfills: [{ id: 'b1', status: 'REQUESTED', isAssetBackfill: true, timestamp: 1, assetBackfillData: counts(3, 0, 0, 3), runs: [] }] };
    const server = await startGraphqlServer(dagster);
    try {
      const record = newRemoteRecord(plan, { ...fields, backfillId: 'b1' });
      let down = 2;
      const waits: number[] = [];
      const problems: (string | null)[] = [];
      const stop = guard();
      const done = await followRemoteBackfill(record, {
        read: async () => {
          if (down-- > 0) throw new Error('the webserver did not answer');
          return readBackfill({ url: server.url }, 'b1');
        },
        onUpdate: (r) => problems.push(r.remote?.problem ?? null),
        signal: stop.signal,
        now: () => NOW,
        sleep: async (ms) => {
          stop.tick();
          waits.push(ms);
          if (down < 0) Object.assign(dagster.backfills![0]!, { status: 'COMPLETED', assetBackfillData: counts(3, 2, 1, 0) });
        },
      });
      assert.deepEqual(waits, [6000, 12000, 3000], 'doubling while unreachable, back to the interval once read');
      assert.deepEqual(problems, ['the webserver did not answer', 'the webserver did not answer', null, null]);
      assert.equal(done.state, 'failed', 'COMPLETED with a failed partition');
      assert.match(backfillDescription(done), /^2 of 3 partitions materialized, 1 failed, 0 runs · COMPLETED$/);

      const gone = await followRemoteBackfill(newRemoteRecord(plan, { ...fields, backfillId: 'nope' }), {
        read: () => readBackfill({ url: server.url }, 'nope'),
        onUpdate: () => undefined,
        signal: guard(1).signal,
        now: () => NOW,
      });
      assert.equal(gone.state, 'failed');
      assert.equal(gone.remote?.problem, 'the webserver has no backfill nope any more');
    } finally {
      await server.close();
    }
  });

  test('cancelled on the server: the status goes CANCELING, then CANCELED ends it as cancelled', async () => {
    const dagster: FakeDagster = { backfills: [{ id: 'b2', status: 'REQUESTED', isAssetBackfill: true, timestamp: 1, assetBackfillData: counts(3, 1, 0, 1), runs: [] }] };
    const server = await startGraphqlServer(dagster);
    try {
      await cancelBackfill({ url: server.url }, 'b2');
      assert.equal(dagster.backfills?.[0]?.status, 'CANCELING');
      await assert.rejects(cancelBackfill({ url: server.url }, 'nope'), /refused to cancel backfill nope \(PythonError\): Backfill nope could not be found/);
      const states: string[] = [];
      const stop = guard();
      const done = await followRemoteBackfill(newRemoteRecord(plan, { ...fields, backfillId: 'b2' }), {
        read: () => readBackfill({ url: server.url }, 'b2'),
        onUpdate: (r) => states.push(`${r.state}/${r.remote?.status}`),
        signal: stop.signal,
        sleep: async () => {
          stop.tick();
          dagster.backfills![0]!.status = 'CANCELED';
        },
      });
      assert.deepEqual(states, ['running/CANCELING', 'cancelled/CANCELED']);
      assert.equal(done.state, 'cancelled');
    } finally {
      await server.close();
    }
  });

  test('after a reload a running webserver backfill is followed again, not marked interrupted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'al-remote-history-'));
    try {
      const file = join(dir, 'backfills.json');
      const remote: BackfillRecord = newRemoteRecord(plan, { ...fields, backfillId: 'b3' });
      saveHistory(file, [remote]);
      const loaded = loadHistory(file, NOW + 1000);
      assert.equal(loaded.backfills[0]?.state, 'running');
      assert.deepEqual(loaded.backfills[0]?.remote, remote.remote);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plans and impact from a webserver\'s statuses', () => {
  test('"only stale" takes the stale partitions the webserver reports, for a plan and for an impact preview', async () => {
    const fresh = { status: 'materialized', staleness: { status: 'FRESH', causes: [] } } as const;
    const stale = { status: 'materialized', staleness: { status: 'STALE', causes: [] } } as const;
    const remote = {
      url: 'http://127.0.0.1:3000/graphql',
      dynamicPartitions: new Map<string, string[]>(),
      assets: new Map([
        ['raw', { key: ['raw'], partitionKeys: null, partitions: new Map<string | null, typeof fresh | typeof stale>([['2021-06-01', fresh], ['2021-06-02', stale], ['2021-06-03', fresh]]), codeVersion: null, materializable: true, partitionsDefinition: null }],
      ]),
    } as unknown as RemoteInstance;
    const range = { kind: 'range', start: '2021-06-01', end: '2021-06-03' } as const;
    const planned = await planInWorkspace({ graph: shop, root: '/w', home: null, request: { roots: [{ key: ['raw'], partitions: range }], downstream: false, only: ['stale'] }, now: NOW, commands: defaultCommands, remote });
    assert.deepEqual(planned.assets.map((a) => [a.key.join('/'), a.partitions?.ranges]), [['raw', [['2021-06-02', '2021-06-02']]]]);
    const impact = await impactInWorkspace({ graph: shop, home: null, request: { key: ['raw'], partitions: range, only: ['stale'] }, now: NOW, remote });
    assert.deepEqual(impact.root.ranges, [['2021-06-02', '2021-06-02']]);
    assert.deepEqual(impact.downstream.map((a) => a.key.join('/')), ['summary']);
    // Without statuses from anywhere, "only stale" is refused with the reason.
    await assert.rejects(impactInWorkspace({ graph: shop, home: null, request: { key: ['raw'], partitions: range, only: ['stale'] }, now: NOW }), /needs a Dagster instance/);
  });
});
