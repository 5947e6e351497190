import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lexPython, lineOf } from '../../../src/core/view/pythonTokens';

const strings = (text: string): (string | null)[] => lexPython(text).tokens.filter((t) => t.kind === 'string').map((t) => t.value);
const kinds = (text: string): string[] => lexPython(text).tokens.map((t) => (t.kind === 'op' || t.kind === 'name' ? t.text : t.kind));

describe('python lexer', () => {
  test('reads plain strings with escapes, raw strings as written, and no value for f/b strings', () => {
    assert.deepEqual(strings(`"a/b" 'it\\'s' r"a\\/b" u"\\x41\\u00e9\\n" "\\/"`), ['a/b', "it's", 'a\\/b', 'Aé\n', '\\/']);
    assert.deepEqual(strings(`f"{x}" b"raw" rb"x" F'y' t"z"`), [null, null, null, null, null]);
    assert.deepEqual(strings('"\\N{DASH}"'), [null]);
  });

  test('triple-quoted strings may hold quotes, newlines and # without ending', () => {
    const lexed = lexPython('x = """a "b" # not a comment\n\'\'\' still"""\ny = 1\n');
    const string = lexed.tokens.find((t) => t.kind === 'string');
    assert.equal(string?.triple, true);
    assert.equal(string?.value, 'a "b" # not a comment\n\'\'\' still');
    assert.equal(lexed.tokens.filter((t) => t.kind === 'comment').length, 0);
    assert.deepEqual(kinds('y = 1 # c\n'), ['y', '=', 'number', 'comment', 'newline']);
  });

  test('an unterminated string ends at its line and has no value', () => {
    const tokens = lexPython('x = "abc\ny = 2\n').tokens;
    assert.equal(tokens[2]?.kind, 'string');
    assert.equal(tokens[2]?.value, null);
    assert.deepEqual(tokens.slice(3).map((t) => t.text || t.kind), ['newline', 'y', '=', '2', 'newline']);
  });

  test('operators: == is not =, := and -> are one token; a backslash joins lines', () => {
    assert.deepEqual(kinds('a == b; c := d -> e'), ['a', '==', 'b', ';', 'c', ':=', 'd', '->', 'e']);
    assert.deepEqual(kinds('a = \\\n  1'), ['a', '=', 'number']);
  });

  test('names may be Unicode; string prefixes are only prefixes before a quote', () => {
    assert.deepEqual(kinds('données = rb + f'), ['données', '=', 'rb', '+', 'f']);
  });

  test('lines of offsets', () => {
    const lexed = lexPython('a\nbc\n\nd');
    assert.deepEqual([0, 1, 2, 3, 5, 6].map((o) => lineOf(lexed, o)), [1, 1, 2, 2, 3, 4]);
  });
});
