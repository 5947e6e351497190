// Workspace trust left on: the user answers the trust dialog with "don't trust", VS Code enters
// Restricted Mode, and the lineage graph (read statically, nothing executed) still works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { contextMenu, editorFor, fakeDagster, fakeOnPath, nodeKeys, openHarbor, showLineage, stableNodeCount, step, userKey, waitFor, type Session } from './workbench';

describe('Asset Lineage in Restricted Mode', { timeout: 600_000 }, () => {
  let session: Session;
  const fake = fakeDagster();

  before(async () => {
    session = await openHarbor('restricted', { trustWorkspace: false, env: fakeOnPath(fake) });
  });
  after(async () => {
    await session?.close();
  });

  test('"Don\'t trust" puts the window in Restricted Mode and the graph still renders', { timeout: 180_000 }, async () => {
    const { page } = session;
    await step(session, 'restricted-mode', async () => {
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
        throw new Error('the workspace trust dialog did not appear (is security.workspace.trust enabled?)');
      });
      await session.screenshot('trust-dialog');
      const button = dialog.locator('.monaco-button', { hasText: /don.t trust/i });
      const labels = (await dialog.locator('.monaco-button').allTextContents()).map((t) => t.trim());
      assert.ok((await button.count()) > 0, `the trust dialog offers "don't trust" (buttons: ${labels.join(' | ')})`);
      await button.first().click();
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      await waitFor(
        async () => ((await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0 ? true : undefined),
        15_000,
        () => 'the status bar does not show "Restricted Mode"',
      );

      const graph = await showLineage(session);
      const expected = session.graph.assets.map((a) => userKey(a.key)).sort();
      await stableNodeCount(graph, (n) => n === expected.length).catch(() => undefined);
      await session.screenshot('graph');
      assert.deepEqual((await nodeKeys(graph)).sort(), expected);

      // Opening a definition is reading, which Restricted Mode allows.
      const asset = session.graph.assets.find((a) => userKey(a.key) === 'raw/voyages');
      assert.ok(asset);
      await graph.locator('g.node[data-key="raw/voyages"]').click();
      await waitFor(
        async () => ((await editorFor(page, 'voyages.py')).line === asset.line ? true : undefined),
        20_000,
        async () => `no editor shows voyages.py at line ${asset.line}: ${JSON.stringify(await editorFor(page, 'voyages.py'))}`,
      );
      await session.screenshot('open-definition');
    });
  });

  test('Backfill… launches nothing in Restricted Mode and says why', { timeout: 120_000 }, async () => {
    const { page } = session;
    await step(session, 'restricted-backfill', async () => {
      const graph = await showLineage(session);
      await contextMenu(page, graph, 'g.node[data-key="raw/voyages"]', 'Backfill…');
      const toast = page.locator('.notification-toast', { hasText: 'Restricted Mode' });
      await waitFor(async () => ((await toast.count()) > 0 ? true : undefined), 20_000, () => 'no notification explains that Restricted Mode launches nothing');
      assert.match((await toast.first().textContent()) ?? '', /nothing is launched/);
      await session.screenshot('restricted-backfill');
      await page.waitForTimeout(2000);
      assert.deepEqual(fake.recorded(), [], 'dagster was never run');
    });
  });
});
