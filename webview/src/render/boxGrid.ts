import type { Box } from '../graph/keyboardNav';

/**
 * A uniform grid over boxes (graph coordinates) for "what is in this window" and "what is under
 * the pointer" on large drawings. Each item is filed in every cell its box touches, so a query
 * visits only the cells it overlaps; items spanning several cells are reported once.
 */
export class BoxGrid<T> {
  /** Item indices per cell, row-major. */
  private readonly cells: number[][];
  private readonly origin: { x: number; y: number };
  private readonly columns: number;
  private readonly rows: number;
  private readonly cellWidth: number;
  private readonly cellHeight: number;
  private readonly boxes: Box[] = [];
  private readonly items: T[] = [];
  private readonly seen: Uint32Array;
  private stamp = 0;

  /** `extent` is the area the boxes are in; `targetPerCell` trades cell count for cell size. */
  constructor(entries: readonly (readonly [T, Box])[], extent: Box, targetPerCell = 24) {
    const shape = gridShape(entries.length, extent, targetPerCell);
    this.columns = shape.columns;
    this.rows = shape.rows;
    this.cellWidth = shape.cellWidth;
    this.cellHeight = shape.cellHeight;
    this.origin = { x: extent.x, y: extent.y };
    this.cells = Array.from({ length: this.columns * this.rows }, () => []);
    for (const [item, box] of entries) {
      const i = this.items.length;
      this.items.push(item);
      this.boxes.push(box);
      this.forCells(box, (cell) => cell.push(i));
    }
    this.seen = new Uint32Array(this.items.length);
  }

  get size(): number {
    return this.items.length;
  }

  /** Calls `visit` once for every item whose box overlaps `area`. */
  query(area: Box, visit: (item: T, box: Box) => void): void {
    const stamp = this.nextStamp();
    const right = area.x + area.width;
    const bottom = area.y + area.height;
    this.forCells(area, (cell) => {
      for (const i of cell) {
        if (this.seen[i] === stamp) continue;
        this.seen[i] = stamp;
        const box = this.boxes[i] as Box;
        if (box.x <= right && box.x + box.width >= area.x && box.y <= bottom && box.y + box.height >= area.y) visit(this.items[i] as T, box);
      }
    });
  }

  /** The item whose box contains the point, enlarged by `slop` on every side; the nearest centre wins. */
  at(x: number, y: number, slop = 0): T | undefined {
    let best: T | undefined;
    let bestDistance = Infinity;
    this.query({ x: x - slop, y: y - slop, width: 2 * slop, height: 2 * slop }, (item, box) => {
      const distance = Math.hypot(box.x + box.width / 2 - x, box.y + box.height / 2 - y);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = item;
      }
    });
    return best;
  }

  private nextStamp(): number {
    this.stamp++;
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private forCells(box: Box, visit: (cell: number[]) => void): void {
    const c0 = this.clamp(Math.floor((box.x - this.origin.x) / this.cellWidth), this.columns);
    const c1 = this.clamp(Math.floor((box.x + box.width - this.origin.x) / this.cellWidth), this.columns);
    const r0 = this.clamp(Math.floor((box.y - this.origin.y) / this.cellHeight), this.rows);
    const r1 = this.clamp(Math.floor((box.y + box.height - this.origin.y) / this.cellHeight), this.rows);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) visit(this.cells[r * this.columns + c] as number[]);
    }
  }

  private clamp(value: number, count: number): number {
    return Math.min(count - 1, Math.max(0, value));
  }
}

/**
 * Columns and rows for about `perCell` of `count` evenly spread items per cell, with cells of the
 * extent's aspect ratio (at most 512 a side).
 */
export function gridShape(count: number, extent: Box, perCell: number): { columns: number; rows: number; cellWidth: number; cellHeight: number } {
  const side = Math.max(1, Math.min(256, Math.round(Math.sqrt(Math.max(1, count) / perCell))));
  const aspect = extent.width > 0 && extent.height > 0 ? extent.width / extent.height : 1;
  const columns = Math.max(1, Math.min(512, Math.round(side * Math.sqrt(aspect))));
  const rows = Math.max(1, Math.min(512, Math.round(side / Math.sqrt(aspect))));
  return { columns, rows, cellWidth: Math.max(1, extent.width / columns), cellHeight: Math.max(1, extent.height / rows) };
}
