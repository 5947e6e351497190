import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ScanSession } from '../../../src/core/scan/scanner';
import { findAsset, scanProject } from './scanHarness';

/** Odd or hostile workspace content: the scan must finish, keep what it can and say what it skipped. */
const withAsset = (extra: string): string => `from dagster import Definitions, asset\n@asset\ndef survivor(): ...\n${extra}\ndefs = Definitions(assets=[survivor])\n`;

describe('hostile Python', { timeout: 30_000 }, () => {
  test('a comprehension that grows the list it loops over ends', async () => {
    const graph = await scanProject({ 'defs.py': withAsset('L = [1]\nX = [L.append(1) for _ in L]') });
    assert.ok(findAsset(graph, ['survivor']));
  });

  test('an exploding nested comprehension is cut off', async () => {
    const graph = await scanProject({ 'defs.py': withAsset('R = range(3000)\nX = [1 for a in R for b in R for c in R]') });
    assert.ok(findAsset(graph, ['survivor']));
  });

  test('a list doubling itself in a loop does not crash', async () => {
    const graph = await scanProject({ 'defs.py': withAsset('L = [1]\nfor i in range(40):\n    L += L') });
    assert.ok(findAsset(graph, ['survivor']));
  });

  test('a list containing itself inside Definitions is reported, not followed forever', async () => {
    const graph = await scanProject({
      'defs.py': 'from dagster import Definitions, asset\n@asset\ndef a(): ...\nL = []\nL.append(L)\ndefs = Definitions(assets=[a, L])\n',
    });
    assert.ok(findAsset(graph, ['a']));
    assert.ok(graph.diagnostics.some((d) => d.code === 'unresolved-definitions' && /contains itself/.test(d.message)));
  });

  test('generated code nested far deeper than the call stack does not stop the scan', async () => {
    const graph = await scanProject({
      'defs.py': withAsset(''),
      // The comment makes the prefilter pick both files, so they really are parsed and evaluated.
      'sum.py': `# dagster asset\nX = ${Array.from({ length: 20_000 }, () => '1').join('+')}\n`,
      'brackets.py': `# dagster asset\nY = ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
    });
    assert.ok(findAsset(graph, ['survivor']));
  });
});

describe('hostile configuration', { timeout: 30_000 }, () => {
  const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';

  test('a YAML alias bomb in workspace.yaml is an error diagnostic', async () => {
    const graph = await scanProject({ 'workspace.yaml': bomb, 'defs.py': withAsset('') });
    assert.ok(graph.diagnostics.some((d) => d.file === 'workspace.yaml' && d.severity === 'error'));
  });

  test('a YAML alias bomb in a component or dbt_project.yml is a diagnostic', async () => {
    const graph = await scanProject({
      'pyproject.toml': '[tool.dagster]\nmodule_name = "proj.definitions"\n',
      'proj/__init__.py': '',
      'proj/defs/__init__.py': '',
      'proj/defs/bad/defs.yaml': bomb,
      'proj/definitions.py':
        'from pathlib import Path\nfrom dagster import Definitions, load_defs\nfrom dagster_dbt import dbt_assets, DbtProject\nimport proj.defs\nproject = DbtProject(project_dir=Path(__file__).parent / "dbt")\n@dbt_assets(manifest=project.manifest_path)\ndef models(): ...\ndefs = Definitions.merge(load_defs(defs_root=proj.defs), Definitions(assets=[models]))\n',
      'proj/dbt/dbt_project.yml': `name: shop\n${bomb}`,
    });
    assert.ok(graph.diagnostics.some((d) => d.file === 'proj/defs/bad/defs.yaml' && d.code === 'invalid-config'));
    assert.ok(graph.diagnostics.some((d) => d.file === 'proj/dbt/dbt_project.yml'));
  });
});

describe('nothing outside the scanned folder is read', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('a dbt manifest path outside the folder is refused with a clear warning, and its content is never shown', async () => {
    const graph = await scanProject({
      'defs.py': 'from dagster import Definitions\nfrom dagster_dbt import dbt_assets\n@dbt_assets(manifest="/etc/passwd")\ndef models(): ...\ndefs = Definitions(assets=[models])\n',
    });
    const warning = graph.diagnostics.find((d) => d.code === 'dbt-outside-workspace');
    assert.ok(warning);
    assert.ok(!graph.diagnostics.some((d) => d.message.includes('root:')));
  });

  test('a link pointing outside the folder is not followed', async () => {
    const base = mkdtempSync(join(tmpdir(), 'asset-lineage-links-'));
    dirs.push(base);
    const outside = join(base, 'outside');
    const project = join(base, 'project');
    for (const [path, text] of Object.entries({
      [join(outside, 'stolen.py')]: 'from dagster import asset\n@asset\ndef stolen(): ...\n',
      [join(project, 'defs.py')]: withAsset(''),
    })) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    symlinkSync(outside, join(project, 'linked'));
    const session = new ScanSession(project, { workers: 0 });
    try {
      const graph = await session.scan();
      assert.ok(findAsset(graph, ['survivor']));
      assert.equal(findAsset(graph, ['stolen']), undefined);
      assert.ok(!graph.diagnostics.some((d) => d.file.startsWith('linked/')));
    } finally {
      await session.dispose();
    }
  });
});

describe('reported where the problem is', () => {
  test('a name missing from the module it is imported from is reported at the import', async () => {
    const graph = await scanProject({
      'pkg/__init__.py': '',
      'pkg/consts.py': 'A = 1\n',
      'pkg/defs.py': 'from dagster import Definitions, asset\n@asset\ndef a(): ...\nfrom pkg.consts import MISSING\ndefs = Definitions(assets=[a])\n',
    });
    const unresolved = graph.diagnostics.find((d) => d.code === 'unresolved-name');
    assert.equal(unresolved?.file, 'pkg/defs.py');
    assert.equal(unresolved?.line, 4);
  });

  test('group_name and key_prefix given positionally to a loader are applied, as Dagster does', async () => {
    const graph = await scanProject({
      'pkg/__init__.py': '',
      'pkg/assets.py': 'from dagster import asset\n@asset\ndef a(): ...\n',
      'pkg/defs.py': 'from dagster import Definitions, load_assets_from_modules\nfrom pkg import assets\ndefs = Definitions(assets=load_assets_from_modules([assets], "grp", "pre"))\n',
    });
    assert.equal(findAsset(graph, ['pre', 'a'])?.group, 'grp');
  });
});
