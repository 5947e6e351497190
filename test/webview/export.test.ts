// "Export Graph…": the host asks, the webview answers with a standalone SVG or a PNG.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { exportOnce, harbor, send, sendAndDraw, showGraph, startHarness, userKey, type Harness } from './harness';

describe('export', { timeout: 120_000 }, () => {
  let harness: Harness;
  let page: Page;

  before(async () => {
    harness = await startHarness();
    page = await harness.open({ theme: 'vscode-light' });
  });
  after(async () => {
    await harness?.close();
  });

  test('before a graph arrives, the request fails with a reason', async () => {
    const answer = await exportOnce(page, 1, 'svg');
    assert.deepEqual(answer, { type: 'export/failed', requestId: 1, message: 'there is no graph to export yet' });
  });

  test('SVG: a standalone file with every node, edge and label, in the theme colours', async () => {
    await showGraph(page, harbor());
    const answer = await exportOnce(page, 2, 'svg');
    assert.ok(answer.type === 'export/result' && answer.format === 'svg');
    const svg = answer.data;
    assert.ok(svg.startsWith('<?xml'), 'an XML declaration');
    assert.ok(!svg.includes('var(--'), 'no CSS variables: viewers do not have the theme');
    assert.ok(!svg.includes('tabindex') && !svg.includes('data-vscode-context'), 'no interactive attributes');
    const facts = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      const body = doc.querySelector('g.node[data-key="raw/voyages"] rect.node-body');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        name: root.localName,
        namespace: root.namespaceURI,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        keys: [...doc.querySelectorAll('g.node')].map((n) => n.getAttribute('data-key')),
        edges: doc.querySelectorAll('path.edge-path').length,
        labels: [...doc.querySelectorAll('.edge-label tspan')].map((t) => t.textContent),
        background: doc.querySelector('svg > rect')?.getAttribute('fill'),
        nodeFill: body?.getAttribute('fill'),
        nodeStroke: body?.getAttribute('stroke'),
        fontSize: doc.querySelector('text.node-key')?.getAttribute('font-size'),
        toggles: doc.querySelectorAll('.group-toggle').length,
      };
    }, svg);
    assert.equal(facts.error, null);
    assert.equal(facts.name, 'svg');
    assert.equal(facts.namespace, 'http://www.w3.org/2000/svg');
    assert.ok(facts.width > 500 && facts.height > 300);
    assert.deepEqual(facts.keys.sort(), harbor().assets.map((a) => userKey(a.key)).sort());
    assert.equal(facts.edges, 38);
    assert.ok(facts.labels.includes('time_window −1'));
    assert.equal(facts.background, 'rgb(255, 255, 255)', 'the light theme background');
    assert.equal(facts.nodeFill, 'rgb(248, 248, 248)', 'the light theme widget background');
    assert.ok(facts.nodeStroke?.startsWith('rgb('));
    assert.equal(facts.fontSize, '13px');
    assert.equal(facts.toggles, 0, 'no collapse buttons in a picture');
  });

  test('SVG exports what is shown: a focused view exports only its neighbourhood', async () => {
    await sendAndDraw(page, { type: 'view/focus', key: 'raw/port_calls', upstreamDepth: 1, downstreamDepth: 1 });
    const answer = await exportOnce(page, 3, 'svg');
    assert.ok(answer.type === 'export/result');
    const count = await page.evaluate((text) => new DOMParser().parseFromString(text, 'image/svg+xml').querySelectorAll('g.node').length, answer.data);
    assert.equal(count, 6);
    await sendAndDraw(page, { type: 'view/showAll' });
  });

  test('PNG: a data URL of a real PNG at twice the drawing size', async () => {
    const svgAnswer = await exportOnce(page, 4, 'svg');
    assert.ok(svgAnswer.type === 'export/result');
    const width = Number(/width="(\d+)"/.exec(svgAnswer.data)?.[1]);
    const answer = await exportOnce(page, 5, 'png');
    assert.ok(answer.type === 'export/result' && answer.format === 'png');
    assert.ok(answer.data.startsWith('data:image/png;base64,'));
    const png = Buffer.from(answer.data.slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.equal(png.readUInt32BE(16), Math.floor(width * 2));
    assert.ok(png.length > 20_000, 'an image with content, not a blank canvas');
    const blank = await page.evaluate(async (url) => {
      const image = new Image();
      image.src = url;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if ((pixels[i] ?? 255) < 128) dark++;
      return dark;
    }, answer.data);
    assert.ok(blank > 1000, 'text and lines are drawn in it');
  });
});
