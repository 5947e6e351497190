import type { AssetDep, AssetNode } from '../../src/core/model/graph';
import type { PartitionMapping } from '../../src/core/model/partitionMappings';

/** A dependency written as its key, or with an explicit partition mapping. */
export interface DepSpec {
  key: string[];
  partitionMapping?: PartitionMapping | null;
}

export type AssetNodeFields = Partial<Omit<AssetNode, 'deps'>> & { deps?: (string[] | DepSpec)[] };

/**
 * A graph node with every field at its "nothing declared" value, for graphs written in tests.
 * Suites pass their own file and code location defaults.
 */
export function assetNode(key: string[], fields: AssetNodeFields = {}): AssetNode {
  const { deps = [], ...rest } = fields;
  return {
    key,
    file: 'defs.py',
    line: 1,
    kind: 'asset',
    group: 'default',
    codeLocation: 'loc',
    partitions: null,
    codeVersion: null,
    backfillPolicy: null,
    description: null,
    owners: [],
    tags: {},
    kinds: [],
    automationCondition: null,
    opName: null,
    sourceHash: null,
    metadata: {},
    ...rest,
    deps: deps.map((d): AssetDep => {
      const spec: DepSpec = Array.isArray(d) ? { key: d } : d;
      return { key: spec.key, partitionMapping: spec.partitionMapping ?? null, carriesData: false, resolution: 'exact' };
    }),
  };
}
