import { extname, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { AssetGraph } from '../core/model/graph';
import { RescanQueue, type RescanWork } from '../core/view/rescanQueue';
import { isScannedPath } from '../core/view/watchFilter';
import { WorkspaceIndex, type FolderGraph } from '../core/view/workspaceIndex';
import { affectsScan, scanSettings } from './config';
import { loadCore, type Core } from './lazyCore';
import { Disposable } from './lifecycle';
import { createLogger, formatError, showErrorWithLog } from './log';

type Session = InstanceType<Core['ScanSession']>;

interface FolderScan {
  readonly folder: vscode.WorkspaceFolder;
  session: Session | null;
  graph: AssetGraph | null;
  /** The last run failed: the next one scans the folder in full. */
  failed: boolean;
  /** The scan settings changed: the session is rebuilt before its next run. */
  stale: boolean;
}

export type ScanStatus = { state: 'scanning' } | { state: 'ready' } | { state: 'error'; message: string };

/** Quiet period before changed files are scanned, and the longest a change waits under constant writes. */
const quietMs = 300;
const maxWaitMs = 3000;
/** More changed files than this in one folder (a branch switch) and a full scan is cheaper than an update. */
const fullScanThreshold = 200;

/** What the scanner reads besides Python: code location configs, dbt projects, manifests and seeds. */
const watchedGlobs = ['**/*.py', '**/*.{yaml,yml,toml,json,sql,csv}'];

const log = createLogger('scan');

/**
 * One long-lived `ScanSession` per workspace folder, fed by file watchers through a coalescing
 * queue, and the merged index of their graphs. Lives as long as the extension. Nothing here runs
 * workspace code: the scanner only reads files.
 */
export class WorkspaceScanner extends Disposable {
  private readonly folders = new Map<string, FolderScan>();
  private readonly queue: RescanQueue;
  private current: WorkspaceIndex | undefined;
  private currentStatus: ScanStatus = { state: 'ready' };
  private excluded: ReadonlySet<string>;
  private started = false;
  private readonly closing: Promise<void>[] = [];
  private readonly graphChanged = this.register(new vscode.EventEmitter<WorkspaceIndex>());
  private readonly statusChanged = this.register(new vscode.EventEmitter<ScanStatus>());

  /** After every scan that changed some folder's graph. */
  readonly onDidChangeGraph = this.graphChanged.event;
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor() {
    super();
    this.excluded = new Set(scanSettings().settings.excludeFolders);
    this.queue = new RescanQueue((work) => this.run(work), {
      quietMs,
      maxWaitMs,
      fullScanThreshold,
      onError: (error) => log.error('scan run failed', error),
    });
    this.register({ dispose: () => this.queue.dispose() });
    for (const glob of watchedGlobs) {
      const watcher = this.register(vscode.workspace.createFileSystemWatcher(glob));
      this.register(watcher.onDidCreate((uri) => this.changed(uri)));
      this.register(watcher.onDidChange((uri) => this.changed(uri)));
      this.register(watcher.onDidDelete((uri) => this.changed(uri)));
    }
    // A folder deleted, moved in or out is reported as the folder alone, never as the files in it.
    const folders = this.register(vscode.workspace.createFileSystemWatcher('**/*', false, true, false));
    this.register(folders.onDidCreate((uri) => this.folderChanged(uri)));
    this.register(folders.onDidDelete((uri) => this.folderChanged(uri)));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders((event) => this.foldersChanged(event)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsScan(event)) return;
        log.info('scan settings changed; scanning again');
        this.excluded = new Set(scanSettings().settings.excludeFolders);
        for (const state of this.folders.values()) state.stale = true;
        this.rescanAll();
      }),
    );
  }

  /** The index of the last scans, or undefined before the first one finished. */
  get index(): WorkspaceIndex | undefined {
    return this.current;
  }

  get status(): ScanStatus {
    return this.currentStatus;
  }

  /** Starts the first scan in the background (once). The core bundle loads here, not at activation. */
  start(): void {
    if (this.started || this.isDisposed) return;
    this.started = true;
    for (const folder of vscode.workspace.workspaceFolders ?? []) this.addFolder(folder);
    if (this.folders.size === 0) log.info('no local workspace folder to scan');
  }

  /** A full scan of every folder; resolves when it (and anything queued) is done. */
  async rescan(): Promise<WorkspaceIndex | undefined> {
    if (!this.started) this.start();
    else this.rescanAll();
    await this.queue.whenIdle();
    return this.current;
  }

  /** The index once nothing is pending (starting the first scan if needed). */
  async ready(): Promise<WorkspaceIndex | undefined> {
    this.start();
    await this.queue.whenIdle();
    return this.current;
  }

  /** Sessions hold worker threads; deactivation waits for them to end. */
  whenClosed(): Promise<void> {
    return Promise.all(this.closing).then(() => undefined);
  }

  override dispose(): void {
    super.dispose();
    for (const state of this.folders.values()) this.closeSession(state);
    this.folders.clear();
  }

  private rescanAll(): void {
    for (const scope of this.folders.keys()) this.queue.requestFull(scope);
  }

  private addFolder(folder: vscode.WorkspaceFolder): void {
    // The scanner reads files through Node's fs: only folders on disk can be scanned.
    if (folder.uri.scheme !== 'file') {
      log.info(`skipping ${folder.uri.toString()}: not a folder on disk`);
      return;
    }
    const scope = folder.uri.toString();
    if (this.folders.has(scope)) return;
    this.folders.set(scope, { folder, session: null, graph: null, failed: false, stale: false });
    this.queue.requestFull(scope);
  }

  private foldersChanged(event: vscode.WorkspaceFoldersChangeEvent): void {
    if (!this.started) return;
    for (const folder of event.removed) {
      const scope = folder.uri.toString();
      const state = this.folders.get(scope);
      if (!state) continue;
      this.folders.delete(scope);
      this.queue.drop(scope);
      // A run may be using the session right now; close it once the queue is idle.
      void this.queue.whenIdle().then(() => this.closeSession(state));
    }
    for (const folder of event.added) this.addFolder(folder);
    if (event.removed.length > 0) this.publish();
  }

  private changed(uri: vscode.Uri): void {
    const scope = this.scopeOf(uri, false);
    if (scope) this.queue.add(scope, [uri.fsPath]);
  }

  /**
   * Only paths without an extension are taken for folders (files with one are the other watchers'
   * business, or irrelevant); a file without an extension costs a needless full scan, from cache.
   */
  private folderChanged(uri: vscode.Uri): void {
    if (extname(uri.path) !== '') return;
    const scope = this.scopeOf(uri, true);
    if (scope) this.queue.addFull(scope);
  }

  /** The folder scope of a changed path, or undefined when the scanner would never read it. */
  private scopeOf(uri: vscode.Uri, isFolder: boolean): string | undefined {
    if (!this.started || uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const scope = folder.uri.toString();
    if (!this.folders.has(scope)) return undefined;
    return isScannedPath(relative(folder.uri.fsPath, uri.fsPath), this.excluded, isFolder) ? scope : undefined;
  }

  private async run(work: RescanWork[]): Promise<void> {
    const full = work.some((w) => w.full || !this.folders.get(w.scope)?.graph);
    const body = async (progress?: vscode.Progress<{ message?: string }>): Promise<void> => {
      let failed: string | null = null;
      for (const item of work) {
        const state = this.folders.get(item.scope);
        if (!state) continue;
        progress?.report({ message: state.folder.name });
        const outcome = await this.runFolder(state, item);
        if (outcome === 'changed') this.publish();
        if (outcome === 'failed') failed = state.folder.name;
      }
      this.setStatus(failed ? { state: 'error', message: `The scan of ${failed} failed; see the log.` } : { state: 'ready' });
    };
    if (!full) return body();
    this.setStatus({ state: 'scanning' });
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Asset Lineage: scanning' }, body);
  }

  private async runFolder(state: FolderScan, item: RescanWork): Promise<'changed' | 'unchanged' | 'failed'> {
    const name = state.folder.name;
    const full = item.full || state.graph === null || state.failed;
    const started = performance.now();
    try {
      if (state.stale && state.session) {
        await state.session.dispose();
        state.session = null;
      }
      state.stale = false;
      if (!state.session) {
        const { settings, problems } = scanSettings();
        problems.forEach((p) => log.warn(p));
        const { ScanSession } = loadCore();
        state.session = new ScanSession(state.folder.uri.fsPath, {
          workers: settings.workers === 0 ? undefined : settings.workers,
          excludedNames: new Set(settings.excludeFolders),
        });
      }
      const session = state.session;
      const graph = full ? await session.scan() : await session.update(item.paths);
      const ms = Math.round(performance.now() - started);
      const phases = Object.entries(session.lastTimings).map(([phase, t]) => `${phase} ${Math.round(t)}`).join(', ');
      log.info(`${full ? 'scanned' : `updated ${item.paths.length} file(s) of`} ${name}: ${graph.assets.length} assets, ${graph.diagnostics.length} diagnostics in ${ms} ms`);
      log.debug(`${name} phases (ms): ${phases}`);
      if (this.folders.get(item.scope) !== state) return 'unchanged';
      const recovered = state.failed;
      state.failed = false;
      if (recovered) log.info(`${name}: scanning works again`);
      if (graph === state.graph) return 'unchanged';
      state.graph = graph;
      return 'changed';
    } catch (error) {
      const firstFailure = !state.failed;
      state.failed = true;
      log.error(`${full ? 'scan' : 'update'} of ${name} failed after ${Math.round(performance.now() - started)} ms`, error);
      // An update that failed leaves the graph behind the files: try once more from scratch.
      if (!full) this.queue.requestFull(item.scope);
      else if (firstFailure) void showErrorWithLog(`scanning ${name} failed: ${firstLine(error)}`);
      return 'failed';
    }
  }

  private publish(): void {
    const graphs: FolderGraph[] = [];
    for (const state of this.folders.values()) {
      if (state.graph) graphs.push({ root: state.folder.uri.fsPath, name: state.folder.name, graph: state.graph });
    }
    this.current = new WorkspaceIndex(graphs);
    this.graphChanged.fire(this.current);
  }

  private setStatus(status: ScanStatus): void {
    const same = status.state === this.currentStatus.state && (status.state !== 'error' || (this.currentStatus.state === 'error' && status.message === this.currentStatus.message));
    this.currentStatus = status;
    if (!same) this.statusChanged.fire(status);
  }

  private closeSession(state: FolderScan): void {
    const session = state.session;
    state.session = null;
    if (session) this.closing.push(session.dispose().catch((error: unknown) => log.error('closing a scan session failed', error)));
  }
}

function firstLine(error: unknown): string {
  return formatError(error).split('\n')[0] ?? 'unknown error';
}
