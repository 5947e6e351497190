import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assetByKey,
  assetKeys,
  depKeys,
  depOn,
  describeDiagnostics,
  diagnosticsWith,
  py,
  scanProject,
} from './scanHarness';

// Components autoloading (§1.11): `load_defs(defs_root=...)` (legacy tree, which stops at
// `definitions.py`), `load_from_defs_folder(...)` (ComponentTree.for_project, which does not),
// folders with defs.yaml, declarative assets whose YAML keys split on `/`.

const dgPyproject = py`
  [project]
  name = "my-project"

  [tool.dg]
  directory_type = "project"

  [tool.dg.project]
  root_module = "my_project"
`;

/** A dg project whose definitions.py builds its Definitions with `expr` (a Python expression). */
function dgProject(definitions: string, files: Record<string, string>): Record<string, string> {
  return {
    'pyproject.toml': dgPyproject,
    'my_project/__init__.py': '',
    'my_project/definitions.py': definitions,
    'my_project/defs/__init__.py': '',
    ...files,
  };
}

const loadDefsModule = py`
  import dagster as dg
  import my_project.defs

  defs = dg.load_defs(defs_root=my_project.defs)
`;

const loadFromDefsFolder = py`
  from pathlib import Path

  import dagster as dg


  @dg.definitions
  def defs():
      return dg.load_from_defs_folder(project_root=Path(__file__).parent.parent)
`;

const threeLevels = {
  'my_project/defs/top.py': py`
    import dagster as dg

    @dg.asset
    def top(): ...
  `,
  'my_project/defs/sub/middle.py': py`
    import dagster as dg

    @dg.asset
    def middle(top): ...
  `,
  'my_project/defs/sub/deeper/bottom.py': py`
    import dagster as dg

    @dg.asset(deps=["middle"])
    def bottom(): ...
  `,
};

describe('components autoloading', () => {
  test('load_defs(defs_root=my_project.defs) loads every module of the defs folder, recursively', async () => {
    const graph = await scanProject(dgProject(loadDefsModule, threeLevels), { folderName: 'my-project' });
    assert.deepEqual(assetKeys(graph), ['bottom', 'middle', 'top']);
    assert.deepEqual(depKeys(assetByKey(graph, ['middle'])), ['top']);
    assert.deepEqual(depKeys(assetByKey(graph, ['bottom'])), ['middle']);
    assert.equal(assetByKey(graph, ['bottom']).file, 'my_project/defs/sub/deeper/bottom.py');
    assert.ok(graph.assets.every((a) => a.codeLocation === 'my-project'), JSON.stringify(graph.codeLocations));
    assert.equal(graph.diagnostics.filter((d) => d.severity !== 'info').length, 0, describeDiagnostics(graph));
  });

  test('@dg.definitions def defs(): return load_from_defs_folder(project_root=Path(__file__).parent.parent) reads root_module from pyproject', async () => {
    const graph = await scanProject(dgProject(loadFromDefsFolder, threeLevels), { folderName: 'my-project' });
    assert.deepEqual(assetKeys(graph), ['bottom', 'middle', 'top']);
    assert.deepEqual(depKeys(assetByKey(graph, ['middle'])), ['top']);
    assert.equal(graph.diagnostics.filter((d) => d.severity !== 'info').length, 0, describeDiagnostics(graph));
  });

  test('load_from_defs_folder(path_within_project=Path(__file__).parent) finds the same project', async () => {
    const graph = await scanProject(
      dgProject(
        py`
          from pathlib import Path

          import dagster as dg

          defs = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
        `,
        threeLevels,
      ),
    );
    assert.deepEqual(assetKeys(graph), ['bottom', 'middle', 'top']);
  });

  test('@dg.definitions wrapping load_defs(...) in a module with a workspace-style target', async () => {
    const graph = await scanProject({
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "my_project.definitions"
      `,
      'my_project/__init__.py': '',
      'my_project/definitions.py': py`
        import dagster as dg
        import my_project.defs


        @dg.definitions
        def defs():
            return dg.load_defs(defs_root=my_project.defs)
      `,
      'my_project/defs/__init__.py': '',
      ...threeLevels,
    });
    assert.deepEqual(assetKeys(graph), ['bottom', 'middle', 'top']);
    assert.ok(graph.assets.every((a) => a.codeLocation === 'my_project.definitions'));
  });

  test('load_defs: a folder with definitions.py loads only that module', async () => {
    const graph = await scanProject(
      dgProject(loadDefsModule, {
        'my_project/defs/top.py': threeLevels['my_project/defs/top.py'],
        'my_project/defs/special/definitions.py': py`
          import dagster as dg

          @dg.asset
          def chosen(): ...

          defs = dg.Definitions(assets=[chosen])
        `,
        'my_project/defs/special/ignored.py': py`
          import dagster as dg

          @dg.asset
          def skipped(): ...
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['chosen', 'top']);
    assert.ok(
      diagnosticsWith(graph, 'asset-not-loaded').some((d) => d.file === 'my_project/defs/special/ignored.py'),
      describeDiagnostics(graph),
    );
  });

  test('load_from_defs_folder does not stop at definitions.py (ComponentTree uses terminate_autoloading_on_keyword_files=False)', async () => {
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/special/definitions.py': py`
          import dagster as dg

          @dg.asset
          def chosen(): ...
        `,
        'my_project/defs/special/sibling.py': py`
          import dagster as dg

          @dg.asset
          def sibling(): ...
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['chosen', 'sibling']);
  });

  test('a folder with defs.yaml loads only that component; YAML keys and deps split on "/"', async () => {
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/raw.py': py`
          import dagster as dg

          @dg.asset
          def raw_orders(): ...
        `,
        'my_project/defs/declared/defs.yaml': py`
          type: dagster.PythonScriptComponent

          attributes:
            execution:
              path: script.py
            assets:
              - key: a/b
                deps: [c/d, raw_orders]
                group_name: declared
                kinds: [python]
                description: made in YAML
              - key: c/d
        `,
        'my_project/defs/declared/script.py': 'print("hello")\n',
        'my_project/defs/declared/extra.py': py`
          import dagster as dg

          @dg.asset
          def not_loaded_here(): ...
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['a/b', 'c/d', 'raw_orders']);
    const ab = assetByKey(graph, ['a', 'b']);
    assert.deepEqual(depKeys(ab), ['c/d', 'raw_orders']);
    assert.equal(depOn(ab, ['c', 'd']).resolution, 'exact');
    assert.equal(depOn(ab, ['raw_orders']).resolution, 'exact');
    assert.equal(ab.group, 'declared');
    assert.deepEqual(ab.kinds, ['python']);
    assert.equal(ab.description, 'made in YAML');
    assert.equal(ab.file, 'my_project/defs/declared/defs.yaml');
    assert.equal(assetByKey(graph, ['c', 'd']).group, 'default');
    assert.ok(
      diagnosticsWith(graph, 'asset-not-loaded').some((d) => d.file === 'my_project/defs/declared/extra.py'),
      describeDiagnostics(graph),
    );
  });

  test('several YAML documents in one defs.yaml are several components', async () => {
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/many/defs.yaml': py`
          type: dagster.PythonScriptComponent
          attributes:
            execution:
              path: one.py
            assets:
              - key: first/doc
          ---
          type: dagster.PythonScriptComponent
          attributes:
            execution:
              path: two.py
            assets:
              - key: second/doc
                deps: [first/doc]
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['first/doc', 'second/doc']);
    assert.deepEqual(depKeys(assetByKey(graph, ['second', 'doc'])), ['first/doc']);
  });

  test('an unknown component type is reported as info, and the rest of the project still loads', async () => {
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/top.py': threeLevels['my_project/defs/top.py'],
        'my_project/defs/sling/defs.yaml': py`
          type: dagster_sling.SlingReplicationCollectionComponent
          attributes:
            replications:
              - path: replication.yaml
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['top']);
    const infos = graph.diagnostics.filter((d) => d.file === 'my_project/defs/sling/defs.yaml');
    assert.equal(infos.length, 1, describeDiagnostics(graph));
    assert.equal(infos[0]?.severity, 'info');
    assert.equal(infos[0]?.code, 'unsupported-component');
    assert.match(infos[0]?.message ?? '', /SlingReplicationCollectionComponent/);
  });

  test('hidden folders and __pycache__ are skipped, but a folder starting with "_" is loaded like any other', async () => {
    // EXPLICITLY_IGNORED_GLOB_PATTERNS is ["__pycache__", ".*/"]: nothing else is skipped.
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/_private/helpers.py': py`
          import dagster as dg

          @dg.asset
          def from_underscore_folder(): ...
        `,
        'my_project/defs/.hidden/secret.py': py`
          import dagster as dg

          @dg.asset
          def from_hidden_folder(): ...
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['from_underscore_folder']);
  });

  test('assets defined in a defs sub-package __init__.py are loaded (the file is a PythonFileDecl like any other)', async () => {
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/pkg/__init__.py': py`
          import dagster as dg

          @dg.asset
          def from_init(): ...
        `,
        'my_project/defs/pkg/mod.py': py`
          import dagster as dg

          @dg.asset
          def from_module(from_init): ...
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['from_init', 'from_module']);
    assert.equal(assetByKey(graph, ['from_init']).kind, 'asset');
    assert.equal(depOn(assetByKey(graph, ['from_module']), ['from_init']).resolution, 'exact');
  });

  test('a defs module holding a Definitions object contributes that object only, not its other top-level assets', async () => {
    // PythonFileComponent.build_defs returns the module's single Definitions object as is; only a
    // module without one goes through load_definitions_from_module.
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/explicit.py': py`
          import dagster as dg

          @dg.asset
          def listed(): ...

          @dg.asset
          def unlisted(): ...

          defs = dg.Definitions(assets=[listed])
        `,
      }),
    );
    assert.deepEqual(assetKeys(graph), ['listed']);
  });

  test('AssetSpecs at module level in the defs folder are loaded as external assets', async () => {
    const graph = await scanProject(
      dgProject(loadFromDefsFolder, {
        'my_project/defs/ext.py': py`
          import dagster as dg

          warehouse_table = dg.AssetSpec(key=["warehouse", "orders"], group_name="ext")

          @dg.asset(deps=[warehouse_table])
          def report(): ...
        `,
      }),
    );
    const ext = assetByKey(graph, ['warehouse', 'orders']);
    assert.equal(ext.kind, 'external');
    assert.equal(ext.group, 'ext');
    assert.equal(depOn(assetByKey(graph, ['report']), ['warehouse', 'orders']).resolution, 'exact');
  });
});
