/**
 * The webview's way to get layouts: newest request wins, results are cached by graph, small graphs
 * are laid out right here and big ones in a worker so panning and input stay responsive.
 */
import { layoutGraph, layoutKey } from './layoutGraph';
import { LayoutReplyEnvelope, type LayoutRequest } from './layoutMessages';
import type { LayoutInput, LayoutResult } from './layoutTypes';

/** Below this many nodes a layout takes about a millisecond: not worth a round trip. */
const MAIN_THREAD_LIMIT = 50;
/** Results of big graphs hold megabytes; a few cover toggling between views. */
const CACHE_SIZE = 8;

/** A function type whose parameter is checked bivariantly, so a DOM `Worker` (MessageEvent) fits. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/**
 * What the client uses of a Worker. Structural, so this file also compiles (and is tested) without
 * DOM types; a DOM `Worker` satisfies it.
 */
export interface LayoutWorker {
  postMessage(message: unknown): void;
  onmessage: Handler<{ data: unknown }> | null;
  onerror?: Handler<{ message?: string }> | null;
  terminate(): void;
}

export type LayoutSupersededReason = 'superseded' | 'disposed';

/** The rejection of a request that a newer one replaced, or that `dispose()` cut off: not a failure. */
export class LayoutSuperseded extends Error {
  override readonly name = 'LayoutSuperseded';

  constructor(readonly reason: LayoutSupersededReason) {
    super(reason === 'superseded' ? 'a newer layout request replaced this one' : 'the layout client was disposed');
  }

  static is(error: unknown): error is LayoutSuperseded {
    return error instanceof LayoutSuperseded;
  }
}

interface Waiting {
  input: LayoutInput;
  key: string;
  resolve: (result: LayoutResult) => void;
  reject: (error: Error) => void;
}

export class LayoutClient {
  private worker: LayoutWorker | null = null;
  /** Set when the worker cannot be started or dies: from then on everything runs here. */
  private workerUnavailable = false;
  /** The request the worker is computing, if any. */
  private running: { requestId: number; key: string } | null = null;
  /** The one caller still waiting (there is at most one: newest wins). */
  private waiting: Waiting | null = null;
  private nextRequestId = 1;
  private readonly cache = new Map<string, LayoutResult>();
  private disposed = false;

  constructor(private readonly createWorker: () => LayoutWorker) {}

  layout(input: LayoutInput): Promise<LayoutResult> {
    if (this.disposed) return Promise.reject(new LayoutSuperseded('disposed'));
    this.settleWaiting(new LayoutSuperseded('superseded'));
    let key: string;
    try {
      key = layoutKey(input);
    } catch (error) {
      return Promise.reject(asError(error));
    }

    const cached = this.cache.get(key);
    if (cached) {
      this.remember(key, cached);
      this.stopRunning();
      return Promise.resolve(cached);
    }
    if (input.nodes.length < MAIN_THREAD_LIMIT || !this.ensureWorker()) {
      this.stopRunning();
      return this.layoutHere(input, key);
    }

    return new Promise<LayoutResult>((resolve, reject) => {
      this.waiting = { input, key, resolve, reject };
      // The worker may already be computing this very graph (asked again before it finished).
      if (this.running?.key === key) return;
      this.stopRunning();
      const worker = this.ensureWorker();
      if (!worker) {
        this.runWaitingHere();
        return;
      }
      const requestId = this.nextRequestId++;
      this.running = { requestId, key };
      const request: LayoutRequest = { type: 'layout', requestId, input };
      try {
        worker.postMessage(request);
      } catch {
        this.workerFailed();
      }
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.settleWaiting(new LayoutSuperseded('disposed'));
    this.worker?.terminate();
    this.worker = null;
    this.running = null;
    this.cache.clear();
  }

  private ensureWorker(): LayoutWorker | null {
    if (this.worker || this.workerUnavailable) return this.worker;
    try {
      const worker = this.createWorker();
      worker.onmessage = (event) => {
        if (this.worker === worker) this.onReply(event.data);
      };
      worker.onerror = () => {
        if (this.worker === worker) this.workerFailed();
      };
      this.worker = worker;
    } catch {
      // No worker (a CSP without `worker-src blob:`, a test without Worker): lay out here instead.
      this.workerUnavailable = true;
    }
    return this.worker;
  }

  private onReply(data: unknown): void {
    const parsed = LayoutReplyEnvelope.safeParse(data);
    if (!parsed.success || parsed.data.requestId !== this.running?.requestId) return;
    const { key } = this.running;
    this.running = null;
    const waiting = this.waiting?.key === key ? this.waiting : null;
    if (parsed.data.type === 'layout/result') {
      this.remember(key, parsed.data.result);
      if (waiting) {
        this.waiting = null;
        waiting.resolve(parsed.data.result);
      }
    } else if (waiting) {
      this.waiting = null;
      waiting.reject(new Error(`layout failed: ${parsed.data.message}`));
    }
  }

  /** The worker died or could not load its script: finish the waiting request here and stay here. */
  private workerFailed(): void {
    this.worker?.terminate();
    this.worker = null;
    this.running = null;
    this.workerUnavailable = true;
    this.runWaitingHere();
  }

  private runWaitingHere(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = null;
    this.layoutHere(waiting.input, waiting.key).then(waiting.resolve, waiting.reject);
  }

  private layoutHere(input: LayoutInput, key: string): Promise<LayoutResult> {
    try {
      const result = layoutGraph(input);
      this.remember(key, result);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /**
   * A run nobody waits for any more is stopped rather than left to delay the next one: on a big
   * graph it can take a second, and starting a fresh worker costs a few milliseconds.
   */
  private stopRunning(): void {
    if (!this.running) return;
    this.running = null;
    this.worker?.terminate();
    this.worker = null;
  }

  private settleWaiting(reason: LayoutSuperseded): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(reason);
  }

  /** Least recently used goes first. */
  private remember(key: string, result: LayoutResult): void {
    this.cache.delete(key);
    this.cache.set(key, result);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
