import * as vscode from 'vscode';
import type { DiagnosticSeverity } from '../core/model/graph';
import { placeDiagnostics } from '../core/view/scanDiagnostics';
import type { WorkspaceIndex } from '../core/view/workspaceIndex';
import { Disposable } from './lifecycle';
import { createLogger } from './log';
import type { WorkspaceScanner } from './workspaceScanner';

const log = createLogger('problems');

const severities: Record<DiagnosticSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The scanner's diagnostics in the Problems panel, replaced after every scan. */
export class ScanProblems extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('assetLineage'));
  /** Diagnostics with no place, by message, so each is logged once rather than after every scan. */
  private logged = new Set<string>();

  constructor(scanner: WorkspaceScanner) {
    super();
    this.register(scanner.onDidChangeGraph((index) => this.update(index)));
    if (scanner.index) this.update(scanner.index);
  }

  private update(index: WorkspaceIndex): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const stillUnplaced = new Set<string>();
    for (const folder of index.folders) {
      const { placed, unplaced } = placeDiagnostics(folder);
      for (const { path, line, diagnostic } of placed) {
        // The line's extent is unknown here (the file may not be open); the editor clamps the end.
        const range = new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
        const item = new vscode.Diagnostic(range, diagnostic.message, severities[diagnostic.severity]);
        item.source = 'Asset Lineage';
        item.code = diagnostic.code;
        const list = byFile.get(path);
        if (list) list.push(item);
        else byFile.set(path, [item]);
      }
      for (const diagnostic of unplaced) {
        const text = `${folder.name}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`;
        stillUnplaced.add(text);
        if (!this.logged.has(text)) log.warn(text);
      }
    }
    this.logged = stillUnplaced;
    this.collection.clear();
    this.collection.set([...byFile].map(([path, items]) => [vscode.Uri.file(path), items]));
  }
}
