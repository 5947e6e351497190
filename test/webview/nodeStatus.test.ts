// The status strip's pure parts in Node: band widths, the worst status, words, a collapsed
// group's sums and the toolbar's indicator. status.test.ts checks the same on screen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AssetStatus } from '../../src/protocol/graphProtocol';
import { buildLineageModel } from '../../webview/src/graph/lineageModel';
import { assetNodeStatus, groupNodeStatus, instanceIndicator, statusBands, statusWords, stripSegments, worstOf } from '../../webview/src/graph/nodeStatus';
import { asset, graphOf } from './graphBuilders';

const status = (counts: Partial<AssetStatus>): AssetStatus => ({ fresh: 0, stale: 0, missing: 0, failed: 0, impacted: 0, codeChanged: false, details: [], ...counts });
const zero = { failed: 0, stale: 0, impacted: 0, missing: 0, fresh: 0 };

describe('status strip', () => {
  test('bands follow the counts and fill the width, worst first', () => {
    const segments = stripSegments({ ...zero, stale: 1, fresh: 3 }, 100, 4);
    assert.deepEqual(segments, [
      { kind: 'stale', x: 0, width: 25 },
      { kind: 'fresh', x: 25, width: 75 },
    ]);
  });

  test('a band with any partition gets the minimum width; the others keep their ratio', () => {
    const segments = stripSegments({ ...zero, failed: 1, missing: 3000, fresh: 1000 }, 104, 4);
    assert.deepEqual(segments.map((s) => s.kind), ['failed', 'missing', 'fresh']);
    const [failed, missing, fresh] = segments as [(typeof segments)[0], (typeof segments)[0], (typeof segments)[0]];
    assert.equal(failed.width, 4);
    assert.ok(Math.abs(missing.width / fresh.width - 3) < 1e-9, 'missing : fresh stays 3 : 1');
    assert.ok(Math.abs(missing.width + fresh.width - 100) < 1e-9);
    assert.ok(Math.abs(fresh.x + fresh.width - 104) < 1e-9, 'the bands fill the strip');
  });

  test('when every band is small they share the width equally; nothing is drawn without partitions', () => {
    const segments = stripSegments({ failed: 1, stale: 1, impacted: 1, missing: 1, fresh: 1 }, 10, 4);
    assert.deepEqual(segments.map((s) => s.width), [2, 2, 2, 2, 2]);
    assert.deepEqual(stripSegments(zero, 100, 4), []);
  });

  test('impacted partitions are fresh ones: the fresh band is the rest', () => {
    assert.deepEqual(statusBands(status({ fresh: 31, impacted: 4, missing: 360 })), { failed: 0, stale: 0, impacted: 4, missing: 360, fresh: 27 });
  });

  test('the worst status present, in the order failed, stale, impacted, missing, fresh; partly materialized is fresh', () => {
    assert.equal(worstOf(statusBands(status({ failed: 1, stale: 5, fresh: 9 }))), 'failed');
    assert.equal(worstOf(statusBands(status({ stale: 1, fresh: 9, impacted: 9 }))), 'stale');
    assert.equal(worstOf(statusBands(status({ fresh: 9, impacted: 1, missing: 3 }))), 'impacted');
    // As in the tree: a daily asset with old partitions never materialized is still a fresh asset.
    assert.equal(worstOf(statusBands(status({ fresh: 9, missing: 3 }))), 'fresh');
    assert.equal(worstOf(statusBands(status({ missing: 3 }))), 'missing');
    assert.equal(worstOf(statusBands(status({ fresh: 9 }))), 'fresh');
    assert.equal(worstOf(statusBands(status({}))), null);
  });
});

describe('status in words', () => {
  test('partitions are counted, worst first, with the impacted ones among the fresh', () => {
    assert.equal(statusWords(status({ stale: 2, failed: 1, impacted: 4, missing: 360, fresh: 31 }), true), '1 failed, 2 stale, 360 missing, 31 fresh, 4 of them impacted (downstream of stale or failed)');
    assert.equal(statusWords(status({ missing: 21691 }), true), '21,691 missing');
  });

  test('an unpartitioned asset has a status, not counts', () => {
    assert.equal(statusWords(status({ stale: 1 }), false), 'stale');
    assert.equal(statusWords(status({ missing: 1 }), false), 'missing (never materialized)');
    assert.equal(statusWords(status({ fresh: 1, impacted: 1 }), false), 'fresh but impacted (downstream of stale or failed)');
  });

  test('a collapsed group sums its members and names those that need a look', () => {
    const model = buildLineageModel(graphOf([asset(['a']), asset(['b']), asset(['c'], { partitions: { type: 'static', keys: ['x', 'y'] } }), asset(['d'])]));
    const statuses = new Map<string, AssetStatus>([
      ['a', status({ failed: 1 })],
      ['b', status({ stale: 1, codeChanged: true })],
      ['c', status({ fresh: 2, impacted: 1 })],
    ]);
    const group = groupNodeStatus(model.assets, (m) => statuses.get(m.userKey));
    assert.ok(group);
    assert.deepEqual(group.counts, { failed: 1, stale: 1, impacted: 1, missing: 0, fresh: 1 });
    assert.equal(group.worst, 'failed');
    assert.equal(group.codeChanged, true);
    assert.equal(group.words, '1 failed, 1 stale, 2 fresh, 1 of them impacted (downstream of stale or failed)');
    assert.deepEqual(group.details, ['Failed: a', 'Stale: b', 'Impacted: c', 'Code changed: b', '1 member has no record in the instance']);
    assert.equal(groupNodeStatus(model.assets, () => undefined), null, 'no member recorded: no status');
    const one = model.byUserKey.get('c');
    assert.ok(one);
    assert.equal(assetNodeStatus(one, statuses.get('c'))?.label, 'Partitions');
    assert.equal(assetNodeStatus(one, undefined), null);
  });
});

describe('instance indicator', () => {
  const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0): Date => new Date(y, mo - 1, d, h, mi, s);
  const state = (readAt: string) => ({
    source: 'local instance examples/harbor/.dagster',
    readAt,
    assets: { a: status({ failed: 1 }), b: status({ stale: 1, codeChanged: true }), c: status({ fresh: 1 }) },
  });

  test('says where the status comes from and when it was read (local time; the date when not today)', () => {
    const readAt = at(2025, 3, 9, 7, 5, 42).toISOString();
    const today = instanceIndicator(state(readAt), at(2025, 3, 9, 18, 0));
    assert.equal(today.text, 'local instance examples/harbor/.dagster · read 07:05');
    assert.equal(today.worst, 'failed');
    assert.equal(
      today.title,
      [
        'Materialization status from local instance examples/harbor/.dagster',
        'Read 2025-03-09 07:05:42',
        'Assets by worst partition: 1 failed, 1 stale, 1 fresh; 1 with code changed',
        'The strip under each node: failed | stale | impacted (downstream of stale or failed) | missing | fresh partitions',
      ].join('\n'),
    );
    assert.equal(instanceIndicator(state(readAt), at(2025, 3, 10, 9, 0)).text, 'local instance examples/harbor/.dagster · read 2025-03-09 07:05');
  });

  test('an unreadable time is said to be unknown', () => {
    assert.equal(instanceIndicator(state('yesterday-ish'), new Date()).text, 'local instance examples/harbor/.dagster · read at an unknown time');
  });
});
