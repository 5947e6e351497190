import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BackfillRecord, BackfillRunner } from '../../core/backfill/runner';
import type { GraphqlConnection } from '../../core/state/graphql/client';
import { loadCore } from '../lazyCore';
import { Disposable } from '../lifecycle';
import { createLogger } from '../log';
import { TaskLauncher } from './taskLauncher';

const log = createLogger('backfill');

/**
 * The workspace's backfills: started, followed to the end, kept in workspace storage (written
 * atomically after each change, restored after a reload), retried and cancelled. The runs write to
 * the instance, whose watcher (`InstanceMonitor`) reads it again, so the graph's strips and counts
 * move with the backfill.
 */
export class BackfillManager extends Disposable {
  private backfills: BackfillRecord[] = [];
  private readonly runners = new Map<string, BackfillRunner>();
  /** Webserver backfills being followed, and how to stop following (or cancel) each. */
  private readonly followers = new Map<string, { stop: AbortController; connection: GraphqlConnection }>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private loaded = false;
  /** False when the history file exists but could not be read: it is left alone. */
  private writable = true;
  /** Saving and redrawing are coalesced: a backfill of thousands of runs changes state thousands of times. */
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private fireTimer: ReturnType<typeof setTimeout> | undefined;

  readonly onDidChange = this.changed.event;

  constructor(
    private readonly storage: vscode.Uri | undefined,
    /** The webserver connection (with its token) for a backfill submitted to `url`, or null if it is no longer configured. */
    private readonly connectionFor: (url: string) => Promise<GraphqlConnection | null> = async () => null,
  ) {
    super();
  }

  private get file(): string | null {
    return this.storage ? join(this.storage.fsPath, 'backfills.json') : null;
  }

  /** Newest first. Loads the history on first use. */
  list(): readonly BackfillRecord[] {
    this.load();
    return [...this.backfills].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): BackfillRecord | undefined {
    return this.backfills.find((b) => b.id === id);
  }

  isRunning(id: string): boolean {
    return this.runners.has(id) || this.followers.has(id);
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const file = this.file;
    if (!file) return;
    const { backfills, problem, writable } = loadCore().loadHistory(file, Date.now());
    this.backfills = backfills;
    this.writable = writable;
    if (problem) {
      log.warn(problem);
      void vscode.window.showWarningMessage(`Asset Lineage: ${problem}`);
    }
    // Webserver backfills went on while the window was closed: follow them again.
    for (const record of backfills) {
      if (record.remote && record.state === 'running') this.resume(record).catch((error: unknown) => log.error(`following backfill ${record.remote?.backfillId} again failed`, error));
    }
  }

  /** Loads the history now, so webserver backfills are followed again without waiting for the view. */
  restore(): void {
    this.load();
  }

  private async resume(record: BackfillRecord): Promise<void> {
    const remote = record.remote;
    if (!remote) return;
    const connection = await this.connectionFor(remote.url);
    if (this.isDisposed) return;
    if (!connection) {
      // Not followed, so not shown as running: the webserver still has it.
      const shown = loadCore().displayUrl(remote.url);
      log.info(`backfill ${remote.backfillId} on ${shown} is not followed: the workspace no longer reads state from that webserver`);
      this.update({ ...record, state: 'interrupted', endedAt: Date.now(), remote: { ...remote, problem: `not followed since the window was reloaded: the workspace no longer reads state from ${shown} (the backfill goes on there)` } });
      return;
    }
    await this.follow(record, connection);
  }

  /**
   * Follows a backfill submitted to a webserver until it finishes: its status and counts in the
   * Backfills view and a progress notification (whose Cancel asks the webserver to cancel it).
   */
  async follow(record: BackfillRecord, connection: GraphqlConnection): Promise<BackfillRecord> {
    this.load();
    const remote = record.remote;
    if (!remote) throw new Error(`backfill ${record.title} was not submitted to a webserver`);
    if (this.isDisposed) return record;
    if (this.followers.has(record.id)) throw new Error(`backfill ${record.title} is already followed`);
    const core = loadCore();
    const stop = new AbortController();
    this.followers.set(record.id, { stop, connection });
    this.update(record);
    log.info(`following backfill ${remote.backfillId} on ${core.displayUrl(remote.url)}`);
    let result: BackfillRecord;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Backfill ${record.title} on the webserver`, cancellable: true },
        async (report, token) => {
          token.onCancellationRequested(() => void this.cancel(record.id));
          return core.followRemoteBackfill(record, {
            read: () => core.readBackfill(connection, remote.backfillId),
            signal: stop.signal,
            onUpdate: (next) => {
              this.update(next);
              const progress = next.remote;
              if (progress) report.report({ message: `${progress.materialized} of ${progress.targeted} partitions materialized${progress.failed ? `, ${progress.failed} failed` : ''} · ${progress.status}` });
            },
          });
        },
      );
    } finally {
      this.followers.delete(record.id);
    }
    this.update(result);
    log.info(`backfill ${remote.backfillId} ended ${result.state}`);
    if (result.state === 'succeeded') void vscode.window.showInformationMessage(`Asset Lineage: backfill ${result.title} succeeded on the webserver.`);
    else if (result.state === 'failed') void vscode.window.showWarningMessage(`Asset Lineage: backfill ${result.title} failed on the webserver${result.remote?.error ? `: ${result.remote.error}` : result.remote?.problem ? `: ${result.remote.problem}` : ''}.`);
    return result;
  }

  /** Starts (or resumes) a backfill; resolves when it ends. */
  async start(record: BackfillRecord, folder: vscode.WorkspaceFolder | undefined): Promise<BackfillRecord> {
    this.load();
    if (!vscode.workspace.isTrusted) throw new Error('Restricted Mode: nothing is launched in an untrusted workspace. Trust the workspace to run backfills.');
    if (this.runners.has(record.id)) throw new Error(`backfill ${record.title} is already running`);
    const core = loadCore();
    const runner = new core.BackfillRunner(record, new TaskLauncher(folder), (next) => this.update(next));
    this.runners.set(record.id, runner);
    this.update(record);
    log.info(`backfill ${record.id} "${record.title}": ${record.runs.filter((r) => r.state === 'queued').length} runs to launch`);
    const progress = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Backfill ${record.title}`, cancellable: true },
      async (report, token) => {
        token.onCancellationRequested(() => runner.cancel());
        let done = 0;
        const subscription = this.onDidChange(() => {
          const current = runner.current;
          const finished = current.runs.filter((r) => r.state !== 'queued' && r.state !== 'running').length;
          if (finished > done) report.report({ increment: ((finished - done) / Math.max(1, current.runs.length)) * 100, message: `${finished} of ${current.runs.length} runs done` });
          done = finished;
        });
        try {
          return await runner.run();
        } finally {
          subscription.dispose();
          this.runners.delete(record.id);
        }
      },
    );
    const result = await progress;
    this.update(result);
    const failed = result.runs.filter((r) => r.state === 'failed').length;
    log.info(`backfill ${result.id} ended ${result.state}`);
    if (result.state === 'succeeded') void vscode.window.showInformationMessage(`Asset Lineage: backfill ${result.title} succeeded (${result.runs.length} runs).`);
    else if (result.state === 'failed') {
      void vscode.window.showWarningMessage(`Asset Lineage: backfill ${result.title} ended with ${failed} failed run${failed === 1 ? '' : 's'}.`, 'Retry Failed', 'Show Backfills').then((choice) => {
        if (choice === 'Retry Failed') void vscode.commands.executeCommand('assetLineage.retryBackfill', result.id);
        if (choice === 'Show Backfills') void vscode.commands.executeCommand('assetLineage.backfills.focus');
      });
    }
    return result;
  }

  async retry(id: string, folder: vscode.WorkspaceFolder | undefined): Promise<BackfillRecord | undefined> {
    const record = this.get(id);
    if (!record) return undefined;
    return this.start(loadCore().retryFailed(record), folder);
  }

  /** Stops a local backfill's runs, or asks the webserver to cancel its backfill (it is followed until it says so). */
  async cancel(id: string): Promise<void> {
    this.runners.get(id)?.cancel();
    const follower = this.followers.get(id);
    const backfillId = this.get(id)?.remote?.backfillId;
    if (!follower || !backfillId) return;
    try {
      await loadCore().cancelBackfill(follower.connection, backfillId);
      log.info(`asked the webserver to cancel backfill ${backfillId}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`cancelling backfill ${backfillId} failed: ${message}`);
      void vscode.window.showErrorMessage(`Asset Lineage: could not cancel backfill ${backfillId}: ${message}`);
    }
  }

  private update(record: BackfillRecord): void {
    const at = this.backfills.findIndex((b) => b.id === record.id);
    const previous = at === -1 ? undefined : this.backfills[at];
    if (at === -1) this.backfills.push(record);
    else this.backfills[at] = record;
    // A backfill that starts or ends is saved and shown at once; steps in between within a moment.
    const settled = record.state !== 'running' || previous === undefined;
    if (settled) this.flush();
    else {
      this.saveTimer ??= setTimeout(() => this.flush(), 1000);
      this.fireTimer ??= setTimeout(() => {
        this.fireTimer = undefined;
        this.changed.fire();
      }, 150);
    }
    // A run that just succeeded wrote to the instance: read it again (coalesced).
    for (const run of record.runs) {
      const before = previous?.runs[run.index];
      if (run.state !== before?.state && (run.state === 'failed' || run.state === 'succeeded')) {
        log.info(`backfill ${record.id} run ${run.index + 1}: ${run.state}${run.exitCode !== null ? ` (exit code ${run.exitCode})` : ''}${run.message && run.message !== `exit code ${run.exitCode}` ? `: ${run.message}` : ''}`);
      }
    }
  }

  private flush(): void {
    clearTimeout(this.saveTimer);
    clearTimeout(this.fireTimer);
    this.saveTimer = undefined;
    this.fireTimer = undefined;
    this.save();
    this.changed.fire();
  }

  private save(): void {
    const file = this.file;
    if (!file || !this.writable) return;
    try {
      loadCore().saveHistory(file, this.backfills);
    } catch (error) {
      log.error(`saving the backfill history to ${file} failed`, error);
    }
  }

  override dispose(): void {
    for (const runner of this.runners.values()) runner.cancel();
    // A webserver's backfill goes on; only following it stops (the next window follows it again).
    for (const follower of this.followers.values()) follower.stop.abort();
    // What ran so far is kept; the next window reads these backfills back as interrupted.
    clearTimeout(this.saveTimer);
    clearTimeout(this.fireTimer);
    this.save();
    super.dispose();
  }
}
