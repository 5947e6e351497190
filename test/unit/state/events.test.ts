import assert from 'node:assert/strict';
import { test } from 'node:test';
import { provenanceOf, readAssetEvent } from '../../../src/core/state/events';
import { decodeSerdes } from '../../../src/core/state/serdes';

test('serdes tags: enums to member names, sets and mappings to plain values', () => {
  assert.deepEqual(
    decodeSerdes({ a: { __enum__: 'PipelineRunStatus.FAILURE' }, b: { __set__: [1, 2] }, c: { __frozenset__: ['x'] }, d: { __mapping_items__: [['k', { __enum__: 'X.Y' }]] } }),
    { a: 'FAILURE', b: [1, 2], c: ['x'], d: { k: 'Y' } },
  );
});

test('a failure event reads its reason; provenance reads current and legacy tag names', () => {
  const failure = JSON.stringify({
    __class__: 'EventLogEntry',
    run_id: 'r1',
    timestamp: 1.5,
    dagster_event: {
      event_type_value: 'ASSET_FAILED_TO_MATERIALIZE',
      event_specific_data: {
        __class__: 'AssetFailedToMaterializeData',
        asset_materialization_failure: { asset_key: { path: ['a', 'b'] }, partition: 'p', tags: {}, reason: { __enum__: 'AssetMaterializationFailureReason.UPSTREAM_SKIPPED' } },
      },
    },
  });
  const event = readAssetEvent(failure);
  assert.deepEqual([event?.type, event?.assetKey, event?.partition, event?.failureReason, event?.runId], ['ASSET_FAILED_TO_MATERIALIZE', ['a', 'b'], 'p', 'UPSTREAM_SKIPPED', 'r1']);
  assert.equal(readAssetEvent('{"truncated'), null);
  assert.equal(readAssetEvent(JSON.stringify({ dagster_event: { event_type_value: 'STEP_SUCCESS' } })), null);
  const provenance = provenanceOf({
    'dagster/logical_version': 'v1',
    'dagster/code_version': 'c',
    'dagster/input_logical_version/up/x': 'u1',
    'dagster/input_event_pointer/up/x': 'NULL',
    'dagster/input_event_pointer/other': '42',
  });
  assert.deepEqual(provenance, {
    dataVersion: 'v1',
    codeVersion: 'c',
    dataVersionIsUserProvided: false,
    inputDataVersions: { 'up/x': 'u1' },
    inputEventPointers: { 'up/x': null, other: 42 },
  });
});
