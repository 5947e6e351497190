import type { LayeredGraph } from './layeredGraph';
import { LAYOUT_SPACING as S } from './layoutSpacing';
import type { LayoutPoint } from './layoutTypes';
import type { Placement } from './placement';

/** A laid-out node box. */
export interface NodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Polylines. Between layers an edge runs straight from point to point; through a layer it passes
 * horizontally at its dummy's height, from the column's left to its right, so it never crosses a
 * node (placement kept dummies apart from nodes). It leaves and enters at the middle of the sides.
 */
export class EdgeRouter {
  constructor(
    private readonly graph: LayeredGraph,
    private readonly placement: Placement,
    private readonly nodeLayer: Int32Array,
    private readonly box: (node: number) => NodeBox,
  ) {}

  /** An edge along acyclic pair `pair`, drawn from `from` to `to` (swapped when `reversed`). */
  route(pair: number, from: number, to: number, reversed: boolean): LayoutPoint[] {
    if (!reversed) {
      const a = this.box(from);
      const b = this.box(to);
      const aCol = this.column(from);
      const bCol = this.column(to);
      return tidy([
        { x: a.x + a.width, y: midY(a) },
        // Narrower than its column: run straight to the column's edge before bending.
        { x: aCol.right, y: midY(a) },
        ...this.dummyPoints(pair),
        { x: bCol.left, y: midY(b) },
        { x: b.x, y: midY(b) },
      ]);
    }
    // Backwards (it closes a cycle): leave the source rightwards, swing over it, run back left
    // along the path, and swing under the target to enter it from the left, as the contract asks.
    const s = this.box(from);
    const t = this.box(to);
    const sCol = this.column(from);
    const tCol = this.column(to);
    return tidy([
      { x: s.x + s.width, y: midY(s) },
      { x: sCol.right + S.loop, y: midY(s) },
      { x: sCol.right + S.loop, y: s.y - S.loop },
      { x: sCol.left - S.loop, y: s.y - S.loop },
      { x: sCol.left - S.loop, y: midY(s) },
      ...this.dummyPoints(pair).reverse(),
      { x: tCol.right + S.loop, y: midY(t) },
      { x: tCol.right + S.loop, y: t.y + t.height + S.loop },
      { x: tCol.left - S.loop, y: t.y + t.height + S.loop },
      { x: tCol.left - S.loop, y: midY(t) },
      { x: t.x, y: midY(t) },
    ]);
  }

  private column(node: number): { left: number; right: number } {
    const l = this.nodeLayer[node]!;
    const left = this.placement.columnLeft[l]!;
    return { left, right: left + this.placement.columnWidth[l]! };
  }

  /** Where the pair's edge crosses the layers between its ends: left to right through each column. */
  private dummyPoints(pair: number): LayoutPoint[] {
    const { graph, placement } = this;
    const points: LayoutPoint[] = [];
    const start = graph.chainStart[pair]!;
    for (let d = start; d < start + graph.chainLength[pair]!; d++) {
      const l = graph.layer[d]!;
      const y = placement.itemTop[d]!;
      const x = placement.columnLeft[l]!;
      points.push({ x, y }, { x: x + placement.columnWidth[l]!, y });
    }
    return points;
  }
}

export function selfLoop(a: NodeBox): LayoutPoint[] {
  const y = midY(a);
  return [
    { x: a.x + a.width, y },
    { x: a.x + a.width + S.loop, y },
    { x: a.x + a.width + S.loop, y: a.y - S.loop },
    { x: a.x - S.loop, y: a.y - S.loop },
    { x: a.x - S.loop, y },
    { x: a.x, y },
  ];
}

const midY = (a: NodeBox): number => a.y + a.height / 2;

/** Drops repeated points and points in the middle of a straight horizontal or vertical run. */
function tidy(points: LayoutPoint[]): LayoutPoint[] {
  const out: LayoutPoint[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last.x === p.x && last.y === p.y) continue;
    const before = out[out.length - 2];
    if (last && before) {
      const horizontal = before.y === last.y && last.y === p.y && (last.x - before.x) * (p.x - last.x) >= 0;
      const vertical = before.x === last.x && last.x === p.x && (last.y - before.y) * (p.y - last.y) >= 0;
      if (horizontal || vertical) out.pop();
    }
    out.push(p);
  }
  // A zero-size edge (both ends at one point) still needs two points.
  if (out.length === 1) out.push({ ...out[0]! });
  return out;
}
