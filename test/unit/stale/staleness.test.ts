import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { AssetGraph, AssetNode } from '../../../src/core/model/graph';
import type { TimeWindowPartitions } from '../../../src/core/model/partitions';
import { staleReport } from '../../../src/core/stale/staleReport';
import { partitionStaleness, StalenessContext, type Staleness } from '../../../src/core/stale/staleness';
import { readLocalInstance, type LocalInstance } from '../../../src/core/state/localInstance';
import { assetNode, type AssetNodeFields } from '../../builders/assetNode';

/**
 * Dagster's stale status on the real Dagster University instance (Dagster 1.7): every partition is
 * fresh as the project stands; changing the definitions the way a user would makes them stale for
 * the reasons Dagster gives.
 */
const home = join(__dirname, '..', '..', 'fixtures', 'dagster-instances', 'LachlanJW__dagster_university');
const now = Date.UTC(2024, 8, 10);
const monthly: TimeWindowPartitions = { type: 'monthly', start: '2023-01-01', end: '2023-04-01', timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 1 * *', minuteOffset: 0, hourOffset: 0, dayOffset: 1 };
const weekly: TimeWindowPartitions = { type: 'weekly', start: '2023-01-01', end: '2023-04-01', timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * 0', minuteOffset: 0, hourOffset: 0, dayOffset: 0 };

/** The project's assets (keys and dependencies as its provenance records them), with changes. */
function project(changes: Record<string, AssetNodeFields> = {}, extra: AssetNode[] = []): AssetGraph {
  const base: Record<string, AssetNodeFields> = {
    taxi_trips_file: { partitions: monthly },
    taxi_zones_file: {},
    taxi_trips: { partitions: monthly, deps: [['taxi_trips_file']] },
    taxi_zones: { deps: [['taxi_zones_file']] },
    trips_by_week: { partitions: weekly, deps: [['taxi_trips']] },
    manhattan_stats: { deps: [['taxi_trips'], ['taxi_zones']] },
    manhattan_map: { deps: [['manhattan_stats']] },
    adhoc_request: { deps: [['taxi_zones'], ['taxi_trips']] },
  };
  const assets = Object.entries(base).map(([name, fields]) => assetNode([name], { ...fields, ...changes[name] }));
  return { version: 1, assets: [...assets, ...extra], diagnostics: [], codeLocations: [] };
}

let instance: LocalInstance;
before(async () => {
  instance = await readLocalInstance(home, { inputChanges: true });
});

function staleness(graph: AssetGraph, key: string, partition: string | null = null): Staleness {
  const ctx = new StalenessContext(graph, instance, { now });
  const node = graph.assets.find((a) => a.key.join('/') === key);
  assert.ok(node, key);
  return partitionStaleness(ctx, node, partition);
}

describe('stale status on a real instance', () => {
  test('as the project stands, every partition is fresh (each failed run was re-run)', () => {
    const graph = project();
    for (const [key, partitions] of Object.entries({ taxi_trips: ['2023-01-01', '2023-02-01', '2023-03-01'], trips_by_week: ['2023-01-29', '2023-03-19'] })) {
      for (const p of partitions) assert.deepEqual(staleness(graph, key, p), { status: 'FRESH', causes: [] }, `${key} ${p}`);
    }
    for (const key of ['taxi_zones', 'manhattan_stats', 'manhattan_map', 'adhoc_request']) assert.equal(staleness(graph, key).status, 'FRESH', key);
  });

  test('a code version the asset now defines differs from the recorded one (the run id): CODE', () => {
    assert.deepEqual(staleness(project({ taxi_zones: { codeVersion: '2' } }), 'taxi_zones'), {
      status: 'STALE',
      causes: [{ category: 'CODE', reason: 'has a new code version' }],
    });
    // Not transitive: manhattan_stats below it stays fresh.
    assert.equal(staleness(project({ taxi_zones: { codeVersion: '2' } }), 'manhattan_stats').status, 'FRESH');
  });

  test('dependencies removed and added: DEPENDENCIES', () => {
    assert.deepEqual(staleness(project({ manhattan_stats: { deps: [['taxi_trips']] } }), 'manhattan_stats').causes, [
      { category: 'DEPENDENCIES', reason: 'removed dependency on taxi_zones', dependency: { asset: ['taxi_zones'], partition: null } },
    ]);
    assert.deepEqual(staleness(project({ manhattan_map: { deps: [['manhattan_stats'], ['taxi_zones']] } }), 'manhattan_map').causes, [
      { category: 'DEPENDENCIES', reason: 'has a new dependency on taxi_zones', dependency: { asset: ['taxi_zones'], partition: null } },
    ]);
  });

  test('a mapped upstream partition re-materialized after the input was read: DATA, through the partition mapping', () => {
    // taxi_trips_file 2023-03-01 was materialized again (event 46) after taxi_trips 2023-01-01 read
    // its inputs (pointer 45). With the default mapping January reads only January: still fresh.
    // Reading the next two months too (end_offset=2) makes it stale because of March.
    const wide = { type: 'time_window' as const, startOffset: 0, endOffset: 2, allowNonexistentUpstreamPartitions: false };
    const graph = project({ taxi_trips: { partitions: monthly, deps: [{ key: ['taxi_trips_file'], partitionMapping: wide }] } });
    assert.deepEqual(staleness(graph, 'taxi_trips', '2023-01-01'), {
      status: 'STALE',
      causes: [{ category: 'DATA', reason: 'has a new dependency materialization', dependency: { asset: ['taxi_trips_file'], partition: '2023-03-01' } }],
    });
    // March itself read March after event 46: fresh.
    assert.equal(staleness(graph, 'taxi_trips', '2023-03-01').status, 'FRESH');
    // With a code version on the upstream, Dagster says "data version".
    const versioned = project({ taxi_trips_file: { partitions: monthly, codeVersion: 'v1' }, taxi_trips: { partitions: monthly, deps: [{ key: ['taxi_trips_file'], partitionMapping: wide }] } });
    assert.equal(staleness(versioned, 'taxi_trips', '2023-01-01').causes[0]?.reason, 'has a new dependency data version');
  });

  test('a time-window parent reached through All is not checked (Dagster skips it)', () => {
    const all = { type: 'all' as const };
    const graph = project({ taxi_trips: { partitions: monthly, deps: [{ key: ['taxi_trips_file'], partitionMapping: all }] } });
    assert.equal(staleness(graph, 'taxi_trips', '2023-01-01').status, 'FRESH');
  });

  test('never materialized is MISSING; an external asset is always FRESH', () => {
    const graph = project({}, [assetNode(['new_report'], { deps: [['taxi_zones']] }), assetNode(['vendor_feed'], { kind: 'external' })]);
    assert.deepEqual(staleness(graph, 'new_report'), { status: 'MISSING', causes: [] });
    assert.deepEqual(staleness(graph, 'vendor_feed'), { status: 'FRESH', causes: [] });
  });
});

describe('one graph against successive instances', () => {
  test('what a graph alone decides is kept per graph; what each instance holds is not', () => {
    // The extension evaluates the same graph object after every re-read of the instance.
    const graph = project({ taxi_zones: { codeVersion: '2' } });
    const empty: LocalInstance = { assets: new Map(), runs: new Map(), runsByStatus: {}, dynamicPartitions: new Map(), inputPointerColumn: [], inputHistories: null };
    const at = (state: LocalInstance, key: string, partition: string | null = null): string => {
      const node = graph.assets.find((a) => a.key.join('/') === key) as AssetNode;
      return partitionStaleness(new StalenessContext(graph, state, { now }), node, partition).status;
    };
    assert.equal(at(instance, 'taxi_zones'), 'STALE');
    assert.equal(at(instance, 'taxi_trips', '2023-02-01'), 'FRESH');
    assert.equal(at(empty, 'taxi_zones'), 'MISSING');
    assert.equal(at(empty, 'taxi_trips', '2023-02-01'), 'MISSING');
    assert.equal(at(instance, 'taxi_zones'), 'STALE');
    const totals = (state: LocalInstance): { stale: number; missing: number } =>
      staleReport(graph, state, now).reduce((t, a) => ({ stale: t.stale + a.status.stale, missing: t.missing + a.status.missing }), { stale: 0, missing: 0 });
    assert.deepEqual(totals(empty), { stale: 0, missing: 23 });
    assert.deepEqual(totals(instance), { stale: 1, missing: 0 });
    assert.deepEqual(totals(empty), { stale: 0, missing: 23 });
  });
});

describe('the stale report', () => {
  test('counts, stale groups with causes, and fresh partitions downstream of stale ones (labelled as not Dagster)', () => {
    const wide = { type: 'time_window' as const, startOffset: 0, endOffset: 2, allowNonexistentUpstreamPartitions: false };
    const graph = project({
      taxi_zones: { codeVersion: '2', deps: [['taxi_zones_file']] },
      taxi_trips: { partitions: monthly, deps: [{ key: ['taxi_trips_file'], partitionMapping: wide }] },
    });
    const report = new Map(staleReport(graph, instance, now).map((r) => [r.asset.join('/'), r]));
    assert.deepEqual(report.get('taxi_zones')?.status, { fresh: 0, stale: 1, missing: 0, failed: 0 });
    assert.deepEqual(report.get('taxi_zones')?.stale, [{ count: 1, ranges: [], causes: [{ category: 'CODE', reason: 'has a new code version' }] }]);
    const trips = report.get('taxi_trips');
    // January and February both read March (pointer 45, before March's event 46); March is fresh.
    assert.deepEqual(trips?.status, { fresh: 1, stale: 2, missing: 0, failed: 0 });
    assert.deepEqual(trips?.stale, [
      { count: 2, ranges: [['2023-01-01', '2023-02-01']], causes: [{ category: 'DATA', reason: 'has a new dependency materialization', dependency: ['taxi_trips_file'] }] },
    ]);
    // Fresh by Dagster's rules, but downstream of the stale ones: re-running those will outdate them.
    assert.deepEqual(report.get('manhattan_stats')?.impacted, [{ count: 1, ranges: [], upstream: [['taxi_trips'], ['taxi_zones']] }]);
    // trips_by_week reads taxi_trips by overlap: every week touching January or February.
    assert.deepEqual(report.get('trips_by_week')?.impacted, [{ count: 9, ranges: [['2023-01-01', '2023-02-26']], upstream: [['taxi_trips']] }]);
    assert.deepEqual(report.get('taxi_trips_file')?.impacted, []);
  });
});
