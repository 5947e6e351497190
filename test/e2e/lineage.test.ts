// The extension in a real VS Code (code-server) on a copy of examples/harbor, driven as a user:
// the command palette, the lineage graph webview, its context menu, the editor and the side bar.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  clipboardText,
  contextMenu,
  editorFor,
  expandRow,
  nodeKeys,
  openHarbor,
  runCommand,
  showLineage,
  sideBarRows,
  stableNodeCount,
  step,
  userKey,
  waitFor,
  type Session,
} from './workbench';
import type { Frame } from 'playwright-core';

const voyages = 'raw/voyages';

describe('Asset Lineage in VS Code (code-server) on examples/harbor', { timeout: 600_000 }, () => {
  let session: Session;
  let graph: Frame | undefined;
  const frame = (): Frame => {
    if (!graph) throw new Error('the lineage graph never rendered (see the first test)');
    return graph;
  };

  before(async () => {
    session = await openHarbor('lineage');
  });
  after(async () => {
    await session?.close();
  });

  test('"Show Lineage" renders every asset of the workspace', { timeout: 180_000 }, async () => {
    await step(session, 'show-lineage', async () => {
      const expected = session.graph.assets.map((a) => userKey(a.key)).sort();
      assert.equal(expected.length, 38, 'examples/harbor scans to 38 assets');
      graph = await showLineage(session);
      await stableNodeCount(graph, (n) => n === expected.length).catch(() => undefined);
      await session.screenshot('graph');
      assert.deepEqual((await nodeKeys(graph)).sort(), expected);
      assert.equal(await graph.locator(`g.node[data-key="${voyages}"]`).count(), 1);
    });
  });

  test('clicking a node opens its definition at its line', { timeout: 60_000 }, async () => {
    await step(session, 'open-definition', async () => {
      const asset = session.graph.assets.find((a) => userKey(a.key) === voyages);
      assert.ok(asset, `${voyages} is in the scan`);
      assert.equal(asset.file, 'harbor/ingestion/voyages.py');
      await frame().locator(`g.node[data-key="${voyages}"]`).click();
      const where = await waitFor(
        async () => {
          const editor = await editorFor(session.page, 'voyages.py');
          return editor.line === asset.line && editor.path.includes('harbor/ingestion/voyages.py') ? editor : undefined;
        },
        20_000,
        async () => `after clicking ${voyages}, no editor shows harbor/ingestion/voyages.py at line ${asset.line}: ${JSON.stringify(await editorFor(session.page, 'voyages.py'))}`,
      );
      await session.screenshot('open-definition');
      assert.equal(where.line, asset.line);
      assert.ok(where.path.includes('harbor/ingestion/voyages.py'), `the editor shows harbor/ingestion/voyages.py (breadcrumbs: ${where.path})`);
      assert.equal(await frame().locator(`g.node.selected[data-key="${voyages}"]`).count(), 1, 'the clicked node is selected');
    });
  });

  test('context menu: Copy Asset Key puts the key on the clipboard', { timeout: 60_000 }, async () => {
    await step(session, 'copy-asset-key', async () => {
      await session.page.evaluate(() => navigator.clipboard.writeText('nothing copied yet')).catch(() => undefined);
      await contextMenu(session.page, frame(), `g.node[data-key="${voyages}"]`, 'Copy Asset Key');
      const copied = await waitFor(
        async () => ((await clipboardText(session.page)) === voyages ? voyages : undefined),
        10_000,
        async () => `the clipboard holds "${await clipboardText(session.page).catch((e) => String(e))}", not "${voyages}"`,
      );
      assert.equal(copied, voyages);
    });
  });

  test('context menu: Focus shows the asset\'s neighbourhood, Show All the whole graph', { timeout: 60_000 }, async () => {
    await step(session, 'focus', async () => {
      const total = session.graph.assets.length;
      await contextMenu(session.page, frame(), `g.node[data-key="${voyages}"]`, 'Focus');
      const focused = await stableNodeCount(frame(), (n) => n > 0 && n < total);
      await session.screenshot('focus');
      const keys = await nodeKeys(frame());
      assert.ok(keys.includes(voyages), 'the focused asset stays in the graph');
      assert.ok(focused < total, `focus shows fewer than ${total} nodes (shows ${focused})`);
      // raw/voyages is read by stg_voyages (a dbt model), and reads vessel_registry.
      assert.ok(keys.includes('stg_voyages') && keys.includes('vessel_registry'), `neighbours are shown: ${keys.join(', ')}`);

      await frame().locator('#show-all').click();
      await stableNodeCount(frame(), (n) => n === total);
    });
  });

  test('the Assets tree lists the code location, its groups and their assets', { timeout: 60_000 }, async () => {
    await step(session, 'tree', async () => {
      await runCommand(session.page, 'View: Show Asset Lineage');
      const { page } = session;
      const location = session.graph.codeLocations[0]?.name ?? 'harbor';
      await expandRow(page, location);
      const groups = [...new Set(session.graph.assets.map((a) => a.group))];
      await waitFor(
        async () => {
          const labels = new Set((await sideBarRows(page)).map((r) => r.label));
          return groups.every((g) => labels.has(g)) ? true : undefined;
        },
        15_000,
        async () => `the Assets tree does not list the groups ${groups.join(', ')}: ${(await sideBarRows(page)).map((r) => r.label).join(' | ')}`,
      );
      await expandRow(page, 'ingestion');
      const ingestion = session.graph.assets.filter((a) => a.group === 'ingestion').map((a) => userKey(a.key));
      const missingFrom = (labels: string[]) => ingestion.filter((key) => !labels.includes(key));
      const rows = await waitFor(
        async () => {
          const current = await sideBarRows(page);
          return missingFrom(current.map((r) => r.label)).length === 0 ? current : undefined;
        },
        15_000,
        async () => {
          const labels = (await sideBarRows(page)).map((r) => r.label);
          return `the ingestion group does not list ${missingFrom(labels).join(', ')} (rows: ${labels.join(' | ')})`;
        },
      );
      await session.screenshot('tree');
      const assetRow = rows.find((r) => r.label === voyages);
      const locationRow = rows.find((r) => r.label === location);
      const groupRow = rows.find((r) => r.label === 'ingestion');
      assert.ok(locationRow && groupRow && groupRow.level > locationRow.level, 'groups sit under the code location');
      assert.ok(assetRow && assetRow.level > groupRow.level, 'assets sit under their group');
    });
  });
});
