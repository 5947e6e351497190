import { resolve } from 'node:path';
import * as vscode from 'vscode';
import type { Step, StepLauncher } from '../../core/backfill/runner';
import { loadCore } from '../lazyCore';

/**
 * Each step of a backfill as a VS Code task with a process execution: the argv goes to the process
 * as it is (no shell parses it), the output shows in the integrated terminal, and the exit code
 * comes from `onDidEndTaskProcess`. Cancelling terminates the task.
 */
let launched = 0;

export class TaskLauncher implements StepLauncher {
  constructor(private readonly folder: vscode.WorkspaceFolder | undefined) {}

  async launch(step: Step, signal: AbortSignal): Promise<{ exitCode: number | null; message?: string }> {
    if (!vscode.workspace.isTrusted) return { exitCode: null, message: 'Restricted Mode: nothing is launched in an untrusted workspace' };
    const [program, ...args] = step.argv;
    if (!program) return { exitCode: null, message: 'empty command' };
    // Resolved here, on the PATH the editor runs with (its Python environment's, a fake's in tests).
    const executable = program.includes('/') || program.includes('\\') ? resolve(step.cwd, program) : loadCore().findExecutable(program, step.env['PATH'] ?? process.env['PATH']);
    if (!executable) {
      return {
        exitCode: null,
        message: `"${program}" was not found on PATH. Select the Python environment that has Dagster, or set assetLineage.backfill.dagsterCommand (e.g. ["uv", "run", "dagster"]).`,
      };
    }
    const execution = new vscode.ProcessExecution(executable, args, { cwd: step.cwd, env: { ...step.env } });
    // Events are matched by this id: a fast process can end before `executeTask` resolves.
    const id = `${process.pid}-${Date.now()}-${++launched}`;
    const task = new vscode.Task({ type: 'assetLineage', label: step.label, id }, this.folder ?? vscode.TaskScope.Workspace, step.label, 'Asset Lineage', execution, []);
    // One terminal for the backfill's runs (another opens only while it is busy), output kept.
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, panel: vscode.TaskPanelKind.Shared, clear: false, echo: true, showReuseMessage: false };
    return new Promise((resolve) => {
      let running: vscode.TaskExecution | undefined;
      let settled = false;
      const subscriptions: vscode.Disposable[] = [];
      const finish = (result: { exitCode: number | null; message?: string }): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        for (const s of subscriptions) s.dispose();
        resolve(result);
      };
      const onAbort = (): void => running?.terminate();
      subscriptions.push(
        vscode.tasks.onDidEndTaskProcess((event) => {
          if (event.execution.task.definition['id'] === id) finish({ exitCode: event.exitCode ?? null });
        }),
        // A task whose process never started (a program not found) ends without a process event.
        vscode.tasks.onDidEndTask((event) => {
          if (event.execution.task.definition['id'] === id) setTimeout(() => finish({ exitCode: null, message: `${program} did not start or ended without an exit code (is it installed in the selected environment?)` }), 500);
        }),
      );
      signal.addEventListener('abort', onAbort);
      vscode.tasks.executeTask(task).then(
        (execution) => {
          running = execution;
          if (signal.aborted) execution.terminate();
        },
        (error: unknown) => finish({ exitCode: null, message: `the task could not start: ${error instanceof Error ? error.message : String(error)}` }),
      );
    });
  }
}
