import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyMap, keyFromId, keyId, keyToDbString, keyToPythonIdentifier, keyToUserString, parseUserKey } from '../../../src/core/model/assetKey';
import { assetGraphSchema, findCycles, type AssetGraph, type AssetNode } from '../../../src/core/model/graph';
import { inferPartitionMapping } from '../../../src/core/model/partitionMappings';
import type { PartitionsDefinition } from '../../../src/core/model/partitions';
import { assetNode } from '../../builders/assetNode';

describe('asset keys', () => {
  test('user strings split on / and honour \\/ escapes', () => {
    assert.deepEqual(parseUserKey('a/b'), ['a', 'b']);
    assert.deepEqual(parseUserKey('a\\/b/c'), ['a/b', 'c']);
    assert.equal(keyToUserString(['a/b', 'c']), 'a\\/b/c');
  });
  test('db string is Python json.dumps, with a space after each comma', () => {
    assert.equal(keyToDbString(['a', 'b"c']), '["a", "b\\"c"]');
  });
  test('python identifier joins with __ and replaces - and .', () => {
    assert.equal(keyToPythonIdentifier(['my-schema', 'table.v2']), 'my_schema__table_v2');
  });
  test('keyId is a cheap opaque id: one per key, and keyFromId gives the key back', () => {
    assert.equal(keyId(['orders']), 'orders');
    const keys = [[], [''], ['', ''], ['a'], ['a', ''], ['', 'a'], ['a', 'b'], ['a\u0000b'], ['a\u0001'], ['\u0001'], ['\u0000', ''], ['a,b'], ['["a"]'], ['a\u0000', 'b']];
    assert.equal(new Set(keys.map(keyId)).size, keys.length);
    for (const key of keys) assert.deepEqual(keyFromId(keyId(key)), key);
    assert.equal(keyId(['a', 'b']), keyId(['a', 'b'].slice()));
  });
  test('KeyMap compares keys by value and keeps first-insertion order', () => {
    const map = new KeyMap<number>();
    map.set(['a', 'b'], 1).set(['a'], 2).set([], 3).set([''], 4).set(['a', 'b'], 5);
    assert.equal(map.size, 4);
    assert.equal(map.get(['a', 'b']), 5);
    assert.equal(map.get(['a']), 2);
    assert.equal(map.get([]), 3);
    assert.equal(map.get(['']), 4);
    assert.equal(map.has(['a', 'b', 'c']), false);
    assert.equal(map.has(['b']), false);
    assert.deepEqual(map.values(), [5, 2, 3, 4]);
  });
});

const daily: PartitionsDefinition = {
  type: 'daily',
  start: '2024-01-01',
  end: null,
  timezone: 'UTC',
  fmt: '%Y-%m-%d',
  endOffset: 0,
  cronSchedule: '0 0 * * *',
  minuteOffset: 0,
  hourOffset: 0,
};
const hourly: PartitionsDefinition = {
  type: 'hourly',
  start: '2024-01-01-00:00',
  end: null,
  timezone: 'UTC',
  fmt: '%Y-%m-%d-%H:%M',
  endOffset: 0,
  cronSchedule: '0 * * * *',
  minuteOffset: 0,
};
const ports: PartitionsDefinition = { type: 'static', keys: ['a', 'b'] };
const multi: PartitionsDefinition = {
  type: 'multi',
  dimensions: [
    { name: 'date', partitions: daily as Exclude<PartitionsDefinition, { type: 'multi' }> },
    { name: 'port', partitions: ports as Exclude<PartitionsDefinition, { type: 'multi' }> },
  ],
};

describe('default partition mapping (§4.2)', () => {
  test('All when either side is unpartitioned', () => {
    assert.deepEqual(inferPartitionMapping(null, null, daily), { type: 'all' });
    assert.deepEqual(inferPartitionMapping(null, daily, null), { type: 'all' });
  });
  test('TimeWindow between two time-window definitions, even with different crons', () => {
    assert.equal(inferPartitionMapping(null, hourly, daily).type, 'time_window');
  });
  test('MultiToSingle when the single definition equals one dimension', () => {
    assert.deepEqual(inferPartitionMapping(null, multi, ports), { type: 'multi_to_single', partitionDimensionName: null });
    assert.deepEqual(inferPartitionMapping(null, daily, multi), { type: 'multi_to_single', partitionDimensionName: null });
    assert.deepEqual(inferPartitionMapping(null, multi, hourly), { type: 'multi_to_single', partitionDimensionName: null });
  });
  test('Identity otherwise, and an explicit mapping always wins', () => {
    assert.deepEqual(inferPartitionMapping(null, ports, daily), { type: 'identity' });
    assert.deepEqual(inferPartitionMapping(null, multi, multi), { type: 'identity' });
    assert.deepEqual(inferPartitionMapping({ type: 'last' }, daily, daily), { type: 'last' });
  });
});

function node(key: string[], deps: string[][]): AssetNode {
  return assetNode(key, { file: 'f.py', codeLocation: 'loc', deps });
}

describe('graph', () => {
  test('cycles are found as components; acyclic graphs have none', () => {
    const graph: AssetGraph = {
      version: 1,
      assets: [node(['a'], [['c']]), node(['b'], [['a']]), node(['c'], [['b']]), node(['d'], [['a']]), node(['s'], [['s']])],
      diagnostics: [],
      codeLocations: [],
    };
    const cycles = findCycles(graph).map((c) => c.map((k) => k.join('/')).sort());
    assert.deepEqual(cycles.sort(), [['a', 'b', 'c'], ['s']]);
    assert.deepEqual(findCycles({ ...graph, assets: [node(['a'], []), node(['b'], [['a']])] }), []);
  });
  test('cycle members are sorted as Array.prototype.sort sorts keys; a key in two locations is one node', () => {
    const graph: AssetGraph = {
      version: 1,
      assets: [node(['b'], [['a', 'z']]), node(['a', 'z'], []), node(['a', 'z'], [['b']]), node(['a,b'], [['a,b']])],
      diagnostics: [],
      codeLocations: [],
    };
    assert.deepEqual(findCycles(graph), [[['a', 'z'], ['b']], [['a,b']]]);
  });
  test('the serialised graph schema rejects malformed input with a message', () => {
    const result = assetGraphSchema.safeParse({ version: 1, assets: [{ key: [] }], diagnostics: [], codeLocations: [] });
    assert.equal(result.success, false);
  });
});
