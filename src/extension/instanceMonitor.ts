import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { AssetGraph } from '../core/model/graph';
import type { CodeSnapshots } from '../core/stale/codeChanges';
import type { GraphqlConnection } from '../core/state/graphql/client';
import type { RemoteInstance } from '../core/state/graphql/remoteState';
import type { LocalInstance } from '../core/state/localInstance';
import type { AssetStatusSummary } from '../core/view/stateSummary';
import { affectsInstance, instanceSettings } from './config';
import { loadCore } from './lazyCore';
import { Disposable } from './lifecycle';
import { createLogger, formatError } from './log';
import type { WorkspaceScanner } from './workspaceScanner';

/**
 * What the Dagster instance says about the workspace's assets, kept current: the instance is found
 * (setting, DAGSTER_HOME, dagster.yaml, a running `dagster dev`), read read-only, and every partition
 * of every asset judged again when Dagster writes to it (a file watcher, plus a cheap check of the
 * files' sizes and times every few seconds) or when the graph changes. Reads never overlap; a change
 * during a read schedules one more.
 */

export type InstanceView =
  | { kind: 'state'; source: string; home: string; local: boolean; readAt: Date; summaries: ReadonlyMap<string, AssetStatusSummary> }
  | { kind: 'none'; message: string }
  | { kind: 'error'; message: string };

const log = createLogger('instance');
const snapshotsKey = 'assetLineage.codeSnapshots';
/** The Dagster+ user token: in VS Code's secret storage only, never in settings or logs. */
export const tokenKey = 'assetLineage.dagsterPlusToken';
/** A webserver is asked at most this often by the timer (a read costs it several queries). */
const remotePollFloorSeconds = 15;
const debounceMs = 400;

export class InstanceMonitor extends Disposable {
  private view: InstanceView = { kind: 'none', message: 'Not read yet.' };
  private readonly changed = this.register(new vscode.EventEmitter<InstanceView>());
  private watcher: vscode.FileSystemWatcher | undefined;
  private watchedHome: string | null = null;
  private poll: ReturnType<typeof setInterval> | undefined;
  /** The webserver read last, polled by the timer instead of files. */
  private remoteUrl: string | null = null;
  private lastRemoteRead = 0;
  /**
   * The local instance of the latest read, for plans and impact previews (reading it again costs
   * as much as the read). Dropped when the next read starts, so two are never held at once.
   */
  private latestInstance: { home: string; instance: LocalInstance } | null = null;
  /** The webserver's answer of the latest read, for "only stale" plans submitted to it. */
  private latestRemote: RemoteInstance | null = null;
  private fingerprint = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;
  private again = false;

  readonly onDidChange = this.changed.event;

  constructor(
    private readonly scanner: WorkspaceScanner,
    private readonly memento: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {
    super();
    this.register(scanner.onDidChangeGraph(() => this.schedule()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsInstance(event)) return;
        this.restartPolling();
        this.schedule();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()));
    this.register(
      secrets.onDidChange((event) => {
        if (event.key === tokenKey) this.schedule();
      }),
    );
    this.register({
      dispose: () => {
        clearTimeout(this.timer);
        clearInterval(this.poll);
        this.watcher?.dispose();
      },
    });
    this.restartPolling();
  }

  get current(): InstanceView {
    return this.view;
  }

  /** The local instance read last, if it is `home` (none while the next read is under way). */
  instanceAt(home: string): LocalInstance | null {
    return this.latestInstance?.home === home ? this.latestInstance.instance : null;
  }

  /**
   * The local instance of `home` once any read under way has ended: a plan or preview made during
   * a read waits for it instead of reading the same files a second time. Null when it is not read.
   */
  async settledInstance(home: string): Promise<LocalInstance | null> {
    await this.running;
    return this.instanceAt(home);
  }

  /** What the webserver said at its latest good read, if state comes from one. */
  get remoteInstance(): RemoteInstance | null {
    return this.latestRemote;
  }

  /** The webserver state comes from, with the Dagster+ token, when it comes from one (trusted workspaces only). */
  async remoteConnection(): Promise<GraphqlConnection | null> {
    const url = instanceSettings().settings.graphqlUrl;
    if (!url || !vscode.workspace.isTrusted) return null;
    return { url, token: (await this.secrets.get(tokenKey)) ?? null };
  }

  /** The summary of one asset, when the instance has been read. */
  status(userKey: string): AssetStatusSummary | undefined {
    return this.view.kind === 'state' ? this.view.summaries.get(userKey) : undefined;
  }

  /** Reads now (after any read in progress) and resolves when done. */
  async refresh(): Promise<InstanceView> {
    clearTimeout(this.timer);
    await this.run();
    return this.view;
  }

  private schedule(): void {
    if (this.isDisposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), debounceMs);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.read();
      } while (this.again && !this.isDisposed);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async read(): Promise<void> {
    const index = this.scanner.index;
    if (!index) return; // The graph arrives first; its event schedules a read.
    this.latestInstance = null;
    const { settings, problems } = instanceSettings();
    problems.forEach((p) => log.warn(p));
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const core = loadCore();
    if (settings.graphqlUrl) {
      await this.readRemote(settings.graphqlUrl, index.folders.map((f) => f.graph));
      return;
    }
    this.remoteUrl = null;
    this.latestRemote = null;
    const explicit = settings.path ? (isAbsolute(settings.path) ? settings.path : resolve(folders[0] ?? '.', settings.path)) : null;
    const location = core.discoverInstance({ explicit, dagsterHome: process.env['DAGSTER_HOME'] ?? null, folders });
    if (location.kind !== 'sqlite') {
      this.watch(null);
      this.publish({ kind: 'none', message: location.message });
      return;
    }
    const home = location.home;
    // Restricted Mode reads nothing outside the workspace (the capability the manifest declares).
    if (!vscode.workspace.isTrusted && !folders.some((f) => isInside(home, f))) {
      this.watch(null);
      this.publish({ kind: 'none', message: `Restricted Mode: the Dagster instance at ${home} is outside the workspace and is not read. Trust the workspace to read it.` });
      return;
    }
    this.watch(home);
    this.fingerprint = fingerprintOf(home);
    try {
      const previous = core.codeSnapshotsSchema.safeParse(this.memento.get(snapshotsKey, {}));
      const status = await core.readWorkspaceStatus(
        index.folders.map((f) => f.graph),
        home,
        previous.success ? previous.data : {},
        Date.now(),
      );
      await this.saveSnapshots(status.snapshots, previous.success ? previous.data : {});
      this.latestInstance = { home, instance: status.instance };
      const source = `local instance ${displayPath(home, folders)} (${location.source})`;
      log.info(`read ${source}: ${status.summaries.size} assets judged; read ${Math.round(status.timings.read)} ms, judged ${Math.round(status.timings.judge)} ms`);
      this.publish({ kind: 'state', source, home, local: true, readAt: new Date(), summaries: status.summaries });
    } catch (error) {
      const message = formatError(error).split('\n')[0] ?? 'unknown error';
      log.error(`reading the Dagster instance at ${home} failed`, error);
      this.publish({ kind: 'error', message: `Could not read the Dagster instance at ${home}: ${message}` });
    }
  }

  private async readRemote(url: string, graphs: readonly AssetGraph[]): Promise<void> {
    const core = loadCore();
    this.watch(null);
    const shown = core.displayUrl(url);
    // A URL from workspace settings could send requests anywhere: only trusted workspaces connect.
    if (!vscode.workspace.isTrusted) {
      this.remoteUrl = null;
      this.publish({ kind: 'none', message: `Restricted Mode: Asset Lineage does not connect to ${shown}. Trust the workspace to read state from it.` });
      return;
    }
    this.remoteUrl = url;
    this.lastRemoteRead = Date.now();
    try {
      const token = (await this.secrets.get(tokenKey)) ?? null;
      const status = await core.readRemoteWorkspaceStatus(graphs, { url, token }, Date.now());
      this.latestRemote = status.instance;
      const source = `Dagster webserver ${shown}`;
      log.info(`read ${source}: ${status.summaries.size} assets; read ${Math.round(status.timings.read)} ms, judged ${Math.round(status.timings.judge)} ms`);
      this.publish({ kind: 'state', source, home: url, local: false, readAt: new Date(), summaries: status.summaries });
    } catch (error) {
      const message = formatError(error).split('\n')[0] ?? 'unknown error';
      log.warn(`reading ${shown} failed: ${message}`);
      this.publish({ kind: 'error', message });
    }
  }

  private async saveSnapshots(next: CodeSnapshots, previous: CodeSnapshots): Promise<void> {
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    await this.memento.update(snapshotsKey, next);
  }

  private publish(view: InstanceView): void {
    this.view = view;
    this.changed.fire(view);
  }

  /** A watcher on the instance's storage folder (outside the workspace too: VS Code allows it for one folder). */
  private watch(home: string | null): void {
    if (home === this.watchedHome) return;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.watchedHome = home;
    if (home === null) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(join(home, 'history')), '**/*.db*'));
    watcher.onDidChange(() => this.schedule());
    watcher.onDidCreate(() => this.schedule());
    watcher.onDidDelete(() => this.schedule());
    this.watcher = watcher;
  }

  /** Watchers miss events on some file systems; a stat of three files every few seconds does not. */
  private restartPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    const seconds = instanceSettings().settings.refreshSeconds;
    if (seconds === 0) return;
    this.poll = setInterval(() => {
      if (this.remoteUrl !== null) {
        if (!this.running && Date.now() - this.lastRemoteRead >= Math.max(seconds, remotePollFloorSeconds) * 1000) this.schedule();
        return;
      }
      const home = this.watchedHome;
      if (home === null || this.running) return;
      if (fingerprintOf(home) !== this.fingerprint) this.schedule();
    }, seconds * 1000);
  }
}

function fingerprintOf(home: string): string {
  return ['history/runs/index.db', 'history/runs/index.db-wal', 'history/runs.db', 'history/runs.db-wal']
    .map((file) => {
      try {
        const s = statSync(join(home, file));
        return `${s.size}:${s.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function displayPath(home: string, folders: string[]): string {
  const folder = folders.find((f) => isInside(home, f));
  return folder ? relative(folder, home) || '.' : home;
}

/** For views that only need the summaries of the latest read. */
export function summariesOf(view: InstanceView): ReadonlyMap<string, AssetStatusSummary> | null {
  return view.kind === 'state' ? view.summaries : null;
}
