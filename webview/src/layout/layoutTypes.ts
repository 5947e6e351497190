/**
 * The layout engine's contract. The webview builds a `LayoutInput` from the graph it shows (assets,
 * or collapsed groups standing in for their assets) and draws what `layoutGraph` returns.
 */

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
  /** Nodes that share a group are kept together and get a box around them. */
  group: string | null;
}

/** `source` is upstream, `target` downstream: the drawing flows left to right. */
export interface LayoutEdgeInput {
  id: string;
  source: string;
  target: string;
}

export interface LayoutInput {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
}

export interface LayoutPoint {
  x: number;
  y: number;
}

/**
 * Results list nodes, edges and groups in a canonical order (by id), not in input order, because
 * equal graphs share one cached result whatever order they were given in: look items up by id.
 * Treat a result as immutable for the same reason.
 */
export interface LayoutResult {
  /** x, y = top-left. */
  nodes: { id: string; x: number; y: number; width: number; height: number }[];
  /**
   * A polyline from the source's right side to the target's left side, at least 2 points. Edges
   * that point backwards (in a cycle) and self-loops leave rightwards and arrive from the left too,
   * looping around their end nodes. Edges naming a node that is not in the input are left out, and
   * an edge listed twice (same id, source and target) comes out once.
   */
  edges: { id: string; points: LayoutPoint[] }[];
  /** One box per group: the bounding box of its nodes plus padding (room for a label on top). */
  groups: { id: string; x: number; y: number; width: number; height: number }[];
  width: number;
  height: number;
}
