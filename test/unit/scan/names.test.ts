import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AssetNode } from '../../../src/core/model/graph';
import { findAsset as assetByKey, scanProject } from './scanHarness';

/** Dependency keys in declaration order. */
const depKeys = (asset: AssetNode | undefined): string[][] => asset?.deps.map((d) => d.key) ?? [];

const pyproject = '[tool.dagster]\nmodule_name = "proj.definitions"\ncode_location_name = "proj"\n';

describe('name resolution across modules', () => {
  test('absolute, relative and parent-relative imports, and __init__ re-exports', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/shared/__init__.py': 'from .keys import RAW_KEY\nfrom .parts import daily as DAILY\n',
      'proj/shared/keys.py': 'from dagster import AssetKey\nRAW_KEY = AssetKey(["lake", "raw"])\n',
      'proj/shared/parts.py': 'from dagster import DailyPartitionsDefinition\ndaily = DailyPartitionsDefinition(start_date="2023-05-01")\n',
      'proj/assets/__init__.py': '',
      'proj/assets/core.py': `from dagster import asset
from ..shared import RAW_KEY, DAILY
from proj.shared.keys import RAW_KEY as SAME_KEY
@asset(key=RAW_KEY, partitions_def=DAILY)
def raw(): ...
@asset(deps=[SAME_KEY], partitions_def=DAILY)
def cleaned(): ...
`,
      'proj/definitions.py': 'from dagster import Definitions\nfrom .assets.core import raw, cleaned\ndefs = Definitions(assets=[raw, cleaned])\n',
    });
    assert.deepEqual(graph.diagnostics.filter((d) => d.severity !== 'info'), []);
    assert.equal(assetByKey(graph, ['lake', 'raw'])?.partitions?.type, 'daily');
    assert.equal((assetByKey(graph, ['cleaned'])?.partitions as { start: string }).start, '2023-05-01');
    assert.deepEqual(depKeys(assetByKey(graph, ['cleaned'])), [['lake', 'raw']]);
  });

  test('module-level constants: strings, lists, prefixes, concatenation, f-strings and star imports', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/constants.py': `SCHEMA = "analytics"
PREFIX = [SCHEMA, "v2"]
GROUP = "reporting"
TABLES = ["orders", "customers"]
__all__ = ["SCHEMA", "PREFIX", "GROUP", "TABLES"]
`,
      'proj/definitions.py': `from dagster import Definitions, asset
from .constants import *
@asset(key_prefix=PREFIX, group_name=GROUP)
def summary(): ...
@asset(name=SCHEMA + "_" + TABLES[0], deps=[[SCHEMA, t] for t in TABLES])
def combined(): ...
@asset(key=f"{SCHEMA}.daily")
def dotted(): ...
defs = Definitions(assets=[summary, combined, dotted])
`,
    });
    assert.deepEqual(graph.assets.map((a) => a.key).filter((k) => k.length !== 2 || k[0] !== 'analytics' || k[1] === 'v2'), [
      ['analytics', 'v2', 'summary'],
      ['analytics.daily'],
      ['analytics_orders'],
    ]);
    assert.equal(assetByKey(graph, ['analytics', 'v2', 'summary'])?.group, 'reporting');
    assert.deepEqual(depKeys(assetByKey(graph, ['analytics_orders'])), [
      ['analytics', 'orders'],
      ['analytics', 'customers'],
    ]);
  });

  test('factories: a function returning a decorated asset, called in a loop and in a comprehension', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/factory.py': `from dagster import asset, AssetIn
def build_table(name, upstream=None, group="feeds"):
    @asset(name=f"{name}_table", group_name=group, deps=[upstream] if upstream else [])
    def _table():
        ...
    return _table

def build_pair(name):
    @asset(name=name + "_raw")
    def raw(): ...
    @asset(name=name + "_clean", ins={"raw": AssetIn(key=name + "_raw")})
    def clean(raw): ...
    return [raw, clean]
`,
      'proj/definitions.py': `from dagster import Definitions
from .factory import build_table, build_pair
PORTS = ["rotterdam", "singapore"]
tables = [build_table(p) for p in PORTS]
pairs = []
for p in PORTS:
    pairs.extend(build_pair(p))
extra = build_table("joined", upstream="rotterdam_table", group="marts")
defs = Definitions(assets=[*tables, *pairs, extra])
`,
    });
    assert.deepEqual(
      graph.assets.map((a) => a.key[0]).sort(),
      ['joined_table', 'rotterdam_clean', 'rotterdam_raw', 'rotterdam_table', 'singapore_clean', 'singapore_raw', 'singapore_table'],
    );
    assert.equal(assetByKey(graph, ['joined_table'])?.group, 'marts');
    assert.deepEqual(depKeys(assetByKey(graph, ['joined_table'])), [['rotterdam_table']]);
    assert.deepEqual(depKeys(assetByKey(graph, ['singapore_clean'])), [['singapore_raw']]);
    assert.equal(assetByKey(graph, ['rotterdam_table'])?.file, 'proj/factory.py');
  });

  test('what cannot be resolved statically is a diagnostic, never a guess', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/definitions.py': `import os
from dagster import Definitions, asset
from .missing_module import thing
@asset(key_prefix=os.environ["PREFIX"])
def env_prefixed(): ...
@asset(name=thing)
def from_missing(): ...
@asset
def fine(): ...
defs = Definitions(assets=[env_prefixed, from_missing, fine])
`,
    });
    assert.deepEqual(graph.assets.map((a) => a.key), [['fine']]);
    const unresolved = graph.diagnostics.filter((d) => d.code === 'unresolved-key');
    assert.deepEqual(unresolved.map((d) => d.line).sort(), [4, 6]);
    assert.ok(graph.diagnostics.some((d) => d.code === 'unresolved-definitions'));
  });

  test('a circular import sees the partially initialised module, as Python does', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/a.py': 'from dagster import asset\nfrom . import b\n@asset\ndef in_a(): ...\n',
      'proj/b.py': 'from dagster import asset\nfrom . import a\n@asset(deps=["in_a"])\ndef in_b(): ...\n',
      'proj/definitions.py': 'from dagster import Definitions, load_assets_from_modules\nfrom . import a, b\ndefs = Definitions(assets=load_assets_from_modules([a, b]))\n',
    });
    assert.deepEqual(graph.assets.map((a) => a.key[0]), ['in_a', 'in_b']);
    assert.deepEqual(depKeys(assetByKey(graph, ['in_b'])), [['in_a']]);
  });
});

describe('robustness', () => {
  test('a file with a syntax error still yields the assets the rest of it defines', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/definitions.py': `from dagster import Definitions, asset
@asset
def before(): ...

def broken(:
    pass

@asset(deps=[before])
def after(): ...
defs = Definitions(assets=[before, after])
`,
    });
    assert.deepEqual(graph.assets.map((a) => a.key[0]), ['after', 'before']);
    const syntax = graph.diagnostics.find((d) => d.code === 'syntax-error');
    assert.equal(syntax?.file, 'proj/definitions.py');
    assert.equal(syntax?.line, 5);
  });

  test('if __name__ == "__main__" blocks are not evaluated', async () => {
    const graph = await scanProject({
      'job.py': `from dagster import Definitions, asset
@asset
def kept(): ...
defs = Definitions(assets=[kept])
if __name__ == "__main__":
    defs = Definitions(assets=[])
`,
    });
    assert.deepEqual(graph.assets.map((a) => a.key), [['kept']]);
  });

  test('two Definitions objects in one module is an error, as in Dagster', async () => {
    const graph = await scanProject({
      'pyproject.toml': pyproject,
      'proj/__init__.py': '',
      'proj/definitions.py': 'from dagster import Definitions, asset\n@asset\ndef a(): ...\none = Definitions(assets=[a])\ntwo = Definitions(assets=[])\n',
    });
    assert.ok(graph.diagnostics.some((d) => d.code === 'multiple-definitions' && d.severity === 'error'));
  });

  test('a dependency cycle is reported; a partitioned self-dependency with a negative offset is allowed', async () => {
    const graph = await scanProject({
      'defs.py': `from dagster import Definitions, asset, AssetIn, DailyPartitionsDefinition, TimeWindowPartitionMapping
daily = DailyPartitionsDefinition(start_date="2024-01-01")
@asset(deps=["b"])
def a(): ...
@asset(deps=["a"])
def b(): ...
@asset(partitions_def=daily, ins={"running_total": AssetIn(partition_mapping=TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))})
def running_total(running_total): ...
defs = Definitions(assets=[a, b, running_total])
`,
    });
    const cycles = graph.diagnostics.filter((d) => d.code === 'cycle');
    assert.equal(cycles.length, 1);
    assert.match(cycles[0]?.message ?? '', /a → b|b → a/);
  });
});
