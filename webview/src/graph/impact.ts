import type { ImpactedAssetView, ImpactOverlay } from '../../../src/protocol/graphProtocol';
import type { NodeImpact } from '../render/graphRenderer';
import { countLabel } from './labels';
import type { LineageModel } from './lineageModel';
import type { VisibleGraph } from './visibleGraph';

/**
 * The impact overlay on the graph in view: which nodes to keep bright and what each says. An asset
 * inside a collapsed group lights its group, which sums its members; assets outside the view
 * (a focused neighbourhood, "Stale only") are counted so the banner can say so.
 */
export interface ViewImpact {
  nodes: Map<string, NodeImpact>;
  /** Impacted assets (the root excluded) not drawn in this view. */
  outside: number;
}

const n = (value: number): string => value.toLocaleString('en-US');

/** "3 of 61", "? of 61" (the mapping cannot say), "affected" (unpartitioned). */
function countText(asset: ImpactedAssetView): string {
  if (!asset.partitioned) return 'affected';
  return `${asset.count === null ? '?' : n(asset.count)} of ${n(asset.total)}`;
}

function assetLine(asset: ImpactedAssetView, root: string): string {
  const what = asset.partitioned ? `${countText(asset)} partitions${asset.ranges ? ` (${asset.ranges})` : ''}` : 'affected (unpartitioned)';
  const where = asset.role === 'root' ? 'picked' : `${countLabel(asset.depth, 'step', 'steps')} downstream of ${root}`;
  const never = asset.materializable ? '' : '; never materialized (a source, an external asset or a stub)';
  return asset.role === 'root' ? `Impact: picked ${what}` : `Impact: ${what}, ${where}${never}`;
}

export function viewImpact(impact: ImpactOverlay, model: LineageModel, view: VisibleGraph): ViewImpact {
  const nodes = new Map<string, NodeImpact>();
  const groups = new Map<string, { root: boolean; assets: number; partitions: number }>();
  let outside = 0;
  for (const [key, asset] of Object.entries(impact.assets)) {
    const modelAsset = model.byUserKey.get(key);
    const id = modelAsset ? view.nodeOfAsset.get(modelAsset.id) : undefined;
    if (id === undefined) {
      if (asset.role !== 'root') outside++;
      continue;
    }
    if (view.byId.get(id)?.type === 'group') {
      const sum = groups.get(id) ?? { root: false, assets: 0, partitions: 0 };
      sum.root ||= asset.role === 'root';
      sum.assets++;
      sum.partitions += asset.count ?? 0;
      groups.set(id, sum);
      continue;
    }
    nodes.set(id, { role: asset.role, badge: asset.role === 'root' ? `picked ${countText(asset)}` : countText(asset), line: assetLine(asset, impact.root) });
  }
  for (const [id, sum] of groups) {
    const text = `${countLabel(sum.assets, 'member', 'members')} · ${countLabel(sum.partitions, 'partition', 'partitions')}`;
    nodes.set(id, { role: sum.root ? 'root' : 'downstream', badge: text, line: `Impact: ${text}${sum.root ? `, ${impact.root} among them` : ''}` });
  }
  return { nodes, outside };
}

/** The banner's sentence: "Impact of clean [2021-06-01...2021-06-03]: 4 assets, 6 partitions downstream". */
export function impactSummary(impact: ImpactOverlay, outside: number): string {
  const { assets, partitions } = impact.summary;
  const reach = assets === 0 ? 'nothing downstream' : `${countLabel(assets, 'asset', 'assets')}, ${countLabel(partitions, 'partition', 'partitions')} downstream`;
  const hidden = outside > 0 ? ` (${n(outside)} outside this view)` : '';
  return `Impact of ${impact.root} [${impact.picked}]: ${reach}${hidden}`;
}
