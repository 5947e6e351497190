import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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

describe('updates agree with a fresh scan', () => {
  test('after every edit in a mixed sequence, update() equals a new scan of the same files', async () => {
    const dir = writeProject({
      ...base,
      'proj/schema.yml': 'unused: true\n',
      'proj/reports.py':
        'from dagster import asset\n\n@asset(deps=["v1/orders"])\ndef weekly_report():\n    """Weekly."""\n    return 1\n',
    });
    const session = new ScanSession(dir, { workers: 0 });
    const fresh = async (): Promise<AssetGraph> => {
      const other = new ScanSession(dir, { workers: 0 });
      try {
        return await other.scan();
      } finally {
        await other.dispose();
      }
    };
    const edits: [string, (path: string) => void][] = [
      // Body only, and moved down by two lines: patched, not evaluated.
      ['proj/reports.py', (p) => writeFileSync(p, 'from dagster import asset\n\n\n\n@asset(deps=["v1/orders"])\ndef weekly_report():\n    """Weekly."""\n    total = 2\n    return total\n')],
      // A constant every asset key depends on.
      ['proj/constants.py', (p) => writeFileSync(p, 'PREFIX = "v3"\n')],
      // A new asset in an existing module.
      ['proj/orders.py', (p) => writeFileSync(p, readText(p) + '\n@asset(key_prefix=PREFIX)\ndef refunds(): ...\n')],
      // A docstring is a description: not a body-only edit.
      ['proj/reports.py', (p) => writeFileSync(p, readText(p).replace('"""Weekly."""', '"""Weekly totals."""'))],
      // A syntax error, then its repair.
      ['proj/orders.py', (p) => writeFileSync(p, readText(p).replace('def refunds(): ...', 'def refunds(:\n    pass'))],
      ['proj/orders.py', (p) => writeFileSync(p, readText(p).replace('def refunds(:\n    pass', 'def refunds(): ...'))],
      // A new module that the package loader picks up, then its deletion.
      ['proj/extra.py', (p) => writeFileSync(p, 'from dagster import asset\n@asset\ndef extra(): ...\n')],
      ['proj/extra.py', (p) => unlinkSync(p)],
      // A data input nobody produces (an error and a stub) ...
      ['proj/consumer.py', (p) => writeFileSync(p, 'from dagster import asset\n@asset(key_prefix="x", group_name="g")\ndef consumer(shared):\n    return shared\n')],
      // ... found through its group once an asset of that group ends in its name ...
      ['proj/shared.py', (p) => writeFileSync(p, 'from dagster import asset\n@asset(key_prefix="y", group_name="g")\ndef shared(): ...\n')],
      // ... and a stub again when a second one makes the name ambiguous.
      ['proj/shared.py', (p) => writeFileSync(p, readText(p) + '@asset(key_prefix="z", group_name="g", name="shared")\ndef shared_two(): ...\n')],
      ['proj/shared.py', (p) => writeFileSync(p, 'from dagster import asset\n@asset(key_prefix="y", group_name="g")\ndef shared(): ...\n')],
      // A cycle appears through an edited module, then goes away.
      ['proj/shared.py', (p) => writeFileSync(p, 'from dagster import asset\n@asset(key_prefix="y", group_name="g", deps=[["x", "consumer"]])\ndef shared(): ...\n')],
      ['proj/shared.py', (p) => writeFileSync(p, 'from dagster import asset\n@asset(key_prefix="y", group_name="g")\ndef shared(): ...\n')],
      // An edit of one module among unchanged ones.
      ['proj/consumer.py', (p) => writeFileSync(p, readText(p) + '@asset(group_name="g", deps=["shared"])\ndef second(): ...\n')],
      // The code location's configuration.
      ['pyproject.toml', (p) => writeFileSync(p, '[tool.dagster]\nmodule_name = "proj.definitions"\ncode_location_name = "renamed"\n')],
    ];
    try {
      await session.scan();
      for (const [relative, apply] of edits) {
        const path = join(dir, relative);
        apply(path);
        const updated = await session.update([path]);
        assert.deepEqual(updated, await fresh(), `after editing ${relative}`);
      }
      const last = await session.update([]);
      assert.equal(last.codeLocations[0]?.name, 'renamed');
      assert.deepEqual(
        last.assets.find((a) => keyToUserString(a.key) === 'x/consumer')?.deps.map((d) => [keyToUserString(d.key), d.resolution]),
        [['y/shared', 'group']],
      );
      assert.ok(last.assets.some((a) => keyToUserString(a.key) === 'v3/refunds'));
    } finally {
      await session.dispose();
    }
  });

  test('a body-only edit is patched: lines and source hash move, nothing is evaluated', async () => {
    const dir = writeProject({ ...base, 'proj/reports.py': 'from dagster import asset\n@asset\ndef r():\n    return 1\n' });
    const session = new ScanSession(dir, { workers: 0 });
    try {
      const before = (await session.scan()).assets.find((a) => a.key[0] === 'r');
      writeFileSync(join(dir, 'proj/reports.py'), '"""Reports."""\nfrom dagster import asset\n@asset\ndef r():\n    return 2\n');
      const after = (await session.update([join(dir, 'proj/reports.py')])).assets.find((a) => a.key[0] === 'r');
      assert.ok(session.lastTimings['patch'] !== undefined && session.lastTimings['evaluate'] === undefined);
      assert.equal(after?.line, (before?.line ?? 0) + 1);
      assert.notEqual(after?.sourceHash, before?.sourceHash);
    } finally {
      await session.dispose();
    }
  });
});

describe('incremental results never go stale', () => {
  async function agree(files: Record<string, string>, edit: [string, string]): Promise<void> {
    const dir = writeProject(files);
    const session = new ScanSession(dir, { workers: 0 });
    try {
      await session.scan();
      writeFileSync(join(dir, edit[0]), edit[1]);
      const updated = await session.update([join(dir, edit[0])]);
      const fresh = new ScanSession(dir, { workers: 0 });
      try {
        assert.deepEqual(updated, await fresh.scan());
      } finally {
        await fresh.dispose();
      }
    } finally {
      await session.dispose();
    }
  }

  test('a changed loader argument (backfill policy) is not answered from the loader memo', async () => {
    const defs = (n: number): string =>
      `from dagster import Definitions, BackfillPolicy, load_assets_from_modules\nfrom . import orders\ndefs = Definitions(assets=load_assets_from_modules([orders], backfill_policy=BackfillPolicy.multi_run(${n})))\n`;
    await agree({ ...base, 'proj/definitions.py': defs(5) }, ['proj/definitions.py', defs(10)]);
  });

  test('moving code in a file that another file\'s diagnostic quotes re-evaluates instead of patching', async () => {
    const asset = 'from dagster import asset\n@asset\ndef twin(): ...\n';
    await agree({ ...base, 'proj/m1.py': asset, 'proj/m2.py': asset }, ['proj/m1.py', `\n\n\n${asset}`]);
  });
});

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
