import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assetByKey,
  assetKeys,
  depKeys,
  depOn,
  describeDiagnostics,
  diagnosticsWith,
  findAsset,
  py,
  scanProject,
} from './scanHarness';

// §1.8 (module loaders) and §2.3 (dependency resolution when Definitions is built), checked
// through a full scan of a small project, as a Dagster user would see the result in the UI.

const pkgInit = { 'pkg/__init__.py': '' };

describe('load_assets_from_modules', () => {
  test('key_prefix re-prefixes in-set parameter and deps= edges; deps outside the set keep their key and become stubs', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/assets_a.py': py`
        from dagster import asset

        @asset
        def upstream(): ...

        @asset
        def other(): ...
      `,
      'pkg/assets_b.py': py`
        from dagster import asset
        from pkg.assets_a import other

        @asset(deps=[other, "outside"])
        def downstream(upstream): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import assets_a, assets_b

        defs = Definitions(assets=load_assets_from_modules([assets_a, assets_b], key_prefix="p"))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['outside', 'p/downstream', 'p/other', 'p/upstream']);
    const downstream = assetByKey(graph, ['p', 'downstream']);
    assert.deepEqual(depKeys(downstream), ['outside', 'p/other', 'p/upstream']);
    const viaParam = depOn(downstream, ['p', 'upstream']);
    assert.equal(viaParam.resolution, 'exact');
    assert.equal(viaParam.inputName, 'upstream');
    assert.equal(viaParam.carriesData, true);
    assert.equal(depOn(downstream, ['p', 'other']).resolution, 'exact');
    assert.equal(depOn(downstream, ['p', 'other']).carriesData, false);
    assert.equal(depOn(downstream, ['outside']).resolution, 'stub');
    assert.equal(assetByKey(graph, ['outside']).kind, 'stub');
    assert.equal(findAsset(graph, ['upstream']), undefined, 'the unprefixed key must not survive');
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('key_prefix as a list; a dep on an asset loaded outside the set stays unprefixed and resolves to it', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/inner.py': py`
        from dagster import asset

        @asset
        def first(): ...

        @asset
        def second(first, shared): ...
      `,
      'pkg/shared.py': py`
        from dagster import asset

        @asset
        def shared(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import inner
        from pkg.shared import shared

        defs = Definitions(assets=[*load_assets_from_modules([inner], key_prefix=["a", "b"]), shared])
      `,
    });
    assert.deepEqual(assetKeys(graph), ['a/b/first', 'a/b/second', 'shared']);
    const second = assetByKey(graph, ['a', 'b', 'second']);
    assert.deepEqual(depKeys(second), ['a/b/first', 'shared']);
    assert.equal(depOn(second, ['shared']).resolution, 'exact');
    assert.equal(assetByKey(graph, ['shared']).kind, 'asset');
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('key_prefix rewrites by key: AssetIn(key=...), string deps and multi_asset outputs in the set all follow', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetIn, AssetOut, asset, multi_asset

        @asset
        def upstream(): ...

        @multi_asset(outs={"left": AssetOut(), "right": AssetOut()})
        def split(upstream): ...

        @asset(ins={"renamed": AssetIn(key="left")}, deps=["right", "upstream"])
        def combined(renamed): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], key_prefix="p"))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['p/combined', 'p/left', 'p/right', 'p/upstream']);
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'left'])), ['p/upstream']);
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'right'])), ['p/upstream']);
    const combined = assetByKey(graph, ['p', 'combined']);
    assert.deepEqual(depKeys(combined), ['p/left', 'p/right', 'p/upstream']);
    assert.equal(depOn(combined, ['p', 'left']).inputName, 'renamed');
    assert.ok(combined.deps.every((d) => d.resolution === 'exact'));
    assert.equal(assetByKey(graph, ['p', 'left']).opName, 'split');
  });

  test('a string key_prefix with a slash stays one key component', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset
        def x(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], key_prefix="a/b"))
      `,
    });
    assert.deepEqual(graph.assets.map((a) => a.key), [['a/b', 'x']]);
  });

  test('group_name is applied to every loaded asset, including ones explicitly in "default"', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset, SourceAsset

        raw = SourceAsset(key="raw")

        @asset
        def plain(raw): ...

        @asset(group_name="default")
        def explicit_default(plain): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], group_name="loaded"))
      `,
    });
    assert.equal(assetByKey(graph, ['plain']).group, 'loaded');
    assert.equal(assetByKey(graph, ['explicit_default']).group, 'loaded');
    assert.equal(assetByKey(graph, ['raw']).group, 'loaded');
    assert.equal(assetByKey(graph, ['raw']).kind, 'source');
    assert.equal(diagnosticsWith(graph, 'group-conflict').length, 0);
  });

  test('group_name conflicting with an asset\'s own non-default group is an error (Dagster raises)', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(group_name="mine")
        def grouped(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], group_name="theirs"))
      `,
    });
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, describeDiagnostics(graph));
    assert.equal(errors[0]?.code, 'group-conflict');
    assert.match(errors[0]?.message ?? '', /grouped/);
    assert.match(errors[0]?.message ?? '', /mine/);
  });

  test('group_name equal to the asset\'s own group is not a conflict', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(group_name="same")
        def grouped(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], group_name="same"))
      `,
    });
    assert.equal(assetByKey(graph, ['grouped']).group, 'same');
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('SourceAsset is not prefixed by key_prefix; references to it keep its key', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset, SourceAsset

        raw = SourceAsset(key="raw")

        @asset(deps=[raw])
        def by_dep(): ...

        @asset
        def by_param(raw): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], key_prefix="p"))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['p/by_dep', 'p/by_param', 'raw']);
    assert.equal(assetByKey(graph, ['raw']).kind, 'source');
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'by_dep'])), ['raw']);
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'by_param'])), ['raw']);
    assert.equal(depOn(assetByKey(graph, ['p', 'by_param']), ['raw']).resolution, 'exact');
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('source_key_prefix prefixes SourceAssets and every reference to them, not the assets', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset, SourceAsset

        raw = SourceAsset(key="raw")

        @asset(deps=[raw])
        def by_dep(): ...

        @asset
        def by_param(raw, by_dep): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], key_prefix="p", source_key_prefix=["s", "t"]))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['p/by_dep', 'p/by_param', 's/t/raw']);
    assert.equal(assetByKey(graph, ['s', 't', 'raw']).kind, 'source');
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'by_dep'])), ['s/t/raw']);
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'by_param'])), ['p/by_dep', 's/t/raw']);
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('AssetSpec is loaded only with include_specs=True; otherwise a dep on it is a stub', async () => {
    const module = py`
      from dagster import asset, AssetSpec

      ext = AssetSpec("ext_table", group_name="external_stuff")

      @asset(deps=[ext])
      def uses_ext(): ...
    `;
    const without = await scanProject({
      ...pkgInit,
      'pkg/m.py': module,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m]))
      `,
    });
    assert.equal(assetByKey(without, ['ext_table']).kind, 'stub');
    assert.equal(depOn(assetByKey(without, ['uses_ext']), ['ext_table']).resolution, 'stub');

    const withSpecs = await scanProject({
      ...pkgInit,
      'pkg/m.py': module,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], include_specs=True))
      `,
    });
    const ext = assetByKey(withSpecs, ['ext_table']);
    assert.equal(ext.kind, 'external');
    assert.equal(ext.group, 'external_stuff');
    assert.equal(depOn(assetByKey(withSpecs, ['uses_ext']), ['ext_table']).resolution, 'exact');
  });

  test('include_specs with key_prefix: the AssetSpec keeps its key, but deps on it inside the set are rewritten (Dagster puts spec keys in the replacement map)', async () => {
    // object_list.py assets_with_loadable_prefix: all_asset_keys is taken from
    // assets_defs_specs_and_checks_defs (AssetSpecs included), the replacement map is applied to
    // every AssetsDefinition, while AssetSpecs themselves are left untouched. So the dep of
    // `uses_ext` becomes p/ext_table, which nothing defines: a stub next to the unprefixed spec.
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset, AssetSpec

        ext = AssetSpec("ext_table")

        @asset(deps=[ext])
        def uses_ext(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], key_prefix="p", include_specs=True))
      `,
    });
    assert.equal(assetByKey(graph, ['ext_table']).kind, 'external');
    assert.deepEqual(depKeys(assetByKey(graph, ['p', 'uses_ext'])), ['p/ext_table']);
    assert.equal(assetByKey(graph, ['p', 'ext_table']).kind, 'stub');
  });

  test('an AssetSpec\'s own deps are not rewritten by key_prefix; Dagster then finds the prefixed asset through the group', async () => {
    // replace_keys_in_asset only replaces an AssetSpec's key; its deps keep ["base"], which the
    // same-group rule (both in "default") re-targets to p/base when Definitions is built.
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset, AssetSpec

        @asset
        def base(): ...

        report = AssetSpec("report", deps=["base"])
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], key_prefix="p", include_specs=True))
      `,
    });
    const report = assetByKey(graph, ['report']);
    const dep = depOn(report, ['p', 'base']);
    assert.equal(dep.resolution, 'group');
    assert.deepEqual(dep.writtenKey, ['base']);
  });

  test('module-level lists of assets are collected; tuples, dicts, nested and mixed lists are not', async () => {
    const graph = await scanProject({
      'proj/__init__.py': '',
      'proj/made.py': py`
        from dagster import asset

        @asset
        def l1(): ...

        @asset
        def l2(): ...

        @asset
        def t1(): ...

        @asset
        def d1(): ...

        @asset
        def n1(): ...

        @asset
        def m1(): ...
      `,
      'proj/collect.py': py`
        from proj import made

        in_list = [made.l1, made.l2]
        in_tuple = (made.t1,)
        in_dict = {"d": made.d1}
        nested = [[made.n1]]
        mixed = [made.m1, "not an asset"]
      `,
      'proj/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from proj import collect

        defs = Definitions(assets=load_assets_from_modules([collect]))
      `,
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "proj.definitions"
      `,
    });
    assert.deepEqual(assetKeys(graph), ['l1', 'l2']);
    const notLoaded = diagnosticsWith(graph, 'asset-not-loaded', 'warning').map((d) => d.message);
    for (const name of ['t1', 'd1', 'n1', 'm1']) {
      assert.ok(notLoaded.some((m) => m.includes(name)), `expected asset-not-loaded for ${name}: ${notLoaded.join(' | ')}`);
    }
  });

  test('an asset imported into two loaded modules is loaded once (identity), without a duplicate error', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/one.py': py`
        from dagster import asset

        @asset
        def shared(): ...
      `,
      'pkg/two.py': py`
        from dagster import asset
        from pkg.one import shared
        also_shared = shared

        @asset
        def local(shared): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import one, two

        defs = Definitions(assets=load_assets_from_modules([one, two], key_prefix="p"))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['p/local', 'p/shared']);
    assert.equal(graph.assets.filter((a) => a.key.join('/') === 'p/shared').length, 1);
    assert.deepEqual(diagnosticsWith(graph, 'duplicate-key'), []);
    assert.equal(assetByKey(graph, ['p', 'shared']).file, 'pkg/one.py');
  });

  test('two different assets with the same key in loaded modules are an error', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/one.py': py`
        from dagster import asset

        @asset
        def clash(): ...
      `,
      'pkg/two.py': py`
        from dagster import asset

        @asset(name="clash")
        def another_function(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import one, two

        defs = Definitions(assets=load_assets_from_modules([one, two]))
      `,
    });
    const errors = graph.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length >= 1, describeDiagnostics(graph));
    assert.ok(errors.some((d) => d.code === 'duplicate-key' && d.message.includes('clash')), describeDiagnostics(graph));
  });

  test('backfill_policy of the loader applies to every loaded asset', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset, DailyPartitionsDefinition

        @asset(partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"))
        def daily(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import BackfillPolicy, Definitions, load_assets_from_modules
        from pkg import m

        defs = Definitions(assets=load_assets_from_modules([m], backfill_policy=BackfillPolicy.single_run()))
      `,
    });
    assert.deepEqual(assetByKey(graph, ['daily']).backfillPolicy, { type: 'single_run' });
  });

  test('load_assets_from_package_module walks the package, its sub-modules and regular sub-packages only', async () => {
    const graph = await scanProject({
      'pkg/__init__.py': py`
        from dagster import asset

        @asset
        def in_init(): ...
      `,
      'pkg/mod.py': py`
        from dagster import asset

        @asset
        def in_module(in_init): ...
      `,
      'pkg/sub/__init__.py': '',
      'pkg/sub/deep.py': py`
        from dagster import asset

        @asset
        def in_subpackage(): ...
      `,
      'pkg/sub/deeper/__init__.py': '',
      'pkg/sub/deeper/leaf.py': py`
        from dagster import asset

        @asset
        def in_deeper(): ...
      `,
      'pkg/not_a_package/stray.py': py`
        from dagster import asset

        @asset
        def in_namespace_folder(): ...
      `,
      'definitions.py': py`
        import pkg
        from dagster import Definitions, load_assets_from_package_module

        defs = Definitions(assets=load_assets_from_package_module(pkg, key_prefix="k", group_name="g"))
      `,
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "definitions"
      `,
    });
    assert.deepEqual(assetKeys(graph), ['k/in_deeper', 'k/in_init', 'k/in_module', 'k/in_subpackage']);
    assert.ok(graph.assets.every((a) => a.group === 'g'));
    assert.deepEqual(depKeys(assetByKey(graph, ['k', 'in_module'])), ['k/in_init']);
    assert.ok(
      diagnosticsWith(graph, 'asset-not-loaded').some((d) => d.file === 'pkg/not_a_package/stray.py'),
      describeDiagnostics(graph),
    );
  });

  test('load_assets_from_package_name("pkg") loads the same set as the package module form', async () => {
    const graph = await scanProject({
      'pkg/__init__.py': '',
      'pkg/a.py': py`
        from dagster import asset

        @asset
        def a(): ...
      `,
      'pkg/nested/__init__.py': '',
      'pkg/nested/b.py': py`
        from dagster import asset

        @asset
        def b(a): ...
      `,
      'definitions.py': py`
        from dagster import Definitions, load_assets_from_package_name

        defs = Definitions(assets=load_assets_from_package_name("pkg", key_prefix="n"))
      `,
    });
    assert.deepEqual(assetKeys(graph), ['n/a', 'n/b']);
    assert.deepEqual(depKeys(assetByKey(graph, ['n', 'b'])), ['n/a']);
  });

  test('load_assets_from_current_module sees only what is defined above the call', async () => {
    const graph = await scanProject({
      'proj/__init__.py': '',
      'proj/definitions.py': py`
        from dagster import Definitions, asset, load_assets_from_current_module

        @asset
        def early(): ...

        @asset
        def also_early(early): ...

        defs = Definitions(assets=load_assets_from_current_module(group_name="here", key_prefix="cur"))

        @asset
        def too_late(): ...
      `,
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "proj.definitions"
      `,
    });
    assert.deepEqual(assetKeys(graph), ['cur/also_early', 'cur/early']);
    assert.ok(graph.assets.every((a) => a.group === 'here'));
    assert.deepEqual(depKeys(assetByKey(graph, ['cur', 'also_early'])), ['cur/early']);
    assert.ok(diagnosticsWith(graph, 'asset-not-loaded').some((d) => d.message.includes('too_late')), describeDiagnostics(graph));
  });

  test('Definitions.merge combines the assets of every Definitions', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/first.py': py`
        from dagster import asset

        @asset
        def one(): ...
      `,
      'pkg/second.py': py`
        from dagster import asset

        @asset
        def two(): ...
      `,
      'pkg/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from pkg import second
        from pkg.first import one

        defs = Definitions.merge(
            Definitions(assets=[one]),
            Definitions(assets=load_assets_from_modules([second], key_prefix="q")),
        )
      `,
    });
    assert.deepEqual(assetKeys(graph), ['one', 'q/two']);
  });

  test('an asset in a module no code location loads gets an asset-not-loaded warning and is not in the graph', async () => {
    const graph = await scanProject({
      'proj/__init__.py': '',
      'proj/assets.py': py`
        from dagster import asset

        @asset
        def loaded(): ...
      `,
      'proj/forgotten.py': py`
        from dagster import asset

        @asset
        def lonely(): ...
      `,
      'proj/definitions.py': py`
        from dagster import Definitions, load_assets_from_modules
        from proj import assets

        defs = Definitions(assets=load_assets_from_modules([assets]))
      `,
      'pyproject.toml': py`
        [tool.dagster]
        module_name = "proj.definitions"
      `,
    });
    assert.deepEqual(assetKeys(graph), ['loaded']);
    const warnings = diagnosticsWith(graph, 'asset-not-loaded');
    assert.equal(warnings.length, 1, describeDiagnostics(graph));
    assert.equal(warnings[0]?.severity, 'warning');
    assert.equal(warnings[0]?.file, 'proj/forgotten.py');
    assert.equal(warnings[0]?.line, 3);
    assert.match(warnings[0]?.message ?? '', /lonely/);
  });
});

describe('dependency resolution when Definitions is built (§2.3)', () => {
  const defsOf = (names: string) => py`
    from dagster import Definitions
    from pkg.m import ${names}

    defs = Definitions(assets=[${names}])
  `;

  test('a one-component parameter dep is re-targeted to the single same-group asset ending in it', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(key_prefix="x", group_name="g")
        def a(): ...

        @asset(key_prefix="x", group_name="g")
        def b(a): ...
      `,
      'pkg/definitions.py': defsOf('a, b'),
    });
    assert.deepEqual(assetKeys(graph), ['x/a', 'x/b']);
    const dep = depOn(assetByKey(graph, ['x', 'b']), ['x', 'a']);
    assert.equal(dep.resolution, 'group');
    assert.deepEqual(dep.writtenKey, ['a']);
    assert.equal(dep.inputName, 'a');
    assert.equal(dep.carriesData, true);
    assert.equal(findAsset(graph, ['a']), undefined, 'no stub for the re-targeted key');
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('re-targeting works in the default group too (the downstream key_prefix is never used)', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(key_prefix="x")
        def a(): ...

        @asset
        def b(a): ...
      `,
      'pkg/definitions.py': defsOf('a, b'),
    });
    const dep = depOn(assetByKey(graph, ['b']), ['x', 'a']);
    assert.equal(dep.resolution, 'group');
    assert.deepEqual(dep.writtenKey, ['a']);
  });

  test('a multi_asset parameter is re-targeted for every output (Dagster test_multi_asset_group_name)', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetOut, asset, multi_asset

        @asset(group_name="somegroup", key_prefix=["some", "path"])
        def upstream(): ...

        @multi_asset(group_name="somegroup", outs={"a": AssetOut(), "b": AssetOut()})
        def multi_downstream(upstream): ...
      `,
      'pkg/definitions.py': defsOf('upstream, multi_downstream'),
    });
    for (const key of [['a'], ['b']]) {
      const asset = assetByKey(graph, key);
      assert.equal(asset.kind, 'multi_asset');
      assert.deepEqual(depKeys(asset), ['some/path/upstream']);
      assert.equal(depOn(asset, ['some', 'path', 'upstream']).resolution, 'group');
    }
  });

  test('no re-targeting across groups: a data-carrying parameter is an unresolved-input error', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(key_prefix="x", group_name="g1")
        def a(): ...

        @asset(group_name="g2")
        def b(a): ...
      `,
      'pkg/definitions.py': defsOf('a, b'),
    });
    const errors = diagnosticsWith(graph, 'unresolved-input', 'error');
    assert.equal(errors.length, 1, describeDiagnostics(graph));
    assert.equal(errors[0]?.file, 'pkg/m.py');
    assert.equal(errors[0]?.line, 6);
    const dep = depOn(assetByKey(graph, ['b']), ['a']);
    assert.equal(dep.resolution, 'stub');
    assert.equal(dep.carriesData, true);
  });

  test('no re-targeting across groups: a deps= entry becomes a stub, without an error', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(key_prefix="x", group_name="g1")
        def a(): ...

        @asset(group_name="g2", deps=["a"])
        def b(): ...
      `,
      'pkg/definitions.py': defsOf('a, b'),
    });
    assert.deepEqual(assetKeys(graph), ['a', 'b', 'x/a']);
    const stub = assetByKey(graph, ['a']);
    assert.equal(stub.kind, 'stub');
    assert.deepEqual(stub.deps, []);
    assert.equal(depOn(assetByKey(graph, ['b']), ['a']).resolution, 'stub');
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('two same-group candidates are ambiguous: no re-targeting (stub for deps=, error for a parameter)', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(key_prefix="x", group_name="g")
        def a(): ...

        @asset(key_prefix="y", group_name="g", name="a")
        def other_a(): ...

        @asset(group_name="g", deps=["a"])
        def by_dep(): ...

        @asset(group_name="g")
        def by_param(a): ...
      `,
      'pkg/definitions.py': defsOf('a, other_a, by_dep, by_param'),
    });
    assert.equal(depOn(assetByKey(graph, ['by_dep']), ['a']).resolution, 'stub');
    assert.equal(assetByKey(graph, ['a']).kind, 'stub');
    const errors = diagnosticsWith(graph, 'unresolved-input', 'error');
    assert.equal(errors.length, 1, describeDiagnostics(graph));
    assert.match(errors[0]?.message ?? '', /by_param/);
  });

  test('never re-targeted onto an output of the asset\'s own multi_asset', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetKey, AssetOut, multi_asset

        @multi_asset(group_name="g", deps=["a"], outs={"a_out": AssetOut(key=AssetKey(["m", "a"])), "z": AssetOut()})
        def producer(): ...
      `,
      'pkg/definitions.py': defsOf('producer'),
    });
    assert.deepEqual(assetKeys(graph), ['a', 'm/a', 'z']);
    assert.equal(assetByKey(graph, ['a']).kind, 'stub');
    assert.equal(depOn(assetByKey(graph, ['m', 'a']), ['a']).resolution, 'stub');
    assert.equal(depOn(assetByKey(graph, ['z']), ['a']).resolution, 'stub');
  });

  test('an output of the asset\'s own multi_asset still counts as a candidate, making another match ambiguous', async () => {
    // resolved_asset_deps.py: `len(matching_asset_keys) == 1 and matching_asset_keys[0] not in
    // assets_def.keys`: the candidates are counted over every spec of the group first, so with
    // m/a (own output) and y/a (another asset) there are two and nothing is re-targeted.
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetKey, AssetOut, asset, multi_asset

        @asset(key_prefix="y", group_name="g")
        def a(): ...

        @multi_asset(group_name="g", deps=["a"], outs={"a_out": AssetOut(key=AssetKey(["m", "a"])), "z": AssetOut()})
        def producer(): ...
      `,
      'pkg/definitions.py': defsOf('a, producer'),
    });
    const z = assetByKey(graph, ['z']);
    assert.deepEqual(depKeys(z), ['a']);
    assert.equal(depOn(z, ['a']).resolution, 'stub');
    assert.equal(assetByKey(graph, ['a']).kind, 'stub');
  });

  test('multi-component keys are never re-targeted', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetIn, AssetKey, asset

        @asset(key_prefix=["p", "b"], group_name="g")
        def x(): ...

        @asset(group_name="g", deps=[AssetKey(["b", "x"])])
        def by_dep(): ...

        @asset(group_name="g", ins={"up": AssetIn(key=["b", "x"])})
        def by_input(up): ...
      `,
      'pkg/definitions.py': defsOf('x, by_dep, by_input'),
    });
    assert.equal(depOn(assetByKey(graph, ['by_dep']), ['b', 'x']).resolution, 'stub');
    assert.equal(assetByKey(graph, ['b', 'x']).kind, 'stub');
    const errors = diagnosticsWith(graph, 'unresolved-input', 'error');
    assert.equal(errors.length, 1, describeDiagnostics(graph));
    assert.match(errors[0]?.message ?? '', /by_input/);
  });

  test('a string dep with a slash is one component: deps=["x/a"] does not find asset x/a', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset(key_prefix="x")
        def a(): ...

        @asset(deps=["x/a"])
        def b(): ...
      `,
      'pkg/definitions.py': defsOf('a, b'),
    });
    const dep = assetByKey(graph, ['b']).deps;
    assert.deepEqual(dep.map((d) => d.key), [['x/a']]);
    assert.equal(dep[0]?.resolution, 'stub');
    assert.equal(assetByKey(graph, ['x/a']).kind, 'stub');
  });

  test('AssetIn(key_prefix=...) names the upstream key exactly', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetIn, asset

        @asset(key_prefix="x", group_name="g1")
        def a(): ...

        @asset(group_name="g2", ins={"a": AssetIn(key_prefix="x")})
        def b(a): ...
      `,
      'pkg/definitions.py': defsOf('a, b'),
    });
    const dep = depOn(assetByKey(graph, ['b']), ['x', 'a']);
    assert.equal(dep.resolution, 'exact');
    assert.equal(dep.writtenKey, undefined);
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, describeDiagnostics(graph));
  });

  test('an unresolvable data input is an unresolved-input error at the asset, and the missing key is drawn as a stub', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import asset

        @asset
        def lonely(missing_upstream): ...
      `,
      'pkg/definitions.py': defsOf('lonely'),
    });
    const errors = diagnosticsWith(graph, 'unresolved-input');
    assert.equal(errors.length, 1, describeDiagnostics(graph));
    assert.equal(errors[0]?.severity, 'error');
    assert.equal(errors[0]?.file, 'pkg/m.py');
    assert.equal(errors[0]?.line, 3);
    assert.match(errors[0]?.message ?? '', /missing_upstream/);
    assert.equal(assetByKey(graph, ['missing_upstream']).kind, 'stub');
  });

  test('a Nothing-typed AssetIn that cannot be resolved is a stub, not an error', async () => {
    const graph = await scanProject({
      ...pkgInit,
      'pkg/m.py': py`
        from dagster import AssetIn, Nothing, asset

        @asset(ins={"gone": AssetIn(dagster_type=Nothing)})
        def waits(): ...
      `,
      'pkg/definitions.py': defsOf('waits'),
    });
    assert.equal(assetByKey(graph, ['gone']).kind, 'stub');
    assert.equal(depOn(assetByKey(graph, ['waits']), ['gone']).carriesData, false);
    assert.deepEqual(diagnosticsWith(graph, 'unresolved-input'), []);
  });
});
