import { keyToUserString } from '../model/assetKey';
import type { InstanceState } from '../state/instanceState';

/**
 * The median duration of the runs that made each asset's latest materializations, by asset user
 * string: the basis of a backfill's estimate. Runs without both times (still going, or written by a
 * Dagster that did not record them) do not count.
 */
export function pastRunDurations(instance: InstanceState): Map<string, number> {
  const out = new Map<string, number>();
  for (const asset of instance.assets.values()) {
    const durations: number[] = [];
    const seen = new Set<string>();
    for (const state of asset.partitions.values()) {
      const runId = state.lastMaterialization?.runId;
      if (!runId || seen.has(runId)) continue;
      seen.add(runId);
      const run = instance.runs.get(runId);
      if (run && run.startTime !== null && run.endTime !== null && run.endTime >= run.startTime) durations.push(run.endTime - run.startTime);
    }
    if (!durations.length) continue;
    durations.sort((a, b) => a - b);
    const mid = durations.length >> 1;
    out.set(keyToUserString(asset.key), durations.length % 2 ? (durations[mid] as number) : ((durations[mid - 1] as number) + (durations[mid] as number)) / 2);
  }
  return out;
}
