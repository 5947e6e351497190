import type { VisibleGraph } from './visibleGraph';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Arrow keys in a left-to-right lineage: left/right walk edges, up/down walk the same layer. */
export type NavDirection = 'upstream' | 'downstream' | 'previousSibling' | 'nextSibling';

export function directionForKey(key: string): NavDirection | null {
  switch (key) {
    case 'ArrowLeft':
      return 'upstream';
    case 'ArrowRight':
      return 'downstream';
    case 'ArrowUp':
      return 'previousSibling';
    case 'ArrowDown':
      return 'nextSibling';
    default:
      return null;
  }
}

const centreY = (b: Box): number => b.y + b.height / 2;
const centreX = (b: Box): number => b.x + b.width / 2;

/**
 * The node an arrow key moves to. Along edges it picks the neighbour nearest in height, so a move
 * follows the drawing rather than the order of the code. A "layer" is the column of
 * nodes whose horizontal extent overlaps the current node's centre; up/down move to the nearest
 * node above or below in it.
 */
export function navigate(graph: VisibleGraph, boxes: ReadonlyMap<string, Box>, fromId: string, direction: NavDirection): string | null {
  const from = boxes.get(fromId);
  if (!from) return null;
  let candidates: string[];
  if (direction === 'upstream') candidates = graph.edges.filter((e) => e.target === fromId && e.source !== fromId).map((e) => e.source);
  else if (direction === 'downstream') candidates = graph.edges.filter((e) => e.source === fromId && e.target !== fromId).map((e) => e.target);
  else {
    const x = centreX(from);
    const below = direction === 'nextSibling';
    candidates = [];
    for (const node of graph.nodes) {
      const box = boxes.get(node.id);
      if (!box || node.id === fromId) continue;
      if (x < box.x || x > box.x + box.width) continue;
      if (below ? centreY(box) > centreY(from) : centreY(box) < centreY(from)) candidates.push(node.id);
    }
  }
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const id of candidates) {
    const box = boxes.get(id);
    if (!box) continue;
    const distance = Math.abs(centreY(box) - centreY(from)) + Math.abs(centreX(box) - centreX(from)) / 1000;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = id;
    }
  }
  return best;
}
