import { toWebviewSchema, type AssetStatus, type GraphViewState, type ImpactOverlay, type ToWebview } from '../../src/protocol/graphProtocol';
import type { AssetGraph } from '../../src/core/model/graph';
import { assertNever } from './assertNever';
import { directionForKey, navigate, type Box } from './graph/keyboardNav';
import { impactSummary, viewImpact, type ViewImpact } from './graph/impact';
import { countLabel } from './graph/labels';
import { buildLineageModel, type LineageModel, type ModelAsset } from './graph/lineageModel';
import { instanceIndicator, type InstanceState } from './graph/nodeStatus';
import { searchAssets } from './graph/search';
import { assetNodeId, computeVisibleGraph, groupNodeId, type ViewNode, type VisibleGraph } from './graph/visibleGraph';
import type { LayoutInput, LayoutResult } from './layout/layoutTypes';
import { exportSvg, svgToPng } from './render/exportImage';
import type { OverviewWorker } from './render/overviewCanvas';
import { GraphRenderer } from './render/graphRenderer';
import { Minimap, minimapThreshold, readableScale } from './render/minimap';
import { assetNodeText, createTextMeasurer, groupNodeText, type AssetNodeText, type MeasureText } from './render/nodeMetrics';
import { ZoomController } from './render/zoomController';
import { html } from './ui/dom';
import { ImpactBanner } from './ui/impactBanner';
import { Toolbar } from './ui/toolbar';
import { cloneState, restoreViewState, summariseIssues } from './viewState';
import { describeError, HostLog, type VsCodeApi } from './vscodeApi';

/** The layout engine as the app needs it (the worker-backed LayoutClient in production). */
export interface LayoutEngine {
  layout(input: LayoutInput): Promise<LayoutResult>;
  dispose(): void;
}

export interface AppOptions {
  root: HTMLElement;
  api: VsCodeApi;
  layout: LayoutEngine;
  /** True for the rejection of a layout request that a newer one replaced (not an error). */
  isSuperseded(error: unknown): boolean;
  /** Starts the worker that paints far-out views of large graphs; without one they are painted here. */
  createOverviewWorker?: (() => OverviewWorker) | null;
}

/**
 * Above this many nodes a first view opens on collapsed groups: laying out and drawing thousands
 * of nodes takes seconds and shows nothing readable. The full graph is one click away, never refused.
 */
export const largeGraphThreshold = 800;

type ViewportIntent =
  | { type: 'keep' }
  | { type: 'fit' }
  | { type: 'restore'; zoom: NonNullable<GraphViewState['zoom']> }
  | { type: 'reveal'; id: string }
  /** Keep a box where it is on screen while the layout changes around it (collapse/expand). */
  | { type: 'anchor'; before: Box; nodeId: string | null; group: string | null };

type AppState = 'empty' | 'laying-out' | 'ready' | 'error';

/**
 * The lineage view: receives validated messages, keeps the view state (focus, depths, collapsed
 * groups, selection, search, zoom), derives what is visible, has it laid out in the worker and
 * drawn. Data comes from the host on every load; only view state is persisted.
 */
export class LineageApp {
  private readonly log: HostLog;
  private readonly state: GraphViewState;
  private readonly toolbar: Toolbar;
  private readonly renderer: GraphRenderer;
  private readonly zoom: ZoomController;
  private readonly minimap: Minimap;
  private readonly measure: MeasureText;
  private readonly emptyMessage: HTMLElement;
  private readonly impactBanner: ImpactBanner;
  private readonly disposers: (() => void)[] = [];

  private model: LineageModel | null = null;
  /** Per-asset materialization status from the instance, by user key (null until one is read). */
  private assetStatus: Map<string, AssetStatus> | null = null;
  /** User keys with stale or impacted partitions, from `assetStatus` (made once per state message). */
  private staleKeySet: Set<string> | null = null;
  /** Picked partitions and what they reach downstream, highlighted until cleared (from the host). */
  private impact: ImpactOverlay | null = null;
  /** The impact on the graph in view, made again only when either changes. */
  private impactInView: { impact: ImpactOverlay; view: VisibleGraph; result: ViewImpact } | null = null;
  private workspaceName = '';
  private scan: { state: 'scanning' | 'ready' | 'error'; message?: string | undefined } = { state: 'ready' };
  /** The graph and layout on screen (a newer one may be in the worker). */
  private shown: { view: VisibleGraph; layout: LayoutResult; signature: string } | null = null;
  private viewFrame = 0;
  /** The graph window's size, read after a render or a resize, not on every pan frame. */
  private viewSize = { width: 0, height: 0 };
  private generation = 0;
  private viewportIntent: ViewportIntent = { type: 'keep' };
  private focusAfterRender: string | null = null;
  private hint: string | null = null;
  /** Set once the user asked for everything; large graphs are then not collapsed again this session. */
  private wantsFullView = false;
  private autoCollapsed = false;
  private busy = false;
  private groupClickedAt = -Infinity;
  /** Nodes in the layout being computed, for the status line. */
  private pendingCount = 0;
  private layoutError: string | null = null;

  constructor(private readonly options: AppOptions) {
    const { root, api } = options;
    this.log = new HostLog(api);
    this.state = restoreViewState(api.getState(), this.log);

    this.toolbar = new Toolbar({
      searchChanged: (query) => this.setSearch(query),
      searchSubmitted: (query) => this.focusFirstMatch(query),
      depthChanged: (direction, depth) => this.setDepth(direction, depth),
      fit: () => this.fit(),
      showAll: () => this.showAll(),
      clearFocus: () => this.clearFocus(),
      collapseAll: () => this.setAllCollapsed(true),
      expandAll: () => this.setAllCollapsed(false),
      staleOnly: (on) => this.setStaleOnly(on),
    });
    const stage = html('div', { id: 'stage', className: 'stage' });
    this.emptyMessage = html('div', { id: 'empty', className: 'empty-message', attrs: { role: 'note' } });
    const busy = html('div', { className: 'busy-overlay', attrs: { 'aria-hidden': 'true' } }, [
      html('span', { className: 'busy-text', text: 'Laying out…' }),
    ]);
    root.replaceChildren(this.toolbar.element, stage);
    this.renderer = new GraphRenderer(stage, {
      nodeClick: (node, event) => this.nodeClicked(node, event),
      nodeDoubleClick: (node, event) => this.nodeDoubleClicked(node, event),
      nodeKeyDown: (node, event) => this.nodeKeyDown(node, event),
      nodeContextMenu: (node) => {
        if (node.type === 'asset') this.select(node.asset.userKey, { notifyHost: true });
      },
      toggleGroup: (group) => this.toggleGroup(group),
      backgroundClick: () => this.select(null, { notifyHost: true }),
    }, options.createOverviewWorker ?? null);
    this.impactBanner = new ImpactBanner({
      backfill: () => this.options.api.postMessage({ type: 'impact/backfill' }),
      clear: () => this.clearImpact(),
    });
    stage.append(this.emptyMessage, this.impactBanner.element, busy);
    this.zoom = new ZoomController(this.renderer.svg, this.renderer.viewport);
    this.zoom.onEnd((zoom) => {
      if (!this.shown) return;
      this.state.zoom = zoom;
      this.persist();
    });
    this.minimap = new Minimap(stage, this.zoom);
    // The drawing follows the view: once per frame while panning (in the frame that moved), and at the end.
    this.zoom.onChange(() => {
      if (this.viewFrame !== 0) return;
      this.viewFrame = requestAnimationFrame(() => {
        this.viewFrame = 0;
        this.followView();
      });
    });
    this.zoom.onEnd(() => this.followView());
    this.measure = createTextMeasurer(this.renderer.svg);

    this.toolbar.setSearch(this.state.search);
    this.toolbar.setDepths(this.state.upstreamDepth, this.state.downstreamDepth);
    this.toolbar.setFocus(this.state.focus);
    if (this.state.zoom) this.viewportIntent = { type: 'restore', zoom: { ...this.state.zoom } };
    else this.viewportIntent = { type: 'fit' };

    // Canvas colours (the minimap, the overview) cannot follow CSS variables by themselves.
    const themeObserver = new MutationObserver(() => {
      this.minimap.themeChanged();
      this.renderer.themeChanged();
    });
    themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.disposers.push(() => themeObserver.disconnect());
    const resizeObserver = new ResizeObserver(() => {
      this.viewSize = this.zoom.size;
      this.updateMinimap();
      this.followView();
    });
    resizeObserver.observe(stage);
    this.disposers.push(() => resizeObserver.disconnect());

    const onMessage = (event: MessageEvent): void => this.receive(event.data);
    window.addEventListener('message', onMessage);
    this.disposers.push(() => window.removeEventListener('message', onMessage));
    const onKey = (event: KeyboardEvent): void => this.globalKeyDown(event);
    window.addEventListener('keydown', onKey);
    this.disposers.push(() => window.removeEventListener('keydown', onKey));

    this.setAppState('empty');
    this.updateChrome();
    api.postMessage({ type: 'ready' });
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.options.layout.dispose();
    this.renderer.dispose();
  }

  /** Every message from the host passes through here; what does not match the protocol is dropped. */
  receive(data: unknown): void {
    const parsed = toWebviewSchema.safeParse(data);
    if (!parsed.success) {
      const type = typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string' ? ` '${(data as { type: string }).type.slice(0, 60)}'` : '';
      this.log.warn(`Ignored an invalid message${type} from the extension: ${summariseIssues(parsed.error.issues)}`);
      return;
    }
    try {
      this.handle(parsed.data);
    } catch (error) {
      this.log.error(`Handling '${parsed.data.type}' failed`, error);
    }
  }

  private handle(message: ToWebview): void {
    switch (message.type) {
      case 'graph/set':
        return this.setGraph(message.graph, message.workspaceName);
      case 'view/select':
        return this.revealSelection(message.key);
      case 'view/focus':
        return this.focusOn(message.key, message.upstreamDepth, message.downstreamDepth);
      case 'view/showAll':
        return this.showAll();
      case 'export/request':
        void this.exportView(message.requestId, message.format);
        return;
      case 'status':
        this.scan = { state: message.state, message: message.message };
        return this.updateChrome();
      case 'state/set':
        return this.setInstanceState(message.state);
      case 'impact/set':
        this.impact = message.impact;
        this.applyHighlight();
        return;
      default:
        return assertNever(message, 'message');
    }
  }

  /**
   * Materialization status from the instance: drawn on the nodes already laid out (the layout does
   * not depend on it, so nothing is laid out again), and on any graph that comes later: the
   * renderer keeps the latest, since the message may come before the first graph.
   */
  private setInstanceState(state: InstanceState | null): void {
    const before = this.staleKeySet;
    this.assetStatus = state === null ? null : new Map(Object.entries(state.assets));
    this.staleKeySet = this.staleKeys();
    this.renderer.setStatus(this.assetStatus);
    this.toolbar.setInstance(state === null ? null : instanceIndicator(state, new Date()));
    // The filtered graph changes only when the set of assets needing work does.
    if (this.state.staleOnly && !sameSet(before, this.staleKeySet)) void this.refresh();
    else this.updateChrome();
  }

  /** User keys of the assets with stale or impacted partitions (null: no state from an instance). */
  private staleKeys(): Set<string> | null {
    if (!this.assetStatus) return null;
    const keys = new Set<string>();
    for (const [key, status] of this.assetStatus) if (status.stale > 0 || status.impacted > 0) keys.add(key);
    return keys;
  }

  private setStaleOnly(on: boolean): void {
    this.state.staleOnly = on;
    this.viewportIntent = { type: 'fit' };
    this.persist();
    void this.refresh();
  }

  // ── Graph and view state ──────────────────────────────────────────────────────────────────

  private setGraph(graph: AssetGraph, workspaceName: string): void {
    this.model = buildLineageModel(graph);
    this.workspaceName = workspaceName;
    this.hint = null;
    if (this.state.focus !== null && !this.model.byUserKey.has(this.state.focus)) {
      this.hint = `${this.state.focus} is no longer in the graph; showing all assets`;
      this.state.focus = null;
      this.viewportIntent = { type: 'fit' };
    }
    if (this.state.selected !== null && !this.model.byUserKey.has(this.state.selected)) this.state.selected = null;
    this.openLargeGraphsCollapsed();
    this.persist();
    void this.refresh();
  }

  private openLargeGraphsCollapsed(): void {
    const model = this.model;
    if (!model || this.wantsFullView || model.groups.length < 2) return;
    const view = computeVisibleGraph(model, this.viewOptions());
    if (view.nodes.length <= largeGraphThreshold) return;
    this.state.collapsedGroups = [...model.groups];
    this.autoCollapsed = true;
    if (this.viewportIntent.type === 'keep') this.viewportIntent = { type: 'fit' };
  }

  private viewOptions(): Parameters<typeof computeVisibleGraph>[1] {
    return {
      focus: this.state.focus,
      upstreamDepth: this.state.upstreamDepth,
      downstreamDepth: this.state.downstreamDepth,
      collapsedGroups: new Set(this.state.collapsedGroups),
      only: this.onlyIds(),
    };
  }

  /** The "Stale only" filter as model ids; null (no filter) until an instance has been read. */
  private onlyIds(): Set<string> | null {
    const keys = this.state.staleOnly ? this.staleKeySet : null;
    if (!keys || !this.model) return null;
    const ids = new Set<string>();
    for (const key of keys) {
      const asset = this.model.byUserKey.get(key);
      if (asset) ids.add(asset.id);
    }
    return ids;
  }

  private persist(): void {
    this.options.api.setState(cloneState(this.state));
  }

  focusOn(key: string, upstreamDepth?: number, downstreamDepth?: number): void {
    if (this.model && !this.model.byUserKey.has(key)) {
      this.hint = `${key} is not in the graph`;
      this.updateChrome();
      return;
    }
    this.state.focus = key;
    this.state.selected = key;
    if (upstreamDepth !== undefined) this.state.upstreamDepth = upstreamDepth;
    if (downstreamDepth !== undefined) this.state.downstreamDepth = downstreamDepth;
    this.toolbar.setDepths(this.state.upstreamDepth, this.state.downstreamDepth);
    this.toolbar.setFocus(key);
    this.hint = null;
    this.viewportIntent = { type: 'fit' };
    const asset = this.model?.byUserKey.get(key);
    if (asset) this.focusAfterRender = this.graphHasFocus() ? assetNodeId(asset) : null;
    this.persist();
    void this.refresh();
  }

  private showAll(): void {
    this.wantsFullView = true;
    this.autoCollapsed = false;
    this.state.focus = null;
    this.state.collapsedGroups = [];
    this.state.staleOnly = false;
    this.toolbar.setFocus(null);
    this.hint = null;
    this.viewportIntent = { type: 'fit' };
    this.persist();
    void this.refresh();
  }

  private clearFocus(): void {
    this.state.focus = null;
    this.toolbar.setFocus(null);
    this.hint = null;
    this.openLargeGraphsCollapsed();
    this.viewportIntent = { type: 'fit' };
    this.persist();
    void this.refresh();
  }

  private setDepth(direction: 'up' | 'down', depth: number): void {
    if (direction === 'up') this.state.upstreamDepth = depth;
    else this.state.downstreamDepth = depth;
    this.persist();
    if (this.state.focus === null) return;
    this.viewportIntent = { type: 'fit' };
    void this.refresh();
  }

  private setAllCollapsed(collapsed: boolean): void {
    if (!this.model) return;
    if (!collapsed) this.wantsFullView = true;
    this.autoCollapsed = false;
    this.state.collapsedGroups = collapsed ? [...this.model.groups] : [];
    this.viewportIntent = { type: 'fit' };
    this.persist();
    void this.refresh();
  }

  private toggleGroup(group: string): void {
    const collapsed = new Set(this.state.collapsedGroups);
    const collapsing = !collapsed.has(group);
    const before = this.groupScreenBox(group);
    if (collapsing) collapsed.add(group);
    else {
      collapsed.delete(group);
      this.wantsFullView = true;
    }
    this.state.collapsedGroups = [...collapsed].sort();
    this.autoCollapsed = false;
    if (before) this.viewportIntent = { type: 'anchor', before, nodeId: collapsing ? groupNodeId(group) : null, group: collapsing ? null : group };
    if (this.graphHasFocus()) {
      const firstMember = this.model?.assets.find((a) => a.asset.group === group);
      this.focusAfterRender = collapsing ? groupNodeId(group) : firstMember ? assetNodeId(firstMember) : null;
    }
    this.persist();
    void this.refresh();
  }

  /** Where the group (its box, or its collapsed node) is drawn now, in graph coordinates. */
  private groupScreenBox(group: string): Box | null {
    if (!this.shown) return null;
    const node = this.shown.layout.nodes.find((n) => n.id === groupNodeId(group));
    if (node) return node;
    return this.shown.layout.groups.find((g) => g.id === group) ?? null;
  }

  private setSearch(query: string): void {
    if (this.state.search === query) return;
    this.state.search = query;
    this.persist();
    this.applyHighlight();
    this.updateChrome();
  }

  private focusFirstMatch(query: string): void {
    if (!this.model || query.trim() === '') return;
    const first = searchAssets(this.model, query)[0];
    if (!first) {
      this.hint = `No asset key contains "${query.trim()}"`;
      this.updateChrome();
      return;
    }
    this.focusOn(first.userKey);
  }

  /** `view/select`: follow the editor. Reveals the asset (expanding its group) but keeps the focus. */
  private revealSelection(key: string | null): void {
    if (key === null || !this.model) {
      this.select(key, { notifyHost: false });
      return;
    }
    const asset = this.model.byUserKey.get(key);
    if (!asset) return;
    this.state.selected = key;
    this.hint = null;
    const view = this.shown?.view;
    const inView = view?.nodeOfAsset.get(asset.id);
    if (view && inView === undefined) {
      this.hint = `${key} is outside the focused view`;
    } else if (inView !== undefined && inView !== assetNodeId(asset)) {
      this.state.collapsedGroups = this.state.collapsedGroups.filter((g) => g !== asset.asset.group);
      this.viewportIntent = { type: 'reveal', id: assetNodeId(asset) };
      this.persist();
      void this.refresh();
      return;
    } else if (inView !== undefined) {
      const box = this.renderer.nodeBoxes().get(inView);
      if (box) this.zoom.reveal(box);
      this.renderer.setTabStop(inView);
    }
    this.persist();
    this.applyHighlight();
    this.updateChrome();
  }

  private select(key: string | null, { notifyHost }: { notifyHost: boolean }): void {
    if (this.state.selected === key) return;
    this.state.selected = key;
    this.persist();
    this.applyHighlight();
    if (notifyHost) this.options.api.postMessage({ type: 'node/selected', key });
  }

  // ── Interaction ───────────────────────────────────────────────────────────────────────────

  private nodeClicked(node: ViewNode, event: MouseEvent): void {
    if (node.type === 'group') {
      if (event.detail <= 1) {
        this.groupClickedAt = event.timeStamp;
        this.toggleGroup(node.group);
      }
      return;
    }
    this.select(node.asset.userKey, { notifyHost: true });
    // The second click of a double-click focuses instead; opening the file twice would be noise.
    if (event.detail <= 1) this.open(node.asset);
  }

  private nodeDoubleClicked(node: ViewNode, event: MouseEvent): void {
    // A double-click on a collapsed group expanded it on the first click; the second lands on
    // whichever asset now sits under the pointer and must not focus it.
    if (event.timeStamp - this.groupClickedAt < 800) return;
    if (node.type === 'asset') this.focusOn(node.asset.userKey);
  }

  private open(asset: ModelAsset): void {
    this.options.api.postMessage({ type: 'node/open', key: asset.userKey });
  }

  private nodeKeyDown(node: ViewNode, event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const direction = directionForKey(event.key);
    if (direction && this.shown) {
      event.preventDefault();
      const next = navigate(this.shown.view, this.renderer.nodeBoxes(), node.id, direction);
      if (next !== null) this.moveKeyboardFocus(next);
      return;
    }
    switch (event.key) {
      case 'Enter':
        event.preventDefault();
        if (node.type === 'group') this.toggleGroup(node.group);
        else {
          this.select(node.asset.userKey, { notifyHost: true });
          this.open(node.asset);
        }
        return;
      case ' ':
        event.preventDefault();
        if (node.type === 'asset') this.select(node.asset.userKey, { notifyHost: true });
        return;
      case 'f':
      case 'F':
        event.preventDefault();
        if (node.type === 'asset') this.focusOn(node.asset.userKey);
        return;
      case 'i':
      case 'I':
        event.preventDefault();
        if (node.type === 'asset') this.options.api.postMessage({ type: 'impact/request', key: node.asset.userKey });
        return;
      case 'Escape':
        event.preventDefault();
        if (this.impact !== null) this.clearImpact();
        else this.select(null, { notifyHost: true });
        return;
      default:
        return;
    }
  }

  private globalKeyDown(event: KeyboardEvent): void {
    const target = event.target as Element | null;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.toolbar.search.focus();
      this.toolbar.search.select();
    } else if (event.key === 'Escape' && !typing && !target?.closest('g.node')) {
      if (this.impact !== null) this.clearImpact();
      else this.select(null, { notifyHost: true });
    }
  }

  private moveKeyboardFocus(id: string): void {
    const element = this.renderer.nodeElement(id);
    const node = this.shown?.view.byId.get(id);
    if (!element || !node) return;
    this.renderer.setTabStop(id);
    element.focus({ preventScroll: true });
    const box = this.renderer.nodeBoxes().get(id);
    if (box) this.zoom.reveal(box);
    if (node.type === 'asset') this.select(node.asset.userKey, { notifyHost: true });
  }

  /**
   * Keyboard focus is in the graph and the page has it: the iframe keeps its active element while a
   * quick pick or an editor has the focus, and focusing a node then would take it from them.
   */
  private graphHasFocus(): boolean {
    return document.hasFocus() && this.renderer.svg.contains(document.activeElement);
  }

  /**
   * Fits the drawing. A big graph is fitted whole (an overview, with the minimap to move in it);
   * a small view is never shrunk to unreadable labels: if it is long (a chain of collapsed
   * groups), its start is shown at a readable size and the minimap shows the rest.
   */
  private fit(): void {
    if (!this.shown) return;
    const small = this.shown.view.nodes.length <= minimapThreshold;
    this.zoom.fit(this.renderer.extent, { minScale: small ? readableScale : 0.02 });
  }

  // ── Layout and drawing ────────────────────────────────────────────────────────────────────

  private async refresh(): Promise<void> {
    const model = this.model;
    if (!model) return;
    const generation = ++this.generation;
    const view = computeVisibleGraph(model, this.viewOptions());
    const texts = new Map<string, AssetNodeText>();
    for (const node of view.nodes) {
      texts.set(node.id, node.type === 'asset' ? assetNodeText(node.asset, this.measure) : groupNodeText(node.group, node.members.length, this.measure));
    }
    const input: LayoutInput = {
      nodes: view.nodes.map((node) => {
        const text = texts.get(node.id) as AssetNodeText;
        return { id: node.id, width: text.width, height: text.height, group: node.type === 'asset' ? node.box : null };
      }),
      edges: view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
    };
    const signature = JSON.stringify(input);
    if (this.shown && this.shown.signature === signature) {
      // Same drawing (a rescan that changed no key or edge, or a toggle undone before its layout
      // came back): labels may still differ. A layout still in flight is now stale.
      this.busy = false;
      this.renderer.render(view, this.shown.layout, texts);
      this.shown = { view, layout: this.shown.layout, signature };
      this.afterRender();
      return;
    }
    this.busy = true;
    this.pendingCount = view.nodes.length;
    this.layoutError = null;
    this.setAppState('laying-out');
    this.updateChrome();
    let layout: LayoutResult;
    try {
      layout = view.nodes.length === 0 ? { nodes: [], edges: [], groups: [], width: 0, height: 0 } : await this.options.layout.layout(input);
    } catch (error) {
      if (this.options.isSuperseded(error) || generation !== this.generation) return;
      this.busy = false;
      this.layoutError = error instanceof Error ? error.message : String(error);
      this.log.error('Graph layout failed', error);
      this.setAppState('error');
      this.updateChrome();
      return;
    }
    if (generation !== this.generation) return;
    this.busy = false;
    const hadFocus = this.graphHasFocus();
    this.renderer.render(view, layout, texts);
    this.shown = { view, layout, signature };
    if (hadFocus && !this.graphHasFocus() && this.focusAfterRender === null) this.focusAfterRender = view.nodes[0]?.id ?? null;
    this.afterRender();
  }

  private afterRender(): void {
    this.applyViewport();
    this.viewSize = this.zoom.size;
    this.followView();
    this.applyHighlight();
    if (this.focusAfterRender !== null) {
      const id = this.focusAfterRender;
      this.focusAfterRender = null;
      const element = this.renderer.nodeElement(id);
      if (element) {
        this.renderer.setTabStop(id);
        element.focus({ preventScroll: true });
      }
    }
    this.updateMinimap();
    this.setAppState('ready');
    this.updateChrome();
  }

  private applyViewport(): void {
    const intent = this.viewportIntent;
    this.viewportIntent = { type: 'keep' };
    switch (intent.type) {
      case 'keep':
        return;
      case 'fit':
        return this.fit();
      case 'restore':
        return this.zoom.set(intent.zoom);
      case 'reveal': {
        const box = this.renderer.nodeBoxes().get(intent.id);
        if (box) this.zoom.centreOn(box);
        this.renderer.setTabStop(intent.id);
        return;
      }
      case 'anchor': {
        const layout = this.shown?.layout;
        const after =
          intent.nodeId !== null
            ? layout?.nodes.find((n) => n.id === intent.nodeId)
            : layout?.groups.find((g) => g.id === intent.group);
        if (!after) return;
        const { x, y, k } = this.zoom.state;
        this.zoom.set({ x: x + (intent.before.x - after.x) * k, y: y + (intent.before.y - after.y) * k, k });
        this.zoom.constrain(this.renderer.extent);
        return;
      }
      default:
        return assertNever(intent, 'viewport intent');
    }
  }

  private applyHighlight(): void {
    const shown = this.shown;
    const model = this.model;
    if (!shown || !model) return;
    const view = shown.view;
    const nodeFor = (key: string | null): string | null => {
      if (key === null) return null;
      const asset = model.byUserKey.get(key);
      return asset ? (view.nodeOfAsset.get(asset.id) ?? null) : null;
    };
    let matchIds: Set<string> | null = null;
    let countText = '';
    if (this.state.search.trim() !== '') {
      matchIds = new Set();
      const matches = searchAssets(model, this.state.search);
      let outside = 0;
      for (const asset of matches) {
        const id = view.nodeOfAsset.get(asset.id);
        if (id === undefined) outside++;
        else matchIds.add(id);
      }
      countText = matches.length === 0 ? 'no matches' : countLabel(matches.length, 'match', 'matches') + (outside > 0 ? ` (${outside} outside this view)` : '');
    }
    this.toolbar.setSearchCount(countText);
    const impact = this.currentImpact(model, view);
    this.impactBanner.show(this.impact, this.impact && impact ? impactSummary(this.impact, impact.outside) : '');
    this.renderer.applyHighlight({ selectedId: nodeFor(this.state.selected), focusId: nodeFor(this.state.focus), matchIds, impact: impact?.nodes ?? null });
  }

  private currentImpact(model: LineageModel, view: VisibleGraph): ViewImpact | null {
    const impact = this.impact;
    if (impact === null) {
      this.impactInView = null;
      return null;
    }
    const cached = this.impactInView;
    if (cached && cached.impact === impact && cached.view === view) return cached.result;
    const result = viewImpact(impact, model, view);
    this.impactInView = { impact, view, result };
    return result;
  }

  /** Escape or "Clear": the graph stops showing the impact, and the host stops keeping it current. */
  private clearImpact(): void {
    if (this.impact === null) return;
    this.impact = null;
    this.options.api.postMessage({ type: 'impact/cleared' });
    this.applyHighlight();
  }

  /** Tells the renderer where the view is (see GraphRenderer.setView). */
  private followView(): void {
    if (!this.shown) return;
    this.renderer.setView(this.zoom.state, this.viewSize);
  }

  private updateMinimap(): void {
    const shown = this.shown;
    if (!shown) return;
    this.minimap.update(
      this.renderer.nodeBoxes().values(),
      shown.layout.groups,
      this.renderer.extent,
      shown.view.nodes.length > minimapThreshold || !this.zoom.fitsAt(this.renderer.extent, readableScale),
    );
  }

  /** `#app[data-state]` tells tests (and CSS) whether a drawing is current. */
  private setAppState(state: AppState): void {
    this.options.root.setAttribute('data-state', state);
    this.options.root.classList.toggle('laying-out', state === 'laying-out');
  }

  /** Status line, empty-state text and button states, from the current state. */
  private updateChrome(): void {
    const model = this.model;
    const view = this.shown?.view;
    const total = model?.assets.length ?? 0;
    const collapsed = model ? this.state.collapsedGroups.filter((g) => model.groups.includes(g)).length : 0;
    const everythingShown = this.state.focus === null && collapsed === 0 && !this.state.staleOnly;
    this.toolbar.setFocus(this.state.focus);
    this.toolbar.setShowAll(everythingShown ? 'Show full graph' : `Show all ${countLabel(total, 'asset', 'assets')}`, model !== null && !everythingShown);
    const hasGroups = (model?.groups.length ?? 0) > 1;
    this.toolbar.setGroupButtons(hasGroups && collapsed < (model?.groups.length ?? 0), collapsed > 0, hasGroups);
    this.toolbar.setFitEnabled(this.shown !== null);

    let empty = '';
    if (!model) empty = this.scan.state === 'error' ? `The scan failed: ${this.scan.message ?? 'see the Asset Lineage log'}` : 'Waiting for the lineage graph…';
    else if (total === 0) empty = `No Dagster assets found in ${this.workspaceName || 'this workspace'}.`;
    else if (this.state.staleOnly && view?.assetCount === 0) empty = 'No asset has stale or impacted partitions. Turn off "Stale only" to see every asset.';
    this.toolbar.setStaleOnly(this.state.staleOnly, this.staleKeySet === null ? null : this.staleKeySet.size);
    this.emptyMessage.textContent = empty;
    this.emptyMessage.classList.toggle('hidden', empty === '');

    let text: string;
    let tone: 'normal' | 'busy' | 'error' = 'normal';
    if (this.layoutError !== null) {
      text = `Layout failed: ${this.layoutError}`;
      tone = 'error';
    } else if (this.busy) {
      text = `Laying out ${countLabel(this.pendingCount, 'node', 'nodes')}…`;
      tone = 'busy';
    } else if (this.scan.state === 'error') {
      text = `Scan failed${this.scan.message ? `: ${this.scan.message}` : ''} (showing the last graph)`;
      tone = 'error';
    } else if (this.scan.state === 'scanning') {
      text = 'Scanning…';
      tone = 'busy';
    } else if (!model || !view) {
      text = '';
    } else if (this.state.focus !== null) {
      text = `${countLabel(view.assetCount, 'asset', 'assets')} of ${total.toLocaleString('en-US')} around ${this.state.focus} (${this.state.upstreamDepth} up, ${this.state.downstreamDepth} down)`;
    } else if (this.state.staleOnly && this.assetStatus) {
      text = `${countLabel(view.assetCount, 'asset', 'assets')} of ${total.toLocaleString('en-US')} with stale or impacted partitions`;
    } else if (this.autoCollapsed && collapsed > 0) {
      text = `Large graph: ${countLabel(total, 'asset', 'assets')} shown as ${countLabel(collapsed, 'collapsed group', 'collapsed groups')}`;
    } else if (collapsed > 0) {
      text = `${countLabel(total, 'asset', 'assets')}, ${countLabel(collapsed, 'group', 'groups')} collapsed`;
    } else {
      text = `${countLabel(total, 'asset', 'assets')}, ${countLabel(model.edgeCount, 'dependency', 'dependencies')}`;
    }
    if (this.hint !== null && tone !== 'busy') text = `${this.hint} · ${text}`;
    this.toolbar.setStatus(text, tone);
  }

  // ── Export ────────────────────────────────────────────────────────────────────────────────

  private async exportView(requestId: number, format: 'svg' | 'png'): Promise<void> {
    const api = this.options.api;
    try {
      if (!this.shown || this.shown.view.nodes.length === 0) throw new Error('there is no graph to export yet');
      const exported = this.renderer.withFullDrawing(() => exportSvg(this.renderer));
      const data = format === 'svg' ? exported.text : await svgToPng(exported);
      api.postMessage({ type: 'export/result', requestId, format, data });
    } catch (error) {
      this.log.warn(`Export as ${format} failed: ${describeError(error)}`);
      api.postMessage({ type: 'export/failed', requestId, message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function sameSet(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
