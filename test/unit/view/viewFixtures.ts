import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetGraph, AssetNode } from '../../../src/core/model/graph';
import type { FolderGraph } from '../../../src/core/view/workspaceIndex';
import { assetNode, type AssetNodeFields } from '../../builders/assetNode';

/** The reviewed scan of the example project (test/golden), as the extension would hold it. */
export function harborFolder(root = '/ws/harbor'): FolderGraph {
  const graph = JSON.parse(readFileSync(join(__dirname, '../../golden/harbor.scan.json'), 'utf8')) as AssetGraph;
  return { root, name: 'harbor', graph };
}

/** A node with defaults, for small graphs written in the test. */
export function node(key: string[], fields: Omit<AssetNodeFields, 'deps'> & { deps?: string[][] } = {}): AssetNode {
  return assetNode(key, { file: 'pkg/assets.py', codeLocation: 'pkg', ...fields });
}

export function folder(root: string, assets: AssetNode[], extra: Partial<AssetGraph> = {}): FolderGraph {
  return { root, name: root.split('/').pop() ?? root, graph: { version: 1, assets, diagnostics: [], codeLocations: [], ...extra } };
}
