// Serves the built webview in a page like the real one (same CSP, same single `#app`, a recording
// fake of `acquireVsCodeApi`) and drives it in a real Chromium through playwright-core.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { assetGraphSchema, type AssetGraph } from '../../src/core/model/graph';
import { graphCsp } from '../../src/core/view/graphHtml';
import type { GraphViewState, ToHost, ToWebview } from '../../src/protocol/graphProtocol';
// Plain JavaScript shared with the e2e suite: one place says where Chromium is and how to start it.
import { chromiumArgs, requireChromium } from '../../scripts/e2e/chromium.mjs';

export const repoRoot = join(__dirname, '..', '..');
export const outputDir = join(repoRoot, 'test-output', 'webview');

export type Theme = 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast' | 'vscode-high-contrast-light';

/** What the page records, on `window.__lineage`. */
export interface Recorded {
  posted: ToHost[];
  setStateCalls: number;
  cspViolations: string[];
  workers: number;
  workerErrors: number;
}

let harborGraph: AssetGraph | undefined;

/** The example project's graph, from the CLI exactly as a user would get it. */
export function harbor(): AssetGraph {
  if (!harborGraph) {
    const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'scan', join(repoRoot, 'examples', 'harbor'), '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`asset-lineage scan failed (${result.status}): ${result.stderr}`);
    harborGraph = assetGraphSchema.parse(JSON.parse(result.stdout)) as AssetGraph;
  }
  return harborGraph;
}

function page(nonce: string, origin: string, theme: Theme): string {
  // The fake host API: records every posted message, and keeps state in sessionStorage so a reload
  // gets it back from getState(), as VS Code does for a webview that is reloaded.
  const fake = `
window.__lineage = { posted: [], setStateCalls: 0, cspViolations: [], workers: 0, workerErrors: 0 };
// Counts layout workers (and their failures): the client falls back to the main thread silently.
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    window.__lineage.workers++;
    this.addEventListener('error', () => window.__lineage.workerErrors++);
  }
};
document.addEventListener('securitypolicyviolation', (e) => window.__lineage.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__lineage.posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => { const s = sessionStorage.getItem('vscodeState'); return s === null ? undefined : JSON.parse(s); },
  setState: (s) => { window.__lineage.setStateCalls++; sessionStorage.setItem('vscodeState', JSON.stringify(s)); return s; },
});`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${graphCsp(origin, nonce)}">
<link rel="stylesheet" href="${origin}/fixtures/vscodeTheme.css">
<link rel="stylesheet" href="${origin}/media/graph.css">
<script nonce="${nonce}">${fake}</script>
<title>Asset Lineage harness</title>
</head>
<body class="${theme}" data-vscode-theme-kind="${theme}">
<div id="app"></div>
<script nonce="${nonce}" src="${origin}/dist/webview.js"></script>
</body>
</html>`;
}

export interface Harness {
  browser: Browser;
  origin: string;
  open(options?: { theme?: Theme; width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const files: Record<string, { path: string; type: string }> = {
    '/media/graph.css': { path: join(repoRoot, 'media', 'graph.css'), type: 'text/css' },
    '/dist/webview.js': { path: join(repoRoot, 'dist', 'webview.js'), type: 'text/javascript' },
    '/fixtures/vscodeTheme.css': { path: join(__dirname, 'fixtures', 'vscodeTheme.css'), type: 'text/css' },
  };
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const file = files[url.pathname];
    if (file) {
      response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
      response.end(readFileSync(file.path));
      return;
    }
    if (url.pathname === '/') {
      const theme = (url.searchParams.get('theme') ?? 'vscode-dark') as Theme;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page(randomBytes(16).toString('base64'), origin, theme));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: requireChromium() as string, args: chromiumArgs as string[] });
  mkdirSync(outputDir, { recursive: true });
  return {
    browser,
    origin,
    async open({ theme = 'vscode-dark', width = 1400, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
      const p = await context.newPage();
      const seen = { errors: [] as string[], dialogs: [] as string[] };
      p.on('pageerror', (error) => seen.errors.push(String(error)));
      // An alert() blocks the page; record it on this side and dismiss it.
      p.on('dialog', (dialog) => {
        seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      pageRecords.set(p, seen);
      await p.goto(`${origin}/?theme=${theme}`);
      await p.waitForFunction(() => (window as unknown as { __lineage?: Recorded }).__lineage?.posted.some((m) => m.type === 'ready'));
      return p;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const pageRecords = new WeakMap<Page, { errors: string[]; dialogs: string[] }>();

/** Uncaught errors in the page so far. */
export function pageErrors(p: Page): string[] {
  return pageRecords.get(p)?.errors ?? [];
}

/** alert/confirm/prompt dialogs the page opened so far. */
export function dialogs(p: Page): string[] {
  return pageRecords.get(p)?.dialogs ?? [];
}

export async function recorded(p: Page): Promise<Recorded> {
  return p.evaluate(() => (window as unknown as { __lineage: Recorded }).__lineage);
}

export async function posted(p: Page): Promise<ToHost[]> {
  return (await recorded(p)).posted;
}

export async function clearPosted(p: Page): Promise<void> {
  await p.evaluate(() => {
    (window as unknown as { __lineage: Recorded }).__lineage.posted.length = 0;
  });
}

export async function savedState(p: Page): Promise<GraphViewState | null> {
  return p.evaluate(() => {
    const s = sessionStorage.getItem('vscodeState');
    return s === null ? null : (JSON.parse(s) as GraphViewState);
  });
}

/** Posts a message the way the extension host does (the webview receives it as a `message` event). */
export async function send(p: Page, message: ToWebview | Record<string, unknown> | string | null): Promise<void> {
  await p.evaluate((m) => window.postMessage(m, '*'), message);
}

/**
 * Sends a message that changes the drawing and waits until it is on screen: `#app[data-state]`
 * is set to a marker first, and the app sets it back to `ready` once it has drawn.
 */
export async function sendAndDraw(p: Page, message: ToWebview, timeout = 60_000): Promise<void> {
  await p.evaluate(() => document.getElementById('app')?.setAttribute('data-state', 'test-waiting'));
  await send(p, message);
  await waitDrawn(p, timeout);
}

export async function waitDrawn(p: Page, timeout = 60_000): Promise<void> {
  await p.waitForFunction(() => document.getElementById('app')?.getAttribute('data-state') === 'ready', undefined, { timeout });
}

/** Runs an action in the page that re-draws, and waits for the new drawing. */
export async function drawAfter(p: Page, action: () => Promise<unknown>, timeout = 60_000): Promise<void> {
  await p.evaluate(() => document.getElementById('app')?.setAttribute('data-state', 'test-waiting'));
  await action();
  await waitDrawn(p, timeout);
}

export async function showGraph(p: Page, graph: AssetGraph, workspaceName = 'harbor'): Promise<void> {
  await sendAndDraw(p, { type: 'graph/set', graph, workspaceName });
}

/** `data-key` of every asset node on screen, sorted. */
export async function nodeKeys(p: Page): Promise<string[]> {
  return (await p.locator('g.node[data-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''))).sort();
}

export function userKey(key: readonly string[]): string {
  return key.map((part) => part.replace(/\//g, '\\/')).join('/');
}

export async function screenshot(p: Page, name: string): Promise<string> {
  const path = join(outputDir, `${name}.png`);
  await p.screenshot({ path });
  return path;
}

/** Asks for an export the way the host does and returns the webview's answer. */
export async function exportOnce(page: Page, requestId: number, format: 'svg' | 'png'): Promise<ToHost> {
  await send(page, { type: 'export/request', requestId, format });
  await page.waitForFunction(
    (id) => (window as unknown as { __lineage: { posted: { requestId?: number }[] } }).__lineage.posted.some((m) => m.requestId === id),
    requestId,
    { timeout: 30_000 },
  );
  const messages = await page.evaluate(() => (window as unknown as { __lineage: { posted: ToHost[] } }).__lineage.posted);
  const answer = messages.find((m) => 'requestId' in m && m.requestId === requestId);
  assert.ok(answer);
  return answer;
}
