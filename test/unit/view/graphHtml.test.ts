import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { graphCsp, graphHtml, newNonce } from '../../../src/core/view/graphHtml';

describe('graph page', () => {
  const input = { cspSource: 'https://file+.vscode-resource.example', nonce: 'abc123+/=', scriptUri: 'https://r/dist/webview.js', styleUri: 'https://r/media/graph.css' };

  test('strict CSP: nonce scripts, extension styles, blob workers, nothing inline', () => {
    assert.equal(
      graphCsp(input.cspSource, input.nonce),
      "default-src 'none'; script-src 'nonce-abc123+/='; style-src https://file+.vscode-resource.example; img-src https://file+.vscode-resource.example data: blob:; font-src https://file+.vscode-resource.example; worker-src blob:;",
    );
    const html = graphHtml(input);
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
    assert.match(html, /<body>\s*<div id="app"><\/div>\s*<script nonce="abc123\+\/=" src="https:\/\/r\/dist\/webview.js"><\/script>\s*<\/body>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/r\/media\/graph.css">/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
  });

  test('a fresh nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
  });
});
