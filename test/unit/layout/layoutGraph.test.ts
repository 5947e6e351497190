import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateLineageGraph } from '../../../bench/layoutGraphs';
import { layoutGraph, layoutKey } from '../../../webview/src/layout/layoutGraph';
import { LAYOUT_SPACING } from '../../../webview/src/layout/layoutSpacing';
import type { LayoutInput } from '../../../webview/src/layout/layoutTypes';
import { assertValidLayout, chain, edge, fixtures, graph, node, shuffled } from './layoutFixtures';

describe('layoutGraph invariants', () => {
  for (const [name, { input, acyclic }] of Object.entries(fixtures)) {
    test(`${name}: finite, no overlaps, edges end on their nodes${acyclic ? ', upstream on the left' : ''}, group boxes apart`, () => {
      assertValidLayout(input, layoutGraph(input), { acyclic });
    });
  }

  test('generated lineage graphs (groups, fan-in/out, long edges, cycles) stay valid', () => {
    for (const [nodes, seed, cycles] of [[300, 1, 0], [400, 2, 12], [250, 3, 40]] as const) {
      const input = generateLineageGraph({ nodes, seed, cycles });
      assertValidLayout(input, layoutGraph(input), { acyclic: cycles === 0 });
    }
  });

  test('the same graph without groups stays valid too', () => {
    const generated = generateLineageGraph({ nodes: 300, seed: 9 });
    const input = { nodes: generated.nodes.map((n) => ({ ...n, group: null })), edges: generated.edges };
    const result = layoutGraph(input);
    assertValidLayout(input, result, { acyclic: true });
    assert.equal(result.groups.length, 0);
  });
});

describe('layoutGraph shape', () => {
  test('an empty graph is an empty drawing', () => {
    assert.deepEqual(layoutGraph({ nodes: [], edges: [] }), { nodes: [], edges: [], groups: [], width: 0, height: 0 });
  });

  test('a chain is one straight row, left to right', () => {
    const result = layoutGraph(chain(6));
    const ys = new Set(result.nodes.map((n) => n.y + n.height / 2));
    assert.equal(ys.size, 1, 'all centres on one line');
    const xs = result.nodes.map((n) => n.x);
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
    for (const e of result.edges) assert.equal(e.points.length, 2, `${e.id} is a straight segment`);
  });

  test('a long edge next to a chain is routed as a straight line when it can be', () => {
    const input = graph([...chain(5).nodes, node('side')], [...chain(5).edges, edge('c0', 'c4', 'skip')]);
    const result = layoutGraph(input);
    const skip = result.edges.find((e) => e.id === 'skip')!;
    const ys = skip.points.slice(1, -1).map((p) => p.y);
    // It leaves and enters at the chain's height, and passes the middle layers at one height.
    assert.ok(new Set(ys.slice(1, -1)).size <= 1, `middle of the long edge is straight: ${JSON.stringify(skip.points)}`);
  });

  test('a fan-out is centred on its source, a fan-in on its sink', () => {
    for (const [name, hub] of [['fanOut', 'src'], ['fanIn', 'sink']] as const) {
      const result = layoutGraph(fixtures[name]!.input);
      const hubNode = result.nodes.find((n) => n.id === hub)!;
      const others = result.nodes.filter((n) => n.id !== hub);
      const top = Math.min(...others.map((n) => n.y));
      const bottom = Math.max(...others.map((n) => n.y + n.height));
      assert.ok(Math.abs(hubNode.y + hubNode.height / 2 - (top + bottom) / 2) < 1, `${hub} is centred on the others`);
    }
  });

  test('a node of a layer is stacked under the previous one, with the node gap', () => {
    const result = layoutGraph(fixtures.fanOut!.input);
    const column = result.nodes.filter((n) => n.id !== 'src').sort((a, b) => a.y - b.y);
    for (let i = 1; i < column.length; i++) assert.ok(column[i]!.y - (column[i - 1]!.y + column[i - 1]!.height) >= LAYOUT_SPACING.nodeGap - 1e-6);
    assert.equal(new Set(column.map((n) => n.x)).size, 1, 'one column');
  });

  test('nodes without edges or group are packed in rows under the drawing', () => {
    const result = layoutGraph(fixtures.disconnected!.input);
    const byId = new Map(result.nodes.map((n) => [n.id, n]));
    const linkedBottom = Math.max(...['a1', 'a2', 'a3', 'b1', 'b2'].map((id) => byId.get(id)!.y + byId.get(id)!.height));
    const iso = ['iso1', 'iso2', 'iso3'].map((id) => byId.get(id)!);
    for (const n of iso) assert.ok(n.y > linkedBottom, `${n.id} is below the linked part`);
    assert.equal(new Set(iso.map((n) => n.y)).size, 1, 'in one row');
  });

  test('a node of a group without edges stays in its group box', () => {
    const result = layoutGraph(fixtures.groups!.input);
    const box = result.groups.find((g) => g.id === 'staging')!;
    const lonely = result.nodes.find((n) => n.id === 'lonely_in_group')!;
    assert.ok(lonely.x >= box.x && lonely.x + lonely.width <= box.x + box.width && lonely.y >= box.y && lonely.y + lonely.height <= box.y + box.height);
  });

  test('a group of nodes without edges fills a few columns instead of one tall one', () => {
    const input = graph(Array.from({ length: 14 }, (_, i) => node(`n${String(i).padStart(2, '0')}`, 'sources')), []);
    const result = layoutGraph(input);
    assertValidLayout(input, result, { acyclic: true });
    const columns = new Set(result.nodes.map((n) => n.x));
    assert.equal(columns.size, 2);
    assert.equal(result.groups.length, 1);
  });

  test('a group box leaves room for its label on top', () => {
    const result = layoutGraph(fixtures.groups!.input);
    for (const box of result.groups) {
      const members = result.nodes.filter((n) => fixtures.groups!.input.nodes.find((m) => m.id === n.id)!.group === box.id);
      assert.equal(Math.min(...members.map((n) => n.y)) - box.y, LAYOUT_SPACING.groupPadTop);
    }
  });

  test('edges inside a group stay inside its box', () => {
    const input = graph([...chain(4, 'g', 'grp').nodes, node('x', 'grp'), node('out')], [...chain(4, 'g', 'grp').edges, edge('g0', 'g3', 'inner-long'), edge('x', 'g1'), edge('g3', 'out')]);
    const result = layoutGraph(input);
    const box = result.groups[0]!;
    for (const p of result.edges.find((e) => e.id === 'inner-long')!.points) {
      assert.ok(p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height, `(${p.x}, ${p.y}) inside`);
    }
  });

  test('a self-loop and a backward edge leave rightwards and arrive from the left', () => {
    const result = layoutGraph(fixtures.cycle!.input);
    const byId = new Map(result.nodes.map((n) => [n.id, n]));
    // One edge of the cycle has to point backwards; it still starts on its source's right side.
    const backwards = result.edges.filter((e) => {
      const [s, t] = e.id.split('->');
      return byId.get(s!)!.x > byId.get(t!)!.x;
    });
    assert.equal(backwards.length, 1, 'exactly one edge of the 3-cycle runs backwards');
    const loops = layoutGraph(fixtures.selfLoops!.input).edges.filter((e) => e.id === 'a->a' || e.id === 'alone->alone');
    for (const e of loops) assert.ok(e.points.length >= 4, 'a self-loop goes around its node');
  });

  test('odd input: duplicate ids and edges, unknown endpoints, unusable sizes', () => {
    const input: LayoutInput = {
      nodes: [node('a'), node('a'), node('b', null, Number.NaN, -5), node('c', null, 0, 0)],
      edges: [edge('a', 'b'), edge('a', 'b'), edge('a', 'ghost', 'to-ghost'), edge('ghost', 'b', 'from-ghost'), edge('b', 'c')],
    };
    const result = layoutGraph(input);
    assert.deepEqual(result.nodes.map((n) => n.id), ['a', 'b', 'c']);
    assert.deepEqual(result.edges.map((e) => e.id), ['a->b', 'b->c']);
    const b = result.nodes.find((n) => n.id === 'b')!;
    assert.equal(b.width, 0);
    assert.equal(b.height, 0);
    for (const n of result.nodes) assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y));
  });

  test('parallel edges with different ids are each routed', () => {
    const result = layoutGraph(graph([node('a'), node('b')], [edge('a', 'b', 'one'), edge('a', 'b', 'two')]));
    assert.deepEqual(result.edges.map((e) => e.id), ['one', 'two']);
  });
});

describe('determinism and cache keys', () => {
  const inputs = [fixtures.groups!.input, fixtures.cycle!.input, fixtures.groupsWithCycle!.input, generateLineageGraph({ nodes: 200, seed: 4, cycles: 5 })];

  test('the same input gives the same output', () => {
    for (const input of inputs) assert.deepEqual(layoutGraph(structuredClone(input)), layoutGraph(input));
  });

  test('the same graph in another order gives the same output', () => {
    for (const input of inputs) {
      const reordered = { nodes: shuffled(input.nodes, 11), edges: shuffled(input.edges, 12) };
      assert.deepEqual(layoutGraph(reordered), layoutGraph(input));
    }
  });

  test('layoutKey is equal for reordered equal inputs and differs when the graph differs', () => {
    const input = fixtures.groups!.input;
    const key = layoutKey(input);
    assert.equal(layoutKey({ nodes: shuffled(input.nodes, 3), edges: shuffled(input.edges, 4) }), key);
    assert.equal(layoutKey(structuredClone(input)), key);
    const wider = { ...input, nodes: input.nodes.map((n, i) => (i === 0 ? { ...n, width: n.width + 1 } : n)) };
    const regrouped = { ...input, nodes: input.nodes.map((n, i) => (i === 0 ? { ...n, group: 'elsewhere' } : n)) };
    const fewerEdges = { ...input, edges: input.edges.slice(1) };
    const renamedEdge = { ...input, edges: input.edges.map((e, i) => (i === 0 ? { ...e, id: 'renamed' } : e)) };
    const keys = [key, layoutKey(wider), layoutKey(regrouped), layoutKey(fewerEdges), layoutKey(renamedEdge)];
    assert.equal(new Set(keys).size, keys.length);
  });

  test('layoutKey cannot be confused by ids containing separators', () => {
    const a = graph([node('a,b'), node('c')], [['a,b', 'c']]);
    const b = graph([node('a'), node('b,c')], [['a', 'b,c']]);
    assert.notEqual(layoutKey(a), layoutKey(b));
  });
});
