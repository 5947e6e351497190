// Runs the in-extension-host suite (suite.ts) in the desktop VS Code (Electron) with
// @vscode/test-electron, which downloads VS Code into .vscode-test/ on first use, so it needs
// internet access. Machines without it run the same extension in a real VS Code through
// code-server instead: `npm run test:e2e`.
//
//   npm run test:electron                       # latest stable VS Code
//   VSCODE_VERSION=1.90.0 npm run test:electron # the oldest version package.json accepts
//   VSCODE_EXECUTABLE=/path/to/code npm run test:electron  # an installed VS Code, no download
// On Linux without a display: xvfb-run -a npm run test:electron
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  // The suite runs inside the extension host, which loads CommonJS: bundle it (vscode stays external).
  const suite = join(repoRoot, 'out', 'electron', 'suite.js');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'electron', 'suite.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: suite,
    logLevel: 'warning',
  });
  // A copy of the example, so the run never modifies the repository.
  const root = mkdtempSync(join(tmpdir(), 'asset-lineage-electron-'));
  const workspace = join(root, 'harbor');
  cpSync(join(repoRoot, 'examples', 'harbor'), workspace, { recursive: true });
  try {
    return await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        join(root, 'user-data'),
      ],
      extensionTestsEnv: { ASSET_LINEAGE_TEST_WORKSPACE: workspace },
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`test:electron failed: ${message}`);
    if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo|download/i.test(message)) {
      console.error(
        '@vscode/test-electron downloads VS Code from update.code.visualstudio.com, which is not reachable here.\n' +
          'Set VSCODE_EXECUTABLE to an installed VS Code, or run the code-server suite instead: npm run test:e2e',
      );
    }
    process.exit(1);
  },
);
