import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanAssetEvent, scanEventRecord } from '../../../src/core/state/eventScan';
import { provenanceOf, readAssetEvent } from '../../../src/core/state/events';

/**
 * The byte scanner gives readAssetEvent's answer for the text wa-sqlite would decode from the same
 * bytes (TextDecoder, up to the first NUL), or declines. Checked on every event of the real
 * instances and on thousands of mutations of them: repeated keys, serdes tags, escapes, wrong
 * types at every field the schema reads, nesting, byte order marks, NULs, invalid UTF-8, and
 * random byte edits.
 */
const root = join(__dirname, '..', '..', 'fixtures', 'dagster-instances');
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function realEvents(): string[] {
  const script = `
import json, sqlite3, sys
out = []
for path in sys.argv[1:]:
    db = sqlite3.connect("file:" + path + "?mode=ro&immutable=1", uri=True)
    out += [r[0] for r in db.execute("SELECT event FROM event_logs ORDER BY id")]
print(json.dumps(out))
`;
  const dbs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name, 'history', 'runs', 'index.db'));
  const result = spawnSync('python3', ['-c', script, ...dbs], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(result.status, 0, `python3 reads the fixtures: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

/** What the result holds, order included (tags keep their order), with numbers JSON cannot write. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `number:${String(v)}${Object.is(v, -0) ? '-0' : ''}` : v));

let declined = 0;
function check(bytes: Uint8Array, what: string): void {
  const nul = bytes.indexOf(0);
  const stop = nul >= 0 ? nul : bytes.length;
  const text = decoder.decode(bytes.subarray(0, stop));
  const want = readAssetEvent(text);
  // The scanner gets the column's bytes, NULs and all, as SQLite has them.
  const got = scanAssetEvent(bytes, 0, bytes.length);
  const record = scanEventRecord(bytes, 0, bytes.length);
  assert.equal(got === undefined, record === undefined, `${what}: both readers decline or neither: ${text.slice(0, 300)}`);
  if (got === undefined || record === undefined) {
    declined++;
    return;
  }
  assert.equal(canonical(got), canonical(want), `${what}: ${text.slice(0, 300)}`);
  // What the state reader takes: the same fields, the tags read as provenance.
  const wantRecord = want && {
    type: want.type,
    timestamp: want.timestamp,
    runId: want.runId,
    failureReason: want.failureReason,
    provenance: want.type === 'ASSET_MATERIALIZATION' || want.type === 'ASSET_OBSERVATION' ? provenanceOf(want.tags) : null,
  };
  const gotRecord = record && { type: record.type, timestamp: record.timestamp, runId: record.runId(), failureReason: record.failureReason, provenance: record.provenance };
  assert.equal(canonical(gotRecord), canonical(wantRecord), `${what} (record): ${text.slice(0, 300)}`);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const materialization = JSON.stringify({
  __class__: 'EventLogEntry',
  dagster_event: {
    __class__: 'DagsterEvent',
    event_specific_data: {
      __class__: 'StepMaterializationData',
      asset_lineage: [],
      materialization: {
        __class__: 'AssetMaterialization',
        asset_key: { __class__: 'AssetKey', path: ['a', 'b'] },
        description: null,
        metadata_entries: [{ __class__: 'EventMetadataEntry', entry_data: { __class__: 'IntMetadataEntryData', value: 4 }, label: 'rows' }],
        partition: '2024-01-01',
        tags: {
          'dagster/code_version': 'v1',
          'dagster/data_version': 'abc',
          'dagster/input_event_pointer/x/y': '42',
          'dagster/input_data_version/x/y': 'def',
          'dagster/input_logical_version/x/y': 'old',
          'dagster/input_event_pointer/z': 'NULL',
          'dagster/input_event_pointer/w': '0042',
          'dagster/input_event_pointer/q': 7,
          'dagster/logical_version': 'lv',
          'dagster/data_version_is_user_provided': 'true',
          n: 1.5e3,
          b: true,
          z: null,
        },
      },
    },
    event_type_value: 'ASSET_MATERIALIZATION',
    logging_tags: {},
    step_key: 'a__b',
  },
  error_info: null,
  level: 10,
  run_id: 'r1',
  timestamp: 1725924075.7639837,
});

const failure = JSON.stringify({
  __class__: 'EventLogEntry',
  dagster_event: {
    event_specific_data: {
      __class__: 'AssetFailedToMaterializeData',
      asset_materialization_failure: { asset_key: { path: ['a'] }, partition: 'p', tags: {}, reason: { __enum__: 'AssetMaterializationFailureReason.UPSTREAM_SKIPPED' } },
      error: null,
    },
    event_type_value: 'ASSET_FAILED_TO_MATERIALIZE',
  },
  run_id: 'r2',
  timestamp: 2,
});

/** Structural edits: each field the schema reads given other kinds of values, keys repeated, tags and escapes. */
function variants(base: string): string[] {
  const out: string[] = [];
  const fields = ['run_id', 'timestamp', 'dagster_event', 'event_type_value', 'event_specific_data', 'materialization', 'asset_key', 'path', 'partition', 'tags', 'reason', 'asset_materialization_failure', 'asset_observation', 'dagster/data_version'];
  const replacements = ['null', '5', '-0', '1e400', 'true', '"s"', '[]', '["x"]', '[1]', '{}', '{"path": ["q"]}', '{"__enum__": "A.B"}', '{"__set__": ["a"]}', '"\\u0041"', '{"__mapping_items__": [["k", "v"]]}'];
  for (const field of fields) {
    const at = base.indexOf(`"${field}": `);
    if (at < 0) continue;
    const valueAt = at + field.length + 4;
    // Replace the value (up to the next comma or brace at the same depth).
    let depth = 0;
    let i = valueAt;
    let inString = false;
    for (; i < base.length; i++) {
      const c = base[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    const value = base.slice(valueAt, i);
    for (const r of replacements) out.push(base.slice(0, valueAt) + r + base.slice(i));
    // The key again after the real one (the last one counts), and before it.
    for (const r of ['null', '"x"', '5', value]) {
      out.push(`${base.slice(0, i)}, "${field}": ${r}${base.slice(i)}`);
      out.push(`${base.slice(0, at)}"${field}": ${r}, ${base.slice(at)}`);
    }
    out.push(base.slice(0, at) + `"${field.replace('_', '\\u005f')}": ` + base.slice(valueAt));
    out.push(base.slice(0, at) + base.slice(i + (base[i] === ',' ? 2 : 0)));
  }
  for (const key of ['__enum__', '__set__', '__frozenset__', '__mapping_items__', '__proto__']) {
    for (const after of ['{', '"materialization": {', '"tags": {', '"asset_key": {', '"dagster_event": {']) {
      const at = base.indexOf(after);
      if (at >= 0) out.push(`${base.slice(0, at + after.length)}"${key}": ["x"], ${base.slice(at + after.length)}`);
      if (at >= 0) out.push(`${base.slice(0, at + after.length)}"${key}": "X.Y", ${base.slice(at + after.length)}`);
    }
  }
  out.push(`${base}\u0000`, `${base}\u0000garbage`, `${base} \u0000 x`, `${base.slice(0, 40)}\u0000${base.slice(40)}`, `\u0000${base}`, `[1]\u0000x`);
  out.push(`\ufeff${base}`, ` \n\t\r${base} \n`, `${base},`, `${base}x`, `[${base}]`, base.replace(/": /g, '":'), base.replace(/, "/g, ',"'), base.slice(0, -1), base.replace('"r1"', '"r\\u0031"'), base.replace('"abc"', '"a\\nbc"'));
  out.push(base.replace('"dagster/input_data_version/x/y"', '"dagster/input_data_version/x/\\u00e9"'), base.replace('"dagster/data_version"', '"dagster\\/data_version"'), base.replace('"42"', '"4\\u0032"'), base.replace('"42"', '" 42"'), base.replace('"42"', '"1e3"'), base.replace('"42"', '"9007199254740993"'), base.replace('"42"', '""'), base.replace('"42"', 'null'), base.replace('"abc"', 'null'), base.replace('"dagster/input_data_version/x/y"', '"dagster/input_data_version/__proto__"'), base.replace('"dagster/input_event_pointer/z"', '"dagster/input_event_pointer/__proto__"'), base.replace('"dagster/input_data_version/x/y"', '"dagster/input_data_version/constructor"'), base.replace('"dagster/input_logical_version/x/y"', '"dagster/input_logical_version/toString"'), base.replace('"dagster/input_event_pointer/x/y"', '"dagster/input_event_pointer/constructor"'), base.replace('"dagster/input_event_pointer/w"', '"dagster/input_event_pointer/7"'), base.replace('"dagster/input_data_version/x/y"', '"dagster/input_data_version/12"'));
  out.push(base.replace('"a", "b"', '"\\u00e9", "b"'), base.replace('"v1"', '"caf\u00e9 \u{1F600}"'), base.replace('1.5e3', '01'), base.replace('1.5e3', '1.'), base.replace('1.5e3', '-'), base.replace('1.5e3', '1e+5'));
  // JSON.parse's grammar at its edges: escapes, raw control characters, numbers, literals.
  for (const inString of ["\\'", '\\x41', '\\u12', '\\u12G4', '\\/', '\\u00e9', '\\uD800', '\u0001', '\u007f', '\u001f', '\\']) {
    // In kept strings and keys (the scanner declines on escapes there) and in skipped ones (it checks them).
    out.push(base.replace('"abc"', `"a${inString}c"`), base.replace('"metadata_entries"', `"meta${inString}"`));
    out.push(base.replace('"a__b"', `"a${inString}b"`), base.replace('"label"', `"la${inString}bel"`));
  }
  for (const number of ['1.e5', '.5', '+1', '1e', '-01', '0x10', 'Infinity', 'NaN', '1_0', '00', '-0.0e-0', '1E+2', '9007199254740993', '1e-400']) {
    out.push(base.replace('1.5e3', number), base.replace('"level": 10', `"level": ${number}`));
  }
  for (const literal of ['tru', 'nulll', 'True', 'null ', 'falsee', 'n']) out.push(base.replace('"description": null', `"description": ${literal}`), base.replace('true', literal));
  let deep = '0';
  for (let d = 0; d < 1200; d++) deep = `[${deep}]`;
  out.push(base.replace('"metadata_entries": [', `"deep": ${deep}, "metadata_entries": [`));
  return out;
}

test('the byte scanner reads every event of the real instances exactly as readAssetEvent, declining none', () => {
  const events = realEvents();
  assert.ok(events.length > 300);
  declined = 0;
  for (const event of events) check(encoder.encode(event), 'fixture event');
  assert.equal(declined, 0, 'no real event needs the slow path');
});

test('the byte scanner agrees with readAssetEvent on structural variants and random edits, or declines', () => {
  const events = realEvents();
  const bases = [materialization, failure, ...events.filter((_, i) => i % 23 === 0)];
  let checked = 0;
  for (const base of bases) {
    for (const v of variants(base)) {
      check(encoder.encode(v), 'variant');
      checked++;
    }
  }
  const random = rng(7);
  const samples = [materialization, failure, ...events.filter((_, i) => i % 7 === 0)].map((e) => encoder.encode(e));
  const alphabet = encoder.encode('{}[]":,\\ 0123456789.-eEtrufalsn\u0000\t\n_');
  for (let n = 0; n < 10000; n++) {
    const base = samples[Math.floor(random() * samples.length)] as Uint8Array;
    const bytes = Uint8Array.from(base);
    const edits = 1 + Math.floor(random() * 3);
    let edited: Uint8Array = bytes;
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * edited.length);
      const kind = random();
      const byte = random() < 0.7 ? (alphabet[Math.floor(random() * alphabet.length)] as number) : Math.floor(random() * 256);
      if (kind < 0.4) edited[at] = byte;
      else if (kind < 0.7) edited = Uint8Array.from([...edited.subarray(0, at), byte, ...edited.subarray(at)]);
      else edited = Uint8Array.from([...edited.subarray(0, at), ...edited.subarray(at + 1)]);
    }
    check(edited, 'random edit');
    checked++;
  }
  assert.ok(checked > 10000);
});
