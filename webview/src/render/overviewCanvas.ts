import type { Box } from '../graph/keyboardNav';
import { html } from '../ui/dom';
import { OverviewReplySchema } from './overviewMessages';
import { groupLabelPx, OverviewPainter, type OverviewHighlight, type OverviewPalette, type OverviewRegion, type OverviewScene, type OverviewStatus } from './overviewPaint';
import type { ZoomState } from './zoomController';

/** What the layer uses of a Worker (a DOM `Worker` satisfies it). */
export interface OverviewWorker {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** The bitmap on screen: the region it was painted for and the graph area it stands for. */
interface Shown {
  region: OverviewRegion;
  /** Which scene it shows (setScene counts them). */
  scene: number;
  /** The area the paint was asked to cover (the region before clipping to the graph): nothing else is in it. */
  coverage: Box;
}

/** Most device pixels a paint may have (about 32 MB of bitmap). */
const maxPaintPixels = 8_000_000;
/** Repaint once the view's scale is this far from the bitmap's (a scaled bitmap blurs or wastes detail). */
const maxScaleDrift = 1.12;

/**
 * The far-out view of a large graph: one `<canvas>` under the SVG showing a bitmap of the graph
 * that a worker paints (OverviewPainter), instead of tens of thousands of SVG elements. The
 * browser's cost of an SVG per frame (style, pre-paint, paint and raster of every element the
 * transform moves) is what made a 10,000-node pan drop frames; here a frame of a pan or zoom only
 * changes the canvas's CSS transform, which the compositor applies to the bitmap it already has.
 *
 * The bitmap covers the window and half a window around it. When the view leaves that area, or
 * the scale drifts far enough to blur it, the layer asks the worker for a new bitmap of the current
 * view (one request in flight; the newest view wins) and shows it, transformed to the view at that
 * moment, when it arrives. Without a worker the same painter runs here, synchronously.
 */
export class OverviewCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly bitmaps: ImageBitmapRenderingContext | null;
  private worker: OverviewWorker | null = null;
  private local: OverviewPainter | null = null;
  private scene: OverviewScene | null = null;
  private highlight: OverviewHighlight = { selectedId: null, focusId: null, matchIds: null, hoverId: null };
  private palette: OverviewPalette | null = null;
  private status: OverviewStatus | null = null;
  private active = false;
  private last: { state: ZoomState; size: { width: number; height: number } } | null = null;
  private shown: Shown | null = null;
  /** Scene, highlight or palette changed since the bitmap on screen was painted. */
  private stale = true;
  private inFlight: { paintId: number; coverage: Box; scene: number } | null = null;
  private nextPaintId = 1;
  private paints = 0;
  private sceneVersion = 0;

  constructor(
    parent: HTMLElement,
    createWorker: (() => OverviewWorker) | null,
    private readonly painted: () => void = () => undefined,
  ) {
    this.canvas = html('canvas', { className: 'overview-canvas hidden', attrs: { 'aria-hidden': 'true', 'data-nodes': '0', 'data-nodes-drawn': '0', 'data-paints': '0' } });
    parent.appendChild(this.canvas);
    this.bitmaps = this.canvas.getContext('bitmaprenderer');
    if (createWorker && this.supported) {
      try {
        const worker = createWorker();
        worker.onmessage = (event) => this.received(event.data);
        worker.onerror = (event) => this.workerFailed(event.message);
        this.worker = worker;
      } catch (error) {
        this.workerFailed(error instanceof Error ? error.message : String(error));
      }
    }
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Whether this browser can paint the overview at all (OffscreenCanvas and a bitmap renderer). */
  get supported(): boolean {
    return typeof OffscreenCanvas !== 'undefined' && this.bitmaps !== null;
  }

  /**
   * Whether the bitmap on screen shows this view well enough to stand for it (same scene, the
   * window inside what it covers, the scale within a factor of two).
   */
  covers(state: ZoomState, size: { width: number; height: number }): boolean {
    const shown = this.shown;
    if (!shown || shown.scene !== this.sceneVersion) return false;
    const drift = state.k / shown.region.k;
    return drift <= 2 && drift >= 0.5 && contains(shown.coverage, viewWindow(state, size));
  }

  setScene(scene: OverviewScene): void {
    this.scene = scene;
    this.sceneVersion++;
    this.canvas.setAttribute('data-nodes', String(scene.nodes.length));
    this.send({ type: 'scene', scene });
    this.invalidate();
  }

  setHighlight(highlight: Omit<OverviewHighlight, 'hoverId'>): void {
    this.highlight = { ...highlight, hoverId: this.highlight.hoverId };
    this.send({ type: 'highlight', highlight: this.highlight });
    this.invalidate();
  }

  /** Node ids by worst status (null: no instance): a new bitmap, never a new scene. */
  setStatus(status: OverviewStatus | null): void {
    // Reads every few seconds mostly change nothing; an unchanged status costs no paint.
    if (sameStatus(status, this.status)) return;
    this.status = status;
    this.send({ type: 'status', status });
    this.invalidate();
  }

  /** The node under the pointer (outlined), or null. */
  setHover(id: string | null): void {
    if (id === this.highlight.hoverId) return;
    this.highlight = { ...this.highlight, hoverId: id };
    this.send({ type: 'highlight', highlight: this.highlight });
    this.invalidate();
  }

  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.canvas.classList.toggle('hidden', !active);
    if (active) this.invalidate();
  }

  themeChanged(): void {
    this.palette = null;
    this.invalidate();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  /**
   * Follows the view: called once per frame of a pan or zoom. Moves the bitmap on screen (a CSS
   * transform, nothing repainted) and asks for a new one when this one no longer serves.
   */
  draw(state: ZoomState, size: { width: number; height: number }): void {
    this.last = { state, size };
    this.place();
    if (this.needsPaint()) this.requestPaint();
  }

  private invalidate(): void {
    this.stale = true;
    if (this.active && this.last) this.requestPaint();
  }

  private needsPaint(): boolean {
    if (!this.active || !this.last) return false;
    const shown = this.shown;
    if (this.stale || !shown) return true;
    const { state, size } = this.last;
    const drift = state.k / shown.region.k;
    if (drift > maxScaleDrift || drift < 1 / maxScaleDrift) return true;
    return !contains(shown.coverage, viewWindow(state, size));
  }

  private requestPaint(): void {
    if (!this.last || !this.scene || this.inFlight !== null) return;
    const { state, size } = this.last;
    if (size.width === 0 || size.height === 0) return;
    if (this.palette === null) {
      this.palette = this.readPalette();
      this.send({ type: 'palette', palette: this.palette });
    }
    const ratio = window.devicePixelRatio || 1;
    // Half a window around the view, less when that would be too many pixels (high-DPI screens).
    const fraction = Math.min(0.5, Math.max(0.1, (Math.sqrt(maxPaintPixels / (size.width * size.height * ratio * ratio)) - 1) / 2));
    const view = viewWindow(state, size);
    const coverage = { x: view.x - view.width * fraction, y: view.y - view.height * fraction, width: view.width * (1 + 2 * fraction), height: view.height * (1 + 2 * fraction) };
    // Nothing is drawn outside the graph (and its labels' few pixels), so the bitmap stops there.
    const pad = 40 / state.k;
    const extent = this.scene.extent;
    const clipped = intersect(coverage, { x: extent.x - pad, y: extent.y - pad, width: extent.width + 2 * pad, height: extent.height + 2 * pad });
    if (!clipped) {
      this.stale = false;
      this.show(null, coverage, this.sceneVersion);
      return;
    }
    const region: OverviewRegion = {
      x: clipped.x,
      y: clipped.y,
      k: state.k,
      width: Math.max(1, Math.ceil(clipped.width * state.k)),
      height: Math.max(1, Math.ceil(clipped.height * state.k)),
      ratio,
    };
    const paintId = this.nextPaintId++;
    this.stale = false;
    if (this.worker) {
      this.inFlight = { paintId, coverage, scene: this.sceneVersion };
      this.worker.postMessage({ type: 'paint', paintId, region });
      return;
    }
    const painted = this.localPainter().paint(region);
    if (painted) this.show({ region, bitmap: painted.bitmap, drawn: painted.drawn }, coverage, this.sceneVersion);
  }

  private received(data: unknown): void {
    const parsed = OverviewReplySchema.safeParse(data);
    if (!parsed.success) return this.workerFailed('the overview worker sent a message of an unknown shape');
    const reply = parsed.data;
    if (reply.paintId !== this.inFlight?.paintId) {
      if (reply.type === 'painted') reply.bitmap.close();
      return;
    }
    const { coverage, scene } = this.inFlight;
    this.inFlight = null;
    if (reply.type === 'failed') {
      this.workerFailed(reply.message);
      return;
    }
    if (this.active) this.show(reply, coverage, scene);
    else reply.bitmap.close();
    // The view may have moved on while the worker painted.
    if (this.needsPaint()) this.requestPaint();
  }

  private show(painted: { region: OverviewRegion; bitmap: ImageBitmap; drawn: number } | null, coverage: Box, scene: number): void {
    if (painted === null) {
      // The view is all background: an empty bitmap.
      this.bitmaps?.transferFromImageBitmap(null);
      this.shown = { region: { x: coverage.x, y: coverage.y, k: this.last?.state.k ?? 1, width: 1, height: 1, ratio: 1 }, coverage, scene };
    } else {
      this.bitmaps?.transferFromImageBitmap(painted.bitmap);
      this.shown = { region: painted.region, coverage, scene };
      this.canvas.style.setProperty('width', `${painted.region.width}px`);
      this.canvas.style.setProperty('height', `${painted.region.height}px`);
    }
    this.paints++;
    // For tests and the frame benchmark: what the bitmap holds (the SVG holds only a node or two).
    this.canvas.setAttribute('data-nodes-drawn', String(painted?.drawn ?? 0));
    this.canvas.setAttribute('data-paints', String(this.paints));
    this.place();
    this.painted();
  }

  /** The CSS transform that puts the bitmap where its region is in the current view. */
  private place(): void {
    const shown = this.shown;
    if (!shown || !this.last) return;
    const { x, y, k } = this.last.state;
    const r = shown.region;
    const s = k / r.k;
    this.canvas.style.setProperty('transform', `translate(${r.x * k + x}px, ${r.y * k + y}px) scale(${s})`);
  }

  private send(message: { type: 'scene' | 'palette' | 'highlight' | 'status'; [key: string]: unknown }): void {
    if (this.worker) {
      this.worker.postMessage(message);
      return;
    }
    const painter = this.local;
    if (!painter) return;
    if (message.type === 'scene' && this.scene) painter.setScene(this.scene);
    else if (message.type === 'highlight') painter.setHighlight(this.highlight);
    else if (message.type === 'status') painter.setStatus(this.status);
    else if (message.type === 'palette' && this.palette) painter.setPalette(this.palette);
  }

  private localPainter(): OverviewPainter {
    if (!this.local) {
      this.local = new OverviewPainter();
      if (this.scene) this.local.setScene(this.scene);
      this.local.setHighlight(this.highlight);
      this.local.setStatus(this.status);
    }
    if (this.palette) this.local.setPalette(this.palette);
    return this.local;
  }

  /** From here on this page paints on the main thread (slower, but the view keeps working). */
  private workerFailed(message: string): void {
    console.warn(`Asset Lineage: overview worker unavailable (${message}); painting on the main thread`);
    this.worker?.terminate();
    this.worker = null;
    this.inFlight = null;
    this.localPainter();
    this.invalidate();
  }

  private readPalette(): OverviewPalette {
    const style = getComputedStyle(this.canvas);
    const token = (name: string): string => style.getPropertyValue(name).trim() || style.color;
    const number = (name: string, fallback: number): number => {
      const value = Number.parseFloat(style.getPropertyValue(name));
      return Number.isFinite(value) ? value : fallback;
    };
    return {
      nodeBg: token('--lineage-node-bg'),
      nodeBorder: token('--lineage-node-border'),
      nodeBorderOpacity: number('--lineage-node-border-opacity', 1),
      dot: token('--lineage-minimap-node'),
      groupBg: token('--lineage-group-bg'),
      groupBorder: token('--lineage-group-border'),
      groupLabel: token('--lineage-group-label'),
      edge: token('--lineage-edge'),
      edgeOpacity: number('--lineage-edge-opacity', 0.55),
      edgeHighlight: token('--lineage-edge-highlight'),
      selectedBg: token('--lineage-node-selected-bg'),
      selectedBorder: token('--lineage-node-selected-border'),
      focusBorder: token('--lineage-node-focus-border'),
      hoverBorder: token('--lineage-focus'),
      matchBg: token('--lineage-match-bg'),
      matchBorder: token('--lineage-match-border'),
      statusFailed: token('--lineage-status-failed'),
      statusStale: token('--lineage-status-stale'),
      statusImpacted: token('--lineage-status-impacted'),
      statusMissing: token('--lineage-status-missing'),
      statusFresh: token('--lineage-status-fresh'),
      font: `600 ${groupLabelPx}px ${style.fontFamily}`,
    };
  }
}

function sameStatus(a: OverviewStatus | null, b: OverviewStatus | null): boolean {
  if (a === null || b === null) return a === b;
  for (const kind of ['failed', 'stale', 'impacted', 'missing', 'fresh'] as const) {
    const x = a[kind];
    const y = b[kind];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

export function viewWindow(state: ZoomState, size: { width: number; height: number }): Box {
  return { x: -state.x / state.k, y: -state.y / state.k, width: size.width / state.k, height: size.height / state.k };
}

export function contains(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

function intersect(a: Box, b: Box): Box | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}
