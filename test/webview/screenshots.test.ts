// The graph in VS Code's four kinds of theme, saved to test-output/webview/ for people to look at.
// Each test also checks what makes a theme usable: text, outlines and edges differ from what is behind them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { hostileGraph } from './graphBuilders';
import { drawAfter, harbor, screenshot, sendAndDraw, showGraph, startHarness, type Harness, type Theme } from './harness';

interface Paint {
  background: string;
  nodeFill: string;
  nodeStroke: string;
  keyFill: string;
  metaFill: string;
  edgeStroke: string;
  groupFill: string;
}

const paintProbes: Record<keyof Paint, [selector: string, property: string]> = {
  background: ['svg#graph', 'background-color'],
  nodeFill: ['g.node[data-key="raw/voyages"] rect.node-body', 'fill'],
  nodeStroke: ['g.node[data-key="raw/voyages"] rect.node-body', 'stroke'],
  keyFill: ['g.node[data-key="raw/voyages"] text.node-key', 'fill'],
  metaFill: ['g.node[data-key="raw/voyages"] text.node-meta', 'fill'],
  edgeStroke: ['g.edge path.edge-path', 'stroke'],
  groupFill: ['g.group rect.group-box', 'fill'],
};

async function paint(page: Page): Promise<Paint> {
  const values: Record<string, string> = await page.evaluate(
    (probes) => Object.fromEntries(Object.entries(probes).map(([name, [selector, property]]) => [name, getComputedStyle(document.querySelector(selector)!).getPropertyValue(property)])),
    paintProbes,
  );
  return values as unknown as Paint;
}

const themes: Theme[] = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];

describe('themes and screenshots', { timeout: 240_000 }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  for (const theme of themes) {
    test(`${theme}: every colour comes from the theme and text stands out`, async () => {
      const page = await harness.open({ theme });
      await showGraph(page, harbor());
      const colours = await paint(page);
      for (const [name, value] of Object.entries(colours)) {
        assert.match(value, /^rgba?\(/, `${name} resolves to a colour (${value})`);
      }
      assert.notEqual(colours.keyFill, colours.nodeFill, 'key text differs from the node');
      assert.notEqual(colours.metaFill, colours.nodeFill, 'meta text differs from the node');
      assert.notEqual(colours.nodeStroke, colours.background, 'node outlines show');
      assert.notEqual(colours.edgeStroke, colours.background, 'edges show');
      if (theme.includes('high-contrast')) {
        const opacity = await page.locator('g.edge path.edge-path').first().evaluate((p) => getComputedStyle(p).strokeOpacity);
        assert.equal(opacity, '1', 'high contrast: edges are fully opaque');
      }
      await screenshot(page, `harbor-${theme.replace('vscode-', '')}`);
      await page.context().close();
    });
  }

  test('dark: focus, selection, search highlight and a collapsed group together', async () => {
    const page = await harness.open({ theme: 'vscode-dark' });
    await showGraph(page, harbor());
    await sendAndDraw(page, { type: 'view/focus', key: 'raw/port_calls', upstreamDepth: 2, downstreamDepth: 2 });
    await page.locator('g.node[data-key="stg_port_calls"]').click();
    await page.locator('#search').fill('calls');
    await page.waitForFunction(() => document.querySelectorAll('g.node.match').length > 0);
    const selected = await page.locator('g.node.selected rect.node-body').evaluate((r) => getComputedStyle(r).strokeWidth);
    assert.equal(selected, '2px', 'the selected node has a heavier outline');
    const highlighted = await page.locator('g.edge.edge-hi').count();
    assert.equal(highlighted, 2, "the selection's edges are highlighted (one in, one out)");
    await screenshot(page, 'harbor-focus-dark');
    await drawAfter(page, () => page.locator('#show-all').click());
    await drawAfter(page, () => page.locator('g.group[data-group="analytics"] .group-toggle').click());
    await screenshot(page, 'harbor-collapsed-dark');
    await page.context().close();
  });

  test('high contrast light: keyboard focus ring on a node', async () => {
    const page = await harness.open({ theme: 'vscode-high-contrast-light' });
    await showGraph(page, harbor());
    await page.locator('g.node[data-key="raw/voyages"]').focus();
    await page.keyboard.press('ArrowRight');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!.querySelector('rect.node-body')!).strokeWidth);
    assert.equal(ring, '3px', 'the focused node shows a 3 px ring');
    await screenshot(page, 'harbor-keyboard-hc-light');
    await page.context().close();
  });

  test('dark: hostile names render as plain text', async () => {
    const page = await harness.open({ theme: 'vscode-dark', width: 1000, height: 600 });
    await showGraph(page, hostileGraph());
    await screenshot(page, 'hostile-dark');
    await page.context().close();
  });
});
