import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { keyToUserString } from '../../../src/core/model/assetKey';
import type { AssetGraph } from '../../../src/core/model/graph';
import { ScanSession } from '../../../src/core/scan/scanner';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-lineage-session-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const keys = (graph: AssetGraph): string[] => graph.assets.map((a) => keyToUserString(a.key));

const base = {
  'pyproject.toml': '[tool.dagster]\nmodule_name = "proj.definitions"\n',
  'proj/__init__.py': '',
  'proj/constants.py': 'PREFIX = "v1"\n',
  'proj/orders.py': 'from dagster import asset\nfrom .constants import PREFIX\n@asset(key_prefix=PREFIX)\ndef orders(): ...\n',
  'proj/definitions.py':
    'from dagster import Definitions, load_assets_from_package_module\nimport proj\ndefs = Definitions(assets=load_assets_from_package_module(proj))\n',
};

describe('incremental updates', () => {
  test('editing, adding and deleting files updates the graph from the changed files only', async () => {
    const dir = writeProject(base);
    const session = new ScanSession(dir, { workers: 0 });
    try {
      assert.deepEqual(keys(await session.scan()), ['v1/orders']);

      // A constants module with no Dagster words is still followed when an asset module imports it.
      writeFileSync(join(dir, 'proj/constants.py'), 'PREFIX = "v2"\n');
      assert.deepEqual(keys(await session.update([join(dir, 'proj/constants.py')])), ['v2/orders']);

      writeFileSync(join(dir, 'proj/customers.py'), 'from dagster import asset\n@asset(deps=["v2/orders"])\ndef customers(): ...\n');
      const added = await session.update([join(dir, 'proj/customers.py')]);
      assert.deepEqual(keys(added), ['customers', 'v2/orders', 'v2\\/orders']);

      unlinkSync(join(dir, 'proj/customers.py'));
      assert.deepEqual(keys(await session.update([join(dir, 'proj/customers.py')])), ['v2/orders']);
    } finally {
      await session.dispose();
    }
  });

  test('a rescan with nothing changed gives the same graph', async () => {
    const dir = writeProject(base);
    const session = new ScanSession(dir, { workers: 0 });
    try {
      const first = await session.scan();
      const again = await session.update([join(dir, 'proj/orders.py')]);
      assert.deepEqual(again, first);
    } finally {
      await session.dispose();
    }
  });
});

describe('worker threads', () => {
  test('parsing in workers gives exactly the graph parsing in-process gives', async () => {
    // Enough source to pass the in-process threshold so the batch really goes to the workers.
    const files: Record<string, string> = { ...base };
    const body = Array.from({ length: 60 }, (_, i) => `    frame_${i} = transform(frame, column="c${i}", weights=[${i}, ${i + 1}])`).join('\n');
    for (let m = 0; m < 40; m++) {
      files[`proj/module_${m}.py`] = `from dagster import asset\n${Array.from(
        { length: 3 },
        (_, a) => `@asset(group_name="g${m % 3}", deps=["raw_${m}"])\ndef asset_${m}_${a}(context):\n${body}\n    return frame_0\n`,
      ).join('\n')}`;
    }
    const dir = writeProject(files);
    const inProcess = new ScanSession(dir, { workers: 0 });
    const threaded = new ScanSession(dir, { workers: 2 });
    try {
      const a = await inProcess.scan();
      const b = await threaded.scan();
      assert.equal(a.assets.length, 1 + 40 * 3 + 40);
      assert.deepEqual(b, a);
    } finally {
      await inProcess.dispose();
      await threaded.dispose();
    }
  });
});
