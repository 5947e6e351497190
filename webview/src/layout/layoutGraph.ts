/**
 * The lineage graph's layout: layered (Sugiyama-style), left to right, upstream on the left.
 * Pure and synchronous, no DOM: the worker shell and the tests call it directly.
 *
 *   canonical input → cycle removal → layers → dummies for long edges → crossing reduction
 *   → vertical placement (group boxes as blocks) → columns → polylines
 *
 * Nodes without any edge and without a group are packed in rows under the drawing instead of
 * lengthening its first layer.
 */
import { PairTable } from './pairTable';
import { canonicalize, canonicalKey, type CanonicalGraph } from './canonicalGraph';
import { buildLayeredGraph, DUMMY, REAL } from './layeredGraph';
import { assignLayers } from './layering';
import { LAYOUT_SPACING as S } from './layoutSpacing';
import type { LayoutInput, LayoutPoint, LayoutResult } from './layoutTypes';
import { orderLayers } from './ordering';
import { placeItems } from './placement';
import { EdgeRouter, selfLoop, type NodeBox } from './routing';

export function layoutGraph(input: LayoutInput): LayoutResult {
  return layoutCanonical(canonicalize(input));
}

/** Equal graphs, in whatever order their nodes and edges come, give equal keys. */
export function layoutKey(input: LayoutInput): string {
  return canonicalKey(canonicalize(input));
}

function layoutCanonical(graph: CanonicalGraph): LayoutResult {
  const n = graph.ids.length;
  const edgeCount = graph.edgeIds.length;

  // Distinct node pairs: parallel edges share one route, self-loops get their own.
  const pairs = new PairTable(n);
  const inputPairOfEdge = new Int32Array(edgeCount).fill(-1);
  const linked = new Uint8Array(n);
  for (let e = 0; e < edgeCount; e++) {
    const s = graph.edgeSource[e]!;
    const t = graph.edgeTarget[e]!;
    if (s === t) continue;
    inputPairOfEdge[e] = pairs.intern(s, t);
    linked[s] = 1;
    linked[t] = 1;
  }
  const distinct = pairs.arrays();
  const layering = assignLayers(n, distinct.source, distinct.target, linked);
  const { layer } = layering;

  const groupCount = graph.groupNames.length;
  const loose: number[] = [];
  const layerCount = placeUnlinked(graph, layer, layering.layerCount, loose);

  const layered = buildLayeredGraph({
    nodeCount: n,
    layer,
    layerCount,
    groupOf: graph.groupOf,
    groupCount,
    widths: graph.widths,
    heights: graph.heights,
    pairSource: layering.pairSource,
    pairTarget: layering.pairTarget,
  });
  const ordering = orderLayers(layered);
  const placement = placeItems(layered, ordering);

  const boxes: NodeBox[] = graph.ids.map((_, v) => ({ x: 0, y: 0, width: graph.widths[v]!, height: graph.heights[v]! }));
  let bottom = -Infinity;
  let right = 0;
  for (let i = 0; i < layered.itemCount; i++) {
    // Edges pass at their dummies' height: the loose rows go below those too.
    if (layered.kind[i] === DUMMY) bottom = Math.max(bottom, placement.itemTop[i]!);
    if (layered.kind[i] !== REAL) continue;
    const b = boxes[layered.node[i]!]!;
    b.x = placement.itemLeft[i]!;
    b.y = placement.itemTop[i]!;
    bottom = Math.max(bottom, b.y + b.height);
    right = Math.max(right, b.x + b.width);
  }
  for (let g = 0; g < groupCount; g++) {
    if (Number.isNaN(placement.groupTop[g])) continue;
    bottom = Math.max(bottom, placement.groupTop[g]! + placement.groupHeight[g]!);
    right = Math.max(right, placement.groupLeft[g]! + placement.groupWidth[g]!);
  }
  packLoose(loose, boxes, Number.isFinite(bottom) ? bottom + 2 * S.nodeGap : 0, right);

  const router = new EdgeRouter(layered, placement, layer, (v) => boxes[v]!);
  const edges: { id: string; points: LayoutPoint[] }[] = [];
  for (let e = 0; e < edgeCount; e++) {
    const s = graph.edgeSource[e]!;
    const t = graph.edgeTarget[e]!;
    const q = inputPairOfEdge[e]!;
    const points = q < 0 ? selfLoop(boxes[s]!) : router.route(layering.pairOfEdge[q]!, s, t, layering.reversed[q] === 1);
    edges.push({ id: graph.edgeIds[e]!, points });
  }

  const groups: LayoutResult['groups'] = [];
  for (let g = 0; g < groupCount; g++) {
    if (Number.isNaN(placement.groupTop[g])) continue;
    groups.push({
      id: graph.groupNames[g]!,
      x: placement.groupLeft[g]!,
      y: placement.groupTop[g]!,
      width: placement.groupWidth[g]!,
      height: placement.groupHeight[g]!,
    });
  }

  // Move everything (loops reach past the first column and above the top row) into positive space.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const extend = (x0: number, y0: number, x1: number, y1: number): void => {
    minX = Math.min(minX, x0);
    minY = Math.min(minY, y0);
    maxX = Math.max(maxX, x1);
    maxY = Math.max(maxY, y1);
  };
  for (const b of boxes) extend(b.x, b.y, b.x + b.width, b.y + b.height);
  for (const b of groups) extend(b.x, b.y, b.x + b.width, b.y + b.height);
  for (const e of edges) for (const p of e.points) extend(p.x, p.y, p.x, p.y);
  if (!Number.isFinite(minX)) return { nodes: [], edges: [], groups: [], width: 0, height: 0 };
  for (const b of boxes) {
    b.x -= minX;
    b.y -= minY;
  }
  for (const b of groups) {
    b.x -= minX;
    b.y -= minY;
  }
  for (const e of edges) {
    for (const p of e.points) {
      p.x -= minX;
      p.y -= minY;
    }
  }
  return {
    nodes: boxes.map((b, v) => ({ id: graph.ids[v]!, x: b.x, y: b.y, width: b.width, height: b.height })),
    edges,
    groups,
    width: maxX - minX,
    height: maxY - minY,
  };
}

/**
 * Layers for nodes without edges. Ungrouped ones go to `loose` (packed in rows under the drawing).
 * Grouped ones fill their group's columns, shortest column first, so the box grows evenly instead
 * of as one tall column; a group with no edges at all gets about as many columns as makes its box
 * roughly square (asset cards are some four times wider than tall). Returns the layer count.
 */
function placeUnlinked(graph: CanonicalGraph, layer: Int32Array, layerCount: number, loose: number[]): number {
  const groupCount = graph.groupNames.length;
  const unlinked: number[][] = Array.from({ length: groupCount }, () => []);
  const linkedLayers: number[][] = Array.from({ length: groupCount }, () => []);
  const first = new Int32Array(groupCount).fill(-1);
  const last = new Int32Array(groupCount).fill(-1);
  for (let v = 0; v < layer.length; v++) {
    const g = graph.groupOf[v]!;
    const l = layer[v]!;
    if (l >= 0) {
      if (g < 0) continue;
      linkedLayers[g]!.push(l);
      if (first[g] === -1 || l < first[g]!) first[g] = l;
      if (l > last[g]!) last[g] = l;
    } else if (g < 0) loose.push(v);
    else unlinked[g]!.push(v);
  }
  let count = layerCount;
  for (let g = 0; g < groupCount; g++) {
    const members = unlinked[g]!;
    if (members.length === 0) continue;
    const start = Math.max(0, first[g]!);
    const span = first[g]! >= 0 ? last[g]! - first[g]! + 1 : Math.max(1, Math.round(Math.sqrt(members.length / 3.5)));
    const filled = new Float64Array(span);
    for (const l of linkedLayers[g]!) filled[l - start]! += 1;
    for (const v of members) {
      let best = 0;
      for (let c = 1; c < span; c++) if (filled[c]! < filled[best]!) best = c;
      filled[best]! += 1;
      layer[v] = start + best;
    }
    count = Math.max(count, start + span);
  }
  return count;
}

/**
 * Rows of loose nodes, left to right, starting at `top`: as wide as the drawing above, or about
 * 1.6 times as wide as tall when there is little or nothing above. Gaps leave room for self-loops.
 */
function packLoose(loose: number[], boxes: NodeBox[], top: number, drawingWidth: number): void {
  if (loose.length === 0) return;
  const gapX = S.nodeGap + 2 * S.loop;
  const gapY = S.nodeGap + S.loop;
  let area = 0;
  for (const v of loose) area += (boxes[v]!.width + gapX) * (boxes[v]!.height + gapY);
  const wrap = Math.max(drawingWidth, Math.sqrt(area * 1.6));
  let x = 0;
  let y = top + S.loop;
  let rowHeight = 0;
  for (const v of loose) {
    const b = boxes[v]!;
    if (x > 0 && x + b.width > wrap) {
      x = 0;
      y += rowHeight + gapY;
      rowHeight = 0;
    }
    b.x = x;
    b.y = y;
    x += b.width + gapX;
    rowHeight = Math.max(rowHeight, b.height);
  }
}
