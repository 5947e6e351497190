import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultCommands } from '../../../src/core/backfill/commands';
import { BackfillPlanError, planBackfill, type BackfillPlan, type BackfillRequest, type PlanContext } from '../../../src/core/backfill/plan';
import type { AssetGraph, AssetNode } from '../../../src/core/model/graph';
import type { PartitionMapping } from '../../../src/core/model/partitionMappings';
import type { MultiPartitions } from '../../../src/core/model/partitions';
import type { PartitionVerdict, VerdictSource } from '../../../src/core/stale/staleReport';
import { assetNode } from '../../builders/assetNode';
import { backfillNow, daily, previousDay, shopGraph, shopLocation } from '../../builders/backfillGraph';

/** Evaluated at 2021-07-01 UTC: daily partitions 2021-05-01 .. 2021-06-30. */
const NOW = backfillNow;
const DAILY = daily;
const graph = shopGraph;
const location = shopLocation;

const REGIONS: MultiPartitions = { type: 'multi', dimensions: [{ name: 'date', partitions: DAILY }, { name: 'region', partitions: { type: 'static', keys: ['eu', 'us'] } }] };
const nextDay: PartitionMapping = { type: 'time_window', startOffset: 1, endOffset: 1, allowNonexistentUpstreamPartitions: true };

/**
 *   raw (daily) ─► clean (daily) ─► report (daily, reads the previous day of clean)
 *                        ├────────► summary (unpartitioned)
 *   raw ─► monthly_model (daily, single-run policy)
 */
const shop = graph([
  ['raw', { partitions: DAILY }],
  ['clean', { partitions: DAILY, deps: [['raw']] }],
  ['report', { partitions: DAILY, deps: [{ key: ['clean'], partitionMapping: previousDay }] }],
  ['summary', { deps: [['clean']] }],
  ['model', { partitions: DAILY, backfillPolicy: { type: 'single_run' }, deps: [['raw']] }],
  ['vendor', { kind: 'source', partitions: DAILY }],
]);

const context = (g: AssetGraph, extra: Partial<PlanContext> = {}): PlanContext => ({ graph: g, root: '/w', now: NOW, commands: defaultCommands, ...extra });
const request = (key: string, partitions: BackfillRequest['roots'][number]['partitions'], extra: Partial<BackfillRequest> = {}): BackfillRequest => ({
  roots: [{ key: key.split('/'), partitions }],
  downstream: false,
  only: [],
  ...extra,
});
const june1to3 = { kind: 'range', start: '2021-06-01', end: '2021-06-03' } as const;

/** Each run as `assets [partitions] after …`, in launch order. */
function runs(plan: BackfillPlan): string[] {
  return plan.runs.map((run) => {
    const p = run.partitions;
    const where = p === null ? '' : p.kind === 'key' ? ` [${p.key}]` : ` [${p.start}...${p.end}]`;
    return `${run.assets.map((a) => a.join('/')).join(',')}${where}${run.after.length ? ` after ${run.after.join(',')}` : ''}`;
  });
}

function assertOrdered(plan: BackfillPlan): void {
  for (const run of plan.runs) for (const before of run.after) assert.ok(before < run.index, `run ${run.index} waits for a later run ${before}`);
}

describe('backfill plans', () => {
  test('one run per partition for assets without a single-run policy, in partition order', () => {
    const plan = planBackfill(request('raw', june1to3), context(shop));
    assert.deepEqual(runs(plan), ['raw [2021-06-01]', 'raw [2021-06-02]', 'raw [2021-06-03]']);
    assert.deepEqual(plan.runs[0]?.argv, ['dagster', 'asset', 'materialize', '--select', 'raw', '-m', 'shop.definitions', '--partition', '2021-06-01']);
    assert.equal(plan.runs[0]?.cwd, '/w');
    assert.deepEqual(plan.summary, { assets: 1, partitions: 3, runs: 3, estimateMs: null, estimatedRuns: 0 });
  });

  test('downstream: same-definition assets share runs, others follow the partitions they read, in order', () => {
    const plan = planBackfill(request('raw', june1to3, { downstream: true }), context(shop));
    assert.deepEqual(runs(plan), [
      'raw,clean [2021-06-01]',
      'raw,clean [2021-06-02]',
      'raw,clean [2021-06-03]',
      // One range for the single-run asset.
      'model [2021-06-01...2021-06-03] after 0,1,2',
      // report reads the previous day of clean, so its partitions are a day later.
      'report [2021-06-02] after 0',
      'report [2021-06-03] after 1',
      'report [2021-06-04] after 2',
      'summary after 0,1,2',
    ]);
    assertOrdered(plan);
    assert.deepEqual(
      plan.assets.map((a) => [a.key.join('/'), a.role, a.count, a.partitions?.ranges ?? null]),
      [
        ['raw', 'root', 3, [['2021-06-01', '2021-06-03']]],
        ['clean', 'downstream', 3, [['2021-06-01', '2021-06-03']]],
        ['model', 'downstream', 3, [['2021-06-01', '2021-06-03']]],
        ['report', 'downstream', 3, [['2021-06-02', '2021-06-04']]],
        ['summary', 'downstream', 1, null],
      ],
    );
    assert.deepEqual(plan.runs[3]?.argv.slice(-2), ['--partition-range', '2021-06-01...2021-06-03']);
    assert.equal(plan.summary.partitions, 13);
  });

  test('an asset that reads its own previous partition runs its partitions one after another', () => {
    const g = graph([['balance', { partitions: DAILY, deps: [{ key: ['balance'], partitionMapping: previousDay }] }]]);
    const plan = planBackfill(request('balance', june1to3, { downstream: true }), context(g));
    assert.deepEqual(runs(plan), ['balance [2021-06-01]', 'balance [2021-06-02] after 0', 'balance [2021-06-03] after 1']);
    // The later partitions it makes out of date are named, not launched unasked.
    assert.deepEqual(plan.warnings, ['balance reads its own earlier partitions: 27 later partitions will be out of date after this backfill']);
  });

  test('an asset that reads its own next partition runs them from the last back', () => {
    const g = graph([['forecast', { partitions: DAILY, deps: [{ key: ['forecast'], partitionMapping: nextDay }] }]]);
    const plan = planBackfill(request('forecast', june1to3), context(g));
    assert.deepEqual(runs(plan), ['forecast [2021-06-03]', 'forecast [2021-06-02] after 0', 'forecast [2021-06-01] after 1']);
    assertOrdered(plan);
  });

  test('--only keeps the picked partitions with those statuses; partitions without a record are missing', () => {
    const statuses: Record<string, PartitionVerdict['status']> = { '2021-06-01': 'fresh', '2021-06-02': 'failed', '2021-06-04': 'stale' };
    const verdicts: VerdictSource = {
      eachRecorded: (node, visit) => {
        if (node.key[0] === 'raw') for (const [p, status] of Object.entries(statuses)) visit(p, { status, causes: [] });
      },
      verdict: () => ({ status: 'fresh', causes: [] }),
      dynamicKeys: () => undefined,
    };
    const range = { kind: 'range', start: '2021-06-01', end: '2021-06-05' } as const;
    const plan = planBackfill(request('raw', range, { only: ['missing', 'failed'] }), context(shop, { verdicts }));
    assert.deepEqual(runs(plan), ['raw [2021-06-02]', 'raw [2021-06-03]', 'raw [2021-06-05]']);
    assert.deepEqual(runs(planBackfill(request('raw', range, { only: ['stale'] }), context(shop, { verdicts }))), ['raw [2021-06-04]']);
    const none = planBackfill(request('raw', { kind: 'keys', keys: ['2021-06-01'] }, { only: ['stale'] }), context(shop, { verdicts }));
    assert.equal(none.runs.length, 0);
    assert.match(none.warnings[0] ?? '', /raw: no stale partitions/);
    assert.throws(() => planBackfill(request('raw', range, { only: ['stale'] }), context(shop)), /needs partition statuses/);
  });

  test('multi-partitioned assets run once per key, in Dagster\'s key form', () => {
    const g = graph([['sales', { partitions: REGIONS }]]);
    const plan = planBackfill(request('sales', { kind: 'keys', keys: ['2021-06-01|eu', '2021-06-01|us'] }), context(g));
    assert.deepEqual(runs(plan), ['sales [2021-06-01|eu]', 'sales [2021-06-01|us]']);
  });

  test('sources are skipped with the reason; estimates come from past durations', () => {
    const g = graph([
      ['vendor', { kind: 'source', partitions: DAILY }],
      ['load', { partitions: DAILY, deps: [['vendor']] }],
    ]);
    const plan = planBackfill(request('vendor', june1to3, { downstream: true }), context(g, { durations: new Map([['load', 60_000]]) }));
    assert.deepEqual(plan.skipped, [{ key: ['vendor'], reason: 'source assets are not materialized' }]);
    assert.deepEqual(runs(plan), ['load [2021-06-01]', 'load [2021-06-02]', 'load [2021-06-03]']);
    assert.equal(plan.summary.estimateMs, 180_000);
    assert.equal(plan.summary.estimatedRuns, 3);
  });

  test('requests Dagster would refuse are refused with the reason', () => {
    assert.throws(() => planBackfill(request('nope', { kind: 'all' }), context(shop)), (e: Error) => e instanceof BackfillPlanError && /no asset nope/.test(e.message));
    assert.throws(() => planBackfill(request('raw', { kind: 'keys', keys: ['2020-01-01'] }), context(shop)), /raw: not partitions of this asset/);
    const g = graph([['a,b', { partitions: DAILY }]]);
    assert.throws(() => planBackfill(request('a,b', june1to3), context(g)), /comma/);
    const elsewhere: AssetNode = { ...assetNode(['x']), codeLocation: 'other' };
    assert.throws(() => planBackfill(request('x', { kind: 'all' }), context({ ...shop, assets: [elsewhere] })), /code location other/);
  });
});
