import { select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, zoomTransform, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { Box } from '../graph/keyboardNav';
import { readableScale } from './minimap';

export interface ZoomState {
  x: number;
  y: number;
  k: number;
}

/** Below these scales text is unreadable anyway; hiding it keeps panning smooth on big graphs. */
const farScale = readableScale;
const tinyScale = 0.22;

/**
 * Pan and zoom with d3-zoom. Each frame writes one CSS transform on the single viewport `<g>`
 * (through the CSSOM, which the style CSP allows) and nothing else; detail levels are classes on
 * the root that change only when a threshold is crossed, and `moving` marks a gesture in progress.
 */
export class ZoomController {
  private readonly behaviour: ZoomBehavior<SVGSVGElement, unknown>;
  private readonly root: Selection<SVGSVGElement, unknown, null, undefined>;
  private level: 'near' | 'far' | 'tiny' = 'near';
  private readonly changeListeners: ((t: ZoomState) => void)[] = [];
  private readonly endListeners: ((t: ZoomState) => void)[] = [];
  /**
   * An HTML cover shown while a mouse drag pans the graph: the hover hit tests of every
   * mousemove stop at it instead of walking the whole SVG tree. Shown only once the pointer has
   * moved (a plain click still reaches the node), hidden when the gesture ends.
   */
  private readonly shield: HTMLDivElement;
  private shielded = false;

  constructor(
    private readonly svgElement: SVGSVGElement,
    private readonly viewport: SVGGElement,
  ) {
    this.root = select(svgElement);
    this.shield = document.createElement('div');
    this.shield.className = 'drag-shield';
    this.shield.setAttribute('aria-hidden', 'true');
    document.body.appendChild(this.shield);
    this.behaviour = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.02, 4])
      // While a gesture lasts the viewport is its own compositor layer (graph.css, `.moving`): a
      // pan frame then moves pixels already rastered instead of repainting the drawing. Only
      // during the gesture, because such a layer keeps the raster scale it was made with: at the
      // end it goes, and the drawing is painted sharp at the new scale.
      .on('start', () => this.svgElement.classList.add('moving'))
      .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        if (!this.shielded && (event.sourceEvent as Event | null)?.type === 'mousemove') this.setShield(true);
        this.apply(event.transform);
      })
      .on('end', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.svgElement.classList.remove('moving');
        if (this.shielded) this.setShield(false);
        for (const listener of this.endListeners) listener(toState(event.transform));
      });
    this.root.call(this.behaviour);
    // Double-click belongs to nodes (focus), not to zooming in.
    this.root.on('dblclick.zoom', null);
  }

  /** Called on every frame of a pan or zoom: keep listeners cheap. */
  onChange(listener: (t: ZoomState) => void): void {
    this.changeListeners.push(listener);
  }

  /** Called when a gesture or a programmatic move ends (persisting the view happens here). */
  onEnd(listener: (t: ZoomState) => void): void {
    this.endListeners.push(listener);
  }

  get state(): ZoomState {
    return toState(this.current());
  }

  get size(): { width: number; height: number } {
    return { width: this.svgElement.clientWidth, height: this.svgElement.clientHeight };
  }

  set(state: ZoomState): void {
    this.behaviour.transform(this.root, zoomIdentity.translate(state.x, state.y).scale(state.k));
  }

  /**
   * Shows the whole box, never enlarged beyond `maxScale` (a three-node graph stays node-sized)
   * nor shrunk below `minScale`. When even `minScale` cannot show it all, the upstream end (the
   * left) is shown and the rest is a pan away.
   */
  fit(box: Box, { padding = 32, maxScale = 1.2, minScale = 0.02 }: { padding?: number; maxScale?: number; minScale?: number } = {}): void {
    const { width, height } = this.size;
    if (width === 0 || height === 0 || box.width <= 0 || box.height <= 0) return;
    const wanted = Math.min(maxScale, (width - 2 * padding) / box.width, (height - 2 * padding) / box.height);
    const k = Math.max(minScale, wanted);
    const x = box.width * k <= width - 2 * padding ? (width - box.width * k) / 2 - box.x * k : padding - box.x * k;
    const y = box.height * k <= height - 2 * padding ? (height - box.height * k) / 2 - box.y * k : padding - box.y * k;
    this.set({ x, y, k });
  }

  /** Whether the box fits in the window at scale `k` (with the same padding as `fit`). */
  fitsAt(box: Box, k: number, padding = 32): boolean {
    const { width, height } = this.size;
    return box.width * k <= width - 2 * padding && box.height * k <= height - 2 * padding;
  }

  centreOn(box: Box): void {
    const { width, height } = this.size;
    const { k } = this.state;
    this.set({ x: width / 2 - (box.x + box.width / 2) * k, y: height / 2 - (box.y + box.height / 2) * k, k });
  }

  /** Pans the least needed to bring a box into view (keyboard moves, revealing a selection). */
  reveal(box: Box, margin = 24): void {
    const { width, height } = this.size;
    const { x, y, k } = this.state;
    const left = box.x * k + x;
    const top = box.y * k + y;
    const right = left + box.width * k;
    const bottom = top + box.height * k;
    if (box.width * k > width - 2 * margin || box.height * k > height - 2 * margin) return this.centreOn(box);
    let dx = 0;
    let dy = 0;
    if (left < margin) dx = margin - left;
    else if (right > width - margin) dx = width - margin - right;
    if (top < margin) dy = margin - top;
    else if (bottom > height - margin) dy = height - margin - bottom;
    if (dx !== 0 || dy !== 0) this.set({ x: x + dx, y: y + dy, k });
  }

  /**
   * Moves as little as needed so the box uses the window well: a box that fits is brought fully
   * into view, a bigger one leaves no empty margin beyond `padding`. Used after a re-layout that
   * kept an anchor still, which can push most of a changed graph out of view.
   */
  constrain(box: Box, padding = 32): void {
    const { width, height } = this.size;
    const { x, y, k } = this.state;
    const axis = (offset: number, start: number, length: number, view: number): number => {
      const low = start * k + offset;
      const high = low + length * k;
      if (length * k <= view - 2 * padding) {
        if (low < padding) return offset + (padding - low);
        if (high > view - padding) return offset - (high - (view - padding));
        return offset;
      }
      if (low > padding) return offset - (low - padding);
      if (high < view - padding) return offset + (view - padding - high);
      return offset;
    };
    const nx = axis(x, box.x, box.width, width);
    const ny = axis(y, box.y, box.height, height);
    if (nx !== x || ny !== y) this.set({ x: nx, y: ny, k });
  }

  /** Where a graph point is on screen now. */
  toScreen(p: { x: number; y: number }): { x: number; y: number } {
    const { x, y, k } = this.state;
    return { x: p.x * k + x, y: p.y * k + y };
  }

  private setShield(on: boolean): void {
    this.shielded = on;
    this.shield.classList.toggle('active', on);
  }

  private current(): ZoomTransform {
    return zoomTransform(this.svgElement);
  }

  private apply(t: ZoomTransform): void {
    this.viewport.style.setProperty('transform', `translate(${t.x}px, ${t.y}px) scale(${t.k})`);
    const level = t.k < tinyScale ? 'tiny' : t.k < farScale ? 'far' : 'near';
    if (level !== this.level) {
      this.level = level;
      this.svgElement.classList.toggle('zoom-far', level !== 'near');
      this.svgElement.classList.toggle('zoom-tiny', level === 'tiny');
    }
    const state = toState(t);
    for (const listener of this.changeListeners) listener(state);
  }
}

function toState(t: ZoomTransform): ZoomState {
  return { x: t.x, y: t.y, k: t.k };
}
