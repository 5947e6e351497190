import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PythonStructure, definitionSites, siteAtLine } from '../../../src/core/view/definitionRanges';
import { lexPython } from '../../../src/core/view/pythonTokens';

const structure = (text: string): PythonStructure => new PythonStructure(lexPython(text));
const harbor = (file: string): string => readFileSync(join(__dirname, '../../../examples/harbor', file), 'utf8');

describe('definition ranges', () => {
  test('a decorated function: decorators, a docstring indented less than the body, and nothing after it', () => {
    const text = [
      '@asset(', //1
      '    deps=["a"],', //2
      '    description="""x', //3
      'y""",', //4
      ')', //5
      '# between decorator and def', //6
      '@other', //7
      'def f(context):', //8
      '    """Doc', //9
      'dedented docstring line', //10
      '    """', //11
      '', //12
      '    return 1', //13
      '# a comment after the function', //14
      '', //15
      'x = 2', //16
    ].join('\n');
    assert.deepEqual(structure(text).rangeAt(1), { start: 1, end: 13 });
  });

  test('a body that only holds an ellipsis, a one-line def, an async def and a class', () => {
    assert.deepEqual(structure('@asset\ndef a(): ...\n\nb = 1\n').rangeAt(1), { start: 1, end: 2 });
    assert.deepEqual(structure('@asset\nasync def a():\n    await x\n\n\nz = 1\n').rangeAt(1), { start: 1, end: 3 });
    assert.deepEqual(structure('class A:\n    x = 1\n\n    def f(self):\n        pass\nb = 1\n').rangeAt(1), { start: 1, end: 5 });
  });

  test('a decorated function nested in a factory ends with its own body', () => {
    const text = 'def build(p):\n    @asset(name=p)\n    def _a():\n        return p\n\n    return _a\n';
    assert.deepEqual(structure(text).rangeAt(2), { start: 2, end: 4 });
    assert.deepEqual(structure(text).rangeAt(1), { start: 1, end: 6 });
  });

  test('an assignment spans its brackets; a call inside a list ends at its own comma', () => {
    const text = ['x = AssetSpec(', '    key="x",', ')', 'defs = Definitions(assets=[', '    SourceAsset(', '        key="s",', '    ),', '    other,', '])'].join('\n');
    const s = structure(text);
    assert.deepEqual(s.rangeAt(1), { start: 1, end: 3 });
    assert.deepEqual(s.rangeAt(5), { start: 5, end: 7 });
    assert.deepEqual(s.rangeAt(8), { start: 8, end: 8 });
    assert.deepEqual(s.rangeAt(40), { start: 40, end: 40 });
  });

  test('harbor: a multi-asset, a factory and a SourceAsset measured from the example project', () => {
    const congestion = structure(harbor('harbor/analytics/congestion.py'));
    const multi = congestion.rangeAt(91);
    assert.equal(multi.start, 91);
    assert.match(harbor('harbor/analytics/congestion.py').split('\n')[multi.end - 1] ?? '', /return/);
    assert.deepEqual(structure(harbor('harbor/port_feeds.py')).rangeAt(17), { start: 17, end: 28 });
    assert.deepEqual(structure(harbor('harbor/ingestion/ais.py')).rangeAt(11), { start: 11, end: 14 });
    assert.deepEqual(structure(harbor('harbor/ingestion/ais.py')).rangeAt(17), { start: 17, end: 30 });
  });

  test('sites group assets defined at one line; the innermost site holds a line', () => {
    const text = 'def build(p):\n    @asset(name=p)\n    def _a():\n        return p\n    return _a\n';
    const items = [
      { key: 'a', line: 2 },
      { key: 'b', line: 2 },
      { key: 'outer', line: 1 },
    ];
    const sites = definitionSites(structure(text), 5, items, (i) => i.line);
    assert.deepEqual(sites.map((s) => [s.line, s.items.map((i) => i.key)]), [[1, ['outer']], [2, ['a', 'b']]]);
    assert.equal(siteAtLine(sites, 3)?.line, 2);
    assert.equal(siteAtLine(sites, 5)?.line, 1);
    assert.equal(siteAtLine(sites, 9), undefined);
  });

  test('a file that is not Python (a dbt model) is one definition from its line to the end', () => {
    const sites = definitionSites(null, 12, [{ line: 1 }], (i) => i.line);
    assert.deepEqual(sites[0]?.range, { start: 1, end: 12 });
  });
});
