import * as vscode from 'vscode';
import { impactOverlay } from '../../core/view/backfillText';
import type { LocatedAsset } from '../../core/view/workspaceIndex';
import type { GraphPanelManager } from '../graphPanel';
import type { InstanceMonitor } from '../instanceMonitor';
import { loadCore } from '../lazyCore';
import { Disposable } from '../lifecycle';
import { createLogger } from '../log';
import type { WorkspaceScanner } from '../workspaceScanner';
import { backfillFlow, pickPartitions, type FlowDeps, type PickedPartitions } from './backfillFlow';

const log = createLogger('impact');

/**
 * "Show Downstream Impact…": pick partitions of an asset, and the graph highlights every downstream
 * asset's affected partitions (counts against totals, ranges in the tooltip) and dims the rest. The
 * impact is kept current while it is shown: worked out again after each scan, and after each read
 * of the instance when it depends on statuses ("only the stale ones"). "Backfill These…" in the
 * graph plans exactly that with downstream.
 */
export class ImpactController extends Disposable {
  private shown: { key: string; picked: PickedPartitions } | null = null;
  /** Counts computations, so an older one finishing late is dropped. */
  private generation = 0;

  constructor(
    private readonly scanner: WorkspaceScanner,
    private readonly monitor: InstanceMonitor,
    private readonly panels: GraphPanelManager,
    private readonly flow: FlowDeps,
  ) {
    super();
    this.register(scanner.onDidChangeGraph(() => void this.update()));
    this.register(
      monitor.onDidChange((view) => {
        // A failed read changes no status: the impact shown stays until a good one.
        if (view.kind !== 'error' && this.shown?.picked.only.length) void this.update();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.update()));
  }

  /** Asks which partitions, then shows what they reach in the graph (opening it if needed). */
  async show(asset: LocatedAsset): Promise<void> {
    const picked: PickedPartitions | undefined =
      asset.node.partitions === null ? { partitions: { kind: 'all' }, only: [], label: 'any change' } : await pickPartitions(asset, 'Impact of');
    if (!picked) return;
    this.shown = { key: asset.userKey, picked };
    this.panels.show(true).post({ type: 'view/select', key: asset.userKey });
    await this.update();
  }

  /** The graph cleared it (Escape, "Clear"). */
  cleared(): void {
    this.shown = null;
    this.generation++;
    this.panels.setImpact(null);
  }

  /** "Backfill These…": the same partitions, with everything downstream, through the usual preview. */
  async backfill(): Promise<void> {
    const shown = this.shown;
    const asset = shown ? this.scanner.index?.get(shown.key) : undefined;
    if (!shown || !asset) return;
    await backfillFlow(this.flow, asset, 'pick', { roots: [{ key: asset.node.key, partitions: shown.picked.partitions }], downstream: true, only: shown.picked.only });
  }

  private async update(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const generation = ++this.generation;
    const asset = this.scanner.index?.get(shown.key);
    if (!asset) {
      void vscode.window.showInformationMessage(`Asset Lineage: ${shown.key} is no longer in the graph; its impact is cleared.`);
      this.cleared();
      return;
    }
    const view = this.monitor.current;
    const home = view.kind === 'state' && view.local ? view.home : null;
    const remote = view.kind === 'state' && !view.local ? this.monitor.remoteInstance : null;
    try {
      const preview = await loadCore().impactInWorkspace({
        graph: asset.folder.graph,
        home,
        request: { key: asset.node.key, partitions: shown.picked.partitions, only: shown.picked.only },
        now: Date.now(),
        instance: home ? await this.monitor.settledInstance(home) : null,
        remote,
      });
      if (generation !== this.generation) return;
      this.panels.setImpact(impactOverlay(preview, shown.picked.label, vscode.workspace.isTrusted));
      log.info(`impact of ${shown.key} [${shown.picked.label}]: ${preview.summary.assets} assets, ${preview.summary.partitions} partitions downstream`);
    } catch (error) {
      if (generation !== this.generation) return;
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`the impact of ${shown.key} could not be worked out: ${message}`);
      void vscode.window.showErrorMessage(`Asset Lineage: cannot show the impact of ${shown.key}: ${message}`);
      this.cleared();
    }
  }
}
