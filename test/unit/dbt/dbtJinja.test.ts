import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskFiles } from '../../../src/core/scan/diskFiles';
import { findSnapshotBlocks, readJinjaCalls, renderSimpleJinja } from '../../../src/core/scan/dbt/dbtJinja';

test('refs built from strings and variables are reported, not guessed', () => {
  const calls = readJinjaCalls("select 1\nfrom {{ ref('stg_' ~ var('region')) }}\njoin {{ source(src, 'orders') }}");
  assert.deepEqual(calls.refs, []);
  assert.deepEqual(calls.sources, []);
  assert.deepEqual(
    calls.problems.map((p) => [p.code, p.line]),
    [
      ['dbt-dynamic-jinja', 2],
      ['dbt-dynamic-jinja', 3],
    ],
  );
});

test('a computed config value is reported and the literal ones are kept', () => {
  const calls = readJinjaCalls("{{ config(materialized=var('mat', 'table'), schema='gold', tags=['a', \"b\"]) }}");
  assert.deepEqual(calls.configs[0]?.values, { schema: 'gold', tags: ['a', 'b'] });
  assert.match(calls.problems[0]?.message ?? '', /config\(materialized=\.\.\.\)/);
});

test('refs in {% set %} statements and after whitespace control are read, with their lines', () => {
  const calls = readJinjaCalls("{%- set rel = ref(\"orders\") -%}\n\n{{- ref('customers', v=3) -}}\n{{ ref('shop', 'payments') }}");
  assert.deepEqual(
    calls.refs.map((r) => [r.package, r.name, r.version, r.line]),
    [
      [null, 'orders', null, 1],
      [null, 'customers', 3, 3],
      ['shop', 'payments', null, 4],
    ],
  );
});

test('a macro named ref is a definition, and builtins.ref is a call', () => {
  const calls = readJinjaCalls("{% macro ref(name) %}{{ return(builtins.ref(name)) }}{% endmacro %}{{ builtins.ref('x') }}");
  assert.deepEqual(calls.refs.map((r) => r.name), ['x']);
});

test('snapshot blocks give their name, line and exact contents', () => {
  const text = "{% snapshot a %}\nselect 1\n{% endsnapshot %}\n{%- snapshot b -%} select 2 {%- endsnapshot -%}";
  const blocks = findSnapshotBlocks(text);
  assert.deepEqual(blocks.map((b) => [b.name, b.line, text.slice(b.contentStart, b.contentEnd)]), [
    ['a', 1, '\nselect 1\n'],
    ['b', 4, ' select 2 '],
  ]);
});

test('var() and env_var() defaults render; anything else is unknown', () => {
  assert.deepEqual(renderSimpleJinja("{{ var('s') }}", { s: 'gold' }), { value: 'gold', known: true });
  assert.deepEqual(renderSimpleJinja("{{ env_var('S', 'dev') }}", {}), { value: 'dev', known: true });
  assert.equal(renderSimpleJinja("{{ target.schema }}", {}).known, false);
  assert.deepEqual(renderSimpleJinja('plain', {}), { value: 'plain', known: true });
});

test('the disk file system lists nothing for a missing folder and reads null for a missing file', () => {
  assert.deepEqual(diskFiles().listFiles('/definitely/not/here'), []);
  assert.equal(diskFiles().readText('/definitely/not/here.sql'), null);
});
