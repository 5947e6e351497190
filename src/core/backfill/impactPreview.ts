import { keyId, keyToUserString } from '../model/assetKey';
import { unmaterializedKinds, type AssetGraph, type AssetNode } from '../model/graph';
import { computeImpact, type ImpactSelection } from '../partitions/impact';
import type { PartitionSpace, SpaceContext } from '../partitions/keySpaces';
import { allSubset, subsetKeyRanges, subsetSize } from '../partitions/subsets';
import type { VerdictSource } from '../stale/staleReport';
import { BackfillPlanError, nothingPicked, notFollowed, partitionSpaces, rootSelection, type PartitionFilter } from './plan';
import type { SourcePartitions } from '../partitions/impact';

/**
 * "If these partitions of this asset change, which partitions downstream are affected?", for the
 * graph's impact overlay: the partitions picked of one asset (optionally only the missing, failed
 * or stale ones), then every asset they reach through each edge's mapping, with counts against the
 * asset's whole partition set. It is what "Backfill… and everything downstream" would launch,
 * before anything is planned or launched.
 */

export interface ImpactPreviewRequest {
  key: readonly string[];
  partitions: SourcePartitions;
  only: readonly PartitionFilter[];
}

export interface ImpactPreviewContext {
  graph: AssetGraph;
  now: number;
  dynamicKeys?: SpaceContext['dynamicKeys'];
  verdicts?: VerdictSource;
}

export interface ImpactPreviewAsset {
  key: string[];
  role: 'root' | 'downstream';
  /** Edges on the shortest path from the root (0 for the root). */
  depth: number;
  /** Partitions affected (1 for an unpartitioned asset), null when the mapping cannot say. */
  count: number | null;
  /** Partitions the asset has now (1 for an unpartitioned asset). */
  total: number;
  /** Null for an unpartitioned asset or an unknown selection. */
  ranges: [string, string][] | null;
  /** Why the selection is unknown, when it is. */
  unknown: string | null;
  /** Sources, external assets and stubs are reached but never materialized. */
  materializable: boolean;
}

export interface ImpactPreview {
  root: ImpactPreviewAsset;
  /** Downstream assets in order of depth, the root again only for later partitions of its own it reaches. */
  downstream: ImpactPreviewAsset[];
  warnings: string[];
  summary: { assets: number; partitions: number };
}

export function impactPreview(request: ImpactPreviewRequest, context: ImpactPreviewContext): ImpactPreview {
  const { graph } = context;
  const spaceContext: SpaceContext = { now: context.now, dynamicKeys: context.dynamicKeys ?? (() => undefined) };
  const id = keyId(request.key);
  // A stub stands in for a key no definition has; a definition wins over it.
  const node = graph.assets.find((a) => keyId(a.key) === id && a.kind !== 'stub') ?? graph.assets.find((a) => keyId(a.key) === id);
  if (!node) throw new BackfillPlanError(`no asset ${keyToUserString(request.key)} in the workspace`);
  const spaceOf = partitionSpaces(spaceContext);
  const space = spaceOf(node);
  const picked = rootSelection(node, space, request.partitions, request.only, context.verdicts);
  const warnings: string[] = [];
  const nodes = new Map(graph.assets.map((a) => [keyId(a.key), a]));
  const describe = (asset: AssetNode, selection: ImpactSelection, role: ImpactPreviewAsset['role'], depth: number): ImpactPreviewAsset => {
    let assetSpace: PartitionSpace | null = null;
    let spaceProblem: string | null = null;
    try {
      assetSpace = spaceOf(asset);
    } catch (error) {
      spaceProblem = error instanceof Error ? error.message : String(error);
    }
    const total = assetSpace === null ? 1 : subsetSize(allSubset(assetSpace));
    const base = { key: [...asset.key], role, depth, total, materializable: !unmaterializedKinds.has(asset.kind) };
    if (selection === null) return { ...base, count: 0, ranges: assetSpace === null ? null : [], unknown: null };
    if (selection.kind === 'whole') return { ...base, count: 1, ranges: null, unknown: null };
    if (selection.kind === 'unknown') return { ...base, count: null, ranges: null, unknown: spaceProblem ?? selection.reason };
    return { ...base, count: subsetSize(selection), ranges: subsetKeyRanges(selection), unknown: null };
  };
  if (picked === null) {
    warnings.push(nothingPicked(node, request.only));
    return { root: describe(node, null, 'root', 0), downstream: [], warnings, summary: { assets: 0, partitions: 0 } };
  }
  const partitions: SourcePartitions = picked.kind === 'whole' || picked.kind === 'unknown' ? { kind: 'all' } : { kind: 'subset', subset: picked };
  const result = computeImpact(graph, node.key, partitions, spaceContext);
  for (const edge of result.invalidEdges) warnings.push(notFollowed(edge));
  const downstream = result.impacted.map((hit) => describe(nodes.get(keyId(hit.key)) as AssetNode, hit.selection, 'downstream', hit.depth));
  const unknownCount = downstream.filter((a) => a.count === null).length;
  if (unknownCount) warnings.push(`${unknownCount} downstream asset${unknownCount === 1 ? '' : 's'} whose partitions cannot be worked out (see each asset)`);
  const distinct = new Set(downstream.map((a) => keyId(a.key)).filter((k) => k !== id));
  return {
    root: describe(node, picked, 'root', 0),
    downstream,
    warnings,
    summary: { assets: distinct.size, partitions: downstream.reduce((n, a) => n + (a.count ?? 0), 0) },
  };
}
