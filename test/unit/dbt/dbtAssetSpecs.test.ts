import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbtAssetSpecs, defaultDbtAssetKey } from '../../../src/core/scan/dbt/dbtAssetSpecs';
import { byName, depKeys, fixtureAssetKeys, fixtureManifest, inlineManifest, keyStrings } from './dbtTestHelpers';

test('the fixture project yields exactly the models, seeds and snapshots Dagster shows', () => {
  const { assets, diagnostics } = dbtAssetSpecs(fixtureManifest(), {});
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(keyStrings(assets), fixtureAssetKeys);
});

test('ephemeral models, tests, disabled models and sources are not assets', () => {
  const ids = dbtAssetSpecs(fixtureManifest(), {}).assets.map((a) => a.uniqueId);
  assert.ok(!ids.includes('model.jaffle_shop.int_order_payments'), 'ephemeral');
  assert.ok(!ids.some((id) => id.startsWith('test.')), 'tests');
  assert.ok(!ids.includes('model.jaffle_shop.legacy_report'), 'disabled');
  assert.ok(!ids.some((id) => id.startsWith('source.')), 'sources');
});

test('dependencies skip the ephemeral model and name its parents', () => {
  const { assets } = dbtAssetSpecs(fixtureManifest(), {});
  assert.deepEqual(depKeys(byName(assets, 'model.jaffle_shop.orders')), ['staging/stg_orders', 'staging/stg_payments']);
});

test('a chain of ephemeral models is searched through to sources and seeds', () => {
  const manifest = inlineManifest(
    [
      { unique_id: 'model.p.e1', resource_type: 'model', name: 'e1', config: { materialized: 'ephemeral' }, depends_on: { nodes: ['source.p.raw.t', 'model.p.e2'] } },
      { unique_id: 'model.p.e2', resource_type: 'model', name: 'e2', config: { materialized: 'ephemeral' }, depends_on: { nodes: ['seed.p.s'] } },
      { unique_id: 'seed.p.s', resource_type: 'seed', name: 's', config: { materialized: 'seed' } },
      { unique_id: 'model.p.final', resource_type: 'model', name: 'final', config: { materialized: 'table' }, depends_on: { nodes: ['model.p.e1'] } },
    ],
    [{ unique_id: 'source.p.raw.t', name: 't', source_name: 'raw' }],
  );
  const { assets } = dbtAssetSpecs(manifest, {});
  assert.deepEqual(depKeys(byName(assets, 'model.p.final')), ['raw/t', 's']);
});

test('sources become dependency keys [source_name, name], or their meta.dagster.asset_key', () => {
  const { assets } = dbtAssetSpecs(fixtureManifest(), {});
  assert.deepEqual(depKeys(byName(assets, 'model.jaffle_shop.stg_orders')), ['raw/orders']);
  assert.deepEqual(depKeys(byName(assets, 'model.jaffle_shop.stg_customers')), ['ingest/customers']);
});

test('key rules: config.schema, versioned alias (which beats schema), meta asset_key', () => {
  const { assets } = dbtAssetSpecs(fixtureManifest(), {});
  assert.deepEqual(byName(assets, 'model.jaffle_shop.revenue').key, ['finance', 'revenue']);
  assert.deepEqual(byName(assets, 'model.jaffle_shop.dim_customers.v2').key, ['dim_customers_v2']);
  assert.deepEqual(byName(assets, 'model.jaffle_shop.ml_features').key, ['ml', 'features']);
  assert.deepEqual(byName(assets, 'snapshot.jaffle_shop.orders_snapshot').key, ['orders_snapshot']);
  // A ref to the versioned model without a version resolves to the latest one.
  assert.deepEqual(depKeys(byName(assets, 'model.jaffle_shop.customer_ltv')), ['dim_customers_v1', 'dim_customers_v2', 'marts/orders']);
});

test('config.meta asset_key wins over meta; an empty config.meta falls back to meta', () => {
  const both = inlineManifest([
    {
      unique_id: 'model.p.a',
      resource_type: 'model',
      name: 'a',
      config: { schema: 'ignored', meta: { dagster: { asset_key: ['from', 'config'] } } },
      meta: { dagster: { asset_key: ['from', 'meta'] } },
    },
    { unique_id: 'model.p.b', resource_type: 'model', name: 'b', config: { meta: {} }, meta: { dagster: { asset_key: ['from', 'meta'] } } },
  ]);
  assert.deepEqual(defaultDbtAssetKey(both.nodes['model.p.a']!), ['from', 'config']);
  assert.deepEqual(defaultDbtAssetKey(both.nodes['model.p.b']!), ['from', 'meta']);
});

test('an asset_key given as a string is ONE component, never split on "/"', () => {
  const manifest = inlineManifest([
    { unique_id: 'model.p.a', resource_type: 'model', name: 'a', meta: { dagster: { asset_key: 'warehouse/a' } } },
  ]);
  assert.deepEqual(dbtAssetSpecs(manifest, {}).assets[0]?.key, ['warehouse/a']);
});

test('groups: meta.dagster.group, else the dbt group, else none', () => {
  const { assets } = dbtAssetSpecs(fixtureManifest(), {});
  assert.equal(byName(assets, 'model.jaffle_shop.orders').group, 'sales');
  assert.equal(byName(assets, 'model.jaffle_shop.revenue').group, 'finance');
  assert.equal(byName(assets, 'model.jaffle_shop.stg_orders').group, null);
});

test('owners: meta.dagster.owners, else the email of the dbt group owner', () => {
  const { assets } = dbtAssetSpecs(fixtureManifest(), {});
  assert.deepEqual(byName(assets, 'model.jaffle_shop.orders').owners, ['team:sales']);
  assert.deepEqual(byName(assets, 'model.jaffle_shop.revenue').owners, ['finance@example.com']);
  assert.deepEqual(byName(assets, 'model.jaffle_shop.stg_orders').owners, []);
});

test('code version: sha1 of raw_code; seeds (empty raw_code) use the file checksum', () => {
  const manifest = fixtureManifest();
  const { assets } = dbtAssetSpecs(manifest, {});
  // sha1 of the stripped contents of models/staging/stg_payments.sql (checked with sha1sum).
  assert.equal(byName(assets, 'model.jaffle_shop.stg_payments').codeVersion, 'cb076364f28dbd279dc075a929fdbab040cd9461');
  assert.equal(
    byName(assets, 'seed.jaffle_shop.raw_payments').codeVersion,
    manifest.nodes['seed.jaffle_shop.raw_payments']?.checksum?.checksum,
  );
});

test('description, tags (invalid Dagster tag keys dropped) and materialization', () => {
  const manifest = inlineManifest([
    {
      unique_id: 'model.p.a',
      resource_type: 'model',
      name: 'a',
      description: 'All the things.',
      tags: ['daily', 'has space', 'pii'],
      config: { materialized: 'incremental' },
    },
  ]);
  const asset = dbtAssetSpecs(manifest, {}).assets[0];
  assert.equal(asset?.description, 'All the things.');
  assert.deepEqual(asset?.tags, ['daily', 'pii']);
  assert.equal(asset?.materialized, 'incremental');
});

test('KeyPrefixDagsterDbtTranslator: keyPrefix on models, seeds, snapshots; sourceKeyPrefix on sources', () => {
  const { assets } = dbtAssetSpecs(fixtureManifest(), { keyPrefix: ['dbt'], sourceKeyPrefix: ['lake'] });
  assert.deepEqual(byName(assets, 'model.jaffle_shop.orders').key, ['dbt', 'marts', 'orders']);
  assert.deepEqual(byName(assets, 'seed.jaffle_shop.raw_payments').key, ['dbt', 'raw', 'raw_payments']);
  // The prefix wraps the default key function, so a meta asset_key is prefixed too.
  assert.deepEqual(byName(assets, 'model.jaffle_shop.ml_features').key, ['dbt', 'ml', 'features']);
  assert.deepEqual(depKeys(byName(assets, 'model.jaffle_shop.stg_customers')), ['lake/ingest/customers']);
  assert.deepEqual(depKeys(byName(assets, 'model.jaffle_shop.orders')), ['dbt/staging/stg_orders', 'dbt/staging/stg_payments']);
});

test('two resources with one key is an error naming both (Dagster refuses to load)', () => {
  const manifest = inlineManifest(
    [
      {
        unique_id: 'model.p.orders_copy',
        resource_type: 'model',
        name: 'orders_copy',
        original_file_path: 'models/orders_copy.sql',
        meta: { dagster: { asset_key: ['raw', 'orders'] } },
        depends_on: { nodes: ['source.p.raw.orders'] },
      },
    ],
    [{ unique_id: 'source.p.raw.orders', name: 'orders', source_name: 'raw', original_file_path: 'models/sources.yml' }],
  );
  const { diagnostics } = dbtAssetSpecs(manifest, { projectDir: '/p' });
  const duplicate = diagnostics.find((d) => d.code === 'dbt-duplicate-asset-key');
  assert.equal(duplicate?.severity, 'error');
  assert.match(duplicate?.message ?? '', /model\.p\.orders_copy/);
  assert.match(duplicate?.message ?? '', /source\.p\.raw\.orders/);
  assert.match(duplicate?.message ?? '', /\["raw","orders"\]/);
});

test('the same schema+name in two folders is a duplicate key', () => {
  const manifest = inlineManifest([
    { unique_id: 'model.p.a', resource_type: 'model', name: 'a', config: { schema: 's' }, fqn: ['p', 'x', 'a'] },
    { unique_id: 'model.other.a', resource_type: 'model', name: 'a', package_name: 'other', config: { schema: 's' }, fqn: ['other', 'a'] },
  ]);
  const { diagnostics } = dbtAssetSpecs(manifest, {});
  assert.equal(diagnostics.filter((d) => d.code === 'dbt-duplicate-asset-key').length, 1);
});

test('a dependency missing from the manifest is reported and left out', () => {
  const manifest = inlineManifest([
    { unique_id: 'model.p.a', resource_type: 'model', name: 'a', depends_on: { nodes: ['model.p.gone'] } },
  ]);
  const { assets, diagnostics } = dbtAssetSpecs(manifest, {});
  assert.deepEqual(assets[0]?.deps, []);
  assert.equal(diagnostics[0]?.code, 'dbt-missing-node');
});
