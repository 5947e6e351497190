import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { impactPreview } from '../../../src/core/backfill/impactPreview';
import { BackfillPlanError } from '../../../src/core/backfill/plan';
import type { TimeWindowPartitions } from '../../../src/core/model/partitions';
import type { VerdictSource } from '../../../src/core/stale/staleReport';
import { impactOverlay } from '../../../src/core/view/backfillText';
import { backfillNow, daily, previousDay, shopGraph } from '../../builders/backfillGraph';

/** Evaluated at 2021-07-01 UTC: daily partitions 2021-05-01 .. 2021-06-30. */
const NOW = backfillNow;
const DAILY = daily;
const graph = shopGraph;

const WEEKLY: TimeWindowPartitions = { type: 'weekly', start: '2021-05-02', end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * 0', minuteOffset: 0, hourOffset: 0, dayOffset: 0 };

/**
 *   raw (daily) ─► clean (daily) ─► report (daily, the previous day of clean)
 *                        ├────────► weekly (weekly)
 *                        └────────► summary (unpartitioned) ─► feed (external)
 *   running (daily, reads its own previous day)
 */
const shop = graph([
  ['raw', { partitions: DAILY }],
  ['clean', { partitions: DAILY, deps: [['raw']] }],
  ['report', { partitions: DAILY, deps: [{ key: ['clean'], partitionMapping: previousDay }] }],
  ['weekly', { partitions: WEEKLY, deps: [['clean']] }],
  ['summary', { deps: [['clean']] }],
  ['feed', { kind: 'external', deps: [['summary']] }],
  ['running', { partitions: DAILY, deps: [['raw'], { key: ['running'], partitionMapping: previousDay }] }],
]);

const june1to3 = { kind: 'range', start: '2021-06-01', end: '2021-06-03' } as const;
const byKey = (preview: ReturnType<typeof impactPreview>) => new Map(preview.downstream.map((a) => [a.key.join('/'), a]));

describe('impact preview', () => {
  test('the picked partitions and what each mapping reaches downstream, with totals and depths', () => {
    const preview = impactPreview({ key: ['clean'], partitions: june1to3, only: [] }, { graph: shop, now: NOW });
    assert.deepEqual(preview.root, { key: ['clean'], role: 'root', depth: 0, total: 61, materializable: true, count: 3, ranges: [['2021-06-01', '2021-06-03']], unknown: null });
    const downstream = byKey(preview);
    // The previous-day mapping shifts the window one day later; the last day is cut to what exists.
    assert.deepEqual(downstream.get('report')?.ranges, [['2021-06-02', '2021-06-04']]);
    assert.equal(downstream.get('report')?.depth, 1);
    // 2021-06-01..03 (Tuesday to Thursday) fall in the week starting Sunday 2021-05-30.
    assert.deepEqual(downstream.get('weekly')?.ranges, [['2021-05-30', '2021-05-30']]);
    assert.equal(downstream.get('weekly')?.total, 8);
    assert.deepEqual({ count: downstream.get('summary')?.count, ranges: downstream.get('summary')?.ranges }, { count: 1, ranges: null });
    assert.deepEqual({ depth: downstream.get('feed')?.depth, materializable: downstream.get('feed')?.materializable }, { depth: 2, materializable: false });
    assert.ok(!downstream.has('raw') && !downstream.has('running'), 'nothing upstream or beside is impacted');
    assert.deepEqual(preview.summary, { assets: 4, partitions: 3 + 1 + 1 + 1 });
  });

  test('an asset on its own previous partition: the root keeps what was picked, the overlay says what else it reaches', () => {
    const preview = impactPreview({ key: ['running'], partitions: { kind: 'keys', keys: ['2021-06-28'] }, only: [] }, { graph: shop, now: NOW });
    assert.equal(preview.root.count, 1);
    const later = preview.downstream.find((a) => a.key[0] === 'running');
    assert.deepEqual(later?.ranges, [['2021-06-29', '2021-06-30']]);
    assert.equal(preview.summary.assets, 0, 'the root is not counted as a downstream asset');
    const overlay = impactOverlay(preview, '2021-06-28', true);
    assert.deepEqual(Object.keys(overlay.assets), ['running']);
    assert.equal(overlay.assets['running']?.ranges, '2021-06-28; then 2 later partitions of its own (2021-06-29...2021-06-30)');
  });

  test('only the stale partitions of a range, from the statuses', () => {
    const verdicts: VerdictSource = {
      eachRecorded: (node, visit) => {
        if (node.key[0] !== 'raw') return;
        visit('2021-06-01', { status: 'fresh', causes: [] });
        visit('2021-06-02', { status: 'stale', causes: [] });
        visit('2021-06-03', { status: 'fresh', causes: [] });
      },
      verdict: () => ({ status: 'fresh', causes: [] }),
      dynamicKeys: () => undefined,
    };
    const preview = impactPreview({ key: ['raw'], partitions: june1to3, only: ['stale'] }, { graph: shop, now: NOW, verdicts });
    assert.deepEqual(preview.root.ranges, [['2021-06-02', '2021-06-02']]);
    assert.deepEqual(byKey(preview).get('report')?.ranges, [['2021-06-03', '2021-06-03']]);
    const none = impactPreview({ key: ['raw'], partitions: { kind: 'keys', keys: ['2021-06-01'] }, only: ['stale'] }, { graph: shop, now: NOW, verdicts });
    assert.deepEqual({ downstream: none.downstream, root: none.root.count }, { downstream: [], root: 0 });
    assert.match(none.warnings[0] ?? '', /raw: no stale partitions/);
  });

  test('refusals name the asset and the reason', () => {
    assert.throws(() => impactPreview({ key: ['nope'], partitions: { kind: 'all' }, only: [] }, { graph: shop, now: NOW }), (e: unknown) => e instanceof BackfillPlanError && /no asset nope/.test(e.message));
    assert.throws(() => impactPreview({ key: ['raw'], partitions: { kind: 'keys', keys: ['2020-01-01'] }, only: [] }, { graph: shop, now: NOW }), /raw: not partitions of this asset: '2020-01-01'/);
    assert.throws(() => impactPreview({ key: ['raw'], partitions: june1to3, only: ['failed'] }, { graph: shop, now: NOW }), /needs partition statuses/);
  });

  test('the overlay: by user key, counts against totals, ranges in words, launchable only with something to materialize', () => {
    const overlay = impactOverlay(impactPreview({ key: ['clean'], partitions: june1to3, only: [] }, { graph: shop, now: NOW }), '2021-06-01...2021-06-03', true);
    assert.equal(overlay.root, 'clean');
    assert.deepEqual(overlay.assets['report'], { role: 'downstream', depth: 1, count: 3, total: 61, partitioned: true, ranges: '2021-06-02...2021-06-04', materializable: true });
    assert.deepEqual(overlay.assets['summary'], { role: 'downstream', depth: 1, count: 1, total: 1, partitioned: false, ranges: '', materializable: true });
    assert.equal(overlay.launchable, true);
    assert.equal(impactOverlay(impactPreview({ key: ['clean'], partitions: june1to3, only: [] }, { graph: shop, now: NOW }), 'x', false).launchable, false);
    const onlyExternal = graph([['feed', { kind: 'external' }]]);
    assert.equal(impactOverlay(impactPreview({ key: ['feed'], partitions: { kind: 'all' }, only: [] }, { graph: onlyExternal, now: NOW }), 'all', true).launchable, false);
  });
});
