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

// dagster-dbt (§1.10) end to end: @dbt_assets over a manifest (or the project files when the
// manifest has not been built yet), next to Python assets in the same Definitions.

const dbtDir = 'my_pkg/dbt';

/** A small project: a source raw.orders, a seed, a view on the source, a mart and a custom-schema model. */
const manifestBody = {
  metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', project_name: 'shop' },
  nodes: {
    'model.shop.stg_orders': {
      unique_id: 'model.shop.stg_orders',
      resource_type: 'model',
      name: 'stg_orders',
      package_name: 'shop',
      original_file_path: 'models/staging/stg_orders.sql',
      path: 'staging/stg_orders.sql',
      fqn: ['shop', 'staging', 'stg_orders'],
      alias: 'stg_orders',
      config: { enabled: true, materialized: 'view', schema: null, meta: {}, tags: [] },
      meta: {},
      tags: [],
      raw_code: "select * from {{ source('raw', 'orders') }}",
      language: 'sql',
      checksum: { name: 'sha256', checksum: 'a1' },
      depends_on: { nodes: ['source.shop.raw.orders'] },
    },
    'seed.shop.customers_seed': {
      unique_id: 'seed.shop.customers_seed',
      resource_type: 'seed',
      name: 'customers_seed',
      package_name: 'shop',
      original_file_path: 'seeds/customers_seed.csv',
      path: 'customers_seed.csv',
      fqn: ['shop', 'customers_seed'],
      alias: 'customers_seed',
      config: { enabled: true, materialized: 'seed', schema: null, meta: {}, tags: [] },
      meta: {},
      tags: [],
      raw_code: '',
      checksum: { name: 'sha256', checksum: 'b2' },
      depends_on: { nodes: [] },
    },
    'model.shop.fct_orders': {
      unique_id: 'model.shop.fct_orders',
      resource_type: 'model',
      name: 'fct_orders',
      package_name: 'shop',
      original_file_path: 'models/marts/fct_orders.sql',
      path: 'marts/fct_orders.sql',
      fqn: ['shop', 'marts', 'fct_orders'],
      alias: 'fct_orders',
      config: { enabled: true, materialized: 'table', schema: null, meta: { dagster: { group: 'marts' } }, tags: [] },
      meta: { dagster: { group: 'marts' } },
      tags: [],
      raw_code: "select * from {{ ref('stg_orders') }} join {{ ref('customers_seed') }} using (customer_id)",
      language: 'sql',
      checksum: { name: 'sha256', checksum: 'c3' },
      depends_on: { nodes: ['model.shop.stg_orders', 'seed.shop.customers_seed'] },
    },
    'model.shop.finance_summary': {
      unique_id: 'model.shop.finance_summary',
      resource_type: 'model',
      name: 'finance_summary',
      package_name: 'shop',
      original_file_path: 'models/marts/finance_summary.sql',
      path: 'marts/finance_summary.sql',
      fqn: ['shop', 'marts', 'finance_summary'],
      alias: 'finance_summary',
      config: { enabled: true, materialized: 'table', schema: 'finance', meta: {}, tags: [] },
      meta: {},
      tags: [],
      raw_code: "{{ config(schema='finance') }}\nselect count(*) from {{ ref('fct_orders') }}",
      language: 'sql',
      checksum: { name: 'sha256', checksum: 'd4' },
      depends_on: { nodes: ['model.shop.fct_orders'] },
    },
    'test.shop.not_null_stg_orders_order_id.abc': {
      unique_id: 'test.shop.not_null_stg_orders_order_id.abc',
      resource_type: 'test',
      name: 'not_null_stg_orders_order_id',
      package_name: 'shop',
      original_file_path: 'models/staging/schema.yml',
      fqn: ['shop', 'staging', 'not_null_stg_orders_order_id'],
      config: { enabled: true, materialized: 'test' },
      depends_on: { nodes: ['model.shop.stg_orders'] },
    },
  },
  sources: {
    'source.shop.raw.orders': {
      unique_id: 'source.shop.raw.orders',
      resource_type: 'source',
      name: 'orders',
      source_name: 'raw',
      package_name: 'shop',
      original_file_path: 'models/sources.yml',
      fqn: ['shop', 'raw', 'orders'],
      config: { enabled: true },
      meta: {},
      source_meta: {},
      tags: [],
    },
  },
};

/** dbt writes parent_map and child_map for every node and source; selection walks child_map. */
function withGraphMaps(body: typeof manifestBody): Record<string, unknown> {
  type Entry = { depends_on?: { nodes: string[] } };
  const entries: [string, Entry][] = [
    ...Object.entries(body.nodes as Record<string, Entry>),
    ...Object.entries(body.sources as Record<string, Entry>),
  ];
  const parent_map: Record<string, string[]> = {};
  const child_map: Record<string, string[]> = {};
  for (const [id] of entries) {
    parent_map[id] = [];
    child_map[id] = [];
  }
  for (const [id, node] of entries) {
    for (const parent of node.depends_on?.nodes ?? []) {
      parent_map[id]?.push(parent);
      child_map[parent]?.push(id);
    }
  }
  return { ...body, parent_map, child_map };
}

const manifest = withGraphMaps(manifestBody);

/** The same project as dbt files, so it can be read without a manifest. */
const projectFiles: Record<string, string> = {
  [`${dbtDir}/dbt_project.yml`]: py`
    name: shop
    version: "1.0.0"
    profile: shop
    model-paths: ["models"]
    seed-paths: ["seeds"]
  `,
  [`${dbtDir}/models/sources.yml`]: py`
    version: 2
    sources:
      - name: raw
        tables:
          - name: orders
  `,
  [`${dbtDir}/models/staging/stg_orders.sql`]: "select * from {{ source('raw', 'orders') }}\n",
  [`${dbtDir}/models/staging/schema.yml`]: py`
    version: 2
    models:
      - name: stg_orders
        columns:
          - name: order_id
            data_tests: [not_null]
  `,
  [`${dbtDir}/models/marts/fct_orders.sql`]: "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }} join {{ ref('customers_seed') }} using (customer_id)\n",
  [`${dbtDir}/models/marts/schema.yml`]: py`
    version: 2
    models:
      - name: fct_orders
        config:
          meta:
            dagster:
              group: marts
  `,
  [`${dbtDir}/models/marts/finance_summary.sql`]: "{{ config(schema='finance', materialized='table') }}\nselect count(*) from {{ ref('fct_orders') }}\n",
  [`${dbtDir}/seeds/customers_seed.csv`]: 'customer_id,name\n1,Ann\n',
};

const withManifest = { ...projectFiles, [`${dbtDir}/target/manifest.json`]: JSON.stringify(manifest, null, 2) };

const pythonOrders = py`
  from dagster import asset

  @asset(key_prefix="raw")
  def orders(): ...
`;

/** my_pkg/definitions.py with the given @dbt_assets body, loading the Python `orders` asset too. */
function project(definitions: string, files: Record<string, string> = withManifest): Record<string, string> {
  return {
    'my_pkg/__init__.py': '',
    'my_pkg/python_assets.py': pythonOrders,
    'my_pkg/definitions.py': definitions,
    'pyproject.toml': py`
      [tool.dagster]
      module_name = "my_pkg.definitions"
    `,
    ...files,
  };
}

const manifestPathDefinitions = py`
  from pathlib import Path

  from dagster import AssetExecutionContext, Definitions
  from dagster_dbt import DbtCliResource, dbt_assets

  from my_pkg.python_assets import orders


  @dbt_assets(manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json")
  def shop_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
      yield from dbt.cli(["build"], context=context).stream()


  defs = Definitions(assets=[orders, shop_dbt])
`;

const expectedKeys = ['customers_seed', 'fct_orders', 'finance/finance_summary', 'raw/orders', 'stg_orders'];

function assertShopGraph(graph: Awaited<ReturnType<typeof scanProject>>): void {
  assert.deepEqual(assetKeys(graph), expectedKeys);
  for (const key of [['stg_orders'], ['fct_orders'], ['finance', 'finance_summary'], ['customers_seed']]) {
    const asset = assetByKey(graph, key);
    assert.equal(asset.kind, 'dbt', key.join('/'));
    assert.ok(asset.kinds.includes('dbt'), `${key.join('/')} kinds ${asset.kinds.join(',')}`);
    assert.equal(asset.opName, 'shop_dbt');
  }
  assert.equal(assetByKey(graph, ['raw', 'orders']).kind, 'asset');
  // The source raw.orders has the key of the Python asset: the model depends on the real asset.
  const stg = assetByKey(graph, ['stg_orders']);
  assert.deepEqual(depKeys(stg), ['raw/orders']);
  assert.equal(depOn(stg, ['raw', 'orders']).resolution, 'exact');
  assert.deepEqual(depKeys(assetByKey(graph, ['fct_orders'])), ['customers_seed', 'stg_orders']);
  assert.deepEqual(depKeys(assetByKey(graph, ['finance', 'finance_summary'])), ['fct_orders']);
  assert.equal(assetByKey(graph, ['fct_orders']).group, 'marts');
  assert.equal(assetByKey(graph, ['stg_orders']).group, 'default');
  assert.equal(assetByKey(graph, ['stg_orders']).file, 'my_pkg/dbt/models/staging/stg_orders.sql');
  assert.equal(assetByKey(graph, ['customers_seed']).file, 'my_pkg/dbt/seeds/customers_seed.csv');
  assert.equal(findAsset(graph, ['not_null_stg_orders_order_id']), undefined, 'tests are not assets');
  assert.equal(graph.assets.filter((a) => a.kind === 'stub').length, 0);
}

describe('dbt integration', () => {
  test('@dbt_assets(manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json") next to a Python asset', async () => {
    const graph = await scanProject(project(manifestPathDefinitions));
    assertShopGraph(graph);
    assert.equal(graph.diagnostics.filter((d) => d.severity !== 'info').length, 0, describeDiagnostics(graph));
    assert.deepEqual(assetByKey(graph, ['stg_orders']).metadata['dbt/unique_id'], 'model.shop.stg_orders');
  });

  test('DbtProject(project_dir=...) and manifest=dbt_project.manifest_path', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import AssetExecutionContext, Definitions
        from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

        from my_pkg.python_assets import orders

        shop_project = DbtProject(project_dir=Path(__file__).joinpath("..", "dbt").resolve())


        @dbt_assets(manifest=shop_project.manifest_path)
        def shop_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
            yield from dbt.cli(["build"], context=context).stream()


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    assertShopGraph(graph);
    assert.equal(graph.diagnostics.filter((d) => d.severity !== 'info').length, 0, describeDiagnostics(graph));
  });

  test('KeyPrefixDagsterDbtTranslator prefixes models and seeds with one prefix and sources with the other', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import Definitions
        from dagster_dbt import KeyPrefixDagsterDbtTranslator, dbt_assets

        from my_pkg.python_assets import orders


        @dbt_assets(
            manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json",
            dagster_dbt_translator=KeyPrefixDagsterDbtTranslator(
                asset_key_prefix="wh", source_asset_key_prefix=["ingest", "v1"]
            ),
        )
        def shop_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    assert.deepEqual(assetKeys(graph), [
      'ingest/v1/raw/orders',
      'raw/orders',
      'wh/customers_seed',
      'wh/fct_orders',
      'wh/finance/finance_summary',
      'wh/stg_orders',
    ]);
    const stg = assetByKey(graph, ['wh', 'stg_orders']);
    assert.deepEqual(depKeys(stg), ['ingest/v1/raw/orders']);
    assert.equal(assetByKey(graph, ['ingest', 'v1', 'raw', 'orders']).kind, 'stub');
    assert.deepEqual(depKeys(assetByKey(graph, ['wh', 'fct_orders'])), ['wh/customers_seed', 'wh/stg_orders']);
    assert.deepEqual(diagnosticsWith(graph, 'custom-translator'), []);
  });

  test('select= keeps the chosen nodes; their other parents become dependencies (stubs when nothing defines them)', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import Definitions
        from dagster_dbt import dbt_assets

        from my_pkg.python_assets import orders


        @dbt_assets(manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json", select="fct_orders")
        def shop_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    assert.deepEqual(assetKeys(graph, 'dbt'), ['fct_orders']);
    assert.deepEqual(depKeys(assetByKey(graph, ['fct_orders'])), ['customers_seed', 'stg_orders']);
    assert.equal(assetByKey(graph, ['stg_orders']).kind, 'stub');
    assert.equal(assetByKey(graph, ['customers_seed']).kind, 'stub');
  });

  test('select= with graph operators: "+fct_orders" takes every ancestor model and seed', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import Definitions
        from dagster_dbt import dbt_assets

        from my_pkg.python_assets import orders


        @dbt_assets(manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json", select="+fct_orders")
        def shop_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    assert.deepEqual(assetKeys(graph, 'dbt'), ['customers_seed', 'fct_orders', 'stg_orders']);
    assert.equal(depOn(assetByKey(graph, ['stg_orders']), ['raw', 'orders']).resolution, 'exact');
  });

  test('exclude= drops nodes; two @dbt_assets splitting one project depend on each other exactly', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import Definitions
        from dagster_dbt import dbt_assets

        from my_pkg.python_assets import orders

        MANIFEST = Path(__file__).parent / "dbt" / "target" / "manifest.json"


        @dbt_assets(manifest=MANIFEST, exclude="customers_seed finance_summary")
        def core_dbt(context, dbt): ...


        @dbt_assets(manifest=MANIFEST, select="customers_seed finance_summary")
        def edge_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, core_dbt, edge_dbt])
      `),
    );
    assert.deepEqual(assetKeys(graph), expectedKeys);
    assert.equal(assetByKey(graph, ['fct_orders']).opName, 'core_dbt');
    assert.equal(assetByKey(graph, ['customers_seed']).opName, 'edge_dbt');
    assert.equal(depOn(assetByKey(graph, ['fct_orders']), ['customers_seed']).resolution, 'exact');
    assert.equal(depOn(assetByKey(graph, ['finance', 'finance_summary']), ['fct_orders']).resolution, 'exact');
    assert.equal(graph.assets.filter((a) => a.kind === 'stub').length, 0);
    assert.deepEqual(diagnosticsWith(graph, 'duplicate-key'), []);
  });

  test('a custom DagsterDbtTranslator subclass is a custom-translator warning', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import Definitions
        from dagster_dbt import DagsterDbtTranslator, dbt_assets

        from my_pkg.python_assets import orders


        class ShopTranslator(DagsterDbtTranslator):
            def get_asset_key(self, dbt_resource_props):
                return super().get_asset_key(dbt_resource_props).with_prefix("custom")


        @dbt_assets(
            manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json",
            dagster_dbt_translator=ShopTranslator(),
        )
        def shop_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    const warnings = diagnosticsWith(graph, 'custom-translator', 'warning');
    assert.equal(warnings.length, 1, describeDiagnostics(graph));
    assert.equal(warnings[0]?.file, 'my_pkg/definitions.py');
    assert.ok(assetKeys(graph, 'dbt').length === 4, 'the dbt assets are still shown');
  });

  test('a plain DagsterDbtTranslator() is the default translator, with no warning', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import Definitions
        from dagster_dbt import DagsterDbtTranslator, dbt_assets

        from my_pkg.python_assets import orders


        @dbt_assets(
            manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json",
            dagster_dbt_translator=DagsterDbtTranslator(),
        )
        def shop_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    assertShopGraph(graph);
    assert.deepEqual(diagnosticsWith(graph, 'custom-translator'), []);
  });

  test('without target/manifest.json the keys come from the dbt project files, with an info diagnostic', async () => {
    const graph = await scanProject(project(manifestPathDefinitions, projectFiles));
    assertShopGraph(graph);
    const infos = diagnosticsWith(graph, 'dbt-manifest-missing');
    assert.equal(infos.length, 1, describeDiagnostics(graph));
    assert.equal(infos[0]?.severity, 'info');
    assert.equal(infos[0]?.file, 'my_pkg/definitions.py');
    assert.equal(graph.diagnostics.filter((d) => d.severity !== 'info').length, 0, describeDiagnostics(graph));
  });

  test('DbtProject without a built manifest also falls back to the project files', async () => {
    const graph = await scanProject(
      project(
        py`
          from pathlib import Path

          from dagster import Definitions
          from dagster_dbt import DbtProject, dbt_assets

          from my_pkg.python_assets import orders

          shop_project = DbtProject(project_dir=Path(__file__).parent / "dbt")


          @dbt_assets(manifest=shop_project.manifest_path, project=shop_project)
          def shop_dbt(context, dbt): ...


          defs = Definitions(assets=[orders, shop_dbt])
        `,
        projectFiles,
      ),
    );
    assertShopGraph(graph);
    assert.equal(diagnosticsWith(graph, 'dbt-manifest-missing').length, 1, describeDiagnostics(graph));
  });

  test('a time-window partitions_def gives every dbt asset a single-run backfill policy by default', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import DailyPartitionsDefinition, Definitions
        from dagster_dbt import dbt_assets

        from my_pkg.python_assets import orders


        @dbt_assets(
            manifest=Path(__file__).parent / "dbt" / "target" / "manifest.json",
            partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"),
        )
        def shop_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, shop_dbt])
      `),
    );
    for (const key of [['stg_orders'], ['fct_orders'], ['finance', 'finance_summary'], ['customers_seed']]) {
      const asset = assetByKey(graph, key);
      assert.deepEqual(asset.backfillPolicy, { type: 'single_run' }, key.join('/'));
      assert.ok(asset.partitions, `${key.join('/')} is partitioned`);
    }
    assert.equal(assetByKey(graph, ['raw', 'orders']).backfillPolicy, null);
  });

  test('static partitions keep no backfill policy; an explicit backfill_policy wins over the default', async () => {
    const graph = await scanProject(
      project(py`
        from pathlib import Path

        from dagster import BackfillPolicy, DailyPartitionsDefinition, Definitions, StaticPartitionsDefinition
        from dagster_dbt import dbt_assets

        from my_pkg.python_assets import orders

        MANIFEST = Path(__file__).parent / "dbt" / "target" / "manifest.json"


        @dbt_assets(manifest=MANIFEST, select="stg_orders", partitions_def=StaticPartitionsDefinition(["eu", "us"]))
        def static_dbt(context, dbt): ...


        @dbt_assets(
            manifest=MANIFEST,
            exclude="stg_orders",
            partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"),
            backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=5),
        )
        def daily_dbt(context, dbt): ...


        defs = Definitions(assets=[orders, static_dbt, daily_dbt])
      `),
    );
    assert.equal(assetByKey(graph, ['stg_orders']).backfillPolicy, null);
    assert.deepEqual(assetByKey(graph, ['fct_orders']).backfillPolicy, { type: 'multi_run', maxPartitionsPerRun: 5 });
  });
});
