import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readRemoteInstance, type RemoteAsset, type RemoteInstance } from '../../../src/core/state/graphql/remoteState';
import type { Staleness } from '../../../src/core/stale/staleness';
import { fakeKeys, startGraphqlServer, type FakeAsset, type FakeStaleCause, type RecordedRequest, type TestGraphqlServer } from '../../support/graphqlServer';

/**
 * Reading a Dagster webserver's view of assets through GraphQL, against a test webserver that
 * executes the queries over Dagster's published schema.
 */

const days = (n: number): string[] => Array.from({ length: n }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);

const cause = (key: string[], partitionKey: string | null, category: FakeStaleCause['category'], reason: string, dependency: string[] | null = null, dependencyPartitionKey: string | null = null): FakeStaleCause => ({
  key: { path: key },
  partitionKey,
  category,
  reason,
  dependency: dependency ? { path: dependency } : null,
  dependencyPartitionKey,
});

const fresh: Staleness = { status: 'FRESH', causes: [] };
const missing: Staleness = { status: 'MISSING', causes: [] };

const assets: FakeAsset[] = [
  {
    key: ['raw', 'orders'],
    codeVersion: 'v2',
    statuses: { '': 'MATERIALIZED' },
    stale: { '': { status: 'STALE', causes: [cause(['raw', 'orders'], null, 'CODE', 'has a new code version')] } },
  },
  { key: ['raw', 'customers'] },
  {
    key: ['clean', 'orders'],
    statuses: { '': 'MATERIALIZED' },
    stale: {
      // Root causes, as `staleCauses` gives them: the DATA cause arrives as its child on the dependency.
      '': {
        status: 'STALE',
        causes: [
          cause(['clean', 'orders'], null, 'DEPENDENCIES', 'has a new dependency on raw/customers', ['raw', 'customers']),
          cause(['raw', 'orders'], null, 'DATA', 'has a new data version'),
        ],
      },
    },
  },
  { key: ['broken'], statuses: { '': 'FAILED' } },
  {
    key: ['retried'],
    latest: { materializationRunId: 'r1', latestRun: { runId: 'r2', status: 'FAILURE' } },
    stale: { '': { status: 'FRESH' } },
  },
  { key: ['running'], statuses: { '': 'MATERIALIZING' } },
  { key: ['queued'], latest: { materializationRunId: null, unstartedRunIds: ['q1'], latestRun: { runId: 'q1', status: 'QUEUED' } } },
  { key: ['outside'], kind: 'external' },
  {
    key: ['regions'],
    partitions: { type: 'STATIC', keys: ['eu', 'us', 'apac'] },
    statuses: { eu: 'MATERIALIZED', us: 'FAILED' },
    stale: { eu: { status: 'STALE', causes: [cause(['regions'], 'eu', 'CODE', 'has a new code version')] } },
    codeVersion: '3',
  },
  {
    key: ['daily'],
    partitions: { type: 'TIME_WINDOW', keys: days(10) },
    statuses: {
      '2024-01-01': 'MATERIALIZED',
      '2024-01-02': 'MATERIALIZED',
      '2024-01-03': 'MATERIALIZED',
      '2024-01-04': 'FAILED',
      '2024-01-05': 'MATERIALIZING',
      '2024-01-06': 'MATERIALIZED',
      '2024-01-07': 'MATERIALIZED',
    },
    stale: {
      // A self-dependency on the previous day: the root cause is keyed on the other partition.
      '2024-01-02': { status: 'STALE', causes: [cause(['daily'], '2024-01-01', 'DATA', 'has a new materialization')] },
      '2024-01-04': { status: 'MISSING' },
      '2024-01-05': { status: 'FRESH' },
    },
  },
  {
    key: ['by', 'region', 'day'],
    partitions: {
      type: 'MULTIPARTITIONED',
      // Out of order on purpose: keys follow the dimensions sorted by name.
      dimensions: [
        { name: 'region', type: 'STATIC', keys: ['eu', 'us'] },
        { name: 'date', type: 'TIME_WINDOW', keys: days(3), primary: true },
      ],
    },
    statuses: { '2024-01-01|eu': 'MATERIALIZED', '2024-01-01|us': 'MATERIALIZED', '2024-01-02|eu': 'MATERIALIZED', '2024-01-02|us': 'MATERIALIZED', '2024-01-03|us': 'FAILED' },
  },
  {
    key: ['per_customer'],
    partitions: {
      type: 'MULTIPARTITIONED',
      // The primary (time) dimension sorts second: multi keys are 'customer|date'.
      dimensions: [
        { name: 'date', type: 'TIME_WINDOW', keys: days(4), primary: true },
        { name: 'customer', type: 'DYNAMIC', keys: ['acme', 'globex'], dynamicName: 'customers' },
      ],
    },
    statuses: { 'acme|2024-01-02': 'MATERIALIZED', 'acme|2024-01-03': 'MATERIALIZED', 'globex|2024-01-03': 'MATERIALIZING' },
  },
  {
    key: ['uploads'],
    partitions: { type: 'DYNAMIC', keys: ['a.csv', 'b.csv', 'c.csv'], dynamicName: 'files' },
    statuses: { 'a.csv': 'MATERIALIZED', 'c.csv': 'MATERIALIZED' },
  },
  {
    key: ['observed'],
    kind: 'observable_source',
    partitions: { type: 'STATIC', keys: ['x', 'y'] },
  },
];

function partitionsOf(asset: RemoteAsset | undefined): Record<string, { status: string; staleness: Staleness }> {
  assert.ok(asset, 'asset read');
  return Object.fromEntries([...asset.partitions].map(([key, value]) => [key ?? '(unpartitioned)', value]));
}

const staleRequests = (requests: RecordedRequest[]): RecordedRequest[] => requests.filter((request) => request.operationName === 'AssetLineagePartitionStaleness');
const askedFor = (request: RecordedRequest): { keys: string[]; partitions: string[] } => ({
  keys: (request.variables.assetKeys as { path: string[] }[]).map((key) => key.path.join('/')),
  partitions: request.variables.partitions as string[],
});

describe('reading a Dagster webserver over GraphQL', () => {
  let server: TestGraphqlServer;
  let instance: RemoteInstance;

  before(async () => {
    server = await startGraphqlServer({ assets });
    instance = await readRemoteInstance({ url: server.url });
  });
  after(() => server.close());

  test('every request is a valid, exported document sent as a JSON POST', () => {
    assert.ok(server.requests.length > 0);
    for (const request of server.requests) {
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/graphql');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.deepEqual(request.invalid, []);
      assert.ok(request.known, `unexported document: ${request.query}`);
    }
  });

  test('all assets, in the server\'s order, by user key, with code versions', () => {
    assert.equal(instance.url, server.url);
    assert.deepEqual([...instance.assets.keys()], assets.map((asset) => asset.key.join('/')));
    assert.equal(instance.assets.get('raw/orders')?.codeVersion, 'v2');
    assert.equal(instance.assets.get('raw/customers')?.codeVersion, null);
    assert.equal(instance.assets.get('outside')?.materializable, false);
    assert.equal(instance.assets.get('observed')?.materializable, false);
    assert.equal(instance.assets.get('daily')?.materializable, true);
  });

  test('unpartitioned assets: status from the latest run and materialization, Dagster\'s staleness', () => {
    assert.deepEqual(partitionsOf(instance.assets.get('raw/orders')), {
      '(unpartitioned)': { status: 'materialized', staleness: { status: 'STALE', causes: [{ category: 'CODE', reason: 'has a new code version' }] } },
    });
    assert.deepEqual(partitionsOf(instance.assets.get('raw/customers')), { '(unpartitioned)': { status: 'missing', staleness: missing } });
    assert.deepEqual(partitionsOf(instance.assets.get('broken')), { '(unpartitioned)': { status: 'failed', staleness: missing } });
    assert.deepEqual(partitionsOf(instance.assets.get('retried')), { '(unpartitioned)': { status: 'failed', staleness: fresh } });
    assert.deepEqual(partitionsOf(instance.assets.get('running')), { '(unpartitioned)': { status: 'in_progress', staleness: missing } });
    assert.deepEqual(partitionsOf(instance.assets.get('queued')), { '(unpartitioned)': { status: 'in_progress', staleness: missing } });
    assert.deepEqual(partitionsOf(instance.assets.get('outside')), { '(unpartitioned)': { status: 'missing', staleness: fresh } });
    assert.equal(instance.assets.get('raw/orders')?.partitionKeys, null);
  });

  test('root causes on a dependency come back as the direct DATA cause, as staleness.ts reports it', () => {
    assert.deepEqual(instance.assets.get('clean/orders')?.partitions.get(null)?.staleness, {
      status: 'STALE',
      causes: [
        { category: 'DEPENDENCIES', reason: 'has a new dependency on raw/customers', dependency: { asset: ['raw', 'customers'], partition: null } },
        { category: 'DATA', reason: 'has a new dependency data version', dependency: { asset: ['raw', 'orders'], partition: null } },
      ],
    });
    assert.deepEqual(instance.assets.get('daily')?.partitions.get('2024-01-02')?.staleness, {
      status: 'STALE',
      causes: [{ category: 'DATA', reason: 'has a new dependency materialization', dependency: { asset: ['daily'], partition: '2024-01-01' } }],
    });
  });

  test('static partitions: key lists, unnamed keys missing, causes per partition', () => {
    const regions = instance.assets.get('regions');
    assert.deepEqual(regions?.partitionKeys, ['eu', 'us', 'apac']);
    assert.deepEqual(regions?.partitionsDefinition, { type: 'STATIC', dimensions: [{ name: 'default', type: 'STATIC', primary: true, dynamicPartitionsName: null, keys: ['eu', 'us', 'apac'] }] });
    assert.deepEqual(partitionsOf(regions), {
      eu: { status: 'materialized', staleness: { status: 'STALE', causes: [{ category: 'CODE', reason: 'has a new code version' }] } },
      // Asked (a failed partition may hold an earlier materialization); Dagster says MISSING.
      us: { status: 'failed', staleness: missing },
      apac: { status: 'missing', staleness: missing },
    });
  });

  test('time partitions: ranges mapped onto the server\'s key order', () => {
    const daily = instance.assets.get('daily');
    assert.deepEqual(daily?.partitionKeys, days(10));
    const statuses = Object.fromEntries([...(daily?.partitions ?? [])].map(([key, value]) => [key, value.status]));
    assert.deepEqual(statuses, {
      '2024-01-01': 'materialized',
      '2024-01-02': 'materialized',
      '2024-01-03': 'materialized',
      '2024-01-04': 'failed',
      '2024-01-05': 'in_progress',
      '2024-01-06': 'materialized',
      '2024-01-07': 'materialized',
      '2024-01-08': 'missing',
      '2024-01-09': 'missing',
      '2024-01-10': 'missing',
    });
    assert.deepEqual(daily?.partitions.get('2024-01-08')?.staleness, missing);
    assert.deepEqual(daily?.partitions.get('2024-01-04')?.staleness, missing);
    assert.deepEqual(daily?.partitions.get('2024-01-07')?.staleness, fresh);
  });

  test('multi partitions: primary ranges × secondary statuses, keys joined by sorted dimension names', () => {
    const multi = instance.assets.get('by/region/day');
    assert.deepEqual(multi?.partitionKeys, ['2024-01-01|eu', '2024-01-01|us', '2024-01-02|eu', '2024-01-02|us', '2024-01-03|eu', '2024-01-03|us']);
    assert.deepEqual(multi?.partitionKeys, fakeKeys(assets[10] as FakeAsset));
    assert.deepEqual(
      multi?.partitionsDefinition?.dimensions.map((d) => [d.name, d.type, d.primary]),
      [
        ['date', 'TIME_WINDOW', true],
        ['region', 'STATIC', false],
      ],
    );
    assert.deepEqual(
      Object.fromEntries([...(multi?.partitions ?? [])].map(([key, value]) => [key, value.status])),
      { '2024-01-01|eu': 'materialized', '2024-01-01|us': 'materialized', '2024-01-02|eu': 'materialized', '2024-01-02|us': 'materialized', '2024-01-03|eu': 'missing', '2024-01-03|us': 'failed' },
    );

    const perCustomer = instance.assets.get('per_customer');
    assert.equal(perCustomer?.partitionKeys?.length, 8);
    assert.deepEqual(perCustomer?.partitionKeys?.slice(0, 5), ['acme|2024-01-01', 'acme|2024-01-02', 'acme|2024-01-03', 'acme|2024-01-04', 'globex|2024-01-01']);
    assert.deepEqual(
      [...(perCustomer?.partitions ?? [])].filter(([, value]) => value.status !== 'missing').map(([key, value]) => [key, value.status, value.staleness.status]),
      [
        ['acme|2024-01-02', 'materialized', 'FRESH'],
        ['acme|2024-01-03', 'materialized', 'FRESH'],
        ['globex|2024-01-03', 'in_progress', 'MISSING'],
      ],
    );
  });

  test('dynamic partitions: keys per definition name, single and as a dimension', () => {
    assert.deepEqual(Object.fromEntries(instance.dynamicPartitions), { customers: ['acme', 'globex'], files: ['a.csv', 'b.csv', 'c.csv'] });
    assert.deepEqual(
      Object.fromEntries([...(instance.assets.get('uploads')?.partitions ?? [])].map(([key, value]) => [key, value.status])),
      { 'a.csv': 'materialized', 'b.csv': 'missing', 'c.csv': 'materialized' },
    );
    assert.equal(instance.assets.get('uploads')?.partitionsDefinition?.dimensions[0]?.dynamicPartitionsName, 'files');
  });

  test('assets that are not materializable are FRESH without asking', () => {
    assert.deepEqual(partitionsOf(instance.assets.get('observed')), { x: { status: 'missing', staleness: fresh }, y: { status: 'missing', staleness: fresh } });
  });

  test('stale statuses are asked only for partitions with a record, never for missing ones', () => {
    const asked = staleRequests(server.requests).map(askedFor);
    const byAsset = new Map<string, string[]>();
    for (const request of asked) for (const key of request.keys) byAsset.set(key, [...(byAsset.get(key) ?? []), ...request.partitions]);
    assert.deepEqual(Object.fromEntries(byAsset), {
      regions: ['eu', 'us'],
      daily: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07'],
      'by/region/day': ['2024-01-01|eu', '2024-01-01|us', '2024-01-02|eu', '2024-01-02|us', '2024-01-03|us'],
      per_customer: ['acme|2024-01-02', 'acme|2024-01-03', 'globex|2024-01-03'],
      uploads: ['a.csv', 'c.csv'],
    });
    // One request for the definitions, one for the unpartitioned assets, one per partitioned asset here.
    assert.equal(server.requests.length, 2 + 5);
    assert.equal(server.requests.filter((request) => request.operationName === 'AssetLineageAllAssetNodes').length, 1);
    assert.equal(server.requests.filter((request) => request.operationName === 'AssetLineageUnpartitionedState').length, 1);
  });

  test('no token, no token header', () => {
    for (const request of server.requests) assert.equal(request.headers['dagster-cloud-api-token'], undefined);
  });
});

describe('requests stay bounded', () => {
  const twin = (name: string): FakeAsset => ({
    key: [name],
    partitions: { type: 'TIME_WINDOW', keys: days(9) },
    statuses: Object.fromEntries(days(7).map((day) => [day, 'MATERIALIZED' as const])),
  });

  test('partitions in chunks, assets with the same chunk asked together', async () => {
    const server = await startGraphqlServer({ assets: [twin('a'), twin('b'), { ...twin('c'), statuses: { '2024-01-09': 'MATERIALIZED' } }] });
    try {
      const instance = await readRemoteInstance({ url: server.url, limits: { partitionsPerRequest: 3 } });
      const asked = staleRequests(server.requests).map(askedFor);
      assert.deepEqual(
        asked.map((request) => [request.keys.join(','), request.partitions.join(',')]).sort(),
        [
          ['a,b', '2024-01-01,2024-01-02,2024-01-03'],
          ['a,b', '2024-01-04,2024-01-05,2024-01-06'],
          ['a,b', '2024-01-07'],
          ['c', '2024-01-09'],
        ],
      );
      assert.equal(instance.assets.get('b')?.partitions.get('2024-01-07')?.staleness.status, 'FRESH');
      assert.equal(instance.assets.get('c')?.partitions.get('2024-01-01')?.staleness.status, 'MISSING');
    } finally {
      await server.close();
    }
  });

  test('a budget of asset partitions per request splits a group', async () => {
    const server = await startGraphqlServer({ assets: [twin('a'), twin('b')] });
    try {
      await readRemoteInstance({ url: server.url, limits: { partitionsPerRequest: 7, assetPartitionsPerRequest: 10 } });
      const asked = staleRequests(server.requests).map(askedFor);
      assert.deepEqual(asked.map((request) => [request.keys, request.partitions.length]), [
        [['a'], 7],
        [['b'], 7],
      ]);
    } finally {
      await server.close();
    }
  });

  test('asked keys go in batches, in the order asked; unknown keys are absent; the token goes in its header', async () => {
    const server = await startGraphqlServer({ assets: [{ key: ['a'] }, { key: ['b', 'c'] }, { key: ['d'] }, { key: ['e'] }] });
    try {
      const instance = await readRemoteInstance({
        // No `/graphql`: added, as for a URL copied from the browser.
        url: server.url.replace(/\/graphql$/, ''),
        token: 'user:abc123',
        assetKeys: [['e'], ['b', 'c'], ['nope'], ['a'], ['e']],
        limits: { assetsPerRequest: 2 },
      });
      assert.deepEqual([...instance.assets.keys()], ['e', 'b/c', 'a']);
      const nodeRequests = server.requests.filter((request) => request.operationName === 'AssetLineageAssetNodes');
      assert.deepEqual(
        nodeRequests.map((request) => (request.variables.assetKeys as { path: string[] }[]).map((key) => key.path.join('/'))),
        [['e', 'b/c'], ['nope', 'a']],
      );
      assert.ok(server.requests.length > 0);
      for (const request of server.requests) {
        assert.equal(request.path, '/graphql');
        assert.equal(request.headers['dagster-cloud-api-token'], 'user:abc123');
        assert.deepEqual(request.invalid, []);
      }
    } finally {
      await server.close();
    }
  });
});

describe('partition statuses as the server writes them', () => {
  test('literal time ranges and key lists, with in-progress over failed and keys no longer defined ignored', async () => {
    const server = await startGraphqlServer({
      assets: [
        {
          key: ['hourly'],
          partitions: { type: 'TIME_WINDOW', keys: ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'] },
          partitionStatuses: {
            __typename: 'TimePartitionStatuses',
            ranges: [
              { startKey: 'h1', endKey: 'h3', startTime: 1, endTime: 4, status: 'MATERIALIZED' },
              { startKey: 'h4', endKey: 'h4', startTime: 4, endTime: 5, status: 'MATERIALIZING' },
              // A window that closed since the keys were listed.
              { startKey: 'h9', endKey: 'h9', startTime: 9, endTime: 10, status: 'FAILED' },
            ],
          },
        },
        {
          key: ['files'],
          partitions: { type: 'DYNAMIC', keys: ['a', 'b', 'c'], dynamicName: 'files' },
          partitionStatuses: {
            __typename: 'DefaultPartitionStatuses',
            materializedPartitions: ['a', 'deleted'],
            failedPartitions: ['b'],
            unmaterializedPartitions: ['c'],
            materializingPartitions: ['b'],
          },
        },
      ],
    });
    try {
      const instance = await readRemoteInstance({ url: server.url });
      const statuses = (key: string): Record<string, string> => Object.fromEntries([...(instance.assets.get(key)?.partitions ?? [])].map(([k, v]) => [k, v.status]));
      assert.deepEqual(statuses('hourly'), { h0: 'missing', h1: 'materialized', h2: 'materialized', h3: 'materialized', h4: 'in_progress', h5: 'missing' });
      assert.deepEqual(statuses('files'), { a: 'materialized', b: 'in_progress', c: 'missing' });
    } finally {
      await server.close();
    }
  });
});
