import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openHarbor, step, waitFor, type Session } from './workbench';

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
    await session.screenshot('codelens');
  });
});
