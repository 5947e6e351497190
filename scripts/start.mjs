// `npm start`: builds, then opens VS Code on examples/harbor with the extension loaded.
//   - the desktop VS Code when `code` is on PATH (the extension loaded from this folder with
//     --extensionDevelopmentPath, so `npm run watch` rebuilds apply on a window reload);
//   - otherwise a real VS Code in the browser: code-server (installed into the cache on first run,
//     see scripts/e2e/codeServer.mjs) with the packaged extension, running until Ctrl-C.
// When stdin is not a terminal (CI, a pipe) nothing long-running starts unless asked: the graph of
// the example is printed instead.
//
// Options: --print-graph   print the example's graph summary and exit (as `npm run scan:example`)
//          --serve         start VS Code even when stdin is not a terminal
//          --code-server   use code-server even when the desktop `code` is available
//          --port N        the code-server port (default: a free one); it listens on 127.0.0.1
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageExtension, repoRoot, startCodeServer } from './e2e/codeServer.mjs';

const args = process.argv.slice(2);
const flag = (/** @type {string} */ name) => args.includes(name);
if (flag('--help') || flag('-h')) {
  console.log('usage: npm start [-- --print-graph | --serve | --code-server | --port N]');
  process.exit(0);
}
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : undefined;
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error('--port takes a port number');
  process.exit(2);
}

const example = join(repoRoot, 'examples', 'harbor');
/** @param {string} command @param {string[]} commandArgs */
function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ['scripts/ensureDeps.mjs']);
console.log('Building…');
run(process.execPath, ['esbuild.mjs']);

const printGraph = () => run(process.execPath, ['dist/cli.js', 'scan', example, '--format', 'text']);

if (flag('--print-graph')) {
  printGraph();
  process.exit(0);
}
if (!process.stdin.isTTY && !flag('--serve')) {
  printGraph();
  console.log(
    '\nstdin is not a terminal, so no editor was started. In a terminal, `npm start` opens VS Code on this example;\n' +
      '`npm start -- --serve` starts it from here too (code-server, until interrupted).',
  );
  process.exit(0);
}

/** The desktop VS Code CLI on PATH; not code-server's remote CLI, which a code-server terminal puts first. */
function desktopCode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = dir && join(dir, 'code');
    if (!candidate || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (/remote-cli|code-server/.test(real)) continue;
    return candidate;
  }
  return null;
}

const code = flag('--code-server') ? null : desktopCode();
if (code) {
  console.log(`Opening VS Code (${code}) on ${example} with the extension from ${repoRoot}`);
  run(code, ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, example]);
  console.log('Run "Asset Lineage: Show Lineage" from the command palette. `npm run watch` rebuilds; reload the window to pick it up.');
  process.exit(0);
}

console.log('No desktop VS Code (`code`) on PATH: starting VS Code in the browser (code-server).');
const log = (/** @type {string} */ message) => console.log(`  ${message}`);
const vsix = await packageExtension({ log, outFile: join(repoRoot, 'test-output', 'start', 'asset-lineage.vsix') });
const server = await startCodeServer({ workspace: example, vsix, port, log });
console.log(
  `\n  VS Code with Asset Lineage on examples/harbor:\n\n    ${server.url}\n\n` +
    '  Open it in a browser (on a remote machine, forward the port first), then run\n' +
    '  "Asset Lineage: Show Lineage" from the command palette (F1). Ctrl-C stops the server.\n',
);

let stopping = false;
const stop = async (/** @type {number} */ status) => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping code-server…');
  await server.stop();
  process.exit(status);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
const status = await server.exit;
if (!stopping) {
  const tail = readFileSync(server.logFile, 'utf8').split('\n').slice(-20).join('\n');
  console.error(`code-server exited (status ${status}); the end of its log:\n${tail}`);
  await stop(1);
}
