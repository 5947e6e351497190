import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { AssetGraph } from '../../../src/core/model/graph';
import { codeChanges, codeSnapshotsSchema } from '../../../src/core/stale/codeChanges';
import { readLocalInstance, type LocalInstance } from '../../../src/core/state/localInstance';
import { assetNode, type AssetNodeFields } from '../../builders/assetNode';

/** "Code changed" on the real Dagster University instance (no code versions: Dagster recorded run ids). */
const home = join(__dirname, '..', '..', 'fixtures', 'dagster-instances', 'LachlanJW__dagster_university');

function graph(fields: Record<string, AssetNodeFields>): AssetGraph {
  return { version: 1, assets: Object.entries(fields).map(([name, f]) => assetNode([name], f)), diagnostics: [], codeLocations: [] };
}

let instance: LocalInstance;
before(async () => {
  instance = await readLocalInstance(home);
});

describe('code changed since the last materialization', () => {
  test('a code_version literal is compared with the version the materialization ran', () => {
    const ran = instance.assets.get('taxi_zones')?.partitions.get(null)?.lastMaterialization?.codeVersion;
    assert.ok(ran);
    const same = codeChanges(graph({ taxi_zones: { codeVersion: ran } }), instance, {});
    assert.equal(same.changed.size, 0);
    const edited = codeChanges(graph({ taxi_zones: { codeVersion: '2' } }), instance, {});
    assert.equal(edited.changed.get('taxi_zones')?.basis, 'code_version');
    assert.equal(edited.changed.get('taxi_zones')?.reason, `code_version is "2" in the workspace; the last materialization ran code version "${ran}"`);
  });

  test('without one, the function hash is compared with the snapshot taken at the materialization', () => {
    const first = codeChanges(graph({ manhattan_stats: { sourceHash: 'aaa' } }), instance, {});
    // The first sighting only records what the code is now.
    assert.equal(first.changed.size, 0);
    assert.equal(first.snapshots['manhattan_stats']?.sourceHash, 'aaa');
    const unchanged = codeChanges(graph({ manhattan_stats: { sourceHash: 'aaa' } }), instance, first.snapshots);
    assert.equal(unchanged.changed.size, 0);
    const edited = codeChanges(graph({ manhattan_stats: { sourceHash: 'bbb' } }), instance, first.snapshots);
    assert.equal(edited.changed.get('manhattan_stats')?.basis, 'source_hash');
    assert.match(edited.changed.get('manhattan_stats')?.reason ?? '', /edited after the last materialization/);
    // The snapshot stays the one of the materialization, so reverting the edit clears the flag.
    assert.equal(edited.snapshots['manhattan_stats']?.sourceHash, 'aaa');
    assert.equal(codeChanges(graph({ manhattan_stats: { sourceHash: 'aaa' } }), instance, edited.snapshots).changed.size, 0);
  });

  test('a newer materialization takes a new snapshot; never-materialized assets are not flagged', () => {
    const stored = instance.assets.get('manhattan_stats')?.partitions.get(null)?.lastMaterialization?.storageId ?? 0;
    const older = { manhattan_stats: { storageId: stored - 1, sourceHash: 'old' } };
    const result = codeChanges(graph({ manhattan_stats: { sourceHash: 'new' }, brand_new: { sourceHash: 'x' } }), instance, older);
    assert.equal(result.changed.size, 0);
    assert.deepEqual(result.snapshots['manhattan_stats'], { storageId: stored, sourceHash: 'new' });
    assert.equal(result.snapshots['brand_new'], undefined);
  });

  test('stored snapshots of the wrong shape are refused at the boundary', () => {
    assert.equal(codeSnapshotsSchema.safeParse({ a: { storageId: -1, sourceHash: 'x' } }).success, false);
    assert.equal(codeSnapshotsSchema.safeParse({ a: { storageId: 3, sourceHash: 'x' } }).success, true);
  });
});
