// The impact overlay: the partitions picked of one asset and what they reach downstream, drawn over
// the graph (bright nodes with counts, their edges, the rest dimmed), with a banner that can start
// the backfill of exactly that or clear it; and asked for from the keyboard.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { impactPreview } from '../../src/core/backfill/impactPreview';
import type { ImpactOverlay } from '../../src/protocol/graphProtocol';
import { impactOverlay } from '../../src/core/view/backfillText';
import { clearPosted, drawAfter, harbor, pageErrors, posted, screenshot, send, showGraph, startHarness, type Harness } from './harness';

/** raw/port_calls 2024-12-30...2024-12-31 on 2025-01-05, as the host works it out. */
function portCallsImpact(launchable = true): ImpactOverlay {
  const preview = impactPreview({ key: ['raw', 'port_calls'], partitions: { kind: 'range', start: '2024-12-30', end: '2024-12-31' }, only: [] }, { graph: harbor(), now: Date.UTC(2025, 0, 5) });
  return impactOverlay(preview, '2024-12-30...2024-12-31', launchable);
}

describe('impact overlay on the graph', { timeout: 240_000 }, () => {
  let harness: Harness;
  let page: Page;
  const node = (key: string) => page.locator(`g.node[data-key="${key}"]`);
  const classes = async (key: string): Promise<string[]> => ((await node(key).getAttribute('class')) ?? '').split(/\s+/);
  const badge = (key: string) => node(key).locator(':scope > text.impact-badge').textContent();

  before(async () => {
    harness = await startHarness();
    page = await harness.open({ theme: 'vscode-dark' });
    await showGraph(page, harbor());
  });
  after(async () => {
    await harness?.close();
  });

  test('the picked asset and everything it reaches stay bright with their counts; the rest is dimmed', async () => {
    const impact = portCallsImpact();
    await send(page, { type: 'impact/set', impact });
    await page.waitForSelector('#impact-banner:not(.hidden)');
    assert.equal(await page.locator('#impact-banner .impact-text').textContent(), 'Impact of raw/port_calls [2024-12-30...2024-12-31]: 6 assets, 61 partitions downstream');
    // Exactly the overlay's assets are bright.
    const bright = await page.locator('g.node.impact-hit').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-key')).sort());
    assert.deepEqual(bright, Object.keys(impact.assets).sort());
    assert.equal(bright.length, 7);
    const dimmed = await page.locator('g.node.dimmed').count();
    assert.equal(dimmed, harbor().assets.length - 7, 'every other asset is dimmed');
    assert.ok((await classes('raw/port_calls')).includes('impact-root'));
    assert.ok((await classes('raw/voyages')).includes('dimmed'), 'an unrelated upstream asset is dimmed');
    // Counts against the asset's partitions; unpartitioned assets say "affected".
    assert.equal(await badge('raw/port_calls'), `picked 2 of ${impact.assets['raw/port_calls']?.total}`);
    assert.match((await badge('analytics/congestion/idle_hours')) ?? '', /^3 of \d+$/);
    assert.equal(await badge('marts/port_kpis'), 'affected');
    assert.equal(await badge('analytics/forecast/berth_demand_forecast'), `52 of ${impact.assets['analytics/forecast/berth_demand_forecast']?.total}`);
    assert.equal(await node('raw/voyages').locator('text.impact-badge').count(), 0);
    // The tooltip and the spoken label say which partitions, and how far downstream.
    const title = (await node('analytics/congestion/idle_hours').locator(':scope > title').textContent()) ?? '';
    assert.match(title, /\nImpact: 3 of \d+ partitions \(2024-12-30\.\.\.2025-01-01\), 1 step downstream of raw\/port_calls$/);
    assert.match((await node('marts/port_kpis').getAttribute('aria-label')) ?? '', /; Impact: affected \(unpartitioned\), \d steps downstream of raw\/port_calls$/);
    // Edges along the impact are drawn in the impact colour; others fade.
    const impactEdges = await page.locator('g.edge.edge-impact').count();
    assert.ok(impactEdges >= 6, `at least one edge into each downstream asset (${impactEdges})`);
    const faded = await page.locator('g.edge:not(.edge-impact)').first().evaluate((e) => getComputedStyle(e).opacity);
    assert.equal(faded, '0.15');
    const stroke = await node('raw/port_calls').locator('rect.node-body').evaluate((r) => getComputedStyle(r).strokeWidth);
    assert.equal(stroke, '4px', 'the picked asset has the heaviest border');
    await screenshot(page, 'impact-dark');
  });

  test('the badge sits on the node\'s top edge, clear of its text', async () => {
    const geometry = await node('analytics/congestion/idle_hours').evaluate((g) => ({
      badge: g.querySelector('text.impact-badge')?.getBoundingClientRect() ?? null,
      body: g.querySelector('rect.node-body')?.getBoundingClientRect() ?? null,
      key: g.querySelector('text.node-key')?.getBoundingClientRect() ?? null,
    }));
    assert.ok(geometry.badge && geometry.body && geometry.key);
    assert.ok(geometry.badge.top < geometry.body.top && geometry.badge.bottom > geometry.body.top, 'across the top border');
    assert.ok(geometry.badge.bottom <= geometry.key.top + 1, 'above the key');
  });

  test('"Backfill These…" asks the host; Clear and Escape clear it and tell the host', async () => {
    await clearPosted(page);
    await page.click('#impact-backfill');
    await page.click('#impact-clear');
    await page.waitForSelector('#impact-banner.hidden', { state: 'attached' });
    assert.deepEqual((await posted(page)).filter((m) => m.type.startsWith('impact/')), [{ type: 'impact/backfill' }, { type: 'impact/cleared' }]);
    assert.equal(await page.locator('g.node.dimmed').count(), 0);
    assert.equal(await page.locator('g.node.impact-hit').count(), 0);
    assert.equal(await page.locator('text.impact-badge').count(), 0);
    assert.doesNotMatch((await node('marts/port_kpis').locator(':scope > title').textContent()) ?? '', /Impact/);

    await send(page, { type: 'impact/set', impact: portCallsImpact(false) });
    await page.waitForSelector('#impact-banner:not(.hidden)');
    assert.equal(await page.locator('#impact-backfill').isVisible(), false, 'nothing to launch (Restricted Mode): no backfill button');
    await clearPosted(page);
    await page.locator('#graph').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#impact-banner.hidden', { state: 'attached' });
    assert.deepEqual((await posted(page)).filter((m) => m.type.startsWith('impact/')), [{ type: 'impact/cleared' }]);
  });

  test('I on a node asks for its impact; the host clearing it (null) restores the graph', async () => {
    await clearPosted(page);
    await node('raw/port_calls').focus();
    await page.keyboard.press('i');
    assert.deepEqual((await posted(page)).filter((m) => m.type.startsWith('impact/')), [{ type: 'impact/request', key: 'raw/port_calls' }]);
    await send(page, { type: 'impact/set', impact: portCallsImpact() });
    await page.waitForSelector('#impact-banner:not(.hidden)');
    await send(page, { type: 'impact/set', impact: null });
    await page.waitForSelector('#impact-banner.hidden', { state: 'attached' });
    assert.equal(await page.locator('g.node.dimmed').count(), 0);
  });

  test('collapsed groups stand for their impacted members; assets outside a focused view are counted', async () => {
    const p = await harness.open({ theme: 'vscode-light' });
    await showGraph(p, harbor());
    await drawAfter(p, () => p.click('#collapse-all'));
    await send(p, { type: 'impact/set', impact: portCallsImpact() });
    await p.waitForSelector('#impact-banner:not(.hidden)');
    const groups = await p.locator('g.node.collapsed-group.impact-hit').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-collapsed-group'), n.querySelector('text.impact-badge')?.textContent]));
    assert.ok(groups.length >= 2, `groups holding impacted assets are bright (${JSON.stringify(groups)})`);
    for (const [, text] of groups) assert.match(text ?? '', /^\d+ members? · [\d,]+ partitions?$/);
    assert.ok((await p.locator('g.node.collapsed-group.dimmed').count()) >= 1, 'a group with nothing impacted is dimmed');
    // Focus on an unrelated asset's neighbourhood: the impacted assets outside it are counted.
    await drawAfter(p, () => send(p, { type: 'view/focus', key: 'raw/voyages', upstreamDepth: 0, downstreamDepth: 0 }));
    assert.match((await p.locator('#impact-banner .impact-text').textContent()) ?? '', /\(\d outside this view\)$/);
    assert.deepEqual(pageErrors(p), []);
  });

  test('an impact that does not match the protocol is dropped, and the graph is unchanged', async () => {
    await send(page, { type: 'impact/set', impact: { root: 'raw/port_calls', picked: 'x', assets: { 'raw/port_calls': { role: 'sideways' } } } });
    await send(page, { type: 'impact/set', impact: { ...portCallsImpact(), picked: 'y'.repeat(501) } });
    const logs = (await posted(page)).filter((m) => m.type === 'log' && m.message.includes("'impact/set'"));
    assert.equal(logs.length, 2);
    assert.equal(await page.locator('g.node.dimmed').count(), 0);
    assert.deepEqual(pageErrors(page), []);
  });
});
