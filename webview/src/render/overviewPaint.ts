/**
 * Painting the far-out view of a large graph into a bitmap. Runs in the overview worker (and on
 * the main thread only when no worker can be started), so it uses nothing but OffscreenCanvas,
 * Path2D and plain data.
 */
import type { Box } from '../graph/keyboardNav';
import type { LayoutPoint as Point } from '../layout/layoutTypes';
import { gridShape } from './boxGrid';

/** How a node looks from far out: a card, a dashed-outline card (stub, external) or a stack (collapsed group). */
export type OverviewNodeStyle = 'card' | 'outline' | 'stack';

export interface OverviewScene {
  nodes: { id: string; box: Box; style: OverviewNodeStyle }[];
  groups: { name: string; box: Box }[];
  edges: { source: string; target: string; points: Point[]; aggregate: boolean }[];
  extent: Box;
}

export interface OverviewHighlight {
  selectedId: string | null;
  focusId: string | null;
  matchIds: string[] | null;
  hoverId: string | null;
}

/**
 * Node ids by their worst status from the Dagster instance (see webview/src/graph/nodeStatus.ts;
 * the kinds are repeated here because the worker bundle takes nothing from the view model).
 */
export interface OverviewStatus {
  failed: string[];
  stale: string[];
  impacted: string[];
  missing: string[];
  fresh: string[];
}

const overviewStatusKinds = ['fresh', 'missing', 'impacted', 'stale', 'failed'] as const;

/** Theme colours, read from graph.css's tokens on the main thread (a worker has no styles). */
export interface OverviewPalette {
  nodeBg: string;
  nodeBorder: string;
  nodeBorderOpacity: number;
  dot: string;
  groupBg: string;
  groupBorder: string;
  groupLabel: string;
  edge: string;
  edgeOpacity: number;
  edgeHighlight: string;
  selectedBg: string;
  selectedBorder: string;
  focusBorder: string;
  hoverBorder: string;
  matchBg: string;
  matchBorder: string;
  statusFailed: string;
  statusStale: string;
  statusImpacted: string;
  statusMissing: string;
  statusFresh: string;
  font: string;
}

/**
 * The part of the graph a bitmap shows: graph coordinates from (`x`, `y`), at `k` screen pixels
 * per graph unit, `width` × `height` CSS pixels, `ratio` device pixels per CSS pixel.
 */
export interface OverviewRegion {
  x: number;
  y: number;
  k: number;
  width: number;
  height: number;
  ratio: number;
}

/** Pre-built paths for one tile of the drawing, in graph coordinates. */
interface Tile {
  /** Union of everything in the tile (edges may reach far outside the tile's cell). */
  bounds: Box;
  cards: Path2D;
  outlines: Path2D;
  stacks: Path2D;
  edges: Path2D;
  aggregateEdges: Path2D;
  nodeCount: number;
}

/** Below this on-screen width (px) of the narrowest node, nodes are solid marks: a border would be all there is of them. */
const dotWidth = 12;
const narrowestNode = 140;
export const groupLabelPx = 12;
const dimmedAlpha = 0.35;
/** The status bar along a card's bottom, as in the SVG (nodeGeometry.statusTop and statusHeight, from a 46-unit body). */
const statusBarFromBottom = 5;
const statusBarHeight = 4;
/** Collapsed groups' cards are drawn this far in from their box's far corner (the stack). */
const stackOffset = 3;

/**
 * Draws a scene: group boxes, then edges, then nodes (only the tiles that overlap the region),
 * then highlights (search matches, the selection and its edges, the focus, the hovered node), then
 * group names at a fixed pixel size where their box can hold them. Paths are built once per scene.
 */
export class OverviewPainter {
  private tiles: Tile[] = [];
  private groups: OverviewScene['groups'] = [];
  private groupsPath = new Path2D();
  private nodeBox = new Map<string, Box>();
  private edgesOf = new Map<string, Point[][]>();
  private highlight: OverviewHighlight = { selectedId: null, focusId: null, matchIds: null, hoverId: null };
  private highlightPaths: { matches: Path2D; selectedEdges: Path2D } | null = null;
  private nodeStyle = new Map<string, OverviewNodeStyle>();
  private status: OverviewStatus | null = null;
  /**
   * Per status: the node boxes (for dots) and the bars along their bottoms (for cards), built on
   * the first paint at a scale (bars have a minimum height in screen pixels).
   */
  private statusPaths: { px: number; paths: Map<keyof OverviewStatus, { boxes: Path2D; bars: Path2D }> } | null = null;
  private palette: OverviewPalette | null = null;
  private canvas: OffscreenCanvas | null = null;

  setScene(scene: OverviewScene): void {
    this.nodeBox = new Map(scene.nodes.map((n) => [n.id, n.box]));
    this.nodeStyle = new Map(scene.nodes.map((n) => [n.id, n.style]));
    this.statusPaths = null;
    this.groups = scene.groups;
    this.groupsPath = new Path2D();
    for (const g of scene.groups) this.groupsPath.rect(g.box.x, g.box.y, g.box.width, g.box.height);
    this.edgesOf = new Map();
    for (const e of scene.edges) {
      for (const end of new Set([e.source, e.target])) {
        let list = this.edgesOf.get(end);
        if (!list) this.edgesOf.set(end, (list = []));
        list.push(e.points);
      }
    }
    this.tiles = buildTiles(scene);
    this.highlightPaths = null;
  }

  setHighlight(highlight: OverviewHighlight): void {
    this.highlight = highlight;
    this.highlightPaths = null;
  }

  setStatus(status: OverviewStatus | null): void {
    this.status = status;
    this.statusPaths = null;
  }

  setPalette(palette: OverviewPalette): void {
    this.palette = palette;
  }

  /** Paints the region; null before a palette arrived. `drawn` counts the nodes of the tiles painted. */
  paint(region: OverviewRegion): { bitmap: ImageBitmap; drawn: number } | null {
    const p = this.palette;
    if (!p) return null;
    const pixelWidth = Math.max(1, Math.round(region.width * region.ratio));
    const pixelHeight = Math.max(1, Math.round(region.height * region.ratio));
    if (!this.canvas) this.canvas = new OffscreenCanvas(pixelWidth, pixelHeight);
    const canvas = this.canvas;
    canvas.width = pixelWidth;
    canvas.height = pixelHeight;
    const context = canvas.getContext('2d');
    if (!context) return null;
    const { k, ratio } = region;
    context.setTransform(k * ratio, 0, 0, k * ratio, -region.x * k * ratio, -region.y * k * ratio);
    const px = 1 / k; // one screen pixel in graph units
    const view: Box = { x: region.x, y: region.y, width: region.width / k, height: region.height / k };
    const visible = this.tiles.filter((t) => overlaps(t.bounds, view));
    const searching = this.highlight.matchIds !== null;
    const dots = k * narrowestNode < dotWidth;

    context.fillStyle = p.groupBg;
    context.fill(this.groupsPath);
    context.strokeStyle = p.groupBorder;
    context.lineWidth = px;
    context.stroke(this.groupsPath);

    context.globalAlpha = p.edgeOpacity * (searching ? dimmedAlpha : 1);
    context.strokeStyle = p.edge;
    context.lineWidth = 1.25 * px;
    for (const tile of visible) context.stroke(tile.edges);
    context.lineWidth = 2.5 * px;
    for (const tile of visible) context.stroke(tile.aggregateEdges);

    const nodeAlpha = searching ? dimmedAlpha : 1;
    context.globalAlpha = nodeAlpha;
    let drawn = 0;
    for (const tile of visible) drawn += tile.nodeCount;
    if (dots) {
      context.fillStyle = p.dot;
      for (const tile of visible) {
        context.fill(tile.cards);
        context.fill(tile.stacks);
      }
      context.strokeStyle = p.dot;
      context.lineWidth = px;
      for (const tile of visible) context.stroke(tile.outlines);
    } else {
      context.fillStyle = p.nodeBg;
      for (const tile of visible) {
        context.fill(tile.cards);
        context.fill(tile.outlines);
        context.fill(tile.stacks);
      }
      context.globalAlpha = nodeAlpha * p.nodeBorderOpacity;
      context.strokeStyle = p.nodeBorder;
      context.lineWidth = px;
      for (const tile of visible) {
        context.stroke(tile.cards);
        context.stroke(tile.stacks);
      }
      context.setLineDash([5 * px, 3 * px]);
      for (const tile of visible) context.stroke(tile.outlines);
      context.setLineDash([]);
    }
    context.globalAlpha = nodeAlpha;
    this.paintStatus(context, p, px, dots);
    context.globalAlpha = 1;
    this.paintHighlights(context, p, px);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.paintGroupLabels(context, p, region, view);
    return { bitmap: canvas.transferToImageBitmap(), drawn };
  }

  /**
   * Worst status per node: far out a node is a mark in its status's colour; nearer, a card with a
   * bar in that colour along its bottom, where the SVG draws its strip (the strip's proportions
   * would be sub-pixel here), and a border in it when something needs attention.
   */
  private paintStatus(context: OffscreenCanvasRenderingContext2D, p: OverviewPalette, px: number, dots: boolean): void {
    if (!this.status) return;
    if (this.statusPaths?.px !== px) this.statusPaths = { px, paths: this.buildStatusPaths(px) };
    const paths = this.statusPaths.paths;
    const colour: Record<keyof OverviewStatus, string> = {
      failed: p.statusFailed,
      stale: p.statusStale,
      impacted: p.statusImpacted,
      missing: p.statusMissing,
      fresh: p.statusFresh,
    };
    // Worst last, so it is on top where marks overlap.
    for (const kind of overviewStatusKinds) {
      const path = paths.get(kind);
      if (!path) continue;
      context.fillStyle = colour[kind];
      if (dots) {
        context.fill(path.boxes);
        continue;
      }
      context.fill(path.bars);
      if (kind === 'failed' || kind === 'stale' || kind === 'impacted') {
        context.strokeStyle = colour[kind];
        context.lineWidth = 1.5 * px;
        context.stroke(path.boxes);
      }
    }
  }

  private buildStatusPaths(px: number): Map<keyof OverviewStatus, { boxes: Path2D; bars: Path2D }> {
    const paths = new Map<keyof OverviewStatus, { boxes: Path2D; bars: Path2D }>();
    if (!this.status) return paths;
    for (const kind of overviewStatusKinds) {
      const ids = this.status[kind];
      if (ids.length === 0) continue;
      const boxes = new Path2D();
      const bars = new Path2D();
      for (const id of ids) {
        const b = this.nodeBox.get(id);
        if (!b) continue;
        // A stack's front card is its box less the two cards behind it.
        const inset = this.nodeStyle.get(id) === 'stack' ? 2 * stackOffset : 0;
        const width = b.width - inset;
        const height = b.height - inset;
        boxes.rect(b.x, b.y, width, height);
        // At least two screen pixels tall, or a far-out bar would vanish.
        const barHeight = Math.max(statusBarHeight, 2 * px);
        bars.rect(b.x, b.y + height - statusBarFromBottom - barHeight + statusBarHeight, width, barHeight);
      }
      paths.set(kind, { boxes, bars });
    }
    return paths;
  }

  private paintHighlights(context: OffscreenCanvasRenderingContext2D, p: OverviewPalette, px: number): void {
    const h = this.highlight;
    const paths = (this.highlightPaths ??= this.buildHighlightPaths());
    if (h.matchIds !== null) {
      context.fillStyle = p.matchBg;
      context.fill(paths.matches);
      context.strokeStyle = p.matchBorder;
      context.lineWidth = 2 * px;
      context.stroke(paths.matches);
    }
    context.strokeStyle = p.edgeHighlight;
    context.lineWidth = 2 * px;
    context.stroke(paths.selectedEdges);
    const outline = (id: string | null, fill: string | null, stroke: string, width: number): void => {
      const box = id === null ? undefined : this.nodeBox.get(id);
      if (!box) return;
      // At least a few pixels tall, so a far-out selection can still be found.
      const grow = Math.max(0, (6 * px - box.height) / 2);
      const r = { x: box.x - grow, y: box.y - grow, width: box.width + 2 * grow, height: box.height + 2 * grow };
      if (fill !== null) {
        context.fillStyle = fill;
        context.fillRect(r.x, r.y, r.width, r.height);
      }
      context.strokeStyle = stroke;
      context.lineWidth = width * px;
      context.strokeRect(r.x, r.y, r.width, r.height);
    };
    outline(h.focusId, null, p.focusBorder, 2.5);
    outline(h.selectedId, p.selectedBg, p.selectedBorder, 2);
    outline(h.hoverId, null, p.hoverBorder, 2);
  }

  private buildHighlightPaths(): { matches: Path2D; selectedEdges: Path2D } {
    const matches = new Path2D();
    for (const id of this.highlight.matchIds ?? []) {
      const box = this.nodeBox.get(id);
      if (box) matches.rect(box.x, box.y, box.width, box.height);
    }
    const selectedEdges = new Path2D();
    const selected = this.highlight.selectedId;
    if (selected !== null) for (const points of this.edgesOf.get(selected) ?? []) traceEdge(selectedEdges, points);
    return { matches, selectedEdges };
  }

  /** Group names at a fixed pixel size, where the box is wide and tall enough to hold one. */
  private paintGroupLabels(context: OffscreenCanvasRenderingContext2D, p: OverviewPalette, region: OverviewRegion, view: Box): void {
    const { k } = region;
    context.font = p.font;
    context.fillStyle = p.groupLabel;
    context.textBaseline = 'top';
    for (const g of this.groups) {
      if (!overlaps(g.box, view)) continue;
      const width = g.box.width * k;
      if (width < 40 || g.box.height * k < groupLabelPx + 6) continue;
      if (context.measureText(g.name).width + 12 > width) continue;
      context.fillText(g.name, (g.box.x - region.x) * k + 6, (g.box.y - region.y) * k + 4);
    }
  }
}

/**
 * Splits the scene into a grid of tiles (about 64 nodes each); a node belongs to the tile of its
 * centre, an edge to the tile of its source end, and each tile's bounds grow to cover both.
 */
function buildTiles(scene: OverviewScene): Tile[] {
  const { extent } = scene;
  const { columns, rows, cellWidth, cellHeight } = gridShape(scene.nodes.length, extent, 64);
  const tiles: (Tile | undefined)[] = new Array(columns * rows);
  const tileAt = (x: number, y: number): Tile => {
    const c = Math.min(columns - 1, Math.max(0, Math.floor((x - extent.x) / cellWidth)));
    const r = Math.min(rows - 1, Math.max(0, Math.floor((y - extent.y) / cellHeight)));
    const i = r * columns + c;
    let tile = tiles[i];
    if (!tile) {
      tile = {
        bounds: { x: Infinity, y: Infinity, width: -Infinity, height: -Infinity },
        cards: new Path2D(),
        outlines: new Path2D(),
        stacks: new Path2D(),
        edges: new Path2D(),
        aggregateEdges: new Path2D(),
        nodeCount: 0,
      };
      tiles[i] = tile;
    }
    return tile;
  };
  for (const node of scene.nodes) {
    const b = node.box;
    const tile = tileAt(b.x + b.width / 2, b.y + b.height / 2);
    tile.nodeCount++;
    grow(tile.bounds, b.x, b.y, b.x + b.width, b.y + b.height);
    if (node.style === 'stack') {
      // The collapsed-group card with the two cards behind it, as in the SVG (offset 3).
      const o = 3;
      for (const d of [2 * o, o, 0]) tile.stacks.rect(b.x + d, b.y + d, b.width - 2 * o, b.height - 2 * o);
    } else {
      (node.style === 'outline' ? tile.outlines : tile.cards).rect(b.x, b.y, b.width, b.height);
    }
  }
  for (const edge of scene.edges) {
    const first = edge.points[0];
    if (!first || edge.points.length < 2) continue;
    const tile = tileAt(first.x, first.y);
    traceEdge(edge.aggregate ? tile.aggregateEdges : tile.edges, edge.points);
    for (const point of edge.points) grow(tile.bounds, point.x, point.y, point.x, point.y);
  }
  return tiles
    .filter((t): t is Tile => t !== undefined)
    .map((t) => ({ ...t, bounds: { x: t.bounds.x, y: t.bounds.y, width: t.bounds.width - t.bounds.x, height: t.bounds.height - t.bounds.y } }));
}

/**
 * The same curve as the SVG edges (d3's curveBumpX: horizontal tangents at every point), so the
 * drawing does not shift when the view switches between canvas and SVG.
 */
function traceEdge(path: Path2D, points: readonly Point[]): void {
  const first = points[0] as Point;
  path.moveTo(first.x, first.y);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const mid = (a.x + b.x) / 2;
    path.bezierCurveTo(mid, a.y, mid, b.y, b.x, b.y);
  }
}

/** Bounds under construction keep the far corner in width/height until buildTiles finishes them. */
function grow(bounds: Box, x0: number, y0: number, x1: number, y1: number): void {
  bounds.x = Math.min(bounds.x, x0);
  bounds.y = Math.min(bounds.y, y0);
  bounds.width = Math.max(bounds.width, x1);
  bounds.height = Math.max(bounds.height, y1);
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x <= b.x + b.width && a.x + a.width >= b.x && a.y <= b.y + b.height && a.y + a.height >= b.y;
}
