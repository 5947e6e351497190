import * as vscode from 'vscode';
import { affectsScan, scanSettings } from './config';
import { loadCore } from './lazyCore';

/**
 * Activation only registers; the core (parser, scanner) loads on first use from its own bundle.
 * The editor views (graph, tree, CodeLens) build on this entry point.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Asset Lineage', { log: true });
  context.subscriptions.push(log);

  const scanWorkspace = async (): Promise<void> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showInformationMessage('Asset Lineage: open a folder with a Dagster project to scan it.');
      return;
    }
    const { settings, problems } = scanSettings();
    problems.forEach((p) => log.warn(p));
    const { scanPaths, formatGraph } = loadCore();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Asset Lineage: scanning' }, async () => {
      const started = Date.now();
      try {
        const graph = await scanPaths(
          folders.map((f) => f.uri.fsPath),
          { workers: settings.workers === 0 ? undefined : settings.workers, excludedNames: new Set(settings.excludeFolders) },
        );
        log.info(`scanned ${graph.assets.length} assets in ${Date.now() - started} ms`);
        log.info(formatGraph(graph, 'text'));
        log.show(true);
      } catch (error) {
        log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        void vscode.window.showErrorMessage('Asset Lineage: the scan failed. See the "Asset Lineage" output for details.', 'Show Log').then((choice) => {
          if (choice) log.show();
        });
      }
    });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('assetLineage.rescan', scanWorkspace),
    vscode.commands.registerCommand('assetLineage.showScanSummary', scanWorkspace),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsScan(event)) log.info('scan settings changed; they apply to the next scan');
    }),
  );
}

export function deactivate(): void {}
