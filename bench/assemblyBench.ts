/**
 * Micro-benchmark of the graph-assembly passes that run on every `buildGraph` (so on every
 * incremental update): `keyId`, `resolveLocation`, `GraphIndex` / `findCycles`, and the loader
 * helpers `collectFromModule` / `applyLoaderAttributes`. It builds a synthetic 10,000-asset input,
 * first checks that the current functions give exactly what the previous ones gave (kept in
 * `bench/assemblyBaseline.ts`) on it and on many small random inputs, then times both.
 *
 *   npx tsx bench/assemblyBench.ts [assets=10000] [runs=25]
 *
 * ONLY=<row label prefix> times just the matching rows, e.g. for a CPU profile of one pass:
 *   ONLY=findCycles node --cpu-prof --cpu-prof-dir=.bench/prof --import tsx bench/assemblyBench.ts 10000 300
 *
 * Every time is also printed relative to a yardstick measured in the same process (a JSON clone of
 * the resolved graph), so numbers from different machines or runs can be compared.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { keyFromId, keyId } from '../src/core/model/assetKey';
import { findCycles, GraphIndex, type AssetGraph } from '../src/core/model/graph';
import { applyLoaderAttributes, collectFromModule } from '../src/core/scan/evaluate/loaders';
import type { Complain } from '../src/core/scan/evaluate/partitionsApi';
import type { CallArgs, DepValue, SpecValue, Value } from '../src/core/scan/evaluate/values';
import { resolveLocation, type LocatedSpec } from '../src/core/scan/resolveDeps';
import * as old from './assemblyBaseline';

const assetCount = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 25);

/** mulberry32: the same input every run. */
function rng(seed: number): { next: () => number; int: (n: number) => number; chance: (p: number) => boolean; pick: <T>(xs: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (xs) => xs[int(xs.length)] as never };
}

function spec(key: string[], deps: DepValue[], group: string | null, file: string, line: number): SpecValue {
  return {
    key,
    deps,
    group,
    partitions: null,
    codeVersion: null,
    backfillPolicy: null,
    description: null,
    owners: [],
    tags: {},
    kinds: [],
    automationCondition: null,
    metadata: {},
    kind: 'asset',
    file,
    line,
    opName: key[key.length - 1] ?? null,
    sourceHash: null,
    origin: `${file}:${line}`,
  };
}

interface Shape {
  assets: number;
  /** Distinct last components: few → many same-group collisions and duplicates. */
  names: number;
  groups: number;
  files: number;
  maxDeps: number;
  /** Share of dependencies pointing to a later asset (may close a cycle). */
  backEdges: number;
}

/**
 * One code location's specs: multi-asset definitions sharing an owner, keys of 1–3 components,
 * dependencies that are exact keys, one-component names re-targeted through the group, unknown
 * keys (stubs, some of them data-carrying inputs), duplicates and the same spec loaded twice.
 */
function syntheticLocation(seed: number, shape: Shape): LocatedSpec[] {
  const r = rng(seed);
  const prefixes = [[], ['staging'], ['mart', 'finance'], ['raw']] as const;
  const keys: string[][] = [];
  const groups: (string | null)[] = [];
  const byGroup = new Map<string | null, number[]>();
  for (let i = 0; i < shape.assets; i++) {
    const name = `t${r.int(shape.names)}_${shape.names >= shape.assets ? i : ''}`;
    const group = r.chance(0.2) ? null : `g${r.int(shape.groups)}`;
    keys.push([...r.pick(prefixes), name]);
    groups.push(group);
    const members = byGroup.get(group ?? 'default');
    if (members) members.push(i);
    else byGroup.set(group ?? 'default', [i]);
  }
  const located: LocatedSpec[] = [];
  let owner: object = {};
  for (let i = 0; i < shape.assets; i++) {
    if (r.chance(0.6)) owner = {};
    const deps: DepValue[] = [];
    const n = r.int(shape.maxDeps + 1);
    for (let d = 0; d < n; d++) {
      const roll = r.next();
      let key: string[];
      if (roll < 0.5) key = keys[r.chance(shape.backEdges) ? r.int(shape.assets) : r.int(Math.max(i, 1))] as string[];
      else if (roll < 0.85) {
        // A parameter named after an asset, mostly of the same group (re-targeted), else a stub.
        const members = byGroup.get(groups[i] ?? 'default') as number[];
        const target = r.chance(0.9) ? (members[r.int(members.length)] as number) : r.int(shape.assets);
        key = [(keys[target] as string[]).at(-1) as string];
      } else if (roll < 0.95) key = ['source', `s${r.int(Math.ceil(shape.names / 50))}`];
      else key = [`ext_${r.int(Math.ceil(shape.names / 50))}`];
      const carriesData = r.chance(roll < 0.85 ? 0.4 : 0.02);
      deps.push({
        key: [...key],
        mapping: r.chance(0.1) ? { type: 'identity' } : null,
        ...(carriesData || r.chance(0.3) ? { inputName: `in_${d}` } : {}),
        carriesData,
      });
    }
    const file = `/ws/pkg${Math.floor((i * shape.files) / shape.assets)}/assets.py`;
    const s = spec(keys[i] as string[], deps, groups[i] as string | null, file, 1 + (i % 400));
    located.push({ spec: s, owner });
    if (r.chance(0.003)) located.push({ spec: s, owner }); // the same object again: silently once
    if (r.chance(0.003)) located.push({ spec: { ...s, line: s.line + 1 }, owner: {} }); // a duplicate key
  }
  return located;
}

const relative = (file: string): string => file.slice(4);

function graphOf(located: LocatedSpec[], extraCycles: number, seed: number): AssetGraph {
  const { assets } = resolveLocation('loc', located, relative);
  const r = rng(seed);
  // A few explicit cycles and self-loops on top of whatever back edges made.
  for (let c = 0; c < extraCycles; c++) {
    const a = assets[r.int(assets.length)];
    const b = assets[r.int(assets.length)];
    if (!a || !b) continue;
    a.deps.push({ key: [...b.key], partitionMapping: null, carriesData: false, resolution: 'exact' });
    if (r.chance(0.5)) b.deps.push({ key: [...a.key], partitionMapping: null, carriesData: false, resolution: 'exact' });
  }
  return { version: 1, assets, diagnostics: [], codeLocations: [] };
}

/** Module globals for the loader helpers: assets, specs, lists of them, dunders, other values. */
function syntheticModules(located: LocatedSpec[], modules: number, seed: number): Map<string, Value>[] {
  const r = rng(seed);
  const out: Map<string, Value>[] = [];
  const per = Math.ceil(located.length / modules);
  for (let m = 0; m < modules; m++) {
    const globals = new Map<string, Value>();
    globals.set('__name__', { k: 'str', v: `pkg${m}.assets` });
    globals.set('__file__', { k: 'str', v: `/ws/pkg${m}/assets.py` });
    globals.set('dg', { k: 'module', name: 'dagster' });
    const chunk = located.slice(m * per, (m + 1) * per);
    const values: Value[] = [];
    let i = 0;
    while (i < chunk.length) {
      const size = 1 + r.int(3);
      const specs = chunk.slice(i, i + size).map((l) => l.spec);
      i += size;
      const roll = r.next();
      if (roll < 0.1) values.push(...specs.map((s): Value => ({ k: 'spec', spec: s })));
      else values.push({ k: 'assets', def: { specs, isSourceLike: roll < 0.2 } });
    }
    values.forEach((v, j) => globals.set(`asset_${j}`, v));
    if (values.length > 1) {
      globals.set('all_assets', { k: 'list', items: values.slice(0, 2), tuple: false });
      globals.set('a_tuple', { k: 'list', items: values.slice(0, 2), tuple: true });
      globals.set('mixed', { k: 'list', items: [values[0] as Value, { k: 'num', v: 1 }], tuple: false });
      globals.set('alias', values[0] as Value);
    }
    globals.set('__private', values[0] ?? { k: 'none' });
    globals.set('CONSTANT', { k: 'str', v: 'x' });
    out.push(globals);
  }
  return out;
}

function loaderCall(keyPrefix: string[] | null, sourcePrefix: string[] | null, group: string | null, backfill: boolean): CallArgs {
  const kwargs = new Map<string, Value>();
  const list = (parts: string[]): Value =>
    parts.length === 1 ? { k: 'str', v: parts[0] as string } : { k: 'list', items: parts.map((v) => ({ k: 'str', v })), tuple: false };
  if (keyPrefix) kwargs.set('key_prefix', list(keyPrefix));
  if (sourcePrefix) kwargs.set('source_key_prefix', list(sourcePrefix));
  if (group) kwargs.set('group_name', { k: 'str', v: group });
  if (backfill) kwargs.set('backfill_policy', { k: 'backfill', policy: { type: 'single_run' } });
  return { args: [], kwargs, kwargExprs: new Map(), line: 1, file: '/ws/defs.py' };
}

type Collect = typeof collectFromModule;
type Apply = typeof applyLoaderAttributes;

function runLoader(collect: Collect, apply: Apply, modules: Map<string, Value>[], includeSpecs: boolean, call: CallArgs): { loaded: Value[]; definitions: Value[]; complaints: string[] } {
  const seen = new Set<object>();
  const collected: Value[] = [];
  const definitions: Value[] = [];
  for (const globals of modules) collect(globals, includeSpecs, seen, collected, definitions);
  const complaints: string[] = [];
  const complain: Complain = (severity, message, code) => complaints.push(`${severity} ${code} ${message}`);
  return { loaded: apply(collected, call, complain), definitions, complaints };
}

// ---------------------------------------------------------------------------------------------
// Equivalence: identical output (JSON text, so field order counts too) on the big input and on
// many small random ones built to collide (few names, groups, back edges, duplicates).

function checkEquivalence(): number {
  let cases = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed * 7919);
    const shape: Shape = {
      assets: 1 + r.int(40),
      names: 1 + r.int(8),
      groups: 1 + r.int(3),
      files: 1 + r.int(4),
      maxDeps: r.int(25),
      backEdges: r.next(),
    };
    const located = syntheticLocation(seed, shape);
    assert.equal(JSON.stringify(resolveLocation('loc', located, relative)), JSON.stringify(old.resolveLocation('loc', located, relative)), `resolveLocation, seed ${seed}`);
    const graph = graphOf(located, r.int(4), seed);
    // Two locations defining the same key: the index keeps the first, edges come from both.
    if (r.chance(0.3)) graph.assets.push(...graphOf(located, 2, seed + 1).assets.slice(0, 5));
    assert.equal(JSON.stringify(findCycles(graph)), JSON.stringify(old.findCycles(graph)), `findCycles, seed ${seed}`);
    const a = new GraphIndex(graph);
    const b = new old.BaselineGraphIndex(graph);
    assert.deepEqual([...a.byId.values()], [...b.byId.values()]);
    assert.deepEqual([...a.children.values()].map((ids) => ids.map(keyFromId)), [...b.children.values()].map((ids) => ids.map((id) => JSON.parse(id))));
    assert.deepEqual([...a.parents.values()].map((ids) => ids.map(keyFromId)), [...b.parents.values()].map((ids) => ids.map((id) => JSON.parse(id))));

    const modules = syntheticModules(located, 1 + r.int(4), seed);
    const prefixes = [null, ['p'], ['p', 'q'], []];
    const call = loaderCall(r.pick(prefixes), r.pick(prefixes), r.pick([null, 'g0', 'default', 'other']), r.chance(0.5));
    const includeSpecs = r.chance(0.5);
    assert.equal(
      JSON.stringify(runLoader(collectFromModule, applyLoaderAttributes, modules, includeSpecs, call)),
      JSON.stringify(runLoader(old.collectFromModule, old.applyLoaderAttributes, modules, includeSpecs, call)),
      `loaders, seed ${seed}`,
    );
    cases++;
  }
  // keyId: a bijection onto its ids, also for the keys no real code has.
  const odd = [[], [''], ['', ''], ['a'], ['a', ''], ['', 'a'], ['a\u0000b'], ['a', 'b'], ['a\u0001'], ['a\u0001', ''], ['\u0001'], ['\u0000'], ['\u0000', ''], ['["a"]'], ['a,b'], ['a', 'b', 'c'], ['a\u0000', 'b']];
  const ids = new Set(odd.map(keyId));
  assert.equal(ids.size, odd.length, 'keyId is injective');
  for (const key of odd) assert.deepEqual(keyFromId(keyId(key)), key);
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Timing.

function median(fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function main(): void {
  const cases = checkEquivalence();
  console.log(`equivalence: ${cases} random small inputs + the big one give identical output (old vs new)`);

  const shape: Shape = { assets: assetCount, names: assetCount, groups: 20, files: assetCount / 5, maxDeps: 5, backEdges: 0.002 };
  const located = syntheticLocation(42, shape);
  const graph = graphOf(located, 20, 42);
  const modules = syntheticModules(located, assetCount / 5, 42);
  const prefixed = loaderCall(['pkg'], ['src'], 'grp', true);
  const plain = loaderCall(null, null, null, false);
  const edges = graph.assets.reduce((n, a) => n + a.deps.length, 0);
  assert.equal(JSON.stringify(resolveLocation('loc', located, relative)), JSON.stringify(old.resolveLocation('loc', located, relative)));
  assert.equal(JSON.stringify(findCycles(graph)), JSON.stringify(old.findCycles(graph)));
  for (const call of [prefixed, plain]) {
    assert.equal(
      JSON.stringify(runLoader(collectFromModule, applyLoaderAttributes, modules, true, call)),
      JSON.stringify(runLoader(old.collectFromModule, old.applyLoaderAttributes, modules, true, call)),
    );
  }
  const allKeys = graph.assets.flatMap((a) => [a.key, ...a.deps.map((d) => d.key)]);
  const collectAll = (collect: Collect) => (): Value[] => {
    const seen = new Set<object>();
    const out: Value[] = [];
    for (const globals of modules) collect(globals, true, seen, out);
    return out;
  };
  const collected = collectAll(collectFromModule)();
  const noComplaints: Complain = () => {};
  console.log(
    `input: ${located.length} located specs → ${graph.assets.length} assets (stubs included), ${edges} edges, ` +
      `${findCycles(graph).length} cycles; ${modules.length} modules, ${collected.length} loadable values; ${runs} runs, medians\n`,
  );

  const yardstick = median(() => JSON.parse(JSON.stringify(graph)));
  const passes: [string, () => unknown, () => unknown][] = [
    ['keyId × every asset and dep key', () => allKeys.map(old.keyId), () => allKeys.map(keyId)],
    ['resolveLocation', () => old.resolveLocation('loc', located, relative), () => resolveLocation('loc', located, relative)],
    ['GraphIndex (constructor)', () => new old.BaselineGraphIndex(graph), () => new GraphIndex(graph)],
    ['findCycles', () => old.findCycles(graph), () => findCycles(graph)],
    ['collectFromModule × all modules', collectAll(old.collectFromModule), collectAll(collectFromModule)],
    [
      'applyLoaderAttributes, prefixes + group',
      () => old.applyLoaderAttributes(collected, prefixed, noComplaints),
      () => applyLoaderAttributes(collected, prefixed, noComplaints),
    ],
    [
      'applyLoaderAttributes, no arguments',
      () => old.applyLoaderAttributes(collected, plain, noComplaints),
      () => applyLoaderAttributes(collected, plain, noComplaints),
    ],
  ];
  const only = process.env.ONLY;
  const rows: [string, number, number][] = passes
    .filter(([label]) => !only || label.startsWith(only))
    .map(([label, before, after]) => [label, only ? 0 : median(before), median(after)]);
  const w = Math.max(...rows.map((r) => r[0].length));
  const ms = (t: number): string => `${t.toFixed(2).padStart(7)} ms`;
  const rel = (t: number): string => `${(t / yardstick).toFixed(3).padStart(6)}×`;
  console.log(`yardstick: JSON clone of the ${graph.assets.length}-asset graph ${ms(yardstick)}; "× clone" columns are time / yardstick\n`);
  console.log(`${'pass'.padEnd(w)}  ${'before'.padStart(10)} ${'× clone'.padStart(7)}  ${'after'.padStart(10)} ${'× clone'.padStart(7)}  speedup`);
  let before = 0;
  let after = 0;
  for (const [label, a, b] of rows) {
    if (!label.startsWith('keyId') && !label.startsWith('GraphIndex')) {
      before += a;
      after += b;
    }
    console.log(`${label.padEnd(w)}  ${ms(a)} ${rel(a)}  ${ms(b)} ${rel(b)}  ${(a / b).toFixed(1).padStart(6)}×`);
  }
  console.log(`${'sum of the passes buildGraph runs'.padEnd(w)}  ${ms(before)} ${rel(before)}  ${ms(after)} ${rel(after)}  ${(before / after).toFixed(1).padStart(6)}×`);
}

main();
