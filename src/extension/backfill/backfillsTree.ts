import * as vscode from 'vscode';
import type { BackfillRecord, HookRecord, RunRecord, StepState } from '../../core/backfill/runner';
import { escapeMarkdown } from '../../core/view/assetText';
import { backfillDescription, runLabel, stepDescription } from '../../core/view/backfillText';
import { loadCore } from '../lazyCore';
import { Disposable } from '../lifecycle';
import type { BackfillManager } from './backfillManager';

export const backfillsViewId = 'assetLineage.backfills';

/** The backfill a command is about: a tree node, or its id (a notification's button). */
export function backfillIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string') return (arg as { id: string }).id;
  return undefined;
}

type Node = { type: 'backfill'; id: string } | { type: 'run'; id: string; index: number } | { type: 'hook'; id: string; index: number };

const stateIcons: Record<StepState, [string, string | undefined]> = {
  queued: ['circle-large-outline', undefined],
  running: ['sync~spin', 'charts.blue'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
  skipped: ['debug-step-over', 'disabledForeground'],
};

const backfillIcons: Record<BackfillRecord['state'], [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'disabledForeground'],
  interrupted: ['debug-pause', 'editorWarning.foreground'],
};

const icon = ([id, color]: [string, string | undefined]): vscode.ThemeIcon => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);

/** The "Backfills" view: each backfill with its progress, its runs (state, exit code, command) and hooks. */
export class BackfillsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly manager: BackfillManager) {
    super();
    this.register(manager.onDidChange(() => this.changed.fire(undefined)));
    this.register(vscode.window.createTreeView(backfillsViewId, { treeDataProvider: this, showCollapseAll: true }));
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.manager.list().map((b) => ({ type: 'backfill', id: b.id }));
    if (node.type !== 'backfill') return [];
    const record = this.manager.get(node.id);
    if (!record) return [];
    const hooks = (when: HookRecord['when']): Node[] => record.hooks.flatMap((h, index) => (h.when === when ? [{ type: 'hook' as const, id: record.id, index }] : []));
    return [...hooks('before'), ...record.runs.map((r) => ({ type: 'run' as const, id: record.id, index: r.index })), ...hooks('after')];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const record = this.manager.get(node.id);
    if (!record) return new vscode.TreeItem('(gone)');
    if (node.type === 'backfill') {
      const item = new vscode.TreeItem(record.title, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `backfill:${record.id}`;
      item.description = backfillDescription(record);
      item.iconPath = icon(backfillIcons[record.state]);
      const running = this.manager.isRunning(record.id);
      const retryable = !running && record.runs.some((r) => r.state !== 'succeeded');
      item.contextValue = running ? 'backfill-running' : retryable ? 'backfill-retryable' : 'backfill-done';
      const remote = record.remote;
      const where = remote
        ? `Submitted to ${escapeMarkdown(loadCore().displayUrl(remote.url))} as backfill \`${remote.backfillId}\`: ${escapeMarkdown(remote.status)}, ${remote.runs} runs launched by its daemon${remote.error ? `\n\nError: ${escapeMarkdown(remote.error)}` : ''}${remote.problem ? `\n\nLast read failed: ${escapeMarkdown(remote.problem)}` : ''}\n\n`
        : `${record.summary.runs} runs, `;
      item.tooltip = new vscode.MarkdownString(
        `**${escapeMarkdown(record.title)}**\n\n${where}${record.summary.assets} assets, ${record.summary.partitions} asset partitions\n\nStarted ${new Date(record.createdAt).toLocaleString()}${record.endedAt ? `, ended ${new Date(record.endedAt).toLocaleString()}` : ''}`,
      );
      if (remote) item.iconPath = icon(record.state === 'running' ? ['cloud-upload', 'charts.blue'] : backfillIcons[record.state]);
      return item;
    }
    const step: RunRecord | HookRecord | undefined = node.type === 'run' ? record.runs[node.index] : record.hooks[node.index];
    if (!step) return new vscode.TreeItem('(gone)');
    const label = node.type === 'run' ? runLabel(step as RunRecord) : `${(step as HookRecord).when} hook`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `backfill:${record.id}:${node.type}:${node.index}`;
    item.description = stepDescription(step);
    item.iconPath = icon(stateIcons[step.state]);
    item.contextValue = `backfill-${node.type}`;
    // The exact argv, one argument per line: what ran is never ambiguous.
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMarkdown(label)}** (${step.state}${step.exitCode !== null ? `, exit code ${step.exitCode}` : ''})\n\n`);
    if (step.message) md.appendText(`${step.message}\n\n`);
    md.appendCodeblock(step.argv.join('\n'), 'text');
    md.appendText(`in ${step.cwd}`);
    item.tooltip = md;
    return item;
  }
}
