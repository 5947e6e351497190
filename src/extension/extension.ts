import * as vscode from 'vscode';

/**
 * Activation only registers; the scanner loads on first use. The full editor integration (graph,
 * tree, CodeLens) builds on this entry point.
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
    const { scanPaths } = await import('../core/scan/scanner');
    const { formatGraph } = await import('../cli/formats');
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Asset Lineage: scanning' },
      async () => {
        const started = Date.now();
        const graph = await scanPaths(folders.map((f) => f.uri.fsPath));
        log.info(`scanned ${graph.assets.length} assets in ${Date.now() - started} ms`);
        log.info(formatGraph(graph, 'text'));
        log.show(true);
      },
    );
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('assetLineage.rescan', scanWorkspace),
    vscode.commands.registerCommand('assetLineage.showScanSummary', scanWorkspace),
  );
}

export function deactivate(): void {}
