import { resolve } from 'node:path';
import type { DbtAssetSpec } from '../../../src/core/scan/dbt/dbtAssetSpecs';
import { diskFiles } from '../../../src/core/scan/diskFiles';
import { parseDbtManifest, readDbtManifest, type DbtManifest } from '../../../src/core/scan/dbt/dbtManifest';

/** The hand-written jaffle_shop project; tests run from the repository root (scripts/runTests.mjs). */
export const fixtureDir = resolve(process.cwd(), 'test/fixtures/dbt/jaffle_shop');
export const fixtureManifestPath = resolve(fixtureDir, 'target/manifest.json');

export function fixtureManifest(): DbtManifest {
  const { manifest, diagnostics } = readDbtManifest(fixtureManifestPath, diskFiles());
  if (!manifest) throw new Error(`fixture manifest did not load: ${JSON.stringify(diagnostics)}`);
  return manifest;
}

/** Every asset key of the fixture project, as `keyStrings` gives them: the models, seeds and snapshots Dagster shows. */
export const fixtureAssetKeys: readonly string[] = [
  'dim_customers_v1',
  'dim_customers_v2',
  'finance/revenue',
  'marts/customer_ltv',
  'marts/orders',
  'ml/features',
  'orders_snapshot',
  'raw/raw_payments',
  'staging/stg_customers',
  'staging/stg_orders',
  'staging/stg_payments',
];

/** Keys as `a/b` strings, sorted, so assertions read like the Dagster UI. */
export function keyStrings(assets: { key: string[] }[]): string[] {
  return assets.map((asset) => asset.key.join('/')).sort();
}

export function byName(assets: DbtAssetSpec[], uniqueId: string): DbtAssetSpec {
  const found = assets.find((asset) => asset.uniqueId === uniqueId);
  if (!found) throw new Error(`no asset ${uniqueId}; have ${assets.map((a) => a.uniqueId).join(', ')}`);
  return found;
}

export function depKeys(asset: DbtAssetSpec): string[] {
  return asset.deps.map((dep) => dep.key.join('/')).sort();
}

/** A small manifest from node literals, through the same validation as a file. */
export function inlineManifest(
  nodes: Record<string, unknown>[],
  sources: Record<string, unknown>[] = [],
  extra: Record<string, unknown> = {},
): DbtManifest {
  const json = {
    metadata: { project_name: 'p' },
    nodes: Object.fromEntries(
      nodes.map((n) => [n['unique_id'], { package_name: 'p', config: {}, depends_on: { nodes: [] }, ...n }]),
    ),
    sources: Object.fromEntries(
      sources.map((s) => [s['unique_id'], { resource_type: 'source', package_name: 'p', config: { enabled: true }, ...s }]),
    ),
    ...extra,
  };
  const { manifest, diagnostics } = parseDbtManifest(json, '/p/target/manifest.json');
  if (!manifest) throw new Error(JSON.stringify(diagnostics));
  return manifest;
}
