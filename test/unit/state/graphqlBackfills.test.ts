import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBackfill, listBackfills, readBackfill } from '../../../src/core/state/graphql/backfills';
import { GraphqlError } from '../../../src/core/state/graphql/client';
import { startGraphqlServer, type FakeBackfill, type FakeDagster, type TestGraphqlServer } from '../../support/graphqlServer';

/** Backfills as the webserver reports them: the list, and one backfill's progress. */

const backfills: FakeBackfill[] = [
  {
    id: 'qwerty',
    status: 'REQUESTED',
    isAssetBackfill: true,
    timestamp: 1_700_000_100.5,
    numPartitions: 31,
    assetSelection: [{ path: ['sales', 'daily'] }, { path: ['report'] }],
    user: 'ana@example.com',
    assetBackfillData: {
      assetBackfillStatuses: [
        { __typename: 'AssetPartitionsStatusCounts', assetKey: { path: ['sales', 'daily'] }, numPartitionsTargeted: 31, numPartitionsInProgress: 4, numPartitionsMaterialized: 20, numPartitionsFailed: 2 },
        { __typename: 'UnpartitionedAssetStatus', assetKey: { path: ['report'] }, inProgress: false, materialized: false, failed: true },
      ],
    },
    runs: [
      { runId: 'run-3', status: 'STARTED', startTime: 1_700_000_300, endTime: null },
      { runId: 'run-2', status: 'FAILURE', startTime: 1_700_000_200, endTime: 1_700_000_250 },
      { runId: 'run-1', status: 'SUCCESS', startTime: 1_700_000_150, endTime: 1_700_000_160 },
    ],
  },
  { id: 'asdfgh', status: 'COMPLETED', isAssetBackfill: false, timestamp: 1_690_000_000, endTimestamp: 1_690_000_600, partitionSetName: 'daily_job_partition_set', numPartitions: 3 },
  { id: 'zxcvbn', status: 'FAILED', isAssetBackfill: true, timestamp: 1_680_000_000, endTimestamp: 1_680_000_010, error: { message: 'DagsterInvalidSubsetError: partitions changed' }, assetSelection: [{ path: ['x'] }] },
];

describe('backfills over GraphQL', () => {
  let server: TestGraphqlServer;
  before(async () => {
    server = await startGraphqlServer({ backfills });
  });
  after(() => server.close());

  test('the list: newest first as the server gives it, times in milliseconds, errors as text', async () => {
    const list = await listBackfills({ url: server.url });
    assert.deepEqual(list, [
      {
        id: 'qwerty',
        status: 'REQUESTED',
        isAssetBackfill: true,
        timestamp: 1_700_000_100_500,
        endTimestamp: null,
        numPartitions: 31,
        partitionSetName: null,
        assetSelection: [['sales', 'daily'], ['report']],
        user: 'ana@example.com',
        error: null,
      },
      {
        id: 'asdfgh',
        status: 'COMPLETED',
        isAssetBackfill: false,
        timestamp: 1_690_000_000_000,
        endTimestamp: 1_690_000_600_000,
        numPartitions: 3,
        partitionSetName: 'daily_job_partition_set',
        assetSelection: null,
        user: null,
        error: null,
      },
      {
        id: 'zxcvbn',
        status: 'FAILED',
        isAssetBackfill: true,
        timestamp: 1_680_000_000_000,
        endTimestamp: 1_680_000_010_000,
        numPartitions: null,
        partitionSetName: null,
        assetSelection: [['x']],
        user: null,
        error: 'DagsterInvalidSubsetError: partitions changed',
      },
    ]);
    const last = server.requests.at(-1);
    assert.deepEqual(last?.variables, { limit: 20, cursor: null, status: null });
    assert.deepEqual(last?.invalid, []);
  });

  test('limit, cursor and status go to the server', async () => {
    assert.deepEqual((await listBackfills({ url: server.url }, { limit: 1, cursor: 'qwerty' })).map((b) => b.id), ['asdfgh']);
    assert.deepEqual((await listBackfills({ url: server.url }, { status: 'FAILED' })).map((b) => b.id), ['zxcvbn']);
    assert.deepEqual(server.requests.at(-1)?.variables, { limit: 20, cursor: null, status: 'FAILED' });
  });

  test('one backfill: per-asset counts, runs and run ids', async () => {
    const backfill = await readBackfill({ url: server.url }, 'qwerty', { runLimit: 2 });
    assert.ok(backfill);
    assert.equal(backfill.status, 'REQUESTED');
    assert.deepEqual(backfill.assets, [
      { key: ['sales', 'daily'], partitioned: true, targeted: 31, inProgress: 4, materialized: 20, failed: 2 },
      { key: ['report'], partitioned: false, targeted: 1, inProgress: 0, materialized: 0, failed: 1 },
    ]);
    assert.deepEqual(backfill.runs, [
      { runId: 'run-3', status: 'STARTED', startTime: 1_700_000_300_000, endTime: null },
      { runId: 'run-2', status: 'FAILURE', startTime: 1_700_000_200_000, endTime: 1_700_000_250_000 },
    ]);
    assert.deepEqual(backfill.runIds, ['run-3', 'run-2']);
    assert.deepEqual(server.requests.at(-1)?.variables, { backfillId: 'qwerty', runLimit: 2 });
    assert.deepEqual(server.requests.at(-1)?.invalid, []);
  });

  test('a job backfill has no asset progress; an unknown id is null', async () => {
    const job = await readBackfill({ url: server.url }, 'asdfgh');
    assert.deepEqual(job?.assets, []);
    assert.deepEqual(job?.runIds, []);
    assert.equal(await readBackfill({ url: server.url }, 'nope'), null);
  });

  test('statuses and status kinds of later Dagster versions are kept or skipped, not fatal', async () => {
    server.respond = (request) =>
      request.operationName === 'AssetLineageBackfill'
        ? {
            body: JSON.stringify({
              data: {
                partitionBackfillOrError: {
                  __typename: 'PartitionBackfill',
                  id: 'new',
                  status: 'COMPLETED_SUCCESS',
                  isAssetBackfill: true,
                  timestamp: 1,
                  endTimestamp: 2,
                  numPartitions: 1,
                  partitionSetName: null,
                  assetSelection: [{ path: ['a'] }],
                  user: null,
                  error: null,
                  title: 'from VS Code',
                  assetBackfillData: {
                    assetBackfillStatuses: [
                      { __typename: 'AssetPartitionsStatusCounts', assetKey: { path: ['a'] }, numPartitionsTargeted: 1, numPartitionsInProgress: 0, numPartitionsMaterialized: 1, numPartitionsFailed: 0 },
                      { __typename: 'AssetCheckBackfillStatus', checkName: 'c' },
                    ],
                  },
                  runs: [],
                },
              },
            }),
          }
        : undefined;
    try {
      const backfill = await readBackfill({ url: server.url }, 'new');
      assert.equal(backfill?.status, 'COMPLETED_SUCCESS');
      assert.deepEqual(backfill?.assets.map((asset) => asset.key), [['a']]);
    } finally {
      server.respond = null;
    }
  });

  test('a Python error on the server is a GraphqlError with its message', async () => {
    server.respond = () => ({ body: JSON.stringify({ data: { partitionBackfillsOrError: { __typename: 'PythonError', message: 'sqlite3.OperationalError: database is locked', stack: [] } } }) });
    try {
      await assert.rejects(listBackfills({ url: server.url }), (error: unknown) => {
        assert.ok(error instanceof GraphqlError);
        assert.equal(error.kind, 'graphql');
        assert.match(error.message, /could not list backfills: sqlite3\.OperationalError: database is locked/);
        return true;
      });
    } finally {
      server.respond = null;
    }
  });

  test('a malformed status count is a schema error, not skipped', async () => {
    server.respond = () => ({
      body: JSON.stringify({
        data: {
          partitionBackfillOrError: {
            __typename: 'PartitionBackfill',
            id: 'x',
            status: 'REQUESTED',
            isAssetBackfill: true,
            timestamp: 1,
            assetBackfillData: { assetBackfillStatuses: [{ __typename: 'AssetPartitionsStatusCounts', assetKey: { path: ['a'] } }] },
            runs: [],
          },
        },
      }),
    });
    try {
      await assert.rejects(readBackfill({ url: server.url }, 'x'), (error: unknown) => error instanceof GraphqlError && error.kind === 'schema');
    } finally {
      server.respond = null;
    }
  });
});

describe('launching a backfill over GraphQL', () => {
  test('each asset with its ranges (one entry per range), unpartitioned assets without partitions; the id comes back', async () => {
    const dagster: FakeDagster = {};
    const server = await startGraphqlServer(dagster);
    try {
      const id = await launchBackfill({ url: server.url }, [
        { key: ['sales', 'daily'], ranges: [['2024-01-01', '2024-01-31'], ['2024-03-01', '2024-03-01']] },
        { key: ['report'], ranges: null },
      ]);
      assert.equal(id, 'bf-1');
      assert.deepEqual(JSON.parse(JSON.stringify(dagster.launched)), [
        {
          partitionsByAssets: [
            { assetKey: { path: ['sales', 'daily'] }, partitions: { range: { start: '2024-01-01', end: '2024-01-31' } } },
            { assetKey: { path: ['sales', 'daily'] }, partitions: { range: { start: '2024-03-01', end: '2024-03-01' } } },
            { assetKey: { path: ['report'] } },
          ],
        },
      ]);
    } finally {
      await server.close();
    }
  });

  test("Dagster's refusal comes back with its type and message", async () => {
    const server = await startGraphqlServer({ launchError: { __typename: 'UnauthorizedError', message: 'Not allowed to launch backfills' } });
    try {
      await assert.rejects(launchBackfill({ url: server.url }, [{ key: ['a'], ranges: null }]), (error: Error) => error instanceof GraphqlError && /refused the backfill \(UnauthorizedError\): Not allowed to launch backfills/.test(error.message));
    } finally {
      await server.close();
    }
  });
});

