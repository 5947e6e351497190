// The harbor example as a user first sees it: every asset, its facts, every dependency.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { NodeContext } from '../../src/protocol/graphProtocol';
import { harbor, nodeKeys, pageErrors, posted, recorded, send, showGraph, startHarness, userKey, type Harness } from './harness';

describe('lineage webview draws the harbor graph', { timeout: 120_000 }, () => {
  let harness: Harness;
  let page: Page;
  const graph = harbor();
  const keys = graph.assets.map((a) => userKey(a.key)).sort();
  const node = (key: string) => page.locator(`g.node[data-key="${key}"]`);

  before(async () => {
    harness = await startHarness();
    page = await harness.open({ theme: 'vscode-dark' });
  });
  after(async () => {
    await harness?.close();
  });

  test('says ready once, before it has a graph, and shows that it is waiting', async () => {
    const messages = await posted(page);
    assert.deepEqual(messages, [{ type: 'ready' }]);
    assert.match((await page.locator('#empty').textContent()) ?? '', /Waiting for the lineage graph/);
    assert.equal(await page.locator('#app').getAttribute('data-state'), 'empty');
    for (const id of ['#toolbar', '#search', '#fit', '#show-all', '#depth-up', '#depth-down', 'svg#graph', '#status']) {
      assert.equal(await page.locator(id).count(), 1, `${id} is built by the script`);
    }
  });

  test('draws all 38 assets once each, with their keys as labels', async () => {
    await showGraph(page, graph);
    assert.equal(keys.length, 38);
    assert.deepEqual(await nodeKeys(page), keys);
    for (const key of keys) {
      const label = (await node(key).locator('text.node-key').textContent()) ?? '';
      assert.ok(label === key || (label.startsWith('…') && key.endsWith(label.slice(1))), `label of ${key} is "${label}"`);
    }
    assert.equal(await page.locator('#empty').isVisible(), false);
    assert.match((await page.locator('#status').textContent()) ?? '', /38 assets, 38 dependencies/);
  });

  test('draws every dependency as an edge with an arrowhead', async () => {
    const expected = graph.assets.reduce((n, a) => n + new Set(a.deps.map((d) => userKey(d.key))).size, 0);
    const edges = page.locator('g.edge path.edge-path');
    assert.equal(await edges.count(), expected);
    const shapes = await edges.evaluateAll((paths) => paths.map((p) => ({ d: p.getAttribute('d') ?? '', marker: p.getAttribute('marker-end'), length: (p as SVGPathElement).getTotalLength() })));
    for (const shape of shapes) {
      assert.match(shape.d, /^M[\d.-]+,[\d.-]+/);
      assert.ok(shape.length > 10, 'an edge has a visible length');
      assert.equal(shape.marker, 'url(#lineage-arrow)');
    }
  });

  test('nodes show kind, group and partitions; stubs and externals are dashed', async () => {
    const meta = async (key: string) => (await node(key).locator('text.node-meta').textContent()) ?? '';
    const chip = async (key: string) => node(key).locator('g.node-chip:not(.absent) text.node-chip').textContent();
    assert.equal(await meta('raw/voyages'), 'asset · ingestion');
    assert.equal(await chip('raw/voyages'), 'daily');
    assert.equal(await chip('raw/container_moves'), 'multi');
    assert.equal(await chip('raw/vessel_positions'), 'hourly');
    const berth = graph.assets.find((a) => userKey(a.key) === 'raw/berth_schedule');
    assert.ok(berth?.partitions?.type === 'static');
    assert.equal(await chip('raw/berth_schedule'), `static · ${berth.partitions.keys.length}`);
    assert.equal(await node('marts/port_kpis').locator('g.node-chip.absent').count(), 1, 'no partitions, no chip');
    assert.equal(await meta('marts/port_kpis'), 'dbt · analytics');
    assert.equal(await meta('raw/tariffs'), 'stub · default');
    assert.equal(await meta('vessel_registry'), 'external · ingestion');
    const dash = (key: string) => node(key).locator('rect.node-body').evaluate((r) => getComputedStyle(r).strokeDasharray);
    assert.notEqual(await dash('raw/tariffs'), 'none', 'a stub has a dashed outline');
    assert.notEqual(await dash('vessel_registry'), 'none', 'an external asset has a dashed outline');
    assert.equal(await dash('raw/voyages'), 'none', 'a defined asset has a solid outline');
  });

  test('edges with an explicit partition mapping carry its label', async () => {
    const labels = await page.locator('g.edge text.edge-label tspan').allTextContents();
    const count = (label: string) => labels.filter((l) => l === label).length;
    assert.equal(count('time_window −1'), 2, 'raw/port_calls → idle_hours and turnaround_hours');
    assert.equal(count('last'), 1);
    assert.equal(count('static'), 1);
    assert.equal(count('multi'), 1);
    assert.equal(count('all'), 1);
    assert.equal(labels.length, 6, 'edges whose mapping Dagster infers carry no label');
  });

  test('each group is a labelled box', async () => {
    const groups = await page.locator('g.group').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-group'), g.querySelector('text.group-label')?.textContent, g.getAttribute('role')]));
    assert.deepEqual(
      groups.sort(),
      ['analytics', 'default', 'ingestion', 'warehouse'].map((g) => [g, g, 'group']),
    );
  });

  test('nodes are buttons with spoken labels, and carry the context for VS Code menus', async () => {
    assert.equal(await page.locator('svg#graph').getAttribute('role'), 'graphics-document');
    const voyages = node('raw/voyages');
    assert.equal(await voyages.getAttribute('role'), 'button');
    assert.equal(await voyages.getAttribute('aria-label'), 'asset raw/voyages, group ingestion, daily partitions, 1 upstream, 3 downstream');
    const context = JSON.parse((await voyages.getAttribute('data-vscode-context')) ?? '{}') as NodeContext;
    assert.deepEqual(context, { webviewSection: 'asset', assetKey: 'raw/voyages', assetPartitioned: true, assetLaunchable: true, preventDefaultContextMenuItems: true });
    const tabStops = await page.locator('g.node[tabindex="0"]').count();
    assert.equal(tabStops, 1, 'the graph is a single Tab stop');
  });

  test('scan status shows in the status line without dropping the graph', async () => {
    await send(page, { type: 'status', state: 'scanning' });
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Scanning…');
    await send(page, { type: 'status', state: 'error', message: 'definitions.py: syntax error' });
    await page.waitForFunction(() => document.getElementById('status')?.classList.contains('error'));
    assert.match((await page.locator('#status').textContent()) ?? '', /Scan failed: definitions.py: syntax error/);
    assert.equal((await nodeKeys(page)).length, 38);
    await send(page, { type: 'status', state: 'ready' });
    await page.waitForFunction(() => /38 assets/.test(document.getElementById('status')?.textContent ?? ''));
  });

  test('nothing broke the page: no errors, no CSP violations (no inline styles)', async () => {
    assert.deepEqual(pageErrors(page), []);
    const { cspViolations, posted: messages } = await recorded(page);
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(messages.filter((m) => m.type === 'log'), []);
  });
});
