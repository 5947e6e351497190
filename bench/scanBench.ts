/**
 * Scan benchmark (`npm run bench:scan`): the DESIGN.md budgets for scanning a 10,000-asset,
 * 2,000-file workspace.
 *
 *   baseline     read every .py file and tree-sitter-parse it, one thread, nothing else
 *   cold scan    new ScanSession(root).scan() from nothing (default worker count), ≤ 1.3 × baseline
 *   incremental  session.update([editedFile]) after a warm scan, ≤ 50 ms
 *   peak RSS     kernel maxRSS of the process (workers included) and sampled RSS
 *
 * Everything runs in one process, and baseline / cold-scan repetitions are interleaved (ABBA), so
 * the ratio is measured under the same machine noise; absolute times on a shared 2-core machine
 * matter less than the ratios. Medians are reported.
 *
 * Environment knobs: BENCH_REPS (default 7), BENCH_EDITS (default 12), BENCH_SEED, BENCH_KEEP=1
 * (reuse an existing generated workspace instead of rewriting it).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AssetGraph } from '../src/core/model/graph';
import { defaultWorkerCount } from '../src/core/scan/parsePool';
import { loadPythonParser } from '../src/core/scan/pythonParser';
import { ScanSession } from '../src/core/scan/scanner';
import { generateWorkspace, makeRng, type GeneratedWorkspace } from './generateWorkspace';
import { fmtMs, median } from './report';

// A full GC between repetitions keeps one run's garbage out of the next one's timing.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COLD_BUDGET_RATIO = 1.3;
const INCREMENTAL_BUDGET_MS = 50;
const MIN_ASSETS = 10_000;
const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 7));
const edits = Math.max(2, Number(process.env.BENCH_EDITS ?? 12));
const seed = Number(process.env.BENCH_SEED ?? 20250611);

const repoRoot = resolve(__dirname, '..');
const workspaceRoot = join(repoRoot, '.bench', 'scan-workspace');
const MiB = 1024 * 1024;

// ------------------------------------------------------------------------------------ helpers

const min = (xs: number[]): number => Math.min(...xs);

/** Peak RSS seen by a 10 ms sampler; blind while the main thread is busy, hence also the kernel's maxRSS. */
class RssSampler {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), 10);
  constructor() {
    this.timer.unref();
  }
  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  }
  reset(): void {
    this.peak = process.memoryUsage().rss;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

function listPythonFiles(root: string): string[] {
  const out: string[] = [];
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop() as string;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && entry.name.endsWith('.py')) out.push(path);
    }
  }
  return out.sort();
}

function realAssets(graph: AssetGraph): number {
  return graph.assets.filter((a) => a.kind !== 'stub').length;
}

function diagnosticSummary(graph: AssetGraph): string {
  const byCode = new Map<string, number>();
  for (const d of graph.diagnostics) byCode.set(`${d.severity}:${d.code}`, (byCode.get(`${d.severity}:${d.code}`) ?? 0) + 1);
  return [...byCode].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
}

// ------------------------------------------------------------------------------------ measurements

async function baseline(files: string[]): Promise<number> {
  const parser = await loadPythonParser();
  const t0 = performance.now();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const tree = parser.parse(text);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
    tree.delete();
  }
  return performance.now() - t0;
}

interface ColdRun {
  ms: number;
  graph: AssetGraph;
  rssAfter: number;
}

async function coldScan(): Promise<ColdRun> {
  const t0 = performance.now();
  const session = new ScanSession(workspaceRoot);
  const graph = await session.scan();
  const ms = performance.now() - t0;
  const rssAfter = process.memoryUsage().rss;
  await session.dispose();
  return { ms, graph, rssAfter };
}

function assertAssetCount(graph: AssetGraph, generated: GeneratedWorkspace, what: string): void {
  const found = realAssets(graph);
  if (found < MIN_ASSETS) {
    console.error(`\n✘ ${what}: the scan found ${found} assets (${graph.assets.length} with stubs); at least ${MIN_ASSETS} are required.`);
    console.error(`  generator wrote ${generated.expectedAssets}; diagnostics: ${diagnosticSummary(graph)}`);
    for (const d of graph.diagnostics.slice(0, 15)) console.error(`  ${d.severity} ${d.code} ${d.file}:${d.line} ${d.message}`);
    throw new Error(`asset count ${found} < ${MIN_ASSETS}`);
  }
}

// ------------------------------------------------------------------------------------ incremental edits

/** Inserts one statement after the first function's signature + docstring: a body-only change. */
function editBody(text: string, n: number): string {
  const match = /^def \w+\(.*\).*:\n {4}""".*"""\n/m.exec(text);
  if (!match) throw new Error('no top-level function with a one-line docstring to edit');
  const at = match.index + match[0].length;
  return `${text.slice(0, at)}    frame_revision_${n} = ${n} * 2  # edited by the benchmark\n${text.slice(at)}`;
}

/** Appends a new, unpartitioned asset: the graph gains exactly one node. */
function addAsset(text: string, n: number): string {
  return (
    `${text}\n\n@asset(description="Added by the incremental benchmark.")\n` +
    `def bench_added_${n}(context: AssetExecutionContext) -> pd.DataFrame:\n` +
    `    """Added by the incremental benchmark."""\n` +
    `    frame = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})\n` +
    `    context.log.info(f"{len(frame)} rows")\n` +
    `    return frame\n`
  );
}

interface EditRun {
  kind: 'body' | 'add';
  file: string;
  ms: number;
  assets: number;
}

// ------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const started = performance.now();
  const sampler = new RssSampler();
  console.log(`scan benchmark: node ${process.version}, ${cpus().length} cpus (availableParallelism ${availableParallelism()}), ` +
    `default parse workers ${defaultWorkerCount()}, ${reps} reps, seed ${seed}`);

  // ---- workspace
  const tGen = performance.now();
  let generated: GeneratedWorkspace;
  if (process.env.BENCH_KEEP === '1' && existsSync(join(workspaceRoot, 'bench-manifest.json'))) {
    generated = JSON.parse(readFileSync(join(workspaceRoot, 'bench-manifest.json'), 'utf8')) as GeneratedWorkspace;
  } else {
    generated = generateWorkspace(workspaceRoot, { seed });
    writeFileSync(join(workspaceRoot, 'bench-manifest.json'), JSON.stringify(generated));
  }
  const genMs = performance.now() - tGen;
  const files = listPythonFiles(workspaceRoot);
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  console.log(
    `workspace: ${relative(repoRoot, workspaceRoot)}: ${files.length} .py files (${generated.helperFiles} non-Dagster helpers), ` +
      `${(bytes / MiB).toFixed(1)} MiB, ${(bytes / files.length / 1024).toFixed(1)} KiB/file avg, ` +
      `${generated.expectedAssets} assets written, generated in ${fmtMs(genMs)}`,
  );

  // ---- warm-up: JIT, page cache, WASM compilation of the main-thread parser
  await loadPythonParser();
  await baseline(files);
  const warm = await coldScan();
  assertAssetCount(warm.graph, generated, 'warm-up scan');

  // ---- baseline vs cold scan, interleaved ABBA
  const baseTimes: number[] = [];
  const coldTimes: number[] = [];
  const pairRatios: number[] = [];
  let lastGraph = warm.graph;
  let peakRssAfterScan = warm.rssAfter;
  sampler.reset();
  for (let r = 0; r < reps; r++) {
    const order = r % 2 === 0 ? (['base', 'cold'] as const) : (['cold', 'base'] as const);
    let b = 0;
    let c = 0;
    for (const which of order) {
      gc();
      if (which === 'base') b = await baseline(files);
      else {
        const run = await coldScan();
        c = run.ms;
        lastGraph = run.graph;
        peakRssAfterScan = Math.max(peakRssAfterScan, run.rssAfter);
        assertAssetCount(run.graph, generated, `cold scan #${r + 1}`);
      }
    }
    baseTimes.push(b);
    coldTimes.push(c);
    pairRatios.push(c / b);
    console.log(`  rep ${r + 1}/${reps}: baseline ${fmtMs(b)}, cold scan ${fmtMs(c)}, ratio ${(c / b).toFixed(2)}`);
  }
  const coldPhasePeakSampled = sampler.peak;
  const assetsFound = realAssets(lastGraph);
  const stubs = lastGraph.assets.length - assetsFound;
  const baseMs = median(baseTimes);
  const coldMs = median(coldTimes);
  const ratio = coldMs / baseMs;
  const perFileParseMs = baseMs / files.length;

  // ---- incremental: one warm session, alternate body edits and added assets over different files
  gc();
  const session = new ScanSession(workspaceRoot);
  let graph = await session.scan();
  let assets = realAssets(graph);
  const rng = makeRng(seed ^ 0x5eed);
  const editFiles = rng.sample(generated.assetModules, edits + 2);
  const runs: EditRun[] = [];
  const originals = new Map<string, string>();
  for (let e = 0; e < edits + 2; e++) {
    const file = editFiles[e % editFiles.length] as string;
    const text = readFileSync(file, 'utf8');
    if (!originals.has(file)) originals.set(file, text);
    const kind: EditRun['kind'] = e % 2 === 0 ? 'body' : 'add';
    writeFileSync(file, kind === 'body' ? editBody(text, e) : addAsset(text, e));
    gc();
    const t0 = performance.now();
    graph = await session.update([file]);
    const ms = performance.now() - t0;
    const now = realAssets(graph);
    const expected = kind === 'add' ? assets + 1 : assets;
    if (now !== expected) {
      throw new Error(`incremental ${kind} edit of ${relative(workspaceRoot, file)}: ${now} assets after update, expected ${expected}`);
    }
    assets = now;
    if (e >= 2) runs.push({ kind, file, ms, assets: now }); // the first two are warm-up
  }
  // An update with nothing changed: the floor of update() (listing + prefilter + full evaluation).
  const noopTimes: number[] = [];
  for (let k = 0; k < 5; k++) {
    gc();
    const t0 = performance.now();
    await session.update([editFiles[0] as string]);
    noopTimes.push(performance.now() - t0);
  }
  await session.dispose();
  for (const [file, text] of originals) writeFileSync(file, text);

  const incMs = median(runs.map((r) => r.ms));
  const incBody = median(runs.filter((r) => r.kind === 'body').map((r) => r.ms));
  const incAdd = median(runs.filter((r) => r.kind === 'add').map((r) => r.ms));
  const noopMs = median(noopTimes);
  sampler.sample();
  const maxRssMiB = process.resourceUsage().maxRSS / 1024; // KiB → MiB
  const sampledPeakMiB = Math.max(sampler.peak, coldPhasePeakSampled) / MiB;
  sampler.stop();

  // ---- report
  const coldPass = ratio <= COLD_BUDGET_RATIO;
  const incPass = incMs <= INCREMENTAL_BUDGET_MS;
  const rows: [string, string, string, string][] = [
    ['measure', 'median', 'budget', 'verdict'],
    ['baseline (read + parse, 1 thread)', `${fmtMs(baseMs)}  (min ${fmtMs(min(baseTimes))})`, '', ''],
    ['  per file', `${(perFileParseMs * 1000).toFixed(0)} µs`, '', ''],
    ['cold scan (ScanSession.scan)', `${fmtMs(coldMs)}  (min ${fmtMs(min(coldTimes))})`, '', ''],
    ['  assets found (stubs)', `${assetsFound} (${stubs})  written ${generated.expectedAssets}`, `≥ ${MIN_ASSETS}`, assetsFound >= MIN_ASSETS ? 'PASS' : 'FAIL'],
    ['cold / baseline', `${ratio.toFixed(2)}  (pairwise median ${median(pairRatios).toFixed(2)})`, `≤ ${COLD_BUDGET_RATIO}`, coldPass ? 'PASS' : 'OVER'],
    ['incremental update (1 file)', `${fmtMs(incMs)}  (${runs.length} edits)`, `≤ ${INCREMENTAL_BUDGET_MS} ms`, incPass ? 'PASS' : 'OVER'],
    ['  body edit / added asset', `${fmtMs(incBody)} / ${fmtMs(incAdd)}`, '', ''],
    ['  update with no change', fmtMs(noopMs), '', ''],
    ['  incremental / per-file parse', `${(incMs / perFileParseMs).toFixed(0)} ×`, '', ''],
    ['peak RSS (kernel maxRSS)', `${maxRssMiB.toFixed(0)} MiB`, '', ''],
    ['peak RSS (sampled / after scan)', `${sampledPeakMiB.toFixed(0)} MiB / ${(peakRssAfterScan / MiB).toFixed(0)} MiB`, '', ''],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i as 0].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  console.log('');
  console.log(line(rows[0] as string[]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`diagnostics of the scan: ${diagnosticSummary(lastGraph)}`);
  if (assetsFound !== generated.expectedAssets) {
    console.log(`WARN: the scan found ${assetsFound} assets but the generator wrote ${generated.expectedAssets}`);
  }
  const totalS = (performance.now() - started) / 1000;
  console.log(`total benchmark time ${totalS.toFixed(1)} s`);
  const json = {
    bench: 'scan',
    node: process.version,
    cpus: cpus().length,
    workers: defaultWorkerCount(),
    files: files.length,
    helperFiles: generated.helperFiles,
    bytes,
    assetsWritten: generated.expectedAssets,
    assetsFound,
    stubs,
    diagnostics: lastGraph.diagnostics.length,
    reps,
    baselineMs: +baseMs.toFixed(1),
    baselineRunsMs: baseTimes.map((x) => +x.toFixed(1)),
    coldScanMs: +coldMs.toFixed(1),
    coldScanRunsMs: coldTimes.map((x) => +x.toFixed(1)),
    coldRatio: +ratio.toFixed(3),
    coldRatioPairwiseMedian: +median(pairRatios).toFixed(3),
    coldBudget: COLD_BUDGET_RATIO,
    coldPass,
    incrementalMs: +incMs.toFixed(1),
    incrementalBodyMs: +incBody.toFixed(1),
    incrementalAddMs: +incAdd.toFixed(1),
    incrementalNoopMs: +noopMs.toFixed(1),
    incrementalRunsMs: runs.map((r) => +r.ms.toFixed(1)),
    incrementalBudgetMs: INCREMENTAL_BUDGET_MS,
    incrementalPass: incPass,
    perFileParseMs: +perFileParseMs.toFixed(3),
    incrementalOverPerFileParse: +(incMs / perFileParseMs).toFixed(1),
    maxRssMiB: +maxRssMiB.toFixed(0),
    sampledPeakRssMiB: +sampledPeakMiB.toFixed(0),
    totalSeconds: +totalS.toFixed(1),
  };
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
