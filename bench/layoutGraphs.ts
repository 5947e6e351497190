/**
 * Deterministic lineage-shaped graphs for the layout benchmark. Shape, from what Dagster projects
 * look like: groups that each cover a band of pipeline stages (raw → staging → marts, with later
 * groups starting later), most assets fed by one or two assets of the previous stage in their own
 * group, a share of cross-group edges, a few wide fan-ins (marts, reports) and fan-outs (a popular
 * source), some long single-parent chains, some edges that skip many stages, ~12% sources, and
 * node sizes like the webview's asset cards. A graph is a DAG unless `cycles` asks for some.
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { LayoutEdgeInput, LayoutInput, LayoutNodeInput } from '../webview/src/layout/layoutTypes';
import { makeRng, type Rng } from './generateWorkspace';

export interface LineageGraphOptions {
  nodes: number;
  seed: number;
  /** Edges added from a downstream node back to an upstream one. */
  cycles?: number;
}

export function generateLineageGraph(options: LineageGraphOptions): LayoutInput {
  const rng = makeRng(options.seed);
  const total = options.nodes;
  const groupCount = Math.max(3, Math.round(total / 160));
  const stages = Math.max(6, Math.round(Math.sqrt(total) * 0.45));
  const nodes: LayoutNodeInput[] = [];
  const edges: LayoutEdgeInput[] = [];
  const stageOf: number[] = [];
  const groupOf: number[] = [];
  // byStage[stage] = node indices; byGroupStage[group][stage] = node indices
  const byStage: number[][] = Array.from({ length: stages }, () => []);
  const byGroupStage: number[][][] = Array.from({ length: groupCount }, () => Array.from({ length: stages }, () => []));
  const groupStart: number[] = [];
  const groupSpan: number[] = [];
  for (let g = 0; g < groupCount; g++) {
    const start = Math.min(stages - 2, Math.floor((g / groupCount) * stages * 0.75) + rng.int(0, 1));
    groupStart.push(start);
    groupSpan.push(Math.min(stages - start, rng.int(3, 8)));
  }

  const edgeKeys = new Set<string>();
  const addEdge = (s: number, t: number): void => {
    const key = `${s}>${t}`;
    if (s === t || edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ id: `e${edges.length}`, source: nodes[s]!.id, target: nodes[t]!.id });
  };
  const addNode = (group: number, stage: number): number => {
    const i = nodes.length;
    nodes.push({ id: `g${group}/asset_${i}`, width: 168 + 8 * rng.int(0, 16), height: rng.chance(0.2) ? 72 : 56, group: `group_${group}` });
    stageOf.push(stage);
    groupOf.push(group);
    byStage[stage]!.push(i);
    byGroupStage[group]![stage]!.push(i);
    return i;
  };
  const pickBelow = (list: number[][], stage: number, maxBack: number): number | undefined => {
    for (let back = 1; back <= maxBack && stage - back >= 0; back++) {
      const candidates = list[stage - back]!;
      if (candidates.length > 0 && (back === maxBack || rng.chance(0.75))) return pickRecent(rng, candidates);
    }
    return undefined;
  };

  while (nodes.length < total) {
    const g = rng.int(0, groupCount - 1);
    // Earlier stages of a group hold more assets (many raw tables, fewer marts).
    const stage = groupStart[g]! + Math.min(groupSpan[g]! - 1, Math.floor(Math.pow(rng.next(), 1.4) * groupSpan[g]!));
    const v = addNode(g, stage);
    if (stage === 0 || rng.chance(0.1)) continue; // a source

    const own = pickBelow(byGroupStage[g]!, stage, 3);
    if (own !== undefined) addEdge(own, v);
    if (own === undefined || rng.chance(0.35)) {
      // Cross-group reads mostly come from a few groups upstream (domains feed each other).
      const from = Math.max(0, g - rng.int(1, 3));
      const other = pickBelow(byGroupStage[from]!, stage, 4) ?? pickBelow(byStage, stage, 4);
      if (other !== undefined) addEdge(other, v);
    }
    if (rng.chance(0.25) && own !== undefined) {
      const second = pickBelow(byGroupStage[g]!, stage, 2);
      if (second !== undefined) addEdge(second, v);
    }
    if (rng.chance(0.04) && stage > 4) {
      // An edge that skips many stages (a raw table read directly by a late report).
      const far = pickBelow(byStage, stage - rng.int(3, stage - 1), 1);
      if (far !== undefined) addEdge(far, v);
    }
    if (rng.chance(0.02) && stage > 2) {
      // A wide fan-in: a mart joining many upstream tables.
      const fanIn = rng.int(8, 24);
      for (let k = 0; k < fanIn; k++) {
        const from = pickBelow(byStage, stage, rng.int(1, 3));
        if (from !== undefined) addEdge(from, v);
      }
    }
    if (rng.chance(0.015) && nodes.length + 10 < total) {
      // A long chain of single-parent assets in the same group, one stage apart... or all in
      // the last stage when the group runs out (the layout then has to stretch it).
      const length = rng.int(6, 20);
      let previous = v;
      for (let k = 0; k < length && nodes.length < total; k++) {
        const next = addNode(g, Math.min(stages - 1, stageOf[previous]! + 1));
        addEdge(previous, next);
        previous = next;
      }
    }
  }
  // Fan-out: popular sources read by many assets downstream.
  const fanOuts = Math.max(1, Math.round(total / 400));
  for (let f = 0; f < fanOuts; f++) {
    const early = byStage.slice(0, 3).flat();
    if (early.length === 0) break;
    const s = rng.pick(early);
    const readers = rng.int(10, 30);
    for (let k = 0; k < readers; k++) {
      const later = byStage[rng.int(Math.min(stages - 1, stageOf[s]! + 1), stages - 1)]!;
      if (later.length > 0) addEdge(s, rng.pick(later));
    }
  }
  // Real sources are read by something: give most orphans a reader later in their group.
  const touched = new Set(edges.flatMap((e) => [e.source, e.target]));
  for (let v = 0; v < nodes.length; v++) {
    if (touched.has(nodes[v]!.id) || rng.chance(0.1)) continue;
    const later = byGroupStage[groupOf[v]!]!.slice(stageOf[v]! + 1).flat();
    if (later.length > 0) addEdge(v, rng.pick(later));
  }
  for (let c = 0; c < (options.cycles ?? 0); c++) {
    const t = rng.int(0, total - 1);
    const later = byStage.slice(stageOf[t]! + 1, stageOf[t]! + 4).flat();
    if (later.length > 0) addEdge(rng.pick(later), t);
  }
  return { nodes, edges };
}

/** Recently added assets are likelier parents: keeps families of assets together, as in real code. */
function pickRecent(rng: Rng, list: number[]): number {
  const window = Math.min(list.length, 12);
  return rng.chance(0.7) ? list[list.length - 1 - rng.int(0, window - 1)]! : rng.pick(list);
}

/** The same graph in elkjs's JSON form (flat: ELK's defaults, no hierarchy). */
export function toElkGraph(input: LayoutInput): ElkNode {
  return {
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'layered' },
    children: input.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: input.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}
