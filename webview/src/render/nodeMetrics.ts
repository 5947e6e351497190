import { partitionsLabel, kindLabel, countLabel } from '../graph/labels';
import type { ModelAsset } from '../graph/lineageModel';

/** Text styles whose widths size the nodes; their fonts come from media/graph.css (see TextMeasurer). */
export type TextRole = 'key' | 'meta' | 'chip';
export type MeasureText = (text: string, role: TextRole) => number;

/**
 * Node geometry in one place, shared by sizing (before layout) and drawing (after it).
 *
 * `g.node-strip` (in every node) holds the status strip from the Dagster instance (`state/set`).
 * It is drawn inside the body, under the meta line, rather than in a band of its own
 * (`stripHeight` stays 0): status arrives every few seconds and must never change a node's size,
 * which would mean a new layout. The strip's top (`statusTop`) is below the chip and the meta
 * line's descenders.
 */
export const nodeGeometry = {
  paddingX: 10,
  keyBaseline: 19,
  metaBaseline: 36,
  chipTop: 25,
  chipHeight: 15,
  chipPaddingX: 5,
  gap: 8,
  bodyHeight: 46,
  stripHeight: 0,
  /** The status strip: its top and height in the body, and its inset from the sides. */
  statusTop: 41,
  statusHeight: 4,
  statusInset: 10,
  /** Narrowest band a status with any partition gets in the strip. */
  statusMinWidth: 4,
  minWidth: 140,
  maxWidth: 300,
  /** Collapsed group nodes show two cards behind them, offset by this much each. */
  stackOffset: 3,
  cornerRadius: 6,
} as const;

export interface AssetNodeText {
  /** The key as drawn: the whole user key, or its tail after "…" when it is too wide. */
  key: string;
  meta: string;
  chip: string | null;
  /** The chip's width with its padding (0 without a chip), measured in the chip's font. */
  chipWidth: number;
  width: number;
  height: number;
}

export function nodeHeight(): number {
  return nodeGeometry.bodyHeight + nodeGeometry.stripHeight;
}

/**
 * Cuts a label from the left: the last components of a key (`…congestion/idle_hours`) tell
 * assets apart, the shared prefix does not.
 */
export function fitFromLeft(text: string, maxWidth: number, role: TextRole, measure: MeasureText): string {
  if (measure(text, role) <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 1;
  let hi = chars.length;
  // Smallest number of dropped characters whose remainder fits.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (measure(`…${chars.slice(mid).join('')}`, role) <= maxWidth) hi = mid;
    else lo = mid + 1;
  }
  return `…${chars.slice(lo).join('')}`;
}

function sized(keyText: string, meta: string, chip: string | null, measure: MeasureText, stack: number): AssetNodeText {
  const g = nodeGeometry;
  const chipWidth = chip === null ? 0 : measure(chip, 'chip') + 2 * g.chipPaddingX;
  const inner = Math.max(measure(keyText, 'key'), measure(meta, 'meta') + (chip === null ? 0 : chipWidth + g.gap));
  const width = Math.min(g.maxWidth, Math.max(g.minWidth, Math.ceil(inner + 2 * g.paddingX))) + stack;
  const key = fitFromLeft(keyText, g.maxWidth - 2 * g.paddingX, 'key', measure);
  return { key, meta, chip, chipWidth, width, height: nodeHeight() + stack };
}

export function assetNodeText(asset: ModelAsset, measure: MeasureText): AssetNodeText {
  const node = asset.asset;
  return sized(asset.userKey, `${kindLabel(node.kind)} · ${node.group}`, node.partitions ? partitionsLabel(node.partitions) : null, measure, 0);
}

export function groupNodeText(group: string, memberCount: number, measure: MeasureText): AssetNodeText {
  return sized(group, `group · ${countLabel(memberCount, 'asset', 'assets')}`, null, measure, 2 * nodeGeometry.stackOffset);
}

/** Measures with a canvas, in the fonts graph.css gives each role (read once from probe elements). */
export function createTextMeasurer(host: SVGSVGElement): MeasureText {
  const context = document.createElement('canvas').getContext('2d');
  const fonts = new Map<TextRole, string>();
  const cache = new Map<string, number>();
  const fontFor = (role: TextRole): string => {
    let font = fonts.get(role);
    if (font === undefined) {
      const probe = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      probe.setAttribute('class', `node-${role} measure-probe`);
      host.appendChild(probe);
      const style = getComputedStyle(probe);
      font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      probe.remove();
      fonts.set(role, font);
    }
    return font;
  };
  return (text, role) => {
    const cacheKey = `${role}\u0000${text}`;
    let width = cache.get(cacheKey);
    if (width === undefined) {
      if (context) {
        context.font = fontFor(role);
        width = context.measureText(text).width;
      } else {
        width = text.length * 7.5;
      }
      if (cache.size > 50_000) cache.clear();
      cache.set(cacheKey, width);
    }
    return width;
  };
}
