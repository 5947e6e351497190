import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MaterializationRecord, PartitionState } from '../../../src/core/state/instanceState';
import { codeVersionAt, failedFlag, flagsAt, inputListAt, pointerAt, provenanceFlag, recordFlag, statusColumns, stride } from '../../../src/core/state/statusColumns';

/** One asset's states as the columns bulk staleness walks: what each partition's current record says. */

const inputs = Object.freeze(['up']);
function record(storageId: number, fields: Partial<MaterializationRecord> = {}): MaterializationRecord {
  return { storageId, timestamp: storageId * 1000, runId: `run-${storageId}`, dataVersion: 'v1', codeVersion: '1', inputNames: inputs, inputPointerAt: storageId * 10, dataVersionIsUserProvided: false, inputDataVersions: { up: 'u1' }, inputEventPointers: { up: 1 }, ...fields };
}
function state(partition: string, fields: Partial<PartitionState>): PartitionState {
  return { partition, status: 'materialized', lastMaterialization: null, lastObservation: null, lastPlanned: null, lastFailure: null, ...fields };
}

describe('status columns', () => {
  const states = new Map<string | null, PartitionState>([
    ['a', state('a', { lastMaterialization: record(5) })],
    // The newer of materialization and observation is the current record.
    ['b', state('b', { lastMaterialization: record(6, { codeVersion: '2' }), lastObservation: record(9, { codeVersion: null, dataVersion: null, inputNames: [] }) })],
    ['c', state('c', { status: 'failed', lastMaterialization: record(7) })],
    ['d', state('d', { status: 'missing', lastPlanned: { storageId: 8, timestamp: 8000, runId: 'run-8' } })],
  ]);
  const columns = statusColumns(states);
  const at = (i: number, field: number): number => columns.data[i * stride + field] as number;

  test('keys and current records in the map order', () => {
    assert.deepEqual(columns.partitions, ['a', 'b', 'c', 'd']);
    assert.deepEqual(
      columns.records.map((r) => r?.storageId ?? null),
      [5, 9, 7, null],
    );
  });

  test('flags: a record, its provenance, failed', () => {
    assert.equal(at(0, flagsAt), recordFlag | provenanceFlag);
    assert.equal(at(1, flagsAt), recordFlag, 'an observation without a data version has no provenance');
    assert.equal(at(2, flagsAt), recordFlag | provenanceFlag | failedFlag);
    assert.equal(at(3, flagsAt), 0);
  });

  test('code versions and input lists are numbered per distinct value, pointers kept', () => {
    assert.deepEqual(columns.codeVersions, ['1', null]);
    assert.deepEqual([at(0, codeVersionAt), at(1, codeVersionAt), at(2, codeVersionAt), at(3, codeVersionAt)], [0, 1, 0, -1]);
    assert.equal(columns.inputLists[at(0, inputListAt)], inputs);
    assert.deepEqual(columns.inputLists[at(1, inputListAt)], []);
    assert.equal(at(2, pointerAt), 70);
  });

  test('made once per map', () => {
    assert.equal(statusColumns(states), columns);
    assert.notEqual(statusColumns(new Map(states)), columns);
  });
});
