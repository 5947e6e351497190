/**
 * Turns a stream of file-change events into few scans. Changes are collected per scope (a
 * workspace folder) until the workspace has been quiet for `quietMs` (or `maxWaitMs` passed since
 * the first unprocessed change, so a tool writing without pause still gets scanned). A scope with
 * more than `fullScanThreshold` changed paths (a branch switch) gets one full scan instead of an
 * update. Runs never overlap: changes arriving during a run wait for the next one.
 */

export interface RescanWork {
  scope: string;
  /** A full scan: requested, or too many changes for an update. */
  full: boolean;
  /** Changed paths, when not full. */
  paths: string[];
}

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface RescanQueueOptions {
  quietMs: number;
  maxWaitMs: number;
  fullScanThreshold: number;
  scheduler?: Scheduler;
  /** Called with what a run threw; the queue goes on. */
  onError?: (error: unknown) => void;
}

const realScheduler: Scheduler = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

interface Pending {
  full: boolean;
  paths: Set<string>;
}

export class RescanQueue {
  private pending = new Map<string, Pending>();
  private timer: unknown = undefined;
  private timerDue = 0;
  /** The pending timer serves a requested full scan: later changes must not postpone it. */
  private timerUrgent = false;
  private firstChangeAt: number | null = null;
  private running = false;
  private flushAfterRun = false;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly scheduler: Scheduler;

  constructor(
    private readonly run: (work: RescanWork[]) => Promise<void>,
    private readonly options: RescanQueueOptions,
  ) {
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** Changed paths of one scope; they are scanned once things are quiet. */
  add(scope: string, paths: Iterable<string>): void {
    if (this.disposed) return;
    const entry = this.entry(scope);
    if (!entry.full) {
      for (const path of paths) entry.paths.add(path);
      if (entry.paths.size > this.options.fullScanThreshold) {
        entry.full = true;
        entry.paths.clear();
      }
    }
    const now = this.scheduler.now();
    this.firstChangeAt ??= now;
    const deadline = this.firstChangeAt + this.options.maxWaitMs;
    this.schedule(Math.max(0, Math.min(now + this.options.quietMs, deadline) - now), false);
  }

  /**
   * A change only a full scan sees (a folder created, moved or deleted: the watcher reports the
   * folder, not the files in it). Debounced like `add`, so a burst still makes one scan.
   */
  addFull(scope: string): void {
    if (this.disposed) return;
    const entry = this.entry(scope);
    entry.full = true;
    entry.paths.clear();
    this.add(scope, []);
  }

  /** A full scan of the scope, as soon as the current run (if any) ends. */
  requestFull(scope: string): void {
    if (this.disposed) return;
    const entry = this.entry(scope);
    entry.full = true;
    entry.paths.clear();
    this.firstChangeAt ??= this.scheduler.now();
    this.schedule(0, true);
  }

  /** Forgets a scope (a folder removed from the workspace). */
  drop(scope: string): void {
    this.pending.delete(scope);
  }

  /** Resolves when nothing is pending or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  isIdle(): boolean {
    return !this.running && this.pending.size === 0;
  }

  dispose(): void {
    this.disposed = true;
    this.pending.clear();
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeIdle();
  }

  private entry(scope: string): Pending {
    let entry = this.pending.get(scope);
    if (!entry) this.pending.set(scope, (entry = { full: false, paths: new Set() }));
    return entry;
  }

  private schedule(delay: number, urgent: boolean): void {
    const due = this.scheduler.now() + delay;
    if (this.timer !== undefined) {
      // Debounce: a later change moves the timer back (never past the max-wait deadline, which
      // the delay already respects), except when a full scan is waiting on it.
      if (due === this.timerDue || (this.timerUrgent && !urgent)) return;
      this.scheduler.clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timerUrgent = urgent;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    if (this.disposed) return;
    if (this.running) {
      this.flushAfterRun = true;
      return;
    }
    if (this.pending.size === 0) {
      this.wakeIdle();
      return;
    }
    const work: RescanWork[] = [...this.pending].map(([scope, p]) => ({ scope, full: p.full, paths: p.full ? [] : [...p.paths] }));
    this.pending = new Map();
    this.firstChangeAt = null;
    this.running = true;
    try {
      await this.run(work);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.running = false;
    }
    // The timer fired during the run: flush now, unless newer changes armed it again (their
    // quiet period still runs).
    if (this.flushAfterRun) {
      this.flushAfterRun = false;
      if (this.timer === undefined) {
        await this.flush();
        return;
      }
    }
    if (this.pending.size === 0) this.wakeIdle();
  }

  private wakeIdle(): void {
    if (!this.isIdle() && !this.disposed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
