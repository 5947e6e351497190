/**
 * Phase breakdown of a cold scan, for finding where `ScanSession.scan()` spends its time beyond
 * parsing. It re-plays what the scanner does (listing, reading, prefilter, hashing, parse pool,
 * evaluation rounds) with the same building blocks, timing each step. Run after `npm run bench:scan`
 * has generated `.bench/scan-workspace`:
 *
 *   npx esbuild bench/scanPhases.ts --bundle --platform=node --format=cjs --outfile=dist/scanPhases.js \
 *     --alias:web-tree-sitter=./node_modules/web-tree-sitter/tree-sitter.cjs && node dist/scanPhases.js
 *
 * (Bundled into dist/ so the parse worker and the WASM files are found next to it.)
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deserialize, serialize } from 'node:v8';
import { GraphBuilder } from '../src/core/scan/buildGraph';

/** One full evaluation from nothing (a fresh builder), as the first build of a scan does. */
function buildGraph(files: WorkspaceFiles, moduleIR: (file: string) => ModuleIR | null, candidates: string[]) {
  return new GraphBuilder(files, moduleIR).build(new Set(), candidates);
}
import { defaultExcludedDirectories } from '../src/core/scan/diskFiles';
import type { ModuleIR } from '../src/core/scan/ir';
import { defaultWorkerCount, ParsePool } from '../src/core/scan/parsePool';
import { mightDefineAssets } from '../src/core/scan/prefilter';
import { loadPythonParser, parseToIR } from '../src/core/scan/pythonParser';
import { WorkspaceFiles } from '../src/core/scan/workspaceFiles';

/** PROFILE_EVAL=<file.cpuprofile>: also write a CPU profile of warm buildGraph calls. */
const profileEval = process.env.PROFILE_EVAL;
const root = process.argv[2] ? resolve(process.argv[2]) : join(resolve(__dirname, '..'), '.bench', 'scan-workspace');

function timed<T>(label: string, fn: () => T, rows: [string, number, string][], note = ''): T {
  const t0 = performance.now();
  const out = fn();
  rows.push([label, performance.now() - t0, note]);
  return out;
}

async function timedAsync<T>(label: string, fn: () => Promise<T>, rows: [string, number, string][], note = ''): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  rows.push([label, performance.now() - t0, note]);
  return out;
}

async function coldPhases(rows: [string, number, string][]): Promise<void> {
  const tAll = performance.now();
  const files = timed('list tree (WorkspaceFiles)', () => new WorkspaceFiles(root, defaultExcludedDirectories), rows);
  const python = files.pythonFiles();
  timed('read all .py buffers', () => python.forEach((f) => files.readBuffer(f)), rows, `${python.length} files`);
  const candidates = timed('prefilter', () => python.filter((f) => mightDefineAssets(files.readBuffer(f) as Buffer)), rows);
  rows[rows.length - 1]![2] = `${candidates.length} candidates`;
  const irCache = new Map<string, ModuleIR>();
  const prepare = (paths: string[]): { path: string; text: string }[] =>
    paths.map((path) => {
      const buffer = files.readBuffer(path) as Buffer;
      createHash('sha1').update(buffer).digest('hex');
      return { path, text: buffer.toString('utf8') };
    });
  const toParse = timed('sha1 + toString (candidates)', () => prepare(candidates), rows);
  const pool = new ParsePool(defaultWorkerCount());
  const parsed = await timedAsync('parse pool: workers start + parse + IR + transfer', () => pool.parse(toParse), rows, `${defaultWorkerCount()} workers`);
  for (const [p, ir] of parsed) irCache.set(p, ir);
  for (let round = 0; ; round++) {
    const { graph, missing } = timed(`buildGraph round ${round + 1}`, () => buildGraph(files, (f: string) => irCache.get(f) ?? null, candidates), rows);
    const parseable = [...missing].filter((f) => files.readBuffer(f) !== null && !irCache.has(f));
    rows[rows.length - 1]![2] = `${graph.assets.length} assets, ${graph.diagnostics.length} diagnostics, ${parseable.length} files missing`;
    if (parseable.length === 0 || round >= 8) break;
    const more = prepare(parseable);
    const bytes = more.reduce((n, f) => n + f.text.length, 0);
    const got = await timedAsync(`  parse missing (round ${round + 1})`, () => pool.parse(more), rows, `${more.length} files, ${(bytes / 1024).toFixed(0)} KiB${bytes < 256 * 1024 ? ' (inline, main thread)' : ''}`);
    for (const [p, ir] of got) irCache.set(p, ir);
  }
  rows.push(['total cold (re-played)', performance.now() - tAll, '']);

  // Same pool, warm workers: parse+IR+transfer without the worker start-up.
  await timedAsync('parse pool again (warm workers)', () => pool.parse(toParse), rows, 'start-up excluded');
  await pool.dispose();

  // The IR crosses threads by structured clone; v8.serialize is the same machinery.
  const all = [...irCache.values()];
  const blob = timed('v8.serialize all IR', () => serialize(all), rows);
  rows[rows.length - 1]![2] = `${(blob.length / 1024 / 1024).toFixed(1)} MiB`;
  timed('v8.deserialize all IR', () => deserialize(blob), rows);
  const json = JSON.stringify(all);
  rows.push(['IR size as JSON', 0, `${(json.length / 1024 / 1024).toFixed(1)} MiB for ${all.length} modules`]);

  const jsonParseT0 = performance.now();
  JSON.parse(json);
  rows.push(['JSON.parse of the same IR (alternative transfer)', performance.now() - jsonParseT0, '']);

  // Worker start-up: a small batch (over the inline threshold) on a fresh pool, then again warm.
  const small: { path: string; text: string }[] = [];
  for (const f of toParse) {
    if (small.reduce((n, x) => n + x.text.length, 0) > 300 * 1024) break;
    small.push(f);
  }
  const fresh = new ParsePool(defaultWorkerCount());
  await timedAsync('small batch, fresh pool (worker start-up + parse)', () => fresh.parse(small), rows, `${small.length} files`);
  await timedAsync('small batch, same pool again (parse only)', () => fresh.parse(small), rows, '');
  await fresh.dispose();

  // What-if: every file the evaluation needs is parsed in the first batch, then one evaluation.
  const needed = [...irCache.keys()];
  const tWhatIf = performance.now();
  const whatIfPool = new ParsePool(defaultWorkerCount());
  const all2 = await whatIfPool.parse(prepare(needed));
  buildGraph(files, (f: string) => all2.get(f) ?? null, candidates);
  rows.push(['what-if: needed files in one batch + 1 buildGraph', performance.now() - tWhatIf, `${needed.length} files (vs re-played total above)`]);
  await whatIfPool.dispose();

  // Warm evaluation only: the floor of every incremental update.
  const evalTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    buildGraph(files, (f: string) => irCache.get(f) ?? null, candidates);
    evalTimes.push(performance.now() - t0);
  }
  evalTimes.sort((a, b) => a - b);
  rows.push(['buildGraph, everything cached (median of 5)', evalTimes[2] as number, 'floor of update()']);
  if (profileEval && rows.length > 0) {
    // CPU profile of warm evaluation only (5 × buildGraph), for `node bench/cpuProfileTop.mjs`.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    for (let i = 0; i < 5; i++) buildGraph(files, (f: string) => irCache.get(f) ?? null, candidates);
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileEval, JSON.stringify(profile));
    session.disconnect();
    rows.push([`profile of 5 × buildGraph written to ${profileEval}`, 0, '']);
  }
  timed('selectCandidates equivalent (cached buffers)', () => files.pythonFiles().filter((f) => mightDefineAssets(files.readBuffer(f) as Buffer)), rows);
}

async function singleThread(rows: [string, number, string][]): Promise<void> {
  const files = new WorkspaceFiles(root, defaultExcludedDirectories);
  const texts = files.pythonFiles().map((f) => files.readText(f) as string);
  const parser = await loadPythonParser();
  for (const t of texts) parser.parse(t)?.delete(); // warm-up
  timed('1 thread: parse only (texts in memory)', () => texts.forEach((t) => parser.parse(t)?.delete()), rows, `${texts.length} files`);
  timed('1 thread: parse + extract IR (parseToIR)', () => texts.forEach((t) => parseToIR(parser, t)), rows);
}

async function main(): Promise<void> {
  const rows: [string, number, string][] = [];
  await coldPhases([]); // warm-up of JIT and page cache
  await coldPhases(rows);
  await singleThread(rows);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [label, ms, note] of rows) console.log(`${label.padEnd(w)}  ${ms ? `${ms.toFixed(1).padStart(8)} ms` : ''.padStart(11)}  ${note}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
