import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findAsset as assetByKey, scanProject } from './scanHarness';

async function partitionsOf(definition: string, extraImports = ''): Promise<unknown> {
  const graph = await scanProject({
    'defs.py': `from dagster import *
${extraImports}
p = ${definition}
@asset(partitions_def=p)
def target(): ...
defs = Definitions(assets=[target])
`,
  });
  const problems = graph.diagnostics.filter((d) => d.severity !== 'info');
  return { partitions: assetByKey(graph, ['target'])?.partitions ?? null, problems: problems.map((d) => d.message) };
}

describe('partitions definitions', () => {
  test('daily with defaults: UTC, %Y-%m-%d, end_offset 0, cron at midnight', async () => {
    assert.deepEqual(await partitionsOf('DailyPartitionsDefinition(start_date="2024-01-01")'), {
      partitions: {
        type: 'daily',
        start: '2024-01-01',
        end: null,
        timezone: 'UTC',
        fmt: '%Y-%m-%d',
        endOffset: 0,
        cronSchedule: '0 0 * * *',
        minuteOffset: 0,
        hourOffset: 0,
      },
      problems: [],
    });
  });

  test('hourly: default fmt includes the hour; offsets, timezone, end and end_offset are kept', async () => {
    assert.deepEqual(
      await partitionsOf('HourlyPartitionsDefinition(start_date="2024-03-01-00:00", end_date="2024-04-01-00:00", minute_offset=15, timezone="Europe/Amsterdam", end_offset=1)'),
      {
        partitions: {
          type: 'hourly',
          start: '2024-03-01-00:00',
          end: '2024-04-01-00:00',
          timezone: 'Europe/Amsterdam',
          fmt: '%Y-%m-%d-%H:%M',
          endOffset: 1,
          cronSchedule: '15 * * * *',
          minuteOffset: 15,
        },
        problems: [],
      },
    );
  });

  test('weekly defaults to Sunday and monthly to the first day, both with %Y-%m-%d', async () => {
    const weekly = (await partitionsOf('WeeklyPartitionsDefinition(start_date="2024-01-07", day_offset=1, hour_offset=6)')) as { partitions: Record<string, unknown> };
    assert.equal(weekly.partitions['cronSchedule'], '0 6 * * 1');
    assert.equal(weekly.partitions['fmt'], '%Y-%m-%d');
    const monthly = (await partitionsOf('MonthlyPartitionsDefinition(start_date="2022-03-12")')) as { partitions: Record<string, unknown> };
    assert.equal(monthly.partitions['cronSchedule'], '0 0 1 * *');
    assert.equal(monthly.partitions['fmt'], '%Y-%m-%d');
    assert.equal(monthly.partitions['dayOffset'], 1);
  });

  test('TimeWindowPartitionsDefinition with a cron and fmt; a datetime start is formatted with fmt', async () => {
    const tw = (await partitionsOf('TimeWindowPartitionsDefinition(start="2023-08-23-00:00", cron_schedule="0 */3 * * *", fmt="%Y-%m-%d-%H:%M")')) as { partitions: Record<string, unknown> };
    assert.deepEqual(tw.partitions, {
      type: 'time_window',
      start: '2023-08-23-00:00',
      end: null,
      timezone: 'UTC',
      fmt: '%Y-%m-%d-%H:%M',
      endOffset: 0,
      cronSchedule: '0 */3 * * *',
    });
    const fromDatetime = (await partitionsOf('DailyPartitionsDefinition(start_date=datetime(2024, 2, 5))', 'from datetime import datetime')) as {
      partitions: Record<string, unknown>;
    };
    assert.equal(fromDatetime.partitions['start'], '2024-02-05');
  });

  test('static keeps order; duplicates and reserved substrings are errors', async () => {
    const ok = (await partitionsOf('StaticPartitionsDefinition(["b", "a", "c"])')) as { partitions: Record<string, unknown> };
    assert.deepEqual(ok.partitions, { type: 'static', keys: ['b', 'a', 'c'] });
    const bad = (await partitionsOf('StaticPartitionsDefinition(["a", "a", "x...y"])')) as { problems: string[] };
    assert.equal(bad.problems.length, 2);
  });

  test('multi: two dimensions sorted by name; dynamic keeps its name', async () => {
    const multi = (await partitionsOf(
      'MultiPartitionsDefinition({"region": StaticPartitionsDefinition(["eu", "us"]), "date": DailyPartitionsDefinition(start_date="2024-01-01")})',
    )) as { partitions: { type: string; dimensions: { name: string; partitions: { type: string } }[] } };
    assert.equal(multi.partitions.type, 'multi');
    assert.deepEqual(
      multi.partitions.dimensions.map((d) => [d.name, d.partitions.type]),
      [
        ['date', 'daily'],
        ['region', 'static'],
      ],
    );
    const dynamic = (await partitionsOf('DynamicPartitionsDefinition(name="customers")')) as { partitions: unknown };
    assert.deepEqual(dynamic.partitions, { type: 'dynamic', name: 'customers' });
    const three = (await partitionsOf(
      'MultiPartitionsDefinition({"a": StaticPartitionsDefinition(["x"]), "b": StaticPartitionsDefinition(["y"]), "c": StaticPartitionsDefinition(["z"])})',
    )) as { problems: string[] };
    assert.ok(three.problems.some((p) => p.includes('exactly 2 dimensions')));
  });

  test('definitions Dagster refuses to load are errors: start not in fmt, bad cron, unknown zone, bad day', async () => {
    const problems = async (definition: string): Promise<string[]> => ((await partitionsOf(definition)) as { problems: string[] }).problems;
    // Dagster parses the start with fmt, and the hourly fmt has the hour.
    assert.match((await problems('HourlyPartitionsDefinition(start_date="2024-01-01")'))[0] ?? '', /start '2024-01-01' does not match the format '%Y-%m-%d-%H:%M'.*Dagster fails to load/);
    assert.match((await problems('DailyPartitionsDefinition(start_date="2024-01-01", timezone="Mars/Olympus")'))[0] ?? '', /unknown time zone 'Mars\/Olympus'/);
    assert.match((await problems('MonthlyPartitionsDefinition(start_date="2024-01-01", day_offset=32)'))[0] ?? '', /Found invalid cron schedule/);
    assert.match(
      (await problems('TimeWindowPartitionsDefinition(start="2024-01-01", fmt="%Y-%m-%d", cron_schedule="0 0 31 2 *")'))[0] ?? '',
      /Found invalid cron schedule/,
    );
    assert.match((await problems('DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024/02/01")'))[0] ?? '', /end '2024\/02\/01'/);
    assert.deepEqual(await problems('HourlyPartitionsDefinition(start_date="2024-01-01-00:00", timezone="US/Pacific")'), []);
  });

  test('an unreadable partitions_def is reported and the asset is shown unpartitioned', async () => {
    const result = (await partitionsOf('make_partitions()', 'from somewhere_else import make_partitions')) as {
      partitions: unknown;
      problems: string[];
    };
    assert.equal(result.partitions, null);
    assert.ok(result.problems.some((p) => p.includes('partitions_def cannot be read statically')));
  });
});

describe('explicit partition mappings on edges', () => {
  test('every mapping class is recorded on its edge', async () => {
    const graph = await scanProject({
      'defs.py': `from dagster import *
daily = DailyPartitionsDefinition(start_date="2024-01-01")
ports = StaticPartitionsDefinition(["a", "b"])
regions = StaticPartitionsDefinition(["r"])
multi = MultiPartitionsDefinition({"date": daily, "port": ports})
@asset(partitions_def=daily)
def d(): ...
@asset(partitions_def=ports)
def s(): ...
@asset(partitions_def=multi)
def m(): ...
@asset(partitions_def=regions, deps=[
    AssetDep(s, partition_mapping=StaticPartitionMapping({"a": "r", "b": ["r"]})),
    AssetDep(d, partition_mapping=SpecificPartitionsPartitionMapping(["2024-01-01"])),
    AssetDep(m, partition_mapping=MultiToSingleDimensionPartitionMapping(partition_dimension_name="port")),
])
def target(): ...
@asset(partitions_def=multi, ins={"m": AssetIn(partition_mapping=MultiPartitionMapping({
    "date": DimensionPartitionMapping("date", TimeWindowPartitionMapping(start_offset=-1, allow_nonexistent_upstream_partitions=True)),
    "port": DimensionPartitionMapping(dimension_name="port", partition_mapping=IdentityPartitionMapping()),
}))})
def rolling(m): ...
defs = Definitions(assets=[d, s, m, target, rolling])
`,
    });
    const target = assetByKey(graph, ['target']);
    assert.deepEqual(
      target?.deps.map((dep) => dep.partitionMapping),
      [
        { type: 'static', downstreamByUpstream: { a: ['r'], b: ['r'] } },
        { type: 'specific', keys: ['2024-01-01'] },
        { type: 'multi_to_single', partitionDimensionName: 'port' },
      ],
    );
    assert.deepEqual(assetByKey(graph, ['rolling'])?.deps[0]?.partitionMapping, {
      type: 'multi',
      dimensions: {
        date: {
          dimensionName: 'date',
          mapping: { type: 'time_window', startOffset: -1, endOffset: 0, allowNonexistentUpstreamPartitions: true },
        },
        port: { dimensionName: 'port', mapping: { type: 'identity' } },
      },
    });
  });
});
