import { keyId, keyToUserString } from '../../../src/core/model/assetKey';
import type { AssetGraph, AssetNode } from '../../../src/core/model/graph';
import type { PartitionMapping } from '../../../src/core/model/partitionMappings';

/** One asset as the view needs it: identity, the key users read, and both directions of its edges. */
export interface ModelAsset {
  /** `keyId` of the key: identity inside the webview, never shown. */
  id: string;
  /** Dagster's user string (`a/b`): what nodes show, messages carry and search matches. */
  userKey: string;
  asset: AssetNode;
  parents: ModelDep[];
  children: string[];
}

export interface ModelDep {
  /** Id of the upstream asset. */
  id: string;
  partitionMapping: PartitionMapping | null;
}

export interface LineageModel {
  assets: readonly ModelAsset[];
  byId: ReadonlyMap<string, ModelAsset>;
  byUserKey: ReadonlyMap<string, ModelAsset>;
  /** Distinct group names, sorted. */
  groups: readonly string[];
  edgeCount: number;
}

/**
 * Indexes a graph for the view. Two code locations may define the same key; the graph view has one
 * node per key (as Dagster's UI does per key), so the first definition stands for it. A dependency
 * on a key that is not in the graph cannot be drawn and is skipped (the scanner adds stubs, so this
 * only happens with hand-written input).
 */
export function buildLineageModel(graph: AssetGraph): LineageModel {
  const byId = new Map<string, ModelAsset>();
  const byUserKey = new Map<string, ModelAsset>();
  const assets: ModelAsset[] = [];
  const groups = new Set<string>();
  for (const asset of graph.assets) {
    const id = keyId(asset.key);
    if (byId.has(id)) continue;
    const entry: ModelAsset = { id, userKey: keyToUserString(asset.key), asset, parents: [], children: [] };
    byId.set(id, entry);
    // The user string is not injective for keys with a backslash before a slash; first one wins.
    if (!byUserKey.has(entry.userKey)) byUserKey.set(entry.userKey, entry);
    assets.push(entry);
    groups.add(asset.group);
  }
  let edgeCount = 0;
  for (const entry of assets) {
    const seen = new Set<string>();
    for (const dep of entry.asset.deps) {
      const parentId = keyId(dep.key);
      const parent = byId.get(parentId);
      if (!parent || seen.has(parentId)) continue;
      seen.add(parentId);
      entry.parents.push({ id: parentId, partitionMapping: dep.partitionMapping });
      parent.children.push(entry.id);
      edgeCount++;
    }
  }
  return { assets, byId, byUserKey, groups: [...groups].sort(), edgeCount };
}

/**
 * The neighbourhood of `focus` as Dagster's selection `N+key+M` reads it: ancestors up to
 * `upstreamDepth` hops through parents, descendants up to `downstreamDepth` hops through children
 * (siblings of the focus are not included, exactly as in the CLI selection).
 */
export function neighbourhood(model: LineageModel, focusId: string, upstreamDepth: number, downstreamDepth: number): Set<string> {
  const result = new Set<string>([focusId]);
  const walk = (depth: number, next: (asset: ModelAsset) => Iterable<string>): void => {
    let frontier = [focusId];
    const seen = new Set<string>([focusId]);
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const id of frontier) {
        const asset = model.byId.get(id);
        if (!asset) continue;
        for (const neighbour of next(asset)) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          result.add(neighbour);
          following.push(neighbour);
        }
      }
      frontier = following;
    }
  };
  walk(upstreamDepth, (asset) => asset.parents.map((p) => p.id));
  walk(downstreamDepth, (asset) => asset.children);
  return result;
}
