import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AssetNode } from '../../../src/core/model/graph';
import { findAsset as assetByKey, scanProject } from './scanHarness';

/** Dependency keys in declaration order. */
const depKeys = (asset: AssetNode | undefined): string[][] => asset?.deps.map((d) => d.key) ?? [];

/** Wraps a module body into a project whose Definitions loads every module-level asset. */
function project(body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'proj/__init__.py': '',
    'proj/assets.py': body,
    'proj/definitions.py': 'from dagster import Definitions, load_assets_from_modules\nfrom . import assets\ndefs = Definitions(assets=load_assets_from_modules([assets], include_specs=True))\n',
    'pyproject.toml': '[tool.dagster]\nmodule_name = "proj.definitions"\ncode_location_name = "proj"\n',
    ...extra,
  };
}

describe('@asset keys', () => {
  test('bare decorator and empty parentheses both make an asset named after the function', async () => {
    const graph = await scanProject(project('from dagster import asset\n\n@asset\ndef a():\n    pass\n\n@asset()\ndef b():\n    pass\n'));
    assert.deepEqual(graph.assets.map((a) => a.key), [['a'], ['b']]);
    assert.equal(assetByKey(graph, ['a'])?.line, 3, 'line is the decorator line');
    assert.equal(assetByKey(graph, ['a'])?.codeLocation, 'proj');
  });

  test('name=, key_prefix as str and as list, key= as list', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, AssetKey
@asset(name="renamed")
def a(): ...
@asset(key_prefix="warehouse")
def b(): ...
@asset(key_prefix=["lake", "bronze"], name="c_table")
def c(): ...
@asset(key=["x", "y"])
def d(): ...
@asset(key=AssetKey(["k", "l"]))
def e(): ...
`),
    );
    assert.deepEqual(
      graph.assets.map((a) => a.key),
      [['k', 'l'], ['lake', 'bronze', 'c_table'], ['renamed'], ['warehouse', 'b'], ['x', 'y']],
    );
  });

  test('a string key is ONE component: "a/b" is never split', async () => {
    const graph = await scanProject(project('from dagster import asset\n@asset(key="a/b")\ndef f(): ...\n'));
    assert.deepEqual(graph.assets[0]?.key, ['a/b']);
  });

  test('key= together with name= is reported as Dagster refuses it', async () => {
    const graph = await scanProject(project('from dagster import asset\n@asset(key="k", name="n")\ndef f(): ...\n'));
    assert.ok(graph.diagnostics.some((d) => d.code === 'invalid-definition' && d.severity === 'error' && d.line === 2));
  });

  test('dg.asset, dagster.asset and an aliased import are all recognised', async () => {
    const graph = await scanProject(
      project(`import dagster as dg
import dagster
from dagster import asset as dagster_asset
@dg.asset
def one(): ...
@dagster.asset(group_name="g")
def two(): ...
@dagster_asset
def three(): ...
`),
    );
    assert.deepEqual(graph.assets.map((a) => a.key[0]).sort(), ['one', 'three', 'two']);
    assert.equal(assetByKey(graph, ['two'])?.group, 'g');
  });

  test('stacked decorators: a functools.wraps wrapper keeps the wrapped name and parameters', async () => {
    const graph = await scanProject(
      project(`import functools
from dagster import asset

def traced(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper

@asset
def upstream(): ...

@asset
@traced
def downstream(context, upstream):
    return upstream
`),
    );
    assert.deepEqual(depKeys(assetByKey(graph, ['downstream'])), [['upstream']]);
  });
});

describe('@asset attributes', () => {
  test('group, code version, owners, tags, kinds, compute_kind, backfill policy and automation condition', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, BackfillPolicy, AutomationCondition, DailyPartitionsDefinition
daily = DailyPartitionsDefinition(start_date="2024-01-01")
@asset(
    group_name="sales",
    code_version="v3",
    owners=["team:data", "ana@example.com"],
    tags={"domain": "sales", "tier": "gold"},
    kinds={"python", "snowflake"},
    partitions_def=daily,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=7),
    automation_condition=AutomationCondition.eager(),
)
def orders(): ...
@asset(compute_kind="pandas", backfill_policy=BackfillPolicy.single_run())
def legacy(): ...
`),
    );
    const orders = assetByKey(graph, ['orders']);
    assert.equal(orders?.group, 'sales');
    assert.equal(orders?.codeVersion, 'v3');
    assert.deepEqual(orders?.owners, ['team:data', 'ana@example.com']);
    assert.deepEqual(orders?.tags, { domain: 'sales', tier: 'gold' });
    assert.deepEqual(orders?.kinds, ['python', 'snowflake']);
    assert.deepEqual(orders?.backfillPolicy, { type: 'multi_run', maxPartitionsPerRun: 7 });
    assert.equal(orders?.automationCondition, 'AutomationCondition.eager()');
    assert.equal(orders?.partitions?.type, 'daily');
    const legacy = assetByKey(graph, ['legacy']);
    assert.deepEqual(legacy?.kinds, ['pandas']);
    assert.deepEqual(legacy?.backfillPolicy, { type: 'single_run' });
    assert.equal(legacy?.group, 'default');
    assert.equal(legacy?.codeVersion, null);
  });

  test('description= wins over the docstring; the docstring is cleaned like inspect.cleandoc', async () => {
    const graph = await scanProject(
      project(`from dagster import asset
@asset(description="explicit")
def a():
    """Docstring."""
@asset
def b():
    """First line.

        Indented detail.
    """
`),
    );
    assert.equal(assetByKey(graph, ['a'])?.description, 'explicit');
    assert.equal(assetByKey(graph, ['b'])?.description, 'First line.\n\nIndented detail.');
  });
});

describe('inputs and deps', () => {
  test('context, config and resource parameters are not inputs; every other parameter is', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, ConfigurableResource, AssetExecutionContext
from dagster_dbt import DbtCliResource

class Warehouse(ConfigurableResource):
    url: str

@asset
def a(): ...
@asset
def b(): ...
@asset
def c(context: AssetExecutionContext, a, config, warehouse: Warehouse, dbt: DbtCliResource, *, b):
    ...
`),
    );
    assert.deepEqual(depKeys(assetByKey(graph, ['c'])), [['a'], ['b']]);
    const dep = assetByKey(graph, ['c'])?.deps[0];
    assert.equal(dep?.inputName, 'a');
    assert.equal(dep?.carriesData, true);
  });

  test('AssetIn: key, key_prefix, partition mapping; a downstream key_prefix never applies to inputs', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, AssetIn, AssetKey, TimeWindowPartitionMapping, DailyPartitionsDefinition
daily = DailyPartitionsDefinition(start_date="2024-01-01")
@asset(key_prefix="src", partitions_def=daily)
def events(): ...
@asset(key_prefix="src")
def users(): ...
@asset(
    key_prefix="mart",
    partitions_def=daily,
    ins={
        "ev": AssetIn(key=AssetKey(["src", "events"]), partition_mapping=TimeWindowPartitionMapping(start_offset=-1)),
        "users": AssetIn(key_prefix="src"),
    },
)
def sessions(ev, users): ...
`),
    );
    const sessions = assetByKey(graph, ['mart', 'sessions']);
    assert.deepEqual(depKeys(sessions), [['src', 'events'], ['src', 'users']]);
    assert.deepEqual(sessions?.deps[0]?.partitionMapping, {
      type: 'time_window',
      startOffset: -1,
      endOffset: 0,
      allowNonexistentUpstreamPartitions: false,
    });
  });

  test('deps= accepts strings, lists, AssetKey, from_user_string, function references, specs and AssetDep', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, AssetKey, AssetDep, AssetSpec, LastPartitionMapping
@asset
def upstream_fn(): ...
spec = AssetSpec("external_table")
@asset(deps=[
    "plain",
    "with/slash",
    ["as", "list"],
    AssetKey("single"),
    AssetKey.from_user_string("user/string"),
    upstream_fn,
    spec,
    AssetDep("mapped", partition_mapping=LastPartitionMapping()),
])
def target(): ...
`),
    );
    const target = assetByKey(graph, ['target']);
    assert.deepEqual(depKeys(target), [
      ['plain'],
      ['with/slash'],
      ['as', 'list'],
      ['single'],
      ['user', 'string'],
      ['upstream_fn'],
      ['external_table'],
      ['mapped'],
    ]);
    assert.deepEqual(target?.deps.find((d) => d.key[0] === 'mapped')?.partitionMapping, { type: 'last' });
    assert.ok(target?.deps.every((d) => !d.carriesData), 'deps= entries carry no data');
  });

  test('a multi-asset in deps= expands to all of its keys', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, multi_asset, AssetOut
@multi_asset(outs={"x": AssetOut(), "y": AssetOut()})
def both(): ...
@asset(deps=[both])
def after(): ...
`),
    );
    assert.deepEqual(depKeys(assetByKey(graph, ['after'])), [['x'], ['y']]);
  });

  test('an ins entry without a parameter is an error unless its type is Nothing', async () => {
    const graph = await scanProject(
      project(`from dagster import asset, AssetIn, Nothing
@asset
def a(): ...
@asset
def b(): ...
@asset(ins={"a": AssetIn(dagster_type=Nothing), "b": AssetIn()})
def c(): ...
`),
    );
    const c = assetByKey(graph, ['c']);
    assert.deepEqual(depKeys(c), [['a'], ['b']]);
    assert.equal(c?.deps[0]?.carriesData, false);
    assert.ok(graph.diagnostics.some((d) => d.code === 'invalid-definition' && d.message.includes("'b'")));
  });
});

describe('other definition forms', () => {
  test('@multi_asset with outs: AssetOut key, key_prefix, group; decorator group applies to all; internal_asset_deps', async () => {
    const graph = await scanProject(
      project(`from dagster import multi_asset, AssetOut, AssetKey, asset
@asset
def src_a(): ...
@asset
def src_b(): ...
@multi_asset(
    outs={
        "first": AssetOut(key_prefix=["wh"]),
        "second": AssetOut(key=AssetKey(["explicit", "second"]), code_version="2"),
    },
    group_name="grouped",
    internal_asset_deps={"first": {AssetKey("src_a")}, "second": {AssetKey("src_b")}},
    deps=["src_b"],
)
def split(context, src_a): ...
`),
    );
    const first = assetByKey(graph, ['wh', 'first']);
    const second = assetByKey(graph, ['explicit', 'second']);
    assert.equal(first?.kind, 'multi_asset');
    assert.equal(first?.group, 'grouped');
    assert.equal(second?.group, 'grouped');
    assert.equal(second?.codeVersion, '2');
    assert.deepEqual(depKeys(first), [['src_a']]);
    assert.deepEqual(depKeys(second), [['src_b']]);
    assert.equal(first?.opName, 'split');
  });

  test('@multi_asset(specs=[AssetSpec(...)]) takes keys and deps from the specs', async () => {
    const graph = await scanProject(
      project(`from dagster import multi_asset, AssetSpec
@multi_asset(specs=[AssetSpec("left", deps=["raw"]), AssetSpec(["right", "side"], group_name="g")])
def pair(): ...
`),
    );
    assert.equal(assetByKey(graph, ['left'])?.kind, 'multi_asset');
    assert.deepEqual(depKeys(assetByKey(graph, ['left'])), [['raw']]);
    assert.equal(assetByKey(graph, ['right', 'side'])?.group, 'g');
  });

  test('@graph_asset and @graph_multi_asset', async () => {
    const graph = await scanProject(
      project(`from dagster import graph_asset, graph_multi_asset, op, asset, AssetOut
@asset
def raw(): ...
@op
def step(x): return x
@graph_asset(key_prefix="g")
def combined(raw):
    return step(raw)
@graph_multi_asset(outs={"o1": AssetOut(), "o2": AssetOut()})
def fanout(raw):
    return step(raw), step(raw)
`),
    );
    const combined = assetByKey(graph, ['g', 'combined']);
    assert.equal(combined?.kind, 'graph_asset');
    assert.deepEqual(depKeys(combined), [['raw']]);
    assert.equal(assetByKey(graph, ['o1'])?.kind, 'graph_asset');
    assert.deepEqual(depKeys(assetByKey(graph, ['o2'])), [['raw']]);
  });

  test('AssetsDefinition.from_graph and from_op: input keys from names, key_prefix on outputs only', async () => {
    const graph = await scanProject(
      project(`from dagster import AssetsDefinition, graph, op, asset, AssetKey
@asset
def upstream(): ...
@op
def double(upstream): ...
@graph
def pipeline(upstream):
    return double(upstream)
from_graph = AssetsDefinition.from_graph(pipeline, key_prefix="pre", group_name="gg")
from_op = AssetsDefinition.from_op(double, keys_by_input_name={"upstream": AssetKey(["pre", "pipeline"])})
`),
    );
    const g = assetByKey(graph, ['pre', 'pipeline']);
    assert.equal(g?.kind, 'graph_asset');
    assert.equal(g?.group, 'gg');
    assert.deepEqual(depKeys(g), [['upstream']]);
    assert.deepEqual(depKeys(assetByKey(graph, ['double'])), [['pre', 'pipeline']]);
  });

  test('@observable_source_asset, SourceAsset and AssetSpec in Definitions; @asset_check is not an asset', async () => {
    const graph = await scanProject({
      'defs.py': `from dagster import Definitions, asset, asset_check, observable_source_asset, SourceAsset, AssetSpec, AssetKey
@observable_source_asset(group_name="ext")
def feed(): ...
legacy = SourceAsset(key=AssetKey(["vendor", "legacy"]))
vendor = AssetSpec("vendor_table", description="managed elsewhere")
@asset(deps=[feed, legacy, vendor])
def consumer(): ...
@asset_check(asset=consumer)
def consumer_not_empty(): ...
defs = Definitions(assets=[feed, legacy, vendor, consumer], asset_checks=[consumer_not_empty])
`,
    });
    assert.equal(assetByKey(graph, ['feed'])?.kind, 'observable_source');
    assert.equal(assetByKey(graph, ['feed'])?.group, 'ext');
    assert.equal(assetByKey(graph, ['vendor', 'legacy'])?.kind, 'source');
    assert.equal(assetByKey(graph, ['vendor_table'])?.kind, 'external');
    assert.equal(assetByKey(graph, ['vendor_table'])?.description, 'managed elsewhere');
    assert.equal(assetByKey(graph, ['consumer_not_empty']), undefined);
    assert.equal(graph.assets.length, 4);
    assert.deepEqual(depKeys(assetByKey(graph, ['consumer'])), [['feed'], ['vendor', 'legacy'], ['vendor_table']]);
  });
});
