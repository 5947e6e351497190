import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ModuleIR } from './ir';
import { loadPythonParser, parseToIR } from './pythonParser';

export interface ParseRequest {
  id: number;
  files: { path: string; text: string }[];
}

export type ParseReply = { id: number; results: { path: string; ir: ModuleIR }[]; done: boolean } | { id: number; error: string };

/** Below this many bytes a batch is parsed on the calling thread: a worker round trip costs more. */
const inlineThreshold = 256 * 1024;

/**
 * Parses Python files in `worker_threads`. Each worker loads its own WASM parser once and is reused
 * for every scan of the session. Batches are balanced by size.
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { onReply: (r: ParseReply) => void }>();

  constructor(private readonly size: number = defaultWorkerCount()) {}

  private workerScript(): { code: string; eval: boolean } | null {
    const built = join(__dirname, 'parseWorker.js');
    if (existsSync(built)) return { code: built, eval: false };
    // Unbundled sources (unit tests run through tsx): register tsx's require hook in the worker,
    // then load the TypeScript entry. `--import tsx` in execArgv does not reach worker threads on Node 20.
    const source = join(__dirname, 'parseWorker.ts');
    if (existsSync(source)) return { code: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
    return null;
  }

  private ensureWorkers(): boolean {
    if (this.workers.length > 0) return true;
    if (this.size <= 0) return false;
    const script = this.workerScript();
    if (!script) return false;
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(script.code, { eval: script.eval });
      worker.on('message', (reply: ParseReply) => {
        this.pending.get(reply.id)?.onReply(reply);
        if ('error' in reply || reply.done) this.pending.delete(reply.id);
        // Idle workers must not keep the process (CLI, tests) alive; busy ones must.
        if (this.pending.size === 0) this.workers.forEach((w) => w.unref());
      });
      worker.on('error', (error) => {
        for (const [id, waiter] of this.pending) waiter.onReply({ id, error: String(error) });
        this.pending.clear();
      });
      worker.unref();
      this.workers.push(worker);
    }
    return true;
  }

  async parse(files: { path: string; text: string }[]): Promise<Map<string, ModuleIR>> {
    const out = new Map<string, ModuleIR>();
    if (files.length === 0) return out;
    const totalBytes = files.reduce((n, f) => n + f.text.length, 0);
    if (totalBytes < inlineThreshold || !this.ensureWorkers()) {
      const parser = await loadPythonParser();
      for (const file of files) out.set(file.path, parseToIR(parser, file.text));
      return out;
    }
    // Largest first into the lightest batch: balanced work without knowing parse cost exactly.
    const batches = this.workers.map(() => ({ files: [] as { path: string; text: string }[], bytes: 0 }));
    for (const file of [...files].sort((a, b) => b.text.length - a.text.length)) {
      const lightest = batches.reduce((a, b) => (b.bytes < a.bytes ? b : a));
      lightest.files.push(file);
      lightest.bytes += file.text.length;
    }
    const errors: string[] = [];
    await Promise.all(
      batches.map((batch, i) => {
        if (batch.files.length === 0) return Promise.resolve();
        const id = this.nextId++;
        return new Promise<void>((resolve) => {
          this.pending.set(id, {
            onReply: (reply) => {
              if ('error' in reply) {
                errors.push(reply.error);
                resolve();
                return;
              }
              for (const result of reply.results) out.set(result.path, result.ir);
              if (reply.done) resolve();
            },
          });
          (this.workers[i] as Worker).ref();
          (this.workers[i] as Worker).postMessage({ id, files: batch.files } satisfies ParseRequest);
        });
      }),
    );
    if (errors.length) throw new Error(`parse worker failed: ${errors[0]}`);
    return out;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}
