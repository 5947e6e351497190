import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyReferenceAt } from '../../../src/core/view/keyReference';
import { lexPython } from '../../../src/core/view/pythonTokens';

/** The reference at the `|` marker (removed from the text). */
function at(source: string): { key: string[]; form: string; text: string } | null {
  const offset = source.indexOf('|');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  const ref = keyReferenceAt(lexPython(text), offset);
  return ref && { key: ref.key, form: ref.form, text: text.slice(ref.start, ref.end) };
}

describe('asset key at a position', () => {
  test('AssetKey with a list, a tuple, path= or one string, from any of its strings or its name', () => {
    assert.deepEqual(at('deps=[AssetKey(["raw", "vo|yages"])]'), { key: ['raw', 'voyages'], form: 'key', text: 'AssetKey(["raw", "voyages"])' });
    assert.deepEqual(at('x = dg.Asset|Key(("a", "b",))'), { key: ['a', 'b'], form: 'key', text: 'AssetKey(("a", "b",))' });
    assert.deepEqual(at('AssetKey(path=["a", |"b"])')?.key, ['a', 'b']);
    assert.deepEqual(at('AssetKey("a/|b")')?.key, ['a/b']);
    assert.deepEqual(at('AssetKey(\n  [\n    "a",  # comment "x"\n    "|b",\n  ]\n)')?.key, ['a', 'b']);
  });

  test('user strings are split on /, plain strings never are', () => {
    assert.deepEqual(at('AssetKey.from_user_string("raw/|voyages")')?.key, ['raw', 'voyages']);
    assert.deepEqual(at('AssetSelection.keys("a", "raw/vo|yages")')?.key, ['raw', 'voyages']);
    assert.deepEqual(at('AssetSelection.assets("raw/vo|yages")')?.key, ['raw/voyages']);
    assert.deepEqual(at('@asset(deps=["raw/vo|yages"])')?.key, ['raw/voyages']);
  });

  test('keys given to AssetIn, AssetDep, SourceAsset, AssetSpec and key=', () => {
    assert.deepEqual(at('ins={"v": AssetIn(key="vo|yages")}')?.key, ['voyages']);
    assert.deepEqual(at('AssetIn(key=["raw", "vessel_|profiles"])'), { key: ['raw', 'vessel_profiles'], form: 'key', text: '["raw", "vessel_profiles"]' });
    assert.deepEqual(at('AssetIn("vo|yages")')?.key, ['voyages']);
    assert.deepEqual(at('deps=[AssetDep("a|", partition_mapping=m)]')?.key, ['a']);
    assert.deepEqual(at('SourceAsset(key="ais|_feed")')?.key, ['ais_feed']);
    assert.deepEqual(at('AssetSpec("vessel_|registry", group_name="g")')?.key, ['vessel_registry']);
    assert.deepEqual(at('@asset(deps=("a", "b|"))')?.key, ['b']);
  });

  test('names in ins= and outs= are inputs and outputs of the definition', () => {
    assert.deepEqual(at('@asset(ins={"vo|yages": AssetIn(key_prefix=["raw"])})'), { key: ['voyages'], form: 'input', text: '"voyages"' });
    assert.deepEqual(at('@multi_asset(outs={"idle|_hours": AssetOut()})')?.form, 'output');
    assert.equal(at('@asset(tags={"po|rt": "x"})'), null);
  });

  test('strings that are not keys: prefixes, kinds, descriptions, other arguments, expressions, comments', () => {
    assert.equal(at('@asset(key_prefix=["ana|lytics", "fleet"])'), null);
    assert.equal(at('@asset(kinds={"pyt|hon"})'), null);
    assert.equal(at('@asset(description="vo|yages")'), null);
    assert.equal(at('AssetIn(key_prefix="r|aw")'), null);
    assert.equal(at('AssetSpec("a", group_name="in|gestion")'), null);
    assert.equal(at('deps=["a" + "|b"]'), null);
    assert.equal(at('deps=["a" "|b"]'), null);
    assert.equal(at('deps=[f"{p}_ga|te"]'), null);
    assert.equal(at('deps=[x["|a"]]'), null);
    assert.equal(at('# deps=["vo|yages"]'), null);
    assert.equal(at('AssetKey([PREFIX, "vo|yages"])'), null);
    assert.equal(at('AssetKey(["a", "b"]).with_prefix("|c")'), null);
    assert.equal(at('x = "vo|yages"'), null);
    assert.equal(at('deps=["""vo|yages"""]'), null);
  });

  test('a cursor right after a string still reads it; half-typed text does not throw', () => {
    assert.deepEqual(at('@asset(deps=["voyages"|])')?.key, ['voyages']);
    assert.equal(at('@asset(deps=["voy|'), null);
    assert.equal(at('deps=["voyages|"]'), null);
    assert.equal(at('AssetKey(["a", |'), null);
    assert.equal(at('|'), null);
  });
});
