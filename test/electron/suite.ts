// Runs inside the VS Code extension host (loaded by @vscode/test-electron as --extensionTestsPath).
// No mocha: a few checks run in order; `run` rejects when any fails, which makes VS Code exit
// with a failure code.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'asset-lineage.asset-lineage';

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const checks: [string, () => Promise<void>][] = [
  [
    'the workspace is examples/harbor',
    async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      assert.equal(folders.length, 1);
      assert.equal(folders[0]?.uri.fsPath, process.env.ASSET_LINEAGE_TEST_WORKSPACE);
    },
  ],
  [
    'the extension activates on the workspace',
    async () => {
      const extension = vscode.extensions.getExtension(extensionId);
      assert.ok(extension, `${extensionId} is loaded`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  ],
  [
    'every command of the manifest is registered',
    async () => {
      const manifest = vscode.extensions.getExtension(extensionId)?.packageJSON as { contributes: { commands: { command: string }[] } };
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
      assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
    },
  ],
  [
    '"Show Lineage" opens the lineage graph panel',
    async () => {
      await vscode.commands.executeCommand('assetLineage.showLineage');
      const graphTab = (): boolean =>
        vscode.window.tabGroups.all.some((group) =>
          group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('assetLineage.graph')),
        );
      await until(graphTab, 30_000, 'a webview tab of type assetLineage.graph');
    },
  ],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, check] of checks) {
    const started = Date.now();
    try {
      await check();
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      console.error(`not ok - ${name}\n  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      failures.push(name);
    }
  }
  console.log(`${checks.length - failures.length}/${checks.length} passed`);
  if (failures.length > 0) throw new Error(`${failures.length} check(s) failed: ${failures.join('; ')}`);
}
