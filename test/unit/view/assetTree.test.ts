import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildAssetTree } from '../../../src/core/view/assetTree';
import { WorkspaceIndex } from '../../../src/core/view/workspaceIndex';
import { folder, harborFolder, node } from './viewFixtures';

describe('assets tree', () => {
  test('code location → group → asset, sorted, with counts', () => {
    const tree = buildAssetTree(new WorkspaceIndex([harborFolder()]));
    assert.equal(tree.multiFolder, false);
    assert.deepEqual(tree.locations.map((l) => [l.name, l.assetCount]), [['harbor', 38]]);
    const groups = tree.locations[0]!.groups;
    assert.deepEqual(groups.map((g) => [g.name, g.assets.length]), [['analytics', 17], ['default', 3], ['ingestion', 12], ['warehouse', 6]]);
    assert.deepEqual(groups[1]!.assets.map((a) => a.asset.userKey), ['customs_declarations', 'finance/bunker_prices', 'raw/tariffs']);
    const voyages = tree.byKey.get('raw/voyages')!;
    assert.equal(voyages.group.name, 'ingestion');
    assert.equal(voyages.group.location.name, 'harbor');
  });

  test('ids are stable across scans and unique across folders', () => {
    const a = folder('/a', [node(['x']), node(['y'], { group: 'g' })]);
    const b = folder('/b', [node(['x'])]);
    const first = buildAssetTree(new WorkspaceIndex([a, b]));
    const again = buildAssetTree(new WorkspaceIndex([a, b]));
    const ids = (t: typeof first): string[] => t.locations.flatMap((l) => [l.id, ...l.groups.flatMap((g) => [g.id, ...g.assets.map((x) => x.id)])]);
    assert.deepEqual(ids(first), ids(again));
    assert.equal(new Set(ids(first)).size, ids(first).length);
    assert.equal(first.multiFolder, true);
    assert.deepEqual(first.locations.map((l) => l.folderName), ['a', 'b']);
  });
});
