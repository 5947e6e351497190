import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandSettings } from '../../core/backfill/commands';
import type { BackfillPlan, BackfillRequest, PartitionFilter } from '../../core/backfill/plan';
import type { GraphqlConnection } from '../../core/state/graphql/client';
import type { SourcePartitions } from '../../core/partitions/impact';
import { commandText, planNumbers, plannedAssetText, plural, runLabel } from '../../core/view/backfillText';
import type { LocatedAsset } from '../../core/view/workspaceIndex';
import { backfillSettings, instanceSettings, setInstancePath, type BackfillSettings } from '../config';
import type { InstanceMonitor } from '../instanceMonitor';
import { loadCore } from '../lazyCore';
import { createLogger } from '../log';
import type { BackfillManager } from './backfillManager';

const log = createLogger('backfill');

export type BackfillMode = 'pick' | 'staleDownstream' | 'materialize';

export interface FlowDeps {
  monitor: InstanceMonitor;
  manager: BackfillManager;
}

/** Why nothing runs in Restricted Mode, with the way out. */
async function refuseUntrusted(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    'Asset Lineage: backfills run Dagster on your machine, and this workspace is in Restricted Mode, where nothing is launched. Trust the workspace to run backfills.',
    'Manage Workspace Trust',
  );
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
}

/**
 * Right-click → Backfill…: pick partitions and whether downstream assets come too, see the plan
 * (assets, partitions, the exact commands, a total), confirm, launch and follow it. With `preset`
 * (the graph's "Backfill These…" on an impact) nothing is asked before the plan.
 */
export async function backfillFlow(deps: FlowDeps, asset: LocatedAsset, mode: BackfillMode, preset?: BackfillRequest): Promise<void> {
  if (!vscode.workspace.isTrusted) return refuseUntrusted();
  const { settings, problems } = backfillSettings();
  for (const p of problems) log.warn(p);
  const userKey = asset.userKey;
  const partitioned = asset.node.partitions !== null;

  let request: BackfillRequest;
  if (preset) {
    request = preset;
  } else if (mode === 'materialize' || !partitioned) {
    const downstream = mode === 'staleDownstream' ? true : await pickDownstream(userKey);
    if (downstream === undefined) return;
    request = { roots: [{ key: asset.node.key, partitions: { kind: 'all' } }], downstream, only: mode === 'staleDownstream' ? ['stale', 'failed'] : [] };
  } else if (mode === 'staleDownstream') {
    request = { roots: [{ key: asset.node.key, partitions: { kind: 'all' } }], downstream: true, only: ['stale', 'failed'] };
  } else {
    const picked = await pickPartitions(asset, 'Backfill');
    if (!picked) return;
    const downstream = await pickDownstream(userKey);
    if (downstream === undefined) return;
    request = { roots: [{ key: asset.node.key, partitions: picked.partitions }], downstream, only: picked.only };
  }

  // State from a webserver: the backfill can go to it (its daemon runs it) or run here.
  const connection = deps.monitor.current.kind === 'state' && !deps.monitor.current.local ? await deps.monitor.remoteConnection() : null;
  if (connection) {
    const where = await pickLauncher(connection);
    if (where === undefined) return;
    if (where === 'webserver') return submitToWebserver(deps, asset, request, connection, settings);
  }
  const home = await instanceHome(deps.monitor, asset);
  if (home === undefined) return;
  const commands = await commandSettings(settings, asset);
  let plan: BackfillPlan;
  try {
    plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Asset Lineage: planning the backfill of ${userKey}…` }, async () =>
      loadCore().planInWorkspace({ graph: asset.folder.graph, root: asset.folder.root, home: home && existsSync(join(home, 'history')) ? home : null, request, now: Date.now(), commands, instance: home ? await deps.monitor.settledInstance(home) : null }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`planning ${userKey} failed: ${message}`);
    void vscode.window.showErrorMessage(`Asset Lineage: cannot plan this backfill: ${message}`);
    return;
  }
  if (plan.runs.length === 0) {
    void vscode.window.showInformationMessage(`Asset Lineage: nothing to backfill for ${userKey}.${plan.warnings.length ? ` ${plan.warnings.join(' ')}` : ''}`);
    return;
  }
  if (!(await preview(plan, userKey, home, settings))) return;
  if (!(await confirmLarge(plan, planNumbers(plan), `Launch ${plural(plan.summary.runs, 'run')}`, settings))) return;
  const core = loadCore();
  const record = core.newBackfillRecord(plan, {
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    title: `${userKey}${request.downstream ? ' and downstream' : ''}`,
    folder: asset.folder.root,
    createdAt: Date.now(),
    env: home ? { DAGSTER_HOME: home } : {},
    options: { concurrency: settings.concurrency, stopOnFailure: settings.stopOnFailure, retries: settings.retries, backoffMs: settings.retryBackoffSeconds * 1000 },
    hooks: { before: settings.beforeHook, after: settings.afterHook },
  });
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(asset.folder.root));
  void vscode.commands.executeCommand('assetLineage.backfills.focus');
  await deps.manager.start(record, folder);
}

// The pickers of a backfill are steps of one flow: they stay open when the focus moves (to read
// the graph, or when the page of the graph takes it), and Escape still ends the flow.

/** Partitions as the user picked them, and in words ("2024-01-01...2024-01-31", "the stale partitions"). */
export interface PickedPartitions {
  partitions: SourcePartitions;
  only: PartitionFilter[];
  label: string;
}

/** Which partitions of an asset: a range, keys, all, or only those with some statuses. `verb` titles the pickers. */
export async function pickPartitions(asset: LocatedAsset, verb: string): Promise<PickedPartitions | undefined> {
  type Item = vscode.QuickPickItem & { choice?: PickedPartitions | 'range' | 'keys' };
  const all: SourcePartitions = { kind: 'all' };
  const items: Item[] = [
    { label: '$(calendar) A range…', description: 'FIRST...LAST, as Dagster writes ranges', choice: 'range' },
    { label: '$(list-selection) Some keys…', description: 'comma-separated', choice: 'keys' },
    { label: '$(circle-large-outline) Only missing', description: 'never materialized', choice: { partitions: all, only: ['missing'], label: 'the missing partitions' } },
    { label: '$(error) Only failed', description: 'the latest run failed', choice: { partitions: all, only: ['failed'], label: 'the failed partitions' } },
    { label: '$(warning) Only stale', description: "Dagster's stale status (code, data or dependencies changed)", choice: { partitions: all, only: ['stale'], label: 'the stale partitions' } },
    { label: '$(checklist) Missing, failed or stale', choice: { partitions: all, only: ['missing', 'failed', 'stale'], label: 'the missing, failed or stale partitions' } },
    { label: '$(symbol-array) All partitions', choice: { partitions: all, only: [], label: 'all partitions' } },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `${verb} ${asset.userKey}: which partitions?`, placeHolder: 'Pick partitions', ignoreFocusOut: true });
  if (!pick?.choice) return undefined;
  if (pick.choice === 'range') {
    const text = await vscode.window.showInputBox({
      title: `${verb} ${asset.userKey}: a range of partitions`,
      ignoreFocusOut: true,
      prompt: 'FIRST...LAST (three dots; both ends included)',
      validateInput: (value) => (value.split('...').length === 2 && value.split('...').every((s) => s.trim()) ? null : 'Write the first and last key with three dots between them, e.g. 2024-01-01...2024-01-31'),
    });
    if (!text) return undefined;
    const [start, end] = text.split('...').map((s) => s.trim()) as [string, string];
    return { partitions: { kind: 'range', start, end }, only: [], label: `${start}...${end}` };
  }
  if (pick.choice === 'keys') {
    const text = await vscode.window.showInputBox({ title: `${verb} ${asset.userKey}: partition keys`, ignoreFocusOut: true, prompt: 'Keys separated by commas', validateInput: (value) => (value.trim() ? null : 'Write at least one key') });
    if (!text) return undefined;
    const keys = text.split(',').map((k) => k.trim()).filter(Boolean);
    return { partitions: { kind: 'keys', keys }, only: [], label: keys.join(', ') };
  }
  return pick.choice;
}

async function pickDownstream(userKey: string): Promise<boolean | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: `$(arrow-down) ${userKey} and everything downstream`, description: 'the partitions each mapping reaches', downstream: true },
      { label: `$(circle-filled) ${userKey} only`, downstream: false },
    ],
    { title: `Backfill ${userKey}: include downstream assets?`, ignoreFocusOut: true },
  );
  return pick?.downstream;
}

/**
 * The instance runs are recorded in: without DAGSTER_HOME Dagster writes to a temporary folder and
 * deletes it, so nothing would show. With none yet, offer to create one in the workspace.
 * Resolves to null to launch without one (the user said so), undefined to stop.
 */
async function instanceHome(monitor: InstanceMonitor, asset: LocatedAsset): Promise<string | null | undefined> {
  // Not read yet (or nothing found last time): look again before deciding there is none.
  const view = monitor.current.kind === 'none' ? await monitor.refresh() : monitor.current;
  if (view.kind === 'state' && view.local) return view.home;
  if (view.kind === 'error') {
    void vscode.window.showErrorMessage(`Asset Lineage: the backfill needs the Dagster instance its runs are recorded in, and it could not be read: ${view.message}`);
    return undefined;
  }
  if (view.kind === 'state') {
    const answer = await vscode.window.showWarningMessage(
      `Asset Lineage: state comes from ${view.source}; runs launched here are recorded in a local instance, not there.`,
      { modal: true, detail: 'To have the runs recorded there, submit the backfill to the webserver instead.' },
      'Launch Without an Instance',
    );
    return answer ? null : undefined;
  }
  const create = 'Create .dagster in the Workspace';
  const answer = await vscode.window.showWarningMessage(
    'Asset Lineage: no Dagster instance was found. Without one (DAGSTER_HOME), Dagster records the runs in a temporary folder and deletes it, so nothing here would update.',
    { modal: true },
    create,
    'Launch Without an Instance',
  );
  if (answer === create) {
    // A folder the user configured is never replaced (it may be on a drive that is not mounted).
    if (instanceSettings().settings.path) {
      void vscode.window.showErrorMessage(`Asset Lineage: assetLineage.instance.path is set but no instance was found there (${view.message}). Fix the setting, or clear it to create one in the workspace.`);
      return undefined;
    }
    const home = join(asset.folder.root, '.dagster');
    mkdirSync(home, { recursive: true });
    await setInstancePath('.dagster');
    log.info(`created the instance folder ${home}`);
    return home;
  }
  return answer ? null : undefined;
}

/** The Dagster command: the setting, else the workspace's Python environment, else `dagster` on PATH. */
async function commandSettings(settings: BackfillSettings, asset: LocatedAsset): Promise<CommandSettings> {
  const python = settings.dagsterCommand.length && settings.dgCommand.length ? null : await selectedInterpreter(asset);
  const fromEnv = (tool: string): string[] | null => {
    if (!python) return null;
    const bin = join(dirname(python), process.platform === 'win32' ? `${tool}.exe` : tool);
    return existsSync(bin) ? [bin] : null;
  };
  return {
    dagster: settings.dagsterCommand.length ? settings.dagsterCommand : (fromEnv('dagster') ?? (python ? [python, '-m', 'dagster'] : ['dagster'])),
    dg: settings.dgCommand.length ? settings.dgCommand : (fromEnv('dg') ?? ['dg']),
    useDg: settings.useDg,
  };
}

/** The Python extension's interpreter for the folder, when that extension is installed. */
async function selectedInterpreter(asset: LocatedAsset): Promise<string | null> {
  const extension = vscode.extensions.getExtension('ms-python.python');
  if (!extension) return null;
  try {
    const api = (extension.isActive ? extension.exports : await extension.activate()) as unknown;
    const environments = (api as { environments?: { getActiveEnvironmentPath?: (resource?: vscode.Uri) => { path?: unknown } } }).environments;
    const path = environments?.getActiveEnvironmentPath?.(vscode.Uri.file(asset.folder.root))?.path;
    return typeof path === 'string' && path ? path : null;
  } catch (error) {
    log.warn(`the Python extension did not give an interpreter: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

type PreviewItem = vscode.QuickPickItem & { launch?: boolean };

/** The preview's assets with their partitions, what is not launched and why, and the warnings. */
function assetItems(plan: BackfillPlan): PreviewItem[] {
  return [
    { label: 'Assets', kind: vscode.QuickPickItemKind.Separator },
    ...plan.assets.map((a): PreviewItem => ({ label: `${a.role === 'root' ? '$(target)' : '$(arrow-small-down)'} ${a.key.join('/')}`, description: plannedAssetText(a), detail: a.role === 'root' ? 'picked' : 'downstream, through the partition mappings' })),
    ...plan.skipped.map((s): PreviewItem => ({ label: `$(debug-step-over) ${s.key.join('/')}`, description: `not launched: ${s.reason}` })),
    ...(plan.warnings.length ? [{ label: 'Warnings', kind: vscode.QuickPickItemKind.Separator } as PreviewItem, ...plan.warnings.map((w): PreviewItem => ({ label: `$(warning) ${w}` }))] : []),
  ];
}

/** Above the setting's partition count, a second confirmation that repeats the numbers. */
async function confirmLarge(plan: BackfillPlan, numbers: string, go: string, settings: BackfillSettings): Promise<boolean> {
  if (plan.summary.partitions <= settings.confirmAbovePartitions) return true;
  const answer = await vscode.window.showWarningMessage(
    `This backfill is large: ${numbers}. Launch it?`,
    { modal: true, detail: `Above ${settings.confirmAbovePartitions} partitions (assetLineage.backfill.confirmAbovePartitions), Asset Lineage asks twice.` },
    go,
  );
  return answer === go;
}

/** Where a backfill goes when state comes from a webserver. */
async function pickLauncher(connection: GraphqlConnection): Promise<'webserver' | 'terminal' | undefined> {
  const shown = loadCore().displayUrl(connection.url);
  const pick = await vscode.window.showQuickPick(
    [
      { label: `$(cloud-upload) Submit to ${shown}`, description: 'one backfill; its daemon launches the runs by each asset\'s backfill policy', where: 'webserver' as const },
      { label: '$(terminal) Run here in the terminal', description: 'dagster asset materialize, recorded in a local instance', where: 'terminal' as const },
    ],
    { title: 'Backfill: where should it run?', ignoreFocusOut: true },
  );
  return pick?.where;
}

/**
 * The webserver launcher: the same plan (assets, partitions, downstream through the mappings),
 * previewed, then submitted with `launchPartitionBackfill` and followed in the Backfills view.
 */
async function submitToWebserver(deps: FlowDeps, asset: LocatedAsset, request: BackfillRequest, connection: GraphqlConnection, settings: BackfillSettings): Promise<void> {
  const core = loadCore();
  const userKey = asset.userKey;
  const shown = core.displayUrl(connection.url);
  let plan: BackfillPlan;
  let targets: ReturnType<typeof core.remoteTargets>;
  try {
    // The webserver gets assets and partitions, not commands: no interpreter needs looking up.
    plan = await core.planInWorkspace({ graph: asset.folder.graph, root: asset.folder.root, home: null, request, now: Date.now(), commands: core.defaultCommands, remote: deps.monitor.remoteInstance });
    targets = core.remoteTargets(plan);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`planning ${userKey} for ${shown} failed: ${message}`);
    void vscode.window.showErrorMessage(`Asset Lineage: cannot plan this backfill: ${message}`);
    return;
  }
  if (plan.assets.length === 0) {
    void vscode.window.showInformationMessage(`Asset Lineage: nothing to backfill for ${userKey}.${plan.warnings.length ? ` ${plan.warnings.join(' ')}` : ''}`);
    return;
  }
  const numbers = `${plural(plan.summary.assets, 'asset')}, ${plural(plan.summary.partitions, 'asset partition')}`;
  const submit = `Submit to ${shown}`;
  const entries = targets.reduce((n, t) => n + (t.ranges?.length ?? 1), 0);
  const items: PreviewItem[] = [
    { label: `$(cloud-upload) ${submit}`, description: numbers, launch: true },
    { label: '$(close) Cancel', launch: false },
    ...assetItems(plan),
    { label: 'Submitted as', kind: vscode.QuickPickItemKind.Separator },
    { label: 'launchPartitionBackfill', description: `partitionsByAssets, ${plural(entries, 'entry', 'entries')}`, detail: "One backfill; the webserver's daemon launches its runs, by each asset's backfill policy, and records them there." },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Backfill ${userKey} on ${shown}: ${numbers}`, placeHolder: 'Read the plan, then submit or cancel', matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  if (pick?.launch !== true) return;
  if (!(await confirmLarge(plan, numbers, submit, settings))) return;
  let backfillId: string;
  try {
    backfillId = await core.launchBackfill(connection, targets);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`submitting ${userKey} to ${shown} failed: ${message}`);
    void vscode.window.showErrorMessage(`Asset Lineage: the webserver did not take the backfill: ${message}`);
    return;
  }
  log.info(`submitted backfill ${backfillId} to ${shown}: ${numbers}`);
  const record = core.newRemoteRecord(plan, {
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    title: `${userKey}${request.downstream ? ' and downstream' : ''}`,
    folder: asset.folder.root,
    createdAt: Date.now(),
    // Kept without any user:password in the URL: the history is a plain file.
    url: shown,
    backfillId,
  });
  void vscode.commands.executeCommand('assetLineage.backfills.focus');
  await deps.manager.follow(record, connection);
}

/** The plan in a list: numbers, assets with their partitions, every command; launch or cancel. */
async function preview(plan: BackfillPlan, userKey: string, home: string | null, settings: BackfillSettings): Promise<boolean> {
  type Item = PreviewItem;
  const items: Item[] = [
    { label: `$(play) Launch ${plural(plan.summary.runs, 'run')}`, description: planNumbers(plan), launch: true },
    { label: '$(close) Cancel', launch: false },
    ...assetItems(plan),
    { label: `Runs (in ${home ? `DAGSTER_HOME=${home}` : 'no instance'}; ${settings.concurrency === 1 ? 'one at a time' : `up to ${settings.concurrency} at once`}${settings.stopOnFailure ? ', stop at the first failure' : ''})`, kind: vscode.QuickPickItemKind.Separator },
    ...plan.runs.map((run): Item => ({ label: runLabel(run), description: run.after.length ? `after ${plural(run.after.length, 'run')}` : '', detail: commandText(run) })),
    ...(settings.beforeHook.length || settings.afterHook.length
      ? [
          { label: 'Hooks', kind: vscode.QuickPickItemKind.Separator } as Item,
          ...(settings.beforeHook.length ? [{ label: 'before', detail: commandText({ argv: settings.beforeHook }) }] : []),
          ...(settings.afterHook.length ? [{ label: 'after, when every run succeeded', detail: commandText({ argv: settings.afterHook }) }] : []),
        ]
      : []),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Backfill ${userKey}: ${planNumbers(plan)}`, placeHolder: 'Read the plan, then launch or cancel', matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  return pick?.launch === true;
}
