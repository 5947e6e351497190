import { svgNs } from '../ui/dom';
import type { GraphRenderer } from './graphRenderer';

/** Presentation properties copied from computed styles, so the file needs no stylesheet and no CSS variables. */
const paintProperties = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
] as const;

/** Interactive chrome that means nothing in a picture. */
const dropSelector = '.group-toggle, .measure-probe';
const dropAttributes = ['tabindex', 'role', 'aria-label', 'aria-current', 'aria-hidden', 'data-vscode-context', 'data-signature', 'style'];

export interface ExportedSvg {
  text: string;
  width: number;
  height: number;
}

/**
 * The current view (what is laid out now, with selection and search highlights, at full detail
 * whatever the zoom) as a standalone SVG. Colours are the theme's actual colours: every element
 * gets its computed paint as attributes, because viewers of the file (browsers, Inkscape, docs
 * sites) have neither graph.css nor VS Code's `--vscode-*` variables.
 */
export function exportSvg(renderer: GraphRenderer, margin = 24): ExportedSvg {
  const extent = renderer.extent;
  if (renderer.nodeBoxes().size === 0 || extent.width <= 0) throw new Error('there is no graph to export yet');
  const root = renderer.svg;
  // Low-zoom detail levels hide text; a picture shows everything.
  const levels = ['zoom-far', 'zoom-tiny'].filter((c) => root.classList.contains(c));
  root.classList.remove(...levels);
  try {
    const width = Math.ceil(extent.width + 2 * margin);
    const height = Math.ceil(extent.height + 2 * margin);
    const out = document.createElementNS(svgNs, 'svg');
    out.setAttribute('xmlns', svgNs);
    out.setAttribute('width', String(width));
    out.setAttribute('height', String(height));
    out.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const background = document.createElementNS(svgNs, 'rect');
    background.setAttribute('width', '100%');
    background.setAttribute('height', '100%');
    // The SVG is transparent over the page; the page's background is the picture's.
    setColour(background, 'fill', getComputedStyle(document.body).backgroundColor);
    out.appendChild(background);
    const defs = root.querySelector('defs');
    if (defs) out.appendChild(inlineCopy(defs));
    const content = inlineCopy(renderer.viewport);
    content.setAttribute('transform', `translate(${margin - extent.x},${margin - extent.y})`);
    out.appendChild(content);
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}`;
    return { text, width, height };
  } finally {
    root.classList.add(...levels);
  }
}

function inlineCopy(original: Element): Element {
  const copy = original.cloneNode(true) as Element;
  const sources = [original, ...original.querySelectorAll('*')];
  const targets = [copy, ...copy.querySelectorAll('*')];
  const drop: Element[] = [];
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i] as Element;
    const target = targets[i] as Element;
    if (source.matches(dropSelector)) {
      drop.push(target);
      continue;
    }
    for (const name of dropAttributes) target.removeAttribute(name);
    if (source.namespaceURI !== svgNs || source.localName === 'title') continue;
    const style = getComputedStyle(source);
    if (style.display === 'none' || style.visibility === 'hidden') {
      drop.push(target);
      continue;
    }
    for (const property of paintProperties) {
      const value = style.getPropertyValue(property);
      if (value === '' || value === 'normal' || value === 'auto') continue;
      if (property === 'fill' || property === 'stroke') setColour(target, property, value);
      else target.setAttribute(property, property.startsWith('stroke') ? value.replace(/px/g, '') : value);
    }
  }
  for (const element of drop) element.remove();
  return copy;
}

/** `rgba()` is not valid in SVG 1.1 paint attributes; split it into the colour and an opacity. */
function setColour(element: Element, property: 'fill' | 'stroke', value: string): void {
  const rgba = /^rgba\(\s*([\d.]+),\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)\s*\)$/.exec(value);
  if (!rgba) {
    element.setAttribute(property, value);
    return;
  }
  const [, r, g, b, a] = rgba;
  if (Number(a) === 0) {
    element.setAttribute(property, 'none');
    return;
  }
  element.setAttribute(property, `rgb(${r},${g},${b})`);
  element.setAttribute(`${property}-opacity`, String(Number(a)));
}

/** Browsers refuse canvases much beyond this area; big graphs are scaled down to fit. */
const maxCanvasArea = 40_000_000;
const maxCanvasSide = 16_000;

/** Draws the SVG onto a canvas (at twice the size when that fits) and returns a PNG data URL. */
export async function svgToPng(exported: ExportedSvg, preferredScale = 2): Promise<string> {
  const { width, height } = exported;
  const scale = Math.min(preferredScale, maxCanvasSide / width, maxCanvasSide / height, Math.sqrt(maxCanvasArea / (width * height)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(width * scale));
  canvas.height = Math.max(1, Math.floor(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas available');
  // A blob URL rather than a data URL: no size limit, and the CSP allows `img-src blob:`.
  const url = URL.createObjectURL(new Blob([exported.text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the SVG could not be drawn'));
      image.src = url;
    });
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
  } finally {
    URL.revokeObjectURL(url);
  }
  return canvas.toDataURL('image/png');
}
