import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkspaceIndex } from '../../../src/core/view/workspaceIndex';
import { folder, harborFolder, node } from './viewFixtures';

describe('workspace index', () => {
  const harbor = new WorkspaceIndex([harborFolder()]);

  test('direct upstream and downstream keys and counts', () => {
    assert.deepEqual(harbor.upstream('raw/port_calls'), ['raw/voyages', 'customs_declarations']);
    assert.deepEqual([...harbor.downstream('raw/voyages')].sort(), ['analytics/congestion/hourly_berth_occupancy', 'raw/port_calls', 'stg_voyages']);
    assert.deepEqual(harbor.directCounts('raw/container_moves'), { upstream: 1, downstream: 4 });
    assert.deepEqual(harbor.directCounts('no/such/key'), { upstream: 0, downstream: 0 });
  });

  test('the neighbourhood within depths, without the asset itself', () => {
    const near = harbor.neighbourhood('raw/voyages', 1, 2);
    assert.deepEqual([...near.upstream], ['vessel_registry']);
    assert.deepEqual([...near.downstream].sort(), [
      'analytics/congestion/hourly_berth_occupancy',
      'analytics/congestion/idle_hours',
      'analytics/congestion/turnaround_hours',
      'marts/fct_port_calls',
      'raw/port_calls',
      'stg_port_calls',
      'stg_voyages',
    ]);
    assert.equal(harbor.neighbourhood('raw/voyages', 0, 0).downstream.size, 0);
    const all = harbor.neighbourhood('marts/port_kpis', Infinity, 0);
    assert.ok(all.upstream.has('vessel_registry') && all.upstream.has('raw/tariffs'));
  });

  test('a multi-asset counts its neighbours once, without its own outputs', () => {
    const index = new WorkspaceIndex([folder('/w', [node(['a']), node(['b'], { deps: [['a']] }), node(['c'], { deps: [['a'], ['b']] }), node(['d'], { deps: [['b'], ['c']] })])]);
    assert.deepEqual(index.groupCounts(['b', 'c']), { upstream: 1, downstream: 1 });
  });

  test('assets by file (absolute, by line) and the files that define assets', () => {
    const inFile = harbor.assetsInFile('/ws/harbor/harbor/analytics/congestion.py').map((a) => [a.userKey, a.node.line]);
    assert.deepEqual(inFile, [
      ['analytics/congestion/hourly_berth_occupancy', 28],
      ['analytics/congestion/weekly_congestion_index', 42],
      ['analytics/congestion/container_dwell', 60],
      ['analytics/congestion/idle_hours', 91],
      ['analytics/congestion/turnaround_hours', 91],
    ]);
    assert.ok(harbor.filesWithAssets().includes('/ws/harbor/dbt_project/models/marts/port_kpis.sql'));
    assert.equal(harbor.filesWithAssets().some((f) => f.endsWith('/ws/harbor')), false, 'stubs have no file');
    assert.equal(harbor.get('customs_declarations')?.path, null);
  });

  test('several folders: one merged graph, files under their own root, a definition preferred to a stub', () => {
    const one = folder('/a', [node(['x'], { file: 'p/x.py' }), node(['shared'], { file: '', kind: 'stub' })]);
    const two = folder('/b', [node(['shared'], { file: 'q/s.py', deps: [['x']] })]);
    const index = new WorkspaceIndex([one, two]);
    assert.equal(index.graph.assets.length, 3);
    assert.equal(index.get('shared')?.path, '/b/q/s.py');
    assert.equal(index.get('x')?.path, '/a/p/x.py');
    assert.deepEqual(index.downstream('x'), ['shared']);
    assert.equal(new WorkspaceIndex([one]).graph, one.graph, 'one folder: its own graph, not a copy');
  });

  test('a written key resolves exactly, then through the enclosing definition only', () => {
    const enclosing = [harbor.get('raw/port_calls')!];
    assert.equal(harbor.resolve({ key: ['vessel_registry'], form: 'key' })?.userKey, 'vessel_registry');
    // `voyages` is the input of port_calls; the loader prefixed it to raw/voyages.
    assert.equal(harbor.resolve({ key: ['voyages'], form: 'input' }, enclosing)?.userKey, 'raw/voyages');
    assert.equal(harbor.resolve({ key: ['voyages'], form: 'key' }, enclosing)?.userKey, 'raw/voyages');
    assert.equal(harbor.resolve({ key: ['voyages'], form: 'key' }), undefined, 'no guess without a definition around it');
    const monthly = [harbor.get('analytics/reports/monthly_port_report')!];
    assert.equal(harbor.resolve({ key: ['daily_port_throughput'], form: 'key' }, monthly)?.userKey, 'analytics/throughput/daily_port_throughput');
    const multi = [harbor.get('analytics/congestion/idle_hours')!, harbor.get('analytics/congestion/turnaround_hours')!];
    assert.equal(harbor.resolve({ key: ['idle_hours'], form: 'output' }, multi)?.userKey, 'analytics/congestion/idle_hours');
    assert.equal(harbor.resolve({ key: ['nothing'], form: 'input' }, multi), undefined);
  });
});
