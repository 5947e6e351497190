import type { Box } from '../graph/keyboardNav';
import { html } from '../ui/dom';
import type { ZoomController, ZoomState } from './zoomController';

/** Above this many nodes the whole graph no longer fits legibly, and an overview earns its space. */
export const minimapThreshold = 150;

/**
 * Below this scale node labels are hidden; a view of at most `minimapThreshold` nodes is never
 * fitted smaller than this, and gets the minimap when that leaves part of it outside the window.
 */
export const readableScale = 0.5;

interface Palette {
  background: string;
  node: string;
  group: string;
  viewport: string;
}

/**
 * An overview of the whole layout with the visible area outlined; click or drag in it to move
 * there. Drawn on a canvas, so its colours are read from the CSS tokens in script and read again
 * when the theme (the body class) changes. The nodes are drawn once per layout into an offscreen
 * canvas; a pan only copies that image and strokes one rectangle.
 */
export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private readonly nodesImage = document.createElement('canvas');
  private boxes: Box[] = [];
  private groups: Box[] = [];
  private extent: Box = { x: 0, y: 0, width: 0, height: 0 };
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  private palette: Palette | null = null;
  private shown = false;
  /** The graph window's size, read with the layout (on update/resize), never in the zoom listener. */
  private viewSize = { width: 0, height: 0 };
  private pending: ZoomState | null = null;
  private frame = 0;

  constructor(
    parent: HTMLElement,
    private readonly zoom: ZoomController,
  ) {
    this.canvas = html('canvas', { id: 'minimap', className: 'minimap hidden', attrs: { 'aria-hidden': 'true' } });
    parent.appendChild(this.canvas);
    zoom.onChange((state) => {
      if (!this.shown) return;
      // Coalesced into one draw per frame; no layout or style is read here.
      this.pending = state;
      if (this.frame === 0) {
        this.frame = requestAnimationFrame(() => {
          this.frame = 0;
          const next = this.pending;
          this.pending = null;
          if (next && this.shown) this.drawViewport(next);
        });
      }
    });
    const moveTo = (event: PointerEvent): void => {
      const rect = this.canvas.getBoundingClientRect();
      const x = (event.clientX - rect.left - this.offsetX) / this.scale + this.extent.x;
      const y = (event.clientY - rect.top - this.offsetY) / this.scale + this.extent.y;
      this.zoom.centreOn({ x, y, width: 0, height: 0 });
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      this.canvas.setPointerCapture(event.pointerId);
      moveTo(event);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (this.canvas.hasPointerCapture(event.pointerId)) moveTo(event);
    });
  }

  update(nodes: Iterable<Box>, groups: Iterable<Box>, extent: Box, show: boolean): void {
    this.shown = show;
    this.canvas.classList.toggle('hidden', !show);
    this.boxes = [...nodes];
    this.groups = [...groups];
    this.extent = extent;
    if (show) this.redraw();
  }

  themeChanged(): void {
    this.palette = null;
    if (this.shown) this.redraw();
  }

  private readPalette(): Palette {
    const style = getComputedStyle(this.canvas);
    const token = (name: string): string => style.getPropertyValue(name).trim() || style.color;
    return {
      background: token('--lineage-minimap-bg'),
      node: token('--lineage-minimap-node'),
      group: token('--lineage-minimap-group'),
      viewport: token('--lineage-minimap-viewport'),
    };
  }

  private redraw(): void {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    this.viewSize = this.zoom.size;
    if (width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    for (const canvas of [this.canvas, this.nodesImage]) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    this.palette ??= this.readPalette();
    const pad = 6;
    this.scale = Math.min((width - 2 * pad) / Math.max(1, this.extent.width), (height - 2 * pad) / Math.max(1, this.extent.height));
    this.offsetX = (width - this.extent.width * this.scale) / 2;
    this.offsetY = (height - this.extent.height * this.scale) / 2;
    const context = this.nodesImage.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = this.palette.background;
    context.fillRect(0, 0, width, height);
    context.fillStyle = this.palette.group;
    for (const box of this.groups) this.fill(context, box);
    context.fillStyle = this.palette.node;
    for (const box of this.boxes) this.fill(context, box, 1);
    this.drawViewport(this.zoom.state);
  }

  private fill(context: CanvasRenderingContext2D, box: Box, minimum = 0): void {
    const x = (box.x - this.extent.x) * this.scale + this.offsetX;
    const y = (box.y - this.extent.y) * this.scale + this.offsetY;
    context.fillRect(x, y, Math.max(minimum, box.width * this.scale), Math.max(minimum, box.height * this.scale));
  }

  private drawViewport(state: ZoomState): void {
    const context = this.canvas.getContext('2d');
    if (!context || !this.palette) return;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.drawImage(this.nodesImage, 0, 0);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const { width, height } = this.viewSize;
    const view: Box = { x: -state.x / state.k, y: -state.y / state.k, width: width / state.k, height: height / state.k };
    context.strokeStyle = this.palette.viewport;
    context.lineWidth = 1.5;
    const x = (view.x - this.extent.x) * this.scale + this.offsetX;
    const y = (view.y - this.extent.y) * this.scale + this.offsetY;
    context.strokeRect(x, y, view.width * this.scale, view.height * this.scale);
  }
}
