import * as vscode from 'vscode';
import { AssetLanguageFeatures } from './assetLanguage';
import { AssetsTreeView } from './assetsTree';
import { BackfillManager } from './backfill/backfillManager';
import { BackfillsTree } from './backfill/backfillsTree';
import { loadCore } from './lazyCore';
import { ImpactController } from './backfill/impactFlow';
import { CodeLensController } from './codeLens';
import { openAsset, registerCommands } from './commands';
import { DocumentAssets } from './documentAssets';
import { EditorTracker } from './editorTracker';
import { GraphPanelManager } from './graphPanel';
import { InstanceMonitor } from './instanceMonitor';
import { InstanceStatusBar } from './instanceStatusBar';
import { createLogger, initLog, showErrorWithLog } from './log';
import { ScanProblems } from './scanProblems';
import { WorkspaceScanner } from './workspaceScanner';

let scanner: WorkspaceScanner | undefined;

/**
 * Activation only wires things together: no file is read and the core (parser, scanner) is not
 * loaded. The first scan starts right after, in the background, and loads the core then.
 * Nothing here or later runs workspace code, so all of it works in Restricted Mode.
 */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(initLog());
  const log = createLogger('main');
  const started = performance.now();
  try {
    const workspace = new WorkspaceScanner();
    scanner = workspace;
    const documents = new DocumentAssets(workspace);
    const monitor = new InstanceMonitor(workspace, context.workspaceState, context.secrets);
    let tree: AssetsTreeView | undefined;
    let impacts: ImpactController | undefined;
    const panels = new GraphPanelManager(context.extensionUri, workspace, monitor, {
      openAsset: async (userKey) => {
        const asset = workspace.index?.get(userKey);
        if (asset) await openAsset(asset, panels.editorColumn);
        else void vscode.window.showWarningMessage(`Asset Lineage: "${userKey}" is not in the graph; rescan the workspace?`);
      },
      selectedInGraph: (userKey) => {
        if (userKey) tree?.reveal(userKey);
      },
      requestImpact: async (userKey) => {
        const asset = workspace.index?.get(userKey);
        if (asset) await impacts?.show(asset);
      },
      backfillImpact: async () => impacts?.backfill(),
      impactCleared: () => impacts?.cleared(),
    });
    tree = new AssetsTreeView(workspace, monitor);
    const backfills = new BackfillManager(context.storageUri, async (url) => {
      // Records keep the URL without credentials (displayUrl); the connection has them.
      const connection = await monitor.remoteConnection();
      return connection && loadCore().displayUrl(connection.url) === url ? connection : null;
    });
    impacts = new ImpactController(workspace, monitor, panels, { monitor, manager: backfills });
    const tracker = new EditorTracker(workspace, documents, panels);
    context.subscriptions.push(
      workspace,
      documents,
      monitor,
      panels,
      tree,
      tracker,
      new CodeLensController(workspace, documents, monitor),
      new AssetLanguageFeatures(workspace, documents, monitor),
      new InstanceStatusBar(monitor, workspace, panels, context.secrets),
      new ScanProblems(workspace),
      backfills,
      impacts,
      new BackfillsTree(backfills),
      ...registerCommands({ scanner: workspace, panels, tracker, monitor, backfills, impacts }),
    );
    log.info(`activated in ${Math.round(performance.now() - started)} ms${vscode.workspace.isTrusted ? '' : ' (Restricted Mode: the graph is read statically, nothing is run)'}`);
    // After activation returns, so start-up is not charged with loading the core.
    setTimeout(() => {
      workspace.start();
      // Backfills submitted to a webserver before a reload are followed again.
      backfills.restore();
    }, 0);
  } catch (error) {
    log.error('activation failed', error);
    void showErrorWithLog('the extension failed to start.');
    throw error;
  }
}

/**
 * VS Code calls this before disposing `context.subscriptions`: the scanner is closed here so the
 * returned promise can wait for its sessions' worker threads to end.
 */
export function deactivate(): Promise<void> | undefined {
  const closing = scanner;
  scanner = undefined;
  if (!closing) return undefined;
  closing.dispose();
  return closing.whenClosed();
}
