// The webview's pure parts in Node: what is visible for a focus and collapsed groups, labels,
// search order and arrow-key moves. The browser suites check the same things on screen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { navigate, type Box } from '../../webview/src/graph/keyboardNav';
import { assetAriaLabel, mappingLabel, partitionsLabel } from '../../webview/src/graph/labels';
import { buildLineageModel } from '../../webview/src/graph/lineageModel';
import { searchAssets } from '../../webview/src/graph/search';
import { computeVisibleGraph, groupNodeId, type VisibleGraph } from '../../webview/src/graph/visibleGraph';
import { BoxGrid } from '../../webview/src/render/boxGrid';
import { fitFromLeft } from '../../webview/src/render/nodeMetrics';
import { asset, graphOf } from './graphBuilders';
import { harbor } from './harness';

const none = new Set<string>();
const keysOf = (view: VisibleGraph): string[] =>
  view.nodes.map((n) => (n.type === 'asset' ? n.asset.userKey : `[${n.group}]`)).sort();

describe('visible graph', () => {
  const model = buildLineageModel(harbor());

  test('the full harbor graph: 38 assets, one edge per distinct dependency, four group boxes', () => {
    const view = computeVisibleGraph(model, { focus: null, upstreamDepth: 2, downstreamDepth: 2, collapsedGroups: none });
    assert.equal(view.nodes.length, 38);
    const deps = harbor().assets.reduce((n, a) => n + new Set(a.deps.map((d) => d.key.join('/'))).size, 0);
    assert.equal(view.edges.length, deps);
    assert.deepEqual([...view.boxes.keys()].sort(), ['analytics', 'default', 'ingestion', 'warehouse']);
  });

  test('"Stale only" keeps the listed assets and the edges between them; a focused asset stays', () => {
    const only = new Set(['raw/voyages', 'raw/port_calls', 'stg_voyages'].map((k) => model.byUserKey.get(k)?.id as string));
    const view = computeVisibleGraph(model, { focus: null, upstreamDepth: 2, downstreamDepth: 2, collapsedGroups: none, only });
    assert.deepEqual(keysOf(view), ['raw/port_calls', 'raw/voyages', 'stg_voyages']);
    const name = (id: string): string => {
      const node = view.byId.get(id);
      return node?.type === 'asset' ? node.asset.userKey : `(${id})`;
    };
    assert.deepEqual(view.edges.map((e) => `${name(e.source)} → ${name(e.target)}`).sort(), ['raw/voyages → raw/port_calls', 'raw/voyages → stg_voyages']);
    const focused = computeVisibleGraph(model, { focus: 'marts/port_kpis', upstreamDepth: 1, downstreamDepth: 0, collapsedGroups: none, only });
    assert.ok(keysOf(focused).includes('marts/port_kpis'), 'the focused asset is shown even when it needs no work');
  });

  test('focus follows parents up and children down, never siblings', () => {
    const view = computeVisibleGraph(model, { focus: 'raw/port_calls', upstreamDepth: 1, downstreamDepth: 1, collapsedGroups: none });
    assert.deepEqual(keysOf(view), [
      'analytics/congestion/idle_hours',
      'analytics/congestion/turnaround_hours',
      'customs_declarations',
      'raw/port_calls',
      'raw/voyages',
      'stg_port_calls',
    ]);
    const deeper = computeVisibleGraph(model, { focus: 'raw/port_calls', upstreamDepth: 2, downstreamDepth: 0, collapsedGroups: none });
    assert.deepEqual(keysOf(deeper), ['customs_declarations', 'raw/port_calls', 'raw/voyages', 'vessel_registry']);
  });

  test('a collapsed group is one node and its edges are re-routed to it, once per neighbour', () => {
    const view = computeVisibleGraph(model, { focus: null, upstreamDepth: 2, downstreamDepth: 2, collapsedGroups: new Set(['warehouse']) });
    const group = groupNodeId('warehouse');
    const node = view.byId.get(group);
    assert.ok(node && node.type === 'group');
    assert.equal(node.members.length, 6);
    assert.equal(view.nodes.length, 38 - 6 + 1);
    const into = view.edges.filter((e) => e.target === group).map((e) => view.byId.get(e.source)).map((n) => (n?.type === 'asset' ? n.asset.userKey : ''));
    assert.deepEqual(into.sort(), ['raw/container_moves', 'raw/port_calls', 'raw/tariffs', 'raw/voyages']);
    const out = view.edges.filter((e) => e.source === group);
    assert.deepEqual(out.map((e) => view.byId.get(e.target)).map((n) => (n?.type === 'asset' ? n.asset.userKey : '')), ['marts/port_kpis'], 'two dependencies, one edge');
    assert.equal(out[0]?.count, 2);
    assert.ok(!view.edges.some((e) => e.source === group && e.target === group), 'edges inside the group disappear');
  });

  test('the focused asset stays visible inside a collapsed group', () => {
    const view = computeVisibleGraph(model, { focus: 'stg_voyages', upstreamDepth: 1, downstreamDepth: 1, collapsedGroups: new Set(['warehouse']) });
    assert.ok(view.nodes.some((n) => n.type === 'asset' && n.asset.userKey === 'stg_voyages'));
    assert.ok(view.nodes.some((n) => n.type === 'group' && n.group === 'warehouse'), 'its visible group mates are the group node');
  });

  test('a self-dependency stays as a loop; a single group draws no box', () => {
    const self = buildLineageModel(graphOf([asset(['a'], { deps: [{ key: ['a'], partitionMapping: { type: 'time_window', startOffset: -1, endOffset: -1, allowNonexistentUpstreamPartitions: false } }] })]));
    const view = computeVisibleGraph(self, { focus: null, upstreamDepth: 2, downstreamDepth: 2, collapsedGroups: none });
    assert.equal(view.edges.length, 1);
    assert.equal(view.edges[0]?.source, view.edges[0]?.target);
    assert.equal(view.boxes.size, 0);
  });
});

describe('labels', () => {
  const model = buildLineageModel(harbor());
  const byKey = (key: string) => {
    const a = model.byUserKey.get(key);
    assert.ok(a, key);
    return a;
  };

  test('partition chips and mapping labels read like Dagster', () => {
    assert.equal(partitionsLabel(byKey('raw/voyages').asset.partitions!), 'daily');
    assert.equal(partitionsLabel(byKey('raw/container_moves').asset.partitions!), 'multi');
    assert.match(partitionsLabel(byKey('raw/berth_schedule').asset.partitions!), /^static · \d+$/);
    assert.equal(mappingLabel({ type: 'time_window', startOffset: -1, endOffset: 0, allowNonexistentUpstreamPartitions: false }), 'time_window −1');
    assert.equal(mappingLabel({ type: 'time_window', startOffset: -2, endOffset: -1, allowNonexistentUpstreamPartitions: false }), 'time_window −2…−1');
    assert.equal(mappingLabel({ type: 'last' }), 'last');
    assert.equal(mappingLabel({ type: 'multi_to_single', partitionDimensionName: null }), 'multi_to_single');
    assert.equal(mappingLabel({ type: 'static', downstreamByUpstream: {} }), 'static');
  });

  test('the spoken label of a node names kind, key, group, partitions and both degrees', () => {
    assert.equal(assetAriaLabel(byKey('raw/voyages')), 'asset raw/voyages, group ingestion, daily partitions, 1 upstream, 3 downstream');
    assert.equal(assetAriaLabel(byKey('raw/tariffs')), 'stub raw/tariffs, group default, 0 upstream, 1 downstream');
  });

  test('long keys keep their last components', () => {
    const measure = (text: string): number => text.length * 7;
    // 200 px at 7 px a character: the ellipsis and the last 27 characters.
    assert.equal(fitFromLeft('analytics/congestion/weekly_congestion_index', 200, 'key', measure), '…ion/weekly_congestion_index');
    assert.equal(fitFromLeft('short', 200, 'key', measure), 'short');
  });
});

describe('search and keyboard moves', () => {
  const model = buildLineageModel(harbor());

  test('search ranks the exact key, then last-component prefixes, then the rest', () => {
    const keys = searchAssets(model, 'port').map((a) => a.userKey);
    // Last component starts with "port" first (alphabetically), then keys that merely contain it.
    assert.deepEqual(keys.slice(0, 4), ['analytics/port_league_table', 'analytics/throughput/port_throughput_by_port', 'marts/port_kpis', 'raw/port_calls']);
    assert.ok(keys.indexOf('analytics/reports/monthly_port_report') > 3);
    assert.deepEqual(searchAssets(model, '  '), []);
    assert.equal(searchAssets(model, 'RAW/VOYAGES')[0]?.userKey, 'raw/voyages');
  });

  test('left goes upstream, right downstream, up/down stay in the column', () => {
    const view = computeVisibleGraph(buildLineageModel(graphOf([asset(['a']), asset(['b'], { deps: [['a']] }), asset(['c'], { deps: [['a']] })])), {
      focus: null,
      upstreamDepth: 2,
      downstreamDepth: 2,
      collapsedGroups: none,
    });
    const boxes = new Map<string, Box>([
      ['a:a', { x: 0, y: 50, width: 100, height: 40 }],
      ['a:b', { x: 200, y: 0, width: 100, height: 40 }],
      ['a:c', { x: 200, y: 100, width: 120, height: 40 }],
    ]);
    assert.equal(navigate(view, boxes, 'a:a', 'downstream'), 'a:b');
    assert.equal(navigate(view, boxes, 'a:c', 'upstream'), 'a:a');
    assert.equal(navigate(view, boxes, 'a:b', 'nextSibling'), 'a:c');
    assert.equal(navigate(view, boxes, 'a:c', 'previousSibling'), 'a:b');
    assert.equal(navigate(view, boxes, 'a:b', 'previousSibling'), null);
    assert.equal(navigate(view, boxes, 'a:a', 'upstream'), null);
  });
});

describe('box grid (what is near the view, what is under the pointer)', () => {
  const boxes: [string, Box][] = [];
  for (let row = 0; row < 20; row++) {
    for (let col = 0; col < 30; col++) boxes.push([`n${row}_${col}`, { x: col * 200, y: row * 80, width: 140, height: 46 }]);
  }
  // One wide box spanning many cells, reported once.
  boxes.push(['wide', { x: 0, y: 1700, width: 6000, height: 20 }]);
  const grid = new BoxGrid(boxes, { x: 0, y: 0, width: 6000, height: 1720 });

  test('a query returns exactly the boxes overlapping the area, each once', () => {
    const area = { x: 390, y: 150, width: 420, height: 100 };
    const found: string[] = [];
    grid.query(area, (id) => found.push(id));
    const expected = boxes
      .filter(([, b]) => b.x <= area.x + area.width && b.x + b.width >= area.x && b.y <= area.y + area.height && b.y + b.height >= area.y)
      .map(([id]) => id);
    assert.deepEqual(found.sort(), expected.sort());
    const wide: string[] = [];
    grid.query({ x: 0, y: 1690, width: 6000, height: 40 }, (id) => wide.push(id));
    assert.deepEqual(wide, ['wide']);
  });

  test('the point lookup finds the box under it, with slack for tiny far-out nodes', () => {
    assert.equal(grid.at(210, 90), 'n1_1');
    assert.equal(grid.at(180, 90), undefined, 'between two nodes');
    assert.equal(grid.at(180, 90, 40), 'n1_1', 'within the slack, the nearest centre');
  });
});
