import * as vscode from 'vscode';
import { assetHoverMarkdown } from '../core/view/assetText';
import { loadCore } from './lazyCore';
import { keyReferenceAt, type KeyReference } from '../core/view/keyReference';
import type { LocatedAsset } from '../core/view/workspaceIndex';
import type { DocumentAssets } from './documentAssets';
import type { InstanceMonitor } from './instanceMonitor';
import { Disposable } from './lifecycle';
import type { WorkspaceScanner } from './workspaceScanner';

const python: vscode.DocumentSelector = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
];

/**
 * Hover and Go to Definition on asset keys written in Python (`deps=["a"]`, `AssetKey([...])`,
 * `AssetIn(key=...)`), read from the editor's text so unsaved edits count.
 */
export class AssetLanguageFeatures extends Disposable implements vscode.HoverProvider, vscode.DefinitionProvider {
  constructor(
    private readonly scanner: WorkspaceScanner,
    private readonly documents: DocumentAssets,
    private readonly monitor: InstanceMonitor,
  ) {
    super();
    this.register(vscode.languages.registerHoverProvider(python, this));
    this.register(vscode.languages.registerDefinitionProvider(python, this));
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = this.assetAt(document, position);
    if (!found || !this.scanner.index) return undefined;
    const partitions = found.asset.node.partitions ? loadCore().partitionsNowText(found.asset.node.partitions, Date.now()) : undefined;
    const markdown = new vscode.MarkdownString(assetHoverMarkdown(found.asset, this.scanner.index, 12, partitions, this.monitor.status(found.asset.userKey)));
    // Workspace text (keys, descriptions) is in this Markdown: no command links, no HTML.
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, found.range);
  }

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Definition | undefined {
    const found = this.assetAt(document, position);
    if (!found?.asset.path) return undefined;
    const line = Math.max(0, found.asset.node.line - 1);
    return new vscode.Location(vscode.Uri.file(found.asset.path), new vscode.Position(line, 0));
  }

  private assetAt(document: vscode.TextDocument, position: vscode.Position): { asset: LocatedAsset; range: vscode.Range } | undefined {
    const index = this.scanner.index;
    if (!index) return undefined;
    const lexed = this.documents.lexed(document);
    if (!lexed) return undefined;
    const reference: KeyReference | null = keyReferenceAt(lexed, document.offsetAt(position));
    if (!reference) return undefined;
    // The definition around the reference settles keys written without a loader's prefix, and ins/outs names.
    const enclosing = this.documents.siteAt(document, position)?.items ?? [];
    const asset = index.resolve(reference, enclosing);
    if (!asset) return undefined;
    return { asset, range: new vscode.Range(document.positionAt(reference.start), document.positionAt(reference.end)) };
  }
}
