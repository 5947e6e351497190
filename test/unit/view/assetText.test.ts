import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assetHoverMarkdown, assetTooltip, codeSpan, countLabel, escapeMarkdown, partitionsSummary, treeDescription } from '../../../src/core/view/assetText';
import { partitionsNowText } from '../../../src/core/view/partitionsText';
import { WorkspaceIndex } from '../../../src/core/view/workspaceIndex';
import { folder, harborFolder, node } from './viewFixtures';

describe('asset text', () => {
  const harbor = new WorkspaceIndex([harborFolder()]);

  test('counts', () => {
    assert.equal(countLabel(1, 'asset'), '1 asset');
    assert.equal(countLabel(12, 'asset'), '12 assets');
    assert.equal(countLabel(0, 'asset'), '0 assets');
  });

  test('partitions, detailed and short', () => {
    const container = harbor.get('raw/container_moves')!.node.partitions;
    assert.equal(partitionsSummary(container), 'date: daily from 2024-01-01 × port: static: rotterdam, singapore, shanghai, los_angeles');
    assert.equal(partitionsSummary(container, false), 'date: daily × port: static (4)');
    assert.equal(partitionsSummary(harbor.get('raw/vessel_profiles')!.node.partitions), 'dynamic (vessels)');
    assert.equal(partitionsSummary(null), '');
  });

  test('tree descriptions and plain-text tooltips', () => {
    assert.equal(treeDescription(harbor.get('raw/voyages')!), 'daily');
    assert.equal(treeDescription(harbor.get('stg_voyages')!), 'dbt model');
    assert.equal(treeDescription(harbor.get('customs_declarations')!), 'undefined dependency (stub)');
    assert.equal(
      assetTooltip(harbor.get('vessel_registry')!),
      'vessel_registry\nKind: external asset\nGroup: ingestion\nCode location: harbor\nDefined in: harbor/external.py:11\n\nVessel registry (IMO, name, flag, class, DWT) replicated nightly by SeaRegistry Inc.',
    );
  });

  test('Markdown escaping leaves no markup, links or HTML', () => {
    assert.equal(escapeMarkdown('[x](command:evil) *b* <img src=x> a_b `c` #h'), '\\[x\\]\\(command:evil\\) \\*b\\* &lt;img src=x\\> a\\_b \\`c\\` \\#h');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x'), '`` `x ``');
  });

  test('the hover lists direct neighbours with transitive counts, every name escaped', () => {
    const md = assetHoverMarkdown(harbor.get('raw/port_calls')!, harbor);
    assert.match(md, /^\*\*raw\/port\\_calls\*\* — asset/);
    assert.match(md, /↑ 2 upstream assets \(3 in all\): `raw\/voyages`, `customs_declarations`/);
    assert.match(md, /↓ 3 downstream assets \(\d+ in all\)/);
    assert.match(md, /\*harbor\/ingestion\/voyages\\\.py:27\*/);
    const hostile = new WorkspaceIndex([folder('/w', [node(['<b>x'], { description: '[click](command:workbench.action.quit)' })])]);
    const text = assetHoverMarkdown(hostile.get('<b>x')!, hostile);
    assert.ok(!text.includes('<b>') && !text.includes('[click]('), text);
  });

  test('the partitions that exist now, as Dagster lists them', () => {
    const now = Date.UTC(2024, 2, 1, 12);
    assert.equal(partitionsNowText(harbor.get('raw/voyages')!.node.partitions, now), '60 partitions now: 2024-01-01 … 2024-02-29');
    assert.equal(
      partitionsNowText(harbor.get('raw/container_moves')!.node.partitions, now),
      '240 partitions now: 2024-01-01|rotterdam … 2024-02-29|los_angeles',
    );
    assert.equal(partitionsNowText(harbor.get('raw/vessel_profiles')!.node.partitions, now), 'dynamic partition keys are read from the Dagster instance');
    assert.equal(partitionsNowText(harbor.get('raw/voyages')!.node.partitions, Date.UTC(2023, 0, 1)), 'no partitions yet');
    // Dagster parses start with fmt: an hourly start without a time fails to load.
    const bad = { type: 'hourly' as const, start: '2024-01-01', end: null, timezone: 'UTC', fmt: '%Y-%m-%d-%H:%M', endOffset: 0, cronSchedule: '0 * * * *', minuteOffset: 0 };
    assert.match(partitionsNowText(bad, now), /^Dagster would refuse this definition: the start '2024-01-01' does not match the format '%Y-%m-%d-%H:%M'/);
    const voyages = harbor.get('raw/voyages')!;
    const md = assetHoverMarkdown(voyages, harbor, 12, partitionsNowText(voyages.node.partitions, now));
    assert.ok(md.includes('60 partitions now: 2024\\-01\\-01 … 2024\\-02\\-29'), md);
  });

  test('long neighbour lists are cut', () => {
    const many = Array.from({ length: 20 }, (_, i) => node([`c${i}`], { deps: [['hub']] }));
    const index = new WorkspaceIndex([folder('/w', [node(['hub']), ...many])]);
    assert.match(assetHoverMarkdown(index.get('hub')!, index, 3), /`c0`, `c1`, `c2`, … 17 more/);
  });
});
