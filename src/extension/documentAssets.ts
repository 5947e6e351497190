import * as vscode from 'vscode';
import { PythonStructure, definitionSites, siteAtLine, type DefinitionSite } from '../core/view/definitionRanges';
import { lexPython, type LexedPython } from '../core/view/pythonTokens';
import type { LocatedAsset, WorkspaceIndex } from '../core/view/workspaceIndex';
import { Disposable } from './lifecycle';
import type { WorkspaceScanner } from './workspaceScanner';

export type AssetSite = DefinitionSite<LocatedAsset>;

interface Entry {
  version: number;
  lexed: LexedPython | null;
  structure: PythonStructure | null;
  index: WorkspaceIndex | undefined;
  sites: AssetSite[] | null;
}

/** Documents kept; CodeLens, hover and cursor tracking touch the same few over and over. */
const maxEntries = 16;

function isPython(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' || document.uri.path.endsWith('.py');
}

/**
 * The assets of an open document and where each is defined, read from the editor's text (saved or
 * not) and cached per document version and scan, so moving the cursor does not lex the file again.
 */
export class DocumentAssets extends Disposable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly scanner: WorkspaceScanner) {
    super();
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.entries.delete(document.uri.toString())));
  }

  /** The lexed text of a Python document. */
  lexed(document: vscode.TextDocument): LexedPython | null {
    if (!isPython(document)) return null;
    const entry = this.entry(document);
    entry.lexed ??= lexPython(document.getText());
    return entry.lexed;
  }

  /** The assets defined in the document, grouped by definition, with the lines each definition spans. */
  sites(document: vscode.TextDocument): AssetSite[] {
    const index = this.scanner.index;
    if (!index || document.uri.scheme !== 'file') return [];
    const entry = this.entry(document);
    if (entry.sites && entry.index === index) return entry.sites;
    const assets = index.assetsInFile(document.uri.fsPath);
    let structure: PythonStructure | null = null;
    if (assets.length > 0 && isPython(document)) {
      const lexed = this.lexed(document) as LexedPython;
      structure = entry.structure ??= new PythonStructure(lexed);
    }
    entry.index = index;
    const sites = assets.length === 0 ? [] : definitionSites(structure, document.lineCount, assets.filter((a) => a.node.line > 0), (a) => a.node.line);
    entry.sites = sites;
    return sites;
  }

  /** The definition holding a (0-based) position, innermost first. */
  siteAt(document: vscode.TextDocument, position: vscode.Position): AssetSite | undefined {
    return siteAtLine(this.sites(document), position.line + 1);
  }

  private entry(document: vscode.TextDocument): Entry {
    const key = document.uri.toString();
    let entry = this.entries.get(key);
    if (entry && entry.version !== document.version) entry = undefined;
    if (!entry) {
      entry = { version: document.version, lexed: null, structure: null, index: undefined, sites: null };
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (this.entries.size > maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return entry;
  }
}
