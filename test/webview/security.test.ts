// Workspace strings are data, never markup; messages that do not follow the protocol are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { dialogs, harbor, nodeKeys, pageErrors, posted, recorded, send, sendAndDraw, showGraph, startHarness, userKey, type Harness } from './harness';
import { hostile, hostileGraph } from './graphBuilders';

describe('hostile names stay inert text', { timeout: 120_000 }, () => {
  let harness: Harness;
  let page: Page;
  const graph = hostileGraph();

  before(async () => {
    harness = await startHarness();
    page = await harness.open();
    await showGraph(page, graph, hostile.img);
  });
  after(async () => {
    await harness?.close();
  });

  test('keys, groups and descriptions are drawn literally', async () => {
    const keys = graph.assets.map((a) => userKey(a.key)).sort();
    assert.deepEqual(await nodeKeys(page), keys);
    const labels = await page.locator('g.node text.node-key').allTextContents();
    assert.deepEqual(labels.sort(), keys);
    assert.ok(labels.includes(hostile.rtl), 'the right-to-left override is kept as a character, not applied to the page');
    assert.ok(labels.includes(hostile.emoji));
    const groups = await page.locator('g.group text.group-label').allTextContents();
    assert.deepEqual(groups.sort(), [hostile.img, hostile.emoji].sort());
    // The user string of a key escapes its slashes (`<\/script>`), as Dagster writes it.
    const scriptKey = userKey([hostile.script]);
    const tooltip = await page.evaluate((key) => [...document.querySelectorAll('g.node')].find((n) => n.getAttribute('data-key') === key)?.querySelector('title')?.textContent, scriptKey);
    assert.equal(tooltip?.split('\n')[1], `asset in group ${hostile.img} (loc)`);
    assert.equal(tooltip?.split('\n')[3], hostile.img, 'the description is in the tooltip as text');
    const aria = await page.locator('g.node[role="button"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(aria.includes(`asset ${scriptKey}, group ${hostile.img}, static · 2 partitions, 0 upstream, 1 downstream`), aria.join('\n'));
    const context = await page.locator('g.node[data-key]').evaluateAll((els) => els.map((e) => JSON.parse(e.getAttribute('data-vscode-context') ?? '{}').assetKey as string));
    assert.deepEqual(context.sort(), keys, 'the context menu argument is the exact key');
  });

  test('no element, script or dialog came out of the data', async () => {
    const counts = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      images: document.querySelectorAll('img, image, iframe, object, embed, foreignObject').length,
      fromData: [...document.querySelectorAll('*')].filter((e) => e.hasAttribute('onerror') || e.localName === 'img').length,
    }));
    assert.deepEqual(counts, { scripts: 2, images: 0, fromData: 0 }, 'only the harness and bundle scripts exist');
    await page.locator('#search').fill(hostile.img);
    await page.waitForFunction(() => document.querySelectorAll('g.node.match').length > 0);
    assert.equal(await page.locator('#search-count').textContent(), '1 match');
    await page.waitForTimeout(200);
    assert.deepEqual(dialogs(page), []);
    assert.deepEqual(pageErrors(page), []);
    assert.deepEqual((await recorded(page)).cspViolations, []);
  });

  test('an exported SVG escapes the names', async () => {
    await send(page, { type: 'export/request', requestId: 1, format: 'svg' });
    await page.waitForFunction(() => (window as unknown as { __lineage: { posted: { type: string }[] } }).__lineage.posted.some((m) => m.type === 'export/result'));
    const result = (await posted(page)).find((m) => m.type === 'export/result');
    assert.ok(result && result.type === 'export/result', JSON.stringify(await posted(page)).slice(0, 500));
    assert.ok(!result.data.includes('<script'), 'no script tag in the file');
    assert.ok(!result.data.includes('<img'), 'no img tag in the file');
    assert.ok(result.data.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the names are in it, escaped');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror') !== null, scripts: doc.querySelectorAll('script').length, texts: [...doc.querySelectorAll('text.node-key')].map((t) => t.textContent) };
    }, result.data);
    assert.equal(parsed.error, false);
    assert.equal(parsed.scripts, 0);
    assert.ok(parsed.texts.includes(userKey([hostile.script])));
  });
});

describe('messages that do not follow the protocol', { timeout: 120_000 }, () => {
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

  test('are dropped with a warning in the extension log, and the view keeps working', async () => {
    const invalid: unknown[] = [
      'graph/set',
      null,
      { type: 'graph/explode' },
      { type: 'view/focus' },
      { type: 'view/focus', key: '' },
      { type: 'view/focus', key: 'raw/voyages', upstreamDepth: -1 },
      { type: 'export/request', requestId: 'x', format: 'svg' },
      { type: 'graph/set', workspaceName: 'harbor', graph: { version: 2, assets: [] } },
      { type: 'graph/set', workspaceName: 'harbor', graph: { ...harbor(), assets: [{ key: [] }] } },
    ];
    for (const message of invalid) await send(page, message as never);
    await page.waitForFunction((n) => (window as unknown as { __lineage: { posted: { type: string }[] } }).__lineage.posted.filter((m) => m.type === 'log').length >= n, invalid.length);
    const logs = (await posted(page)).filter((m) => m.type === 'log');
    assert.equal(logs.length, invalid.length, 'one warning per invalid message');
    for (const log of logs) {
      assert.ok(log.type === 'log');
      assert.equal(log.level, 'warn');
      assert.match(log.message, /^Ignored an invalid message/);
      assert.ok(log.message.length < 2100, 'the warning does not echo the whole message');
    }
    assert.match(logs.find((l) => l.type === 'log' && l.message.includes("'graph/explode'"))?.message ?? '', /graph\/explode/);
    assert.deepEqual((await nodeKeys(page)).length, 38, 'the last good graph stays');
    await sendAndDraw(page, { type: 'view/focus', key: 'raw/voyages', upstreamDepth: 0, downstreamDepth: 1 });
    assert.deepEqual(await nodeKeys(page), ['analytics/congestion/hourly_berth_occupancy', 'raw/port_calls', 'raw/voyages', 'stg_voyages']);
    assert.deepEqual(pageErrors(page), []);
  });
});
