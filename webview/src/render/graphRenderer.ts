import { curveBumpX, line } from 'd3-shape';
import type { AssetStatus, NodeContext } from '../../../src/protocol/graphProtocol';
import { unmaterializedKinds } from '../../../src/core/model/graph';
import { assetAriaLabel, assetTooltip, countLabel, mappingDescription, mappingLabel } from '../graph/labels';
import type { Box } from '../graph/keyboardNav';
import { statusAriaText, statusBands, statusKinds, statusTooltipLines, stripSegments, viewNodeStatus, worstOf, type NodeStatus, type StatusKind } from '../graph/nodeStatus';
import type { ViewEdge, ViewNode, VisibleGraph } from '../graph/visibleGraph';
import type { LayoutPoint, LayoutResult } from '../layout/layoutTypes';
import { html, svg } from '../ui/dom';
import { BoxGrid } from './boxGrid';
import { readableScale } from './minimap';
import { nodeGeometry, type AssetNodeText } from './nodeMetrics';
import { contains, OverviewCanvas, viewWindow, type OverviewWorker } from './overviewCanvas';
import { overlaps } from './overviewPaint';
import type { OverviewNodeStyle, OverviewStatus } from './overviewPaint';
import type { ZoomState } from './zoomController';

export type Point = LayoutPoint;

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
  /** Partitions picked and what they reach downstream, by node id; null when none is shown. */
  impact: ReadonlyMap<string, NodeImpact> | null;
}

/** A node in the impact overlay: a badge above it ("3 of 61") and a line for its tooltip and label. */
export interface NodeImpact {
  role: 'root' | 'downstream';
  badge: string;
  line: string;
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

/**
 * A drawable thing and its element. Elements are made when first needed and kept across
 * layouts (joined by id); `stamp` is the render generation they were last updated for.
 */
interface Drawn<T> {
  datum: T;
  box: Box;
  element: SVGGElement | null;
  stamp: number;
}

interface NodeDatum {
  node: ViewNode;
  text: AssetNodeText;
  /** The group box the node is drawn in, or null for a free node. */
  group: string | null;
}

/** A node also remembers which status version its element shows (status changes without a render). */
interface DrawnNode extends Drawn<NodeDatum> {
  statusStamp: number;
}

export interface ViewSize {
  width: number;
  height: number;
}

/**
 * Above this many nodes the drawing is virtualised: the SVG holds only what is near the window,
 * and below the readable scale a canvas (OverviewCanvas) draws the whole graph instead.
 */
export const virtualThreshold = 300;

/** Milliseconds per frame spent adding elements to a large drawing (see GraphRenderer.sync). */
const syncBudgetMs = 6;

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
 * Draws a laid-out graph into one `<svg>`, with a canvas under it for far-out views of large graphs.
 * Elements are joined by id, so a re-layout moves the nodes it already has instead of rebuilding
 * them; listeners are delegated from the root, so the number of nodes does not change the number
 * of listeners.
 *
 * Paint order: group boxes with their member nodes, then free nodes (collapsed groups), then edges
 * on top with `pointer-events: none`, so edges cross group boxes visibly and never steal clicks.
 *
 * Large drawings (more than `virtualThreshold` nodes) keep the DOM small, because the browser's
 * per-frame cost of a pan grows with every element the transform moves:
 * - at a readable scale, only the nodes, edges and group boxes within half a window of the view
 *   are in the SVG, re-synchronised when the view leaves that area;
 * - below it (`overview` mode), the canvas draws everything, and the SVG keeps only the keyboard
 *   tab stop (so focus and the focus ring still work). Pointer events hit-test against the layout.
 */
export class GraphRenderer {
  readonly svg: SVGSVGElement;
  /** The single element that pans and zooms. */
  readonly viewport: SVGGElement;
  private readonly groupsLayer: SVGGElement;
  private readonly nodesLayer: SVGGElement;
  private readonly edgesLayer: SVGGElement;
  private readonly overview: OverviewCanvas;
  private readonly tip: HTMLDivElement;
  private readonly nodeOf = new WeakMap<Element, ViewNode>();
  private nodes = new Map<string, DrawnNode>();
  private groups = new Map<string, Drawn<GroupDatum>>();
  private edges = new Map<string, Drawn<EdgeDatum>>();
  private readonly attachedNodes = new Set<string>();
  private readonly attachedGroups = new Set<string>();
  private readonly attachedEdges = new Set<string>();
  private nodeGrid: BoxGrid<string> | null = null;
  private edgeGrid: BoxGrid<string> | null = null;
  private groupGrid: BoxGrid<string> | null = null;
  private boxes = new Map<string, Box>();
  private graph: VisibleGraph | null = null;
  private tabStop: string | null = null;
  private highlight: Highlight = { selectedId: null, focusId: null, matchIds: null, impact: null };
  private highlightedEdges = new Set<string>();
  private bounds: Box = { x: 0, y: 0, width: 0, height: 0 };
  private generation = 0;
  private view: { state: ZoomState; size: ViewSize } | null = null;
  /** The graph area whose elements are in the SVG (virtual, readable scale); null: sync on the next view. */
  private syncedArea: Box | null = null;
  private overviewOn = false;
  /** Set while everything is drawn in SVG for an export. */
  private full = false;
  private hoverId: string | null = null;
  /** Elements still to add to the SVG (see sync), and the frame that adds more of them. */
  private pending: { groups: string[]; nodes: string[]; edges: string[] } | null = null;
  private drainFrame = 0;
  /** Status per asset (user key) from the Dagster instance, or null when none is connected. */
  private statuses: ReadonlyMap<string, AssetStatus> | null = null;
  /** Counts `setStatus` calls, so an element kept out of the SVG is brought up to date when it returns. */
  private statusVersion = 0;
  /** Node statuses worked out for this render and status version (a group's sums its members). */
  private statusCache = new Map<string, NodeStatus | null>();

  constructor(
    parent: HTMLElement,
    private readonly events: RendererEvents,
    createOverviewWorker: (() => OverviewWorker) | null = null,
  ) {
    // First in the stage, so the SVG (transparent) paints over it.
    this.overview = new OverviewCanvas(parent, createOverviewWorker, () => {
      if (this.view) this.setView(this.view.state, this.view.size);
    });
    this.svg = svg('svg', {
      id: 'graph',
      attrs: {
        role: 'graphics-document',
        'aria-roledescription': 'lineage graph',
        'aria-label': 'Asset lineage graph',
        'aria-description': 'Left and right arrows follow edges upstream and downstream, up and down move within a column. Enter opens the definition, F focuses the graph on the asset, I shows the downstream impact of some of its partitions, Escape clears the impact or the selection.',
      },
    });
    const defs = svg('defs', {}, [this.arrowMarker(arrowId, 'arrow-head'), this.arrowMarker(arrowHighlightId, 'arrow-head arrow-head-hi')]);
    this.groupsLayer = svg('g', { className: 'groups-layer' });
    this.nodesLayer = svg('g', { className: 'nodes-layer' });
    this.edgesLayer = svg('g', { className: 'edges-layer', attrs: { 'aria-hidden': 'true' } });
    this.viewport = svg('g', { className: 'viewport' }, [this.groupsLayer, this.nodesLayer, this.edgesLayer]);
    this.svg.append(defs, this.viewport);
    parent.appendChild(this.svg);
    this.tip = html('div', { className: 'overview-tip hidden', attrs: { role: 'tooltip' } });
    parent.appendChild(this.tip);
    this.listen();
  }

  /** Bounds of the drawing in graph coordinates (the layout's extent). */
  get extent(): Box {
    return this.bounds;
  }


  nodeBoxes(): ReadonlyMap<string, Box> {
    return this.boxes;
  }

  /** The node's element, put in the drawing if it was not (it is about to be focused or revealed). */
  nodeElement(id: string): SVGGElement | undefined {
    return this.attachNode(id) ?? undefined;
  }

  themeChanged(): void {
    this.overview.themeChanged();
  }

  dispose(): void {
    if (this.drainFrame !== 0) cancelAnimationFrame(this.drainFrame);
    this.overview.dispose();
  }

  render(graph: VisibleGraph, layout: LayoutResult, texts: ReadonlyMap<string, AssetNodeText>): void {
    this.graph = graph;
    this.generation++;
    this.boxes = new Map(layout.nodes.map((n) => [n.id, { x: n.x, y: n.y, width: n.width, height: n.height }]));
    this.bounds = { x: 0, y: 0, width: layout.width, height: layout.height };
    const layoutGroups = new Map(layout.groups.map((g) => [g.id, g]));
    const edgePoints = new Map(layout.edges.map((e) => [e.id, e.points]));

    const groups = new Map<string, Drawn<GroupDatum>>();
    const groupOf = new Map<string, string>();
    for (const [name, ids] of graph.boxes) {
      const box = layoutGroups.get(name);
      if (!box) continue;
      const members: ViewNode[] = [];
      for (const id of ids) {
        const node = graph.byId.get(id);
        if (node) {
          members.push(node);
          groupOf.set(id, name);
        }
      }
      groups.set(name, { datum: { name, box, members }, box, element: this.groups.get(name)?.element ?? null, stamp: 0 });
    }
    const nodes = new Map<string, DrawnNode>();
    for (const node of graph.nodes) {
      const box = this.boxes.get(node.id);
      const text = texts.get(node.id);
      if (!box || !text) continue;
      const previous = this.nodes.get(node.id);
      const element = previous && previous.datum.node.type === node.type ? previous.element : null;
      nodes.set(node.id, { datum: { node, text, group: groupOf.get(node.id) ?? null }, box, element, stamp: 0, statusStamp: -1 });
    }
    const edges = new Map<string, Drawn<EdgeDatum>>();
    for (const edge of graph.edges) {
      const points = edgePoints.get(edge.id);
      if (!points || points.length < 2) continue;
      edges.set(edge.id, { datum: { edge, points }, box: edgeBox(points), element: this.edges.get(edge.id)?.element ?? null, stamp: 0 });
    }
    // Elements whose thing left the drawing (or changed type) go now.
    const drop = <T>(before: Map<string, Drawn<T>>, after: Map<string, Drawn<T>>, attached: Set<string>): void => {
      for (const [id, old] of before) {
        if (old.element !== null && after.get(id)?.element !== old.element) {
          old.element.remove();
          attached.delete(id);
        }
      }
    };
    drop(this.nodes, nodes, this.attachedNodes);
    drop(this.edges, edges, this.attachedEdges);
    drop(this.groups, groups, this.attachedGroups);
    this.nodes = nodes;
    this.edges = edges;
    this.groups = groups;
    this.statusCache.clear();
    this.highlightedEdges = this.edgesOfSelection();

    const virtual = nodes.size > virtualThreshold;
    this.nodeGrid = virtual ? new BoxGrid([...nodes].map(([id, d]) => [id, d.box] as const), this.bounds) : null;
    this.edgeGrid = virtual ? new BoxGrid([...edges].map(([id, d]) => [id, d.box] as const), this.bounds) : null;
    this.groupGrid = virtual ? new BoxGrid([...groups].map(([name, d]) => [name, d.box] as const), this.bounds, 4) : null;
    if (virtual) {
      this.overview.setScene({
        nodes: [...nodes].map(([id, d]) => ({ id, box: d.box, style: overviewStyle(d.datum.node) })),
        groups: [...groups].map(([name, d]) => ({ name, box: d.box })),
        edges: [...edges.values()].map((d) => ({ source: d.datum.edge.source, target: d.datum.edge.target, points: d.datum.points, aggregate: d.datum.edge.count > 1 })),
        extent: this.bounds,
      });
      this.overview.setHighlight(overviewHighlight(this.highlight));
      this.overview.setStatus(this.overviewStatus());
    }
    this.syncedArea = null;
    if (this.tabStop === null || !nodes.has(this.tabStop)) this.tabStop = graph.nodes.find((n) => nodes.has(n.id))?.id ?? null;
    if (!virtual) {
      this.setOverview(false);
      this.overview.setActive(false);
      this.sync('all', null, Infinity);
    } else if (this.view) {
      this.setView(this.view.state, this.view.size);
    }
    this.svg.setAttribute('aria-label', `Asset lineage graph, ${countLabel(graph.assetCount, 'asset', 'assets')}`);
  }

  /**
   * The view changed (every frame of a pan or zoom, throttled to one call per frame, and once at
   * its end). On a large drawing this decides between the canvas and the SVG and keeps the SVG's
   * contents near the window; on a small one everything is always drawn.
   */
  setView(state: ZoomState, size: ViewSize): void {
    const moved = this.view === null || this.view.state.x !== state.x || this.view.state.y !== state.y || this.view.state.k !== state.k;
    this.view = { state, size };
    if (moved) this.showTip(null);
    if (this.full || this.nodes.size <= virtualThreshold) return;
    const window = viewWindow(state, size);
    if (state.k < readableScale && this.overview.supported) {
      this.overview.setActive(true);
      this.overview.draw(state, size);
      // The SVG keeps drawing until the canvas has a bitmap of this view (setView runs again when
      // one arrives), so switching never shows an empty frame.
      if (!this.overviewOn && this.overview.covers(state, size)) {
        this.setOverview(true);
        this.syncedArea = null;
        this.sync(null, window);
      }
      return;
    }
    if (this.overviewOn) {
      // Back to SVG; the canvas stays underneath until the SVG has caught up (see drain).
      this.setOverview(false);
      this.syncedArea = null;
    }
    if (this.overview.isActive) this.overview.draw(state, size);
    if (this.syncedArea !== null && contains(this.syncedArea, window)) return;
    const area = { x: window.x - window.width / 2, y: window.y - window.height / 2, width: 2 * window.width, height: 2 * window.height };
    this.syncedArea = area;
    this.sync(area, window);
  }

  /**
   * Runs `action` with every node, edge and group box in the SVG at full detail (an export reads
   * the SVG), then returns to the view's drawing.
   */
  withFullDrawing<T>(action: () => T): T {
    this.full = true;
    const wasOverview = this.overviewOn;
    this.svg.classList.remove('overview');
    try {
      this.sync('all', null, Infinity);
      return action();
    } finally {
      this.full = false;
      this.svg.classList.toggle('overview', wasOverview);
      this.syncedArea = null;
        if (this.view && this.nodes.size > virtualThreshold) this.setView(this.view.state, this.view.size);
    }
  }

  /** Roving tabindex: the graph is one Tab stop, arrows move inside it. */
  setTabStop(id: string | null): void {
    const previous = this.tabStop;
    if (previous !== null) {
      const element = this.nodes.get(previous)?.element;
      element?.setAttribute('tabindex', '-1');
      // In overview mode the SVG holds just the tab stop: the old one goes unless it has focus.
      if (element && previous !== id && this.overviewOn && !element.contains(document.activeElement)) {
        element.remove();
        this.attachedNodes.delete(previous);
      }
    }
    this.tabStop = id;
    if (id !== null) this.attachNode(id)?.setAttribute('tabindex', '0');
  }

  applyHighlight(h: Highlight): void {
    const impactChanged = h.impact !== this.highlight.impact;
    this.highlight = h;
    const before = this.highlightedEdges;
    this.highlightedEdges = this.edgesOfSelection();
    // The impact's lines are part of each node's tooltip and label, which the status writes.
    if (impactChanged) this.statusVersion++;
    for (const id of this.attachedNodes) {
      const drawn = this.nodes.get(id);
      if (!drawn?.element) continue;
      if (impactChanged) this.applyStatus(id, drawn, drawn.element);
      this.classifyNode(id, drawn.element);
    }
    const edges = impactChanged ? this.attachedEdges : new Set([...before, ...this.highlightedEdges]);
    for (const id of edges) {
      const element = this.attachedEdges.has(id) ? this.edges.get(id)?.element : null;
      if (element) this.classifyEdge(id, element);
    }
    this.overview.setHighlight(overviewHighlight(h));
    this.svg.classList.toggle('searching', h.matchIds !== null);
    this.svg.classList.toggle('impact-on', h.impact !== null);
  }

  /**
   * New status from the instance (every few seconds while Dagster writes). Nothing is laid out or
   * rebuilt: the nodes in the SVG get their strips now, the others when they are next attached,
   * and the overview repaints with its status paths.
   */
  setStatus(assets: ReadonlyMap<string, AssetStatus> | null): void {
    this.statuses = assets;
    this.statusVersion++;
    this.statusCache.clear();
    for (const id of this.attachedNodes) {
      const drawn = this.nodes.get(id);
      if (drawn?.element) this.applyStatus(id, drawn, drawn.element);
    }
    if (this.nodes.size > virtualThreshold) this.overview.setStatus(this.overviewStatus());
  }

  /** A node's status, or null without a connected instance or a record of it. */
  statusOf(id: string): NodeStatus | null {
    const statuses = this.statuses;
    const node = this.nodes.get(id)?.datum.node;
    if (statuses === null || !node) return null;
    let status = this.statusCache.get(id);
    if (status === undefined) {
      status = viewNodeStatus(node, statuses);
      this.statusCache.set(id, status);
    }
    return status;
  }

  /**
   * Each node id by its worst status, for the overview canvas (null: no instance). Asset nodes
   * skip the words and details a full NodeStatus has: this runs over every node of a large graph.
   */
  private overviewStatus(): OverviewStatus | null {
    const statuses = this.statuses;
    if (statuses === null) return null;
    const out: OverviewStatus = { failed: [], stale: [], impacted: [], missing: [], fresh: [] };
    for (const [id, drawn] of this.nodes) {
      const node = drawn.datum.node;
      let worst: StatusKind | null | undefined;
      if (node.type === 'asset') {
        const s = statuses.get(node.asset.userKey);
        worst = s ? worstOf(statusBands(s)) : null;
      } else {
        worst = this.statusOf(id)?.worst;
      }
      if (worst) out[worst].push(id);
    }
    return out;
  }

  /**
   * Strip, classes, code-changed marker, tooltip and spoken label of one node's element, from the
   * current status. The strip's bands are rebuilt only when what they show changed.
   */
  private applyStatus(id: string, drawn: DrawnNode, element: SVGGElement): void {
    drawn.statusStamp = this.statusVersion;
    const status = this.statusOf(id);
    const node = drawn.datum.node;
    for (const kind of statusKinds) element.classList.toggle(`status-${kind}`, status?.worst === kind);
    element.classList.toggle('code-changed', status?.codeChanged ?? false);
    const title = element.firstElementChild as SVGTitleElement;
    const base = node.type === 'asset' ? assetTooltip(node.asset) : groupTooltip(node);
    const impact = this.highlight.impact?.get(id);
    title.textContent = [base, ...(status ? statusTooltipLines(status) : []), ...(impact ? [impact.line] : [])].join('\n');
    const label = node.type === 'asset' ? assetAriaLabel(node.asset) : groupAriaLabel(node);
    element.setAttribute('aria-label', [label, ...(status ? [statusAriaText(status)] : []), ...(impact ? [impact.line] : [])].join('; '));
    const strip = element.lastElementChild as SVGGElement;
    const bodyWidth = drawn.box.width - (node.type === 'group' ? 2 * nodeGeometry.stackOffset : 0);
    drawStrip(strip, status, bodyWidth);
  }

  private edgesOfSelection(): Set<string> {
    const selected = this.highlight.selectedId;
    const ids = new Set<string>();
    if (selected === null || !this.graph) return ids;
    for (const edge of this.graph.edges) if (edge.source === selected || edge.target === selected) ids.add(edge.id);
    return ids;
  }

  private setOverview(on: boolean): void {
    this.overviewOn = on;
    this.svg.classList.toggle('overview', on);
    if (!on) this.showTip(null);
  }

  /**
   * Makes the SVG hold exactly what `area` needs ('all': everything; null: nothing but the tab
   * stop and the focused element). Removing is immediate; adding is spread over frames, `budget`
   * milliseconds each, what is inside `window` first: the canvas (or the previous drawing) stands in
   * for the rest meanwhile.
   */
  private sync(area: Box | 'all' | null, window: Box | null, budget = syncBudgetMs): void {
    const wantedNodes = new Set<string>();
    const wantedGroups = new Set<string>();
    const wantedEdges = new Set<string>();
    if (area === 'all') {
      for (const id of this.nodes.keys()) wantedNodes.add(id);
      for (const name of this.groups.keys()) wantedGroups.add(name);
      for (const id of this.edges.keys()) wantedEdges.add(id);
    } else if (area !== null) {
      this.nodeGrid?.query(area, (id) => wantedNodes.add(id));
      this.groupGrid?.query(area, (name) => wantedGroups.add(name));
      this.edgeGrid?.query(area, (id) => wantedEdges.add(id));
    }
    const pinned = this.pinned();
    for (const id of pinned) wantedNodes.add(id);
    for (const id of wantedNodes) {
      const group = this.nodes.get(id)?.datum.group;
      if (group) wantedGroups.add(group);
    }
    // Nodes before groups: a wanted node's group is always wanted, so no wanted node is removed
    // with its group.
    for (const id of [...this.attachedNodes]) {
      if (wantedNodes.has(id)) continue;
      this.nodes.get(id)?.element?.remove();
      this.attachedNodes.delete(id);
    }
    for (const name of [...this.attachedGroups]) {
      if (wantedGroups.has(name)) continue;
      this.groups.get(name)?.element?.remove();
      this.attachedGroups.delete(name);
    }
    for (const id of [...this.attachedEdges]) {
      if (wantedEdges.has(id)) continue;
      this.edges.get(id)?.element?.remove();
      this.attachedEdges.delete(id);
    }
    for (const id of pinned) this.attachNode(id);
    const todo = <T>(wanted: Set<string>, drawn: Map<string, Drawn<T>>, attached: Set<string>): string[] => {
      const first: string[] = [];
      const later: string[] = [];
      for (const id of wanted) {
        const d = drawn.get(id);
        if (!d || (attached.has(id) && d.stamp === this.generation)) continue;
        (window === null || overlaps(d.box, window) ? first : later).push(id);
      }
      return first.concat(later);
    };
    this.pending = {
      groups: todo(wantedGroups, this.groups, this.attachedGroups),
      nodes: todo(wantedNodes, this.nodes, this.attachedNodes),
      edges: todo(wantedEdges, this.edges, this.attachedEdges),
    };
    this.drain(budget);
  }

  /** Adds pending elements until the budget is spent, then continues next frame. */
  private drain(budget: number): void {
    const pending = this.pending;
    if (!pending) return;
    const deadline = performance.now() + budget;
    const steps: [string[], (id: string) => unknown][] = [
      [pending.groups, (name) => this.attachGroup(name)],
      [pending.nodes, (id) => this.attachNode(id)],
      [pending.edges, (id) => this.attachEdge(id)],
    ];
    for (const [list, attach] of steps) {
      while (list.length > 0) {
        // Checking the clock every few elements keeps its cost out of the way.
        for (let i = 0; i < 8 && list.length > 0; i++) attach(list.shift() as string);
        if (performance.now() > deadline && list.length + pending.nodes.length + pending.edges.length > 0) {
          this.svg.setAttribute('data-drawing', 'partial');
          if (this.drainFrame === 0) {
            this.drainFrame = requestAnimationFrame(() => {
              this.drainFrame = 0;
              this.drain(syncBudgetMs);
            });
          }
          return;
        }
      }
    }
    this.pending = null;
    this.svg.setAttribute('data-drawing', 'complete');
    // The SVG has caught up: the canvas is only needed below the readable scale.
    if (!this.overviewOn && this.overview.isActive && !(this.view && this.view.state.k < readableScale)) this.overview.setActive(false);
  }

  /** Nodes that stay in the SVG whatever the view: the tab stop and the node holding focus. */
  private pinned(): string[] {
    const ids: string[] = [];
    if (this.tabStop !== null) ids.push(this.tabStop);
    const active = document.activeElement?.closest?.('g.node');
    const node = active ? this.nodeOf.get(active) : undefined;
    if (node && this.nodes.has(node.id)) ids.push(node.id);
    return ids;
  }

  private attachGroup(name: string): SVGGElement | null {
    const drawn = this.groups.get(name);
    if (!drawn) return null;
    const element = (drawn.element ??= buildGroup());
    if (drawn.stamp !== this.generation) {
      drawn.stamp = this.generation;
      updateGroup(element, drawn.datum);
    }
    if (element.parentNode !== this.groupsLayer) this.groupsLayer.appendChild(element);
    this.attachedGroups.add(name);
    return element;
  }

  private attachNode(id: string): SVGGElement | null {
    const drawn = this.nodes.get(id);
    if (!drawn) return null;
    const { node, text, group } = drawn.datum;
    const container = group !== null ? (this.attachGroup(group)?.lastChild as SVGGElement | null) : this.nodesLayer;
    if (!container) return null;
    const element = (drawn.element ??= node.type === 'asset' ? buildAssetNode() : buildGroupNode());
    if (drawn.stamp !== this.generation) {
      drawn.stamp = this.generation;
      this.nodeOf.set(element, node);
      element.setAttribute('transform', `translate(${drawn.box.x},${drawn.box.y})`);
      if (node.type === 'asset') updateAssetNode(element, node, drawn.box, text);
      else updateGroupNode(element, node, drawn.box, text);
      this.applyStatus(id, drawn, element);
      this.classifyNode(id, element);
    } else {
      if (drawn.statusStamp !== this.statusVersion) this.applyStatus(id, drawn, element);
      if (!this.attachedNodes.has(id)) this.classifyNode(id, element);
    }
    element.setAttribute('tabindex', id === this.tabStop ? '0' : '-1');
    if (element.parentNode !== container) container.appendChild(element);
    this.attachedNodes.add(id);
    return element;
  }

  private attachEdge(id: string): void {
    const drawn = this.edges.get(id);
    if (!drawn) return;
    const element = (drawn.element ??= buildEdge());
    if (drawn.stamp !== this.generation) {
      drawn.stamp = this.generation;
      this.updateEdge(element, drawn.datum);
    }
    if (element.parentNode !== this.edgesLayer) this.edgesLayer.appendChild(element);
    this.attachedEdges.add(id);
    this.classifyEdge(id, element);
  }

  /** Selection, focus, search and impact classes (and the impact badge), from the current highlight. */
  private classifyNode(id: string, element: SVGGElement): void {
    const h = this.highlight;
    const isMatch = h.matchIds?.has(id) ?? false;
    const impact = h.impact?.get(id);
    element.classList.toggle('selected', id === h.selectedId);
    element.classList.toggle('focused', id === h.focusId);
    element.classList.toggle('match', isMatch);
    element.classList.toggle('impact-hit', impact !== undefined);
    element.classList.toggle('impact-root', impact?.role === 'root');
    element.classList.toggle('dimmed', (h.matchIds !== null && !isMatch) || (h.impact !== null && impact === undefined));
    if (id === h.selectedId) element.setAttribute('aria-current', 'true');
    else element.removeAttribute('aria-current');
    setImpactBadge(element, impact?.badge ?? null);
  }

  private classifyEdge(id: string, element: SVGGElement): void {
    const on = this.highlightedEdges.has(id);
    const edge = this.edges.get(id)?.datum.edge;
    const impact = this.highlight.impact;
    const impacted = impact !== null && edge !== undefined && impact.has(edge.source) && impact.has(edge.target) && impact.get(edge.target)?.role !== 'root';
    element.classList.toggle('edge-impact', impacted);
    if (element.classList.contains('edge-hi') === on) return;
    element.classList.toggle('edge-hi', on);
    element.firstElementChild?.setAttribute('marker-end', `url(#${on ? arrowHighlightId : arrowId})`);
    // Last child paints on top: the selection's edges stay visible where edges cross.
    if (on) this.edgesLayer.appendChild(element);
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

  /** The node drawn on the canvas under a pointer event (overview mode only). */
  private nodeAtPointer(event: MouseEvent): ViewNode | undefined {
    if (!this.overviewOn || !this.view || !this.nodeGrid || !this.graph) return undefined;
    const rect = this.svg.getBoundingClientRect();
    const { x, y, k } = this.view.state;
    const gx = (event.clientX - rect.left - x) / k;
    const gy = (event.clientY - rect.top - y) / k;
    // A few pixels of slack: far out, nodes are only a few pixels tall.
    const id = this.nodeGrid.at(gx, gy, 3 / k);
    return id === undefined ? undefined : this.graph.byId.get(id);
  }

  /** The key and kind of the node under the pointer, next to it (the canvas has no `<title>`s). */
  private showTip(node: ViewNode | null, event?: MouseEvent): void {
    const id = node?.id ?? null;
    if (id !== this.hoverId) {
      this.hoverId = id;
      this.overview.setHover(id);
      this.svg.classList.toggle('over-node', id !== null);
    }
    if (node === null || !event) {
      if (!this.tip.classList.contains('hidden')) this.tip.classList.add('hidden');
      return;
    }
    const text = this.nodes.get(node.id)?.datum.text;
    const title = node.type === 'asset' ? node.asset.userKey : `${node.group} (collapsed group)`;
    const status = this.statusOf(node.id);
    const tipId = `${node.id}\u0000${this.statusVersion}`;
    if (this.tip.dataset.node !== tipId) {
      this.tip.dataset.node = tipId;
      const lines = [html('div', { className: 'overview-tip-key', text: title }), html('div', { className: 'overview-tip-meta', text: text?.meta ?? '' })];
      if (status) {
        const words = `${status.label}: ${status.words}${status.codeChanged ? ' · code changed' : ''}`;
        lines.push(html('div', { className: `overview-tip-status tip-status-${status.worst ?? 'none'}`, text: words }));
      }
      const impact = this.highlight.impact?.get(node.id);
      if (impact) lines.push(html('div', { className: 'overview-tip-impact', text: impact.line }));
      this.tip.replaceChildren(...lines);
    }
    const rect = this.svg.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    // Left of the pointer near the right edge, so the tip stays inside the panel.
    const flip = px > rect.width - 280 ? ' translateX(-100%)' : '';
    this.tip.style.setProperty('transform', `translate(${px + (flip ? -12 : 14)}px, ${py + 16}px)${flip}`);
    this.tip.classList.remove('hidden');
  }

  private listen(): void {
    const nodeFor = (event: Event): ViewNode | undefined => {
      const element = (event.target as Element | null)?.closest('g.node');
      if (element) return this.nodeOf.get(element);
      return event instanceof MouseEvent ? this.nodeAtPointer(event) : undefined;
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
      // VS Code builds its webview context menu from `data-vscode-context` on the target and its
      // ancestors, after this listener: on the canvas there is no node element, so the root
      // carries the asset under the pointer for this one menu.
      const onCanvas = !(event.target as Element | null)?.closest('g.node');
      if (onCanvas && node?.type === 'asset') this.svg.setAttribute('data-vscode-context', JSON.stringify(nodeContext(node)));
      else this.svg.removeAttribute('data-vscode-context');
      if (node) this.events.nodeContextMenu(node);
    });
    this.svg.addEventListener('focusin', (event) => {
      const node = nodeFor(event);
      if (node) this.setTabStop(node.id);
    });
    this.svg.addEventListener('mousemove', (event) => {
      if (!this.overviewOn) return;
      const overElement = (event.target as Element | null)?.closest('g.node');
      this.showTip(event.buttons === 0 && !overElement ? (this.nodeAtPointer(event) ?? null) : null, event);
    });
    this.svg.addEventListener('mouseleave', () => this.showTip(null));
  }
}

/** The canvas knows one set of nodes to keep bright: the search's matches, the impact's assets, or both at once. */
function overviewHighlight(h: Highlight): { selectedId: string | null; focusId: string | null; matchIds: string[] | null } {
  let bright: string[] | null = h.matchIds === null ? null : [...h.matchIds];
  if (h.impact !== null) bright = bright === null ? [...h.impact.keys()] : bright.filter((id) => h.impact?.has(id));
  return { selectedId: h.selectedId, focusId: h.focusId, matchIds: bright };
}

/**
 * The impact badge sits on the node's top edge, left, where no text of the node is (the
 * code-changed marker is at the right): "3 of 61". It goes before the strip, which stays the
 * last child.
 */
function setImpactBadge(element: SVGGElement, text: string | null): void {
  let badge = element.querySelector(':scope > text.impact-badge');
  if (text === null) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = svg('text', { className: 'impact-badge', attrs: { x: String(nodeGeometry.paddingX), y: '4', 'aria-hidden': 'true' } });
    element.insertBefore(badge, element.lastElementChild);
  }
  if (badge.textContent !== text) badge.textContent = text;
}

/** The box an edge may draw in: its points, with room for the arrow head and the label at the ends. */
function edgeBox(points: readonly Point[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0 - 80, y: y0 - 20, width: x1 - x0 + 160, height: y1 - y0 + 40 };
}

function overviewStyle(node: ViewNode): OverviewNodeStyle {
  if (node.type === 'group') return 'stack';
  const kind = node.asset.asset.kind;
  return kind === 'stub' || kind === 'external' ? 'outline' : 'card';
}

function nodeContext(node: Extract<ViewNode, { type: 'asset' }>): NodeContext {
  const asset = node.asset.asset;
  return {
    webviewSection: 'asset',
    assetKey: node.asset.userKey,
    assetPartitioned: asset.partitions !== null,
    assetLaunchable: !unmaterializedKinds.has(asset.kind),
    preventDefaultContextMenuItems: true,
  };
}

function buildEdge(): SVGGElement {
  return svg('g', { className: 'edge' }, [svg('path', { className: 'edge-path', attrs: { 'marker-end': `url(#${arrowId})` } })]);
}

function buildGroup(): SVGGElement {
  const toggle = svg('g', { className: 'group-toggle', attrs: { role: 'button', tabindex: '0' } }, [
    svg('rect', { className: 'group-toggle-bg', attrs: { width: '18', height: '18', rx: '3' } }),
    svg('path', { className: 'group-toggle-icon', attrs: { d: 'M5,9 H13' } }),
  ]);
  return svg('g', { className: 'group', attrs: { role: 'group' } }, [
    svg('rect', { className: 'group-box', attrs: { rx: '8' } }),
    svg('text', { className: 'group-label', attrs: { x: '12', y: '18' } }),
    toggle,
    // Last child: attachNode puts members here.
    svg('g', { className: 'group-nodes' }),
  ]);
}

function updateGroup(element: SVGGElement, d: GroupDatum): void {
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
    // Last child: the status strip and code-changed marker (drawStrip), in the body's coordinates.
    svg('g', { className: 'node-strip', attrs: { 'aria-hidden': 'true' } }),
  ]);
}

function updateAssetNode(element: SVGGElement, d: Extract<ViewNode, { type: 'asset' }>, box: Box, text: AssetNodeText): void {
  const g = nodeGeometry;
  const asset = d.asset;
  element.setAttribute('class', `node kind-${asset.asset.kind}`);
  element.setAttribute('data-key', asset.userKey);
  element.setAttribute('data-vscode-context', JSON.stringify(nodeContext(d)));
  // The title, the aria-label and the strip come with the status (GraphRenderer.applyStatus).
  const [, body, key, meta, chip] = element.children as unknown as [SVGTitleElement, SVGRectElement, SVGTextElement, SVGTextElement, SVGGElement];
  setNumbers(body, { width: box.width, height: box.height });
  key.textContent = text.key;
  meta.textContent = text.meta;
  if (text.chip === null) {
    chip.classList.add('absent');
  } else {
    chip.classList.remove('absent');
    const chipText = chip.lastChild as SVGTextElement;
    chipText.textContent = text.chip;
    // Right-aligned, with the width measured in the chip's font when the node was sized.
    const x = box.width - g.paddingX - text.chipWidth;
    setNumbers(chip.firstChild as SVGRectElement, { x, width: text.chipWidth });
    chipText.setAttribute('x', String(x + g.chipPaddingX));
  }
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
    svg('g', { className: 'node-strip', attrs: { 'aria-hidden': 'true' } }),
  ]);
}

function updateGroupNode(element: SVGGElement, d: Extract<ViewNode, { type: 'group' }>, box: Box, text: AssetNodeText): void {
  const o = nodeGeometry.stackOffset;
  element.setAttribute('class', 'node collapsed-group');
  element.setAttribute('data-collapsed-group', d.group);
  // The title, the aria-label and the strip come with the status (GraphRenderer.applyStatus).
  const [, stack2, stack1, body, key, meta] = element.children as unknown as [SVGTitleElement, SVGRectElement, SVGRectElement, SVGRectElement, SVGTextElement, SVGTextElement];
  const size = { width: box.width - 2 * o, height: box.height - 2 * o };
  setNumbers(stack2, size);
  setNumbers(stack1, size);
  setNumbers(body, size);
  key.textContent = text.key;
  meta.textContent = text.meta;
}

function groupTooltip(d: Extract<ViewNode, { type: 'group' }>): string {
  const shown = d.members.slice(0, 12).map((m) => m.userKey);
  const more = d.members.length - shown.length;
  return `Group ${d.group} (collapsed): click to expand\n${shown.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`;
}

function groupAriaLabel(d: Extract<ViewNode, { type: 'group' }>): string {
  return `group ${d.group}, collapsed, ${countLabel(d.members.length, 'asset', 'assets')}; press Enter to expand`;
}

/**
 * The status strip along the bottom of a node's body (a band per status, see stripSegments) and
 * the code-changed marker on its top edge. Rebuilt only when its signature changes: status arrives
 * every few seconds and is mostly the same.
 */
function drawStrip(strip: SVGGElement, status: NodeStatus | null, bodyWidth: number): void {
  const g = nodeGeometry;
  const width = bodyWidth - 2 * g.statusInset;
  const segments = status && status.total > 0 ? stripSegments(status.counts, width, g.statusMinWidth) : [];
  const codeChanged = status?.codeChanged ?? false;
  const signature = `${bodyWidth}|${codeChanged ? 1 : 0}|${segments.map((s) => `${s.kind}:${s.width.toFixed(2)}`).join(',')}`;
  if (strip.getAttribute('data-signature') === signature) return;
  strip.setAttribute('data-signature', signature);
  const parts: SVGElement[] = [];
  segments.forEach((segment, i) => {
    // A one-pixel gap between bands, so neighbouring colours read as separate counts.
    const gap = i < segments.length - 1 ? 1 : 0;
    const band = svg('rect', { className: `status-band band-${segment.kind}`, attrs: { 'data-kind': segment.kind, height: String(g.statusHeight), y: String(g.statusTop) } });
    setNumbers(band, { x: g.statusInset + segment.x, width: Math.max(1, segment.width - gap) });
    parts.push(band);
  });
  if (codeChanged) {
    // On the top edge near the right corner: nothing of the node's text is there.
    parts.push(svg('circle', { className: 'code-changed-marker', attrs: { cx: String(bodyWidth - 14), cy: '0', r: '4' } }));
  }
  strip.replaceChildren(...parts);
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
