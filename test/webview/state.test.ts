// View state survives a reload of the webview (VS Code keeps what setState stored); data does not.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { drawAfter, harbor, nodeKeys, posted, recorded, savedState, sendAndDraw, showGraph, startHarness, type Harness } from './harness';

describe('view state persistence', { timeout: 180_000 }, () => {
  let harness: Harness;
  let page: Page;

  before(async () => {
    harness = await startHarness();
    page = await harness.open();
    await showGraph(page, harbor());
  });
  after(async () => {
    await harness?.close();
  });

  const reload = async (): Promise<void> => {
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __lineage?: { posted: { type: string }[] } }).__lineage?.posted.some((m) => m.type === 'ready'));
    // The host always sends the graph again after `ready`: state is view state only.
    await showGraph(page, harbor());
  };

  test('focus, depths, collapsed groups, selection, search and zoom are saved as they change', async () => {
    const calls = (await recorded(page)).setStateCalls;
    await sendAndDraw(page, { type: 'view/focus', key: 'raw/port_calls', upstreamDepth: 3, downstreamDepth: 1 });
    await drawAfter(page, () => page.locator('g.group[data-group="warehouse"] .group-toggle').click());
    await page.locator('g.node[data-key="raw/voyages"]').click();
    await page.locator('#search').fill('port');
    await page.waitForFunction(() => document.querySelectorAll('g.node.match').length > 0);
    await page.mouse.move(600, 400);
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(400);
    const state = await savedState(page);
    assert.ok(state);
    assert.ok((await recorded(page)).setStateCalls > calls);
    assert.equal(state.focus, 'raw/port_calls');
    assert.equal(state.upstreamDepth, 3);
    assert.equal(state.downstreamDepth, 1);
    assert.deepEqual(state.collapsedGroups, ['warehouse']);
    assert.equal(state.selected, 'raw/voyages');
    assert.equal(state.search, 'port');
    assert.ok(state.zoom && state.zoom.k > 0, 'the zoom is saved');
  });

  test('a reloaded view comes back exactly as it was', async () => {
    const before = await savedState(page);
    const keysBefore = await nodeKeys(page);
    const transformBefore = await page.locator('g.viewport').evaluate((g) => getComputedStyle(g).transform);
    await reload();
    assert.equal(await page.locator('#focus-chip .focus-key').textContent(), 'raw/port_calls');
    assert.equal(await page.locator('#depth-up').inputValue(), '3');
    assert.equal(await page.locator('#depth-down').inputValue(), '1');
    assert.equal(await page.locator('g.node.collapsed-group[data-collapsed-group="warehouse"]').count(), 1);
    assert.deepEqual(await nodeKeys(page), keysBefore);
    assert.equal(await page.locator('g.node.selected').getAttribute('data-key'), 'raw/voyages');
    assert.equal(await page.locator('#search').inputValue(), 'port');
    assert.ok((await page.locator('g.node.match').count()) > 0, 'the search highlight is back');
    assert.equal(await page.locator('g.viewport').evaluate((g) => getComputedStyle(g).transform), transformBefore, 'same pan and zoom');
    assert.deepEqual(await savedState(page), before);
  });

  test('a damaged saved state is reported and replaced by the defaults', async () => {
    await page.evaluate(() => sessionStorage.setItem('vscodeState', JSON.stringify({ version: 9, focus: 42, collapsedGroups: 'all' })));
    await reload();
    const warnings = (await posted(page)).filter((m) => m.type === 'log' && m.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.type === 'log' ? warnings[0].message : '', /Saved graph view state was not usable/);
    assert.equal((await nodeKeys(page)).length, 38, 'the full graph, no focus');
    assert.equal(await page.locator('#depth-up').inputValue(), '2', 'default depths: 2 up');
    assert.equal(await page.locator('#depth-down').inputValue(), '2', 'and 2 down');
  });

  test('a saved focus on an asset that no longer exists falls back to the full graph', async () => {
    const state = await savedState(page);
    await page.evaluate((s) => sessionStorage.setItem('vscodeState', JSON.stringify(s)), { ...state, focus: 'gone/asset', selected: 'gone/asset' });
    await reload();
    assert.equal((await nodeKeys(page)).length, 38);
    assert.match((await page.locator('#status').textContent()) ?? '', /gone\/asset is no longer in the graph/);
    const after = await savedState(page);
    assert.equal(after?.focus, null);
    assert.equal(after?.selected, null);
  });
});
