import { keyId, keyToUserString, parseUserKey } from '../model/assetKey';
import { unmaterializedKinds, type AssetGraph, type AssetNode } from '../model/graph';
import { inferPartitionMapping, type PartitionMapping } from '../model/partitionMappings';
import { isTimeWindow } from '../model/partitions';
import { PartitionsError } from '../partitions/errors';
import { createSpace, type PartitionSpace, type SpaceContext, type UnknownSpace } from '../partitions/keySpaces';
import { upstreamOf } from '../partitions/mappings';
import { subsetFromKeys, subsetKeys, subsetSize } from '../partitions/subsets';
import { unpartitionedInputChanged, type UpstreamHistory } from '../state/inputChanges';
import type { MaterializationRecord, PartitionState } from '../state/instanceState';
import type { LocalInstance } from '../state/localInstance';
import { codeVersionAt, currentRecord, flagsAt, inputListAt, pointerAt, provenanceFlag, recordFlag, statusColumns, stride, type StatusColumns } from '../state/statusColumns';

/**
 * Dagster's stale status of one asset partition (`CachingStaleStatusResolver`, §5): MISSING
 * without a record, FRESH for external assets, otherwise STALE with its causes (a new code version,
 * a dependency added or removed, an input with new data) or FRESH. Like Dagster, staleness does not
 * travel: an asset is not stale because its upstream is.
 */

export type StaleStatus = 'MISSING' | 'STALE' | 'FRESH';
export type StaleCategory = 'CODE' | 'DATA' | 'DEPENDENCIES';

export interface StaleCause {
  category: StaleCategory;
  reason: string;
  /** The asset is shared between causes (frozen): copy it to change it. */
  dependency?: { asset: readonly string[]; partition: string | null };
}

export interface Staleness {
  status: StaleStatus;
  causes: StaleCause[];
}

/** Dagster's `SKIP_PARTITION_DATA_VERSION_DEPENDENCY_THRESHOLD` (and the self-dependency one). */
export const partitionDependencyThreshold = 100;

/** Assets Dagster does not materialize: never MISSING, always FRESH. */
export const externalKinds = unmaterializedKinds;

/** A dependency of an asset as the graph alone decides it: the same for every evaluation of one graph. */
interface ParentPlan {
  node: AssetNode;
  /** The parent's key, frozen: every cause naming this parent shares it. */
  key: readonly string[];
  user: string;
  /** The parent's number in `GraphPlans.assets`: an evaluation keeps its states and history by it. */
  index: number;
  mapping: PartitionMapping;
  /**
   * A number per distinct (definitions, self, mapping): edges with the same number read the same
   * parent partitions for a child partition, which an evaluation remembers once for all of them.
   */
  edge: number;
  /** Dagster checks nothing through this edge (a time-window parent reached through All). */
  skipped: boolean;
  /** The asset itself. */
  self: boolean;
  /** The asset's own unpartitioned self (never a dependency that can change under it). */
  selfUnpartitioned: boolean;
}

/** What a plan works out once for each list of recorded input names (records share the list object). */
interface InputShape {
  names: readonly string[];
  /** Recorded inputs that are dependencies no more. */
  removed: readonly string[];
  /** By parent (in `parents` order): the position of its name in `names`, or -1 when it was not an input. */
  positions: Int32Array;
}

/** What every partition of one asset shares: its parents and its records. */
export interface NodePlan {
  node: AssetNode;
  user: string;
  /** An asset Dagster does not materialize (always fresh). */
  external: boolean;
  parents: ParentPlan[];
  /** The asset's states as columns (null without any state). */
  columns: StatusColumns | null;
  /**
   * The definition's code version as a number of `columns.codeVersions`: `noCodeCheck` when the
   * definition has none (nothing to compare), -1 when no record has it (every record differs).
   */
  codeVersion: number;
  /** Input shapes by input list number of the columns, made when first asked. */
  shapes: (InputShape | undefined)[];
}

const noCodeCheck = -2;

/**
 * One space per distinct partitions definition: thousands of assets usually share a handful, and a
 * space remembers the keys it has read.
 */
export class SpaceCache {
  private readonly byDefinition = new Map<string, PartitionSpace | UnknownSpace>();
  private readonly byNode = new Map<AssetNode, PartitionSpace | UnknownSpace | null>();

  constructor(readonly context: SpaceContext) {}

  of(node: AssetNode): PartitionSpace | UnknownSpace | null {
    let space = this.byNode.get(node);
    if (space !== undefined) return space;
    space = null;
    if (node.partitions) {
      const definition = definitionKey(node);
      space = this.byDefinition.get(definition) ?? null;
      if (!space) {
        space = createSpace(node.partitions, this.context);
        this.byDefinition.set(definition, space);
      }
    }
    this.byNode.set(node, space);
    return space;
  }
}

const definitionKeys = new WeakMap<object, string>();
function definitionKey(node: AssetNode): string {
  const partitions = node.partitions as object;
  let key = definitionKeys.get(partitions);
  if (key === undefined) definitionKeys.set(partitions, (key = JSON.stringify(partitions)));
  return key;
}

/** An explicit mapping's JSON, made once per mapping object (it belongs to the graph, asked about on every evaluation; inferred mappings are new objects each time). */
const mappingKeys = new WeakMap<object, string>();
function mappingKey(mapping: PartitionMapping): string {
  let key = mappingKeys.get(mapping);
  if (key === undefined) mappingKeys.set(mapping, (key = JSON.stringify(mapping)));
  return key;
}

/** A short name for each distinct definition (edge keys are built for every dependency; the JSON is long). */
const definitionNumbers = new Map<string, number>();
function definitionNumber(node: AssetNode): number {
  const key = definitionKey(node);
  let n = definitionNumbers.get(key);
  if (n === undefined) definitionNumbers.set(key, (n = definitionNumbers.size));
  return n;
}

/** One distinct asset of a graph (the first node with its key), numbered in graph order. */
interface GraphAsset {
  node: AssetNode;
  id: string;
  /** Frozen: shared by every cause and report entry that names this asset. */
  key: readonly string[];
  user: string;
  index: number;
  /** A distinct number per partitions definition (-1: unpartitioned), for edge keys. */
  definition: number;
  /** Made when a plan first asks. */
  parents: ParentPlan[] | undefined;
}

/**
 * What staleness needs of a graph alone (asset numbers, keys, parents, mappings, edge numbers), made
 * once per graph object: the extension evaluates the same graph against every re-read of the
 * instance, and a report would otherwise rebuild it for thousands of assets each time.
 */
export class GraphPlans {
  /** Distinct assets in graph order. */
  readonly assets: GraphAsset[] = [];
  private readonly byId = new Map<string, GraphAsset>();
  private readonly byNode = new Map<AssetNode, GraphAsset>();
  private readonly edges = new Map<string, number>();

  constructor(graph: AssetGraph) {
    for (const node of graph.assets) {
      const id = keyId(node.key);
      let asset = this.byId.get(id);
      // A stub stands for an asset no definition names: a definition with its key takes its place.
      if (asset && asset.node.kind === 'stub' && node.kind !== 'stub') {
        asset.node = node;
        asset.definition = node.partitions ? definitionNumber(node) : -1;
      }
      if (!asset) {
        asset = { node, id, key: Object.freeze([...node.key]), user: keyToUserString(node.key), index: this.assets.length, definition: node.partitions ? definitionNumber(node) : -1, parents: undefined };
        this.assets.push(asset);
        this.byId.set(id, asset);
      }
      this.byNode.set(node, asset);
    }
  }

  /** The graph's asset for a node of the graph, or one with its key. */
  asset(node: AssetNode): GraphAsset | undefined {
    return this.byNode.get(node) ?? this.byId.get(keyId(node.key));
  }

  /** One parent per distinct dependency in the graph, in order of the node's deps. */
  parents(node: AssetNode, self: GraphAsset | undefined): ParentPlan[] {
    if (self?.parents) return self.parents;
    const id = self?.id ?? keyId(node.key);
    const definition = self?.definition ?? (node.partitions ? definitionNumber(node) : -1);
    const parents: ParentPlan[] = [];
    const seen = new Set<number>();
    for (const dep of node.deps) {
      const parent = this.byId.get(keyId(dep.key));
      if (!parent || seen.has(parent.index)) continue;
      seen.add(parent.index);
      const isSelf = parent.id === id;
      // An inferred mapping follows from the two definitions, which the numbers already name.
      const edgeKey = `${definition} ${parent.definition} ${isSelf ? 'self' : ''} ${dep.partitionMapping ? mappingKey(dep.partitionMapping) : 'inferred'}`;
      let edge = this.edges.get(edgeKey);
      if (edge === undefined) this.edges.set(edgeKey, (edge = this.edges.size));
      const mapping = inferPartitionMapping(dep.partitionMapping, node.partitions, parent.node.partitions);
      parents.push({
        node: parent.node,
        key: parent.key,
        user: parent.user,
        index: parent.index,
        mapping,
        edge,
        skipped: parent.node.partitions !== null && isTimeWindow(parent.node.partitions) && mapping.type === 'all',
        self: isSelf,
        selfUnpartitioned: isSelf && !parent.node.partitions,
      });
    }
    // Only the graph's own node is remembered (a node from elsewhere may have other deps).
    if (self && self.node === node) self.parents = parents;
    return parents;
  }
}

const graphPlanCache = new WeakMap<AssetGraph, GraphPlans>();

/** The graph's plans, made on first use (graphs are not changed once built). */
export function graphPlans(graph: AssetGraph): GraphPlans {
  let plans = graphPlanCache.get(graph);
  if (!plans) graphPlanCache.set(graph, (plans = new GraphPlans(graph)));
  return plans;
}

/** Shared lookups for one evaluation: the graph's plans with one instance's records. */
export class StalenessContext {
  readonly spaces: SpaceCache;
  readonly graph: GraphPlans;
  /** The instance's input event pointers (`MaterializationRecord.inputPointerAt`). */
  readonly pointers: readonly number[];
  /** By graph asset number: the instance's states of the asset, and its history as an input. */
  readonly states: (Map<string | null, PartitionState> | undefined)[];
  readonly histories: (UpstreamHistory | undefined)[];
  private readonly plans: (NodePlan | undefined)[];
  /** By edge number: the parent partitions each child partition reads. */
  private readonly mappedByEdge: (Map<string | null, (string | null)[] | null> | undefined)[] = [];

  constructor(
    graph: AssetGraph,
    readonly instance: LocalInstance,
    readonly context: SpaceContext,
    spaces?: SpaceCache,
  ) {
    this.spaces = spaces ?? new SpaceCache(context);
    this.graph = graphPlans(graph);
    this.pointers = instance.inputPointerColumn;
    const n = this.graph.assets.length;
    this.states = new Array(n);
    this.histories = new Array(n);
    this.plans = new Array(n);
    for (let i = 0; i < n; i++) {
      const user = (this.graph.assets[i] as GraphAsset).user;
      this.states[i] = instance.assets.get(user)?.partitions;
      this.histories[i] = instance.inputHistories?.get(user);
    }
  }

  space(node: AssetNode): PartitionSpace | UnknownSpace | null {
    return this.spaces.of(node);
  }

  /** Asked once per asset by bulk walks (which then go through its partitions), not per partition. */
  plan(node: AssetNode): NodePlan {
    const self = this.graph.asset(node);
    const cached = self && self.node === node ? this.plans[self.index] : undefined;
    if (cached) return cached;
    const user = self?.user ?? keyToUserString(node.key);
    const states = self ? this.states[self.index] : this.instance.assets.get(user)?.partitions;
    const columns = states ? statusColumns(states) : null;
    const plan: NodePlan = {
      node,
      user,
      external: externalKinds.has(node.kind),
      parents: this.graph.parents(node, self),
      columns,
      codeVersion: node.codeVersion === null ? noCodeCheck : (columns?.codeVersions.indexOf(node.codeVersion) ?? -1),
      shapes: [],
    };
    if (self && self.node === node) this.plans[self.index] = plan;
    return plan;
  }

  /** The parent partitions already worked out for each child partition through edges like this one. */
  mapped(parent: ParentPlan): Map<string | null, (string | null)[] | null> {
    let mapped = this.mappedByEdge[parent.edge];
    if (!mapped) this.mappedByEdge[parent.edge] = mapped = new Map();
    return mapped;
  }
}


/**
 * The parent partitions Dagster checks (`_get_partition_dependencies`): an unpartitioned parent is one
 * dependency; a time-window parent reached through All is skipped; mapped parent partitions count only
 * when there are fewer than 100; an asset's dependency on itself is skipped at 100 partitions or more.
 */
function parentPartitions(ctx: StalenessContext, node: AssetNode, partition: string | null, parent: ParentPlan): (string | null)[] | null {
  const mapped = ctx.mapped(parent);
  const known = mapped.get(partition);
  if (known !== undefined) return known;
  const found = mapParentPartitions(ctx, node, partition, parent);
  mapped.set(partition, found);
  return found;
}

function mapParentPartitions(ctx: StalenessContext, node: AssetNode, partition: string | null, parent: ParentPlan): (string | null)[] | null {
  if (!parent.node.partitions) return [null];
  if (parent.skipped) return null;
  const childSpace = ctx.space(node);
  const parentSpace = ctx.space(parent.node);
  if (!parentSpace || parentSpace.kind === 'unknown' || childSpace?.kind === 'unknown') return null;
  if (parent.self && parentSpace.count >= partitionDependencyThreshold) return null;
  try {
    const selection = childSpace === null ? ({ kind: 'whole' } as const) : subsetFromKeys(childSpace, partition === null ? [] : [partition], { windows: true }).subset;
    const mapped = upstreamOf(parent.mapping, parentSpace, childSpace, selection).selection;
    if (mapped === null || mapped.kind === 'whole') return [null];
    if (subsetSize(mapped) >= partitionDependencyThreshold) return null;
    // The child's own key object where the parent's key is the same (identity mappings): the
    // parent's history was keyed with the instance's strings, and finds it without comparing characters.
    const keys = subsetKeys(mapped);
    for (let k = 0; k < keys.length; k++) if (keys[k] === partition) keys[k] = partition;
    return keys;
  } catch (error) {
    // A mapping Dagster refuses at load time: the definitions would not load, so nothing is checked.
    if (error instanceof PartitionsError) return null;
    throw error;
  }
}

function inputShape(plan: NodePlan, list: number): InputShape {
  return plan.shapes[list] ?? (plan.shapes[list] = makeInputShape(plan, (plan.columns as StatusColumns).inputLists[list] as readonly string[]));
}

// Apart from `inputShape`, which runs for every partition: a function holding closures allocates
// their context on every call, whether or not it makes them.
function makeInputShape(plan: NodePlan, names: readonly string[]): InputShape {
  const positions = new Int32Array(plan.parents.length);
  plan.parents.forEach((parent, i) => (positions[i] = names.indexOf(parent.user)));
  return { names, removed: names.filter((name) => !plan.parents.some((parent) => parent.user === name)), positions };
}

/** Dagster's wording of a DATA cause: "data version" when the parent has a code version or its record a user-provided data version. */
function newInputReason(parent: AssetNode, record: MaterializationRecord | null): string {
  return parent.codeVersion !== null || record?.dataVersionIsUserProvided ? 'has a new dependency data version' : 'has a new dependency materialization';
}

/** Shared answers without causes (never modified by callers). */
const freshResult: Staleness = Object.freeze({ status: 'FRESH', causes: Object.freeze([]) as unknown as StaleCause[] });
const missingResult: Staleness = Object.freeze({ status: 'MISSING', causes: Object.freeze([]) as unknown as StaleCause[] });

export function partitionStaleness(ctx: StalenessContext, node: AssetNode, partition: string | null): Staleness {
  if (externalKinds.has(node.kind)) return freshResult;
  const plan = ctx.plan(node);
  return stalenessAt(ctx, plan, plan.columns?.partitions.indexOf(partition) ?? -1);
}

const codeCause: StaleCause = Object.freeze({ category: 'CODE', reason: 'has a new code version' });

/**
 * `partitionStaleness` of the partition at position `i` of the plan's columns (-1: a partition
 * without any state), for a caller that walks them (bulk use). Only the columns are read for a
 * partition whose inputs have no new data, which is nearly all of them.
 */
export function stalenessAt(ctx: StalenessContext, plan: NodePlan, i: number): Staleness {
  if (plan.external) return freshResult;
  const columns = plan.columns;
  if (columns === null || i < 0) return missingResult;
  const data = columns.data;
  const at = i * stride;
  const flags = data[at + flagsAt] as number;
  if ((flags & recordFlag) === 0) return missingResult;
  const partition = columns.partitions[i] as string | null;
  const node = plan.node;
  const record = columns.records[i] as MaterializationRecord;
  // Most partitions are fresh: the list is made when there is a cause to put in it.
  let causes: StaleCause[] | null = null;
  if (plan.codeVersion !== noCodeCheck && data[at + codeVersionAt] !== plan.codeVersion) {
    (causes ??= []).push(codeCause);
  }
  const shape = (flags & provenanceFlag) !== 0 ? inputShape(plan, data[at + inputListAt] as number) : null;
  if (shape !== null) {
    for (let r = 0; r < shape.removed.length; r++) {
      const input = shape.removed[r] as string;
      (causes ??= []).push({ category: 'DEPENDENCIES', reason: `removed dependency on ${input}`, dependency: { asset: parseUserKey(input), partition: null } });
    }
  }
  const parents = plan.parents;
  for (let j = 0; j < parents.length; j++) {
    const parent = parents[j] as ParentPlan;
    if (parent.selfUnpartitioned) continue;
    const key = parent.key;
    if (shape === null) {
      // Records older than provenance: compare times.
      const partitions = parentPartitions(ctx, node, partition, parent);
      if (partitions === null) continue;
      for (const p of partitions) {
        const parentRecord = currentRecord(ctx.states[parent.index]?.get(p));
        if (!parentRecord) (causes ??= []).push({ category: 'DATA', reason: 'has a new input', dependency: { asset: key, partition: p } });
        else if (parentRecord.timestamp > record.timestamp) {
          (causes ??= []).push({ category: 'DATA', reason: 'has a new dependency materialization', dependency: { asset: key, partition: p } });
        }
      }
      continue;
    }
    const input = shape.positions[j] as number;
    if (input < 0) {
      const partitions = parentPartitions(ctx, node, partition, parent);
      if (partitions === null) continue;
      (causes ??= []).push({ category: 'DEPENDENCIES', reason: `has a new dependency on ${parent.user}`, dependency: { asset: key, partition: partitions[0] ?? null } });
      continue;
    }
    if (!parent.node.partitions) {
      const parentRecord = currentRecord(ctx.states[parent.index]?.get(null));
      const currentVersion = parentRecord?.dataVersion ?? null;
      if (unpartitionedInputChanged(record.inputDataVersions[parent.user] ?? null, currentVersion)) {
        (causes ??= []).push({ category: 'DATA', reason: newInputReason(parent.node, parentRecord), dependency: { asset: key, partition: null } });
      }
      continue;
    }
    // Only an input with records after its pointer can make a cause; the mapping is asked only then.
    const pointer = ctx.pointers[(data[at + pointerAt] as number) + input] as number;
    const history = ctx.histories[parent.index];
    // NaN (no pointer) fails the comparison too.
    if (!history || !(pointer < history.lastId)) continue;
    const partitions = parentPartitions(ctx, node, partition, parent);
    if (partitions === null) continue;
    // An indexed loop: this runs for most partitions of most assets, and allocates nothing.
    for (let k = 0; k < partitions.length; k++) {
      const p = partitions[k] as string | null;
      if (p !== null && history.changed(p, pointer)) {
        (causes ??= []).push({ category: 'DATA', reason: newInputReason(parent.node, currentRecord(ctx.states[parent.index]?.get(p))), dependency: { asset: key, partition: p } });
      }
    }
  }
  return causes ? { status: 'STALE', causes } : freshResult;
}
