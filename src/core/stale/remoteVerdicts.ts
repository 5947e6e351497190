import { keyToUserString } from '../model/assetKey';
import type { AssetNode } from '../model/graph';
import type { RemoteInstance, RemotePartition } from '../state/graphql/remoteState';
import type { PartitionVerdict, VerdictSource } from './staleReport';

/**
 * Verdicts from a Dagster webserver: its own stale status and causes, judged against the code it has
 * loaded (which may differ from the workspace until the code location is reloaded). A partition the
 * webserver does not know is missing; failed wins over its stale status, as in the local source.
 */
export function remoteVerdicts(instance: RemoteInstance): VerdictSource {
  const partitionsOf = (node: AssetNode) => instance.assets.get(keyToUserString(node.key))?.partitions;
  const verdictOf = (state: RemotePartition | undefined): PartitionVerdict => {
    if (!state) return { status: 'missing', causes: [] };
    if (state.status === 'failed') return { status: 'failed', causes: [] };
    const { status, causes } = state.staleness;
    return { status: status === 'MISSING' ? 'missing' : status === 'FRESH' ? 'fresh' : 'stale', causes };
  };
  return {
    eachRecorded: (node, visit) => {
      for (const [partition, state] of partitionsOf(node) ?? []) {
        if (state.status !== 'missing' || state.staleness.status !== 'MISSING') visit(partition, verdictOf(state));
      }
    },
    verdict: (node, partition) => verdictOf(partitionsOf(node)?.get(partition)),
    dynamicKeys: (name) => instance.dynamicPartitions.get(name),
  };
}
