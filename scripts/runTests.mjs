// Runs test suites with Node's own test runner. Node 20's `--test` takes no globs, so the files are
// listed here.
// Usage: node scripts/runTests.mjs [unit|webview|e2e|all][,...] [filter-substring]
//   unit:    src/core and the CLI
//   webview: the built webview in real Chromium
//   e2e:     the packaged extension in a real VS Code (code-server) driven through Chromium
//   all:     the three in that order (`npm test`); every suite runs, the exit code says if any failed
// A suite whose folder holds no test files yet is reported and skipped.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireChromium } from './e2e/chromium.mjs';

/** @type {Record<string, {dir: string, browser: boolean, concurrency?: number, timeoutMs: number}>} */
const suites = {
  unit: { dir: 'test/unit', browser: false, timeoutMs: 15 * 60_000 },
  webview: { dir: 'test/webview', browser: true, timeoutMs: 15 * 60_000 },
  // One code-server and one browser at a time: parallel workbenches on a small CI machine make
  // timing-dependent failures, and the files share the code-server install.
  e2e: { dir: 'test/e2e', browser: true, concurrency: 1, timeoutMs: 25 * 60_000 },
};

const [which = 'unit', filter = ''] = process.argv.slice(2);
const names = which === 'all' ? Object.keys(suites) : which.split(',');
for (const name of names) {
  if (!suites[name]) {
    console.error(`unknown suite '${name}'; one of: ${Object.keys(suites).join(', ')}, all`);
    process.exit(2);
  }
}

/** @param {string} folder @returns {string[]} */
function collect(folder) {
  if (!existsSync(folder)) return [];
  /** @type {string[]} */
  const files = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

const plan = names.map((name) => {
  const suite = /** @type {(typeof suites)[string]} */ (suites[name]);
  const all = collect(suite.dir);
  return { name, suite, all, files: all.filter((f) => relative('.', f).includes(filter)) };
});
if (filter && plan.every((p) => p.files.length === 0)) {
  console.error(`no test files in ${plan.map((p) => p.suite.dir).join(', ')} match '${filter}'`);
  process.exit(1);
}

// Fail at once, before any suite runs, rather than hang or fail late when Chromium is missing.
if (plan.some((p) => p.suite.browser && p.files.length > 0)) {
  try {
    requireChromium();
  } catch (error) {
    console.error(`\n${/** @type {Error} */ (error).message}\n\nThe unit tests alone need no browser: npm run test:unit`);
    process.exit(1);
  }
}

/** @param {string[]} args @param {NodeJS.ProcessEnv} env @param {number} timeoutMs @returns {Promise<number>} */
function run(args, env, timeoutMs) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env, detached: true });
    const timer = setTimeout(() => {
      console.error(`\nthe suite ran longer than ${timeoutMs / 60_000} minutes; stopping it`);
      try {
        process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    const forward = () => child.kill('SIGINT');
    process.once('SIGINT', forward);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      done(code ?? (signal ? 1 : 0));
    });
  });
}

/** @type {{name: string, result: string, seconds: number}[]} */
const summary = [];
for (const { name, suite, all, files } of plan) {
  const started = Date.now();
  if (files.length === 0) {
    const why = all.length === 0 ? `no test files in ${suite.dir} yet` : `no files match '${filter}'`;
    console.log(`\n── ${name}: skipped (${why})`);
    summary.push({ name, result: 'skipped', seconds: 0 });
    continue;
  }
  console.log(`\n── ${name}: ${files.length} file(s)`);
  const env = { ...process.env };
  if (name === 'e2e') {
    // Install code-server (first run only) and package the extension once for every e2e file.
    try {
      const { ensureCodeServer, packageExtension, repoRoot } = await import('./e2e/codeServer.mjs');
      const log = (/** @type {string} */ message) => console.log(`[e2e] ${message}`);
      // Screenshots and logs of this run only.
      const output = join(repoRoot, 'test-output', 'e2e');
      if (existsSync(output)) {
        for (const name of readdirSync(output)) if (name.endsWith('.png') || name === 'logs') rmSync(join(output, name), { recursive: true, force: true });
      }
      await ensureCodeServer({ log });
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
      env.ASSET_LINEAGE_E2E_VSIX = await packageExtension({ log, outFile: join(repoRoot, 'test-output', 'e2e', `${manifest.name}-${manifest.version}.vsix`) });
    } catch (error) {
      console.error(`\ne2e: could not prepare VS Code (code-server):\n${/** @type {Error} */ (error).message}`);
      summary.push({ name, result: 'FAILED (setup)', seconds: Math.round((Date.now() - started) / 1000) });
      continue;
    }
  }
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec'];
  if (suite.concurrency) args.push(`--test-concurrency=${suite.concurrency}`);
  const code = await run([...args, ...files], env, suite.timeoutMs);
  summary.push({ name, result: code === 0 ? 'passed' : 'FAILED', seconds: Math.round((Date.now() - started) / 1000) });
}

if (summary.length > 1) {
  console.log('\n── summary');
  for (const { name, result, seconds } of summary) console.log(`  ${name.padEnd(8)} ${result}${seconds ? ` (${seconds} s)` : ''}`);
}
process.exit(summary.some((s) => s.result.startsWith('FAILED')) ? 1 : 0);
