import { z } from 'zod';
import { runPartitionsText } from './commands';
import type { BackfillPlan } from './plan';

/**
 * Runs a backfill's runs as processes, and records what happened to each: a run starts once every
 * run it reads from has succeeded, at most `concurrency` at a time; a failed run is tried again
 * after a growing pause (`backoffMs`, doubled each time) up to `retries` times; after a failure the
 * backfill either stops starting runs or goes on with the runs that do not need the failed one.
 * Optional hooks run before the first run and after the last (the "after" hook only when every run
 * succeeded, e.g. to merge a data branch). The processes themselves belong to a `StepLauncher`: VS
 * Code tasks in the extension, a fake in tests.
 */

export type StepState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
export type BackfillState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

const stepStates = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;

const stepFields = {
  argv: z.array(z.string()).min(1),
  cwd: z.string(),
  env: z.record(z.string()),
  state: z.enum(stepStates),
  exitCode: z.number().int().nullable(),
  attempts: z.number().int().nonnegative(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Why it was skipped, cancelled or failed, in words. */
  message: z.string().nullable(),
};

export const runRecordSchema = z.object({
  index: z.number().int().nonnegative(),
  assets: z.array(z.array(z.string())),
  partitions: z.union([z.object({ kind: z.literal('key'), key: z.string() }), z.object({ kind: z.literal('range'), start: z.string(), end: z.string() }), z.null()]),
  size: z.number().int().nonnegative(),
  after: z.array(z.number().int().nonnegative()),
  ...stepFields,
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export const hookRecordSchema = z.object({ when: z.enum(['before', 'after']), ...stepFields });
export type HookRecord = z.infer<typeof hookRecordSchema>;

export const backfillOptionsSchema = z.object({
  concurrency: z.number().int().min(1),
  stopOnFailure: z.boolean(),
  retries: z.number().int().min(0),
  backoffMs: z.number().min(0),
});
export type BackfillOptions = z.infer<typeof backfillOptionsSchema>;

/** A backfill submitted to a webserver, as last read from it. */
export const remoteProgressSchema = z.object({
  /** The GraphQL endpoint it was submitted to, without credentials (a token is never stored). */
  url: z.string(),
  backfillId: z.string(),
  /** `BulkActionStatus` as the server wrote it. */
  status: z.string(),
  /** Asset partitions over every asset of the backfill. */
  targeted: z.number().int().nonnegative(),
  materialized: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  inProgress: z.number().int().nonnegative(),
  /** Runs the daemon has launched so far, as far as they were read (`backfillRunLimit` at most). */
  runs: z.number().int().nonnegative(),
  /** The backfill's own error (the daemon failed it). */
  error: z.string().nullable(),
  /** Why the last read failed, while it keeps trying. */
  problem: z.string().nullable(),
  readAt: z.number().nullable(),
});
export type RemoteProgress = z.infer<typeof remoteProgressSchema>;

export const backfillRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  title: z.string(),
  /** The workspace folder it was planned in. */
  folder: z.string(),
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  options: backfillOptionsSchema,
  summary: z.object({ assets: z.number().int(), partitions: z.number().int(), runs: z.number().int() }),
  runs: z.array(runRecordSchema),
  hooks: z.array(hookRecordSchema),
  /** Set when the backfill was submitted to a Dagster webserver, whose daemon runs it (no runs or hooks here). */
  remote: remoteProgressSchema.optional(),
});
export type BackfillRecord = z.infer<typeof backfillRecordSchema>;

/** What a launcher is asked to run: one process. */
export interface Step {
  /** Shown in the terminal's name and messages, e.g. "run 3/12 raw [2024-01-03]". */
  label: string;
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
}

export interface StepLauncher {
  /** Starts the process and resolves with its exit code (null: it was killed, or never started). */
  launch(step: Step, signal: AbortSignal): Promise<{ exitCode: number | null; message?: string }>;
}

export interface RunnerClock {
  now(): number;
  /** Resolves after `ms`, or early when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: RunnerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    }),
};

/** A new record for a plan (every run queued). `hooks` are argv arrays, run in the plan's first folder. */
/** What every new record starts with, local or submitted to a webserver. */
export function recordHead(fields: { id: string; title: string; folder: string; createdAt: number }): Pick<BackfillRecord, 'version' | 'id' | 'title' | 'folder' | 'createdAt' | 'endedAt' | 'state'> {
  return { version: 1, id: fields.id, title: fields.title, folder: fields.folder, createdAt: fields.createdAt, endedAt: null, state: 'running' };
}

export function newBackfillRecord(
  plan: BackfillPlan,
  fields: { id: string; title: string; folder: string; createdAt: number; env: Record<string, string>; options: BackfillOptions; hooks?: { before?: readonly string[] | null; after?: readonly string[] | null } },
): BackfillRecord {
  const blank = { state: 'queued' as const, exitCode: null, attempts: 0, startedAt: null, endedAt: null, message: null };
  const cwd = plan.runs[0]?.cwd ?? fields.folder;
  const hooks: HookRecord[] = [];
  if (fields.hooks?.before?.length) hooks.push({ when: 'before', argv: [...fields.hooks.before], cwd, env: fields.env, ...blank });
  if (fields.hooks?.after?.length) hooks.push({ when: 'after', argv: [...fields.hooks.after], cwd, env: fields.env, ...blank });
  return {
    ...recordHead(fields),
    options: fields.options,
    summary: { assets: plan.summary.assets, partitions: plan.summary.partitions, runs: plan.summary.runs },
    runs: plan.runs.map((run) => ({ index: run.index, assets: run.assets, partitions: run.partitions, size: run.size, after: run.after, argv: run.argv, cwd: run.cwd, env: fields.env, ...blank })),
    hooks,
  };
}

/** The same backfill with the runs that did not succeed queued again (and its hooks), for "Retry Failed". */
export function retryFailed(record: BackfillRecord): BackfillRecord {
  const again = (step: RunRecord | HookRecord): boolean => step.state !== 'succeeded';
  const reset = { state: 'queued' as const, exitCode: null, startedAt: null, endedAt: null, message: null };
  return {
    ...record,
    state: 'running',
    endedAt: null,
    runs: record.runs.map((run) => (again(run) ? { ...run, ...reset } : run)),
    // The before hook runs again only if it did not succeed; the after hook always waits for the runs.
    hooks: record.hooks.map((hook) => (hook.when === 'after' || again(hook) ? { ...hook, ...reset } : hook)),
  };
}

/**
 * A record read back after the window was reloaded while it ran: its processes are gone from our
 * view, so what was running is marked as unknown and the backfill as interrupted (Retry Failed
 * resumes it).
 */
export function interrupted(record: BackfillRecord, now: number): BackfillRecord {
  // A webserver's backfill goes on without us: it is followed again, not marked.
  if (record.state !== 'running' || record.remote) return record;
  const settle = <T extends RunRecord | HookRecord>(step: T): T =>
    step.state === 'running' ? { ...step, state: 'cancelled', endedAt: now, message: 'interrupted by a reload of the window; its outcome is not known' } : step;
  return { ...record, state: 'interrupted', endedAt: now, runs: record.runs.map(settle), hooks: record.hooks.map(settle) };
}

/** Runs the record's queued steps to the end; `onChange` gets each new version of the record. */
export class BackfillRunner {
  private record: BackfillRecord;
  private readonly abort = new AbortController();

  constructor(
    record: BackfillRecord,
    private readonly launcher: StepLauncher,
    private readonly onChange: (record: BackfillRecord) => void = () => undefined,
    private readonly clock: RunnerClock = systemClock,
  ) {
    this.record = record;
  }

  get current(): BackfillRecord {
    return this.record;
  }

  /** Stops starting runs and kills the ones running (their launcher sees the signal). */
  cancel(): void {
    this.abort.abort();
  }

  async run(): Promise<BackfillRecord> {
    const signal = this.abort.signal;
    const before = this.record.hooks.findIndex((h) => h.when === 'before' && h.state === 'queued');
    if (before !== -1) {
      const ok = await this.step({ kind: 'hook', at: before }, `before hook`, signal, 0);
      if (!ok) {
        const why = signal.aborted ? 'the backfill was cancelled' : 'not started: the before hook failed';
        this.finishQueued(signal.aborted ? 'cancelled' : 'skipped', why);
        const after = this.record.hooks.findIndex((h) => h.when === 'after' && h.state === 'queued');
        if (after !== -1) this.updateHook(after, { state: signal.aborted ? 'cancelled' : 'skipped', message: why });
        return this.finish();
      }
    }
    await this.runAll(signal);
    const after = this.record.hooks.findIndex((h) => h.when === 'after' && h.state === 'queued');
    if (after !== -1) {
      if (this.record.runs.every((r) => r.state === 'succeeded') && !signal.aborted) await this.step({ kind: 'hook', at: after }, 'after hook', signal, 0);
      else if (signal.aborted) this.updateHook(after, { state: 'cancelled', message: 'the backfill was cancelled' });
      else this.updateHook(after, { state: 'skipped', message: 'not run: not every run succeeded' });
    }
    return this.finish();
  }

  private async runAll(signal: AbortSignal): Promise<void> {
    const limit = this.record.options.concurrency;
    // Records are replaced on every change: read the runs afresh each time round.
    const runs = (): readonly RunRecord[] => this.record.runs;
    let stopped = false;
    const active = new Map<number, Promise<void>>();
    for (;;) {
      if (signal.aborted && !stopped) {
        stopped = true;
        this.finishQueued('cancelled', 'the backfill was cancelled');
      }
      // Runs whose inputs can no longer be produced are skipped, with the run that failed named.
      for (const run of runs()) {
        if (run.state !== 'queued') continue;
        const blocker = run.after.map((i) => runs()[i] as RunRecord).find((r) => r.state === 'failed' || r.state === 'cancelled' || r.state === 'skipped');
        if (blocker) this.updateRun(run.index, { state: 'skipped', message: `not started: it reads partitions of run ${blocker.index + 1}, which ${blocker.state === 'failed' ? 'failed' : `was ${blocker.state}`}` });
      }
      if (!stopped) {
        for (const run of runs()) {
          if (active.size >= limit) break;
          if (run.state !== 'queued' || active.has(run.index)) continue;
          if (!run.after.every((i) => (runs()[i] as RunRecord).state === 'succeeded')) continue;
          const started = this.step({ kind: 'run', at: run.index }, `run ${run.index + 1}/${runs().length}`, signal, this.record.options.retries).then((ok) => {
            active.delete(run.index);
            if (!ok && !signal.aborted && this.record.options.stopOnFailure && !stopped) {
              stopped = true;
              this.finishQueued('skipped', `not started: the backfill stopped after run ${run.index + 1} failed`);
            }
          });
          active.set(run.index, started);
        }
      }
      if (!active.size) break;
      await Promise.race(active.values());
    }
    // Anything still queued has a dependency that never ran (only possible after a stop).
    this.finishQueued(signal.aborted ? 'cancelled' : 'skipped', signal.aborted ? 'the backfill was cancelled' : 'not started');
  }

  /** Runs one step with its retries; true when it succeeded. */
  private async step(which: { kind: 'run' | 'hook'; at: number }, label: string, signal: AbortSignal, retries: number): Promise<boolean> {
    const get = (): RunRecord | HookRecord => (which.kind === 'run' ? this.record.runs[which.at] : this.record.hooks[which.at]) as RunRecord | HookRecord;
    const set = (fields: Partial<RunRecord & HookRecord>): void => (which.kind === 'run' ? this.updateRun(which.at, fields) : this.updateHook(which.at, fields));
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) {
        set({ state: 'cancelled', endedAt: this.clock.now(), message: 'the backfill was cancelled' });
        return false;
      }
      const step = get();
      set({ state: 'running', attempts: step.attempts + 1, startedAt: this.clock.now(), endedAt: null, exitCode: null, message: attempt ? `attempt ${attempt + 1} of ${retries + 1}` : null });
      const partitions = which.kind === 'run' ? runPartitionsText((step as RunRecord).partitions) : '';
      let result: { exitCode: number | null; message?: string };
      try {
        result = await this.launcher.launch({ label: `${label}${partitions ? ` [${partitions}]` : ''}`, argv: step.argv, cwd: step.cwd, env: step.env }, signal);
      } catch (error) {
        result = { exitCode: null, message: error instanceof Error ? error.message : String(error) };
      }
      const endedAt = this.clock.now();
      if (result.exitCode === 0) {
        set({ state: 'succeeded', exitCode: 0, endedAt, message: null });
        return true;
      }
      if (signal.aborted) {
        set({ state: 'cancelled', exitCode: result.exitCode, endedAt, message: 'the backfill was cancelled' });
        return false;
      }
      const why = result.message ?? (result.exitCode === null ? 'the process did not start or was killed' : `exit code ${result.exitCode}`);
      if (attempt >= retries) {
        set({ state: 'failed', exitCode: result.exitCode, endedAt, message: retries ? `${why} (after ${retries + 1} attempts)` : why });
        return false;
      }
      const pause = this.record.options.backoffMs * 2 ** attempt;
      set({ state: 'running', exitCode: result.exitCode, endedAt, message: `${why}; trying again in ${Math.round(pause / 1000)} s` });
      await this.clock.sleep(pause, signal);
    }
  }

  /** Settles every queued run at once (one new record, one change: a backfill may have thousands). */
  private finishQueued(state: 'skipped' | 'cancelled', message: string): void {
    if (!this.record.runs.some((run) => run.state === 'queued')) return;
    const endedAt = this.clock.now();
    this.record = { ...this.record, runs: this.record.runs.map((run) => (run.state === 'queued' ? { ...run, state, message, endedAt } : run)) };
    this.onChange(this.record);
  }

  private finish(): BackfillRecord {
    const { runs, hooks } = this.record;
    const steps = [...runs, ...hooks];
    const state: BackfillState = this.abort.signal.aborted ? 'cancelled' : steps.every((s) => s.state === 'succeeded') ? 'succeeded' : 'failed';
    this.record = { ...this.record, state, endedAt: this.clock.now() };
    this.onChange(this.record);
    return this.record;
  }

  private updateRun(index: number, fields: Partial<RunRecord>): void {
    const runs = this.record.runs.slice();
    runs[index] = { ...(runs[index] as RunRecord), ...fields };
    this.record = { ...this.record, runs };
    this.onChange(this.record);
  }

  private updateHook(index: number, fields: Partial<HookRecord>): void {
    const hooks = this.record.hooks.slice();
    hooks[index] = { ...(hooks[index] as HookRecord), ...fields };
    this.record = { ...this.record, hooks };
    this.onChange(this.record);
  }
}
