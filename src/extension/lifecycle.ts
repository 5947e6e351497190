import type * as vscode from 'vscode';
import { createLogger } from './log';

const log = createLogger('lifecycle');

/**
 * Owns subscriptions: everything passed to `register` is disposed with the owner, in reverse
 * order. Registering on an owner already disposed disposes the newcomer at once, so a late
 * callback cannot leak a listener.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) disposeQuietly(disposable);
    else this.owned.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.owned.length > 0) disposeQuietly(this.owned.pop() as vscode.Disposable);
  }
}

function disposeQuietly(disposable: vscode.Disposable): void {
  try {
    disposable.dispose();
  } catch (error) {
    // One failing dispose must not keep the others alive.
    log.error('dispose failed', error);
  }
}
