import type { LineageModel, ModelAsset } from './lineageModel';

/**
 * Assets whose user key contains the query (case-insensitive), best first: an exact key, then a
 * key whose last component starts with the query, then any component start, then the rest, each
 * alphabetically. "Enter focuses the first match" relies on this order.
 */
export function searchAssets(model: LineageModel, query: string): ModelAsset[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const scored: { asset: ModelAsset; rank: number; key: string }[] = [];
  for (const asset of model.assets) {
    const key = asset.userKey.toLowerCase();
    if (!key.includes(needle)) continue;
    const last = key.slice(key.lastIndexOf('/') + 1);
    const rank = key === needle ? 0 : last.startsWith(needle) ? 1 : key.startsWith(needle) || key.includes(`/${needle}`) ? 2 : 3;
    scored.push({ asset, rank, key });
  }
  scored.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return scored.map((s) => s.asset);
}
