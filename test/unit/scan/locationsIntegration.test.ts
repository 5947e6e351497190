import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assetByKey,
  assetKeys,
  depKeys,
  describeDiagnostics,
  diagnosticsWith,
  py,
  scanProject,
} from './scanHarness';

// Code locations end to end: which modules each location loads, what each asset's codeLocation
// is, and how the global asset graph merges locations (a stub in one location is replaced by the
// real asset of another).

const asset = (name: string, extra = '') => py`
  from dagster import asset

  @asset(${extra})
  def ${name}(): ...
`;

describe('code locations end to end', () => {
  test('workspace.yaml with two python_module locations: each asset keeps its location; a stub is replaced by the other location\'s asset', async () => {
    const graph = await scanProject({
      'workspace.yaml': py`
        load_from:
          - python_module: loc_a.definitions
          - python_module:
              module_name: loc_b.definitions
              location_name: beta
      `,
      'loc_a/__init__.py': '',
      'loc_a/definitions.py': py`
        from dagster import Definitions, asset

        @asset
        def a1(): ...

        @asset(deps=["b1", "nobody"])
        def a2(a1): ...

        defs = Definitions(assets=[a1, a2])
      `,
      'loc_b/__init__.py': '',
      'loc_b/definitions.py': py`
        from dagster import Definitions, asset

        @asset
        def b1(): ...

        defs = Definitions(assets=[b1])
      `,
    });
    assert.deepEqual(
      graph.codeLocations.map((l) => [l.name, l.source, l.target]),
      [
        ['loc_a.definitions', 'workspace.yaml:2', 'loc_a.definitions'],
        ['beta', 'workspace.yaml:3', 'loc_b.definitions'],
      ],
    );
    assert.deepEqual(assetKeys(graph), ['a1', 'a2', 'b1', 'nobody']);
    assert.equal(assetByKey(graph, ['a1']).codeLocation, 'loc_a.definitions');
    assert.equal(assetByKey(graph, ['a2']).codeLocation, 'loc_a.definitions');
    const b1 = assetByKey(graph, ['b1']);
    assert.equal(b1.kind, 'asset');
    assert.equal(b1.codeLocation, 'beta');
    assert.equal(b1.file, 'loc_b/definitions.py');
    assert.equal(graph.assets.filter((a) => a.key.join('/') === 'b1').length, 1, 'one node for b1');
    assert.equal(assetByKey(graph, ['nobody']).kind, 'stub');
    assert.deepEqual(depKeys(assetByKey(graph, ['a2'])), ['a1', 'b1', 'nobody']);
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('workspace.yaml: modules no location loads are reported, not drawn', async () => {
    const graph = await scanProject({
      'workspace.yaml': py`
        load_from:
          - python_module: loc_a.definitions
      `,
      'loc_a/__init__.py': '',
      'loc_a/definitions.py': py`
        from dagster import Definitions, asset

        @asset
        def a1(): ...

        defs = Definitions(assets=[a1])
      `,
      'scratch/notebook_assets.py': asset('experiment'),
    });
    assert.deepEqual(assetKeys(graph), ['a1']);
    const warnings = diagnosticsWith(graph, 'asset-not-loaded', 'warning');
    assert.deepEqual(warnings.map((d) => d.file), ['scratch/notebook_assets.py']);
  });

  test('workspace.yaml python_file location, named after the file (basename with extension)', async () => {
    const graph = await scanProject({
      'workspace.yaml': py`
        load_from:
          - python_file: jobs/repo.py
      `,
      'jobs/repo.py': py`
        from dagster import Definitions, asset

        @asset
        def from_file(): ...

        defs = Definitions(assets=[from_file])
      `,
    });
    assert.deepEqual(graph.codeLocations.map((l) => l.name), ['repo.py']);
    assert.equal(assetByKey(graph, ['from_file']).codeLocation, 'repo.py');
    assert.equal(assetByKey(graph, ['from_file']).file, 'jobs/repo.py');
  });

  test('pyproject.toml [tool.dagster] module_name: the location is named after the module', async () => {
    const graph = await scanProject({
      'pyproject.toml': py`
        [project]
        name = "analytics"

        [tool.dagster]
        module_name = "analytics.definitions"
      `,
      'analytics/__init__.py': '',
      'analytics/assets.py': asset('sales'),
      'analytics/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from analytics import assets

        defs = Definitions(assets=load_assets_from_modules([assets]))
      `,
    });
    assert.deepEqual(graph.codeLocations.map((l) => [l.name, l.source, l.target, l.root]), [
      ['analytics.definitions', 'pyproject.toml:5', 'analytics.definitions', '.'],
    ]);
    assert.equal(assetByKey(graph, ['sales']).codeLocation, 'analytics.definitions');
  });

  test('pyproject.toml [tool.dagster] code_location_name names the location', async () => {
    const graph = await scanProject({
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "analytics.definitions"
        code_location_name = "analytics_prod"
      `,
      'analytics/__init__.py': '',
      'analytics/definitions.py': py`
        from dagster import Definitions, asset

        @asset
        def sales(): ...

        defs = Definitions(assets=[sales])
      `,
    });
    assert.deepEqual(graph.codeLocations.map((l) => l.name), ['analytics_prod']);
    assert.equal(assetByKey(graph, ['sales']).codeLocation, 'analytics_prod');
  });

  test('src layout: [tool.dagster] module_name resolves under src/', async () => {
    const graph = await scanProject({
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "my_pkg.definitions"
      `,
      'src/my_pkg/__init__.py': '',
      'src/my_pkg/assets/__init__.py': '',
      'src/my_pkg/assets/core.py': py`
        from dagster import asset

        @asset(group_name="core")
        def base(): ...

        @asset(group_name="core")
        def derived(base): ...
      `,
      'src/my_pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_package_module
        from my_pkg import assets

        defs = Definitions(assets=load_assets_from_package_module(assets))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['base', 'derived']);
    assert.equal(assetByKey(graph, ['derived']).file, 'src/my_pkg/assets/core.py');
    assert.deepEqual(depKeys(assetByKey(graph, ['derived'])), ['base']);
    assert.ok(graph.assets.every((a) => a.codeLocation === 'my_pkg.definitions'));
    assert.equal(graph.diagnostics.filter((d) => d.severity !== 'info').length, 0, describeDiagnostics(graph));
  });

  test('a single file scanned on its own is its own code location; sibling modules resolve, other files are ignored', async () => {
    const graph = await scanProject(
      {
        'settings.py': 'PREFIX = "team"\n',
        'pipeline.py': py`
          from dagster import Definitions, asset
          from settings import PREFIX

          @asset(key_prefix=PREFIX)
          def extract(): ...

          @asset(key_prefix=PREFIX)
          def load(extract): ...

          defs = Definitions(assets=[extract, load])
        `,
        'unrelated.py': asset('elsewhere'),
      },
      { scanPath: 'pipeline.py' },
    );
    assert.deepEqual(graph.codeLocations.map((l) => l.name), ['pipeline.py']);
    assert.deepEqual(assetKeys(graph), ['team/extract', 'team/load']);
    const load = assetByKey(graph, ['team', 'load']);
    assert.equal(load.file, 'pipeline.py');
    assert.equal(load.codeLocation, 'pipeline.py');
    // Parameter `extract` is ["extract"]: found through the default group, not the key_prefix.
    assert.deepEqual(depKeys(load), ['team/extract']);
    assert.equal(load.deps[0]?.resolution, 'group');
    assert.deepEqual(diagnosticsWith(graph, 'asset-not-loaded'), []);
  });

  test('a single file without a Definitions object: its top-level assets are the location', async () => {
    const graph = await scanProject(
      {
        'quick.py': py`
          from dagster import asset

          @asset
          def one(): ...

          @asset
          def two(one): ...
        `,
      },
      { scanPath: 'quick.py' },
    );
    assert.deepEqual(graph.codeLocations.map((l) => l.name), ['quick.py']);
    assert.deepEqual(assetKeys(graph), ['one', 'two']);
    assert.ok(graph.assets.every((a) => a.codeLocation === 'quick.py'));
  });

  test('no configuration and no Definitions: one implicit location named after the folder, with every module\'s assets', async () => {
    const graph = await scanProject(
      {
        'ingest.py': asset('raw_events'),
        'transform/__init__.py': '',
        'transform/clean.py': py`
          from dagster import asset

          @asset
          def clean_events(raw_events): ...
        `,
      },
      { folderName: 'my_dagster_folder' },
    );
    assert.deepEqual(graph.codeLocations.map((l) => [l.name, l.source]), [['my_dagster_folder', 'implicit']]);
    assert.deepEqual(assetKeys(graph), ['clean_events', 'raw_events']);
    assert.ok(graph.assets.every((a) => a.codeLocation === 'my_dagster_folder'));
    assert.deepEqual(depKeys(assetByKey(graph, ['clean_events'])), ['raw_events']);
  });

  test('no configuration, one module with a Definitions object: the location is named after that module', async () => {
    const graph = await scanProject(
      {
        'my_pkg/__init__.py': '',
        'my_pkg/assets.py': asset('orders'),
        'my_pkg/definitions.py': py`
          from dagster import Definitions, load_assets_from_modules
          from my_pkg import assets

          defs = Definitions(assets=load_assets_from_modules([assets]))
        `,
      },
      { folderName: 'repo' },
    );
    assert.deepEqual(graph.codeLocations.map((l) => [l.name, l.source]), [['my_pkg.definitions', 'implicit']]);
    assert.equal(assetByKey(graph, ['orders']).codeLocation, 'my_pkg.definitions');
  });

  test('every scanned graph validates: codeLocations of assets are declared locations', async () => {
    const graph = await scanProject({
      'workspace.yaml': py`
        load_from:
          - python_module: loc_a.definitions
      `,
      'loc_a/__init__.py': '',
      'loc_a/definitions.py': py`
        from dagster import Definitions, asset

        @asset(deps=["outside"])
        def a1(): ...

        defs = Definitions(assets=[a1])
      `,
    });
    const names = new Set(graph.codeLocations.map((l) => l.name));
    for (const a of graph.assets) assert.ok(names.has(a.codeLocation), `${a.key.join('/')} in ${a.codeLocation}`);
  });
});
