import type { PartitionMapping } from '../../../src/core/model/partitionMappings';
import { neighbourhood, type LineageModel, type ModelAsset } from './lineageModel';

export interface ViewOptions {
  /** User key of the focused asset, or null for the whole graph. */
  focus: string | null;
  upstreamDepth: number;
  downstreamDepth: number;
  collapsedGroups: ReadonlySet<string>;
  /** When set, only these assets (by model id) are shown: the "Stale only" filter. */
  only?: ReadonlySet<string> | null;
}

export interface AssetViewNode {
  type: 'asset';
  /** Layout and DOM identity: `a:` + the key id, so it can never equal a group node's id. */
  id: string;
  asset: ModelAsset;
  /** The group box this node is drawn in, or null when boxes are not drawn. */
  box: string | null;
}

/** A collapsed group: one node standing for its members that are in view. */
export interface GroupViewNode {
  type: 'group';
  id: string;
  group: string;
  members: ModelAsset[];
}

export type ViewNode = AssetViewNode | GroupViewNode;

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  /** The explicit mapping when this edge stands for exactly one dependency; null otherwise. */
  partitionMapping: PartitionMapping | null;
  /** How many asset dependencies this edge stands for (more than one when a group is collapsed). */
  count: number;
}

export interface VisibleGraph {
  nodes: ViewNode[];
  byId: ReadonlyMap<string, ViewNode>;
  /** Includes self-dependencies (a partitioned asset reading its own earlier partitions), drawn as loops. */
  edges: ViewEdge[];
  /** Group boxes to draw, with the ids of the asset nodes inside each. */
  boxes: ReadonlyMap<string, string[]>;
  /** Assets in view, including those inside collapsed groups. */
  assetCount: number;
  /** The focused asset, when the focus names an asset that exists. */
  focus: ModelAsset | null;
  /** Which view node shows each asset in view (itself or its collapsed group). */
  nodeOfAsset: ReadonlyMap<string, string>;
}

export function assetNodeId(asset: ModelAsset): string {
  return `a:${asset.id}`;
}

export function groupNodeId(group: string): string {
  return `g:${group}`;
}

/** Length-prefixed so that no two (source, target) pairs share an id, whatever the keys contain. */
function edgeId(source: string, target: string): string {
  return `${source.length}:${source}${target}`;
}

/**
 * What the graph shows for a view state: the focus neighbourhood (or every asset), with collapsed
 * groups replaced by one node each and their edges re-routed to it. Pure, so it is tested in Node
 * and the layout only runs when its result changes.
 */
export function computeVisibleGraph(model: LineageModel, options: ViewOptions): VisibleGraph {
  const focus = options.focus === null ? null : (model.byUserKey.get(options.focus) ?? null);
  const inView = focus
    ? neighbourhood(model, focus.id, options.upstreamDepth, options.downstreamDepth)
    : null;
  // One group box is only noise; boxes (and so collapsing) appear once there are two groups.
  const drawBoxes = model.groups.length > 1;

  const nodes: ViewNode[] = [];
  const byId = new Map<string, ViewNode>();
  const nodeOfAsset = new Map<string, string>();
  const boxes = new Map<string, string[]>();
  let assetCount = 0;
  for (const asset of model.assets) {
    if (inView && !inView.has(asset.id)) continue;
    if (options.only && !options.only.has(asset.id) && asset !== focus) continue;
    assetCount++;
    const group = asset.asset.group;
    // The focused asset itself is never hidden inside a collapsed group.
    if (drawBoxes && options.collapsedGroups.has(group) && asset !== focus) {
      const id = groupNodeId(group);
      let node = byId.get(id);
      if (!node) {
        node = { type: 'group', id, group, members: [] };
        byId.set(id, node);
        nodes.push(node);
      }
      (node as GroupViewNode).members.push(asset);
      nodeOfAsset.set(asset.id, id);
      continue;
    }
    const id = assetNodeId(asset);
    const box = drawBoxes ? group : null;
    const node: AssetViewNode = { type: 'asset', id, asset, box };
    byId.set(id, node);
    nodes.push(node);
    nodeOfAsset.set(asset.id, id);
    if (box !== null) {
      const members = boxes.get(box);
      if (members) members.push(id);
      else boxes.set(box, [id]);
    }
  }

  const edges: ViewEdge[] = [];
  const edgeById = new Map<string, ViewEdge>();
  for (const asset of model.assets) {
    const target = nodeOfAsset.get(asset.id);
    if (target === undefined) continue;
    for (const dep of asset.parents) {
      const source = nodeOfAsset.get(dep.id);
      if (source === undefined) continue;
      // Inside one collapsed group a dependency disappears; on one asset it is a real self-loop.
      if (source === target && dep.id !== asset.id) continue;
      const id = edgeId(source, target);
      const existing = edgeById.get(id);
      if (existing) {
        existing.count++;
        existing.partitionMapping = null;
        continue;
      }
      const edge: ViewEdge = { id, source, target, partitionMapping: dep.partitionMapping, count: 1 };
      edgeById.set(id, edge);
      edges.push(edge);
    }
  }
  return { nodes, byId, edges, boxes, assetCount, focus, nodeOfAsset };
}
