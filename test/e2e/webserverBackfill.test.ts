// A backfill submitted to a Dagster webserver, end to end in a real VS Code (code-server): the
// workspace reads state from a loopback webserver (Dagster's GraphQL schema, answers from a fake
// instance); Backfill… → a range → with downstream → "Submit to …" → the preview → submit. The test
// checks the `launchPartitionBackfill` request against `asset-lineage plan`, then moves the
// backfill on the server and follows the Backfills view to the end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../../scripts/e2e/codeServer.mjs';
import { startGraphqlServer, type FakeBackfill, type FakeDagster, type TestGraphqlServer } from '../support/graphqlServer';
import { answerInput, contextMenu, openHarbor, outputDir, pickItem, showLineage, sideBarRows, stableNodeCount, step, waitFor, type Session } from './workbench';

const asset = 'feeds/rotterdam_gate_events';
const range = '2025-01-01...2025-01-03';

describe('Backfill submitted to a Dagster webserver (code-server)', { timeout: 600_000 }, () => {
  let session: Session;
  let server: TestGraphqlServer;
  const dagster: FakeDagster = {};

  before(async () => {
    server = await startGraphqlServer(dagster);
    session = await openHarbor('webserver', { workspaceSettings: { 'assetLineage.instance.graphqlUrl': server.url } });
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  test('the same assets and partitions as the plan, in one launchPartitionBackfill; followed to COMPLETED', { timeout: 400_000 }, async () => {
    const { page } = session;
    const planned = JSON.parse(
      execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'plan', session.workspace, '--asset', asset, '--partitions', range, '--downstream', '--format', 'json'], { encoding: 'utf8' }),
    ) as { assets: { key: string[]; count: number; partitions: { ranges: [string, string][]; keys?: string[] } | null }[]; summary: { partitions: number } };

    await step(session, 'webserver-open', async () => {
      // The status bar names the webserver once state was read from it.
      await waitFor(async () => ((await page.locator('.statusbar').textContent())?.includes('Dagster') ? true : undefined), 60_000, () => 'no Dagster status bar item');
      const graph = await showLineage(session);
      await stableNodeCount(graph).catch(() => undefined);
      await contextMenu(page, graph, `g.node[data-key="${asset}"]`, 'Backfill…');
      await pickItem(page, 'A range…');
      await answerInput(page, 'a range of partitions', range);
      await pickItem(page, 'and everything downstream');
      await pickItem(page, 'Submit to http://127.0.0.1');
    });
    await step(session, 'webserver-preview', async () => {
      const title = page.locator('.quick-input-widget .quick-input-title');
      await waitFor(async () => ((await title.textContent())?.startsWith(`Backfill ${asset} on `) ? true : undefined), 60_000, async () => `the preview title is "${await title.textContent()}"`);
      assert.match((await title.textContent()) ?? '', new RegExp(`: ${planned.assets.length} assets, ${planned.summary.partitions} asset partitions$`));
      await session.screenshot('webserver-preview');
      assert.equal(dagster.launched, undefined, 'nothing is submitted before the user says so');
      await pickItem(page, 'Submit to http://127.0.0.1');
    });
    await step(session, 'webserver-submitted', async () => {
      await waitFor(async () => (dagster.launched?.length === 1 ? true : undefined), 60_000, () => 'no launchPartitionBackfill request arrived');
      const expected = planned.assets.flatMap((a) => {
        const assetKey = { path: a.key };
        if (a.partitions === null) return [{ assetKey }];
        const ranges = a.partitions.keys ? a.partitions.keys.map((k) => [k, k]) : a.partitions.ranges;
        return ranges.map(([start, end]) => ({ assetKey, partitions: { range: { start, end } } }));
      });
      assert.deepEqual(JSON.parse(JSON.stringify(dagster.launched?.[0])), { partitionsByAssets: expected });
      writeFileSync(join(outputDir, 'webserver-launch.json'), JSON.stringify(dagster.launched?.[0], null, 2));
      const row = page.locator('.part.sidebar .monaco-list-row', { hasText: `${asset} and downstream` }).first();
      await waitFor(async () => ((await row.textContent())?.includes('· REQUESTED') ? true : undefined), 60_000, async () => `the Backfills view shows: ${(await sideBarRows(page)).map((r) => r.label).join(' | ')}`);
    });
    await step(session, 'webserver-completed', async () => {
      // The daemon's work, as the server will report it at the next read.
      const stored = dagster.backfills?.find((b) => b.id === 'bf-1') as FakeBackfill;
      Object.assign(stored, {
        status: 'COMPLETED',
        endTimestamp: Date.now() / 1000,
        assetBackfillData: {
          assetBackfillStatuses: planned.assets.map((a) => ({ __typename: 'AssetPartitionsStatusCounts', assetKey: { path: a.key }, numPartitionsTargeted: a.count, numPartitionsInProgress: 0, numPartitionsMaterialized: a.count, numPartitionsFailed: 0 })),
        },
        runs: [{ runId: 'run-1', status: 'SUCCESS', startTime: 1, endTime: 2 }],
      });
      const row = page.locator('.part.sidebar .monaco-list-row', { hasText: `${asset} and downstream` }).first();
      const text = await waitFor(async () => {
        const t = (await row.textContent()) ?? '';
        return t.includes('· COMPLETED') ? t : undefined;
      }, 60_000, async () => `the Backfills view still shows "${await row.textContent()}"`);
      assert.match(text, new RegExp(`${planned.summary.partitions} of ${planned.summary.partitions} partitions materialized, 1 run · COMPLETED`));
      await session.screenshot('webserver-completed');
    });
  });
});
