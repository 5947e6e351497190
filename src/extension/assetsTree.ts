import * as vscode from 'vscode';
import type { AssetKind } from '../core/model/graph';
import { assetTooltip, countLabel, treeDescription } from '../core/view/assetText';
import { statusWords, worstStatus, type AssetStatusSummary, type WorstStatus } from '../core/view/stateSummary';
import { loadCore } from './lazyCore';
import { buildAssetTree, type AssetTree, type TreeAsset, type TreeElement } from '../core/view/assetTree';
import type { WorkspaceIndex } from '../core/view/workspaceIndex';
import type { InstanceMonitor } from './instanceMonitor';
import { Disposable } from './lifecycle';
import type { WorkspaceScanner } from './workspaceScanner';

export const assetsViewId = 'assetLineage.assets';

const kindIcons: Record<AssetKind, string> = {
  asset: 'database',
  multi_asset: 'layers',
  graph_asset: 'type-hierarchy-sub',
  source: 'cloud-download',
  observable_source: 'eye',
  external: 'link-external',
  dbt: 'table',
  stub: 'circle-large-outline',
};

export function isTreeAsset(value: unknown): value is TreeAsset {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'asset' && 'asset' in value && 'group' in value;
}

/** Icon colours by the worst status of an asset's partitions (theme colours, so every theme fits). */
const statusColors: Partial<Record<WorstStatus, string>> = {
  failed: 'testing.iconFailed',
  stale: 'editorWarning.foreground',
  impacted: 'charts.orange',
};

class AssetTreeProvider implements vscode.TreeDataProvider<TreeElement> {
  tree: AssetTree | undefined;
  status: (userKey: string) => AssetStatusSummary | undefined = () => undefined;
  readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  update(index: WorkspaceIndex): void {
    this.tree = buildAssetTree(index);
    this.changed.fire();
  }

  getChildren(element?: TreeElement): TreeElement[] {
    if (!this.tree) return [];
    // No locations (nothing found) leaves the list empty, which shows the view's welcome text with "Rescan".
    if (!element) return this.tree.locations;
    if (element.type === 'location') return element.groups;
    if (element.type === 'group') return element.assets;
    return [];
  }

  getParent(element: TreeElement): TreeElement | undefined {
    if (element.type === 'asset') return element.group;
    if (element.type === 'group') return element.location;
    return undefined;
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    switch (element.type) {
      case 'location': {
        const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = element.id;
        item.iconPath = new vscode.ThemeIcon('package');
        item.description = countLabel(element.assetCount, 'asset') + (this.tree?.multiFolder ? ` · ${element.folderName}` : '');
        item.tooltip = `Code location ${element.name} (${element.folderName}): ${countLabel(element.assetCount, 'asset')} in ${countLabel(element.groups.length, 'group')}`;
        item.contextValue = 'codeLocation';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = element.id;
        item.iconPath = new vscode.ThemeIcon('folder');
        item.description = countLabel(element.assets.length, 'asset');
        item.tooltip = `Group ${element.name}: ${countLabel(element.assets.length, 'asset')}`;
        item.contextValue = 'group';
        return item;
      }
      case 'asset': {
        const { asset } = element;
        const item = new vscode.TreeItem(asset.userKey, vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        const status = this.status(asset.userKey);
        const color = status ? statusColors[worstStatus(status)] : undefined;
        item.iconPath = new vscode.ThemeIcon(kindIcons[asset.node.kind], color ? new vscode.ThemeColor(color) : undefined);
        const words = status ? statusWords(status) : '';
        // The status first: a narrow side bar cuts the end of the description.
        item.description = [words, treeDescription(asset)].filter(Boolean).join(' · ');
        // A plain string: keys and descriptions come from the workspace and must not be rendered as Markdown.
        item.tooltip = assetTooltip(asset, asset.node.partitions ? loadCore().partitionsNowText(asset.node.partitions, Date.now()) : undefined, status);
        item.contextValue = 'asset';
        item.command = { command: 'assetLineage.openDefinition', title: 'Open Definition', arguments: [element] };
        return item;
      }
    }
  }
}

/** The Assets view: code location → group → asset, rebuilt after every scan. */
export class AssetsTreeView extends Disposable {
  private readonly provider = new AssetTreeProvider();
  private readonly view: vscode.TreeView<TreeElement>;

  constructor(scanner: WorkspaceScanner, monitor: InstanceMonitor) {
    super();
    this.register(this.provider.changed);
    this.provider.status = (userKey) => monitor.status(userKey);
    this.register(monitor.onDidChange(() => this.provider.changed.fire()));
    this.view = this.register(vscode.window.createTreeView(assetsViewId, { treeDataProvider: this.provider, showCollapseAll: true }));
    this.register(scanner.onDidChangeGraph((index) => this.provider.update(index)));
    this.register(
      scanner.onDidChangeStatus((status) => {
        this.view.message = status.state === 'scanning' && !this.provider.tree ? 'Scanning the workspace…' : undefined;
      }),
    );
    if (scanner.index) this.provider.update(scanner.index);
  }

  /** Selects an asset in the tree when the tree is on screen (the graph's selection, mirrored). */
  reveal(userKey: string): void {
    if (!this.view.visible) return;
    const element = this.provider.tree?.byKey.get(userKey);
    if (element) void Promise.resolve(this.view.reveal(element, { select: true, focus: false, expand: false })).catch(() => undefined);
  }
}
