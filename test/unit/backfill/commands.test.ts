import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, defaultCommands, findExecutable, runCommand, selectionItem, type CommandSettings } from '../../../src/core/backfill/commands';
import type { CodeLocationSummary } from '../../../src/core/model/graph';

const moduleLocation: CodeLocationSummary = { name: 'pkg', source: 'pyproject.toml:3', target: 'pkg.definitions', root: '.', pointer: { kind: 'module', attribute: null } };

describe('selection items', () => {
  test('plain keys use the legacy clause every Dagster version reads', () => {
    assert.equal(selectionItem(['sales', 'daily']), 'sales/daily');
    assert.equal(selectionItem(['my-key.v2']), 'my-key.v2');
    assert.equal(selectionItem(['données', 'été_2024']), 'données/été_2024');
  });

  test('other characters are quoted with key:"…" and stay one selection item', () => {
    assert.equal(selectionItem(['raw data', 'x']), 'key:"raw data/x"');
    assert.equal(selectionItem(['$(rm -rf ~)']), 'key:"$(rm -rf ~)"');
    assert.equal(selectionItem(['a;b|c`d`']), 'key:"a;b|c`d`"');
  });

  test('keys Dagster cannot select from the command line are refused with the reason', () => {
    assert.throws(() => selectionItem(['a,b']), (e: Error) => e instanceof CommandError && /comma/.test(e.message));
    assert.throws(() => selectionItem(['a/b', 'c']), /"\/" inside a component/);
    assert.throws(() => selectionItem(['say "hi"']), /quote/);
    assert.throws(() => selectionItem(['two\nlines']), /line break/);
    assert.throws(() => selectionItem(['wild*']), /"\*"/);
  });
});

describe('run commands', () => {
  test('a partition key reaches dagster as exactly one argument, whatever it contains', () => {
    const key = `2024-01-01 $(touch /tmp/x); echo "hi" | cat \`id\` 'q'\u00e9`;
    const { argv, cwd } = runCommand(moduleLocation, '/w', [['sales']], { kind: 'key', key }, defaultCommands);
    assert.deepEqual(argv, ['dagster', 'asset', 'materialize', '--select', 'sales', '-m', 'pkg.definitions', '--partition', key]);
    assert.equal(cwd, '/w');
  });

  test('ranges use three dots; several assets are one comma-separated --select', () => {
    const { argv } = runCommand(moduleLocation, '/w', [['a'], ['b', 'c']], { kind: 'range', start: '2024-01-01', end: '2024-01-31' }, defaultCommands);
    assert.deepEqual(argv.slice(3), ['--select', 'a,b/c', '-m', 'pkg.definitions', '--partition-range', '2024-01-01...2024-01-31']);
  });

  test('each kind of code location gives its own target option and folder', () => {
    const file: CodeLocationSummary = { name: 'defs.py', source: 'workspace.yaml:2', target: 'proj/defs.py', root: 'proj', pointer: { kind: 'file', attribute: 'defs' } };
    assert.deepEqual(runCommand(file, '/w', [['a']], null, defaultCommands), { argv: ['dagster', 'asset', 'materialize', '--select', 'a', '-f', 'defs.py', '-a', 'defs'], cwd: '/w/proj' });
    const pkg: CodeLocationSummary = { name: 'p', source: 'workspace.yaml:2', target: 'p', root: '.', pointer: { kind: 'package', attribute: null } };
    assert.deepEqual(runCommand(pkg, '/w', [['a']], null, defaultCommands).argv.slice(5), ['--package-name', 'p']);
    const autoload: CodeLocationSummary = { name: 'p', source: 'workspace.yaml:2', target: 'p.defs', root: '.', pointer: { kind: 'autoload' } };
    assert.deepEqual(runCommand(autoload, '/w', [['a']], null, defaultCommands).argv.slice(5), ['--autoload-defs-module-name', 'p.defs']);
  });

  test('a dg project launches with dg in its project folder, or with dagster -m when dg is turned off', () => {
    const dg: CodeLocationSummary = { name: 'proj', source: 'proj/pyproject.toml:10', target: 'proj.definitions', root: 'proj/src', pointer: { kind: 'dgProject', project: 'proj' } };
    const settings: CommandSettings = { dagster: ['uv', 'run', 'dagster'], dg: ['uv', 'run', 'dg'], useDg: true };
    assert.deepEqual(runCommand(dg, '/w', [['a']], { kind: 'key', key: 'k' }, settings), { argv: ['uv', 'run', 'dg', 'launch', '--assets', 'a', '--partition', 'k'], cwd: '/w/proj' });
    assert.deepEqual(runCommand(dg, '/w', [['a']], { kind: 'key', key: 'k' }, { ...settings, useDg: false }), {
      argv: ['uv', 'run', 'dagster', 'asset', 'materialize', '--select', 'a', '-m', 'proj.definitions', '--partition', 'k'],
      cwd: '/w/proj/src',
    });
  });

  test('partition keys Dagster forbids are refused', () => {
    assert.throws(() => runCommand(moduleLocation, '/w', [['a']], { kind: 'key', key: 'a...b' }, defaultCommands), /"\.\.\."/);
    assert.throws(() => runCommand(moduleLocation, '/w', [['a']], { kind: 'range', start: 'x', end: 'y\n' }, defaultCommands), /partition key/);
  });
});

describe('finding the program', () => {
  test('the first executable of that name on PATH, as a shell finds it', () => {
    const root = mkdtempSync(join(tmpdir(), 'al-path-'));
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(root, name)) as [string, string, string];
    for (const dir of [a, b, c]) mkdirSync(dir);
    writeFileSync(join(a, 'dagster'), 'not executable');
    writeFileSync(join(b, 'dagster'), '#!/bin/sh\n');
    chmodSync(join(b, 'dagster'), 0o755);
    writeFileSync(join(c, 'dagster'), '#!/bin/sh\n');
    chmodSync(join(c, 'dagster'), 0o755);
    mkdirSync(join(a, 'dg'));
    assert.equal(findExecutable('dagster', [a, b, c].join(':'), { platform: 'linux' }), join(b, 'dagster'));
    assert.equal(findExecutable('dg', [a].join(':'), { platform: 'linux' }), null, 'a folder is not a program');
    assert.equal(findExecutable('dagster', undefined, { platform: 'linux' }), null);
    assert.equal(findExecutable(join(c, 'dagster'), '', { platform: 'linux' }), join(c, 'dagster'));
  });
});
