import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assetGraphSchema } from '../../src/core/model/graph';

/**
 * The bundled example, scanned through the built CLI exactly as a user runs it. The golden file is
 * reviewed by hand against examples/harbor/EXPECTED.md; regenerate it with UPDATE_GOLDEN=1 after a
 * deliberate change and review the diff.
 */
const repo = join(__dirname, '..', '..');
const golden = join(repo, 'test', 'golden', 'harbor.scan.json');
const cli = join(repo, 'dist', 'cli.js');

function scanExample(format: string): { stdout: string; status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [cli, 'scan', 'examples/harbor', '--format', format], { cwd: repo, encoding: 'utf8' });
  return { stdout: run.stdout, status: run.status, stderr: run.stderr };
}

test('scan examples/harbor --format json matches the golden file', () => {
  const run = scanExample('json');
  assert.equal(run.status, 0, run.stderr);
  const parsed = assetGraphSchema.safeParse(JSON.parse(run.stdout));
  assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, run.stdout);
  assert.deepEqual(JSON.parse(run.stdout), JSON.parse(readFileSync(golden, 'utf8')));
});

test('the example graph is the one EXPECTED.md describes: keys, kinds, groups and edges', () => {
  const graph = JSON.parse(scanExample('json').stdout) as { assets: { key: string[]; kind: string; group: string; deps: { key: string[] }[] }[] };
  const expectedText = readFileSync(join(repo, 'examples', 'harbor', 'EXPECTED.md'), 'utf8');
  const block = /```json\n([\s\S]*?)```/.exec(expectedText)?.[1];
  assert.ok(block, 'EXPECTED.md has a json block');
  const expected = JSON.parse(block) as { key: string[]; kind: string; group: string; deps: { key: string[] }[] }[];
  const summarise = (assets: typeof expected) =>
    assets
      .map((a) => ({ key: a.key, kind: a.kind, group: a.group, deps: a.deps.map((d) => JSON.stringify(d.key)).sort() }))
      .sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
  assert.deepEqual(summarise(graph.assets), summarise(expected));
});

test('dot and mermaid exports name every asset and edge of the example', () => {
  const dot = scanExample('dot');
  assert.equal(dot.status, 0);
  assert.match(dot.stdout, /^digraph assets \{/);
  assert.match(dot.stdout, /"raw\/port_calls" -> "analytics\/congestion\/idle_hours" \[label="time_window\(-1, 0\)"\];/);
  const mermaid = scanExample('mermaid');
  assert.match(mermaid.stdout, /^flowchart LR/);
  assert.equal((mermaid.stdout.match(/-->/g) ?? []).length, 38);
});

test('usage errors exit 2, unknown formats included', () => {
  const bad = spawnSync(process.execPath, [cli, 'scan', 'examples/harbor', '--format', 'yaml'], { cwd: repo, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format must be one of json, dot, mermaid, text/);
  const unknown = spawnSync(process.execPath, [cli, 'frobnicate'], { cwd: repo, encoding: 'utf8' });
  assert.equal(unknown.status, 2);
});
