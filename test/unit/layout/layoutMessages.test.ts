import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { layoutGraph } from '../../../webview/src/layout/layoutGraph';
import { handleLayoutMessage } from '../../../webview/src/layout/layoutMessages';
import { fixtures } from './layoutFixtures';

describe('layout worker messages', () => {
  test('a valid request is answered with the layout and its request id', () => {
    const input = fixtures.groups!.input;
    assert.deepEqual(handleLayoutMessage({ type: 'layout', requestId: 7, input }), { type: 'layout/result', requestId: 7, result: layoutGraph(input) });
  });

  test('a malformed request becomes a layout/error that keeps the request id when there is one', () => {
    const reply = handleLayoutMessage({ type: 'layout', requestId: 3, input: { nodes: [{ id: 'a', width: '10', height: 5, group: null }], edges: [] } });
    assert.equal(reply.type, 'layout/error');
    assert.equal(reply.requestId, 3);
    assert.match(reply.type === 'layout/error' ? reply.message : '', /input\.nodes\.0\.width/);
  });

  test('garbage is answered, not thrown', () => {
    for (const data of [null, undefined, 'layout', 42, { type: 'other', requestId: 1 }, { type: 'layout', requestId: 'x', input: { nodes: [], edges: [] } }]) {
      const reply = handleLayoutMessage(data);
      assert.equal(reply.type, 'layout/error');
      assert.equal(reply.requestId, typeof (data as { requestId?: unknown } | null)?.requestId === 'number' ? 1 : -1);
    }
  });
});
