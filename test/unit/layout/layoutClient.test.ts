import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LayoutClient, LayoutSuperseded, type LayoutWorker } from '../../../webview/src/layout/layoutClient';
import { layoutGraph } from '../../../webview/src/layout/layoutGraph';
import type { LayoutInput } from '../../../webview/src/layout/layoutTypes';
import { chain, fixtures, shuffled } from './layoutFixtures';

/** Stands in for the real worker: answers with layoutGraph, right away ('auto') or when told ('manual'). */
class FakeWorker implements LayoutWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  readonly posted: { type: string; requestId: number; input: LayoutInput }[] = [];
  terminated = false;

  constructor(private readonly mode: 'auto' | 'manual' | 'fail') {}

  postMessage(message: unknown): void {
    const request = message as { type: string; requestId: number; input: LayoutInput };
    this.posted.push(request);
    if (this.mode !== 'manual') setTimeout(() => this.answer(request), 0);
  }

  /** Replies to a posted request, as the real worker would, unless terminated. */
  answer(request: { requestId: number; input: LayoutInput }): void {
    if (this.terminated) return;
    const data =
      this.mode === 'fail'
        ? { type: 'layout/error', requestId: request.requestId, message: 'boom' }
        : { type: 'layout/result', requestId: request.requestId, result: layoutGraph(request.input) };
    this.onmessage?.({ data });
  }

  terminate(): void {
    this.terminated = true;
  }
}

function harness(mode: 'auto' | 'manual' | 'fail' = 'auto'): { client: LayoutClient; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const client = new LayoutClient(() => {
    const worker = new FakeWorker(mode);
    workers.push(worker);
    return worker;
  });
  return { client, workers };
}

/** Big enough (≥ 50 nodes) to go to the worker. */
const big = (prefix: string): LayoutInput => chain(60, prefix);
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('LayoutClient', () => {
  test('small graphs are laid out on the main thread, without a worker', async () => {
    const { client, workers } = harness();
    const input = fixtures.groups!.input;
    assert.deepEqual(await client.layout(input), layoutGraph(input));
    assert.equal(workers.length, 0);
    client.dispose();
  });

  test('big graphs go to the worker and come back laid out', async () => {
    const { client, workers } = harness();
    const input = big('a');
    assert.deepEqual(await client.layout(input), layoutGraph(input));
    assert.equal(workers.length, 1);
    assert.equal(workers[0]!.posted.length, 1);
    assert.equal(workers[0]!.posted[0]!.type, 'layout');
    client.dispose();
  });

  test('newest request wins: the older one rejects with LayoutSuperseded and its run is stopped', async () => {
    const { client, workers } = harness('manual');
    const first = client.layout(big('a'));
    const second = client.layout(big('b'));
    await assert.rejects(first, (error: unknown) => LayoutSuperseded.is(error) && error.reason === 'superseded');
    assert.equal(workers.length, 2, 'a fresh worker for the newer request');
    assert.ok(workers[0]!.terminated, 'the stale run was stopped');
    // A late answer from the stopped worker changes nothing.
    workers[0]!.terminated = false;
    workers[0]!.answer(workers[0]!.posted[0]!);
    workers[1]!.answer(workers[1]!.posted[0]!);
    assert.deepEqual(await second, layoutGraph(big('b')));
    client.dispose();
  });

  test('a small request also supersedes a pending big one', async () => {
    const { client } = harness('manual');
    const first = client.layout(big('a'));
    const small = client.layout(chain(3));
    await assert.rejects(first, LayoutSuperseded.is);
    assert.deepEqual(await small, layoutGraph(chain(3)));
    client.dispose();
  });

  test('a reply for an older request id is ignored', async () => {
    const { client, workers } = harness('manual');
    const pending = client.layout(big('a'));
    const worker = workers[0]!;
    const request = worker.posted[0]!;
    worker.onmessage?.({ data: { type: 'layout/result', requestId: request.requestId + 100, result: { nodes: [] } } });
    worker.onmessage?.({ data: { type: 'nonsense' } });
    worker.answer(request);
    assert.deepEqual(await pending, layoutGraph(big('a')));
    client.dispose();
  });

  test('asking again for the graph being computed reuses the run', async () => {
    const { client, workers } = harness('manual');
    const first = client.layout(big('a'));
    const again = client.layout(structuredClone(big('a')));
    await assert.rejects(first, LayoutSuperseded.is);
    assert.equal(workers.length, 1);
    assert.equal(workers[0]!.posted.length, 1, 'no second request');
    assert.equal(workers[0]!.terminated, false);
    workers[0]!.answer(workers[0]!.posted[0]!);
    assert.deepEqual(await again, layoutGraph(big('a')));
    client.dispose();
  });

  test('results are cached by graph: an equal graph in another order is answered from the cache', async () => {
    const { client, workers } = harness();
    const input = big('a');
    const first = await client.layout(input);
    const reordered = { nodes: shuffled(input.nodes, 5), edges: shuffled(input.edges, 6) };
    const second = await client.layout(reordered);
    assert.equal(second, first, 'the same result object');
    assert.equal(workers[0]!.posted.length, 1, 'the worker was asked once');
    const small = fixtures.diamond!.input;
    assert.equal(await client.layout(small), await client.layout(structuredClone(small)));
    client.dispose();
  });

  test('a failed layout rejects with an Error that is not LayoutSuperseded', async () => {
    const { client } = harness('fail');
    await assert.rejects(client.layout(big('a')), (error: unknown) => error instanceof Error && !LayoutSuperseded.is(error) && /boom/.test(error.message));
    client.dispose();
  });

  test('without a worker (it cannot be created) everything is laid out on the main thread', async () => {
    let attempts = 0;
    const client = new LayoutClient(() => {
      attempts++;
      throw new Error('blocked by CSP');
    });
    assert.deepEqual(await client.layout(big('a')), layoutGraph(big('a')));
    assert.deepEqual(await client.layout(big('b')), layoutGraph(big('b')));
    assert.equal(attempts, 1, 'not retried for every request');
    client.dispose();
  });

  test('a worker that dies hands the waiting request to the main thread', async () => {
    const { client, workers } = harness('manual');
    const pending = client.layout(big('a'));
    workers[0]!.onerror?.({ message: 'script error' });
    assert.deepEqual(await pending, layoutGraph(big('a')));
    assert.ok(workers[0]!.terminated);
    client.dispose();
  });

  test('dispose rejects what is pending, stops the worker and refuses new requests', async () => {
    const { client, workers } = harness('manual');
    const pending = client.layout(big('a'));
    client.dispose();
    await assert.rejects(pending, (error: unknown) => LayoutSuperseded.is(error) && error.reason === 'disposed');
    assert.ok(workers[0]!.terminated);
    await assert.rejects(client.layout(chain(2)), LayoutSuperseded.is);
    await tick();
  });

  test('LayoutSuperseded.is tells superseded requests from real errors', () => {
    assert.ok(LayoutSuperseded.is(new LayoutSuperseded('superseded')));
    assert.ok(!LayoutSuperseded.is(new Error('superseded')));
    assert.ok(!LayoutSuperseded.is(undefined));
  });
});
