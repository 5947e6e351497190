// Runs one suite with Node's own test runner. Node 20's `--test` takes no globs, so the files are
// listed here. Usage: node scripts/runTests.mjs unit|webview|e2e [filter-substring]
// unit: src/core and the CLI; webview: the built webview in real Chromium; e2e: a real VS Code.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const suites = { unit: 'test/unit', webview: 'test/webview', e2e: 'test/e2e' };
const [suite = 'unit', filter = ''] = process.argv.slice(2);
const dir = suites[suite];
if (!dir) {
  console.error(`unknown suite '${suite}'; one of: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

function collect(folder) {
  const files = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

const files = collect(dir).filter((f) => relative('.', f).includes(filter));
if (files.length === 0) {
  console.error(`no test files in ${dir} match '${filter}'`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
