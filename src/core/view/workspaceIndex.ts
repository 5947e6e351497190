import { join } from 'node:path';
import { keyToUserString, keysEqual, type AssetKey } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
import type { KeyReference } from './keyReference';

/** The graph of one workspace folder: its files are relative to `root`. */
export interface FolderGraph {
  /** Absolute path of the scanned folder. */
  readonly root: string;
  /** Display name (the workspace folder's name). */
  readonly name: string;
  readonly graph: AssetGraph;
}

/** An asset with what the editor needs to show it: its folder, its key as a user string, its file. */
export interface LocatedAsset {
  readonly node: AssetNode;
  readonly folder: FolderGraph;
  /** Dagster's user string (`a/b`), the form the webview protocol and the CLI use. */
  readonly userKey: string;
  /** Absolute path of the defining file; null for stubs, which no file defines. */
  readonly path: string | null;
}

export interface DirectCounts {
  upstream: number;
  downstream: number;
}

/**
 * Lookups over the graphs of every workspace folder, built once per scan: keys, direct and
 * transitive neighbours, assets by file. Keys are compared as user strings, the identity the
 * protocol uses; a key defined in two code locations is one node with both sets of edges.
 */
export class WorkspaceIndex {
  readonly assets: readonly LocatedAsset[];
  /** Every folder's assets, diagnostics and locations in one graph (what the webview draws). */
  readonly graph: AssetGraph;
  private readonly byKey = new Map<string, LocatedAsset[]>();
  private readonly parents = new Map<string, string[]>();
  private readonly children = new Map<string, string[]>();
  private readonly byPath = new Map<string, LocatedAsset[]>();

  constructor(
    readonly folders: readonly FolderGraph[],
    joinPath: (root: string, relative: string) => string = join,
  ) {
    const assets: LocatedAsset[] = [];
    for (const folder of folders) {
      for (const node of folder.graph.assets) {
        const located: LocatedAsset = { node, folder, userKey: keyToUserString(node.key), path: node.file ? joinPath(folder.root, node.file) : null };
        assets.push(located);
        push(this.byKey, located.userKey, located);
        if (located.path !== null) push(this.byPath, located.path, located);
      }
    }
    this.assets = assets;
    // Sets while building: a key shared by two locations, or listed twice, is one edge; a hub with
    // thousands of dependents must not cost a scan of its list per edge.
    const parents = new Map<string, Set<string>>();
    const children = new Map<string, Set<string>>();
    for (const asset of assets) {
      for (const dep of asset.node.deps) {
        const parent = keyToUserString(dep.key);
        addTo(parents, asset.userKey, parent);
        addTo(children, parent, asset.userKey);
      }
    }
    for (const [key, set] of parents) this.parents.set(key, [...set]);
    for (const [key, set] of children) this.children.set(key, [...set]);
    for (const list of this.byPath.values()) list.sort((a, b) => a.node.line - b.node.line || compareText(a.userKey, b.userKey));
    this.graph =
      folders.length === 1
        ? (folders[0] as FolderGraph).graph
        : {
            version: 1,
            assets: folders.flatMap((f) => f.graph.assets),
            diagnostics: folders.flatMap((f) => f.graph.diagnostics),
            codeLocations: folders.flatMap((f) => f.graph.codeLocations),
          };
  }

  get size(): number {
    return this.assets.length;
  }

  /** The asset with this user key; a definition wins over a stub of the same key elsewhere. */
  get(userKey: string): LocatedAsset | undefined {
    const list = this.byKey.get(userKey);
    if (!list) return undefined;
    return list.find((a) => a.node.kind !== 'stub') ?? list[0];
  }

  lookup(key: AssetKey): LocatedAsset | undefined {
    return this.get(keyToUserString(key));
  }

  /** Keys this asset depends on, in the order written, each once. */
  upstream(userKey: string): readonly string[] {
    return this.parents.get(userKey) ?? [];
  }

  /** Keys that depend on this asset, each once. */
  downstream(userKey: string): readonly string[] {
    return this.children.get(userKey) ?? [];
  }

  directCounts(userKey: string): DirectCounts {
    return { upstream: this.upstream(userKey).length, downstream: this.downstream(userKey).length };
  }

  /**
   * Direct neighbours of several assets defined together (a multi-asset, a factory), each once,
   * without the assets of the group themselves.
   */
  groupCounts(userKeys: readonly string[]): DirectCounts {
    const members = new Set(userKeys);
    const up = new Set<string>();
    const down = new Set<string>();
    for (const key of userKeys) {
      for (const parent of this.upstream(key)) if (!members.has(parent)) up.add(parent);
      for (const child of this.downstream(key)) if (!members.has(child)) down.add(child);
    }
    return { upstream: up.size, downstream: down.size };
  }

  /**
   * Assets within `upstreamDepth` steps upstream and `downstreamDepth` steps downstream (breadth
   * first, so each is reached at its shortest distance), without the asset itself.
   */
  neighbourhood(userKey: string, upstreamDepth: number, downstreamDepth: number): { upstream: Set<string>; downstream: Set<string> } {
    const walk = (next: (key: string) => readonly string[], depth: number): Set<string> => {
      const seen = new Set<string>([userKey]);
      let frontier = [userKey];
      for (let d = 0; d < depth && frontier.length > 0; d++) {
        const following: string[] = [];
        for (const key of frontier) {
          for (const other of next(key)) {
            if (seen.has(other)) continue;
            seen.add(other);
            following.push(other);
          }
        }
        frontier = following;
      }
      seen.delete(userKey);
      return seen;
    };
    return {
      upstream: walk((k) => this.upstream(k), upstreamDepth),
      downstream: walk((k) => this.downstream(k), downstreamDepth),
    };
  }

  /** Assets defined in a file (absolute path), by line. */
  assetsInFile(path: string): readonly LocatedAsset[] {
    return this.byPath.get(path) ?? [];
  }

  /** Absolute paths of every file that defines an asset. */
  filesWithAssets(): string[] {
    return [...this.byPath.keys()].sort(compareText);
  }

  /**
   * The asset a key written in source refers to. `enclosing` are the assets whose definition holds
   * the reference: a dependency written without the prefix a loader adds (`deps=["voyages"]` in a
   * module loaded with `key_prefix="raw"`) or an `ins`/`outs` name is found through them, the way
   * the scanner settled it, never by guessing among unrelated assets.
   */
  resolve(reference: Pick<KeyReference, 'key' | 'form'>, enclosing: readonly LocatedAsset[] = []): LocatedAsset | undefined {
    const written = reference.key;
    if (reference.form === 'key') {
      const exact = this.lookup(written);
      if (exact) return exact;
    }
    const fromDeps = new Set<string>();
    for (const asset of enclosing) {
      for (const dep of asset.node.deps) {
        const matches =
          reference.form === 'input'
            ? dep.inputName === written[0] && written.length === 1
            : reference.form === 'key' && ((dep.writtenKey !== undefined && keysEqual(dep.writtenKey, written)) || endsWith(dep.key, written));
        if (matches) fromDeps.add(keyToUserString(dep.key));
      }
    }
    if (fromDeps.size === 1) return this.get([...fromDeps][0] as string);
    if (fromDeps.size > 1 || reference.form === 'input') return undefined;
    // `AssetOut` names and keys written inside the definition that a loader prefixed.
    const own = enclosing.filter((a) => endsWith(a.node.key, written));
    return own.length === 1 ? own[0] : undefined;
  }
}

function endsWith(key: AssetKey, suffix: AssetKey): boolean {
  if (suffix.length === 0 || suffix.length > key.length) return false;
  const offset = key.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (key[offset + i] !== suffix[i]) return false;
  return true;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
