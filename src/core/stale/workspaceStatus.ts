import type { AssetGraph } from '../model/graph';
import { readRemoteInstance, type RemoteInstance } from '../state/graphql/remoteState';
import { readLocalInstance, type LocalInstance } from '../state/localInstance';
import { summarizeAssets, type AssetStatusSummary } from '../view/stateSummary';
import { codeChanges, type CodeSnapshots } from './codeChanges';
import { remoteVerdicts } from './remoteVerdicts';
import { staleReport, staleReportFrom } from './staleReport';

/**
 * One refresh of what the editor shows about materializations: read the local instance, judge
 * every partition of every folder's graph, add code changes, fold it into per-asset summaries.
 */
export interface WorkspaceStatus {
  summaries: Map<string, AssetStatusSummary>;
  snapshots: CodeSnapshots;
  instance: LocalInstance;
  /** Milliseconds spent reading the instance, and judging partitions. */
  timings: { read: number; judge: number };
}

export async function readWorkspaceStatus(graphs: readonly AssetGraph[], home: string, previous: CodeSnapshots, now: number): Promise<WorkspaceStatus> {
  const started = performance.now();
  const instance = await readLocalInstance(home, { inputChanges: true });
  const read = performance.now() - started;
  return { ...judgeWorkspace(graphs, instance, previous, now), instance, timings: { read, judge: performance.now() - started - read } };
}

/** The summaries for graphs against an instance already read (several folders share one instance). */
export function judgeWorkspace(graphs: readonly AssetGraph[], instance: LocalInstance, previous: CodeSnapshots, now: number): { summaries: Map<string, AssetStatusSummary>; snapshots: CodeSnapshots } {
  const summaries = new Map<string, AssetStatusSummary>();
  const snapshots: CodeSnapshots = {};
  for (const graph of graphs) {
    const changes = codeChanges(graph, instance, previous);
    Object.assign(snapshots, changes.snapshots);
    for (const [user, summary] of summarizeAssets(staleReport(graph, instance, now), changes.changed)) summaries.set(user, summary);
  }
  return { summaries, snapshots };
}

/**
 * The summaries as a Dagster webserver judges the assets (its own stale status, against the code it
 * has loaded). "Code changed" needs the local records' provenance, so it is not computed here.
 */
export async function readRemoteWorkspaceStatus(
  graphs: readonly AssetGraph[],
  connection: { url: string; token: string | null },
  now: number,
): Promise<{ summaries: Map<string, AssetStatusSummary>; instance: RemoteInstance; timings: { read: number; judge: number } }> {
  const started = performance.now();
  const keys = graphs.flatMap((g) => g.assets.filter((a) => a.kind !== 'stub').map((a) => [...a.key]));
  const instance = await readRemoteInstance({ url: connection.url, token: connection.token, assetKeys: keys });
  const read = performance.now() - started;
  const summaries = new Map<string, AssetStatusSummary>();
  for (const graph of graphs) {
    for (const [user, summary] of summarizeAssets(staleReportFrom(graph, remoteVerdicts(instance), now), new Map())) summaries.set(user, summary);
  }
  return { summaries, instance, timings: { read, judge: performance.now() - started - read } };
}
