import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AssetStaleReport } from '../../../src/core/stale/staleReport';
import { statusSentence, statusWords, summarizeAssets, workspaceStatusLine, worstStatus } from '../../../src/core/view/stateSummary';

const report = (asset: string[], fields: Partial<AssetStaleReport> = {}): AssetStaleReport => ({
  asset,
  status: { fresh: 0, stale: 0, missing: 0, failed: 0 },
  stale: [],
  failed: { ranges: [] },
  impacted: [],
  ...fields,
});

describe('what the editor shows per asset', () => {
  const reports = [
    report(['raw', 'port_calls'], {
      status: { fresh: 29, stale: 1, missing: 336, failed: 1 },
      stale: [{ count: 1, ranges: [['2024-12-28', '2024-12-28']], causes: [{ category: 'DATA', reason: 'has a new dependency data version', dependency: ['raw', 'voyages'] }] }],
      failed: { ranges: [['2024-12-30', '2024-12-30']] },
    }),
    report(['turnaround_hours'], {
      status: { fresh: 31, stale: 0, missing: 336, failed: 0 },
      impacted: [{ count: 4, ranges: [['2024-12-28', '2024-12-31']], upstream: [['raw', 'port_calls']] }],
    }),
    report(['never_run'], { status: { fresh: 0, stale: 0, missing: 367, failed: 0 } }),
    report(['weekly'], { status: { fresh: 3, stale: 0, missing: 0, failed: 0 } }),
  ];
  const summaries = summarizeAssets(reports, new Map([['weekly', { basis: 'source_hash' as const, reason: 'its code was edited after the last materialization' }]]));

  test('counts, causes and ranges in words; failed first', () => {
    const calls = summaries.get('raw/port_calls');
    assert.ok(calls);
    assert.deepEqual(calls.details, [
      'Failed 2024-12-30: the latest run failed after the latest materialization',
      'Stale 2024-12-28: has a new dependency data version (raw/voyages)',
    ]);
    assert.equal(statusWords(calls), '1 failed · 1 stale');
    assert.equal(worstStatus(calls), 'failed');
    assert.equal(statusSentence(calls), '29 fresh, 1 stale, 336 missing, 1 failed');
  });

  test('impacted partitions are counted and labelled as not a Dagster status', () => {
    const hit = summaries.get('turnaround_hours');
    assert.equal(hit?.impacted, 4);
    assert.equal(worstStatus(hit!), 'impacted');
    assert.match(hit!.details[0] ?? '', /^Impacted 2024-12-28…2024-12-31: downstream of stale or failed raw\/port_calls \(not a Dagster status\)$/);
    assert.match(statusSentence(hit!), /4 impacted \(fresh, downstream of stale or failed\)/);
  });

  test('nothing materialized is "missing"; partially materialized is "fresh"; code changes mark stale', () => {
    assert.equal(worstStatus(summaries.get('never_run')!), 'missing');
    assert.equal(statusWords(summaries.get('never_run')!), '');
    const weekly = summaries.get('weekly')!;
    assert.equal(weekly.codeChanged, true);
    assert.equal(worstStatus(weekly), 'stale');
    assert.equal(statusWords(weekly), 'code changed');
  });

  test('the status bar counts assets, not partitions', () => {
    assert.deepEqual(workspaceStatusLine(summaries), { text: '1 failed · 1 stale · 1 impacted · 1 code changed', assets: { stale: 1, failed: 1, impacted: 1, codeChanged: 1 } });
    assert.equal(workspaceStatusLine(new Map()).text, 'up to date');
  });
});
