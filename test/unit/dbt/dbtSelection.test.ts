import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbtAssetSpecs, type DbtOptions } from '../../../src/core/scan/dbt/dbtAssetSpecs';
import { selectDbtUniqueIds } from '../../../src/core/scan/dbt/dbtSelection';
import { fixtureAssetKeys, fixtureManifest, keyStrings } from './dbtTestHelpers';

/*
 * The fixture graph (sources and tests are not assets):
 *   raw.orders -> stg_orders -> int_order_payments (ephemeral) -> orders -> revenue
 *   raw_payments (seed) -> stg_payments -> int_order_payments
 *   stg_orders -> orders_snapshot
 *   raw.customers -> stg_customers -> dim_customers v1, v2 -> customer_ltv <- orders; customer_ltv -> ml_features
 */
function selected(options: DbtOptions): string[] {
  return keyStrings(dbtAssetSpecs(fixtureManifest(), options).assets);
}

const allAssets = [...fixtureAssetKeys];

test('the default selection fqn:* keeps every asset', () => {
  assert.deepEqual(selected({}), allAssets);
  assert.deepEqual(selected({ select: 'fqn:*' }), allAssets);
});

test('+model selects all ancestors, through the ephemeral model', () => {
  assert.deepEqual(selected({ select: '+orders' }), ['marts/orders', 'raw/raw_payments', 'staging/stg_orders', 'staging/stg_payments']);
});

test('1+model counts the ephemeral model as a layer, as dbt does', () => {
  assert.deepEqual(selected({ select: '1+orders' }), ['marts/orders']);
  assert.deepEqual(selected({ select: '2+orders' }), ['marts/orders', 'staging/stg_orders', 'staging/stg_payments']);
});

test('model+ and model+N select descendants', () => {
  assert.deepEqual(selected({ select: 'stg_orders+' }), [
    'finance/revenue',
    'marts/customer_ltv',
    'marts/orders',
    'ml/features',
    'orders_snapshot',
    'staging/stg_orders',
  ]);
  assert.deepEqual(selected({ select: 'stg_orders+1' }), ['orders_snapshot', 'staging/stg_orders']);
});

test('@model adds the ancestors of every descendant, but not unrelated children of them', () => {
  assert.deepEqual(selected({ select: '@stg_payments' }), [
    'dim_customers_v1',
    'dim_customers_v2',
    'finance/revenue',
    'marts/customer_ltv',
    'marts/orders',
    'ml/features',
    'raw/raw_payments',
    'staging/stg_customers',
    'staging/stg_orders',
    'staging/stg_payments',
  ]);
});

test('space is a union, comma an intersection', () => {
  assert.deepEqual(selected({ select: 'resource_type:seed resource_type:snapshot' }), ['orders_snapshot', 'raw/raw_payments']);
  assert.deepEqual(selected({ select: 'tag:staging,stg_orders+' }), ['staging/stg_orders']);
});

test('folder names, dotted fqns and wildcards select like dbt', () => {
  const staging = ['staging/stg_customers', 'staging/stg_orders', 'staging/stg_payments'];
  assert.deepEqual(selected({ select: 'staging' }), staging);
  assert.deepEqual(selected({ select: 'jaffle_shop.staging' }), staging);
  assert.deepEqual(selected({ select: 'staging.*' }), staging);
  assert.deepEqual(selected({ select: '*.stg_*' }), staging);
  // dbt matches a wildcard against the rest of the dotted fqn, so a bare `stg_*` matches nothing.
  assert.deepEqual(selected({ select: 'stg_*' }), []);
  assert.deepEqual(selected({ select: 'fqn:marts.finance' }), ['finance/revenue']);
  assert.deepEqual(selected({ select: 'tag:stag*' }), staging);
});

test('a versioned model is selected by name (all versions), name.v1 or name_v2', () => {
  assert.deepEqual(selected({ select: 'dim_customers' }), ['dim_customers_v1', 'dim_customers_v2']);
  assert.deepEqual(selected({ select: 'dim_customers.v1' }), ['dim_customers_v1']);
  assert.deepEqual(selected({ select: 'dim_customers_v2' }), ['dim_customers_v2']);
  assert.deepEqual(selected({ select: 'version:latest' }), ['dim_customers_v2']);
});

test('path, file, config, group and package methods', () => {
  assert.deepEqual(selected({ select: 'path:models/marts/finance' }), ['finance/revenue']);
  assert.deepEqual(selected({ select: 'models/staging/stg_orders.sql' }), ['staging/stg_orders']);
  assert.deepEqual(selected({ select: 'stg_orders.sql' }), ['staging/stg_orders']);
  assert.deepEqual(selected({ select: 'path:models/*/finance' }), ['finance/revenue']);
  assert.deepEqual(selected({ select: 'config.materialized:table' }), [
    'dim_customers_v1',
    'dim_customers_v2',
    'finance/revenue',
    'marts/customer_ltv',
    'marts/orders',
    'ml/features',
  ]);
  assert.deepEqual(selected({ select: 'config.meta.dagster.group:sales' }), ['marts/orders']);
  assert.deepEqual(selected({ select: 'group:finance' }), ['finance/revenue']);
  assert.deepEqual(selected({ select: 'package:jaffle_shop' }), allAssets);
});

test('source: selects sources, which are not assets, but graph operators reach their children', () => {
  assert.deepEqual(selected({ select: 'source:raw' }), []);
  assert.deepEqual(selected({ select: 'source:raw.customers+' }), [
    'dim_customers_v1',
    'dim_customers_v2',
    'marts/customer_ltv',
    'ml/features',
    'staging/stg_customers',
  ]);
});

test('exclude removes its selection, graph operators included', () => {
  assert.deepEqual(selected({ exclude: 'marts' }), ['orders_snapshot', 'raw/raw_payments', 'staging/stg_customers', 'staging/stg_orders', 'staging/stg_payments']);
  assert.deepEqual(selected({ select: 'staging', exclude: '+stg_payments' }), ['staging/stg_customers', 'staging/stg_orders']);
});

test('state:, result: and YAML selectors cannot be evaluated: warning, and every asset is kept', () => {
  for (const select of ['state:modified+', 'result:error', 'selector:nightly', '@orders+']) {
    const { assets, diagnostics } = dbtAssetSpecs(fixtureManifest(), { select, definitionFile: '/defs/dbt.py' });
    assert.deepEqual(keyStrings(assets), allAssets, select);
    assert.equal(diagnostics[0]?.code, 'dbt-selection-unsupported', select);
    assert.equal(diagnostics[0]?.severity, 'warning');
    assert.equal(diagnostics[0]?.file, '/defs/dbt.py');
    assert.match(diagnostics[0]?.message ?? '', /could not be evaluated statically/);
  }
});

test('an unsupported exclude also keeps every asset rather than guessing', () => {
  const { assets, diagnostics } = dbtAssetSpecs(fixtureManifest(), { exclude: 'state:modified' });
  assert.deepEqual(keyStrings(assets), allAssets);
  assert.equal(diagnostics[0]?.code, 'dbt-selection-unsupported');
});

test('a criterion that matches nothing is reported', () => {
  const { assets, diagnostics } = dbtAssetSpecs(fixtureManifest(), { select: 'tag:nope' });
  assert.deepEqual(assets, []);
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['dbt-selection-empty', 'dbt-no-assets'],
  );
});

test('selection returns every kind of node, tests included, for callers that need them', () => {
  const result = selectDbtUniqueIds(fixtureManifest(), 'stg_orders+1', null);
  assert.ok(result.selected?.has('test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64'));
  assert.ok(result.selected?.has('model.jaffle_shop.int_order_payments'));
});
