import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inputChangesOf, readInputHistories, type InputHistories } from '../../../src/core/state/inputChanges';
import { readInstanceState, type InstanceDatabase, type InstanceState } from '../../../src/core/state/instanceState';
import { readLocalInstance } from '../../../src/core/state/localInstance';
import { readSqlite } from '../../../src/core/state/sqlite/sqliteFile';

/**
 * The streamed reading paths against the plain ones: `each` gives the values `all` gives; the state
 * read through a database that only answers `all` (the events parsed from text, not scanned in
 * place) is the same, in the same order; a wiped asset's older events do not count.
 */
const root = join(__dirname, '..', '..', 'fixtures', 'dagster-instances');
const fixtures = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(root, d.name));

/** Every latest materialization's inputs with new data, listed (what the histories answer). */
function listedChanges(state: InstanceState, histories: InputHistories | null): unknown {
  if (!histories) return null;
  return [...state.assets.entries()].map(([key, asset]) => [
    key,
    [...asset.partitions.values()].map((p) => [p.partition, p.lastMaterialization ? inputChangesOf(p.lastMaterialization, histories) : null]),
  ]);
}

/** Everything a value holds, Map and object key order included. */
function canonical(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Map) {
      out.push('M{');
      for (const [k, x] of v) {
        walk(k);
        out.push('=>');
        walk(x);
        out.push(',');
      }
      out.push('}');
    } else if (Array.isArray(v)) {
      out.push('[');
      for (const x of v) {
        walk(x);
        out.push(',');
      }
      out.push(']');
    } else if (v !== null && typeof v === 'object') {
      out.push(Object.getPrototypeOf(v) === Object.prototype ? '{' : 'proto{');
      for (const k of Object.keys(v)) {
        out.push(JSON.stringify(k), ':');
        walk((v as Record<string, unknown>)[k]);
        out.push(',');
      }
      out.push('}');
    } else out.push(`${typeof v}:${String(v)};`);
  };
  walk(value);
  return out.join('');
}

function python(script: string, ...args: string[]): string {
  const result = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, `python3: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

test('each() gives the values all() gives: integers (beyond 2^53 too), floats, text (NULs, non-ASCII, long), null, blobs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'al-each-'));
  try {
    const path = join(dir, 'values.db');
    python(
      `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
values = [None, 0, -1, 42, 2**31, -2**31 - 1, 2**53 - 1, 2**53 + 1, -2**62, 1.5, -0.0, 1e300, "", "plain", "caf\\u00e9 \\U0001F600", "a\\u0000b", "x" * 5000, "\\u00e9" * 40, b"", b"\\x00\\xff\\x01", "\\ufeffbom"]
db.executemany("INSERT INTO t (v) VALUES (?)", [(v,) for v in values])
db.execute("INSERT INTO t (v) VALUES (CAST(X'61ff62' AS TEXT))")
db.commit()
`,
      path,
    );
    await readSqlite(path, async (db) => {
      const all = (await db.all('SELECT id, v, typeof(v) AS t FROM t ORDER BY id')).map((r) => [r.id, r.v, r.t]);
      const each: unknown[][] = [];
      assert.ok(db.each);
      await db.each('SELECT id, v, typeof(v) AS t FROM t ORDER BY id', (row) => each.push([row.value(0), row.value(1), row.value(2)]));
      assert.deepEqual(each, all);
      assert.equal(all.length, 22);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A database that answers only `all` and `columns`: events come as text and are parsed by readAssetEvent. */
function plainOnly(db: InstanceDatabase): InstanceDatabase {
  return { all: (sql) => db.all(sql), columns: (table) => db.columns(table) };
}

test('the state and input changes read through all() alone equal the streamed ones, order included', async () => {
  for (const home of fixtures) {
    const index = join(home, 'history', 'runs', 'index.db');
    const runs = join(home, 'history', 'runs.db');
    const read = (plainRead: boolean) =>
      readSqlite(index, (indexDb) =>
        readSqlite(runs, async (runsDb) => {
          const i = plainRead ? plainOnly(indexDb) : indexDb;
          const state = await readInstanceState(i, plainRead ? plainOnly(runsDb) : runsDb);
          return { state, changes: listedChanges(state, await readInputHistories(i, state)) };
        }),
      );
    const plain = await read(true);
    const streamed = await read(false);
    assert.equal(canonical(streamed), canonical(plain), home);
    const { inputHistories, ...viaHome } = await readLocalInstance(home, { inputChanges: true });
    assert.equal(canonical({ state: viaHome, changes: listedChanges(viaHome, inputHistories) }), canonical(streamed), `${home} through readLocalInstance`);
  }
});

test('a wiped asset: events up to the wipe do not count', async () => {
  const home = mkdtempSync(join(tmpdir(), 'al-wiped-'));
  try {
    mkdirSync(join(home, 'history', 'runs'), { recursive: true });
    const source = join(root, 'LachlanJW__dagster_university', 'history');
    copyFileSync(join(source, 'runs', 'index.db'), join(home, 'history', 'runs', 'index.db'));
    copyFileSync(join(source, 'runs.db'), join(home, 'history', 'runs.db'));
    // taxi_trips_file was materialized twice per partition: wipe it between the two rounds.
    const expected = JSON.parse(
      python(
        `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/history/runs/index.db")
key = '["taxi_trips_file"]'
times = [r[0] for r in db.execute("SELECT timestamp FROM event_logs WHERE asset_key = ? AND dagster_event_type = 'ASSET_MATERIALIZATION' ORDER BY id", (key,))]
wipe = times[len(times) // 2 - 1]
db.execute("UPDATE asset_keys SET wipe_timestamp = ? WHERE asset_key = ?", (wipe, key))
db.commit()
rows = db.execute("SELECT partition, MAX(id), COUNT(*) FROM event_logs WHERE asset_key = ? AND dagster_event_type = 'ASSET_MATERIALIZATION' AND timestamp > ? GROUP BY partition", (key, wipe)).fetchall()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(json.dumps({"latest": {p: i for p, i, _ in rows}, "count": sum(n for _, _, n in rows), "total": len(times)}))
`,
        home,
      ),
    ) as { latest: Record<string, number>; count: number; total: number };
    assert.ok(expected.count > 0 && expected.count < expected.total, 'the wipe falls between the materializations');
    const state = await readLocalInstance(home);
    const asset = state.assets.get('taxi_trips_file');
    assert.equal(asset?.materializations, expected.count);
    assert.ok(asset?.wipedAt);
    const latest = Object.fromEntries([...(asset?.partitions.values() ?? [])].filter((p) => p.lastMaterialization).map((p) => [p.partition, p.lastMaterialization?.storageId]));
    assert.deepEqual(latest, expected.latest);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
