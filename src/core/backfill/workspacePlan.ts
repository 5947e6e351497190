import type { AssetGraph } from '../model/graph';
import { localVerdicts } from '../stale/staleReport';
import { readLocalInstance } from '../state/localInstance';
import type { CommandSettings } from './commands';
import { pastRunDurations } from './estimates';
import { BackfillPlanError, planBackfill, type BackfillPlan, type BackfillRequest } from './plan';

/**
 * A plan for a workspace folder with what its Dagster instance knows: partition statuses (for
 * "only missing / failed / stale"), dynamic partition keys and past run durations. The CLI and the
 * extension both plan through here.
 */
export interface WorkspacePlanInput {
  graph: AssetGraph;
  /** The scanned folder, absolute. */
  root: string;
  /** The instance folder (DAGSTER_HOME), or null when there is none yet. */
  home: string | null;
  request: BackfillRequest;
  now: number;
  commands: CommandSettings;
}

export async function planInWorkspace(input: WorkspacePlanInput): Promise<BackfillPlan> {
  const { graph, root, home, request, now, commands } = input;
  if (request.only.length && home === null) {
    throw new BackfillPlanError(`picking only ${request.only.join(' or ')} partitions needs a Dagster instance, and none was found`);
  }
  const instance = home === null ? null : await readLocalInstance(home, { inputChanges: request.only.includes('stale') });
  if (!instance) return planBackfill(request, { graph, root, now, commands });
  return planBackfill(request, {
    graph,
    root,
    now,
    commands,
    dynamicKeys: (name) => instance.dynamicPartitions.get(name),
    verdicts: localVerdicts(graph, instance, now),
    durations: pastRunDurations(instance),
  });
}
