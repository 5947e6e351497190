import * as vscode from 'vscode';
import { countLabel, kindLabels } from '../core/view/assetText';
import { decodeExport, exportFileName, type ExportFormat } from '../core/view/exportData';
import type { LocatedAsset, WorkspaceIndex } from '../core/view/workspaceIndex';
import type { ToWebview } from '../protocol/graphProtocol';
import { assetKeysOf, pickAsset } from './assetArgs';
import { backfillFlow } from './backfill/backfillFlow';
import type { BackfillManager } from './backfill/backfillManager';
import { backfillIdOf } from './backfill/backfillsTree';
import type { ImpactController } from './backfill/impactFlow';
import type { InstanceMonitor } from './instanceMonitor';
import type { EditorTracker } from './editorTracker';
import type { GraphPanelManager } from './graphPanel';
import { loadCore } from './lazyCore';
import { createLogger, formatError, showErrorWithLog, showLog } from './log';
import type { WorkspaceScanner } from './workspaceScanner';

const log = createLogger('commands');

export interface CommandDeps {
  scanner: WorkspaceScanner;
  panels: GraphPanelManager;
  tracker: EditorTracker;
  monitor: InstanceMonitor;
  backfills: BackfillManager;
  impacts: ImpactController;
}

/** Opens an asset's definition beside the graph; stubs have none, and the user is told why. */
export async function openAsset(asset: LocatedAsset, column: vscode.ViewColumn): Promise<void> {
  if (!asset.path) {
    const why =
      asset.node.kind === 'stub'
        ? 'Dagster adds it as an external asset because another asset depends on it, but no code in this workspace defines it.'
        : `It is a ${kindLabels[asset.node.kind]} without a source file.`;
    void vscode.window.showInformationMessage(`"${asset.userKey}" is not defined in this workspace. ${why}`);
    return;
  }
  const line = Math.max(0, asset.node.line - 1);
  const range = new vscode.Range(line, 0, line, 0);
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(asset.path), { viewColumn: column, selection: range, preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Every command of the manifest. Extension lifetime: the disposables go to `context.subscriptions`. */
export function registerCommands({ scanner, panels, tracker, monitor, backfills, impacts }: CommandDeps): vscode.Disposable[] {
  /** The index, waiting for the first scan when a command comes before it finished. */
  const index = async (): Promise<WorkspaceIndex | undefined> => {
    const ready = scanner.index ?? (await scanner.ready());
    if (!ready) void vscode.window.showInformationMessage('Asset Lineage: no Dagster assets found in this workspace yet.');
    return ready;
  };

  /** The asset a command is about: its argument (webview menu, tree, CodeLens), else the one at the cursor. */
  const targetAsset = async (arg: unknown, purpose: string): Promise<LocatedAsset | undefined> => {
    const idx = await index();
    if (!idx) return undefined;
    const keys = assetKeysOf(arg) ?? tracker.currentSite()?.items.map((a) => a.userKey);
    if (!keys || keys.length === 0) {
      void vscode.window.showInformationMessage('Asset Lineage: no asset is defined at the cursor.');
      return undefined;
    }
    const asset = await pickAsset(idx, keys, `Several assets are defined here: which one to ${purpose}?`);
    if (!asset && keys.length === 1) void vscode.window.showWarningMessage(`Asset Lineage: "${keys[0]}" is not in the graph; rescan the workspace?`);
    return asset;
  };

  const focus = async (arg: unknown, depths: Pick<Extract<ToWebview, { type: 'view/focus' }>, 'upstreamDepth' | 'downstreamDepth'>): Promise<void> => {
    const asset = await targetAsset(arg, 'show');
    if (!asset) return;
    panels.show().post({ type: 'view/focus', key: asset.userKey, ...depths });
  };

  const exportGraph = async (): Promise<void> => {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'SVG', description: 'vector image, for documents and slides', format: 'svg' as ExportFormat },
        { label: 'PNG', description: 'bitmap image of the current view', format: 'png' as ExportFormat },
      ],
      { placeHolder: 'Export the lineage graph as…' },
    );
    if (!choice) return;
    const { format } = choice;
    let data: string;
    try {
      const panel = panels.show(true);
      data = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Asset Lineage: exporting the graph as ${choice.label}…` }, () => panel.requestExport(format));
    } catch (error) {
      log.error('export failed', error);
      void showErrorWithLog(`the export failed: ${formatError(error).split('\n')[0]}`);
      return;
    }
    const decoded = decodeExport(format, data);
    if (!decoded.ok) {
      log.error(`export refused: ${decoded.reason}`);
      void showErrorWithLog(`the export failed: ${decoded.reason}`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = exportFileName(vscode.workspace.name ?? 'asset', format);
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: 'Export',
      title: 'Export Lineage Graph',
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, decoded.bytes);
      log.info(`exported the graph to ${target.toString()}`);
      void vscode.window.showInformationMessage(`Asset Lineage: exported the graph to ${vscode.workspace.asRelativePath(target)}.`);
    } catch (error) {
      log.error(`writing ${target.toString()} failed`, error);
      void showErrorWithLog(`could not write ${target.fsPath}: ${formatError(error).split('\n')[0]}`);
    }
  };

  const showScanSummary = async (): Promise<void> => {
    const idx = await scanner.ready();
    if (!idx || idx.folders.length === 0) {
      void vscode.window.showInformationMessage('Asset Lineage: open a folder with a Dagster project to scan it.');
      return;
    }
    const { formatGraph } = loadCore();
    for (const folder of idx.folders) log.info(`${folder.name}\n${formatGraph(folder.graph, 'text')}`);
    showLog();
  };

  const run = (name: string, handler: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(name, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        log.error(`${name} failed`, error);
        void showErrorWithLog(`${name.replace('assetLineage.', '')} failed: ${formatError(error).split('\n')[0]}`);
      }
    });

  return [
    run('assetLineage.showLineage', async (arg) => {
      // From the explorer: a Python file. Focus its first asset.
      if (arg instanceof vscode.Uri && arg.scheme === 'file') {
        const idx = await index();
        const first = idx?.assetsInFile(arg.fsPath)[0];
        const panel = panels.show();
        if (first) panel.post({ type: 'view/focus', key: first.userKey });
        return;
      }
      panels.show();
    }),
    run('assetLineage.showLineageForCurrentAsset', (arg) => focus(arg instanceof vscode.Uri ? undefined : arg, {})),
    run('assetLineage.rescan', async () => {
      const idx = await scanner.rescan();
      if (idx) vscode.window.setStatusBarMessage(`Asset Lineage: ${countLabel(idx.size, 'asset')}`, 4000);
    }),
    run('assetLineage.exportGraph', exportGraph),
    run('assetLineage.showScanSummary', showScanSummary),
    run('assetLineage.openDefinition', async (arg) => {
      const asset = await targetAsset(arg, 'open');
      if (asset) await openAsset(asset, panels.editorColumn);
    }),
    run('assetLineage.focusAsset', (arg) => focus(arg, {})),
    run('assetLineage.showUpstream', (arg) => focus(arg, { downstreamDepth: 0 })),
    run('assetLineage.showDownstream', (arg) => focus(arg, { upstreamDepth: 0 })),
    run('assetLineage.copyAssetKey', async (arg) => {
      const asset = await targetAsset(arg, 'copy');
      if (!asset) return;
      await vscode.env.clipboard.writeText(asset.userKey);
      vscode.window.setStatusBarMessage(`Copied ${asset.userKey}`, 3000);
    }),
    run('assetLineage.showFullGraph', () => panels.show().post({ type: 'view/showAll' })),
    ...(
      [
        ['assetLineage.backfill', 'pick'],
        ['assetLineage.backfillStaleDownstream', 'staleDownstream'],
        ['assetLineage.materialize', 'materialize'],
      ] as const
    ).map(([command, mode]) =>
      run(command, async (arg) => {
        const asset = await targetAsset(arg, mode === 'materialize' ? 'materialize' : 'backfill');
        if (asset) await backfillFlow({ monitor, manager: backfills }, asset, mode);
      }),
    ),
    run('assetLineage.showImpact', async (arg) => {
      const asset = await targetAsset(arg, 'show the impact of');
      if (asset) await impacts.show(asset);
    }),
    run('assetLineage.clearImpact', () => impacts.cleared()),
    run('assetLineage.retryBackfill', async (arg) => {
      const id = backfillIdOf(arg);
      const record = id ? backfills.get(id) : undefined;
      if (!record) return;
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Asset Lineage: Restricted Mode: nothing is launched in an untrusted workspace. Trust the workspace to retry the backfill.');
        return;
      }
      await backfills.retry(record.id, vscode.workspace.getWorkspaceFolder(vscode.Uri.file(record.folder)));
    }),
    run('assetLineage.cancelBackfill', (arg) => {
      const id = backfillIdOf(arg);
      if (id) void backfills.cancel(id);
    }),
  ];
}
