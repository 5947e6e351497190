import { z } from 'zod';
import { KeyMap, keyId, type AssetKey } from './assetKey';
import { partitionMappingSchema, type PartitionMapping } from './partitionMappings';
import { partitionsDefinitionSchema, type PartitionsDefinition } from './partitions';

/** How an asset came to exist; `stub` is the external leaf Dagster adds for a dependency nobody defines. */
export const assetKinds = [
  'asset',
  'multi_asset',
  'graph_asset',
  'source',
  'observable_source',
  'external',
  'dbt',
  'stub',
] as const;
export type AssetKind = (typeof assetKinds)[number];

/** Kinds Dagster never materializes (sources, external assets, stubs): nothing to launch, and never stale. */
export const unmaterializedKinds: ReadonlySet<AssetKind> = new Set<AssetKind>(['source', 'observable_source', 'external', 'stub']);

export type BackfillPolicy = { type: 'single_run' } | { type: 'multi_run'; maxPartitionsPerRun: number };

export const backfillPolicySchema: z.ZodType<BackfillPolicy> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('single_run') }),
  z.object({ type: z.literal('multi_run'), maxPartitionsPerRun: z.number().int().positive() }),
]);

/** How a dependency key was settled when the code location's Definitions were built (§2.3). */
export type DepResolution = 'exact' | 'group' | 'stub';

export interface AssetDep {
  key: string[];
  /** The explicit mapping from AssetIn / AssetDep / from_graph / dbt; null when Dagster infers it. */
  partitionMapping: PartitionMapping | null;
  /** The key as written before same-group re-targeting, when it differs from `key`. */
  writtenKey?: string[];
  /** The function parameter (input) this dependency feeds; absent for `deps=` entries. */
  inputName?: string;
  /** True for a real (non-Nothing) input: Dagster fails to load when such a key cannot be resolved. */
  carriesData: boolean;
  resolution: DepResolution;
}

export interface AssetNode {
  key: string[];
  /** Path relative to the scanned root, with `/` separators. */
  file: string;
  /** 1-based: the first decorator line, or the line of the assignment / call for other forms. */
  line: number;
  kind: AssetKind;
  group: string;
  codeLocation: string;
  deps: AssetDep[];
  partitions: PartitionsDefinition | null;
  codeVersion: string | null;
  backfillPolicy: BackfillPolicy | null;
  description: string | null;
  owners: string[];
  tags: Record<string, string>;
  kinds: string[];
  /** The automation condition exactly as written in the source, when there is one. */
  automationCondition: string | null;
  /** The op / compute function name, for multi-assets the op shared by every output. */
  opName: string | null;
  /** Hash of the defining function's source: later layers compare it to the version recorded at materialization. */
  sourceHash: string | null;
  metadata: Record<string, unknown>;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: DiagnosticSeverity;
  /** Relative to the scanned root; empty for diagnostics about the scan as a whole. */
  file: string;
  line: number;
  message: string;
  /** A stable short identifier, e.g. `unresolved-name`, so views can filter and tests can match. */
  code: string;
}

export interface CodeLocationSummary {
  name: string;
  /** Where the location was declared (workspace.yaml, pyproject.toml, dg.toml) or `implicit`. */
  source: string;
  /** The module, file or package Dagster would load, as written in its configuration. */
  target: string;
  /** The working directory relative to the scanned root. */
  root: string;
  /**
   * How Dagster's CLI points at the location: `-m target`, `-f target` (relative to the scanned
   * root), `--package-name target` (each with `-a attribute`), a defs folder loaded by
   * `autoload_defs_module` in workspace.yaml (`target` is that module), or a dg project (`target`
   * is its definitions module, `project` the folder of its pyproject.toml / dg.toml, relative to
   * the scanned root).
   */
  pointer: { kind: 'module' | 'file' | 'package'; attribute: string | null } | { kind: 'autoload' } | { kind: 'dgProject'; project: string };
}

export interface AssetGraph {
  version: 1;
  assets: AssetNode[];
  diagnostics: Diagnostic[];
  codeLocations: CodeLocationSummary[];
}

const assetDepSchema = z.object({
  key: z.array(z.string()).min(1),
  partitionMapping: partitionMappingSchema.nullable(),
  writtenKey: z.array(z.string()).optional(),
  inputName: z.string().optional(),
  carriesData: z.boolean(),
  resolution: z.enum(['exact', 'group', 'stub']),
});

export const assetNodeSchema = z.object({
  key: z.array(z.string()).min(1),
  file: z.string(),
  line: z.number().int().nonnegative(),
  kind: z.enum(assetKinds),
  group: z.string(),
  codeLocation: z.string(),
  deps: z.array(assetDepSchema),
  partitions: partitionsDefinitionSchema.nullable(),
  codeVersion: z.string().nullable(),
  backfillPolicy: backfillPolicySchema.nullable(),
  description: z.string().nullable(),
  owners: z.array(z.string()),
  tags: z.record(z.string()),
  kinds: z.array(z.string()),
  automationCondition: z.string().nullable(),
  opName: z.string().nullable(),
  sourceHash: z.string().nullable(),
  metadata: z.record(z.unknown()),
});

export const diagnosticSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  file: z.string(),
  line: z.number().int().nonnegative(),
  message: z.string(),
  code: z.string(),
});

/** The serialised graph (`asset-lineage scan --format json`); the webview and tests validate against it. */
export const assetGraphSchema = z.object({
  version: z.literal(1),
  assets: z.array(assetNodeSchema),
  diagnostics: z.array(diagnosticSchema),
  codeLocations: z.array(
    z.object({
      name: z.string(),
      source: z.string(),
      target: z.string(),
      root: z.string(),
      pointer: z.union([
        z.object({ kind: z.enum(['module', 'file', 'package']), attribute: z.string().nullable() }),
        z.object({ kind: z.literal('autoload') }),
        z.object({ kind: z.literal('dgProject'), project: z.string() }),
      ]),
    }),
  ),
});

/** Lookups over a graph that views and engines need again and again. */
export class GraphIndex {
  readonly byId = new Map<string, AssetNode>();
  readonly children = new Map<string, string[]>();
  readonly parents = new Map<string, string[]>();

  constructor(readonly graph: AssetGraph) {
    const assets = graph.assets;
    const ids: string[] = [];
    for (const asset of assets) {
      const id = keyId(asset.key);
      ids.push(id);
      this.byId.set(id, asset);
      this.children.set(id, []);
      this.parents.set(id, []);
    }
    for (let i = 0; i < assets.length; i++) {
      const id = ids[i] as string;
      const parents = this.parents.get(id) as string[];
      for (const dep of (assets[i] as AssetNode).deps) {
        const parent = keyId(dep.key);
        parents.push(parent);
        this.children.get(parent)?.push(id);
      }
    }
  }

  get(key: AssetKey): AssetNode | undefined {
    return this.byId.get(keyId(key));
  }
}

/** Keys are unique per code location; two locations may define the same key. */
export function assetId(asset: { key: AssetKey }): string {
  return keyId(asset.key);
}

/**
 * Cycles among assets (Dagster refuses them at load time). Returns each strongly connected
 * component of two or more assets, or one asset depending on itself with a non-partitioned edge.
 *
 * Components come in Tarjan's completion order over the assets in graph order (the first asset of
 * a key stands for it), each sorted as `Array.prototype.sort` sorts keys (by `key.join(',')`).
 */
export function findCycles(graph: AssetGraph): string[][][] {
  const assets = graph.assets;
  // Number the distinct keys 0..n-1 in order of first appearance; `keys[v]` is the first asset's key.
  const indexOf = new KeyMap<number>();
  const nodeOf = new Int32Array(assets.length);
  const keys: AssetKey[] = [];
  for (let i = 0; i < assets.length; i++) {
    const key = (assets[i] as AssetNode).key;
    let v = indexOf.get(key);
    if (v === undefined) {
      v = keys.length;
      indexOf.set(key, v);
      keys.push(key);
    }
    nodeOf[i] = v;
  }
  const n = keys.length;

  // Child lists (dependency → dependent) in compressed form, each in asset order then dep order.
  let edgeCount = 0;
  for (const asset of assets) edgeCount += asset.deps.length;
  const edgeFrom = new Int32Array(edgeCount);
  const edgeTo = new Int32Array(edgeCount);
  const start = new Int32Array(n + 1);
  let edges = 0;
  for (let i = 0; i < assets.length; i++) {
    const child = nodeOf[i] as number;
    for (const dep of (assets[i] as AssetNode).deps) {
      const parent = indexOf.get(dep.key);
      if (parent === undefined) continue;
      edgeFrom[edges] = parent;
      edgeTo[edges++] = child;
      (start[parent + 1] as number)++;
    }
  }
  for (let v = 0; v < n; v++) (start[v + 1] as number) += start[v] as number;
  const fill = start.slice(0, n);
  const succ = new Int32Array(edges);
  for (let e = 0; e < edges; e++) succ[(fill[edgeFrom[e] as number] as number)++] = edgeTo[e] as number;

  // Iterative Tarjan: graphs of 10,000 assets would overflow the call stack recursively.
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const workNode = new Int32Array(n);
  const workNext = new Int32Array(n);
  const components: string[][][] = [];
  let top = 0;
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    let depth = 0;
    workNode[0] = root;
    workNext[0] = start[root] as number;
    order[root] = low[root] = counter++;
    stack[top++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = workNode[depth] as number;
      const next = workNext[depth] as number;
      if (next < (start[v + 1] as number)) {
        workNext[depth] = next + 1;
        const w = succ[next] as number;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack[top++] = w;
          onStack[w] = 1;
          depth++;
          workNode[depth] = w;
          workNext[depth] = start[w] as number;
        } else if (onStack[w] && (order[w] as number) < (low[v] as number)) {
          low[v] = order[w] as number;
        }
        continue;
      }
      depth--;
      if (depth >= 0) {
        const parent = workNode[depth] as number;
        if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
      }
      if (low[v] !== order[v]) continue;
      const from = stack.lastIndexOf(v, top - 1);
      const size = top - from;
      let selfLoop = false;
      if (size === 1) {
        for (let e = start[v] as number; e < (start[v + 1] as number); e++) if (succ[e] === v) selfLoop = true;
      }
      if (size > 1 || selfLoop) {
        // Popped order (the top of the stack first), then a stable sort: what the old map-based code gave.
        const members: { key: string[]; text: string }[] = [];
        for (let j = top - 1; j >= from; j--) {
          const key = [...(keys[stack[j] as number] as AssetKey)];
          members.push({ key, text: key.join(',') });
        }
        members.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
        components.push(members.map((m) => m.key));
      }
      for (let j = from; j < top; j++) onStack[stack[j] as number] = 0;
      top = from;
    }
  }
  return components;
}
