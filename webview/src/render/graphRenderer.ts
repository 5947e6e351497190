import { select, type Selection } from 'd3-selection';
import { curveBumpX, line } from 'd3-shape';
import type { NodeContext } from '../../../src/protocol/graphProtocol';
import { assetAriaLabel, assetTooltip, countLabel, mappingDescription, mappingLabel } from '../graph/labels';
import type { Box } from '../graph/keyboardNav';
import type { ViewEdge, ViewNode, VisibleGraph } from '../graph/visibleGraph';
import type { LayoutResult } from '../layout/layoutTypes';
import { svg } from '../ui/dom';
import { nodeGeometry, type AssetNodeText } from './nodeMetrics';

export interface Point {
  x: number;
  y: number;
}

/** What the user did to the drawing; the app decides what it means. */
export interface RendererEvents {
  nodeClick(node: ViewNode, event: MouseEvent): void;
  nodeDoubleClick(node: ViewNode, event: MouseEvent): void;
  nodeKeyDown(node: ViewNode, event: KeyboardEvent): void;
  nodeContextMenu(node: ViewNode): void;
  toggleGroup(group: string): void;
  backgroundClick(): void;
}

/** Per-render classes that change without a new layout (selection, search, focus). */
export interface Highlight {
  selectedId: string | null;
  focusId: string | null;
  /** Node ids matching the search, or null when there is no search. */
  matchIds: ReadonlySet<string> | null;
}

interface GroupDatum {
  name: string;
  box: Box;
  members: ViewNode[];
}

interface EdgeDatum {
  edge: ViewEdge;
  points: Point[];
}

/** Above this many drawn nodes, nodes and edges far outside the window are hidden (`culled`). */
export const cullThreshold = 1500;

export const arrowId = 'lineage-arrow';
export const arrowHighlightId = 'lineage-arrow-hi';

/**
 * Through every layout point with horizontal tangents: straight runs through layers stay straight,
 * steps between layers become S-curves, and the arrow always enters the target's left side level.
 */
const edgeLine = line<Point>()
  .x((p) => p.x)
  .y((p) => p.y)
  .curve(curveBumpX);

/**
 * Draws a laid-out graph into one `<svg>`. Elements are joined by id, so a re-layout moves the
 * nodes it already has instead of rebuilding them; listeners are delegated from the root, so the
 * number of nodes does not change the number of listeners.
 *
 * Paint order: group boxes with their member nodes, then free nodes (collapsed groups), then edges
 * on top with `pointer-events: none`, so edges cross group boxes visibly and never steal clicks.
 */
export class GraphRenderer {
  readonly svg: SVGSVGElement;
  /** The single element that pans and zooms. */
  readonly viewport: SVGGElement;
  private readonly groupsLayer: SVGGElement;
  private readonly nodesLayer: SVGGElement;
  private readonly edgesLayer: SVGGElement;
  private readonly nodeOf = new WeakMap<Element, ViewNode>();
  private elements = new Map<string, SVGGElement>();
  private edgeElements = new Map<string, SVGGElement>();
  private boxes = new Map<string, Box>();
  private graph: VisibleGraph | null = null;
  private tabStop: string | null = null;
  private highlightedEdges: SVGGElement[] = [];
  private bounds: Box = { x: 0, y: 0, width: 0, height: 0 };
  private edgeBoxes = new Map<string, Box>();
  private culled = new Set<Element>();

  constructor(
    parent: HTMLElement,
    private readonly events: RendererEvents,
  ) {
    this.svg = svg('svg', {
      id: 'graph',
      attrs: {
        role: 'graphics-document',
        'aria-roledescription': 'lineage graph',
        'aria-label': 'Asset lineage graph',
        'aria-description': 'Left and right arrows follow edges upstream and downstream, up and down move within a column. Enter opens the definition, F focuses the graph on the asset, Escape clears the selection.',
      },
    });
    const defs = svg('defs', {}, [this.arrowMarker(arrowId, 'arrow-head'), this.arrowMarker(arrowHighlightId, 'arrow-head arrow-head-hi')]);
    this.groupsLayer = svg('g', { className: 'groups-layer' });
    this.nodesLayer = svg('g', { className: 'nodes-layer' });
    this.edgesLayer = svg('g', { className: 'edges-layer', attrs: { 'aria-hidden': 'true' } });
    this.viewport = svg('g', { className: 'viewport' }, [this.groupsLayer, this.nodesLayer, this.edgesLayer]);
    this.svg.append(defs, this.viewport);
    parent.appendChild(this.svg);
    this.listen();
  }

  /** Bounds of the drawing in graph coordinates (the layout's extent). */
  get extent(): Box {
    return this.bounds;
  }

  nodeBoxes(): ReadonlyMap<string, Box> {
    return this.boxes;
  }

  /** The node's element, drawn even when it was culled (it is about to be focused or revealed). */
  nodeElement(id: string): SVGGElement | undefined {
    const element = this.elements.get(id);
    if (element && this.culled.delete(element)) element.classList.remove('culled');
    return element;
  }

  /**
   * Viewport culling: on a large drawing, hides (`display: none`, the elements stay in the DOM)
   * the nodes and edges whose boxes miss `view` (graph coordinates, margin included). Only
   * elements whose state changes are touched. `null` or a small drawing shows everything.
   */
  cull(view: Box | null): void {
    const show = (element: Element): void => {
      if (this.culled.delete(element)) element.classList.remove('culled');
    };
    const hide = (element: Element): void => {
      if (!this.culled.has(element)) {
        this.culled.add(element);
        element.classList.add('culled');
      }
    };
    if (view === null || this.elements.size <= cullThreshold) {
      for (const element of this.culled) element.classList.remove('culled');
      this.culled.clear();
      return;
    }
    const right = view.x + view.width;
    const bottom = view.y + view.height;
    const inView = (b: Box): boolean => b.x <= right && b.x + b.width >= view.x && b.y <= bottom && b.y + b.height >= view.y;
    const active = document.activeElement;
    for (const [id, element] of this.elements) {
      const box = this.boxes.get(id);
      if (!box || inView(box) || id === this.tabStop || element === active) show(element);
      else hide(element);
    }
    for (const [id, element] of this.edgeElements) {
      const box = this.edgeBoxes.get(id);
      if (!box || inView(box) || this.highlightedEdges.includes(element)) show(element);
      else hide(element);
    }
  }

  groupElement(name: string): SVGGElement | null {
    for (const element of this.groupsLayer.children) {
      if (element.getAttribute('data-group') === name) return element as SVGGElement;
    }
    return null;
  }

  render(graph: VisibleGraph, layout: LayoutResult, texts: ReadonlyMap<string, AssetNodeText>): void {
    this.graph = graph;
    this.boxes = new Map(layout.nodes.map((n) => [n.id, { x: n.x, y: n.y, width: n.width, height: n.height }]));
    this.bounds = { x: 0, y: 0, width: layout.width, height: layout.height };
    const layoutGroups = new Map(layout.groups.map((g) => [g.id, g]));
    const edgePoints = new Map(layout.edges.map((e) => [e.id, e.points]));

    const groups: GroupDatum[] = [];
    const boxed = new Set<string>();
    for (const [name, ids] of graph.boxes) {
      const box = layoutGroups.get(name);
      if (!box) continue;
      const members: ViewNode[] = [];
      for (const id of ids) {
        const node = graph.byId.get(id);
        if (node) {
          members.push(node);
          boxed.add(id);
        }
      }
      groups.push({ name, box, members });
    }
    const free = graph.nodes.filter((n) => !boxed.has(n.id));

    this.elements = new Map();
    const groupSel = select(this.groupsLayer)
      .selectAll<SVGGElement, GroupDatum>('g.group')
      .data(groups, (d) => d.name);
    groupSel.exit().remove();
    const groupEnter = groupSel
      .enter()
      .append((): SVGGElement => this.buildGroup())
      .attr('class', 'group')
      .attr('role', 'group');
    const renderer = this;
    groupEnter.merge(groupSel).each(function (d) {
      renderer.updateGroup(this, d);
      renderer.joinNodes(select(this).select<SVGGElement>('g.group-nodes'), d.members, texts);
    });
    this.joinNodes(select(this.nodesLayer), free, texts);

    const edges: EdgeDatum[] = [];
    for (const edge of graph.edges) {
      const points = edgePoints.get(edge.id);
      if (points && points.length >= 2) edges.push({ edge, points });
    }
    this.edgeElements = new Map();
    this.edgeBoxes = new Map();
    for (const d of edges) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const p of d.points) {
        x0 = Math.min(x0, p.x);
        y0 = Math.min(y0, p.y);
        x1 = Math.max(x1, p.x);
        y1 = Math.max(y1, p.y);
      }
      // Room for the arrow head and the label at the ends.
      this.edgeBoxes.set(d.edge.id, { x: x0 - 80, y: y0 - 20, width: x1 - x0 + 160, height: y1 - y0 + 40 });
    }
    const edgeSel = select(this.edgesLayer)
      .selectAll<SVGGElement, EdgeDatum>('g.edge')
      .data(edges, (d) => d.edge.id);
    edgeSel.exit().remove();
    const edgeEnter = edgeSel
      .enter()
      .append('g')
      .attr('class', 'edge')
      .each(function () {
        this.appendChild(svg('path', { className: 'edge-path', attrs: { 'marker-end': `url(#${arrowId})` } }));
      });
    edgeEnter.merge(edgeSel).each(function (d) {
      renderer.updateEdge(this, d);
      renderer.edgeElements.set(d.edge.id, this);
    });
    this.highlightedEdges = [];
    // Elements that left the drawing are no longer tracked; the caller culls again for the new layout.
    for (const element of this.culled) element.classList.remove('culled');
    this.culled.clear();

    if (this.tabStop === null || !this.elements.has(this.tabStop)) this.setTabStop(graph.nodes[0]?.id ?? null);
    this.svg.setAttribute('aria-label', `Asset lineage graph, ${countLabel(graph.assetCount, 'asset', 'assets')}`);
  }

  /** Roving tabindex: the graph is one Tab stop, arrows move inside it. */
  setTabStop(id: string | null): void {
    if (this.tabStop !== null) this.elements.get(this.tabStop)?.setAttribute('tabindex', '-1');
    this.tabStop = id;
    if (id !== null) this.elements.get(id)?.setAttribute('tabindex', '0');
  }

  applyHighlight(h: Highlight): void {
    for (const [id, element] of this.elements) {
      const isMatch = h.matchIds?.has(id) ?? false;
      element.classList.toggle('selected', id === h.selectedId);
      element.classList.toggle('focused', id === h.focusId);
      element.classList.toggle('match', isMatch);
      element.classList.toggle('dimmed', h.matchIds !== null && !isMatch);
      if (id === h.selectedId) element.setAttribute('aria-current', 'true');
      else element.removeAttribute('aria-current');
    }
    for (const element of this.highlightedEdges) {
      element.classList.remove('edge-hi');
      element.querySelector('path')?.setAttribute('marker-end', `url(#${arrowId})`);
    }
    this.highlightedEdges = [];
    if (h.selectedId !== null && this.graph) {
      for (const edge of this.graph.edges) {
        if (edge.source !== h.selectedId && edge.target !== h.selectedId) continue;
        const element = this.edgeElements.get(edge.id);
        if (!element) continue;
        element.classList.add('edge-hi');
        element.querySelector('path')?.setAttribute('marker-end', `url(#${arrowHighlightId})`);
        // Last child paints on top: the selection's edges stay visible where edges cross.
        element.parentNode?.appendChild(element);
        this.highlightedEdges.push(element);
      }
    }
    this.svg.classList.toggle('searching', h.matchIds !== null);
  }

  private arrowMarker(id: string, className: string): SVGMarkerElement {
    return svg(
      'marker',
      {
        id,
        attrs: {
          viewBox: '0 0 10 10',
          refX: '9',
          refY: '5',
          markerWidth: '8',
          markerHeight: '8',
          markerUnits: 'userSpaceOnUse',
          orient: 'auto-start-reverse',
        },
      },
      [svg('path', { className, attrs: { d: 'M0,0 L10,5 L0,10 z' } })],
    );
  }

  private buildGroup(): SVGGElement {
    const toggle = svg('g', { className: 'group-toggle', attrs: { role: 'button', tabindex: '0' } }, [
      svg('rect', { className: 'group-toggle-bg', attrs: { width: '18', height: '18', rx: '3' } }),
      svg('path', { className: 'group-toggle-icon', attrs: { d: 'M5,9 H13' } }),
    ]);
    return svg('g', {}, [
      svg('rect', { className: 'group-box', attrs: { rx: '8' } }),
      svg('text', { className: 'group-label', attrs: { x: '12', y: '18' } }),
      toggle,
      svg('g', { className: 'group-nodes' }),
    ]);
  }

  private updateGroup(element: SVGGElement, d: GroupDatum): void {
    element.setAttribute('data-group', d.name);
    element.setAttribute('aria-label', `group ${d.name}, ${countLabel(d.members.length, 'asset', 'assets')}`);
    const rect = element.querySelector('rect.group-box') as SVGRectElement;
    setNumbers(rect, { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height });
    const label = element.querySelector('text.group-label') as SVGTextElement;
    label.textContent = d.name;
    setNumbers(label, { x: d.box.x + 12, y: d.box.y + 18 });
    const toggle = element.querySelector('g.group-toggle') as SVGGElement;
    toggle.setAttribute('transform', `translate(${d.box.x + d.box.width - 24},${d.box.y + 5})`);
    toggle.setAttribute('aria-label', `Collapse group ${d.name}`);
  }

  private joinNodes(
    container: Selection<SVGGElement, unknown, null, undefined>,
    nodes: ViewNode[],
    texts: ReadonlyMap<string, AssetNodeText>,
  ): void {
    const renderer = this;
    const sel = container.selectChildren<SVGGElement, ViewNode>('g.node').data(nodes, (d) => d.id);
    sel.exit().remove();
    const entered = sel.enter().append((d): SVGGElement => (d.type === 'asset' ? buildAssetNode() : buildGroupNode()));
    entered.merge(sel).each(function (d) {
      const box = renderer.boxes.get(d.id);
      const text = texts.get(d.id);
      if (!box || !text) {
        this.classList.add('unplaced');
        return;
      }
      this.classList.remove('unplaced');
      renderer.nodeOf.set(this, d);
      renderer.elements.set(d.id, this);
      this.setAttribute('transform', `translate(${box.x},${box.y})`);
      this.setAttribute('tabindex', d.id === renderer.tabStop ? '0' : '-1');
      if (d.type === 'asset') updateAssetNode(this, d, box, text);
      else updateGroupNode(this, d, box, text);
    });
  }

  private updateEdge(element: SVGGElement, d: EdgeDatum): void {
    const path = element.firstChild as SVGPathElement;
    path.setAttribute('d', edgeLine(d.points) ?? '');
    path.setAttribute('marker-end', `url(#${arrowId})`);
    element.classList.remove('edge-hi');
    element.classList.toggle('edge-aggregate', d.edge.count > 1);
    let label = element.querySelector('text.edge-label');
    const mapping = d.edge.partitionMapping;
    const text = mapping !== null ? mappingLabel(mapping) : d.edge.count > 1 ? `×${d.edge.count}` : null;
    if (text === null) {
      label?.remove();
      return;
    }
    if (!label) {
      label = svg('text', { className: 'edge-label' }, [svg('title'), svg('tspan', { className: 'edge-label-text' })]);
      element.appendChild(label);
    }
    const at = labelPlacement(d, this.graph);
    label.setAttribute('x', String(at.x));
    label.setAttribute('y', String(at.y));
    label.setAttribute('class', `edge-label anchor-${at.anchor}`);
    const [title, tspan] = label.children as unknown as [SVGTitleElement, SVGTSpanElement];
    // The title keeps the full mapping (each dimension of a multi mapping) for hover.
    title.textContent = mapping !== null ? mappingDescription(mapping) : `${d.edge.count} dependencies`;
    tspan.textContent = text;
  }

  private listen(): void {
    const nodeFor = (event: Event): ViewNode | undefined => {
      const element = (event.target as Element | null)?.closest('g.node');
      return element ? this.nodeOf.get(element) : undefined;
    };
    const toggleFor = (event: Event): string | null => {
      const toggle = (event.target as Element | null)?.closest('g.group-toggle');
      return toggle?.closest('g.group')?.getAttribute('data-group') ?? null;
    };
    this.svg.addEventListener('click', (event) => {
      const group = toggleFor(event);
      if (group !== null) return this.events.toggleGroup(group);
      const node = nodeFor(event);
      if (node) this.events.nodeClick(node, event);
      else this.events.backgroundClick();
    });
    this.svg.addEventListener('dblclick', (event) => {
      const node = nodeFor(event);
      if (node) this.events.nodeDoubleClick(node, event);
    });
    this.svg.addEventListener('keydown', (event) => {
      const group = toggleFor(event);
      if (group !== null) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.events.toggleGroup(group);
        }
        return;
      }
      const node = nodeFor(event);
      if (node) this.events.nodeKeyDown(node, event);
    });
    this.svg.addEventListener('contextmenu', (event) => {
      const node = nodeFor(event);
      if (node) this.events.nodeContextMenu(node);
    });
    this.svg.addEventListener('focusin', (event) => {
      const node = nodeFor(event);
      if (node) this.setTabStop(node.id);
    });
  }
}

function setNumbers(element: Element, values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) element.setAttribute(name, String(value));
}

function buildAssetNode(): SVGGElement {
  const g = nodeGeometry;
  return svg('g', { className: 'node', attrs: { role: 'button' } }, [
    svg('title'),
    svg('rect', { className: 'node-body', attrs: { rx: String(g.cornerRadius) } }),
    svg('text', { className: 'node-key', attrs: { x: String(g.paddingX), y: String(g.keyBaseline) } }),
    svg('text', { className: 'node-meta', attrs: { x: String(g.paddingX), y: String(g.metaBaseline) } }),
    svg('g', { className: 'node-chip' }, [
      svg('rect', { className: 'node-chip-bg', attrs: { height: String(g.chipHeight), rx: '3', y: String(g.chipTop) } }),
      svg('text', { className: 'node-chip', attrs: { y: String(g.chipTop + g.chipHeight - 4) } }),
    ]),
    // Reserved band for the partition status strip (see nodeGeometry.stripHeight).
    svg('g', { className: 'node-strip' }),
  ]);
}

function updateAssetNode(element: SVGGElement, d: Extract<ViewNode, { type: 'asset' }>, box: Box, text: AssetNodeText): void {
  const g = nodeGeometry;
  const asset = d.asset;
  element.setAttribute('class', `node kind-${asset.asset.kind}`);
  element.setAttribute('data-key', asset.userKey);
  element.setAttribute('aria-label', assetAriaLabel(asset));
  const context: NodeContext = { webviewSection: 'asset', assetKey: asset.userKey, preventDefaultContextMenuItems: true };
  element.setAttribute('data-vscode-context', JSON.stringify(context));
  const [title, body, key, meta, chip, strip] = element.children as unknown as [
    SVGTitleElement,
    SVGRectElement,
    SVGTextElement,
    SVGTextElement,
    SVGGElement,
    SVGGElement,
  ];
  title.textContent = assetTooltip(asset);
  setNumbers(body, { width: box.width, height: box.height });
  key.textContent = text.key;
  meta.textContent = text.meta;
  if (text.chip === null) {
    chip.classList.add('absent');
  } else {
    chip.classList.remove('absent');
    const chipText = chip.lastChild as SVGTextElement;
    chipText.textContent = text.chip;
    // Right-aligned: measured after the text is set, so the chip fits the font actually used.
    const width = chipText.getComputedTextLength() + 2 * g.chipPaddingX;
    const x = box.width - g.paddingX - width;
    setNumbers(chip.firstChild as SVGRectElement, { x, width });
    chipText.setAttribute('x', String(x + g.chipPaddingX));
  }
  strip.setAttribute('transform', `translate(0,${g.bodyHeight})`);
}

function buildGroupNode(): SVGGElement {
  const g = nodeGeometry;
  const o = g.stackOffset;
  return svg('g', { className: 'node', attrs: { role: 'button' } }, [
    svg('title'),
    svg('rect', { className: 'node-stack', attrs: { x: String(2 * o), y: String(2 * o), rx: String(g.cornerRadius) } }),
    svg('rect', { className: 'node-stack', attrs: { x: String(o), y: String(o), rx: String(g.cornerRadius) } }),
    svg('rect', { className: 'node-body', attrs: { rx: String(g.cornerRadius) } }),
    svg('text', { className: 'node-key', attrs: { x: String(g.paddingX), y: String(g.keyBaseline) } }),
    svg('text', { className: 'node-meta', attrs: { x: String(g.paddingX), y: String(g.metaBaseline) } }),
    svg('g', { className: 'node-strip' }),
  ]);
}

function updateGroupNode(element: SVGGElement, d: Extract<ViewNode, { type: 'group' }>, box: Box, text: AssetNodeText): void {
  const o = nodeGeometry.stackOffset;
  element.setAttribute('class', 'node collapsed-group');
  element.setAttribute('data-collapsed-group', d.group);
  element.setAttribute(
    'aria-label',
    `group ${d.group}, collapsed, ${countLabel(d.members.length, 'asset', 'assets')}; press Enter to expand`,
  );
  const [title, stack2, stack1, body, key, meta, strip] = element.children as unknown as [
    SVGTitleElement,
    SVGRectElement,
    SVGRectElement,
    SVGRectElement,
    SVGTextElement,
    SVGTextElement,
    SVGGElement,
  ];
  const shown = d.members.slice(0, 12).map((m) => m.userKey);
  const more = d.members.length - shown.length;
  title.textContent = `Group ${d.group} (collapsed): click to expand\n${shown.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`;
  const size = { width: box.width - 2 * o, height: box.height - 2 * o };
  setNumbers(stack2, size);
  setNumbers(stack1, size);
  setNumbers(body, size);
  key.textContent = text.key;
  meta.textContent = text.meta;
  strip.setAttribute('transform', `translate(0,${nodeGeometry.bodyHeight})`);
}

/**
 * Where an edge's label goes. A mapping label ends just before the arrow: the mapping belongs to
 * the downstream asset's input, and the middle of a long edge is often inside a bundle of other
 * edges. Edges into a collapsed group all converge on one point, so their "×N" labels start just
 * after their sources instead, where the edges are apart.
 */
function labelPlacement(d: EdgeDatum, graph: VisibleGraph | null): { x: number; y: number; anchor: 'start' | 'middle' | 'end' } {
  const isGroup = (id: string): boolean => graph?.byId.get(id)?.type === 'group';
  const intoGroup = isGroup(d.edge.target);
  if (intoGroup && isGroup(d.edge.source)) return { ...pointAlong(d.points, 0.5), anchor: 'middle' };
  if (intoGroup) {
    const start = d.points[0] as Point;
    return { x: start.x + 6, y: start.y - 4, anchor: 'start' };
  }
  const end = d.points[d.points.length - 1] as Point;
  return { x: end.x - 10, y: end.y - 5, anchor: 'end' };
}

/** The point at a fraction of a polyline's length. */
export function pointAlong(points: readonly Point[], fraction: number): Point {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += distance(points[i - 1] as Point, points[i] as Point);
  let remaining = total * fraction;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const length = distance(a, b);
    if (remaining <= length && length > 0) {
      const t = remaining / length;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    remaining -= length;
  }
  return points[points.length - 1] ?? { x: 0, y: 0 };
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}
