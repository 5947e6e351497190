import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbtAssetSpecs, type DbtAssetSpec } from '../../../src/core/scan/dbt/dbtAssetSpecs';
import { memoryDbtFileSystem } from '../../../src/core/scan/dbt/dbtFileSystem';
import { diskFiles } from '../../../src/core/scan/diskFiles';
import type { DbtManifest } from '../../../src/core/scan/dbt/dbtManifest';
import { manifestFromProject } from '../../../src/core/scan/dbt/dbtProject';
import { byName, depKeys, fixtureDir, fixtureManifest, keyStrings } from './dbtTestHelpers';

function project(files: Record<string, string>): ReturnType<typeof manifestFromProject> {
  const all: Record<string, string> = { '/proj/dbt_project.yml': 'name: shop\n' };
  for (const [path, text] of Object.entries(files)) all[`/proj/${path}`] = text;
  return manifestFromProject('/proj', memoryDbtFileSystem(all));
}

function specs(manifest: DbtManifest | null): DbtAssetSpec[] {
  assert.ok(manifest, 'manifest expected');
  return dbtAssetSpecs(manifest, {}).assets;
}

const sortById = (assets: DbtAssetSpec[]): DbtAssetSpec[] => [...assets].sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));

test('the project files give the same assets as dbt\'s manifest: keys, deps, groups, owners, code versions', () => {
  const fromFiles = manifestFromProject(fixtureDir, diskFiles());
  assert.deepEqual(fromFiles.diagnostics, []);
  assert.deepEqual(sortById(specs(fromFiles.manifest)), sortById(specs(fixtureManifest())));
});

test('selections give the same answer on the project files as on the manifest', () => {
  const fromFiles = manifestFromProject(fixtureDir, diskFiles()).manifest;
  assert.ok(fromFiles);
  for (const select of ['+orders', '@stg_payments', 'staging', 'dim_customers.v1', 'config.materialized:table', 'source:raw.customers+']) {
    assert.deepEqual(
      keyStrings(dbtAssetSpecs(fromFiles, { select }).assets),
      keyStrings(dbtAssetSpecs(fixtureManifest(), { select }).assets),
      select,
    );
  }
});

test('unique ids and fqns are built as dbt builds them', () => {
  const { manifest } = manifestFromProject(fixtureDir, diskFiles());
  assert.ok(manifest);
  const real = fixtureManifest();
  for (const id of Object.keys(real.nodes).filter((id) => !id.startsWith('test.'))) {
    assert.deepEqual(manifest.nodes[id]?.fqn, real.nodes[id]?.fqn, id);
    assert.equal(manifest.nodes[id]?.raw_code, real.nodes[id]?.raw_code, id);
  }
  assert.deepEqual(Object.keys(manifest.sources).sort(), Object.keys(real.sources).sort());
  assert.equal(manifest.nodes['model.jaffle_shop.legacy_report'], undefined, 'disabled in dbt_project.yml');
});

test('a ref computed in a loop is reported with its file and line, and static refs are still read', () => {
  const sql = [
    "{% set parts = ['a', 'b'] %}",
    '{% for p in parts %}',
    'select * from {{ ref(p) }}',
    '{% endfor %}',
    "union all select * from {{ ref('a') }}",
  ].join('\n');
  const { manifest, diagnostics } = project({ 'models/a.sql': 'select 1', 'models/b.sql': 'select 2', 'models/all.sql': sql });
  const all = byName(specs(manifest), 'model.shop.all');
  assert.deepEqual(depKeys(all), ['a']);
  const dynamic = diagnostics.find((d) => d.code === 'dbt-dynamic-jinja');
  assert.equal(dynamic?.severity, 'warning');
  assert.equal(dynamic?.file, '/proj/models/all.sql');
  assert.equal(dynamic?.line, 3);
  assert.match(dynamic?.message ?? '', /for p in parts/);
});

test('ref with a package, with v= and version=, and to a seed or snapshot', () => {
  const { manifest, diagnostics } = project({
    'models/props.yml': 'models:\n  - name: customers\n    versions:\n      - v: 1\n      - v: 2\n',
    'models/customers_v1.sql': 'select 1',
    'models/customers_v2.sql': 'select 2',
    'seeds/countries.csv': 'code,name\nfr,France\n',
    'snapshots/snap.sql': "{% snapshot customers_snap %}select * from {{ ref('customers', version=1) }}{% endsnapshot %}",
    'models/report.sql':
      "select * from {{ ref('shop', 'customers', v=2) }} join {{ ref('countries') }} join {{ ref('customers_snap') }} join {{ ref('customers') }}",
  });
  assert.deepEqual(diagnostics, []);
  const assets = specs(manifest);
  assert.deepEqual(depKeys(byName(assets, 'model.shop.report')), ['countries', 'customers_snap', 'customers_v2']);
  assert.deepEqual(depKeys(byName(assets, 'snapshot.shop.customers_snap')), ['customers_v1']);
});

test('config precedence: dbt_project.yml folders < YAML properties < config() in the file', () => {
  const { manifest } = project({
    'dbt_project.yml': [
      'name: shop',
      'models:',
      '  shop:',
      '    +schema: base',
      '    +tags: [project]',
      '    core:',
      '      +schema: core',
      '      +materialized: table',
      '      +meta: {dagster: {group: from_project}}',
    ].join('\n'),
    'models/core/a.sql': 'select 1',
    'models/core/b.sql': "{{ config(schema='inline', tags=['inline'], meta={'dagster': {'group': 'inline', 'flag': True, 'none': None}}) }}\nselect 1",
    'models/core/props.yml': 'models:\n  - name: a\n    config:\n      tags: [yml]\n      meta:\n        dagster:\n          group: from_yml\n',
    'models/top.sql': 'select 1',
  });
  assert.ok(manifest);
  const assets = specs(manifest);
  assert.deepEqual(byName(assets, 'model.shop.top').key, ['base', 'top']);
  assert.deepEqual(byName(assets, 'model.shop.a').key, ['core', 'a']);
  assert.equal(byName(assets, 'model.shop.a').group, 'from_yml');
  assert.deepEqual(byName(assets, 'model.shop.a').tags, ['project', 'yml']);
  assert.equal(byName(assets, 'model.shop.a').materialized, 'table');
  assert.deepEqual(byName(assets, 'model.shop.b').key, ['inline', 'b']);
  assert.equal(byName(assets, 'model.shop.b').group, 'inline');
  assert.deepEqual(byName(assets, 'model.shop.b').tags, ['project', 'inline']);
  assert.deepEqual(manifest.nodes['model.shop.b']?.meta, { dagster: { group: 'inline', flag: true, none: null } });
});

test('Jinja comments, raw blocks, {% if execute %} and strings holding }} do not create dependencies', () => {
  const sql = [
    "{{ config(alias='odd}}name') }}",
    "{# select * from {{ ref('a') }} #}",
    "{% raw %}{{ ref('a') }}{% endraw %}",
    "{% if execute %}{{ ref('a') }}{% else %}{{ ref('b') }}{% endif %}",
    "-- a SQL comment still renders: {{ ref('c') }}",
  ].join('\n');
  const { manifest } = project({ 'models/a.sql': 'select 1', 'models/b.sql': 'select 1', 'models/c.sql': 'select 1', 'models/x.sql': sql });
  assert.deepEqual(depKeys(byName(specs(manifest), 'model.shop.x')), ['b', 'c']);
  assert.equal(manifest?.nodes['model.shop.x']?.alias, 'odd}}name');
});

test('Python models: dbt.ref, dbt.source and dbt.config are read', () => {
  const py = [
    'def model(dbt, session):',
    '    # dbt.ref("ignored") in a comment',
    '    dbt.config(materialized="table", schema="py")',
    '    orders = dbt.ref("orders")',
    "    raw = dbt.source('raw', 'events')",
    '    return orders',
  ].join('\n');
  const { manifest, diagnostics } = project({
    'models/orders.sql': 'select 1',
    'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: events\n',
    'models/enriched.py': py,
  });
  assert.deepEqual(diagnostics, []);
  const enriched = byName(specs(manifest), 'model.shop.enriched');
  assert.deepEqual(enriched.key, ['py', 'enriched']);
  assert.deepEqual(depKeys(enriched), ['orders', 'raw/events']);
  assert.equal(enriched.materialized, 'table');
});

test('snapshots: several blocks per file, lines of each tag, fqn with the file name, YAML snapshots', () => {
  const sql = "\n\n{% snapshot a_snap %}\nselect * from {{ ref('m') }}\n{% endsnapshot %}\n\n{% snapshot b_snap %}\nselect 2\n{% endsnapshot %}\n";
  const { manifest } = project({
    'models/m.sql': 'select 1',
    'snapshots/history/two.sql': sql,
    'snapshots/more.yml': "snapshots:\n  - name: m_snap\n    relation: ref('m')\n    config:\n      unique_key: id\n      strategy: check\n",
  });
  assert.ok(manifest);
  const assets = specs(manifest);
  assert.equal(byName(assets, 'snapshot.shop.a_snap').line, 3);
  assert.equal(byName(assets, 'snapshot.shop.b_snap').line, 7);
  assert.deepEqual(manifest.nodes['snapshot.shop.a_snap']?.fqn, ['shop', 'history', 'two', 'a_snap']);
  assert.equal(manifest.nodes['snapshot.shop.a_snap']?.raw_code, "\nselect * from {{ ref('m') }}\n");
  const yml = byName(assets, 'snapshot.shop.m_snap');
  assert.deepEqual(depKeys(yml), ['m']);
  assert.equal(yml.line, 2);
  assert.equal(yml.file, '/proj/snapshots/more.yml');
  assert.equal(manifest.nodes['snapshot.shop.m_snap']?.raw_code, "select * from {{ ref('m') }}");
});

test('installed packages: their models resolve, and the root project config overrides theirs', () => {
  const { manifest, diagnostics } = project({
    'dbt_project.yml': 'name: shop\nmodels:\n  shop:\n    +schema: mine\n  ads:\n    +schema: from_root\n',
    'dbt_packages/ads/dbt_project.yml': 'name: ads\nmodels:\n  ads:\n    +schema: from_package\n    +materialized: table\n',
    'dbt_packages/ads/models/ad_spend.sql': 'select 1',
    'models/roas.sql': "select * from {{ ref('ads', 'ad_spend') }}",
  });
  assert.deepEqual(diagnostics, []);
  const assets = specs(manifest);
  const spend = byName(assets, 'model.ads.ad_spend');
  assert.deepEqual(spend.key, ['from_root', 'ad_spend']);
  assert.equal(spend.materialized, 'table');
  assert.equal(spend.file, '/proj/dbt_packages/ads/models/ad_spend.sql');
  assert.deepEqual(depKeys(byName(assets, 'model.shop.roas')), ['from_root/ad_spend']);
});

test('disabled models are not assets, and a ref to one is reported', () => {
  const { manifest, diagnostics } = project({
    'models/old.sql': "{{ config(enabled=false) }}\nselect 1",
    'models/new.sql': "select * from {{ ref('old') }}",
  });
  assert.deepEqual(keyStrings(specs(manifest)), ['new']);
  assert.equal(diagnostics[0]?.code, 'dbt-ref-disabled');
  assert.equal(diagnostics[0]?.line, 1);
});

test('refs and sources that match nothing are warnings with their line', () => {
  const { diagnostics } = project({ 'models/x.sql': "select 1\nfrom {{ ref('nowhere') }}\njoin {{ source('s', 't') }}" });
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.line]),
    [
      ['dbt-ref-unresolved', 2],
      ['dbt-source-unresolved', 3],
    ],
  );
});

test('vars and env_var defaults in dbt_project.yml are rendered; an unknown env_var is reported', () => {
  const { manifest, diagnostics } = project({
    'dbt_project.yml': [
      'name: shop',
      'vars:',
      '  mart_schema: analytics',
      'models:',
      '  shop:',
      '    marts:',
      '      +schema: "{{ var(\'mart_schema\') }}"',
      '    staging:',
      '      +schema: "{{ env_var(\'STG_SCHEMA\', \'stg\') }}"',
      '    other:',
      '      +schema: "{{ env_var(\'OTHER\') }}"',
    ].join('\n'),
    'models/marts/m.sql': 'select 1',
    'models/staging/s.sql': 'select 1',
    'models/other/o.sql': 'select 1',
  });
  const assets = specs(manifest);
  assert.deepEqual(byName(assets, 'model.shop.m').key, ['analytics', 'm']);
  assert.deepEqual(byName(assets, 'model.shop.s').key, ['stg', 's']);
  assert.ok(diagnostics.some((d) => d.code === 'dbt-dynamic-config' && d.message.includes('OTHER')));
});

test('custom model-paths, versioned models with defined_in, seeds with their folder', () => {
  const { manifest } = project({
    'dbt_project.yml': "name: shop\nmodel-paths: ['transform']\nseeds:\n  shop:\n    lookups:\n      +schema: ref_data\n",
    'transform/dims.yml': 'models:\n  - name: dim\n    latest_version: 1\n    versions:\n      - v: 1\n        defined_in: dim_legacy\n      - v: 2\n',
    'transform/dim_legacy.sql': 'select 1',
    'transform/dim_v2.sql': 'select 2',
    'transform/use.sql': "select * from {{ ref('dim') }}",
    'seeds/lookups/codes.csv': 'a,b\n1,2\n',
  });
  const assets = specs(manifest);
  // latest_version 1 wins over the higher v2 for an unpinned ref.
  assert.deepEqual(depKeys(byName(assets, 'model.shop.use')), ['dim_v1']);
  assert.deepEqual(byName(assets, 'model.shop.dim.v2').key, ['dim_v2']);
  assert.deepEqual(byName(assets, 'seed.shop.codes').key, ['ref_data', 'codes']);
  assert.deepEqual(manifest?.nodes['seed.shop.codes']?.fqn, ['shop', 'lookups', 'codes']);
});

test('a seed over 1 MiB takes its path as checksum, like dbt', () => {
  const big = 'a,b\n' + '1,2\n'.repeat(300_000);
  const { manifest } = project({ 'seeds/big.csv': big, 'seeds/small.csv': 'a\n1\n' });
  const assets = specs(manifest);
  assert.equal(byName(assets, 'seed.shop.big').codeVersion, 'seeds/big.csv');
  assert.match(byName(assets, 'seed.shop.small').codeVersion ?? '', /^[0-9a-f]{64}$/);
});

test('two models with the same name in different folders is an error', () => {
  const { diagnostics } = project({ 'models/a/x.sql': 'select 1', 'models/b/x.sql': 'select 2' });
  assert.equal(diagnostics[0]?.code, 'dbt-duplicate-node');
  assert.equal(diagnostics[0]?.severity, 'error');
});

test('no dbt_project.yml, or one that is not YAML, is an error diagnostic', () => {
  const missing = manifestFromProject('/nothing', memoryDbtFileSystem({}));
  assert.equal(missing.manifest, null);
  assert.equal(missing.diagnostics[0]?.code, 'dbt-project-missing');
  const broken = manifestFromProject('/p', memoryDbtFileSystem({ '/p/dbt_project.yml': 'name: p\nmodels: [\n' }));
  assert.equal(broken.manifest, null);
  assert.equal(broken.diagnostics[0]?.code, 'dbt-project-invalid');
  assert.ok((broken.diagnostics[0]?.line ?? 0) > 0);
});
