// What a user does with the graph: search, focus with depths, collapse groups, click, double-click,
// and the keyboard.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildLineageModel, neighbourhood } from '../../webview/src/graph/lineageModel';
import { clearPosted, drawAfter, harbor, nodeKeys, posted, sendAndDraw, showGraph, startHarness, type Harness } from './harness';

const model = buildLineageModel(harbor());

/** The keys Dagster's selection `up+key+down` names. */
function around(key: string, up: number, down: number): string[] {
  const asset = model.byUserKey.get(key);
  assert.ok(asset, key);
  return [...neighbourhood(model, asset.id, up, down)].map((id) => model.byId.get(id)?.userKey ?? '').sort();
}

describe('lineage webview interactions', { timeout: 180_000 }, () => {
  let harness: Harness;
  let page: Page;
  const node = (key: string) => page.locator(`g.node[data-key="${key}"]`);
  const activeKey = () => page.evaluate(() => document.activeElement?.getAttribute('data-key') ?? null);

  before(async () => {
    harness = await startHarness();
  });
  beforeEach(async () => {
    await page?.context().close();
    page = await harness.open();
    await showGraph(page, harbor());
  });
  after(async () => {
    await harness?.close();
  });

  test('search highlights the matching assets and dims the rest', async () => {
    await page.locator('#search').fill('congestion');
    await page.waitForFunction(() => document.querySelectorAll('g.node.match').length > 0);
    const matches = await page.locator('g.node.match').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')).sort());
    assert.deepEqual(matches, model.assets.map((a) => a.userKey).filter((k) => k.includes('congestion')).sort());
    assert.equal(matches.length, 5);
    assert.equal(await page.locator('g.node.dimmed').count(), 38 - 5);
    assert.equal(await page.locator('#search-count').textContent(), '5 matches');
    await page.locator('#search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('g.node.dimmed').length === 0);
    assert.equal(await page.locator('g.node.match').count(), 0);
  });

  test('Enter in the search box focuses the graph on the best match', async () => {
    await page.locator('#search').fill('voyages');
    await drawAfter(page, () => page.locator('#search').press('Enter'));
    assert.deepEqual(await nodeKeys(page), around('raw/voyages', 2, 2));
    assert.equal(await page.locator('#focus-chip .focus-key').textContent(), 'raw/voyages');
    assert.equal(await page.locator('g.node.focused').getAttribute('data-key'), 'raw/voyages');
    assert.equal(await page.locator('g.node.selected').getAttribute('data-key'), 'raw/voyages');
  });

  test('focus shows the neighbourhood, and the depth controls widen or narrow it', async () => {
    await sendAndDraw(page, { type: 'view/focus', key: 'raw/port_calls', upstreamDepth: 1, downstreamDepth: 1 });
    assert.deepEqual(await nodeKeys(page), around('raw/port_calls', 1, 1));
    assert.equal(await page.locator('#depth-up').inputValue(), '1');
    assert.equal(await page.locator('#depth-down').inputValue(), '1');
    assert.match((await page.locator('#status').textContent()) ?? '', /6 assets of 38 around raw\/port_calls \(1 up, 1 down\)/);

    await drawAfter(page, () => page.locator('#depth-up').fill('2').then(() => page.locator('#depth-up').dispatchEvent('change')));
    assert.deepEqual(await nodeKeys(page), around('raw/port_calls', 2, 1));
    assert.ok((await nodeKeys(page)).includes('vessel_registry'), 'two levels up reaches the registry');

    await drawAfter(page, () => page.locator('#depth-down').fill('0').then(() => page.locator('#depth-down').dispatchEvent('change')));
    assert.deepEqual(await nodeKeys(page), around('raw/port_calls', 2, 0));

    assert.equal(await page.locator('#show-all').isEnabled(), true);
    assert.equal(await page.locator('#show-all').textContent(), 'Show all 38 assets');
    await drawAfter(page, () => page.locator('#show-all').click());
    assert.equal((await nodeKeys(page)).length, 38);
    assert.equal(await page.locator('#focus-chip').isVisible(), false);
    assert.equal(await page.locator('#show-all').isEnabled(), false, 'nothing left to show');
  });

  test('a group collapses to one node with its edges re-routed, and expands again', async () => {
    const warehouse = model.assets.filter((a) => a.asset.group === 'warehouse').map((a) => a.userKey);
    await drawAfter(page, () => page.locator('g.group[data-group="warehouse"] .group-toggle').click());
    const group = page.locator('g.node.collapsed-group[data-collapsed-group="warehouse"]');
    assert.equal(await group.count(), 1);
    assert.match((await group.locator('text.node-meta').textContent()) ?? '', /group · 6 assets/);
    assert.equal(await page.locator('g.group[data-group="warehouse"]').count(), 0, 'no box for a collapsed group');
    const keys = await nodeKeys(page);
    for (const key of warehouse) assert.ok(!keys.includes(key), `${key} is inside the collapsed group`);
    assert.equal(keys.length, 38 - warehouse.length);
    // Ten edges touch warehouse assets: four come in (from raw/voyages, raw/port_calls,
    // raw/container_moves and raw/tariffs), four stay inside, two go out to marts/port_kpis.
    // Collapsed: one edge per outside neighbour, 4 in and 1 out.
    assert.equal(await page.locator('g.edge').count(), 38 - 10 + 5);
    const aggregate = page.locator('g.edge.edge-aggregate text.edge-label tspan');
    assert.deepEqual(await aggregate.allTextContents(), ['×2'], 'the merged edge says how many it stands for');
    assert.match((await page.locator('#status').textContent()) ?? '', /1 group collapsed/);

    await drawAfter(page, () => group.click());
    assert.equal((await nodeKeys(page)).length, 38);
    assert.equal(await page.locator('g.node.collapsed-group').count(), 0);
  });

  test('clicking a node selects it and asks the host to open its definition', async () => {
    await clearPosted(page);
    await node('raw/voyages').click();
    await page.waitForFunction(() => document.querySelector('g.node.selected')?.getAttribute('data-key') === 'raw/voyages');
    const messages = await posted(page);
    assert.deepEqual(messages.filter((m) => m.type === 'node/open'), [{ type: 'node/open', key: 'raw/voyages' }]);
    assert.deepEqual(messages.filter((m) => m.type === 'node/selected'), [{ type: 'node/selected', key: 'raw/voyages' }]);
    // A click on the background clears the selection.
    await page.mouse.click(5, 880);
    await page.waitForFunction(() => document.querySelectorAll('g.node.selected').length === 0);
  });

  test('double-clicking a node focuses the graph on it (and opens it only once)', async () => {
    await clearPosted(page);
    await drawAfter(page, () => node('raw/port_calls').dblclick());
    assert.deepEqual(await nodeKeys(page), around('raw/port_calls', 2, 2));
    assert.equal(await page.locator('#focus-chip .focus-key').textContent(), 'raw/port_calls');
    assert.equal((await posted(page)).filter((m) => m.type === 'node/open').length, 1);
  });

  test('arrow keys move between connected nodes; Enter opens; Escape clears', async () => {
    await node('raw/voyages').focus();
    const children = new Set(model.byUserKey.get('raw/voyages')?.children.map((id) => model.byId.get(id)?.userKey));
    await page.keyboard.press('ArrowRight');
    const right = await activeKey();
    assert.ok(right && children.has(right), `right moved to ${right}, a downstream neighbour of raw/voyages`);
    assert.equal(await page.locator('g.node.selected').getAttribute('data-key'), right, 'the selection follows the keyboard');

    await page.keyboard.press('ArrowLeft');
    const left = await activeKey();
    const parents = new Set(model.byUserKey.get(right)?.parents.map((p) => model.byId.get(p.id)?.userKey));
    assert.ok(left && parents.has(left), `left moved to ${left}, an upstream neighbour of ${right}`);

    const before = await page.evaluate(() => {
      const box = (document.activeElement as SVGGElement).getBBox();
      const m = (document.activeElement as SVGGElement).transform.baseVal.consolidate()?.matrix;
      return { x: m?.e ?? 0, y: m?.f ?? 0, width: box.width };
    });
    await page.keyboard.press('ArrowDown');
    const down = await activeKey();
    assert.ok(down && down !== left, 'down moved to another node');
    const after = await page.evaluate(() => {
      const m = (document.activeElement as SVGGElement).transform.baseVal.consolidate()?.matrix;
      return { x: m?.e ?? 0, y: m?.f ?? 0 };
    });
    assert.ok(after.y > before.y, 'down goes down');
    assert.ok(Math.abs(after.x - before.x) < before.width, 'and stays in the same layer');

    await clearPosted(page);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as { __lineage: { posted: { type: string }[] } }).__lineage.posted.some((m) => m.type === 'node/open'));
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'node/open'), [{ type: 'node/open', key: down }]);

    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelectorAll('g.node.selected').length === 0);
  });

  test('F on a node focuses on it; Enter on a collapsed group expands it', async () => {
    await node('marts/port_kpis').focus();
    await drawAfter(page, () => page.keyboard.press('f'));
    assert.deepEqual(await nodeKeys(page), around('marts/port_kpis', 2, 2));
    await drawAfter(page, () => page.locator('#show-all').click());
    await drawAfter(page, () => page.locator('#collapse-all').click());
    assert.equal(await page.locator('g.node.collapsed-group').count(), 4);
    await page.locator('g.node.collapsed-group[data-collapsed-group="ingestion"]').focus();
    await drawAfter(page, () => page.keyboard.press('Enter'));
    assert.equal(await page.locator('g.node.collapsed-group').count(), 3);
    assert.ok((await nodeKeys(page)).includes('raw/voyages'));
    assert.ok(await activeKey(), 'keyboard focus lands on a member of the expanded group');
  });

  test('view/select from the host selects and reveals an asset, expanding its group, without changing focus', async () => {
    await drawAfter(page, () => page.locator('#collapse-all').click());
    await clearPosted(page);
    await sendAndDraw(page, { type: 'view/select', key: 'stg_voyages' });
    assert.equal(await page.locator('g.node.selected').getAttribute('data-key'), 'stg_voyages');
    assert.equal(await page.locator('g.node.collapsed-group[data-collapsed-group="warehouse"]').count(), 0);
    assert.equal(await page.locator('#focus-chip').isVisible(), false);
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'node/selected' || m.type === 'node/open'), [], 'the host is not told what it said');
    const onScreen = await node('stg_voyages').evaluate((el) => {
      const r = el.getBoundingClientRect();
      const s = document.getElementById('graph')!.getBoundingClientRect();
      return r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom;
    });
    assert.ok(onScreen, 'the selected node is scrolled into view');
  });

  test('Fit brings the whole graph into the window after zooming in', async () => {
    await page.mouse.move(700, 450);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -300);
    await page.waitForTimeout(300);
    await page.locator('#fit').click();
    const inside = await page.evaluate(() => {
      const s = document.getElementById('graph')!.getBoundingClientRect();
      return [...document.querySelectorAll('g.node')].every((n) => {
        const r = n.getBoundingClientRect();
        return r.left >= s.left - 1 && r.right <= s.right + 1 && r.top >= s.top - 1 && r.bottom <= s.bottom + 1;
      });
    });
    assert.ok(inside, 'every node is inside the view after Fit');
  });
});
