import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expandRow, openHarbor, runCommand, step, waitFor, type Session } from './workbench';

/** The editor side of the extension in a real VS Code: CodeLens over asset definitions. */
describe('editor integration in a real VS Code', { timeout: 300_000 }, () => {
  let session: Session;
  before(async () => {
    session = await openHarbor('editor');
  });
  after(async () => {
    await session?.close();
  });

  test('CodeLens above an asset shows its upstream and downstream counts from the scan', async () => {
    const { page } = session;
    const voyages = session.graph.assets.find((a) => a.key.join('/') === 'raw/voyages');
    assert.ok(voyages, 'the scan has raw/voyages');
    await step(session, 'open-voyages', async () => {
      await page.keyboard.press('Control+P');
      await page.keyboard.type('voyages.py');
      // Quick Open fills its list asynchronously; Enter before the row exists opens nothing.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'voyages.py' }).first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
    });
    const lens = await step(session, 'codelens', () =>
      waitFor(
        async () => {
          const texts = await page.locator('.codelens-decoration').allInnerTexts();
          return texts.find((t) => /upstream/.test(t) && /downstream/.test(t));
        },
        90_000,
        async () => `CodeLens texts: ${JSON.stringify(await page.locator('.codelens-decoration').allInnerTexts())}`,
      ),
    );
    // raw/voyages has one upstream asset (vessel_registry) in the example.
    assert.match(lens, /1 upstream/);
    assert.match(lens, /Show in graph/);
    assert.match(lens, /Backfill…/, 'a partitioned asset offers a backfill');
    // raw/port_calls, in the same file, has a failed partition in the example's instance.
    await waitFor(
      async () => ((await page.locator('.codelens-decoration').allInnerTexts()).some((t) => /1 failed/.test(t)) ? true : undefined),
      60_000,
      async () => `no CodeLens says what needs work: ${JSON.stringify(await page.locator('.codelens-decoration').allInnerTexts())}`,
    );
    await session.screenshot('codelens');
  });

  test('hovering an asset key shows the partitions that exist now', async () => {
    const { page } = session;
    await step(session, 'open-congestion', async () => {
      await page.keyboard.press('Control+P');
      await page.keyboard.type('congestion.py');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'congestion.py' }).first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
      // Bring the AssetDep(AssetKey(["raw", "container_moves"]), ...) of container_dwell into view.
      await page.keyboard.press('Control+G');
      await page.keyboard.type('66');
      await page.keyboard.press('Enter');
    });
    const hover = await step(session, 'hover', () =>
      waitFor(
        async () => {
          const token = page.locator('.monaco-editor .view-lines span span', { hasText: 'container_moves' }).first();
          if (!(await token.isVisible().catch(() => false))) return undefined;
          await token.hover();
          const text = await page.locator('.monaco-hover-content').first().innerText({ timeout: 5_000 }).catch(() => '');
          return /partitions? now/.test(text) ? text : undefined;
        },
        90_000,
        async () => `hover: ${JSON.stringify(await page.locator('.monaco-hover-content').allInnerTexts())}`,
      ),
    );
    // Daily from 2024-01-01 times four ports, counted at the current time.
    const days = Math.floor((Date.now() - Date.UTC(2024, 0, 1)) / 86_400_000);
    const count = Number(/([\d,]+) partitions now/.exec(hover)?.[1]?.replace(/,/g, ''));
    assert.ok(count === days * 4 || count === (days - 1) * 4, `${count} partitions for ${days} complete days`);
    assert.match(hover, /2024-01-01\|rotterdam …/);
    await session.screenshot('hover-partitions');
  });

  test('the example instance: the status bar and the Assets tree show stale, failed and impacted assets', async () => {
    const { page } = session;
    // examples/harbor/dagster.yaml points at .dagster, the instance built by `npm run example:instance`.
    const status = await step(session, 'status-bar', () =>
      waitFor(
        async () => {
          const texts = await page.locator('.statusbar-item').allInnerTexts();
          return texts.find((t) => /Dagster:/.test(t) && /stale/.test(t));
        },
        90_000,
        async () => `status bar: ${JSON.stringify(await page.locator('.statusbar-item').allInnerTexts())}`,
      ),
    );
    // raw/port_calls has a failed partition; weekly_congestion_index runs an older code version.
    assert.match(status, /1 failed/);
    assert.match(status, /2 stale/);
    assert.match(status, /impacted/);
    await step(session, 'tree-status', async () => {
      await runCommand(page, 'View: Show Asset Lineage');
      await expandRow(page, session.graph.codeLocations[0]?.name ?? 'harbor');
      await expandRow(page, 'ingestion');
      const description = await waitFor(
        async () => {
          const row = page.locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*raw\/port_calls\s*$/ }) }).first();
          const text = await row.locator('.label-description').innerText({ timeout: 2_000 }).catch(() => '');
          return /failed/.test(text) ? text : undefined;
        },
        30_000,
        async () => `tree rows: ${JSON.stringify(await page.locator('.part.sidebar .monaco-list-row').allInnerTexts())}`,
      );
      assert.match(description, /1 failed · 1 stale/);
      await session.screenshot('tree-status');
    });
  });
});
