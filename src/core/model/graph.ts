import { z } from 'zod';
import { keyId, type AssetKey } from './assetKey';
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
    z.object({ name: z.string(), source: z.string(), target: z.string(), root: z.string() }),
  ),
});

/** Lookups over a graph that views and engines need again and again. */
export class GraphIndex {
  readonly byId = new Map<string, AssetNode>();
  readonly children = new Map<string, string[]>();
  readonly parents = new Map<string, string[]>();

  constructor(readonly graph: AssetGraph) {
    for (const asset of graph.assets) {
      const id = assetId(asset);
      this.byId.set(id, asset);
      this.children.set(id, []);
      this.parents.set(id, []);
    }
    for (const asset of graph.assets) {
      const id = assetId(asset);
      for (const dep of asset.deps) {
        const parent = keyId(dep.key);
        this.parents.get(id)?.push(parent);
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
 */
export function findCycles(graph: AssetGraph): string[][][] {
  const index = new GraphIndex(graph);
  const ids = [...index.byId.keys()];
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][][] = [];
  let counter = 0;

  // Iterative Tarjan: graphs of 10,000 assets would overflow the call stack recursively.
  for (const root of ids) {
    if (order.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    order.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const succ = index.children.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const child = succ[frame.next++] as string;
        if (!order.has(child)) {
          order.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, order.get(child) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === order.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && (index.children.get(frame.id) ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) {
          components.push(component.map((id) => JSON.parse(id) as string[]).sort());
        }
      }
    }
  }
  return components.map((c) => c.map((k) => k));
}
