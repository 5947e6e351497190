import * as vscode from 'vscode';
import { statusWords, workspaceStatusLine, worstStatus } from '../core/view/stateSummary';
import { openAsset } from './commands';
import { setInstancePath } from './config';
import type { GraphPanelManager } from './graphPanel';
import { tokenKey, type InstanceMonitor, type InstanceView } from './instanceMonitor';
import { Disposable } from './lifecycle';
import { showErrorWithLog } from './log';
import type { WorkspaceScanner } from './workspaceScanner';

/**
 * The status bar item saying what the instance shows across the workspace ("Dagster: 2 stale ·
 * 1 failed"), and the commands around the instance: refresh, choose a folder, list what needs work.
 */
export class InstanceStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('assetLineage.instance', vscode.StatusBarAlignment.Left, 50));

  constructor(
    private readonly monitor: InstanceMonitor,
    scanner: WorkspaceScanner,
    panels: GraphPanelManager,
    secrets: vscode.SecretStorage,
  ) {
    super();
    this.item.name = 'Asset Lineage: Dagster instance';
    this.register(monitor.onDidChange((view) => this.show(view)));
    const commands = [
      vscode.commands.registerCommand('assetLineage.refreshState', async () => {
        const view = await monitor.refresh();
        if (view.kind === 'error') void showErrorWithLog(view.message);
        else if (view.kind === 'none') void vscode.window.showInformationMessage(`Asset Lineage: ${view.message}`, 'Choose Instance Folder…').then((pick) => pick && vscode.commands.executeCommand('assetLineage.chooseInstance'));
      }),
      vscode.commands.registerCommand('assetLineage.chooseInstance', async () => {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: 'Use as Dagster Instance',
          title: 'The Dagster instance folder (DAGSTER_HOME), holding history/runs/index.db',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        });
        const folder = picked?.[0];
        if (!folder) return;
        await setInstancePath(folder.fsPath);
        await monitor.refresh();
      }),
      vscode.commands.registerCommand('assetLineage.setDagsterPlusToken', async () => {
        const token = await vscode.window.showInputBox({
          title: 'Dagster+ user token',
          prompt: 'Kept in VS Code\'s secret storage and sent only to the URL in assetLineage.instance.graphqlUrl. Leave empty to remove it.',
          password: true,
          ignoreFocusOut: true,
        });
        if (token === undefined) return;
        if (token.trim() === '') await secrets.delete(tokenKey);
        else await secrets.store(tokenKey, token.trim());
        vscode.window.setStatusBarMessage(token.trim() ? 'Dagster+ token stored' : 'Dagster+ token removed', 3000);
      }),
      vscode.commands.registerCommand('assetLineage.showStaleAssets', async () => {
        const view = monitor.current;
        if (view.kind !== 'state') {
          void vscode.window.showInformationMessage(`Asset Lineage: ${view.message}`);
          return;
        }
        const rank = { failed: 0, stale: 1, impacted: 2, missing: 3, fresh: 4 } as const;
        const items = [...view.summaries]
          .filter(([, s]) => statusWords(s) !== '')
          .sort(([a, x], [b, y]) => rank[worstStatus(x)] - rank[worstStatus(y)] || (a < b ? -1 : 1))
          .map(([key, s]) => ({ label: key, description: statusWords(s), detail: s.details[0], key }));
        if (items.length === 0) {
          void vscode.window.showInformationMessage('Asset Lineage: no stale, failed or impacted partitions.');
          return;
        }
        const pick = await vscode.window.showQuickPick(items, { title: `Stale, failed and impacted assets (${view.source})`, matchOnDescription: true, matchOnDetail: true });
        if (!pick) return;
        panels.show(true).post({ type: 'view/focus', key: pick.key });
        const asset = scanner.index?.get(pick.key);
        if (asset) await openAsset(asset, panels.editorColumn);
      }),
    ];
    for (const command of commands) this.register(command);
    this.show(monitor.current);
  }

  private show(view: InstanceView): void {
    const item = this.item;
    switch (view.kind) {
      case 'state': {
        const line = workspaceStatusLine(view.summaries);
        const problems = line.assets.failed + line.assets.stale;
        item.text = `${problems ? '$(warning)' : '$(database)'} Dagster: ${line.text}`;
        item.tooltip = `${view.source}\nRead at ${view.readAt.toLocaleTimeString()}.\n${view.summaries.size} assets: ${line.text}.\nClick to list what needs re-materializing.`;
        item.command = 'assetLineage.showStaleAssets';
        item.backgroundColor = line.assets.failed ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
        item.show();
        return;
      }
      case 'error':
        item.text = '$(error) Dagster: unreadable';
        item.tooltip = `${view.message}\nClick to try again.`;
        item.command = 'assetLineage.refreshState';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.show();
        return;
      case 'none':
        item.text = '$(database) Dagster: no instance';
        item.tooltip = `${view.message}\nClick to choose the instance folder (DAGSTER_HOME).`;
        item.command = 'assetLineage.chooseInstance';
        item.backgroundColor = undefined;
        item.show();
        return;
    }
  }
}
