import type { AssetGraph } from '../model/graph';
import { remoteVerdicts } from '../stale/remoteVerdicts';
import { localVerdicts } from '../stale/staleReport';
import type { RemoteInstance } from '../state/graphql/remoteState';
import { readLocalInstance, type LocalInstance } from '../state/localInstance';
import type { CommandSettings } from './commands';
import { pastRunDurations } from './estimates';
import { impactPreview, type ImpactPreview, type ImpactPreviewRequest } from './impactPreview';
import { BackfillPlanError, planBackfill, type BackfillPlan, type BackfillRequest, type PartitionFilter } from './plan';

/**
 * A plan (or an impact preview) for a workspace folder with what its Dagster instance knows:
 * partition statuses (for "only missing / failed / stale"), dynamic partition keys and past run
 * durations. The CLI and the extension both plan through here.
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
  /** `home` already read with its input changes (the editor keeps its latest read), to skip reading it again. */
  instance?: LocalInstance | null;
  /** Statuses from a webserver instead of a local instance (a backfill submitted to it). */
  remote?: RemoteInstance | null;
}

/** What plans and previews take from the statuses: a webserver's, else the local instance's (read unless `known`). */
async function instanceFacts(graph: AssetGraph, home: string | null, only: readonly PartitionFilter[], now: number, known: LocalInstance | null | undefined, remote: RemoteInstance | null | undefined) {
  if (remote) return { dynamicKeys: (name: string) => remote.dynamicPartitions.get(name), verdicts: remoteVerdicts(remote) };
  if (only.length && home === null) {
    throw new BackfillPlanError(`picking only ${only.join(' or ')} partitions needs a Dagster instance, and none was found`);
  }
  const instance = home === null ? null : (known ?? (await readLocalInstance(home, { inputChanges: only.includes('stale') })));
  if (!instance) return null;
  return {
    dynamicKeys: (name: string) => instance.dynamicPartitions.get(name),
    verdicts: localVerdicts(graph, instance, now),
    durations: pastRunDurations(instance),
  };
}

export async function planInWorkspace(input: WorkspacePlanInput): Promise<BackfillPlan> {
  const { graph, root, home, request, now, commands } = input;
  const facts = await instanceFacts(graph, home, request.only, now, input.instance, input.remote);
  return planBackfill(request, { graph, root, now, commands, ...facts });
}

export async function impactInWorkspace(input: {
  graph: AssetGraph;
  home: string | null;
  request: ImpactPreviewRequest;
  now: number;
  instance?: LocalInstance | null;
  remote?: RemoteInstance | null;
}): Promise<ImpactPreview> {
  const { graph, home, request, now } = input;
  const facts = await instanceFacts(graph, home, request.only, now, input.instance, input.remote);
  return impactPreview(request, { graph, now, ...(facts ? { dynamicKeys: facts.dynamicKeys, verdicts: facts.verdicts } : {}) });
}
