import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { GraphqlError, graphqlEndpoint } from '../../../src/core/state/graphql/client';
import { readRemoteInstance } from '../../../src/core/state/graphql/remoteState';
import { startGraphqlServer, type Canned, type RecordedRequest, type TestGraphqlServer } from '../../support/graphqlServer';

/** What a user reads when the webserver is not there, not Dagster, not the right version, or refuses. */

const token = 'user:s3cr3t-T0KEN-value';

async function failure(promise: Promise<unknown>): Promise<GraphqlError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GraphqlError, `not a GraphqlError: ${String(error)}`);
    assert.ok(!error.message.includes(token), 'the token is never in a message');
    assert.ok(!error.message.includes('s3cr3t'), 'not even in part');
    return error;
  }
  assert.fail('expected a GraphqlError');
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Canned => ({ status, headers, body: JSON.stringify(body) });

describe('GraphQL failures a user can act on', () => {
  let server: TestGraphqlServer;
  before(async () => {
    server = await startGraphqlServer({ assets: [{ key: ['a'], statuses: { '': 'MATERIALIZED' } }] });
  });
  after(() => server.close());
  const answering = (respond: (request: RecordedRequest) => Canned | undefined) => {
    server.respond = respond;
    return { url: server.url, token, timeoutMs: 5000 };
  };

  test('a server that never answers: timeout, with the URL and the limit', async () => {
    const error = await failure(readRemoteInstance({ ...answering(() => 'hang'), timeoutMs: 200 }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.message, `Dagster webserver at ${server.url} did not answer within 0.2 s (reading the asset nodes)`);
  });

  test('nothing listening: connection refused, suggests dagster dev', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(readRemoteInstance({ url: `http://127.0.0.1:${port}`, token }));
    assert.equal(error.kind, 'network');
    assert.match(error.message, new RegExp(`Nothing is listening at http://127\\.0\\.0\\.1:${port}/graphql \\(connection refused\\)`));
    assert.match(error.message, /`dagster dev`/);
  });

  test('HTTP 500: the status and the start of the body', async () => {
    const error = await failure(
      readRemoteInstance(answering(() => ({ status: 500, headers: { 'Content-Type': 'text/plain' }, body: 'Internal Server Error\n  Traceback: KeyError(\'asset_graph\')' }))),
    );
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 500);
    assert.equal(error.message, `${server.url} answered HTTP 500: Internal Server Error Traceback: KeyError('asset_graph').`);
  });

  test('an HTML page: not a GraphQL endpoint', async () => {
    const error = await failure(readRemoteInstance(answering(() => ({ headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><title>Dagster</title></html>' }))));
    assert.equal(error.kind, 'malformed');
    assert.match(error.message, /answered with something that is not JSON \(text\/html\): not a GraphQL endpoint\?/);
  });

  test('broken JSON is malformed too, and JSON without data', async () => {
    const broken = await failure(readRemoteInstance(answering(() => ({ body: '{"data": {"assetNodes": [' }))));
    assert.equal(broken.kind, 'malformed');
    const empty = await failure(readRemoteInstance(answering(() => json({ hello: 'world' }))));
    assert.equal(empty.kind, 'malformed');
    assert.match(empty.message, /no GraphQL "data": not a GraphQL endpoint\?/);
  });

  test('HTTP 404 with a page: says where Dagster serves GraphQL', async () => {
    const error = await failure(readRemoteInstance(answering(() => ({ status: 404, headers: { 'Content-Type': 'text/html' }, body: '<h1>Not Found</h1>' }))));
    assert.equal(error.kind, 'http');
    assert.match(error.message, /HTTP 404: <h1>Not Found<\/h1>\. Not a GraphQL endpoint\? A Dagster webserver serves it at <url>\/graphql\./);
  });

  test('"Cannot query field" from another Dagster version: a schema error naming the field', async () => {
    const error = await failure(readRemoteInstance(answering(() => json({ errors: [{ message: "Cannot query field 'partitionKeysByDimension' on type 'AssetNode'.", locations: [{ line: 12, column: 3 }] }] }, 400))));
    assert.equal(error.kind, 'schema');
    assert.equal(error.field, 'AssetNode.partitionKeysByDimension');
    assert.match(error.message, /has a different GraphQL schema: it does not know AssetNode\.partitionKeysByDimension/);
  });

  test('other GraphQL errors are reported as they come', async () => {
    const error = await failure(readRemoteInstance(answering(() => json({ data: null, errors: [{ message: 'dagster._core.errors.DagsterInvalidInvocationError: storage is down' }] }))));
    assert.equal(error.kind, 'graphql');
    assert.equal(error.message, `${server.url} could not answer the asset nodes: dagster._core.errors.DagsterInvalidInvocationError: storage is down`);
  });

  test('401 and 403: token rejected (never shown), or a token needed', async () => {
    for (const status of [401, 403]) {
      const rejected = await failure(readRemoteInstance(answering(() => ({ status, body: `{"error":"bad token ${token}"}` }))));
      assert.equal(rejected.kind, 'auth');
      assert.equal(rejected.status, status);
      assert.match(rejected.message, /token rejected/);
    }
    const needed = await failure(readRemoteInstance({ ...answering(() => ({ status: 401, body: 'Unauthorized' })), token: null }));
    assert.equal(needed.kind, 'auth');
    assert.match(needed.message, /requires authentication \(HTTP 401\)\. Dagster\+ needs a user token, sent as the Dagster-Cloud-Api-Token header/);
  });

  test('a refusal inside a 200 answer\'s error list is an auth error too', async () => {
    const error = await failure(readRemoteInstance(answering(() => json({ errors: [{ message: 'Unauthorized: invalid API token' }] }))));
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /rejected the API token: token rejected\. .* The server said: Unauthorized: invalid API token/);
  });

  test('a server that echoes the token does not get it into the message', async () => {
    const error = await failure(readRemoteInstance(answering(() => ({ status: 500, body: `bad header Dagster-Cloud-Api-Token: ${token}` }))));
    assert.equal(error.kind, 'http');
    assert.match(error.message, /bad header Dagster-Cloud-Api-Token: <token>/);
  });

  test('a redirect is not followed with the token: it names the target', async () => {
    const error = await failure(readRemoteInstance(answering(() => ({ status: 307, headers: { Location: 'https://elsewhere.example/prod/graphql' }, body: '' }))));
    assert.equal(error.kind, 'http');
    assert.match(error.message, /redirects \(HTTP 307\) to https:\/\/elsewhere\.example\/prod\/graphql/);
  });

  test('an answer of the wrong shape is a schema error with the path', async () => {
    const error = await failure(readRemoteInstance(answering(() => json({ data: { assetNodes: [{ assetKey: { path: 'a' } }] } }))));
    assert.equal(error.kind, 'schema');
    assert.match(error.message, /does not have the expected shape at assetNodes\.0\.assetKey\.path/);
  });

  test('an unknown kind of partition statuses is a schema error', async () => {
    const node = { assetKey: { path: ['a'] }, isPartitioned: true, isSource: false, isExecutable: true, isObservable: false, opVersion: null, partitionDefinition: null, partitionKeysByDimension: [] };
    const error = await failure(readRemoteInstance(answering(() => json({ data: { assetNodes: [{ ...node, assetPartitionStatuses: { __typename: 'FuturePartitionStatuses' } }] } }))));
    assert.equal(error.kind, 'schema');
    assert.match(error.message, /assetNodes\.0\.assetPartitionStatuses\.__typename/);
  });

  test('fields a later Dagster adds are ignored', async () => {
    const instance = await readRemoteInstance(
      answering((request) =>
        request.operationName === 'AssetLineageAllAssetNodes'
          ? json({
              data: {
                assetNodes: [
                  {
                    assetKey: { path: ['a'], __extra: 1 },
                    isPartitioned: false,
                    isSource: false,
                    isExecutable: true,
                    isObservable: false,
                    isMaterializable: true,
                    kinds: ['python'],
                    opVersion: '1',
                    partitionDefinition: null,
                    partitionKeysByDimension: [],
                    assetPartitionStatuses: { __typename: 'DefaultPartitionStatuses', materializedPartitions: [], failedPartitions: [], unmaterializedPartitions: [], materializingPartitions: [], newField: true },
                  },
                ],
              },
              extensions: { tracing: {} },
            })
          : undefined,
      ),
    );
    assert.deepEqual(instance.assets.get('a')?.partitions.get(null), { status: 'materialized', staleness: { status: 'FRESH', causes: [] } });
  });

  test('a URL that is not http(s) is refused before any request', async () => {
    const sent = server.requests.length;
    const error = await failure(readRemoteInstance({ url: 'ftp://127.0.0.1/graphql' }));
    assert.equal(error.kind, 'network');
    assert.equal(server.requests.length, sent);
  });
});

describe('an injected fetch', () => {
  test('is the one used, with the endpoint, a POST and the headers', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const fake: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), init });
      return new Response(JSON.stringify({ data: { assetNodes: [] } }), { headers: { 'Content-Type': 'application/json' } });
    };
    const instance = await readRemoteInstance({ url: 'https://acme.dagster.cloud/prod', token, fetch: fake });
    assert.equal(instance.assets.size, 0);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.url, 'https://acme.dagster.cloud/prod/graphql');
    assert.equal(calls[0]?.init?.method, 'POST');
    assert.equal((calls[0]?.init?.headers as Record<string, string>)['Dagster-Cloud-Api-Token'], token);
    assert.ok(calls[0]?.init?.signal instanceof AbortSignal);
  });

  test('one that ignores the abort signal still times out', async () => {
    const never: typeof fetch = () => new Promise<Response>(() => undefined);
    const error = await failure(readRemoteInstance({ url: 'http://127.0.0.1:3000', fetch: never, timeoutMs: 50 }));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /^Dagster webserver at http:\/\/127\.0\.0\.1:3000\/graphql did not answer within 0\.05 s/);
  });

  test('a reset connection is a network error naming the code', async () => {
    const reset: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    };
    const error = await failure(readRemoteInstance({ url: 'http://127.0.0.1:3000', fetch: reset }));
    assert.equal(error.kind, 'network');
    assert.match(error.message, /was closed before the answer was complete \(ECONNRESET\)/);
  });
});

describe('the endpoint for what a user typed', () => {
  test('/graphql is added once; Dagster+ deployments keep their path', () => {
    assert.equal(graphqlEndpoint('http://127.0.0.1:3000'), 'http://127.0.0.1:3000/graphql');
    assert.equal(graphqlEndpoint('http://127.0.0.1:3000/'), 'http://127.0.0.1:3000/graphql');
    assert.equal(graphqlEndpoint('http://127.0.0.1:3000/graphql'), 'http://127.0.0.1:3000/graphql');
    assert.equal(graphqlEndpoint('http://localhost:3000/prefix/graphql/'), 'http://localhost:3000/prefix/graphql');
    assert.equal(graphqlEndpoint('https://acme.dagster.cloud/prod'), 'https://acme.dagster.cloud/prod/graphql');
    assert.throws(() => graphqlEndpoint('not a url'), (error: unknown) => error instanceof GraphqlError && error.kind === 'network');
  });
});
