import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AssetGraph, AssetNode } from '../../../src/core/model/graph';
import type { PartitionMapping } from '../../../src/core/model/partitionMappings';
import type { PartitionsDefinition, SingleDimensionPartitions, TimeWindowPartitions } from '../../../src/core/model/partitions';
import { computeImpact, impactJson, selectionCount, type ImpactedAsset, type ImpactResult, type SourcePartitions } from '../../../src/core/partitions/impact';
import { subsetKeyRanges, subsetKeys } from '../../../src/core/partitions/subsets';
import { assetNode } from '../../builders/assetNode';

/**
 * Downstream impact through partition mappings on small hand-written graphs. Evaluated at
 * now = Thursday 2021-07-01 00:00 UTC:
 *   daily from 2021-05-01   -> 2021-05-01 .. 2021-06-30 (61)
 *   weekly (Sunday)         -> 2021-05-02 .. 2021-06-20 (8; the week of Jun 27 has not ended)
 *   monthly                 -> 2021-05-01, 2021-06-01
 *   hourly from 2021-05-01  -> 61 * 24 = 1464
 */

const NOW = Date.UTC(2021, 6, 1);

const DAILY: TimeWindowPartitions = { type: 'daily', start: '2021-05-01', end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * *', minuteOffset: 0, hourOffset: 0 };
const HOURLY: TimeWindowPartitions = { type: 'hourly', start: '2021-05-01-00:00', end: null, timezone: 'UTC', fmt: '%Y-%m-%d-%H:%M', endOffset: 0, cronSchedule: '0 * * * *', minuteOffset: 0 };
const WEEKLY: TimeWindowPartitions = { type: 'weekly', start: '2021-05-01', end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * 0', minuteOffset: 0, hourOffset: 0, dayOffset: 0 };
const MONTHLY: TimeWindowPartitions = { type: 'monthly', start: '2021-05-01', end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 1 * *', minuteOffset: 0, hourOffset: 0, dayOffset: 1 };
const staticDef = (...keys: string[]): SingleDimensionPartitions => ({ type: 'static', keys });

const lag: PartitionMapping = { type: 'time_window', startOffset: -1, endOffset: -1, allowNonexistentUpstreamPartitions: false };

/** One asset: its partitions and its parents, each a name or [name, explicit mapping]. */
interface Spec {
  partitions?: PartitionsDefinition | null;
  deps?: (string | [string, PartitionMapping])[];
}

/** A graph from `{ name: spec }`, in the order written. */
function graph(specs: Record<string, Spec>): AssetGraph {
  const assets: AssetNode[] = Object.entries(specs).map(([name, spec]) =>
    assetNode([name], {
      partitions: spec.partitions ?? null,
      deps: (spec.deps ?? []).map((d) => (typeof d === 'string' ? { key: [d] } : { key: [d[0]], partitionMapping: d[1] })),
    }),
  );
  return { version: 1, assets, diagnostics: [], codeLocations: [] };
}

function impact(g: AssetGraph, source: string, partitions: SourcePartitions): ImpactResult {
  return computeImpact(g, [source], partitions, { now: NOW });
}

const keys = (...list: string[]): SourcePartitions => ({ kind: 'keys', keys: list });

function find(result: ImpactResult, name: string): ImpactedAsset {
  const found = result.impacted.find((a) => a.key.join('/') === name);
  assert.ok(found, `${name} should be impacted; got ${result.impacted.map((a) => a.key.join('/')).join(', ')}`);
  return found;
}

/** Keys of an impacted asset's selection, or 'whole' / 'unknown'. */
function keysOf(asset: ImpactedAsset, limit = Infinity): string[] | 'whole' | 'unknown' {
  const s = asset.selection;
  if (s === null) return [];
  if (s.kind === 'whole') return 'whole';
  if (s.kind === 'unknown') return 'unknown';
  return subsetKeys(s, limit);
}

function rangesOf(asset: ImpactedAsset): [string, string][] {
  const s = asset.selection;
  assert.ok(s && s.kind !== 'whole' && s.kind !== 'unknown');
  return subsetKeyRanges(s);
}

const names = (result: ImpactResult): string[] => result.impacted.map((a) => a.key.join('/'));
const pathOf = (asset: ImpactedAsset): string => asset.path.map((k) => k.join('/')).join(' > ');

function days(from: number, to: number, month: number): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d++) out.push(`2021-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  return out;
}

describe('chains with mixed mappings', () => {
  const chain = graph({
    d: { partitions: DAILY },
    w: { partitions: WEEKLY, deps: ['d'] },
    m: { partitions: MONTHLY, deps: ['w'] },
  });

  test('daily -> weekly -> monthly: a day reaches its week and that week its month', () => {
    const result = impact(chain, 'd', keys('2021-05-12'));
    assert.deepEqual(names(result), ['w', 'm']);
    // May 12 is in the week of Sunday May 9; that week lies in May.
    assert.deepEqual(keysOf(find(result, 'w')), ['2021-05-09']);
    assert.deepEqual(keysOf(find(result, 'm')), ['2021-05-01']);
    assert.equal(find(result, 'w').depth, 1);
    assert.equal(find(result, 'm').depth, 2);
    assert.equal(pathOf(find(result, 'm')), 'd > w > m');
  });

  test('a week that straddles two months impacts both months', () => {
    // May 30 (Sun) .. Jun 1 is one week, [May 30, Jun 6), which overlaps May and June.
    const result = impact(chain, 'd', { kind: 'range', start: '2021-05-30', end: '2021-06-01' });
    assert.deepEqual(keysOf(find(result, 'w')), ['2021-05-30']);
    assert.deepEqual(keysOf(find(result, 'm')), ['2021-05-01', '2021-06-01']);
    assert.equal(selectionCount(result.source.selection), 3);
  });

  test('days whose week has not ended reach no weekly partition, and the chain stops there', () => {
    // Jun 27 .. Jun 30 lie in the week of Jun 27, which is not a partition at now.
    const result = impact(chain, 'd', keys('2021-06-27', '2021-06-30'));
    assert.deepEqual(names(result), []);
  });

  test('hourly -> daily: hours reach their days', () => {
    const g = graph({ h: { partitions: HOURLY }, dd: { partitions: DAILY, deps: ['h'] } });
    const result = impact(g, 'h', keys('2021-05-10-05:00', '2021-05-11-23:00', '2021-05-20-00:00'));
    assert.deepEqual(keysOf(find(result, 'dd')), ['2021-05-10', '2021-05-11', '2021-05-20']);
    assert.deepEqual(rangesOf(find(result, 'dd')), [['2021-05-10', '2021-05-11'], ['2021-05-20', '2021-05-20']]);
    // All hours reach all days.
    const all = impact(g, 'h', { kind: 'all' });
    assert.equal(selectionCount(all.source.selection), 1464);
    assert.equal(selectionCount(find(all, 'dd').selection), 61);
  });

  test('daily -> hourly: a day reaches its 24 hours', () => {
    const g = graph({ dd: { partitions: DAILY }, h: { partitions: HOURLY, deps: ['dd'] } });
    const result = impact(g, 'dd', keys('2021-05-10'));
    assert.equal(selectionCount(find(result, 'h').selection), 24);
    assert.deepEqual(rangesOf(find(result, 'h')), [['2021-05-10-00:00', '2021-05-10-23:00']]);
  });
});

describe('shape of the graph', () => {
  test('diamond: depth is the shortest path, and that path is listed', () => {
    // a -> b -> c -> d and a -> x -> d: d is two edges away through x; e is one further.
    const g = graph({
      a: { partitions: DAILY },
      b: { partitions: DAILY, deps: ['a'] },
      c: { partitions: DAILY, deps: ['b'] },
      x: { partitions: DAILY, deps: ['a'] },
      d: { partitions: DAILY, deps: ['c', 'x'] },
      e: { partitions: DAILY, deps: ['d'] },
    });
    const result = impact(g, 'a', keys('2021-05-10', '2021-05-11'));
    assert.deepEqual(
      result.impacted.map((i) => [i.key.join('/'), i.depth]),
      [['b', 1], ['x', 1], ['c', 2], ['d', 2], ['e', 3]],
    );
    assert.equal(pathOf(find(result, 'd')), 'a > x > d');
    assert.equal(pathOf(find(result, 'e')), 'a > x > d > e');
    assert.equal(pathOf(find(result, 'c')), 'a > b > c');
    for (const asset of result.impacted) assert.deepEqual(keysOf(asset), ['2021-05-10', '2021-05-11']);
  });

  test('a diamond merges what both branches bring', () => {
    // b depends on a with a lag, c with identity: d (both) gets the union.
    const g = graph({
      a: { partitions: DAILY },
      b: { partitions: DAILY, deps: [['a', lag]] },
      c: { partitions: DAILY, deps: ['a'] },
      d: { partitions: DAILY, deps: ['b', 'c'] },
    });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.deepEqual(keysOf(find(result, 'b')), ['2021-05-11']);
    assert.deepEqual(keysOf(find(result, 'c')), ['2021-05-10']);
    assert.deepEqual(keysOf(find(result, 'd')), ['2021-05-10', '2021-05-11']);
  });

  test('unpartitioned children are impacted whole (count 1); their partitioned children entirely', () => {
    const g = graph({
      a: { partitions: DAILY },
      u: { deps: ['a'] },
      v: { deps: ['u'] },
      p: { partitions: staticDef('x', 'y', 'z'), deps: ['u'] },
    });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.equal(keysOf(find(result, 'u')), 'whole');
    assert.equal(selectionCount(find(result, 'u').selection), 1);
    assert.equal(keysOf(find(result, 'v')), 'whole');
    assert.deepEqual(keysOf(find(result, 'p')), ['x', 'y', 'z']);
    assert.equal(find(result, 'v').depth, 2);
    // From an unpartitioned source the selection is the whole asset.
    const fromU = impact(g, 'u', { kind: 'all' });
    assert.equal(selectionCount(fromU.source.selection), 1);
    assert.deepEqual(names(fromU), ['v', 'p']);
  });

  test('assets not downstream of the source are not listed', () => {
    const g = graph({ a: { partitions: DAILY }, b: { partitions: DAILY, deps: ['a'] }, other: { partitions: DAILY } });
    assert.deepEqual(names(impact(g, 'b', keys('2021-05-10'))), []);
    assert.throws(() => impact(g, 'missing', { kind: 'all' }));
  });
});

describe('Last and Specific mappings', () => {
  const g = graph({
    a: { partitions: DAILY },
    s: { partitions: staticDef('x', 'y'), deps: [['a', { type: 'last' }]] },
    t: { partitions: staticDef('x', 'y'), deps: ['s'] },
  });

  test('Last: the last daily partition reaches every downstream partition', () => {
    const result = impact(g, 'a', keys('2021-06-29', '2021-06-30'));
    assert.deepEqual(keysOf(find(result, 's')), ['x', 'y']);
    assert.deepEqual(keysOf(find(result, 't')), ['x', 'y']);
  });

  test('Last: any other partition reaches nothing', () => {
    const result = impact(g, 'a', { kind: 'range', start: '2021-05-01', end: '2021-06-29' });
    assert.deepEqual(names(result), []);
  });

  test('Specific: only the named upstream keys reach the downstream asset', () => {
    const specific = graph({
      a: { partitions: DAILY },
      s: { partitions: staticDef('x', 'y'), deps: [['a', { type: 'specific', keys: ['2021-05-10'] }]] },
    });
    assert.deepEqual(keysOf(find(impact(specific, 'a', keys('2021-05-10')), 's')), ['x', 'y']);
    assert.deepEqual(names(impact(specific, 'a', keys('2021-05-11'))), []);
  });
});

describe('cycles terminate', () => {
  test('self-dependency with a one-day lag: every later partition of the source is impacted', () => {
    // Each day depends on the previous one, so May 10 reaches May 11 .. Jun 30 of the same asset.
    const g = graph({ a: { partitions: DAILY, deps: [['a', lag]] }, c: { partitions: DAILY, deps: ['a'] } });
    const result = impact(g, 'a', keys('2021-05-10'));
    const self = find(result, 'a');
    assert.equal(self.depth, 1);
    assert.deepEqual(rangesOf(self), [['2021-05-11', '2021-06-30']]);
    assert.equal(selectionCount(self.selection), 51);
    // The child sees the source partition and everything the lag added.
    assert.deepEqual(rangesOf(find(result, 'c')), [['2021-05-10', '2021-06-30']]);
  });

  test('the one-day lag closure lists every day in order', () => {
    const g = graph({ a: { partitions: DAILY, deps: [['a', lag]] } });
    const self = find(impact(g, 'a', keys('2021-06-25')), 'a');
    assert.deepEqual(keysOf(self), days(26, 30, 6));
  });

  test('self-dependency with a two-day lag: every second day after the source', () => {
    const lag2: PartitionMapping = { type: 'time_window', startOffset: -2, endOffset: -2, allowNonexistentUpstreamPartitions: false };
    const g = graph({ a: { partitions: DAILY, deps: [['a', lag2]] } });
    const result = impact(g, 'a', keys('2021-06-20'));
    assert.deepEqual(keysOf(find(result, 'a')), ['2021-06-22', '2021-06-24', '2021-06-26', '2021-06-28', '2021-06-30']);
  });

  test('self-dependency from the last partition adds nothing', () => {
    const g = graph({ a: { partitions: DAILY, deps: [['a', lag]] } });
    assert.deepEqual(names(impact(g, 'a', keys('2021-06-30'))), []);
  });

  test('two assets depending on each other with identity: settles at once', () => {
    const g = graph({ a: { partitions: DAILY, deps: ['b'] }, b: { partitions: DAILY, deps: ['a'] } });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.deepEqual(names(result), ['b']);
    assert.deepEqual(keysOf(find(result, 'b')), ['2021-05-10']);
  });

  test('two assets in a cycle through a lag: both grow to the end, then stop', () => {
    // b lags a by a day, a follows b: May 10 of a -> May 11 of b -> May 11 of a -> ...
    const g = graph({ a: { partitions: DAILY, deps: ['b'] }, b: { partitions: DAILY, deps: [['a', lag]] } });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.deepEqual(rangesOf(find(result, 'b')), [['2021-05-11', '2021-06-30']]);
    assert.deepEqual(rangesOf(find(result, 'a')), [['2021-05-11', '2021-06-30']]);
    assert.equal(find(result, 'b').depth, 1);
  });
});

describe('unknown and multi-partitioned assets', () => {
  test('a dynamic asset without keys is reported as unknown, and so is what follows it (except All)', () => {
    const g = graph({
      a: { partitions: DAILY },
      // Explicit mappings: Dagster refuses the identity it would infer between different classes.
      dyn: { partitions: { type: 'dynamic', name: 'customers' }, deps: [['a', { type: 'all' }]] },
      after: { partitions: staticDef('x'), deps: [['dyn', { type: 'last' }]] },
      report: { deps: ['dyn'] },
    });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.equal(keysOf(find(result, 'dyn')), 'unknown');
    assert.equal(selectionCount(find(result, 'dyn').selection), null);
    assert.equal(keysOf(find(result, 'after')), 'unknown');
    // An unpartitioned child depends on all of it (All), known or not.
    assert.equal(keysOf(find(result, 'report')), 'whole');
  });

  test('a dynamic source without keys: the selection is unknown', () => {
    const g = graph({ dyn: { partitions: { type: 'dynamic', name: 'customers' } }, u: { deps: ['dyn'] } });
    const result = impact(g, 'dyn', { kind: 'all' });
    assert.equal(result.source.selection?.kind, 'unknown');
    assert.equal(keysOf(find(result, 'u')), 'whole');
  });

  test('daily -> multi (date, region) by the inferred MultiToSingle mapping', () => {
    const g = graph({
      a: { partitions: DAILY },
      m: {
        partitions: { type: 'multi', dimensions: [{ name: 'date', partitions: DAILY }, { name: 'region', partitions: staticDef('eu', 'us') }] },
        deps: ['a'],
      },
    });
    const result = impact(g, 'a', keys('2021-05-10', '2021-05-11'));
    const m = find(result, 'm');
    assert.equal(selectionCount(m.selection), 4);
    assert.deepEqual(keysOf(m), ['2021-05-10|eu', '2021-05-10|us', '2021-05-11|eu', '2021-05-11|us']);
    // Two dates and two regions: a tie, so ranges are grouped by the time dimension (Dagster's rule).
    assert.deepEqual(rangesOf(m), [
      ['2021-05-10|eu', '2021-05-10|us'],
      ['2021-05-11|eu', '2021-05-11|us'],
    ]);
  });

  test('source keys that are not partitions are an error', () => {
    const g = graph({ a: { partitions: DAILY } });
    assert.throws(() => impact(g, 'a', keys('2021-07-01')));
  });
});

describe('impactJson', () => {
  const g = graph({
    a: { partitions: DAILY },
    s: { partitions: staticDef('x', 'y'), deps: [['a', { type: 'specific', keys: ['2021-05-10'] }]] },
    u: { deps: ['a'] },
    w: { partitions: WEEKLY, deps: ['a'] },
    dyn: { partitions: { type: 'dynamic', name: 'customers' }, deps: [['s', { type: 'all' }]] },
  });

  test('source {asset, count, ranges}; impacted {asset, depth, count, ranges, keys (non-time only), path}', () => {
    const json = impactJson(impact(g, 'a', keys('2021-05-10', '2021-05-11')));
    assert.deepEqual(json, {
      source: { asset: ['a'], count: 2, ranges: [['2021-05-10', '2021-05-11']] },
      impacted: [
        { asset: ['s'], depth: 1, count: 2, ranges: [['x', 'y']], keys: ['x', 'y'], path: [['a'], ['s']] },
        { asset: ['u'], depth: 1, count: 1, partitioned: false, path: [['a'], ['u']] },
        { asset: ['w'], depth: 1, count: 1, ranges: [['2021-05-09', '2021-05-09']], path: [['a'], ['w']] },
        {
          asset: ['dyn'],
          depth: 2,
          count: null,
          unknown: "the keys of dynamic partitions 'customers' come from the Dagster instance and are not loaded yet",
          path: [['a'], ['s'], ['dyn']],
        },
      ],
    });
  });

  test('keys are capped by the key limit; ranges are not', () => {
    const json = impactJson(impact(g, 'a', keys('2021-05-10')), 1) as { impacted: { asset: string[]; keys?: string[]; ranges?: unknown }[] };
    const s = json.impacted.find((i) => i.asset[0] === 's');
    assert.deepEqual(s?.keys, ['x']);
    assert.deepEqual(s?.ranges, [['x', 'y']]);
  });

  test('a static source lists its keys too', () => {
    const statics = graph({ s: { partitions: staticDef('x', 'y', 'z') }, t: { partitions: staticDef('x', 'y', 'z'), deps: ['s'] } });
    const json = impactJson(impact(statics, 's', keys('x', 'z'))) as { source: unknown; impacted: unknown[] };
    assert.deepEqual(json.source, { asset: ['s'], count: 2, ranges: [['x', 'x'], ['z', 'z']], keys: ['x', 'z'] });
    assert.deepEqual(json.impacted, [{ asset: ['t'], depth: 1, count: 2, ranges: [['x', 'x'], ['z', 'z']], keys: ['x', 'z'], path: [['s'], ['t']] }]);
  });
});

describe('what Dagster does that a mapping alone would not', () => {
  test('an unpartitioned side ignores the mapping: the whole child depends on any selected partition', () => {
    const g = graph({
      a: { partitions: DAILY },
      // Last on an unpartitioned child: Dagster's asset graph never asks the mapping.
      report: { deps: [['a', { type: 'last' }]] },
      // Explicit mappings below an unpartitioned asset: every partition of the child.
      windowed: { partitions: DAILY, deps: [['report', { type: 'time_window', startOffset: -1, endOffset: 0, allowNonexistentUpstreamPartitions: false }]] },
      picked: { partitions: DAILY, deps: [['report', { type: 'specific', keys: ['2021-05-01'] }]] },
    });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.equal(keysOf(find(result, 'report')), 'whole');
    assert.equal(selectionCount(find(result, 'windowed').selection), 61);
    assert.equal(selectionCount(find(result, 'picked').selection), 61);
  });

  test('an asset on its own partition two back reaches every second later window', () => {
    const lag2: PartitionMapping = { type: 'time_window', startOffset: -2, endOffset: -2, allowNonexistentUpstreamPartitions: false };
    const g = graph({ a: { partitions: DAILY, deps: [['a', lag2]] } });
    const result = impact(g, 'a', keys('2021-06-20', '2021-06-23'));
    // From June 20: 22, 24, …, 30; from June 23: 25, 27, 29 (the source's own keys are not repeated).
    assert.deepEqual(keysOf(find(result, 'a')), ['2021-06-22', '2021-06-24', '2021-06-25', '2021-06-26', '2021-06-27', '2021-06-28', '2021-06-29', '2021-06-30']);
  });
});

describe('mappings Dagster refuses', () => {
  test('an inferred identity between a daily and a static asset is reported and not followed', () => {
    const g = graph({ a: { partitions: DAILY }, s: { partitions: staticDef('x', 'y'), deps: ['a'] }, ok: { partitions: DAILY, deps: ['a'] } });
    const result = impact(g, 'a', keys('2021-05-10'));
    assert.deepEqual(names(result), ['ok']);
    assert.equal(result.invalidEdges.length, 1);
    assert.deepEqual([result.invalidEdges[0]?.upstream, result.invalidEdges[0]?.downstream], [['a'], ['s']]);
    assert.match(result.invalidEdges[0]?.message ?? '', /^Invalid partition mapping from s to a: Upstream and downstream partitions definitions must match/);
    assert.deepEqual((impactJson(result) as { invalidEdges: unknown[] }).invalidEdges, result.invalidEdges);
  });
});
