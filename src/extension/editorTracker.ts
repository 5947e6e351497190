import * as vscode from 'vscode';
import { affectsFollowActiveEditor, followActiveEditor } from './config';
import type { AssetSite, DocumentAssets } from './documentAssets';
import type { GraphPanelManager } from './graphPanel';
import { Disposable } from './lifecycle';
import type { WorkspaceScanner } from './workspaceScanner';

/** Cursor moves come in bursts (typing, holding an arrow key): act once they pause. */
const selectionDelayMs = 150;

/**
 * Follows the active editor: keeps the context keys the editor and explorer menus test
 * (`assetLineage.activeFileHasAssets`, `assetLineage.filesWithAssets`) up to date and, when
 * `assetLineage.graph.followActiveEditor` is on, selects the asset under the cursor in the graph.
 */
export class EditorTracker extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastHasAssets: boolean | undefined;
  private lastFiles: string | undefined;
  private lastSelected: { key: string; panel: number } | undefined;

  constructor(
    private readonly scanner: WorkspaceScanner,
    private readonly documents: DocumentAssets,
    private readonly panels: GraphPanelManager,
  ) {
    super();
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)));
    this.register(
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) this.schedule(selectionDelayMs);
      }),
    );
    this.register(
      scanner.onDidChangeGraph((index) => {
        const files = index.filesWithAssets();
        // Most scans (an edit inside a function) move no asset between files: skip the round trip.
        const joined = files.join('\n');
        if (joined !== this.lastFiles) {
          this.lastFiles = joined;
          void vscode.commands.executeCommand('setContext', 'assetLineage.filesWithAssets', files);
        }
        this.schedule(0);
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsFollowActiveEditor(event)) this.schedule(0);
      }),
    );
    this.register({ dispose: () => this.timer !== undefined && clearTimeout(this.timer) });
  }

  /** The definition under the cursor of the active editor, if any. */
  currentSite(): AssetSite | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    return this.documents.siteAt(editor.document, editor.selection.active);
  }

  private schedule(delay: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, delay);
  }

  private update(): void {
    if (this.isDisposed) return;
    const editor = vscode.window.activeTextEditor;
    const hasAssets = editor !== undefined && this.documents.sites(editor.document).length > 0;
    if (hasAssets !== this.lastHasAssets) {
      this.lastHasAssets = hasAssets;
      void vscode.commands.executeCommand('setContext', 'assetLineage.activeFileHasAssets', hasAssets);
    }
    if (!hasAssets || !this.panels.isOpen || !followActiveEditor()) return;
    // Several assets at one definition (a factory, a multi-asset): the first stands for them.
    const key = this.currentSite()?.items[0]?.userKey;
    // Leaving an asset keeps the graph's selection: the user may have picked something there.
    if (!key) return;
    const panel = this.panels.panelGeneration;
    if (this.lastSelected?.key === key && this.lastSelected.panel === panel) return;
    this.lastSelected = { key, panel };
    this.panels.postIfOpen({ type: 'view/select', key });
  }
}
