// Materialization status from the Dagster instance (`state/set`) on the graph: a strip per node,
// the worst status as a class, words in the tooltip and the spoken label, the toolbar's indicator,
// and never a new layout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { AssetStatus, ToWebview } from '../../src/protocol/graphProtocol';
import { generatedGraph, hostile } from './graphBuilders';
import { drawAfter, exportOnce, harbor, nodeKeys, pageErrors, posted, recorded, screenshot, send, showGraph, startHarness, userKey, type Harness } from './harness';

type InstanceState = NonNullable<Extract<ToWebview, { type: 'state/set' }>['state']>;

const status = (counts: Partial<AssetStatus>): AssetStatus => ({ fresh: 0, stale: 0, missing: 0, failed: 0, impacted: 0, codeChanged: false, details: [], ...counts });

/** Harbor assets in every status; the rest of the graph has no record. */
const assets: Record<string, AssetStatus> = {
  // Daily, one stale partition in four.
  'raw/voyages': status({ stale: 1, fresh: 3, details: ['Stale 2024-12-31: code version changed'] }),
  // Failed and stale: failed is the worse.
  'raw/port_calls': status({ failed: 1, stale: 2, fresh: 5, codeChanged: true, details: ['Failed 2024-12-31: the latest run failed after the latest materialization'] }),
  // Fresh partitions downstream of the failed one, and many never materialized.
  'analytics/congestion/idle_hours': status({ fresh: 31, impacted: 4, missing: 360 }),
  'raw/vessel_positions': status({ missing: 24 }),
  'marts/port_kpis': status({ fresh: 1 }),
  'stg_voyages': status({ stale: 1 }),
};

const instance = (changes: Record<string, AssetStatus> = {}, source = 'local instance examples/harbor/.dagster'): InstanceState => ({
  source,
  readAt: new Date().toISOString(),
  assets: { ...assets, ...changes },
});

interface Band {
  kind: string;
  x: number;
  width: number;
  y: number;
  height: number;
}

describe('materialization status on the graph', { timeout: 240_000 }, () => {
  let harness: Harness;
  let page: Page;
  /** The spoken label of raw/port_calls before any state arrived. */
  let plainLabel = '';
  const graph = harbor();
  const node = (key: string) => page.locator(`g.node[data-key="${key}"]`);

  /** Sends a state and waits until the app has taken it (the toolbar shows its source, or hides). */
  const sendState = async (p: Page, state: InstanceState | null): Promise<void> => {
    await send(p, { type: 'state/set', state });
    await p.waitForFunction(
      (source) => {
        const indicator = document.getElementById('instance-state');
        if (!indicator) return false;
        if (source === null) return indicator.classList.contains('hidden');
        return !indicator.classList.contains('hidden') && (indicator.textContent ?? '').includes(source);
      },
      state?.source ?? null,
    );
  };

  const bands = (key: string, p = page): Promise<Band[]> =>
    p.locator(`g.node[data-key="${key}"] g.node-strip rect.status-band`).evaluateAll((rects) =>
      rects.map((r) => ({
        kind: r.getAttribute('data-kind') ?? '',
        x: Number(r.getAttribute('x')),
        width: Number(r.getAttribute('width')),
        y: Number(r.getAttribute('y')),
        height: Number(r.getAttribute('height')),
      })),
    );

  const statusClasses = async (key: string): Promise<string[]> =>
    ((await node(key).getAttribute('class')) ?? '').split(/\s+/).filter((c) => c.startsWith('status-'));

  const transforms = (): Promise<Record<string, string>> =>
    page.locator('g.node').evaluateAll((nodes) =>
      Object.fromEntries(nodes.map((n) => [n.getAttribute('data-key') ?? n.getAttribute('data-collapsed-group') ?? '', n.getAttribute('transform') ?? ''])),
    );

  before(async () => {
    harness = await startHarness();
    page = await harness.open({ theme: 'vscode-dark' });
    await showGraph(page, graph);
    plainLabel = (await node('raw/port_calls').getAttribute('aria-label')) ?? '';
  });
  after(async () => {
    await harness?.close();
  });

  test('a stale asset gets the stale class and a strip split in proportion to its partitions', async () => {
    await sendState(page, instance());
    assert.deepEqual(await statusClasses('raw/voyages'), ['status-stale']);
    const strip = await bands('raw/voyages');
    assert.deepEqual(strip.map((b) => b.kind), ['stale', 'fresh']);
    const [stale, fresh] = strip as [Band, Band];
    const bodyWidth = Number(await node('raw/voyages').locator('rect.node-body').getAttribute('width'));
    // The bands fill the strip from inset to inset; one stale partition in four is a quarter of it.
    const left = stale.x;
    const right = fresh.x + fresh.width;
    assert.ok(left > 0 && Math.abs(bodyWidth - right - left) < 0.01, `the strip is centred in the body (${left}…${right} of ${bodyWidth})`);
    assert.ok(Math.abs((fresh.x - stale.x) / (right - left) - 0.25) < 0.005, 'stale takes a quarter');
    assert.ok(stale.width < fresh.x - stale.x, 'a gap separates the bands');
    assert.ok(Math.abs(stale.height - 4) < 0.01, 'a thin strip (4 px)');
    // Colours come from the theme's testing and warning colours.
    const fills = await node('raw/voyages').locator('rect.status-band').evaluateAll((rects) => rects.map((r) => getComputedStyle(r).fill));
    assert.deepEqual(fills, ['rgb(204, 167, 0)', 'rgb(115, 201, 145)'], 'editorWarning.foreground and testing.iconPassed (dark theme)');
    const border = await node('raw/voyages').locator('rect.node-body').evaluate((r) => getComputedStyle(r).stroke);
    assert.equal(border, 'rgb(204, 167, 0)', 'the border is tinted by the worst status');
  });

  test('the strip sits inside the body, under the meta line and the chip, without touching either', async () => {
    for (const key of ['raw/voyages', 'raw/port_calls', 'marts/port_kpis']) {
      // No named functions inside: the page has no `__name` helper for them.
      const geometry = await node(key).evaluate((g) => {
        const strip = [...g.querySelectorAll('rect.status-band')].map((r) => r.getBoundingClientRect());
        return {
          body: g.querySelector('rect.node-body')?.getBoundingClientRect() ?? null,
          meta: g.querySelector('text.node-meta')?.getBoundingClientRect() ?? null,
          chip: g.querySelector('g.node-chip.absent') ? null : (g.querySelector('rect.node-chip-bg')?.getBoundingClientRect() ?? null),
          top: Math.min(...strip.map((r) => r.top)),
          bottom: Math.max(...strip.map((r) => r.bottom)),
          left: Math.min(...strip.map((r) => r.left)),
          right: Math.max(...strip.map((r) => r.right)),
        };
      });
      assert.ok(geometry.body && geometry.meta);
      assert.ok(geometry.top >= geometry.meta.bottom - 0.5, `${key}: the strip (${geometry.top}) is below the meta text (${geometry.meta.bottom})`);
      if (geometry.chip) assert.ok(geometry.top >= geometry.chip.bottom, `${key}: and below the chip`);
      assert.ok(geometry.bottom < geometry.body.bottom && geometry.left > geometry.body.left && geometry.right < geometry.body.right, `${key}: inside the body`);
    }
  });

  test('"Stale only" shows just the assets with stale or impacted partitions, and all of them again when turned off', async () => {
    const p = await harness.open({ theme: 'vscode-dark' });
    await showGraph(p, graph);
    const button = p.locator('#stale-only');
    assert.equal(await button.isDisabled(), true, 'before any instance state there is nothing to filter by');
    await sendState(p, instance());
    assert.equal((await button.textContent())?.trim(), 'Stale only (4)');
    await drawAfter(p, () => button.click());
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    assert.deepEqual((await nodeKeys(p)).sort(), ['analytics/congestion/idle_hours', 'raw/port_calls', 'raw/voyages', 'stg_voyages']);
    assert.equal(await p.locator('#status').textContent(), '4 assets of 38 with stale or impacted partitions');
    await screenshot(p, 'stale-only-dark');
    // Nothing needs work any more: the view says so rather than showing an empty canvas.
    await send(p, { type: 'state/set', state: instance(Object.fromEntries(Object.keys(assets).map((k) => [k, status({ fresh: 1 })])), 'all fresh') });
    await p.waitForFunction(() => (document.getElementById('empty')?.textContent ?? '').includes('No asset has stale or impacted partitions'));
    await drawAfter(p, () => button.click());
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    assert.equal((await nodeKeys(p)).length, graph.assets.length);
  });

  test('failed wins over stale; impacted and missing get bands of their own, at least a few pixels wide', async () => {
    assert.deepEqual(await statusClasses('raw/port_calls'), ['status-failed']);
    assert.deepEqual((await bands('raw/port_calls')).map((b) => b.kind), ['failed', 'stale', 'fresh']);
    // 4 of 391 partitions are impacted: a sliver by proportion, but always visible.
    assert.deepEqual(await statusClasses('analytics/congestion/idle_hours'), ['status-impacted']);
    const idle = await bands('analytics/congestion/idle_hours');
    assert.deepEqual(idle.map((b) => b.kind), ['impacted', 'missing', 'fresh']);
    assert.ok((idle[0]?.width ?? 0) >= 3, 'the impacted band is at least 3 px wide');
    assert.ok((idle[1]?.width ?? 0) > 10 * (idle[2]?.width ?? 0), 'missing (360) dwarfs fresh (27)');
    assert.deepEqual(await statusClasses('raw/vessel_positions'), ['status-missing']);
    assert.deepEqual(await statusClasses('marts/port_kpis'), ['status-fresh']);
    // No record in the instance: no strip, no class.
    assert.deepEqual(await statusClasses('raw/berth_schedule'), []);
    assert.equal((await bands('raw/berth_schedule')).length, 0);
  });

  test('the tooltip and the spoken label say the status in words, with the causes and code changes', async () => {
    const title = (key: string) => node(key).locator(':scope > title').textContent();
    const portCalls = (await title('raw/port_calls')) ?? '';
    assert.match(portCalls, /^raw\/port_calls\n/, 'the usual tooltip comes first');
    assert.match(portCalls, /\nPartitions: 1 failed, 2 stale, 5 fresh\n/);
    assert.match(portCalls, /\nCode changed since the last materialization\n/);
    assert.match(portCalls, /\nFailed 2024-12-31: the latest run failed after the latest materialization$/);
    assert.match((await title('analytics/congestion/idle_hours')) ?? '', /\nPartitions: 360 missing, 31 fresh, 4 of them impacted \(downstream of stale or failed\)$/);
    assert.match((await title('stg_voyages')) ?? '', /\nStatus: stale$/, 'an unpartitioned asset has a status, not counts');
    assert.doesNotMatch((await title('raw/berth_schedule')) ?? '', /Status|Partitions:/);

    const aria = (await node('raw/port_calls').getAttribute('aria-label')) ?? '';
    assert.match(aria, /^asset raw\/port_calls, group ingestion, daily partitions, /);
    assert.match(aria, /; partitions: 1 failed, 2 stale, 5 fresh, code changed since the last materialization$/);
    assert.match((await node('marts/port_kpis').getAttribute('aria-label')) ?? '', /; status: fresh$/);

    assert.equal(await node('raw/port_calls').locator('circle.code-changed-marker').count(), 1, 'a marker for changed code');
    assert.equal(await node('raw/voyages').locator('circle.code-changed-marker').count(), 0);
    assert.equal(await page.locator('g.node.code-changed').count(), 1);
  });

  test('the toolbar names the source and the time of the read', async () => {
    const indicator = page.locator('#instance-state');
    assert.equal(await indicator.isVisible(), true);
    assert.match((await indicator.textContent()) ?? '', /^●local instance examples\/harbor\/\.dagster · read \d\d:\d\d$/);
    const title = (await indicator.getAttribute('title')) ?? '';
    assert.match(title, /^Materialization status from local instance examples\/harbor\/\.dagster\nRead \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n/);
    assert.match(title, /Assets by worst partition: 1 failed, 2 stale, 1 impacted, 1 missing, 1 fresh; 1 with code changed/);
    assert.equal(await indicator.locator('.instance-dot').getAttribute('class'), 'instance-dot tone-failed');
    await screenshot(page, 'status-dark');
  });

  test('a new state changes the strips and classes in place: no layout, nodes stay where they are', async () => {
    const before = await transforms();
    const extent = await page.locator('g.viewport').evaluate((g) => (g as SVGGElement).getBBox().width);
    await sendState(page, instance({ 'raw/voyages': status({ failed: 2, fresh: 2 }) }, 'local instance (second read)'));
    assert.deepEqual(await statusClasses('raw/voyages'), ['status-failed']);
    const strip = await bands('raw/voyages');
    assert.deepEqual(strip.map((b) => b.kind), ['failed', 'fresh']);
    assert.ok(Math.abs((strip[1]?.x ?? 0) - (strip[0]?.x ?? 0) - ((strip[1]?.x ?? 0) + (strip[1]?.width ?? 0) - (strip[0]?.x ?? 0)) / 2) < 0.01, 'half and half');
    assert.deepEqual(await transforms(), before, 'every node keeps its place');
    assert.equal(await page.locator('g.viewport').evaluate((g) => (g as SVGGElement).getBBox().width), extent);
    assert.equal(await page.locator('#app').getAttribute('data-state'), 'ready', 'no layout was started');
    assert.doesNotMatch((await page.locator('#status').textContent()) ?? '', /Laying out/);
  });

  test('a collapsed group sums its members into its strip and names the ones that need a look', async () => {
    await drawAfter(page, () => page.locator('g.group[data-group="ingestion"] .group-toggle').click());
    const group = page.locator('g.node.collapsed-group[data-collapsed-group="ingestion"]');
    assert.equal(await group.count(), 1);
    // Members raw/voyages (failed 2, fresh 2), raw/port_calls (failed 1, stale 2, fresh 5), raw/vessel_positions (missing 24).
    assert.match((await group.getAttribute('class')) ?? '', /\bstatus-failed\b/);
    const strip = await group.locator('rect.status-band').evaluateAll((rects) => rects.map((r) => r.getAttribute('data-kind')));
    assert.deepEqual(strip, ['failed', 'stale', 'missing', 'fresh']);
    const title = (await group.locator(':scope > title').textContent()) ?? '';
    assert.match(title, /\nMember partitions: 3 failed, 2 stale, 24 missing, 7 fresh\n/);
    assert.match(title, /\nFailed: raw\/port_calls, raw\/voyages\n|\nFailed: raw\/voyages, raw\/port_calls\n/);
    assert.match(title, /\nCode changed: raw\/port_calls\n/);
    assert.match(title, /members have no record in the instance$/);
    assert.match((await group.getAttribute('aria-label')) ?? '', /; member partitions: 3 failed, 2 stale, 24 missing, 7 fresh, code changed in some members$/);
    assert.equal(await group.locator('circle.code-changed-marker').count(), 1);
    await drawAfter(page, () => page.locator('#expand-all').click());
  });

  test('an export keeps the strips, in the theme\'s colours', async () => {
    const answer = await exportOnce(page, 7, 'svg');
    assert.equal(answer.type, 'export/result');
    const svgText = answer.type === 'export/result' ? answer.data : '';
    assert.match(svgText, /<rect[^>]*class="status-band band-failed"[^>]*fill="rgb\(241, 76, 76\)"/);
    assert.doesNotMatch(svgText, /data-signature/);
  });

  test('an invalid state is dropped and logged; the graph and the last good state stay', async () => {
    const before = (await posted(page)).length;
    await send(page, { type: 'state/set', state: { source: 'bad', readAt: new Date().toISOString(), assets: { 'raw/voyages': status({ stale: -1 }) } } });
    await send(page, { type: 'state/set', state: { source: 'bad', readAt: new Date().toISOString(), assets: { 'raw/voyages': { ...status({}), details: Array.from({ length: 13 }, () => 'x') } } } });
    await page.waitForFunction((n) => (window as unknown as { __lineage: { posted: unknown[] } }).__lineage.posted.length >= n + 2, before);
    const logs = (await posted(page)).slice(before).filter((m) => m.type === 'log');
    assert.equal(logs.length, 2);
    for (const log of logs) {
      assert.equal(log.type === 'log' && log.level, 'warn');
      assert.match(log.type === 'log' ? log.message : '', /^Ignored an invalid message 'state\/set' from the extension: state\.assets\.raw\/voyages\.(stale|details)/);
    }
    assert.equal((await nodeKeys(page)).length, 38, 'the graph is still drawn');
    assert.deepEqual(await statusClasses('raw/voyages'), ['status-failed'], 'the last good state is still shown');
    assert.match((await page.locator('#instance-state').textContent()) ?? '', /second read/);
  });

  test('state: null takes the strips, classes, marker, words and indicator away', async () => {
    await sendState(page, null);
    assert.equal(await page.locator('rect.status-band').count(), 0);
    assert.equal(await page.locator('circle.code-changed-marker').count(), 0);
    assert.equal(await page.locator('g.node[class*="status-"]').count(), 0);
    assert.equal(await page.locator('#instance-state').isVisible(), false);
    assert.doesNotMatch((await node('raw/port_calls').locator(':scope > title').textContent()) ?? '', /Partitions:|Code changed/);
    assert.equal(await node('raw/port_calls').getAttribute('aria-label'), plainLabel);
    const border = (key: string) => node(key).locator('rect.node-body').evaluate((r) => getComputedStyle(r).stroke);
    assert.equal(await border('raw/voyages'), await border('raw/berth_schedule'), 'the usual border');
  });

  test('a state that comes before the graph is drawn on it', async () => {
    const fresh = await harness.open({ theme: 'vscode-light' });
    await sendState(fresh, instance());
    await showGraph(fresh, graph);
    assert.match((await fresh.locator('g.node[data-key="raw/port_calls"]').getAttribute('class')) ?? '', /\bstatus-failed\b/);
    assert.deepEqual((await bands('raw/voyages', fresh)).map((b) => b.kind), ['stale', 'fresh']);
    assert.equal(await fresh.locator('#instance-state').isVisible(), true);
    await screenshot(fresh, 'status-light');
    assert.deepEqual(pageErrors(fresh), []);
    await fresh.context().close();
  });

  test('workspace and instance text stays text: a hostile source and causes run nothing', async () => {
    await sendState(page, instance({ 'raw/voyages': status({ stale: 1, details: [hostile.script, hostile.img] }) }, `${hostile.img} ${hostile.rtl}`));
    const text = (await page.locator('#instance-state .instance-text').textContent()) ?? '';
    assert.ok(text.startsWith(`${hostile.img} ${hostile.rtl} · read `), text);
    assert.match((await node('raw/voyages').locator(':scope > title').textContent()) ?? '', /<script>alert\(1\)<\/script>\n"><img src=x onerror=alert\(1\)>$/);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('#toolbar script, #graph script').count(), 0);
  });

  test('nothing broke the page: no errors, no CSP violations, nothing logged but the two invalid states', async () => {
    assert.deepEqual(pageErrors(page), []);
    const { cspViolations, posted: messages } = await recorded(page);
    assert.deepEqual(cspViolations, []);
    assert.equal(messages.filter((m) => m.type === 'log').length, 2);
  });
});

describe('materialization status on a 2,000-asset graph', { timeout: 300_000 }, () => {
  let harness: Harness;
  let page: Page;
  const graph = generatedGraph(40, 50);
  /** Every asset of the first ten groups failed, every other one fresh. */
  const state = (): InstanceState => ({
    source: 'local instance (generated)',
    readAt: new Date().toISOString(),
    assets: Object.fromEntries(graph.assets.map((a) => [userKey(a.key), /group_0\d/.test(a.group) ? status({ failed: 1 }) : status({ fresh: 1 })])),
  });

  /** Pixels of the overview bitmap close to a colour (read back through an ImageBitmap). */
  const pixels = (rgb: [number, number, number]): Promise<number> =>
    page.evaluate(async ([r, g, b]) => {
      const canvas = document.querySelector('canvas.overview-canvas') as HTMLCanvasElement;
      const bitmap = await createImageBitmap(canvas);
      const copy = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = copy.getContext('2d') as OffscreenCanvasRenderingContext2D;
      context.drawImage(bitmap, 0, 0);
      const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs((data[i] as number) - r) < 8 && Math.abs((data[i + 1] as number) - g) < 8 && Math.abs((data[i + 2] as number) - b) < 8) count++;
      }
      return count;
    }, rgb);
  const red: [number, number, number] = [241, 76, 76];
  const green: [number, number, number] = [115, 201, 145];
  const paints = async (): Promise<number> => Number(await page.locator('canvas.overview-canvas').getAttribute('data-paints'));

  before(async () => {
    harness = await startHarness();
    page = await harness.open({ theme: 'vscode-dark' });
    await showGraph(page, graph, 'generated');
  });
  after(async () => {
    await harness?.close();
  });

  test('collapsed groups show their members\' status summed', async () => {
    await send(page, { type: 'state/set', state: state() });
    await page.waitForFunction(() => document.querySelectorAll('g.node.collapsed-group.status-failed').length === 10);
    assert.equal(await page.locator('g.node.collapsed-group.status-fresh').count(), 30);
    const group = page.locator('g.node.collapsed-group[data-collapsed-group="group_03"]');
    assert.match((await group.locator(':scope > title').textContent()) ?? '', /\nMember partitions: 50 failed\nFailed: gen\/group_03\/asset_000, gen\/group_03\/asset_001, gen\/group_03\/asset_002, gen\/group_03\/asset_003 and 46 more$/);
  });

  test('far out, the overview canvas paints each asset in its worst status\'s colour, and repaints when it changes', async () => {
    await drawAfter(page, () => page.locator('#show-all').click(), 240_000);
    await page.waitForFunction(() => Number(document.querySelector('canvas.overview-canvas')?.getAttribute('data-paints')) > 0, undefined, { timeout: 20_000 });
    assert.match((await page.locator('svg#graph').getAttribute('class')) ?? '', /overview/, 'the canvas draws the graph');
    const failed = await pixels(red);
    const fresh = await pixels(green);
    // A quarter of the assets failed, the rest are fresh.
    assert.ok(failed > 200 && fresh > failed, `failed (${failed} px) and fresh (${fresh} px) assets are painted in their colours`);
    await screenshot(page, 'status-large-overview-dark');

    // A new read: the bitmap is repainted with the same scene and layout.
    const stop = page.locator('g.node[tabindex="0"]');
    const where = await stop.getAttribute('transform');
    const before = await paints();
    await send(page, { type: 'state/set', state: null });
    await page.waitForFunction((n) => Number(document.querySelector('canvas.overview-canvas')?.getAttribute('data-paints')) > n, before, { timeout: 20_000 });
    assert.equal(await pixels(red), 0, 'no status, no colour');
    assert.equal(await pixels(green), 0);
    assert.equal(await page.locator('canvas.overview-canvas').getAttribute('data-nodes'), '2000');
    assert.equal(await stop.getAttribute('transform'), where, 'no new layout');
    assert.equal(await page.locator('#app').getAttribute('data-state'), 'ready');
  });

  test('hovering an asset on the canvas says its status', async () => {
    await send(page, { type: 'state/set', state: state() });
    await page.waitForFunction(() => !document.getElementById('instance-state')?.classList.contains('hidden'));
    const pinned = page.locator('g.node[data-key]');
    const key = (await pinned.getAttribute('data-key')) ?? '';
    const box = await pinned.boundingBox();
    assert.ok(box && key !== '');
    await send(page, { type: 'view/select', key: key === 'gen/group_20/asset_010' ? 'gen/group_21/asset_010' : 'gen/group_20/asset_010' });
    await page.waitForFunction((k) => !document.querySelector(`g.node[data-key="${k}"]`), key);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('.overview-tip');
    await tip.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await tip.locator('.overview-tip-key').textContent(), key);
    const partitioned = graph.assets.find((a) => userKey(a.key) === key)?.partitions !== null;
    const failed = /group_0\d/.test(key);
    const expected = partitioned ? `Partitions: 1 ${failed ? 'failed' : 'fresh'}` : failed ? 'Status: failed (the latest run failed after the latest materialization)' : 'Status: fresh';
    assert.equal(await tip.locator('.overview-tip-status').textContent(), expected);
  });

  test('no errors, no CSP violations, nothing logged', async () => {
    assert.deepEqual(pageErrors(page), []);
    const { cspViolations, posted: messages, workerErrors } = await recorded(page);
    assert.deepEqual(cspViolations, []);
    assert.equal(workerErrors, 0);
    assert.deepEqual(messages.filter((m) => m.type === 'log'), []);
  });
});
