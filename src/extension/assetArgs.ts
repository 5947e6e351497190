import * as vscode from 'vscode';
import { z } from 'zod';
import type { LocatedAsset, WorkspaceIndex } from '../core/view/workspaceIndex';
import { nodeContextSchema } from '../protocol/graphProtocol';
import { isTreeAsset } from './assetsTree';
import { createLogger } from './log';

const log = createLogger('commands');

/** What the extension's own callers (CodeLens) pass to the asset commands: the assets of one definition. */
const assetArgsSchema = z.object({ assetKeys: z.array(z.string().min(1)).min(1) });
export type AssetArgs = z.infer<typeof assetArgsSchema>;

/**
 * The asset keys a command was invoked on. The asset commands are reached from three places: the
 * webview's context menu (its `data-vscode-context`, validated with `nodeContextSchema`), the
 * Assets tree (the tree element) and CodeLens (`AssetArgs`). Anything else is logged and ignored.
 */
export function assetKeysOf(arg: unknown): string[] | undefined {
  if (arg === undefined) return undefined;
  if (isTreeAsset(arg)) return [arg.asset.userKey];
  const fromWebview = nodeContextSchema.safeParse(arg);
  if (fromWebview.success) return [fromWebview.data.assetKey];
  const fromLens = assetArgsSchema.safeParse(arg);
  if (fromLens.success) return fromLens.data.assetKeys;
  log.warn(`ignored a command argument that names no asset: ${fromWebview.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return undefined;
}

/** One asset out of several defined together (a multi-asset, a factory): the user picks. */
export async function pickAsset(index: WorkspaceIndex, keys: readonly string[], placeHolder: string): Promise<LocatedAsset | undefined> {
  const assets = keys.map((k) => index.get(k)).filter((a): a is LocatedAsset => a !== undefined);
  if (assets.length <= 1) return assets[0];
  const picked = await vscode.window.showQuickPick(
    assets.map((asset) => ({ label: asset.userKey, description: asset.node.group, asset })),
    { placeHolder },
  );
  return picked?.asset;
}
