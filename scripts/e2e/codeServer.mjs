// A real VS Code for the e2e tests and `npm start`: code-server (the VS Code workbench and server,
// from npm) running on Node 24, with the extension packaged as a .vsix and installed the way users
// install it. Node 24 and code-server are installed once into a cache outside the repo, keyed by
// version, and reused afterwards:
//   ${ASSET_LINEAGE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/asset-lineage}/{node24,code-server-<version>}
// Each install goes into a temporary folder renamed into place when complete, under a lock, so an
// interrupted install is never mistaken for a finished one and parallel runs do not collide.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = 24;
/** Ports other tools on the team's machines use. */
const reservedPorts = new Set([8877, 8878, 8879]);

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** @typedef {(message: string) => void} Log */
/** @type {Log} */
const defaultLog = (message) => console.error(`[code-server] ${message}`);

export function cacheDir() {
  return process.env.ASSET_LINEAGE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'asset-lineage');
}

/** @param {number} ms */
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Runs a command with its output in a log file, printing a heartbeat while it runs and the end of
 * the log when it fails. Resolves to the exit code.
 * @param {string} command @param {string[]} args
 * @param {{cwd?: string, env?: NodeJS.ProcessEnv, logFile: string, log: Log, what: string, timeoutMs?: number}} options
 */
async function runLogged(command, args, { cwd, env, logFile, log, what, timeoutMs = 20 * 60_000 }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  writeFileSync(fd, `\n$ ${command} ${args.join(' ')}  (cwd ${cwd ?? process.cwd()})\n`);
  const started = Date.now();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd], detached: true });
  const heartbeat = setInterval(() => log(`  … ${what}: ${Math.round((Date.now() - started) / 1000)} s`), 20_000);
  const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
  const code = await new Promise((done) => {
    child.on('error', (error) => {
      writeFileSync(fd, `\n${error.stack ?? error}\n`);
      done(127);
    });
    child.on('exit', (status, signal) => done(status ?? (signal ? 128 : 1)));
  });
  clearInterval(heartbeat);
  clearTimeout(timer);
  // Helpers the command left behind in its group (esbuild's service, npm's children).
  killGroup(child.pid, 'SIGKILL');
  closeSync(fd);
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    log(`${what} failed (exit ${code}); the end of ${logFile}:\n${tail}`);
  } else {
    log(`  ${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  return code;
}

/** @param {number | undefined} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * The processes under `pid`, found through their parents: VS Code's server starts some helpers
 * (extension host, file watcher, terminals) outside its process group.
 * @param {number} pid @returns {number[]}
 */
function descendants(pid) {
  const listing = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout ?? '';
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const line of listing.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found = [];
  for (const queue = [pid]; queue.length > 0; ) {
    for (const child of children.get(/** @type {number} */ (queue.shift())) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding a lock folder in the cache; waits while another live process holds it and
 * takes over the lock of a process that died.
 * @template T @param {string} name @param {Log} log @param {() => Promise<T>} fn @returns {Promise<T>}
 */
async function withLock(name, log, fn) {
  const lock = join(cacheDir(), `${name}.lock`);
  mkdirSync(cacheDir(), { recursive: true });
  let waiting = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      const owner = Number(readFileSafe(join(lock, 'pid')));
      if (owner && alive(owner)) {
        if (!waiting) log(`waiting for another install (pid ${owner}) holding ${lock}`);
        waiting = true;
        await sleep(2000);
      } else {
        // A lock without a pid may be one being created this very moment; give it a moment.
        if (!owner) await sleep(1000);
        if (!Number(readFileSafe(join(lock, 'pid'))) || !alive(Number(readFileSafe(join(lock, 'pid'))))) rmSync(lock, { recursive: true, force: true });
      }
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** @param {string} path */
function readFileSafe(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The environment without what an enclosing `npm run` exported: npm passes its whole configuration
 * down as npm_config_* variables (its user agent naming the machine's Node, `nodedir`, `prefix`),
 * which an npm started from here would take as its own, so code-server's postinstall would see
 * Node 20. Only settings a user may have meant for every npm (cache, registry, proxies, TLS) stay.
 * @returns {NodeJS.ProcessEnv}
 */
function cleanEnv() {
  const keep = /^npm_config_(cache|registry|userconfig|globalconfig|cafile|ca|proxy|https_proxy|noproxy|strict_ssl|fetch_.*|@.*:registry)$/i;
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) && !keep.test(name)) continue;
    env[name] = value;
  }
  return env;
}

/** Fails with a clear message when the npm registry cannot be reached (first installs need it). */
/** @param {Log} log */
function requireRegistry(log) {
  const registry = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', env: cleanEnv() }).stdout?.trim() || 'the npm registry';
  log(`checking that ${registry} is reachable…`);
  const ping = spawnSync('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=30000'], { encoding: 'utf8', timeout: 60_000, env: cleanEnv() });
  if (ping.status !== 0) {
    const output = `${ping.stderr ?? ''}\n${ping.stdout ?? ''}`.split('\n').map((line) => line.trim());
    const reason =
      ping.error?.message ??
      (output.filter((line) => /^npm (error|ERR)/.test(line) && !/complete log of this run/.test(line)).slice(0, 3).join(' / ') || `exit ${ping.status}`);
    throw new Error(
      `Cannot reach ${registry} (npm ping: ${reason}).\n` +
        `Node ${NODE_MAJOR} and code-server ${CODE_SERVER_VERSION} are installed from it on first use into ${cacheDir()}.\n` +
        "Check the network and npm's registry/proxy settings, or set ASSET_LINEAGE_CACHE to a folder holding a prepared install.",
    );
  }
}

/** The Node binary inside an npm `node@<major>` install, if any. */
/** @param {string} prefix */
function nodeBinaryIn(prefix) {
  const dir = join(prefix, 'node_modules', 'node', 'node_modules');
  if (!existsSync(dir)) return null;
  for (const name of readdirSync(dir)) {
    const bin = join(dir, name, 'bin', 'node');
    if (name.startsWith('node-') && existsSync(bin)) return bin;
  }
  return null;
}

/** @param {string} bin */
function nodeVersion(bin) {
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

/**
 * Node 24 (code-server's runtime) from the npm package `node@24`, with its headers, which
 * code-server's native modules are built against.
 * @param {{log?: Log}} [options] @returns {Promise<{bin: string, home: string, version: string}>}
 */
export async function ensureNode({ log = defaultLog } = {}) {
  const prefix = join(cacheDir(), `node${NODE_MAJOR}`);
  const found = () => {
    const bin = nodeBinaryIn(prefix);
    const version = bin ? nodeVersion(bin) : '';
    return bin && version.startsWith(`v${NODE_MAJOR}.`) ? { bin, home: dirname(dirname(bin)), version } : null;
  };
  const ready = found();
  if (ready) return ready;
  return withLock(`node${NODE_MAJOR}`, log, async () => {
    const again = found();
    if (again) return again;
    log(`Node ${NODE_MAJOR} is not in ${prefix}; installing it from npm (node@${NODE_MAJOR}, about 60 MB)…`);
    requireRegistry(log);
    const tmp = `${prefix}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const code = await runLogged('npm', ['install', '--prefix', tmp, `node@${NODE_MAJOR}`, '--no-audit', '--no-fund'], {
      env: cleanEnv(),
      logFile: join(cacheDir(), 'install-node.log'),
      log,
      what: `npm install node@${NODE_MAJOR}`,
    });
    const bin = nodeBinaryIn(tmp);
    if (code !== 0 || !bin) {
      throw new Error(`Installing node@${NODE_MAJOR} into ${tmp} failed; see ${join(cacheDir(), 'install-node.log')}.`);
    }
    rmSync(prefix, { recursive: true, force: true });
    renameSync(tmp, prefix);
    const installed = found();
    if (!installed) throw new Error(`node@${NODE_MAJOR} installed into ${prefix} but its binary does not run.`);
    log(`Node ${installed.version} ready: ${installed.bin}`);
    return installed;
  });
}

/** A code-server package whose postinstall (VS Code's own dependencies and native modules) ran. */
/** @param {string} pkg */
function codeServerComplete(pkg) {
  const vscode = join(pkg, 'lib', 'vscode');
  /** @param {string} path */
  const linked = (path) => {
    try {
      return lstatSync(path).isSymbolicLink();
    } catch {
      return false;
    }
  };
  return (
    existsSync(join(pkg, 'out', 'node', 'entry.js')) &&
    existsSync(join(vscode, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node')) &&
    existsSync(join(vscode, 'extensions', 'node_modules')) &&
    linked(join(vscode, 'bin', 'remote-cli', 'code-server'))
  );
}

/** What code-server's native modules need to build; null when it is all there. */
function missingBuildDependencies() {
  const missing = [];
  for (const tool of ['make', 'g++', 'python3', 'pkg-config']) {
    if (!(process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, tool)))) missing.push(tool);
  }
  if (!missing.includes('pkg-config')) {
    /** @type {[string, string][]} */
    const libraries = [
      ['krb5-gssapi', 'libkrb5-dev'],
      ['libsecret-1', 'libsecret-1-dev'],
      ['x11', 'libx11-dev'],
      ['xkbfile', 'libxkbfile-dev'],
    ];
    for (const [lib, pkg] of libraries) {
      if (spawnSync('pkg-config', ['--exists', lib]).status !== 0) missing.push(pkg);
    }
  }
  return missing.length ? missing : null;
}

/**
 * code-server `CODE_SERVER_VERSION` built for Node 24. npm may skip its postinstall (install
 * scripts not allowed), so the postinstall runs here by hand when the package is incomplete.
 * @param {{log?: Log}} [options]
 * @returns {Promise<{node: {bin: string, home: string, version: string}, pkg: string, entry: string}>}
 */
export async function ensureCodeServer({ log = defaultLog } = {}) {
  const node = await ensureNode({ log });
  const prefix = join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  /** @param {string} dir */
  const pkgIn = (dir) => join(dir, 'node_modules', 'code-server');
  const result = () => ({ node, pkg: pkgIn(prefix), entry: join(pkgIn(prefix), 'out', 'node', 'entry.js') });
  if (codeServerComplete(pkgIn(prefix))) return result();
  return withLock(`code-server-${CODE_SERVER_VERSION}`, log, async () => {
    if (codeServerComplete(pkgIn(prefix))) return result();
    const missing = missingBuildDependencies();
    if (missing) {
      throw new Error(
        `code-server's native modules cannot be built: missing ${missing.join(', ')}.\n` +
          'On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y build-essential python3 ' +
          'pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev',
      );
    }
    log(`code-server ${CODE_SERVER_VERSION} is not in ${prefix}; installing it (about 620 MB, 3 to 5 minutes; once per machine)…`);
    requireRegistry(log);
    const tmp = `${prefix}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const logFile = join(cacheDir(), `install-code-server-${CODE_SERVER_VERSION}.log`);
    rmSync(logFile, { force: true });
    // Node 24 first on PATH: npm, node-gyp and code-server's scripts all run on it, and the native
    // modules are built against its headers rather than the machine's Node.
    const env = {
      ...cleanEnv(),
      PATH: `${join(node.home, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: node.home,
    };
    let code = await runLogged('npm', ['install', '--prefix', tmp, `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund'], {
      env,
      logFile,
      log,
      what: `npm install code-server@${CODE_SERVER_VERSION}`,
    });
    if (code !== 0) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed; see ${logFile}.`);
    if (!codeServerComplete(pkgIn(tmp))) {
      log('running code-server\'s postinstall (VS Code dependencies and native modules)…');
      const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8', env }).stdout.trim();
      // postinstall.sh reads the Node version from npm's user agent.
      code = await runLogged('sh', ['./postinstall.sh'], {
        cwd: pkgIn(tmp),
        env: { ...env, npm_config_user_agent: `npm/${npmVersion} node/${node.version} ${process.platform} ${process.arch} workspaces/false` },
        logFile,
        log,
        what: 'code-server postinstall',
      });
      if (code !== 0 || !codeServerComplete(pkgIn(tmp))) throw new Error(`code-server's postinstall failed; see ${logFile}.`);
    }
    rmSync(prefix, { recursive: true, force: true });
    renameSync(tmp, prefix);
    log(`code-server ${CODE_SERVER_VERSION} ready: ${pkgIn(prefix)}`);
    return result();
  });
}

/**
 * Builds the production bundles and packages the extension with vsce, in a staging folder so the
 * repository's own dist/ (a developer's watch build) is left alone.
 * @param {{outFile?: string, log?: Log}} [options] @returns {Promise<string>} the .vsix path
 */
export async function packageExtension({ outFile, log = defaultLog } = {}) {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const target = resolve(outFile ?? join(repoRoot, 'test-output', 'e2e', `${manifest.name}-${manifest.version}.vsix`));
  mkdirSync(dirname(target), { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'asset-lineage-vsix-'));
  const logFile = join(stage, 'package.log');
  try {
    for (const name of ['src', 'webview', 'node_modules']) {
      if (existsSync(join(repoRoot, name))) symlinkSync(join(repoRoot, name), join(stage, name));
    }
    for (const name of ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'media']) {
      if (existsSync(join(repoRoot, name))) cpSync(join(repoRoot, name), join(stage, name), { recursive: true });
    }
    const started = Date.now();
    let code = await runLogged(process.execPath, [join(repoRoot, 'esbuild.mjs'), '--production'], { cwd: stage, logFile, log, what: 'production build' });
    if (code !== 0) throw new Error(`the production build failed:\n${readFileSync(logFile, 'utf8')}`);
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    // Every bundle the build made must be in the package (.vscodeignore names them one by one).
    const listed = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: stage, encoding: 'utf8' });
    const packaged = new Set(listed.stdout.split('\n').map((line) => line.trim()));
    const left = readdirSync(join(stage, 'dist'))
      .filter((name) => !name.endsWith('.map'))
      .map((name) => `dist/${name}`)
      .filter((path) => !packaged.has(path));
    if (listed.status !== 0 || left.length > 0) {
      throw new Error(
        listed.status !== 0
          ? `vsce ls failed: ${listed.stderr}`
          : `the build made ${left.join(', ')} but .vscodeignore leaves it out of the package; add a "!" line for it`,
      );
    }
    code = await runLogged(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '-o', target], {
      cwd: stage,
      logFile,
      log,
      what: 'vsce package',
    });
    if (code !== 0) throw new Error(`vsce package failed:\n${readFileSync(logFile, 'utf8')}`);
    log(`packaged ${target} in ${Date.now() - started} ms`);
    return target;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (never one of the reserved ones). */
export async function freePort() {
  for (;;) {
    const port = await new Promise((done, fail) => {
      const server = createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port && !reservedPorts.has(port)) return port;
  }
}

/** User settings for a quiet, deterministic workbench. */
const testSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

/** @type {Set<number>} */
const running = new Set();
process.on('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

/**
 * @typedef {object} CodeServer
 * @property {string} url The workbench URL, with the workspace folder open.
 * @property {string} baseUrl
 * @property {number} port
 * @property {string} workspace
 * @property {string} userDataDir
 * @property {string} extensionsDir
 * @property {string} logFile The server's own output.
 * @property {Promise<number | null>} exit Settles when the server process exits.
 * @property {(options?: {saveLogsTo?: string}) => Promise<void>} stop Kills the server's process
 *   group and deletes its folders, first copying the logs to `saveLogsTo` when given.
 */

/**
 * Starts code-server with the packaged extension installed, on a free port of 127.0.0.1, with a
 * fresh user data and extensions folder.
 * @param {{workspace: string, vsix?: string, trustWorkspace?: boolean, port?: number,
 *   settings?: Record<string, unknown>, env?: NodeJS.ProcessEnv, log?: Log}} options
 *   trustWorkspace: true (default) passes --disable-workspace-trust; false leaves workspace trust
 *   on, so the trust prompt appears (the Restricted Mode tests).
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer({ workspace, vsix, trustWorkspace = true, port, settings = {}, env = {}, log = defaultLog }) {
  const { node, entry } = await ensureCodeServer({ log });
  const extension = vsix ?? (await packageExtension({ log }));
  const root = mkdtempSync(join(tmpdir(), 'asset-lineage-code-server-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const logFile = join(root, 'server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...testSettings, ...settings }, null, 2));

  const childEnv = cleanEnv();
  // A server started from a VS Code terminal must not talk to that VS Code.
  for (const name of Object.keys(childEnv)) if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') delete childEnv[name];
  Object.assign(childEnv, {
    PATH: `${join(node.home, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    ...env,
  });
  const common = ['--config', join(root, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  writeFileSync(join(root, 'config.yaml'), 'auth: none\ncert: false\n');

  const code = await runLogged(node.bin, [entry, ...common, '--install-extension', extension], {
    env: childEnv,
    logFile,
    log,
    what: 'install the extension',
    timeoutMs: 180_000,
  });
  if (code !== 0) throw new Error(`code-server --install-extension ${extension} failed; see ${logFile}`);

  const chosenPort = port ?? (await freePort());
  const args = [
    entry,
    ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${chosenPort}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(trustWorkspace ? ['--disable-workspace-trust'] : []),
    workspace,
  ];
  const out = openSync(logFile, 'a');
  const child = spawn(node.bin, args, { env: childEnv, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  const pid = /** @type {number} */ (child.pid);
  running.add(pid);
  let exited = false;
  /** @type {Promise<number | null>} */
  const exit = new Promise((done) =>
    child.on('exit', (status) => {
      exited = true;
      running.delete(pid);
      done(status);
    }),
  );

  const baseUrl = `http://127.0.0.1:${chosenPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited while starting:\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(pid, 'SIGKILL');
      throw new Error(`code-server did not answer on ${baseUrl} within 60 s; see ${logFile}`);
    }
    await sleep(250);
  }
  log(`code-server ${CODE_SERVER_VERSION} on ${baseUrl} (pid ${pid}) with ${workspace}`);

  /** @param {{saveLogsTo?: string}} [options] */
  const stop = async ({ saveLogsTo } = {}) => {
    const tree = descendants(pid);
    if (!exited) {
      killGroup(pid, 'SIGTERM');
      for (let waited = 0; !exited && waited < 5000; waited += 100) await sleep(100);
      if (!exited) killGroup(pid, 'SIGKILL');
      for (let waited = 0; !exited && waited < 5000; waited += 100) await sleep(100);
    }
    // What is left of the group, and the helpers that run outside it.
    killGroup(pid, 'SIGKILL');
    for (const helper of tree) if (alive(helper)) killGroup(helper, 'SIGKILL');
    if (saveLogsTo) {
      rmSync(saveLogsTo, { recursive: true, force: true });
      mkdirSync(saveLogsTo, { recursive: true });
      cpSync(logFile, join(saveLogsTo, 'server.log'));
      if (existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(saveLogsTo, 'logs'), { recursive: true });
    }
    rmSync(root, { recursive: true, force: true });
  };

  return {
    url: `${baseUrl}/?folder=${encodeURIComponent(workspace)}`,
    baseUrl,
    port: chosenPort,
    workspace,
    userDataDir,
    extensionsDir,
    logFile,
    exit,
    stop,
  };
}
