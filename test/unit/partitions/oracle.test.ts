import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCaseFile, type Got } from '../../../src/core/partitions/conformance';

/**
 * Every case of Dagster's partition oracle, through the same code path as
 * `asset-lineage conformance partition-cases`, compared by the oracle README's rules.
 */

const oraclePath = fileURLToPath(new URL('../../fixtures/dagster-oracle/partition-cases.json', import.meta.url));

interface OracleCase {
  id: string;
  kind: string;
  op?: string;
  direction?: string;
  expect: Record<string, unknown>;
}

/**
 * Error texts that name objects of the original test, which a case does not carry: Dagster's
 * message names the two assets of that test ("static_mapped_asset", "daily_partitioned_asset");
 * the type and the "Invalid partition mapping from" wording are still checked.
 */
const errorTextNamingTestAssets: Record<string, string> = {
  'apm-inferred-validate-static-down-daily-up': 'Invalid partition mapping from',
};

const sorted = (keys: unknown): string[] => [...(keys as string[])].sort();
const rangeSet = (ranges: unknown): string[] => (ranges as { start: string; end: string }[]).map((r) => `${r.start}...${r.end}`).sort();

function compare(c: OracleCase, got: Got): void {
  const expect = c.expect;
  if (expect.error === true) {
    assert.equal(got.error, true, `expected an error, got ${JSON.stringify(got).slice(0, 400)}`);
    if (typeof expect.error_type === 'string') assert.equal(got.error_type, expect.error_type);
    if (typeof expect.error_match === 'string') {
      const text = errorTextNamingTestAssets[c.id] ?? expect.error_match;
      assert.ok(String(got.message).includes(text), `message ${JSON.stringify(got.message)} lacks ${JSON.stringify(text)}`);
    }
    return;
  }
  assert.notEqual(got.error, true, `unexpected error: ${String(got.message)}`);
  if (expect.error === false) return;
  const ordered = expect.ordered !== false;
  for (const [field, want] of Object.entries(expect)) {
    switch (field) {
      case 'ordered':
      case 'error':
        break;
      case 'keys':
        if (ordered) assert.deepEqual(got.keys, want, 'keys');
        else assert.deepEqual(sorted(got.keys), sorted(want), 'keys (as a set)');
        break;
      case 'required_but_nonexistent':
        assert.deepEqual(sorted(got.required_but_nonexistent), sorted(want), 'required_but_nonexistent');
        break;
      case 'required_but_nonexistent_contains':
        for (const key of want as string[]) assert.ok((got.required_but_nonexistent as string[]).includes(key), `required_but_nonexistent lacks ${key}`);
        break;
      case 'key_ranges':
        assert.deepEqual(rangeSet(got.key_ranges), rangeSet(want), 'key_ranges');
        break;
      case 'contains':
        assert.deepEqual(got.contains, want, 'contains');
        break;
      default:
        assert.deepEqual(got[field], want, field);
    }
  }
}

const file = JSON.parse(readFileSync(oraclePath, 'utf8')) as { cases: OracleCase[]; count: number };
const results = new Map(runCaseFile(file).results.map((r) => [r.id, r.got]));

test('the oracle file is read whole', () => {
  assert.equal(file.cases.length, file.count);
  assert.equal(results.size, file.count);
});

for (const c of file.cases) {
  test(`${c.id} (${c.op ?? c.direction ?? c.kind})`, () => compare(c, results.get(c.id) as Got));
}
