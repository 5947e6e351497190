// A backfill from a right-click, end to end in a real VS Code (code-server) on a copy of
// examples/harbor: Backfill… → a range → with downstream → the preview → Launch. A fake `dagster`
// first on PATH records the argv of every run (and fails one run once); the test compares them with
// what `asset-lineage plan` says, follows the Backfills view, and uses "Retry Failed".
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { repoRoot } from '../../scripts/e2e/codeServer.mjs';
import { answerInput, contextMenu, expandRow, fakeDagster, fakeOnPath, openHarbor, outputDir, pickItem, showLineage, sideBarRows, stableNodeCount, step, waitFor, type Session } from './workbench';

/** A partitioned asset with a small downstream, and two days of it. */
const asset = 'feeds/rotterdam_gate_events';
const range = '2025-01-01...2025-01-03';
/** The run that fails once (the fake exits 1 the first time it sees this partition). */
const failOnce = '2025-01-02';

describe('Backfill from a right-click in VS Code (code-server)', { timeout: 900_000 }, () => {
  let session: Session;
  let graph: Frame;
  const fake = fakeDagster(failOnce);

  before(async () => {
    session = await openHarbor('backfill', { env: fakeOnPath(fake) });
  });
  after(async () => {
    await session?.close();
  });

  test('Backfill… with downstream launches exactly the planned runs; a failed run is retried with "Retry Failed"', { timeout: 600_000 }, async () => {
    const { page } = session;
    // What the plan must be: the CLI on the same folder and instance.
    const planned = JSON.parse(
      execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'plan', session.workspace, '--asset', asset, '--partitions', range, '--downstream', '--format', 'json'], { encoding: 'utf8' }),
    ) as { runs: { argv: string[]; cwd: string; env: { DAGSTER_HOME?: string } }[] };
    assert.ok(planned.runs.length >= 3 && planned.runs.length <= 12, `a small plan (${planned.runs.length} runs)`);
    const failing = planned.runs.findIndex((r) => r.argv.at(-1) === failOnce);
    assert.ok(failing > 0, `one run is for ${failOnce}`);

    await step(session, 'backfill-open', async () => {
      graph = await showLineage(session);
      await stableNodeCount(graph).catch(() => undefined);
      await contextMenu(page, graph, `g.node[data-key="${asset}"]`, 'Backfill…');
    });
    await step(session, 'backfill-pick', async () => {
      await pickItem(page, 'A range…');
      await answerInput(page, 'a range of partitions', range);
      await pickItem(page, 'and everything downstream');
    });
    await step(session, 'backfill-preview', async () => {
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await waitFor(async () => ((await rows.filter({ hasText: `Launch ${planned.runs.length} runs` }).count()) > 0 ? true : undefined), 60_000, async () => `the preview does not offer to launch ${planned.runs.length} runs: ${(await rows.allTextContents()).join(' | ')}`);
      const title = (await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
      assert.match(title, new RegExp(`^Backfill ${asset}: ${planned.runs.length} runs, `), 'the preview repeats the numbers');
      await session.screenshot('backfill-preview');
      await pickItem(page, `Launch ${planned.runs.length} runs`);
    });

    // Stop at the first failure (the default): the runs before it, then the failing one.
    await step(session, 'backfill-first-attempt', async () => {
      const row = page.locator('.part.sidebar .monaco-list-row', { hasText: `${asset} and downstream` }).first();
      await waitFor(
        async () => ((await row.textContent())?.includes('· failed') ? true : undefined),
        240_000,
        async () => `the Backfills view does not show the backfill as failed: recorded ${fake.recorded().length} runs; rows: ${(await sideBarRows(page)).map((r) => r.label).join(' | ')}`,
      );
      const first = fake.recorded();
      assert.deepEqual(
        first.map((r) => r.argv),
        planned.runs.slice(0, failing + 1).map((r) => r.argv),
        'the first attempt runs the planned argv in order and stops at the failure',
      );
      for (const r of first) {
        assert.equal(r.cwd, planned.runs[0]?.cwd);
        assert.equal(r.dagsterHome, join(session.workspace, '.dagster'));
      }
      await session.screenshot('backfill-failed');
    });

    await step(session, 'backfill-retry', async () => {
      const row = page.locator('.part.sidebar .monaco-list-row', { hasText: `${asset} and downstream` }).first();
      await row.hover();
      await row.locator('.action-label[aria-label="Retry Failed"]').click();
      await waitFor(
        async () => (fake.recorded().length >= planned.runs.length + 1 ? true : undefined),
        240_000,
        () => `after Retry Failed, ${fake.recorded().length} runs were recorded, not ${planned.runs.length + 1}`,
      );
      const all = fake.recorded().map((r) => r.argv);
      assert.deepEqual(all, [...planned.runs.slice(0, failing + 1), ...planned.runs.slice(failing)].map((r) => r.argv), 'Retry Failed re-runs the failed run and what was not started, nothing else');
      await waitFor(
        async () => ((await row.textContent())?.includes('· succeeded') ? true : undefined),
        60_000,
        async () => `the backfill row says "${await row.textContent()}"`,
      );
      await expandRow(page, `${asset} and downstream`);
      // Run rows are numbered ("1. feeds/… [2025-01-01]"); the Assets tree beside it has none such.
      const numbered = async (): Promise<string[]> => (await sideBarRows(page)).map((r) => r.label).filter((label) => /^\d+\. /.test(label));
      // The children of a row that just expanded are drawn a moment later.
      const runRows = await waitFor(
        async () => {
          const rows = await numbered();
          return rows.length >= planned.runs.length ? rows : undefined;
        },
        15_000,
        async () => `the Backfills view lists ${(await numbered()).length} run rows, not ${planned.runs.length}`,
      );
      assert.deepEqual(
        runRows.map((label) => Number(label.split('.')[0])),
        planned.runs.map((_, i) => i + 1),
        `the Backfills view lists every run: ${runRows.join(' | ')}`,
      );
      await session.screenshot('backfill-succeeded');
      writeFileSync(join(outputDir, 'backfill-argv.json'), JSON.stringify(all, null, 2));
    });
  });

  test('Show Downstream Impact… highlights what a range reaches; "Backfill These…" previews exactly that plan', { timeout: 300_000 }, async () => {
    const { page } = session;
    const planned = JSON.parse(
      execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'plan', session.workspace, '--asset', asset, '--partitions', range, '--downstream', '--format', 'json'], { encoding: 'utf8' }),
    ) as { runs: unknown[]; assets: { key: string[] }[] };
    const launchedBefore = fake.recorded().length;
    await step(session, 'impact-open', async () => {
      graph = await showLineage(session);
      await stableNodeCount(graph).catch(() => undefined);
      await contextMenu(page, graph, `g.node[data-key="${asset}"]`, 'Show Downstream Impact…');
      await pickItem(page, 'A range…');
      await answerInput(page, 'a range of partitions', range);
    });
    await step(session, 'impact-graph', async () => {
      const banner = graph.locator('#impact-banner:not(.hidden) .impact-text');
      await banner.waitFor({ timeout: 60_000 });
      const downstream = planned.assets.length - 1;
      assert.match((await banner.textContent()) ?? '', new RegExp(`^Impact of ${asset} \\[${range.replace(/\./g, '\\.')}\\]: ${downstream} assets?, \\d+ partitions? downstream`));
      const bright = await graph.locator('g.node.impact-hit').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-key')).sort());
      assert.deepEqual(bright, planned.assets.map((a) => a.key.join('/')).sort(), 'the graph lights exactly the assets the backfill would touch');
      assert.ok((await graph.locator('g.node.dimmed').count()) > 10, 'the rest of the graph is dimmed');
      assert.match((await graph.locator(`g.node[data-key="${asset}"] text.impact-badge`).textContent()) ?? '', /^picked 3 of [\d,]+$/);
      await session.screenshot('impact-graph');
    });
    await step(session, 'impact-backfill', async () => {
      await graph.locator('#impact-backfill').click();
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await waitFor(async () => ((await rows.filter({ hasText: `Launch ${planned.runs.length} runs` }).count()) > 0 ? true : undefined), 60_000, async () => `"Backfill These…" does not preview ${planned.runs.length} runs: ${(await rows.allTextContents()).join(' | ')}`);
      // Looked at, not launched.
      await page.keyboard.press('Escape');
      assert.equal(fake.recorded().length, launchedBefore, 'nothing was launched');
      await graph.locator('#impact-clear').click();
      await graph.locator('#impact-banner.hidden').waitFor({ state: 'attached', timeout: 10_000 });
      assert.equal(await graph.locator('g.node.dimmed').count(), 0);
    });
  });
});
