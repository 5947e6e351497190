import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { discoverInstance, readStorageConfig } from '../../../src/core/state/instanceDiscovery';

/** Instance discovery on small folder trees written per test. */
const root = mkdtempSync(join(tmpdir(), 'al-discovery-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function tree(files: Record<string, string>): string {
  const dir = join(root, `t${counter++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const index = 'history/runs/index.db';

describe('finding the Dagster instance', () => {
  test('an explicit folder wins, then DAGSTER_HOME', () => {
    const picked = tree({ [index]: '' });
    const home = tree({ [index]: '' });
    assert.deepEqual(discoverInstance({ explicit: picked, dagsterHome: home, folders: [] }), { kind: 'sqlite', home: picked, source: 'setting' });
    assert.deepEqual(discoverInstance({ dagsterHome: home, folders: [] }), { kind: 'sqlite', home, source: 'DAGSTER_HOME' });
  });

  test('DAGSTER_HOME with a dagster.yaml pointing storage elsewhere follows base_dir, relative to the home', () => {
    const home = tree({ 'dagster.yaml': 'storage:\n  sqlite:\n    base_dir: data\n' });
    assert.deepEqual(discoverInstance({ dagsterHome: home, folders: [] }), { kind: 'sqlite', home: join(home, 'data'), source: 'DAGSTER_HOME' });
  });

  test('a dagster.yaml in the workspace with sqlite base_dir (also from an env var)', () => {
    const workspace = tree({ 'dagster.yaml': 'storage:\n  sqlite:\n    base_dir: .dagster\n' });
    assert.deepEqual(discoverInstance({ folders: [workspace] }), { kind: 'sqlite', home: join(workspace, '.dagster'), source: 'dagster.yaml' });
    const fromEnv = tree({ 'dagster.yaml': 'storage:\n  sqlite:\n    base_dir:\n      env: MY_HOME\n' });
    assert.deepEqual(discoverInstance({ folders: [fromEnv] }, { MY_HOME: '/srv/dagster' }), { kind: 'sqlite', home: '/srv/dagster', source: 'dagster.yaml' });
  });

  test('the newest .tmp_dagster_home_* of a running dagster dev', () => {
    const workspace = tree({ [`.tmp_dagster_home_old/${index}`]: '', [`.tmp_dagster_home_new/${index}`]: '', '.tmp_dagster_home_empty/x': '' });
    utimesSync(join(workspace, '.tmp_dagster_home_old'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    assert.deepEqual(discoverInstance({ folders: [workspace] }), { kind: 'sqlite', home: join(workspace, '.tmp_dagster_home_new'), source: 'dagster dev' });
  });

  test('Postgres and MySQL storage are reported as a later version, never guessed at', () => {
    const pg = tree({ 'dagster.yaml': 'storage:\n  postgres:\n    postgres_db:\n      hostname: db\n' });
    const found = discoverInstance({ dagsterHome: pg, folders: [] });
    assert.equal(found.kind, 'unsupported');
    assert.match(found.kind === 'unsupported' ? found.message : '', /PostgreSQL; reading it directly is supported in a later version/);
    const legacy = tree({ 'dagster.yaml': 'event_log_storage:\n  module: dagster_mysql\n  class: MySQLEventLogStorage\n' });
    assert.equal(readStorageConfig(join(legacy, 'dagster.yaml')).kind, 'mysql');
  });

  test('nothing found, and a broken dagster.yaml, say so', () => {
    const found = discoverInstance({ folders: [tree({ 'README.md': 'x' })] });
    assert.equal(found.kind, 'none');
    assert.match(found.kind === 'none' ? found.message : '', /DAGSTER_HOME/);
    const broken = tree({ 'dagster.yaml': 'storage: [unclosed\n' });
    assert.equal(readStorageConfig(join(broken, 'dagster.yaml')).kind, 'invalid');
  });
});
