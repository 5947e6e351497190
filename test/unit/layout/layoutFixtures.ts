/**
 * Small graphs built in code, and the invariants every layout must satisfy (style anchor §4.14:
 * finite coordinates, no overlaps, edges end on their nodes).
 */
import assert from 'node:assert/strict';
import type { LayoutEdgeInput, LayoutInput, LayoutNodeInput, LayoutResult } from '../../../webview/src/layout/layoutTypes';

export const node = (id: string, group: string | null = null, width = 160, height = 48): LayoutNodeInput => ({ id, width, height, group });
export const edge = (source: string, target: string, id = `${source}->${target}`): LayoutEdgeInput => ({ id, source, target });

export function graph(nodes: LayoutNodeInput[], edges: [string, string][] | LayoutEdgeInput[]): LayoutInput {
  return { nodes, edges: edges.map((e) => (Array.isArray(e) ? edge(e[0], e[1]) : e)) };
}

export const chain = (count: number, prefix = 'c', group: string | null = null): LayoutInput =>
  graph(
    Array.from({ length: count }, (_, i) => node(`${prefix}${i}`, group)),
    Array.from({ length: count - 1 }, (_, i): [string, string] => [`${prefix}${i}`, `${prefix}${i + 1}`]),
  );

export const fixtures: Record<string, { input: LayoutInput; acyclic: boolean }> = {
  empty: { input: graph([], []), acyclic: true },
  single: { input: graph([node('only')], []), acyclic: true },
  chain: { input: chain(7), acyclic: true },
  diamond: { input: graph([node('a'), node('b'), node('c'), node('d')], [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]), acyclic: true },
  fanOut: {
    input: graph([node('src'), ...Array.from({ length: 12 }, (_, i) => node(`out${i}`))], Array.from({ length: 12 }, (_, i): [string, string] => ['src', `out${i}`])),
    acyclic: true,
  },
  fanIn: {
    input: graph([node('sink'), ...Array.from({ length: 12 }, (_, i) => node(`in${i}`))], Array.from({ length: 12 }, (_, i): [string, string] => [`in${i}`, 'sink'])),
    acyclic: true,
  },
  longEdge: {
    input: graph(['a', 'b', 'c', 'd', 'e', 'x'].map((id) => node(id)), [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['a', 'e'], ['x', 'e'], ['a', 'd']]),
    acyclic: true,
  },
  mixedSizes: {
    input: graph(
      [node('wide', null, 420, 40), node('tall', null, 100, 180), node('tiny', null, 20, 12), node('normal'), node('late', null, 300, 90)],
      [['wide', 'tall'], ['wide', 'tiny'], ['tiny', 'normal'], ['tall', 'late'], ['normal', 'late']],
    ),
    acyclic: true,
  },
  cycle: { input: graph(['a', 'b', 'c', 'd', 'in'].map((id) => node(id)), [['in', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']]), acyclic: false },
  twoCycle: { input: graph([node('p'), node('q')], [['p', 'q'], ['q', 'p']]), acyclic: false },
  selfLoops: { input: graph([node('a'), node('b'), node('alone')], [['a', 'a'], ['a', 'b'], ['b', 'b'], ['alone', 'alone']]), acyclic: false },
  disconnected: {
    input: graph(
      ['a1', 'a2', 'a3', 'b1', 'b2', 'iso1', 'iso2', 'iso3'].map((id) => node(id)),
      [['a1', 'a2'], ['a2', 'a3'], ['b1', 'b2']],
    ),
    acyclic: true,
  },
  groups: {
    input: graph(
      [
        node('raw_orders', 'raw'),
        node('raw_users', 'raw'),
        node('raw_events', 'raw'),
        node('stg_orders', 'staging'),
        node('stg_users', 'staging'),
        node('stg_events', 'staging'),
        node('orders_by_user', 'marts'),
        node('daily_active', 'marts'),
        node('report', 'marts'),
        node('loose_helper'),
        node('loose_sink'),
        node('lonely_in_group', 'staging'),
      ],
      [
        ['raw_orders', 'stg_orders'],
        ['raw_users', 'stg_users'],
        ['raw_events', 'stg_events'],
        ['stg_orders', 'orders_by_user'],
        ['stg_users', 'orders_by_user'],
        ['stg_events', 'daily_active'],
        ['orders_by_user', 'report'],
        ['daily_active', 'report'],
        ['raw_orders', 'report'],
        ['loose_helper', 'stg_users'],
        ['daily_active', 'loose_sink'],
      ],
    ),
    acyclic: true,
  },
  // Group "h" has nodes in layers 0 and 3 only: its box spans layers 1 and 2 with nothing of its own.
  groupWithHole: {
    input: graph(
      [node('h0', 'h'), node('h3', 'h'), node('m1', 'm'), node('m2', 'm'), node('free1'), node('free2'), node('other0')],
      [['h0', 'm1'], ['m1', 'm2'], ['m2', 'h3'], ['other0', 'free1'], ['free1', 'free2'], ['free2', 'h3']],
    ),
    acyclic: true,
  },
  groupsWithCycle: {
    input: graph(
      [node('a', 'g1'), node('b', 'g1'), node('c', 'g2'), node('d', 'g2'), node('e')],
      [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'a'], ['d', 'e'], ['e', 'b']],
    ),
    acyclic: false,
  },
  denseCycles: {
    input: graph(
      Array.from({ length: 12 }, (_, i) => node(`k${i}`, i % 3 === 0 ? 'g' : null)),
      Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j): [string, string] => [`k${i}`, `k${j}`])).flat(),
    ),
    acyclic: false,
  },
};

const EPS = 1e-6;
const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width - EPS && b.x < a.x + a.width - EPS && a.y < b.y + b.height - EPS && b.y < a.y + a.height - EPS;
interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every property the renderer relies on. */
export function assertValidLayout(input: LayoutInput, result: LayoutResult, options: { acyclic: boolean }): void {
  const finite = (value: number, what: string): void => assert.ok(Number.isFinite(value), `${what} is ${value}`);
  finite(result.width, 'width');
  finite(result.height, 'height');

  const ids = new Set(input.nodes.map((n) => n.id));
  assert.equal(result.nodes.length, ids.size, 'one result node per distinct input node');
  const byId = new Map(result.nodes.map((n) => [n.id, n]));
  for (const n of input.nodes) {
    const r = byId.get(n.id);
    assert.ok(r, `node ${n.id} is laid out`);
    for (const k of ['x', 'y', 'width', 'height'] as const) finite(r[k], `${n.id}.${k}`);
    assert.equal(r.width, Number.isFinite(n.width) && n.width > 0 ? n.width : 0, `${n.id} keeps its width`);
    assert.ok(r.x >= -EPS && r.y >= -EPS && r.x + r.width <= result.width + EPS && r.y + r.height <= result.height + EPS, `${n.id} inside the drawing`);
  }
  for (let i = 0; i < result.nodes.length; i++) {
    for (let j = i + 1; j < result.nodes.length; j++) {
      const a = result.nodes[i]!;
      const b = result.nodes[j]!;
      assert.ok(!overlaps(a, b), `nodes ${a.id} and ${b.id} overlap`);
    }
  }

  const drawn = input.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const routes = new Map<string, LayoutResult['edges']>();
  for (const e of result.edges) routes.set(e.id, [...(routes.get(e.id) ?? []), e]);
  for (const e of drawn) {
    const candidates = routes.get(e.id);
    assert.ok(candidates && candidates.length > 0, `edge ${e.id} is routed`);
    const s = byId.get(e.source)!;
    const t = byId.get(e.target)!;
    const fits = candidates.some(({ points }) => {
      if (points.length < 2 || !points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) return false;
      const first = points[0]!;
      const last = points[points.length - 1]!;
      const onRight = Math.abs(first.x - (s.x + s.width)) <= 1 && first.y >= s.y - 1 && first.y <= s.y + s.height + 1;
      const onLeft = Math.abs(last.x - t.x) <= 1 && last.y >= t.y - 1 && last.y <= t.y + t.height + 1;
      return onRight && onLeft;
    });
    assert.ok(fits, `edge ${e.id} runs from ${e.source}'s right side to ${e.target}'s left side`);
    if (options.acyclic && e.source !== e.target) assert.ok(s.x + s.width < t.x, `${e.source} is left of ${e.target}`);
  }
  for (const e of result.edges) for (const p of e.points) assert.ok(p.x >= -EPS && p.y >= -EPS && p.x <= result.width + EPS && p.y <= result.height + EPS, `edge ${e.id} inside the drawing`);

  const groupNames = new Set(input.nodes.flatMap((n) => (n.group === null ? [] : [n.group])));
  assert.deepEqual(new Set(result.groups.map((g) => g.id)), groupNames, 'one box per group');
  const groupOf = new Map(input.nodes.map((n) => [n.id, n.group]));
  for (const box of result.groups) {
    for (const k of ['x', 'y', 'width', 'height'] as const) finite(box[k], `group ${box.id}.${k}`);
    for (const n of result.nodes) {
      if (groupOf.get(n.id) === box.id) {
        const inside = n.x >= box.x + EPS && n.y >= box.y + EPS && n.x + n.width <= box.x + box.width - EPS && n.y + n.height <= box.y + box.height - EPS;
        assert.ok(inside, `${n.id} inside its group box ${box.id}`);
      } else assert.ok(!overlaps(n, box), `${n.id} (not in ${box.id}) overlaps that group's box`);
    }
  }
  for (let i = 0; i < result.groups.length; i++) {
    for (let j = i + 1; j < result.groups.length; j++) {
      assert.ok(!overlaps(result.groups[i]!, result.groups[j]!), `group boxes ${result.groups[i]!.id} and ${result.groups[j]!.id} overlap`);
    }
  }
}

/** Deterministic shuffle (so a failing order can be replayed). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
