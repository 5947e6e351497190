import type { AssetGraph, CodeLocationSummary } from '../../src/core/model/graph';
import type { PartitionMapping } from '../../src/core/model/partitionMappings';
import type { TimeWindowPartitions } from '../../src/core/model/partitions';
import { assetNode, type AssetNodeFields } from './assetNode';

/**
 * Small graphs for the backfill suites: one code location (`-m shop.definitions`), daily partitions
 * from 2021-05-01, evaluated at `backfillNow` (2021-07-01 UTC: 61 daily partitions).
 */
export const backfillNow = Date.UTC(2021, 6, 1);

export const daily: TimeWindowPartitions = { type: 'daily', start: '2021-05-01', end: null, timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0, cronSchedule: '0 0 * * *', minuteOffset: 0, hourOffset: 0 };

/** Each partition reads the previous day of its upstream. */
export const previousDay: PartitionMapping = { type: 'time_window', startOffset: -1, endOffset: -1, allowNonexistentUpstreamPartitions: false };

export const shopLocation: CodeLocationSummary = { name: 'loc', source: 'pyproject.toml:3', target: 'shop.definitions', root: '.', pointer: { kind: 'module', attribute: null } };

/** A graph of `a/b` names and their fields, in the one code location. */
export function shopGraph(nodes: [string, AssetNodeFields][]): AssetGraph {
  return { version: 1, assets: nodes.map(([name, fields]) => assetNode(name.split('/'), fields)), diagnostics: [], codeLocations: [shopLocation] };
}
