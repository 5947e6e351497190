import { z } from 'zod';
import { keyId, keyToUserString } from '../model/assetKey';
import type { AssetGraph } from '../model/graph';
import type { InstanceState, MaterializationRecord } from '../state/instanceState';

/**
 * "Code changed" (beyond Dagster): an asset whose code in the workspace is no longer the code its
 * last materialization ran.
 *
 * - With a `code_version` literal, the materialization recorded the version it ran
 *   (`dagster/code_version`), so the two are compared directly.
 * - Without one, Dagster records the run id as the code version, which says nothing about the code.
 *   So we keep our own record: the first time we see a materialization, the scanner's hash of the
 *   asset's function is stored beside its storage id (a snapshot). While that materialization is
 *   still the latest, a different hash means the function was edited since. A new materialization
 *   replaces the snapshot with the hash of the code as it is then. Edits made before the first
 *   snapshot are not seen: the snapshot cannot know what ran before it existed.
 */

export const codeSnapshotsSchema = z.record(z.string(), z.object({ storageId: z.number().int().nonnegative(), sourceHash: z.string() }));
export type CodeSnapshots = z.infer<typeof codeSnapshotsSchema>;

export interface CodeChange {
  reason: string;
  /** How the change was found. */
  basis: 'code_version' | 'source_hash';
}

/** The latest materialization of any of an asset's partitions. */
function latestMaterialization(instance: InstanceState, user: string): MaterializationRecord | null {
  let latest: MaterializationRecord | null = null;
  for (const state of instance.assets.get(user)?.partitions.values() ?? []) {
    const m = state.lastMaterialization;
    if (m && (!latest || m.storageId > latest.storageId)) latest = m;
  }
  return latest;
}

/**
 * The assets whose code changed since their last materialization, by user key, and the snapshots to
 * keep for next time (pass `previous` back in on the next call; it is not modified).
 */
export function codeChanges(graph: AssetGraph, instance: InstanceState, previous: CodeSnapshots): { changed: Map<string, CodeChange>; snapshots: CodeSnapshots } {
  const changed = new Map<string, CodeChange>();
  const snapshots: CodeSnapshots = {};
  const seen = new Set<string>();
  for (const node of graph.assets) {
    if (node.kind === 'stub' || seen.has(keyId(node.key))) continue;
    seen.add(keyId(node.key));
    const user = keyToUserString(node.key);
    const latest = latestMaterialization(instance, user);
    if (!latest) continue;
    if (node.codeVersion !== null) {
      if (latest.codeVersion !== node.codeVersion) {
        const ran = latest.codeVersion === null ? 'no code version' : `code version ${JSON.stringify(latest.codeVersion)}`;
        changed.set(user, { basis: 'code_version', reason: `code_version is ${JSON.stringify(node.codeVersion)} in the workspace; the last materialization ran ${ran}` });
      }
      continue;
    }
    if (node.sourceHash === null) continue;
    const snapshot = previous[user];
    if (snapshot && snapshot.storageId === latest.storageId) {
      snapshots[user] = snapshot;
      if (snapshot.sourceHash !== node.sourceHash) {
        changed.set(user, { basis: 'source_hash', reason: `its code was edited after the last materialization (run ${latest.runId.slice(0, 8)}, ${new Date(latest.timestamp).toISOString()})` });
      }
    } else {
      snapshots[user] = { storageId: latest.storageId, sourceHash: node.sourceHash };
    }
  }
  return { changed, snapshots };
}
