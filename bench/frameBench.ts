/**
 * Frame benchmark (`npm run bench:frames`): the DESIGN.md budget for panning and zooming the lineage
 * graph in the webview.
 *
 *   10,000 nodes drawn (never refused); pan and zoom frame time p95 ≤ 16 ms
 *
 * It reuses the webview test harness (test/webview/harness.ts: the real CSP, media/graph.css,
 * dist/webview.js and a recording fake of acquireVsCodeApi, in Debian Chromium via playwright-core)
 * and the generated layered graph (test/webview/graphBuilders.ts), loads 10,000 assets in 200
 * groups, clicks "Show all", and waits for `#app[data-state="ready"]`. Then, in the same page:
 *
 *   idle   a requestAnimationFrame loop records frame deltas with nothing happening (the baseline)
 *   pan    mouse drags on svg#graph (page.mouse down / paced moves / up) at the fitted view
 *   zoom   wheel notches in and out over the graph centre (page.mouse.wheel), crossing the
 *          far / tiny detail levels
 *   pan@1  (extra) the same drags zoomed in to scale ≈ 1, where labels are drawn
 *   zoom@1 (extra) wheel notches from scale ≈ 1, crossing the readable scale (SVG ↔ canvas)
 *
 * Frame time is the delta between consecutive rAF callbacks. Chromium paces rAF to vsync, so an
 * ideal frame is one vsync period (16.7 ms at 60 Hz), never less: the verdict therefore compares the
 * p95 both with the literal 16 ms and with "no dropped frames" (≤ idle p50 × 1.1). Per phase it also
 * records Chromium's Performance.getMetrics deltas (layouts, style recalcs, script, task time) and
 * long-animation-frame entries; finally a short traced pan (CDP Tracing) attributes frame time to
 * renderer main thread vs compositor vs raster.
 *
 * Headless Chromium here runs with --disable-gpu: everything, including rasterisation, is done in
 * software on the CPU, so numbers are pessimistic compared to VS Code on a machine with a GPU.
 *
 * Environment knobs: BENCH_PHASE_S (seconds per pan / zoom phase, default 5), BENCH_TRACE=0 skips the
 * traced pan, BENCH_GROUPS / BENCH_PER_GROUP (default 200 × 50), BENCH_LOAF=1 prints each phase's
 * long-animation-frame sums (script / style+layout / render).
 */
import assert from 'node:assert/strict';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

// The harness modules are loaded with require() rather than `import` on purpose: bench/** is part
// of tsconfig.core.json (Node only, no DOM), and the harness runs DOM callbacks in the page, so a
// static import would pull it into that program. Only the shapes used here are declared.
interface HarnessModule {
  startHarness(): Promise<{
    browser: {
      startTracing(page: Page, options: { categories: string[] }): Promise<void>;
      stopTracing(): Promise<Buffer>;
      version(): string;
    };
    open(options?: { theme?: string; width?: number; height?: number }): Promise<Page>;
    close(): Promise<void>;
  }>;
  showGraph(p: Page, graph: unknown, workspaceName?: string): Promise<void>;
  drawAfter(p: Page, action: () => Promise<unknown>, timeout?: number): Promise<void>;
  pageErrors(p: Page): string[];
  recorded(p: Page): Promise<{ workers: number; workerErrors: number; cspViolations: string[] }>;
}
interface BuildersModule {
  generatedGraph(groups?: number, perGroup?: number): { assets: unknown[] };
}
const testDir = join(__dirname, '..', 'test', 'webview');
const { startHarness, showGraph, drawAfter, pageErrors, recorded } = require(join(testDir, 'harness.ts')) as HarnessModule;
const { generatedGraph } = require(join(testDir, 'graphBuilders.ts')) as BuildersModule;

const BUDGET_MS = 16;
const phaseMs = Math.max(1, Number(process.env.BENCH_PHASE_S ?? 5)) * 1000;
const groups = Math.max(1, Number(process.env.BENCH_GROUPS ?? 200));
const perGroup = Math.max(1, Number(process.env.BENCH_PER_GROUP ?? 50));
const traceOn = process.env.BENCH_TRACE !== '0';
const LAYOUT_TIMEOUT_MS = 90_000;
const WIDTH = 1400;
const HEIGHT = 900;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const quantile = (sorted: number[], q: number): number => {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
};

interface Loaf {
  duration: number;
  blockingDuration: number;
  script: number;
  styleAndLayout: number;
  render: number;
}
interface PhaseResult {
  name: string;
  frames: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
  seconds: number;
  over16: number;
  inputs: number;
  metrics: Record<string, number>;
  loaf: { count: number; p95Duration: number; script: number; styleAndLayout: number; render: number };
  scale: number;
}

// In-page recorder: a rAF loop that stores frame deltas, and a long-animation-frame observer (frames
// whose main-thread work exceeds 50 ms, with a script / style+layout / render split). Strings, not
// functions: tsx would add helpers (__name) the page does not have.
const installRecorder = `(() => {
  if (window.__frameRec) return;
  const st = { running: false, deltas: [], loaf: [], last: 0, gen: 0 };
  st.start = () => {
    st.deltas = []; st.loaf = []; st.last = 0; st.running = true; const gen = ++st.gen;
    const tick = (now) => {
      if (!st.running || gen !== st.gen) return;
      if (st.last) st.deltas.push(now - st.last);
      st.last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  st.stop = () => { st.running = false; return { deltas: st.deltas, loaf: st.loaf }; };
  try {
    new PerformanceObserver((list) => {
      if (!st.running) return;
      for (const e of list.getEntries()) {
        const script = (e.scripts || []).reduce((s, x) => s + x.duration, 0);
        const end = e.startTime + e.duration;
        st.loaf.push({
          duration: e.duration,
          blockingDuration: e.blockingDuration || 0,
          script,
          styleAndLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
          render: e.renderStart ? (e.styleAndLayoutStart || end) - e.renderStart : 0,
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch (e) { st.noLoaf = String(e); }
  window.__frameRec = st;
})()`;

async function main(): Promise<void> {
  const wallStart = Date.now();
  const graph = generatedGraph(groups, perGroup);
  const total = graph.assets.length;
  const harness = await startHarness();
  try {
    const page = await harness.open({ theme: 'vscode-dark', width: WIDTH, height: HEIGHT });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> => {
      const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return Object.fromEntries(list.map((m) => [m.name, m.value]));
    };

    // 1. Load the graph (opens on collapsed groups), then "Show all" and time layout + drawing.
    await showGraph(page, graph, 'generated');
    const showAllText = (await page.locator('#show-all').textContent()) ?? '';
    const t0 = Date.now();
    await drawAfter(page, () => page.locator('#show-all').click(), LAYOUT_TIMEOUT_MS);
    const layoutSeconds = (Date.now() - t0) / 1000;
    // Far out, a large graph is drawn on the overview canvas (the SVG keeps only the tab stop); its
    // worker paints the first bitmap shortly after the layout is drawn.
    for (let waited = 0; waited < 30_000; waited += 50) {
      const paints = (await page.evaluate(`Number(document.querySelector('canvas.overview-canvas')?.getAttribute('data-paints'))`)) as number;
      if (paints > 0) break;
      await sleep(50);
    }
    const canvas = page.locator('canvas.overview-canvas');
    const canvasNodes = Number((await canvas.getAttribute('data-nodes')) ?? 0);
    const inWindow = Number((await canvas.getAttribute('data-nodes-drawn')) ?? 0);
    const svgNodes = await page.locator('g.node[data-key]').count();
    const nodesDrawn = Math.max(canvasNodes, svgNodes);
    const allNodes = await page.locator('g.node').count();
    const edgesDrawn = await page.locator('g.edge').count();
    const status = ((await page.locator('#status').textContent()) ?? '').trim();
    assert.equal(nodesDrawn, total, `all ${total} asset nodes drawn, never refused (status: "${status}")`);
    const rec0 = await recorded(page);
    assert.equal(rec0.workerErrors, 0, 'layout worker started under the CSP');

    const svg = await page.locator('svg#graph').boundingBox();
    assert.ok(svg, 'svg#graph is on screen');
    const cx = svg.x + svg.width / 2;
    const cy = svg.y + svg.height / 2;
    const scale = async (): Promise<number> =>
      page.evaluate(`(() => { const m = new DOMMatrix(getComputedStyle(document.querySelector('g.viewport')).transform); return m.a; })()`) as Promise<number>;

    // What-if experiments for the diagnosis (the renderer is not changed; the page is tweaked
    // through the CSSOM, which the style CSP allows): BENCH_WHATIF=will-change,no-hit,no-text-hit,drag-shield.
    const whatIf = (process.env.BENCH_WHATIF ?? '').split(',').filter(Boolean);
    if (whatIf.length > 0) {
      await page.evaluate(`(() => {
        const w = ${JSON.stringify(whatIf)};
        const vp = document.querySelector('g.viewport');
        if (w.includes('will-change')) vp.style.setProperty('will-change', 'transform');
        if (w.includes('no-hit')) vp.style.setProperty('pointer-events', 'none');
        if (w.includes('drag-shield')) {
          // A transparent HTML cover over the graph while the button is down: hover hit tests stop
          // at it instead of walking the SVG tree.
          const cover = document.createElement('div');
          for (const [k, v] of [['position', 'fixed'], ['inset', '0'], ['z-index', '2147483647'], ['display', 'none']]) cover.style.setProperty(k, v);
          document.body.append(cover);
          document.getElementById('graph').addEventListener('mousedown', () => cover.style.setProperty('display', 'block'), true);
          window.addEventListener('mouseup', () => cover.style.setProperty('display', 'none'), true);
        }
        if (w.includes('no-text-hit')) for (const t of document.querySelectorAll('g.viewport text')) t.style.setProperty('pointer-events', 'none');
      })()`);
    }
    await page.evaluate(installRecorder);
    await sleep(500); // let the post-draw work (minimap, state save) settle

    const runPhase = async (name: string, drive: (deadline: number) => Promise<number>, duration: number): Promise<PhaseResult> => {
      const k = await scale();
      const before = await metrics();
      await page.evaluate('window.__frameRec.start()');
      const start = Date.now();
      const inputs = await drive(start + duration);
      const raw = (await page.evaluate('window.__frameRec.stop()')) as { deltas: number[]; loaf: Loaf[] };
      const seconds = (Date.now() - start) / 1000;
      const after = await metrics();
      const d = (key: string): number => (after[key] ?? 0) - (before[key] ?? 0);
      const sorted = [...raw.deltas].sort((a, b) => a - b);
      const loafSorted = raw.loaf.map((l) => l.duration).sort((a, b) => a - b);
      const sum = (f: (l: Loaf) => number): number => raw.loaf.reduce((s, l) => s + f(l), 0);
      return {
        name,
        frames: sorted.length,
        p50: quantile(sorted, 0.5),
        p95: quantile(sorted, 0.95),
        max: sorted[sorted.length - 1] ?? NaN,
        mean: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
        seconds,
        over16: sorted.filter((x) => x > BUDGET_MS).length,
        inputs,
        metrics: {
          layouts: d('LayoutCount'),
          styleRecalcs: d('RecalcStyleCount'),
          layoutMs: d('LayoutDuration') * 1000,
          styleMs: d('RecalcStyleDuration') * 1000,
          scriptMs: d('ScriptDuration') * 1000,
          taskMs: d('TaskDuration') * 1000,
        },
        loaf: {
          count: raw.loaf.length,
          p95Duration: quantile(loafSorted, 0.95),
          script: sum((l) => l.script),
          styleAndLayout: sum((l) => l.styleAndLayout),
          render: sum((l) => l.render),
        },
        scale: k,
      };
    };

    // Drags across the middle of the graph, back and forth so the graph stays put, moving the
    // mouse at ~120 Hz like a real pointer (Chromium aligns the moves to frames).
    const pan = async (deadline: number): Promise<number> => {
      let moves = 0;
      const ends: [number, number][] = [
        [cx - 160, cy - 80],
        [cx + 160, cy + 80],
      ];
      let from = 0;
      const steps = 40;
      while (Date.now() < deadline) {
        const [x0, y0] = ends[from] as [number, number];
        const [x1, y1] = ends[1 - from] as [number, number];
        await page.mouse.move(x0, y0);
        await page.mouse.down();
        let next = Date.now();
        for (let i = 1; i <= steps && Date.now() < deadline; i++) {
          await page.mouse.move(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps);
          moves++;
          next += 8;
          await sleep(next - Date.now());
        }
        await page.mouse.up();
        from = 1 - from;
      }
      return moves;
    };

    // Wheel notches over the centre: in, then out, at ~60 notches/s (a fast scroll wheel or a
    // trackpad); each notch is ×1.15 with d3-zoom's default wheel delta.
    const NOTCHES = 20;
    const zoomInOut = async (deadline: number): Promise<number> => {
      let wheels = 0;
      await page.mouse.move(cx, cy);
      while (Date.now() < deadline) {
        for (const dy of [-100, 100]) {
          let next = Date.now();
          for (let i = 0; i < NOTCHES && (dy > 0 || Date.now() < deadline); i++) {
            await page.mouse.wheel(0, dy);
            wheels++;
            next += 16;
            await sleep(next - Date.now());
          }
        }
      }
      return wheels;
    };

    const idle = await runPhase('idle', async (deadline) => {
      await sleep(deadline - Date.now());
      return 0;
    }, Math.min(3000, phaseMs));
    const panFit = await runPhase('pan', pan, phaseMs);
    const zoom = await runPhase('zoom', zoomInOut, phaseMs);

    // Zoom in to about scale 1 around the centre (labels drawn), then pan there.
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 60 && (await scale()) < 0.9; i++) {
      await page.mouse.wheel(0, -100);
      await sleep(20);
    }
    await sleep(400);
    const panNear = await runPhase('pan@1', pan, Math.min(3000, phaseMs));
    // Zoom out from there and back, crossing the readable scale where the SVG hands over to the canvas.
    const zoomNear = await runPhase('zoom@1', zoomInOut, Math.min(3000, phaseMs));
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 60 && (await scale()) < 0.9; i++) {
      await page.mouse.wheel(0, -100);
      await sleep(20);
    }
    await sleep(400);

    // A short traced pan back at the fitted view: where does frame time go?
    let traceSummary: { rows: { thread: string; name: string; ms: number }[]; busy: { thread: string; ms: number }[]; seconds: number; frames: number } | undefined;
    let traceNear: typeof traceSummary;
    if (traceOn) {
      const traced = async (label: string): Promise<typeof traceSummary> => {
        const categories = [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'disabled-by-default-devtools.timeline.frame',
          'toplevel',
          'blink',
          'cc',
          'viz',
          'gpu',
          'benchmark',
        ];
        await harness.browser.startTracing(page, { categories });
        const started = Date.now();
        await page.evaluate('window.__frameRec.start()');
        await pan(started + 2000);
        const raw = (await page.evaluate('window.__frameRec.stop()')) as { deltas: number[] };
        const seconds = (Date.now() - started) / 1000;
        const buffer = await harness.browser.stopTracing();
        return { ...summariseTrace(buffer.toString('utf8')), seconds, frames: raw.deltas.length, label } as never;
      };
      traceNear = await traced('pan@1');
      // Back out to the fitted view for the second trace.
      await page.mouse.move(cx, cy);
      for (let i = 0; i < 80 && (await scale()) > panFit.scale * 1.05; i++) {
        await page.mouse.wheel(0, 100);
        await sleep(20);
      }
      await sleep(400);
      traceSummary = await traced('pan');
    }

    const errors = pageErrors(page);
    const rec = await recorded(page);
    const stillDrawn = Number((await page.locator('canvas.overview-canvas').getAttribute('data-nodes')) ?? 0);

    // ---- report ----
    const vsync = idle.p50;
    const noDropLimit = vsync * 1.1;
    const verdict = (r: PhaseResult): string =>
      r.p95 <= BUDGET_MS ? 'PASS' : r.p95 <= noDropLimit ? 'PASS (vsync-bound: no dropped frames)' : 'FAIL';
    const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
    const cpu = cpus();
    const lines: string[] = [];
    lines.push('');
    lines.push(`Asset Lineage frame benchmark — Chromium ${harness.browser.version()}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    lines.push('NOTE: headless Chromium here runs with --disable-gpu: compositing and rasterisation happen in software on the CPU, no GPU.');
    lines.push(`Viewport ${WIDTH}×${HEIGHT}, deviceScaleFactor 1. Frame time = delta between requestAnimationFrame callbacks (vsync-paced, ≥ ${f(vsync)} ms here).`);
    lines.push('');
    if (whatIf.length > 0) lines.push(`WHAT-IF RUN (page tweaked, not the shipped renderer): ${whatIf.join(', ')}`);
    lines.push(`  graph                     ${total.toLocaleString('en-US')} assets in ${groups} groups (button: "${showAllText.trim()}")`);
    lines.push(`  nodes drawn               ${nodesDrawn.toLocaleString('en-US')} asset nodes (canvas: ${canvasNodes.toLocaleString('en-US')} in the drawing, ${inWindow.toLocaleString('en-US')} in or near the window; SVG ${allNodes.toLocaleString('en-US')} g.node, ${edgesDrawn.toLocaleString('en-US')} g.edge) — never refused: ${nodesDrawn === total ? 'yes' : 'NO'}`);
    lines.push(`  layout + draw ("Show all" → ready)   ${f(layoutSeconds, 2)} s  (status: "${status}")`);
    lines.push('');
    const header = `  ${'phase'.padEnd(7)} ${'scale'.padStart(6)} ${'frames'.padStart(6)} ${'inputs'.padStart(6)} ${'secs'.padStart(5)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'>16ms'.padStart(6)} ${'p95/idle'.padStart(8)}  verdict (p95 ≤ ${BUDGET_MS} ms)`;
    lines.push(header);
    lines.push('  ' + '-'.repeat(header.length - 2));
    for (const r of [idle, panFit, zoom, panNear, zoomNear]) {
      const pct = `${Math.round((100 * r.over16) / Math.max(1, r.frames))}%`;
      lines.push(
        `  ${r.name.padEnd(7)} ${f(r.scale, 3).padStart(6)} ${String(r.frames).padStart(6)} ${String(r.inputs).padStart(6)} ${f(r.seconds).padStart(5)} ${f(r.p50).padStart(7)} ${f(r.p95).padStart(7)} ${f(r.max).padStart(7)} ${pct.padStart(6)} ${(r === idle ? '1.00×' : `${f(r.p95 / idle.p95, 2)}×`).padStart(8)}  ${r === idle ? 'baseline' : verdict(r)}`,
      );
    }
    lines.push('');
    lines.push(`  idle p95 ${f(idle.p95)} ms · pan p95 ${f(panFit.p95)} ms · zoom p95 ${f(zoom.p95)} ms · budget ${BUDGET_MS} ms (no-dropped-frame limit ${f(noDropLimit)} ms)`);
    lines.push('');
    lines.push('  Chromium Performance.getMetrics per phase (main thread):');
    lines.push(`  ${'phase'.padEnd(7)} ${'layouts'.padStart(8)} ${'layout ms'.padStart(10)} ${'recalcs'.padStart(8)} ${'style ms'.padStart(9)} ${'script ms'.padStart(10)} ${'task ms'.padStart(9)} ${'task/frame'.padStart(10)} ${'LoAF>50ms'.padStart(9)} ${'LoAF p95'.padStart(9)}`);
    for (const r of [idle, panFit, zoom, panNear, zoomNear]) {
      const m = r.metrics;
      lines.push(
        `  ${r.name.padEnd(7)} ${f(m.layouts ?? NaN, 0).padStart(8)} ${f(m.layoutMs ?? NaN).padStart(10)} ${f(m.styleRecalcs ?? NaN, 0).padStart(8)} ${f(m.styleMs ?? NaN).padStart(9)} ${f(m.scriptMs ?? NaN).padStart(10)} ${f(m.taskMs ?? NaN).padStart(9)} ${f((m.taskMs ?? NaN) / Math.max(1, r.frames)).padStart(10)} ${String(r.loaf.count).padStart(9)} ${f(r.loaf.p95Duration).padStart(9)}`,
      );
    }
    for (const [label, t] of [['pan@1', traceNear], ['pan (fitted)', traceSummary]] as const) {
      if (!t) continue;
      lines.push('');
      lines.push(`  Trace of a 2 s ${label} (${t.frames} frames, ${f(t.seconds)} s): busy time per thread, then time inside events (nested, not exclusive)`);
      lines.push(`    busy: ${t.busy.map((b) => `${b.thread} ${f(b.ms / Math.max(1, t.frames), 1)} ms/frame (${f((100 * b.ms) / (t.seconds * 1000), 0)}%)`).join(' · ')}`);
      const shown = [...t.rows.filter((r) => r.thread === 'CrRendererMain').slice(0, 12), ...t.rows.filter((r) => r.thread !== 'CrRendererMain').slice(0, 5)];
      for (const row of shown) {
        lines.push(`    ${row.thread.padEnd(26)} ${row.name.padEnd(34)} ${f(row.ms).padStart(8)} ms  ${f(row.ms / Math.max(1, t.frames), 2).padStart(7)} ms/frame`);
      }
    }
    lines.push('');
    if (errors.length > 0 || rec.cspViolations.length > 0) lines.push(`  page errors: ${JSON.stringify(errors)}  CSP violations: ${JSON.stringify(rec.cspViolations)}`);
    lines.push(`  bench wall time ${f((Date.now() - wallStart) / 1000)} s`);
    console.log(lines.join('\n'));

    const json = {
      bench: 'frames',
      whatIf,
      chromium: harness.browser.version(),
      gpu: false,
      cpus: cpu.length,
      load: loadavg()[0],
      viewport: { width: WIDTH, height: HEIGHT },
      assets: total,
      groups,
      nodesDrawn,
      edgesDrawn,
      refused: nodesDrawn !== total,
      nodesAfterInteraction: stillDrawn,
      layoutSeconds: round(layoutSeconds, 3),
      budgetMs: BUDGET_MS,
      vsyncMs: round(vsync),
      phases: Object.fromEntries(
        [idle, panFit, zoom, panNear, zoomNear].map((r) => [
          r.name,
          { scale: round(r.scale, 4), frames: r.frames, inputs: r.inputs, p50: round(r.p50), p95: round(r.p95), max: round(r.max), over16: r.over16, ratioP95ToIdle: round(r.p95 / idle.p95, 3), metrics: mapRound(r.metrics), loafCount: r.loaf.count },
        ]),
      ),
      verdict: { pan: verdict(panFit), zoom: verdict(zoom), panNear: verdict(panNear), zoomNear: verdict(zoomNear) },
      pass: [panFit, zoom].every((r) => r.p95 <= BUDGET_MS),
      pageErrors: errors.length,
    };
    console.log(`BENCH_JSON ${JSON.stringify(json)}`);
    if (process.env.BENCH_LOAF) for (const r of [panFit, zoom, panNear, zoomNear]) console.log(r.name, JSON.stringify(r.loaf));
  } finally {
    await harness.close();
  }
}

function round(x: number, d = 2): number {
  const p = 10 ** d;
  return Number.isFinite(x) ? Math.round(x * p) / p : x;
}
function mapRound(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));
}

/**
 * Sums complete ('X') and begin/end ('B'/'E') trace events by thread and name, self time not
 * separated (nested events both count), so read rows as "time inside", not as shares of a whole.
 */
function summariseTrace(text: string): { rows: { thread: string; name: string; ms: number }[]; busy: { thread: string; ms: number }[] } {
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, String(e.args?.name ?? ''));
  const totals = new Map<string, number>();
  const open = new Map<string, TraceEvent[]>();
  const interesting = new Set([
    'CrRendererMain',
    'Compositor',
    'VizCompositorThread',
    'CrGpuMain',
  ]);
  const threadOf = (e: TraceEvent): string => {
    const name = threadNames.get(`${e.pid}:${e.tid}`) ?? '';
    return name.startsWith('CompositorTileWorker') ? 'CompositorTileWorker*' : name;
  };
  const add = (e: TraceEvent, us: number): void => {
    const thread = threadOf(e);
    if (!interesting.has(thread) && thread !== 'CompositorTileWorker*') return;
    const key = `${thread}\u0000${e.name}`;
    totals.set(key, (totals.get(key) ?? 0) + us / 1000);
  };
  for (const e of events) {
    if (e.ph === 'X' && typeof e.dur === 'number') add(e, e.dur);
    else if (e.ph === 'B') {
      const k = `${e.pid}:${e.tid}`;
      const stack = open.get(k) ?? [];
      stack.push(e);
      open.set(k, stack);
    } else if (e.ph === 'E') {
      const b = open.get(`${e.pid}:${e.tid}`)?.pop();
      if (b) add(b, e.ts - b.ts);
    }
  }
  // Busy time per thread: the top-level task wrapper events.
  const busy = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'ThreadPool_RunTask' && e.name !== 'TaskGraphRunner::RunTask') continue;
    const thread = threadOf(e);
    if (!interesting.has(thread) && thread !== 'CompositorTileWorker*') continue;
    busy.set(thread, (busy.get(thread) ?? 0) + e.dur / 1000);
  }
  // Keep the events that say something about a frame; drop generic wrappers.
  const skip = /^(ThreadControllerImpl::RunTask|ThreadPool_RunTask|RunTask|TaskGraphRunner::RunTask|SequenceManager|Receive mojo message|.*mojom.*|ScheduledAction::Execute|SimpleWatcher::OnHandleReady|MessageLoop|.*::RunTask)$/;
  const rows = [...totals.entries()]
    .map(([key, ms]) => {
      const [thread, name] = key.split('\u0000') as [string, string];
      return { thread, name, ms };
    })
    .filter((r) => !skip.test(r.name) && r.name !== 'LatencyInfo.Flow')
    .sort((a, b) => b.ms - a.ms);
  return { rows, busy: [...busy.entries()].map(([thread, ms]) => ({ thread, ms })).sort((a, b) => b.ms - a.ms) };
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: Record<string, unknown>;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
