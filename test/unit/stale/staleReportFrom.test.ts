import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AssetGraph, AssetNode } from '../../../src/core/model/graph';
import type { TimeWindowPartitions } from '../../../src/core/model/partitions';
import { staleReportFrom, type PartitionVerdict, type VerdictSource } from '../../../src/core/stale/staleReport';
import { assetNode } from '../../builders/assetNode';

/**
 * The report over any source of verdicts: partitions come in whatever order the source keeps them,
 * and the report's counts, ranges and impacted partitions do not depend on that order.
 */

const daily: TimeWindowPartitions = { type: 'daily', start: '2024-01-01', end: '2024-01-11', timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * *', minuteOffset: 0, hourOffset: 0 };
const now = Date.UTC(2024, 5, 1);

function source(recorded: Record<string, string[]>, verdicts: Record<string, Record<string, PartitionVerdict['status']>>): VerdictSource {
  const verdict = (node: AssetNode, partition: string | null): PartitionVerdict => {
    const status = verdicts[node.key.join('/')]?.[partition ?? ''] ?? 'fresh';
    return { status, causes: status === 'stale' ? [{ category: 'CODE', reason: 'has a new code version' }] : [] };
  };
  return {
    eachRecorded: (node, visit) => {
      for (const partition of recorded[node.key.join('/')] ?? []) visit(partition, verdict(node, partition));
    },
    verdict,
    dynamicKeys: () => undefined,
  };
}

describe('stale reports from any source', () => {
  const graph: AssetGraph = {
    version: 1,
    assets: [assetNode(['up'], { partitions: daily }), assetNode(['down'], { partitions: daily, deps: [['up']] })],
    diagnostics: [],
    codeLocations: [],
  };
  const days = (...d: number[]): string[] => d.map((n) => `2024-01-${String(n).padStart(2, '0')}`);

  test('partitions recorded out of order give the same ranges as in order', () => {
    const verdicts = { up: { '2024-01-03': 'stale', '2024-01-04': 'stale', '2024-01-09': 'failed' } } as const;
    const inOrder = staleReportFrom(graph, source({ up: days(1, 2, 3, 4, 5, 6, 7, 8, 9), down: days(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) }, verdicts), now);
    const shuffled = staleReportFrom(graph, source({ up: days(9, 3, 1, 8, 4, 2, 7, 5, 6), down: days(10, 1, 9, 2, 8, 3, 7, 4, 6, 5) }, verdicts), now);
    assert.deepEqual(shuffled, inOrder);
    const up = inOrder.find((r) => r.asset[0] === 'up');
    assert.deepEqual(up?.status, { fresh: 6, stale: 2, missing: 1, failed: 1 });
    assert.deepEqual(up?.stale[0]?.ranges, [['2024-01-03', '2024-01-04']]);
    assert.deepEqual(up?.failed.ranges, [['2024-01-09', '2024-01-09']]);
    const down = inOrder.find((r) => r.asset[0] === 'down');
    assert.deepEqual(down?.impacted, [{ count: 3, ranges: [['2024-01-03', '2024-01-04'], ['2024-01-09', '2024-01-09']], upstream: [['up']] }]);
  });

  test('keys the definition does not have are left out, and the rest of the partitions are missing', () => {
    const report = staleReportFrom(graph, source({ up: ['2023-12-31', 'not-a-day', ...days(2)] }, {}), now);
    assert.deepEqual(report.find((r) => r.asset[0] === 'up')?.status, { fresh: 1, stale: 0, missing: 9, failed: 0 });
  });
});
