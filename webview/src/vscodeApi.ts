import type { GraphViewState, ToHost } from '../../src/protocol/graphProtocol';

/**
 * The part of VS Code's webview API this app uses. `main.ts` passes the real one from
 * `acquireVsCodeApi()` (which may be called only once per page); tests pass a recording fake.
 */
export interface VsCodeApi {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: GraphViewState): void;
}

/** Forwards webview problems to the extension's log, where users and bug reports can see them. */
export class HostLog {
  constructor(private readonly api: VsCodeApi) {}

  info(message: string): void {
    this.post('info', message);
  }

  warn(message: string): void {
    this.post('warn', message);
  }

  error(message: string, error?: unknown): void {
    this.post('error', error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  private post(level: 'info' | 'warn' | 'error', message: string): void {
    // Never more than a few KB: a log line that embeds a whole graph froze Bruin's webview (#796).
    this.api.postMessage({ type: 'log', level, message: message.length > 2000 ? `${message.slice(0, 2000)}…` : message });
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
