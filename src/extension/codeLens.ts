import * as vscode from 'vscode';
import { unmaterializedKinds } from '../core/model/graph';
import { countLabel } from '../core/view/assetText';
import { statusSentence, statusWords } from '../core/view/stateSummary';
import type { InstanceMonitor } from './instanceMonitor';
import { affectsCodeLens, codeLensEnabled } from './config';
import type { AssetArgs } from './assetArgs';
import type { DocumentAssets } from './documentAssets';
import { Disposable } from './lifecycle';
import { createLogger } from './log';
import type { WorkspaceScanner } from './workspaceScanner';

const log = createLogger('codelens');

/** Python asset modules and dbt models: the files a graph node can point at. */
const selector: vscode.DocumentSelector = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', pattern: '**/*.sql' },
];

class LineageCodeLensProvider implements vscode.CodeLensProvider {
  readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly scanner: WorkspaceScanner,
    private readonly documents: DocumentAssets,
    private readonly monitor: InstanceMonitor,
  ) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const index = this.scanner.index;
    if (!index) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const site of this.documents.sites(document)) {
      const line = site.line - 1;
      if (line >= document.lineCount) continue;
      const range = new vscode.Range(line, 0, line, 0);
      const keys = site.items.map((a) => a.userKey);
      const counts = keys.length === 1 ? index.directCounts(keys[0] as string) : index.groupCounts(keys);
      const args: AssetArgs = { assetKeys: keys };
      if (keys.length > 1) lenses.push(new vscode.CodeLens(range, { title: countLabel(keys.length, 'asset'), command: '', tooltip: keys.join('\n') }));
      lenses.push(
        new vscode.CodeLens(range, { title: `↑ ${counts.upstream} upstream`, command: 'assetLineage.showUpstream', arguments: [args], tooltip: 'Show the upstream lineage in the graph' }),
        new vscode.CodeLens(range, { title: `↓ ${counts.downstream} downstream`, command: 'assetLineage.showDownstream', arguments: [args], tooltip: 'Show the downstream lineage in the graph' }),
        new vscode.CodeLens(range, { title: 'Show in graph', command: 'assetLineage.focusAsset', arguments: [args], tooltip: 'Focus the lineage graph on this asset' }),
      );
      // What needs work, from the instance ("2 stale · 1 failed"); clicking shows it in the graph.
      const needsWork = keys.length === 1 ? this.monitor.status(keys[0] as string) : undefined;
      const words = needsWork ? statusWords(needsWork) : '';
      if (needsWork && words) lenses.push(new vscode.CodeLens(range, { title: `$(warning) ${words}`, command: 'assetLineage.focusAsset', arguments: [args], tooltip: statusSentence(needsWork) }));
      // Launching is offered where there is something Dagster materializes (not sources or stubs).
      const launchable = site.items.filter((a) => !unmaterializedKinds.has(a.node.kind));
      if (launchable.length) {
        const partitioned = launchable.some((a) => a.node.partitions !== null);
        const launchArgs: AssetArgs = { assetKeys: launchable.map((a) => a.userKey) };
        lenses.push(
          new vscode.CodeLens(range, partitioned
            ? { title: 'Backfill…', command: 'assetLineage.backfill', arguments: [launchArgs], tooltip: 'Plan a backfill of some partitions (and downstream), preview it, launch it' }
            : { title: 'Materialize…', command: 'assetLineage.materialize', arguments: [launchArgs], tooltip: 'Preview and launch a run that materializes this asset (and downstream)' }),
        );
      }
    }
    return lenses;
  }
}

/**
 * CodeLens above each asset definition, registered only while `assetLineage.codeLens.enabled` is
 * on: turning the setting off unregisters the provider, so nothing is computed for hidden lenses.
 */
export class CodeLensController extends Disposable {
  private registration: vscode.Disposable | undefined;
  private provider: LineageCodeLensProvider | undefined;

  constructor(
    private readonly scanner: WorkspaceScanner,
    private readonly documents: DocumentAssets,
    private readonly monitor: InstanceMonitor,
  ) {
    super();
    this.register(monitor.onDidChange(() => this.provider?.changed.fire()));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => affectsCodeLens(event) && this.apply()));
    this.register(scanner.onDidChangeGraph(() => this.provider?.changed.fire()));
    this.register({ dispose: () => this.unregister() });
    this.apply();
  }

  private apply(): void {
    const enabled = codeLensEnabled();
    if (enabled && !this.registration) {
      const provider = new LineageCodeLensProvider(this.scanner, this.documents, this.monitor);
      const registration = vscode.languages.registerCodeLensProvider(selector, provider);
      this.provider = provider;
      this.registration = vscode.Disposable.from(registration, provider.changed);
      log.debug('CodeLens on');
    } else if (!enabled && this.registration) {
      this.unregister();
      log.debug('CodeLens off');
    }
  }

  private unregister(): void {
    this.registration?.dispose();
    this.registration = undefined;
    this.provider = undefined;
  }
}
