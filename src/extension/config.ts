import * as vscode from 'vscode';
import { z } from 'zod';

/** Every setting of the extension: the section name, the keys, their validation and defaults. */
const section = 'assetLineage';

const defaultExcludedFolders = ['.venv', 'venv', 'node_modules', '.git', '__pycache__', '.tox', 'site-packages'];

const scanSettingsSchema = z.object({
  excludeFolders: z.array(z.string().min(1)).catch(defaultExcludedFolders),
  workers: z.number().int().min(0).max(16).catch(0),
});

export type ScanSettings = z.infer<typeof scanSettingsSchema>;

/**
 * The scan settings as they are now. Values of the wrong shape (hand-edited settings.json) fall
 * back to the defaults instead of reaching the scanner, and the problem is returned for the log.
 */
export function scanSettings(): { settings: ScanSettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(section);
  const raw = { excludeFolders: config.get('scan.excludeFolders'), workers: config.get('scan.workers') };
  const strict = z.object({ excludeFolders: z.array(z.string().min(1)), workers: z.number().int().min(0).max(16) }).safeParse(raw);
  const problems = strict.success ? [] : strict.error.issues.map((i) => `assetLineage.scan.${i.path.join('.')}: ${i.message}; using the default`);
  return { settings: scanSettingsSchema.parse(raw), problems };
}

/** Whether a configuration change touches the scan settings (so the workspace must be scanned again). */
export function affectsScan(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.scan`);
}

/** A boolean setting read fresh each time; anything but a boolean (a hand-edited "yes") reads as the default. */
function flag(key: string, fallback: boolean): boolean {
  return z.boolean().catch(fallback).parse(vscode.workspace.getConfiguration(section).get(key));
}

const codeLensKey = 'codeLens.enabled';
const followEditorKey = 'graph.followActiveEditor';

/** `assetLineage.codeLens.enabled`: counts and "Show in graph" above each asset definition. */
export function codeLensEnabled(): boolean {
  return flag(codeLensKey, true);
}

export function affectsCodeLens(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.${codeLensKey}`);
}

/** `assetLineage.graph.followActiveEditor`: select the asset under the cursor in the graph. */
export function followActiveEditor(): boolean {
  return flag(followEditorKey, true);
}

export function affectsFollowActiveEditor(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.${followEditorKey}`);
}

const instanceSettingsSchema = z.object({
  path: z.string().catch(''),
  graphqlUrl: z.string().catch(''),
  refreshSeconds: z.number().int().min(0).max(3600).catch(5),
});
export type InstanceSettings = z.infer<typeof instanceSettingsSchema>;

/** `assetLineage.instance.*`: where materialization state comes from and how often it is checked. */
export function instanceSettings(): { settings: InstanceSettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(section);
  const raw = { path: config.get('instance.path'), graphqlUrl: config.get('instance.graphqlUrl'), refreshSeconds: config.get('instance.refreshSeconds') };
  const strict = z.object({ path: z.string(), graphqlUrl: z.string(), refreshSeconds: z.number().int().min(0).max(3600) }).safeParse(raw);
  const problems = strict.success ? [] : strict.error.issues.map((i) => `assetLineage.instance.${i.path.join('.')}: ${i.message}; using the default`);
  return { settings: instanceSettingsSchema.parse(raw), problems };
}

export function affectsInstance(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.instance`);
}

/** Stores the picked instance folder in the workspace's settings (what the user would type there). */
export async function setInstancePath(path: string): Promise<void> {
  await vscode.workspace.getConfiguration(section).update('instance.path', path, vscode.ConfigurationTarget.Workspace);
}

const argvSchema = z.array(z.string().min(1));

const backfillSettingsSchema = z.object({
  dagsterCommand: argvSchema.catch([]),
  dgCommand: argvSchema.catch([]),
  useDg: z.boolean().catch(true),
  concurrency: z.number().int().min(1).max(64).catch(1),
  stopOnFailure: z.boolean().catch(true),
  retries: z.number().int().min(0).max(10).catch(0),
  retryBackoffSeconds: z.number().min(0).max(3600).catch(30),
  confirmAbovePartitions: z.number().int().min(0).catch(100),
  beforeHook: argvSchema.catch([]),
  afterHook: argvSchema.catch([]),
});
export type BackfillSettings = z.infer<typeof backfillSettingsSchema>;

/**
 * `assetLineage.backfill.*`: how runs are launched. Commands and hooks are argv arrays (a program and
 * its arguments), never shell strings; a value of the wrong shape falls back to the default and the
 * problem is returned for the user to see before anything runs.
 */
export function backfillSettings(): { settings: BackfillSettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(section);
  const keys = Object.keys(backfillSettingsSchema.shape) as (keyof BackfillSettings)[];
  const raw = Object.fromEntries(keys.map((key) => [key, config.get(`backfill.${key}`)]));
  const problems: string[] = [];
  for (const key of keys) {
    const strict = backfillSettingsSchema.shape[key].removeCatch().safeParse(raw[key]);
    if (!strict.success) problems.push(`assetLineage.backfill.${key}: ${strict.error.issues[0]?.message ?? 'invalid'}; using the default`);
  }
  return { settings: backfillSettingsSchema.parse(raw), problems };
}
