import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbtAssetSpecs } from '../../../src/core/scan/dbt/dbtAssetSpecs';
import { memoryDbtFileSystem } from '../../../src/core/scan/dbt/dbtFileSystem';
import { readDbtManifest } from '../../../src/core/scan/dbt/dbtManifest';
import { fixtureDir, fixtureManifest, keyStrings } from './dbtTestHelpers';

test('the project folder is found above target/, so asset files are absolute', () => {
  const manifest = fixtureManifest();
  assert.equal(manifest.projectDir, fixtureDir);
  const { assets } = dbtAssetSpecs(manifest, {});
  const orders = assets.find((a) => a.uniqueId === 'model.jaffle_shop.orders');
  assert.equal(orders?.file, `${fixtureDir}/models/marts/orders.sql`);
});

test('a missing manifest is an error diagnostic, not a throw', () => {
  const result = readDbtManifest('/p/target/manifest.json', memoryDbtFileSystem({}));
  assert.equal(result.manifest, null);
  assert.equal(result.diagnostics[0]?.code, 'dbt-manifest-missing');
  assert.equal(result.diagnostics[0]?.severity, 'error');
});

test('a truncated manifest reports invalid JSON with the file', () => {
  const fs = memoryDbtFileSystem({ '/p/target/manifest.json': '{"metadata": {"project_name": "p"},\n "nodes": {' });
  const result = readDbtManifest('/p/target/manifest.json', fs);
  assert.equal(result.manifest, null);
  assert.equal(result.diagnostics[0]?.code, 'dbt-manifest-invalid-json');
  assert.equal(result.diagnostics[0]?.file, '/p/target/manifest.json');
});

test('another dbt artifact (run_results.json) is rejected as not a manifest', () => {
  const runResults = {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
    results: [],
    elapsed_time: 1.2,
  };
  const fs = memoryDbtFileSystem({ '/p/target/run_results.json': JSON.stringify(runResults) });
  const result = readDbtManifest('/p/target/run_results.json', fs);
  assert.equal(result.manifest, null);
  assert.equal(result.diagnostics[0]?.code, 'dbt-manifest-invalid');
  assert.match(result.diagnostics[0]?.message ?? '', /not a dbt manifest/);
  assert.match(result.diagnostics[0]?.message ?? '', /run-results/);
});

test('one malformed node is skipped with a warning and the rest still load', () => {
  const manifest = {
    metadata: { project_name: 'p' },
    nodes: {
      'model.p.good': { unique_id: 'model.p.good', resource_type: 'model', name: 'good', config: {}, depends_on: { nodes: [] } },
      'model.p.bad': { unique_id: 'model.p.bad', resource_type: 'model', name: 42 },
    },
    sources: {},
  };
  const fs = memoryDbtFileSystem({ '/p/target/manifest.json': JSON.stringify(manifest) });
  const result = readDbtManifest('/p/target/manifest.json', fs);
  assert.ok(result.manifest);
  assert.deepEqual(keyStrings(dbtAssetSpecs(result.manifest, {}).assets), ['good']);
  assert.equal(result.diagnostics[0]?.code, 'dbt-manifest-entry-skipped');
  assert.match(result.diagnostics[0]?.message ?? '', /model\.p\.bad/);
});

test('an old manifest (dbt 1.2: raw_sql, no config.meta, no child_map) still yields keys and code versions', () => {
  const manifest = {
    metadata: { project_name: 'legacy', dbt_version: '1.2.0' },
    nodes: {
      'model.legacy.a': {
        unique_id: 'model.legacy.a',
        resource_type: 'model',
        name: 'a',
        root_path: '/old/project',
        original_file_path: 'models/a.sql',
        raw_sql: 'select 1',
        config: { materialized: 'table', schema: null },
        meta: { dagster: { asset_key: ['warehouse', 'a'] } },
        depends_on: { nodes: ['source.legacy.s.t'] },
      },
    },
    sources: {
      'source.legacy.s.t': { unique_id: 'source.legacy.s.t', resource_type: 'source', name: 't', source_name: 's', config: { enabled: true } },
    },
  };
  const fs = memoryDbtFileSystem({ '/elsewhere/manifest.json': JSON.stringify(manifest) });
  const result = readDbtManifest('/elsewhere/manifest.json', fs);
  assert.ok(result.manifest);
  const { assets } = dbtAssetSpecs(result.manifest, {});
  assert.deepEqual(assets[0]?.key, ['warehouse', 'a']);
  assert.deepEqual(assets[0]?.deps.map((d) => d.key), [['s', 't']]);
  // sha1("select 1")
  assert.equal(assets[0]?.codeVersion, '3232003928f9fe86a9cb634f450d5a53a4025819');
  assert.equal(assets[0]?.file, '/old/project/models/a.sql');
});

test('a snapshot gets the line of its {% snapshot %} tag', () => {
  const snapshot = '-- history of orders\n\n{% snapshot orders_history %}\nselect 1\n{% endsnapshot %}\n';
  const manifest = {
    metadata: { project_name: 'p' },
    nodes: {
      'snapshot.p.orders_history': {
        unique_id: 'snapshot.p.orders_history',
        resource_type: 'snapshot',
        name: 'orders_history',
        package_name: 'p',
        original_file_path: 'snapshots/history.sql',
        config: { materialized: 'snapshot' },
      },
    },
    sources: {},
  };
  const fs = memoryDbtFileSystem({
    '/p/dbt_project.yml': 'name: p\n',
    '/p/snapshots/history.sql': snapshot,
    '/p/target/manifest.json': JSON.stringify(manifest),
  });
  const result = readDbtManifest('/p/target/manifest.json', fs);
  assert.ok(result.manifest);
  const { assets } = dbtAssetSpecs(result.manifest, {});
  assert.equal(assets[0]?.line, 3);
  assert.equal(assets[0]?.file, '/p/snapshots/history.sql');
});
