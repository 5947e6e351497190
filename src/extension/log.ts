import * as vscode from 'vscode';

/**
 * The one log of the extension: a `LogOutputChannel` (so the user's "Set Log Level" applies), used
 * through per-component loggers that prefix their lines, e.g. `[scan] …`.
 */
let channel: vscode.LogOutputChannel | undefined;

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** Logs the message and, for an Error, its stack. */
  error(message: string, error?: unknown): void;
}

/** Creates the channel; disposing the result closes it. Call once, from `activate`. */
export function initLog(): vscode.Disposable {
  channel = vscode.window.createOutputChannel('Asset Lineage', { log: true });
  const own = channel;
  return new vscode.Disposable(() => {
    own.dispose();
    if (channel === own) channel = undefined;
  });
}

export function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export function createLogger(component: string): Logger {
  const prefix = `[${component}] `;
  return {
    trace: (message) => channel?.trace(prefix + message),
    debug: (message) => channel?.debug(prefix + message),
    info: (message) => channel?.info(prefix + message),
    warn: (message) => channel?.warn(prefix + message),
    error: (message, error) => channel?.error(prefix + message + (error === undefined ? '' : `\n${formatError(error)}`)),
  };
}

export function showLog(): void {
  channel?.show(true);
}

/** An error message with a "Show Log" action; resolves once the user answered or dismissed it. */
export async function showErrorWithLog(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`Asset Lineage: ${message}`, 'Show Log');
  if (choice === 'Show Log') showLog();
}
