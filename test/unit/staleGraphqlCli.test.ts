import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { staleCommand } from '../../src/cli/stateCommands';
import { CommandError } from '../../src/cli/partitionCommands';
import type { AssetStaleReport } from '../../src/core/stale/staleReport';
import { startGraphqlServer, type FakeAsset, type TestGraphqlServer } from '../support/graphqlServer';

/**
 * `asset-lineage stale examples/harbor --graphql URL`: Dagster's own verdicts from a webserver
 * (here a loopback server executing the queries over Dagster's schema), the impacted partitions
 * from the workspace's partition mappings.
 */
const harbor = join(__dirname, '..', '..', 'examples', 'harbor');
const december = Array.from({ length: 31 }, (_, i) => `2024-12-${String(i + 1).padStart(2, '0')}`);
const materialized = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, 'MATERIALIZED' as const]));

const assets: FakeAsset[] = [
  {
    key: ['raw', 'port_calls'],
    partitions: { type: 'TIME_WINDOW', keys: december },
    statuses: { ...materialized(december), '2024-12-30': 'FAILED' },
    stale: {
      '2024-12-28': {
        status: 'STALE',
        causes: [{ key: { path: ['raw', 'voyages'] }, partitionKey: '2024-12-28', category: 'DATA', reason: 'has a new data version', dependency: null, dependencyPartitionKey: null }],
      },
    },
  },
  { key: ['analytics', 'congestion', 'turnaround_hours'], partitions: { type: 'TIME_WINDOW', keys: december }, statuses: materialized(december) },
];

describe('stale --graphql', () => {
  let server: TestGraphqlServer;
  before(async () => {
    server = await startGraphqlServer({ assets });
  });
  after(async () => {
    await server.close();
  });

  test('the webserver\'s stale and failed partitions, and the fresh partitions downstream of them', async () => {
    const out = JSON.parse(await staleCommand({ path: harbor, instance: null, graphql: server.url, now: '2025-01-02T00:00:00Z', format: 'json' })) as { assets: AssetStaleReport[] };
    const byKey = new Map(out.assets.map((a) => [a.asset.join('/'), a]));
    const calls = byKey.get('raw/port_calls');
    assert.ok(calls);
    assert.equal(calls.status.fresh, 29);
    assert.equal(calls.status.stale, 1);
    assert.equal(calls.status.failed, 1);
    assert.deepEqual(calls.failed.ranges, [['2024-12-30', '2024-12-30']]);
    assert.deepEqual(calls.stale, [
      { count: 1, ranges: [['2024-12-28', '2024-12-28']], causes: [{ category: 'DATA', reason: 'has a new dependency data version', dependency: ['raw', 'voyages'] }] },
    ]);
    assert.deepEqual(byKey.get('analytics/congestion/turnaround_hours')?.impacted, [
      { count: 4, ranges: [['2024-12-28', '2024-12-31']], upstream: [['raw', 'port_calls']] },
    ]);
    // Assets the webserver has no record of are missing, never fresh.
    const voyages = byKey.get('raw/voyages');
    assert.equal(voyages?.status.fresh, 0);
    assert.ok((voyages?.status.missing ?? 0) > 0);
    // Every document sent was one of ours and valid against Dagster's schema.
    assert.ok(server.requests.length > 0);
    assert.deepEqual(server.requests.filter((r) => !r.known || r.invalid.length), []);
  });

  test('a webserver that fails is a command error with the reason', async () => {
    server.respond = () => ({ status: 500, body: 'Internal Server Error' });
    try {
      await assert.rejects(
        staleCommand({ path: harbor, instance: null, graphql: server.url, now: '2025-01-02T00:00:00Z', format: 'json' }),
        (error: unknown) => error instanceof CommandError && /500/.test(error.message),
      );
    } finally {
      server.respond = null;
    }
  });
});
