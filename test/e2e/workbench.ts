// What the e2e tests share: a copy of examples/harbor, a code-server with the packaged extension,
// a headless Chromium on its workbench, and helpers that act as a user would (command palette,
// clicks in the graph webview, the context menu, the side bar). See scripts/e2e/codeServer.mjs.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { chromiumArgs, requireChromium } from '../../scripts/e2e/chromium.mjs';
import { packageExtension, repoRoot, startCodeServer, type CodeServer } from '../../scripts/e2e/codeServer.mjs';

export const outputDir = join(repoRoot, 'test-output', 'e2e');

/** The asset graph the CLI computes for a folder: what the views must show. */
export interface ScannedGraph {
  assets: { key: string[]; file: string; line: number; group: string; codeLocation: string; kind: string }[];
  codeLocations: { name: string }[];
}

/** The user string of a key (`raw/voyages`), as the webview's `data-key` holds it. */
export const userKey = (key: string[]): string => key.map((part) => part.replaceAll('/', '\\/')).join('/');

export function scanWithCli(folder: string): ScannedGraph {
  const cli = join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (node esbuild.mjs)`);
  return JSON.parse(execFileSync(process.execPath, [cli, 'scan', folder, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

let packaged: Promise<string> | undefined;
/** The .vsix under test: the one `runTests.mjs e2e` packaged for the whole run, else packaged once here. */
function extensionPackage(): Promise<string> {
  const prepared = process.env.ASSET_LINEAGE_E2E_VSIX;
  if (prepared && existsSync(prepared)) return Promise.resolve(prepared);
  if (!packaged) {
    const folder = mkdtempSync(join(tmpdir(), 'asset-lineage-vsix-out-'));
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
    packaged = packageExtension({ outFile: join(folder, 'asset-lineage.vsix') });
  }
  return packaged;
}

export interface Session {
  name: string;
  server: CodeServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The temporary copy of examples/harbor that is open. */
  workspace: string;
  graph: ScannedGraph;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Copies examples/harbor to a temporary folder (tests never touch the repository), starts
 * code-server on it and opens the workbench in Chromium.
 * `trustWorkspace: false` leaves workspace trust on, so the trust dialog appears. `env` is added to
 * code-server's environment (and so to the processes tasks start).
 */
export async function openHarbor(
  name: string,
  { trustWorkspace = true, env = {} as Record<string, string>, workspaceSettings = null as Record<string, unknown> | null } = {},
): Promise<Session> {
  const executablePath = requireChromium();
  mkdirSync(outputDir, { recursive: true });
  const workspace = join(mkdtempSync(join(tmpdir(), `asset-lineage-e2e-${name}-`)), 'harbor');
  cpSync(join(repoRoot, 'examples', 'harbor'), workspace, { recursive: true });
  if (workspaceSettings) {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
  }
  const graph = scanWithCli(workspace);
  const server = await startCodeServer({
    workspace,
    vsix: await extensionPackage(),
    trustWorkspace,
    // With trust on, ask every time (the default, "once", may decide without asking in a fresh profile).
    settings: trustWorkspace ? {} : { 'security.workspace.trust.startupPrompt': 'always' },
    env,
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: chromiumArgs });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // The activity bar entry comes from the extension's manifest: once it shows, the extension is
    // installed and its contributions (commands included) are registered with the workbench.
    await page
      .locator('.activitybar a[class*="activity-workbench-view-extension-assetLineage"]')
      .waitFor({ timeout: 60_000 })
      .catch(() => {
        throw new Error('the Asset Lineage activity bar entry never appeared: the extension is not installed, or its manifest failed to load');
      });
    const session: Session = {
      name,
      server,
      browser,
      context,
      page,
      workspace,
      graph,
      async screenshot(shot) {
        const path = join(outputDir, `${name}-${shot}.png`);
        await page.screenshot({ path }).catch(() => undefined);
        return path;
      },
      async close() {
        await browser?.close().catch(() => undefined);
        await server.stop({ saveLogsTo: join(outputDir, 'logs', name) });
        rmSync(join(workspace, '..'), { recursive: true, force: true });
      },
    };
    return session;
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.stop({ saveLogsTo: join(outputDir, 'logs', name) });
    throw error;
  }
}

/** Runs `body`; on failure saves a screenshot named after the step and rethrows. */
export async function step<T>(session: Session, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const shot = await session.screenshot(`FAILED-${name}`);
    if (error instanceof Error) error.message += `\n(screenshot: ${shot}; logs: ${join(outputDir, 'logs', session.name)})`;
    throw error;
  }
}

/** Waits until `check` returns a value that is not undefined, or fails with `describe()`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, describe: () => Promise<string> | string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(await describe());
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Runs a command from the command palette: F1, its title, Enter (retrying while the palette does not list it yet). */
export async function runCommand(page: Page, title: string, timeoutMs = 20_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const labels = page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name');
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const found = await waitFor(
      async () => {
        const texts = (await labels.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
        seen = texts;
        const index = texts.indexOf(title);
        return index >= 0 ? index : undefined;
      },
      3000,
      () => 'not listed',
    ).catch(() => -1);
    if (found >= 0) {
      await labels.nth(found).click();
      await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      return;
    }
    if (Date.now() > deadline) {
      await page.keyboard.press('Escape');
      throw new Error(`the command palette has no command "${title}" (it lists: ${seen.length ? seen.join(' | ') : 'nothing'}); is it contributed and registered?`);
    }
  }
}

/** The webview frame holding `selector` (webview documents are nested iframes of the workbench). */
export async function frameWith(page: Page, selector: string, timeoutMs: number, what: string): Promise<Frame> {
  return waitFor(
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        const found = await frame.$(selector).catch(() => null);
        if (found) return frame;
      }
      return undefined;
    },
    timeoutMs,
    async () => {
      const urls = page.frames().map((f) => f.url()).filter((u) => u.includes('webview'));
      return `${what}: no webview frame shows ${selector} after ${timeoutMs / 1000} s (webview frames: ${urls.length ? urls.join(', ') : 'none'})`;
    },
  );
}

/** Opens the lineage graph with "Asset Lineage: Show Lineage" and waits for its nodes. */
export async function showLineage(session: Session): Promise<Frame> {
  await runCommand(session.page, 'Asset Lineage: Show Lineage');
  return frameWith(session.page, 'svg#graph g.node', 90_000, 'the lineage graph did not render');
}

export async function nodeKeys(frame: Frame): Promise<string[]> {
  return frame.locator('svg#graph g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-key') ?? ''));
}

/** Waits for the graph to settle on a node count (layout runs in a worker). */
export async function stableNodeCount(frame: Frame, expect?: (n: number) => boolean, timeoutMs = 30_000): Promise<number> {
  let last = -1;
  let since = Date.now();
  return waitFor(
    async () => {
      const count = await frame.locator('svg#graph g.node').count();
      if (count !== last) {
        last = count;
        since = Date.now();
        return undefined;
      }
      return Date.now() - since > 750 && (!expect || expect(count)) ? count : undefined;
    },
    timeoutMs,
    () => `the graph shows ${last} nodes, not the expected number`,
  );
}


/**
 * Picks the visible quick pick item whose label contains `text` (a closing quick pick's rows do not
 * count). A click that lands while the quick pick is still settling can be lost, so it is repeated
 * until the quick pick moves on (the row is gone).
 */
export async function pickItem(page: Page, text: string): Promise<void> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const row = rows.filter({ hasText: text }).first();
  const title = async (): Promise<string> => ((await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '').trim();
  await waitFor(
    async () => ((await row.isVisible()) ? true : undefined),
    30_000,
    async () => `the quick pick shows no item "${text}" (it has: ${(await rows.allTextContents()).map((t) => t.trim()).join(' | ')})`,
  );
  const before = await title();
  for (let attempt = 0; attempt < 3; attempt++) {
    await row.click({ timeout: 10_000 }).catch(() => undefined);
    const moved = await waitFor(async () => ((await title()) !== before || !(await row.isVisible()) ? true : undefined), 5_000, () => '').catch(() => false);
    if (moved) return;
  }
  throw new Error(`clicking "${text}" in the quick pick "${before}" did nothing`);
}

/** Types into the input box whose title contains `titlePart` (once it has replaced the quick pick before it) and presses Enter. */
export async function answerInput(page: Page, titlePart: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await waitFor(
    async () => (((await widget.locator('.quick-input-title').textContent().catch(() => '')) ?? '').includes(titlePart) && (await widget.locator('input').isEditable().catch(() => false)) ? true : undefined),
    30_000,
    async () => `no input box "${titlePart}" (the quick input says "${await widget.locator('.quick-input-title').textContent().catch(() => '')}")`,
  );
  const input = widget.locator('input');
  await input.fill(text);
  await input.press('Enter');
}

/** Right-clicks an element in a webview and picks an item of VS Code's context menu. */
export async function contextMenu(page: Page, frame: Frame, selector: string, item: string): Promise<void> {
  await frame.locator(selector).first().click({ button: 'right' });
  const menu = page.locator('.monaco-menu');
  await waitFor(
    async () => ((await menu.count()) > 0 && (await menu.first().isVisible()) ? true : undefined),
    10_000,
    () => `right-clicking ${selector} opened no context menu`,
  );
  const entries = page.locator('.monaco-menu .action-item:not(.disabled) .action-label');
  const labels = (await entries.allTextContents()).map((t) => t.trim());
  const index = labels.indexOf(item);
  if (index < 0) throw new Error(`the context menu of ${selector} has no "${item}" (it has: ${labels.filter(Boolean).join(' | ')})`);
  // The menu ignores a mouse-up that comes too soon after it opened; let it settle, click, and when
  // it is still open, press Enter on the (hovered, so focused) item.
  await page.waitForTimeout(300);
  await entries.nth(index).hover();
  await entries.nth(index).click();
  const closed = async () => ((await menu.count()) === 0 || !(await menu.first().isVisible()) ? true : undefined);
  const done = await waitFor(closed, 2000, () => 'open').catch(() => false);
  if (!done) {
    await page.keyboard.press('Enter');
    await waitFor(closed, 5000, () => `the context menu stayed open after choosing "${item}"`);
  }
}

/**
 * Where the editor showing `fileName` is: whether its tab is the active one of the active group,
 * its path from the breadcrumbs, and its cursor line (the status bar's "Ln N" when it is the
 * active editor, else the highlighted line number of its group).
 */
export async function editorFor(page: Page, fileName: string): Promise<{ active: boolean; path: string; line: number | null; tabs: string[] }> {
  const tabs = await page.locator('.tab.active').evaluateAll((es) => es.map((e) => e.getAttribute('data-resource-name') ?? ''));
  const activeGroup = page.locator('.editor-group-container.active');
  const active = (await activeGroup.locator(`.tab.active[data-resource-name="${fileName}"]`).count()) > 0;
  const group = active ? activeGroup : page.locator('.editor-group-container').filter({ has: page.locator(`.tab.active[data-resource-name="${fileName}"]`) }).first();
  const crumbs = (await group.locator('.breadcrumbs-control .monaco-breadcrumb-item .label-name').allTextContents().catch(() => [])).map((t) => t.trim());
  const path = crumbs.join('/');
  if (active) {
    const status = (await page.locator('[id="status.editor.selection"]').first().textContent({ timeout: 1000 }).catch(() => '')) ?? '';
    const line = /Ln (\d+)/.exec(status)?.[1];
    if (line) return { active, path, line: Number(line), tabs };
  }
  const number = await group.locator('.monaco-editor .line-numbers.active-line-number').first().textContent({ timeout: 1000 }).catch(() => null);
  return { active, path, line: number ? Number(number.trim()) : null, tabs };
}

/** Text on the system clipboard, as the page (and so VS Code) sees it. */
export async function clipboardText(page: Page): Promise<string> {
  await page.bringToFront();
  return page.evaluate(() => navigator.clipboard.readText());
}

/** The rows of the tree views in the side bar: label, level, and whether they are expanded. */
export async function sideBarRows(page: Page): Promise<{ label: string; level: number; expanded: string | null }[]> {
  return page.locator('.part.sidebar .monaco-list-row').evaluateAll((elements) =>
    elements.map((e) => ({
      label: (e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? '').trim(),
      level: Number(e.getAttribute('aria-level') ?? 0),
      expanded: e.getAttribute('aria-expanded'),
    })),
  );
}

/** Expands the collapsed side-bar row whose label is `label` (a no-op when it is expanded). */
export async function expandRow(page: Page, label: string): Promise<void> {
  const row = page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
  await waitFor(async () => ((await row.count()) > 0 ? true : undefined), 15_000, async () => `the side bar has no row "${label}" (rows: ${(await sideBarRows(page)).map((r) => r.label).join(' | ')})`);
  if ((await row.first().getAttribute('aria-expanded')) === 'false') {
    await row.first().locator('.monaco-tl-twistie').click();
    await waitFor(async () => ((await row.first().getAttribute('aria-expanded')) === 'true' ? true : undefined), 5000, () => `the row "${label}" did not expand`);
  }
}

export interface Recorded {
  argv: string[];
  cwd: string;
  dagsterHome: string | null;
}

/** A `dagster` to put first on PATH: it appends what it was run with to argv.jsonl, and fails the first run for the partition `failOnce`. */
export function fakeDagster(failOnce: string | null = null): { dir: string; log: string; recorded(): Recorded[] } {
  const dir = mkdtempSync(join(tmpdir(), 'asset-lineage-fake-dagster-'));
  const log = join(dir, 'argv.jsonl');
  const marker = join(dir, 'fail-once');
  if (failOnce !== null) writeFileSync(marker, '');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const argv = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: ['dagster', ...argv], cwd: process.cwd(), dagsterHome: process.env.DAGSTER_HOME ?? null }) + '\\n');
const partition = argv[argv.indexOf('--partition') + 1];
console.log('fake dagster: ' + argv.join(' '));
if (partition === ${JSON.stringify(failOnce)} && fs.existsSync(${JSON.stringify(marker)})) {
  fs.unlinkSync(${JSON.stringify(marker)});
  console.error('fake dagster: failing this run once');
  process.exit(1);
}
`;
  writeFileSync(join(dir, 'dagster'), script);
  chmodSync(join(dir, 'dagster'), 0o755);
  return {
    dir,
    log,
    recorded: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Recorded) : []),
  };
}

/**
 * code-server's environment with the fake first on PATH. VSCODE_CLI=1 is what a server started from
 * a terminal has: the extension host then keeps this environment instead of reading a login
 * shell's (which would not have the fake, as a desktop VS Code would not have a terminal's venv).
 */
export function fakeOnPath(fake: { dir: string }): Record<string, string> {
  return { PATH: `${fake.dir}${delimiter}${process.env.PATH ?? ''}`, VSCODE_CLI: '1' };
}
