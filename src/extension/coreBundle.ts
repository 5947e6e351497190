/**
 * Entry point of `dist/core.js`, the part of the core the extension needs. It is a separate bundle
 * so activation loads only the small extension bundle; `loadCore()` requires this on first use.
 */
export { formatGraph } from '../cli/formats';
export { scanPaths, ScanSession } from '../core/scan/scanner';
export { partitionsNowText } from '../core/view/partitionsText';
export { discoverInstance } from '../core/state/instanceDiscovery';
export { readRemoteWorkspaceStatus, readWorkspaceStatus } from '../core/stale/workspaceStatus';
export { displayUrl } from '../core/state/graphql/client';
export { codeSnapshotsSchema } from '../core/stale/codeChanges';
export { impactInWorkspace, planInWorkspace } from '../core/backfill/workspacePlan';
export { BackfillRunner, newBackfillRecord, retryFailed } from '../core/backfill/runner';
export { loadHistory, saveHistory } from '../core/backfill/history';
export { defaultCommands, findExecutable } from '../core/backfill/commands';
export { followRemoteBackfill, newRemoteRecord, remoteTargets } from '../core/backfill/remoteBackfill';
export { cancelBackfill, launchBackfill, readBackfill } from '../core/state/graphql/backfills';
