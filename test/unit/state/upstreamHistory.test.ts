import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UpstreamHistory } from '../../../src/core/state/inputChanges';

/**
 * An upstream's records answer Dagster's `_is_dep_updated` for one partition and one input event
 * pointer: changed when a record after the pointer has a data version other than the latest at or
 * before it (or there is none at or before it).
 */

function history(rows: [id: number, partition: string | null, version: string | null][]): UpstreamHistory {
  return new UpstreamHistory({ ids: rows.map((r) => r[0]), partitions: rows.map((r) => r[1]), versions: rows.map((r) => r[2]) });
}

describe('upstream histories', () => {
  // Rows in no particular order, as SQLite may return them.
  const h = history([
    [30, '2024-01-02', 'b1'],
    [10, '2024-01-01', 'a1'],
    [20, '2024-01-01', 'a2'],
    [40, '2024-01-01', 'a1'],
    [50, '2024-01-03', 'c1'],
    [60, '2024-01-03', 'c1'],
  ]);

  test('a partition re-materialized with a new data version after the pointer has changed', () => {
    assert.equal(h.changed('2024-01-01', 10), false, 'a1 at 10, a1 again at 40: the version the input read is current');
    assert.equal(h.changed('2024-01-01', 25), true, 'a2 read at 25, a1 now');
    assert.equal(h.changed('2024-01-01', 40), false, 'nothing after the latest record');
  });

  test('a partition with no record at or before the pointer has changed once it has one after', () => {
    assert.equal(h.changed('2024-01-02', 29), true);
    assert.equal(h.changed('2024-01-02', 30), false);
  });

  test('a re-materialization with the same data version is not a change', () => {
    assert.equal(h.changed('2024-01-03', 55), false);
    assert.equal(h.changed('2024-01-03', 49), true, 'no record at or before 49');
  });

  test('unknown partitions and pointers past the latest record never changed', () => {
    assert.equal(h.changed('2023-12-31', 0), false);
    assert.equal(h.changed('2024-01-01', 60), false);
    assert.equal(h.lastId, 60);
    assert.equal(h.size, 6);
  });

  test('changedAfter lists every changed partition in key order, and agrees with changed', () => {
    for (const pointer of [0, 10, 25, 29, 35, 45, 55, 60]) {
      const listed = h.changedAfter(pointer);
      const asked = ['2024-01-01', '2024-01-02', '2024-01-03'].filter((p) => h.changed(p, pointer));
      assert.deepEqual(listed, asked, `pointer ${pointer}`);
    }
    assert.deepEqual(h.changedAfter(25), ['2024-01-01', '2024-01-02', '2024-01-03']);
    assert.deepEqual(h.changedAfter(35), ['2024-01-01', '2024-01-03']);
  });

  test('an unpartitioned upstream reports its latest data version', () => {
    const u = history([
      [5, null, 'v2'],
      [3, null, 'v1'],
    ]);
    assert.equal(u.partitioned, false);
    assert.equal(u.current, 'v2');
    assert.deepEqual(u.changedAfter(0), []);
  });
});
