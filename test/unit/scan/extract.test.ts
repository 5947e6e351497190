import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, Stmt } from '../../../src/core/scan/ir';
import { loadPythonParser, parseToIR } from '../../../src/core/scan/pythonParser';

async function ir(source: string): Promise<Stmt[]> {
  return parseToIR(await loadPythonParser(), source).statements;
}

async function valueOf(source: string): Promise<Expr> {
  const [stmt] = await ir(source);
  assert.equal(stmt?.t, 'assign');
  return (stmt as Extract<Stmt, { t: 'assign' }>).value;
}

test('string literals: escapes, raw strings, implicit concatenation and f-strings with {{ }}', async () => {
  assert.deepEqual(await valueOf(String.raw`x = "a\tb\u00e9\"" 'c'`), { t: 'str', v: 'a\tbé"c', line: 1 });
  assert.deepEqual(await valueOf(String.raw`x = r"C:\new\dir"`), { t: 'str', v: 'C:\\new\\dir', line: 1 });
  const f = await valueOf('x = f"{{literal}}_{name}_{n!r}"');
  assert.equal(f.t, 'fstr');
  const parts = (f as Extract<Expr, { t: 'fstr' }>).parts;
  assert.equal(parts[0], '{literal}_');
  assert.deepEqual(parts[1], { t: 'name', id: 'name', line: 1 });
  assert.equal((parts[3] as Expr).t, 'unknown', 'conversions and format specs are not evaluated');
});

test('compute function bodies are hashed, not converted; plain functions keep their bodies', async () => {
  const [computed, plain] = await ir('@asset\ndef a():\n    x = 1\n    return x\n\ndef factory(n):\n    return n\n');
  assert.equal(computed?.t, 'def');
  assert.equal((computed as Extract<Stmt, { t: 'def' }>).body, null);
  assert.match((computed as Extract<Stmt, { t: 'def' }>).sourceHash, /^[0-9a-f]{40}$/);
  assert.equal((plain as Extract<Stmt, { t: 'def' }>).body?.[0]?.t, 'return');
});

test('the source hash changes with the body, so later layers can tell code changed', async () => {
  const [a] = await ir('@asset\ndef a():\n    return 1\n');
  const [b] = await ir('@asset\ndef a():\n    return 2\n');
  assert.notEqual((a as Extract<Stmt, { t: 'def' }>).sourceHash, (b as Extract<Stmt, { t: 'def' }>).sourceHash);
});

test('parameters: positional, keyword-only, *args, **kwargs, annotations and defaults', async () => {
  const [def] = await ir('def f(context: Ctx, a, /, b=1, *rest, c: int, d=2, **kw): ...\n');
  const params = (def as Extract<Stmt, { t: 'def' }>).params.map((p) => `${p.name}:${p.kind}${p.annotation ? ':ann' : ''}${p.default ? ':def' : ''}`);
  assert.deepEqual(params, [
    'context:positional:ann',
    'a:positional',
    'b:positional:def',
    'rest:var_positional',
    'c:keyword_only:ann',
    'd:keyword_only:def',
    'kw:var_keyword',
  ]);
});

test('imports: plain, aliased, relative with level, and star', async () => {
  const stmts = await ir('import a.b as c, d\nfrom ..pkg.mod import x as y, z\nfrom . import sibling\nfrom dagster import *\n');
  assert.deepEqual(stmts, [
    { t: 'import', module: 'a.b', asName: 'c', line: 1 },
    { t: 'import', module: 'd', asName: null, line: 1 },
    { t: 'from', module: 'pkg.mod', level: 2, names: [{ name: 'x', asName: 'y' }, { name: 'z', asName: null }], line: 2 },
    { t: 'from', module: '', level: 1, names: [{ name: 'sibling', asName: null }], line: 3 },
    { t: 'from', module: 'dagster', level: 0, names: '*', line: 4 },
  ]);
});

test('syntax errors are reported with their line while valid statements around them are kept', async () => {
  const parsed = parseToIR(await loadPythonParser(), 'a = 1\ndef broken(:\n    pass\nb = 2\n');
  assert.equal(parsed.syntaxErrors[0]?.line, 2);
  const names = parsed.statements.flatMap((s) => (s.t === 'assign' && s.targets[0]?.t === 'name' ? [s.targets[0].id] : []));
  assert.deepEqual(names, ['a', 'b']);
});
