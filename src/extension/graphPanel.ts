import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ExportFormat } from '../core/view/exportData';
import { graphHtml, newNonce } from '../core/view/graphHtml';
import type { WorkspaceIndex } from '../core/view/workspaceIndex';
import { graphViewType, toHostSchema, type ImpactOverlay, type ToHost, type ToWebview } from '../protocol/graphProtocol';
import type { InstanceView, InstanceMonitor } from './instanceMonitor';
import { Disposable } from './lifecycle';
import { createLogger } from './log';
import type { ScanStatus, WorkspaceScanner } from './workspaceScanner';

const log = createLogger('graph');
const webviewLog = createLogger('webview');

/** What the panel asks of the rest of the extension. */
export interface GraphPanelHost {
  /** `node/open`: open the asset's definition. */
  openAsset(userKey: string): Promise<void>;
  /** `node/selected`: the selection in the graph changed. */
  selectedInGraph(userKey: string | null): void;
  /** `impact/request`: "Show Downstream Impact…" on an asset in the graph. */
  requestImpact(userKey: string): Promise<void>;
  /** `impact/backfill`: "Backfill These…" on the impact shown. */
  backfillImpact(): Promise<void>;
  /** `impact/cleared`: the graph no longer shows the impact. */
  impactCleared(): void;
}

/** How long an export may take before the request is given up. */
const exportTimeoutMs = 30_000;

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    // The page loads its bundle and stylesheet; nothing else of the extension (or the workspace) is reachable.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The lineage graph panel: one at a time, created by a command or restored after a reload by the
 * serializer. Owns the extension-lifetime wiring (scan events, serializer); each panel's own
 * listeners live and die with the panel (`GraphPanel`).
 */
export class GraphPanelManager extends Disposable {
  private current: GraphPanel | undefined;
  /** Counts panels opened or restored, so followers can tell a new panel from the one they posted to. */
  private generation = 0;
  /** The impact the graph shows (kept for a panel opened or restored later). */
  private impact: ImpactOverlay | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly scanner: WorkspaceScanner,
    private readonly monitor: InstanceMonitor,
    private readonly host: GraphPanelHost,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(graphViewType, {
        // The webview restores its own view state (getState); the host only gives it a page and data again.
        deserializeWebviewPanel: async (panel) => {
          log.info('restoring the lineage panel');
          this.adopt(panel);
          scanner.start();
        },
      }),
    );
    this.register(scanner.onDidChangeGraph((index) => this.current?.setGraph(index)));
    this.register(scanner.onDidChangeStatus((status) => this.current?.setStatus(status)));
    this.register(monitor.onDidChange((view) => this.current?.setInstance(view)));
    this.register({ dispose: () => this.current?.dispose() });
  }

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  get panelGeneration(): number {
    return this.generation;
  }

  /** The editor column to open files in, so a definition never replaces the graph. */
  get editorColumn(): vscode.ViewColumn {
    const panelColumn = this.current?.panel.viewColumn;
    if (panelColumn === undefined) return vscode.ViewColumn.Active;
    const other = vscode.window.visibleTextEditors.find((e) => e.viewColumn !== undefined && e.viewColumn !== panelColumn);
    return other?.viewColumn ?? (panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
  }

  /** Opens the panel, or reveals it; messages posted meanwhile wait for the webview's `ready`. */
  show(preserveFocus = false): GraphPanel {
    if (this.current) {
      this.current.panel.reveal(undefined, preserveFocus);
      return this.current;
    }
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(graphViewType, 'Asset Lineage', { viewColumn: column, preserveFocus }, webviewOptions(this.extensionUri));
    this.scanner.start();
    return this.adopt(panel);
  }

  /** The impact to highlight, or null to clear it. */
  setImpact(impact: ImpactOverlay | null): void {
    this.impact = impact;
    this.current?.setImpact(impact);
  }

  /** Posts to the panel if it is open (following the editor never opens it). */
  postIfOpen(message: ToWebview): void {
    this.current?.post(message);
  }

  private adopt(panel: vscode.WebviewPanel): GraphPanel {
    this.current?.dispose();
    const graphPanel = new GraphPanel(panel, this.extensionUri, this.host, () => {
      if (this.current === graphPanel) this.current = undefined;
    });
    this.current = graphPanel;
    this.generation++;
    if (this.scanner.index) graphPanel.setGraph(this.scanner.index);
    graphPanel.setStatus(this.scanner.status);
    graphPanel.setInstance(this.monitor.current);
    graphPanel.setImpact(this.impact);
    return graphPanel;
  }
}

interface PendingExport {
  resolve(data: string): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  format: ExportFormat;
}

/** One panel and the listeners that live as long as it does. */
export class GraphPanel extends Disposable {
  private ready = false;
  /** View commands posted before the webview was ready (the graph and status are sent fresh on ready instead). */
  private queue: ToWebview[] = [];
  private index: WorkspaceIndex | undefined;
  private status: ScanStatus = { state: 'ready' };
  private instance: InstanceView | null = null;
  private impact: ImpactOverlay | null = null;
  private nextRequestId = 1;
  private readonly exports = new Map<number, PendingExport>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly host: GraphPanelHost,
    private readonly onClosed: () => void,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lineage.svg');
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    // A hidden panel's webview is destroyed (no `retainContextWhenHidden`: the webview keeps its
    // view state with setState instead) and says `ready` again when shown; until then, queue.
    this.register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.render();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    for (const [, pending] of this.exports) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the lineage panel was closed'));
    }
    this.exports.clear();
    this.queue = [];
    this.onClosed();
    // Closing by code (a restored panel replaced) must close the editor tab as well.
    try {
      this.panel.dispose();
    } catch {
      // Already disposed by the user closing it.
    }
  }

  setGraph(index: WorkspaceIndex): void {
    this.index = index;
    if (this.ready) this.sendGraph();
  }

  setStatus(status: ScanStatus): void {
    this.status = status;
    if (this.ready) this.postNow(this.statusMessage());
  }

  setInstance(view: InstanceView): void {
    this.instance = view;
    if (this.ready) this.postNow(this.instanceMessage());
  }

  setImpact(impact: ImpactOverlay | null): void {
    this.impact = impact;
    if (this.ready) this.postNow({ type: 'impact/set', impact });
  }

  /** Posts now if the webview is ready, else queues: the newest view command of each kind wins. */
  post(message: ToWebview): void {
    if (this.isDisposed) return;
    if (this.ready) {
      this.postNow(message);
      return;
    }
    if (message.type === 'graph/set' || message.type === 'status' || message.type === 'state/set' || message.type === 'impact/set') return;
    if (message.type === 'view/select') this.queue = this.queue.filter((m) => m.type !== 'view/select');
    if (message.type === 'view/focus' || message.type === 'view/showAll') this.queue = this.queue.filter((m) => m.type !== 'view/focus' && m.type !== 'view/showAll');
    this.queue.push(message);
  }

  /** Asks the webview for the current view as SVG text or a PNG data URL. */
  requestExport(format: ExportFormat): Promise<string> {
    const requestId = this.nextRequestId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exports.delete(requestId);
        reject(new Error(`the graph did not answer the export request within ${exportTimeoutMs / 1000} s`));
      }, exportTimeoutMs);
      this.exports.set(requestId, { resolve, reject, timer, format });
      this.post({ type: 'export/request', requestId, format });
    });
  }

  private render(): void {
    const webview = this.panel.webview;
    const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js');
    const style = vscode.Uri.joinPath(this.extensionUri, 'media', 'graph.css');
    for (const file of [script, style]) if (!existsSync(file.fsPath)) log.error(`${file.fsPath} is missing; the graph cannot show (build with "npm run build")`);
    this.ready = false;
    webview.html = graphHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(script).toString(),
      styleUri: webview.asWebviewUri(style).toString(),
    });
  }

  private receive(raw: unknown): void {
    const parsed = toHostSchema.safeParse(raw);
    if (!parsed.success) {
      const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type) : typeof raw;
      log.warn(`dropped an invalid message from the webview (${type}): ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(message: ToHost): void {
    switch (message.type) {
      case 'ready':
        this.becomeReady();
        return;
      case 'node/open':
        this.host.openAsset(message.key).catch((error: unknown) => log.error(`opening ${message.key} failed`, error));
        return;
      case 'node/selected':
        this.host.selectedInGraph(message.key);
        return;
      case 'export/result': {
        const pending = this.takeExport(message.requestId);
        if (!pending) return;
        if (pending.format !== message.format) pending.reject(new Error(`asked for ${pending.format}, got ${message.format}`));
        else pending.resolve(message.data);
        return;
      }
      case 'export/failed':
        this.takeExport(message.requestId)?.reject(new Error(message.message));
        return;
      case 'impact/request':
        this.host.requestImpact(message.key).catch((error: unknown) => log.error(`showing the impact of ${message.key} failed`, error));
        return;
      case 'impact/backfill':
        this.host.backfillImpact().catch((error: unknown) => log.error('the backfill of the impact failed', error));
        return;
      case 'impact/cleared':
        this.host.impactCleared();
        return;
      case 'log':
        if (message.level === 'error') webviewLog.error(message.message);
        else if (message.level === 'warn') webviewLog.warn(message.message);
        else webviewLog.info(message.message);
        return;
      default: {
        const unhandled: never = message;
        log.warn(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private takeExport(requestId: number): PendingExport | undefined {
    const pending = this.exports.get(requestId);
    if (!pending) {
      log.warn(`export answer for unknown request ${requestId} (timed out?)`);
      return undefined;
    }
    this.exports.delete(requestId);
    clearTimeout(pending.timer);
    return pending;
  }

  /** The webview (re)started: it gets the graph and status fresh, then what was queued. */
  private becomeReady(): void {
    log.debug('webview ready');
    this.ready = true;
    this.sendGraph();
    this.postNow(this.statusMessage());
    this.postNow(this.instanceMessage());
    if (this.impact) this.postNow({ type: 'impact/set', impact: this.impact });
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) this.postNow(message);
  }

  private sendGraph(): void {
    if (!this.index) return;
    this.postNow({ type: 'graph/set', graph: this.index.graph, workspaceName: vscode.workspace.name ?? 'workspace' });
  }

  private instanceMessage(): ToWebview {
    const view = this.instance;
    if (view?.kind !== 'state') return { type: 'state/set', state: null };
    return { type: 'state/set', state: { source: view.source, readAt: view.readAt.toISOString(), assets: Object.fromEntries(view.summaries) } };
  }

  private statusMessage(): ToWebview {
    return this.status.state === 'error' ? { type: 'status', state: 'error', message: this.status.message } : { type: 'status', state: this.status.state };
  }

  private postNow(message: ToWebview): void {
    this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered) log.debug(`${message.type} not delivered (webview not running)`);
      },
      (error: unknown) => log.error(`posting ${message.type} failed`, error),
    );
  }
}
