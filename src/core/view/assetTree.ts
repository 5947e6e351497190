import { compareKeys } from '../model/assetKey';
import type { LocatedAsset, WorkspaceIndex } from './workspaceIndex';

/** The Assets tree: code location → group → asset. Elements keep their parent so a view can reveal one. */

export interface TreeLocation {
  readonly type: 'location';
  /** Stable across scans, so the view keeps what was expanded. */
  readonly id: string;
  readonly name: string;
  /** The workspace folder, shown when there are several. */
  readonly folderName: string;
  readonly assetCount: number;
  readonly groups: TreeGroup[];
}

export interface TreeGroup {
  readonly type: 'group';
  readonly id: string;
  readonly name: string;
  readonly location: TreeLocation;
  readonly assets: TreeAsset[];
}

export interface TreeAsset {
  readonly type: 'asset';
  readonly id: string;
  readonly asset: LocatedAsset;
  readonly group: TreeGroup;
}

export type TreeElement = TreeLocation | TreeGroup | TreeAsset;

export interface AssetTree {
  readonly locations: TreeLocation[];
  /** Whether several folders were scanned (their names then tell locations apart). */
  readonly multiFolder: boolean;
  /** The tree element of each user key (the first, when a key is defined in two locations). */
  readonly byKey: ReadonlyMap<string, TreeAsset>;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildAssetTree(index: WorkspaceIndex): AssetTree {
  const locations = new Map<string, { location: TreeLocation; groups: Map<string, TreeGroup> }>();
  const byKey = new Map<string, TreeAsset>();
  const ids = new Set<string>();
  for (const asset of index.assets) {
    const { node, folder } = asset;
    const locationId = JSON.stringify(['location', folder.root, node.codeLocation]);
    let entry = locations.get(locationId);
    if (!entry) {
      const location: TreeLocation = { type: 'location', id: locationId, name: node.codeLocation, folderName: folder.name, assetCount: 0, groups: [] };
      entry = { location, groups: new Map() };
      locations.set(locationId, entry);
    }
    let group = entry.groups.get(node.group);
    if (!group) {
      group = { type: 'group', id: JSON.stringify(['group', folder.root, node.codeLocation, node.group]), name: node.group, location: entry.location, assets: [] };
      entry.groups.set(node.group, group);
      entry.location.groups.push(group);
    }
    // Keys are unique per location; the suffix only guards the view, which refuses a repeated id.
    let id = JSON.stringify(['asset', folder.root, node.codeLocation, asset.userKey]);
    for (let n = 2; ids.has(id); n++) id = JSON.stringify(['asset', folder.root, node.codeLocation, asset.userKey, n]);
    ids.add(id);
    const element: TreeAsset = { type: 'asset', id, asset, group };
    group.assets.push(element);
    (entry.location as { assetCount: number }).assetCount++;
    if (!byKey.has(asset.userKey)) byKey.set(asset.userKey, element);
  }
  const sorted = [...locations.values()].map((e) => e.location);
  sorted.sort((a, b) => compareText(a.name, b.name) || compareText(a.folderName, b.folderName));
  for (const location of sorted) {
    location.groups.sort((a, b) => compareText(a.name, b.name));
    for (const group of location.groups) group.assets.sort((a, b) => compareKeys(a.asset.node.key, b.asset.node.key));
  }
  return { locations: sorted, multiFolder: index.folders.length > 1, byKey };
}
