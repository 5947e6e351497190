import { keyId, keyToUserString, parseUserKey } from '../model/assetKey';
import type { AssetGraph, AssetNode } from '../model/graph';
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
export const externalKinds: ReadonlySet<AssetNode['kind']> = new Set<AssetNode['kind']>(['source', 'observable_source', 'external', 'stub']);

interface ParentPlan {
  node: AssetNode;
  /** The parent's key, frozen: every cause naming this parent shares it. */
  key: readonly string[];
  user: string;
  mapping: PartitionMapping;
  /** The parent partitions each child partition reads, shared by every edge with the same definitions and mapping. */
  mapped: Map<string | null, (string | null)[] | null>;
  /** Dagster checks nothing through this edge (a time-window parent reached through All). */
  skipped: boolean;
  /** The asset's own unpartitioned self (never a dependency that can change under it). */
  selfUnpartitioned: boolean;
  states: Map<string | null, PartitionState> | undefined;
  /** The parent's records, for "did this partition change after the pointer" (none without provenance read). */
  history: UpstreamHistory | undefined;
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
  private readonly byNode = new Map<string, PartitionSpace | UnknownSpace | null>();

  constructor(readonly context: SpaceContext) {}

  of(node: AssetNode): PartitionSpace | UnknownSpace | null {
    const id = keyId(node.key);
    let space = this.byNode.get(id);
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
    this.byNode.set(id, space);
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

/** One asset of the graph with what the instance holds for it, looked up once per evaluation. */
interface AssetEntry {
  node: AssetNode;
  id: string;
  key: readonly string[];
  user: string;
  states: Map<string | null, PartitionState> | undefined;
  history: UpstreamHistory | undefined;
  /** A distinct number per partitions definition (-1: unpartitioned), for edge keys. */
  definition: number;
}

/** Shared lookups for one evaluation. */
export class StalenessContext {
  readonly nodes = new Map<string, AssetNode>();
  readonly spaces: SpaceCache;
  /** The instance's input event pointers (`MaterializationRecord.inputPointerAt`). */
  readonly pointers: readonly number[];
  private readonly entries = new Map<string, AssetEntry>();
  private readonly plans = new Map<string, NodePlan>();
  private readonly mappedBy = new Map<string, Map<string | null, (string | null)[] | null>>();

  constructor(
    graph: AssetGraph,
    readonly instance: LocalInstance,
    readonly context: SpaceContext,
    spaces?: SpaceCache,
  ) {
    this.spaces = spaces ?? new SpaceCache(context);
    this.pointers = instance.inputPointerColumn;
    for (const asset of graph.assets) {
      const id = keyId(asset.key);
      if (this.nodes.has(id)) continue;
      this.nodes.set(id, asset);
      const user = keyToUserString(asset.key);
      this.entries.set(id, {
        node: asset,
        id,
        key: Object.freeze([...asset.key]),
        user,
        states: instance.assets.get(user)?.partitions,
        history: instance.inputHistories?.get(user),
        definition: asset.partitions ? definitionNumber(asset) : -1,
      });
    }
  }

  space(node: AssetNode): PartitionSpace | UnknownSpace | null {
    return this.spaces.of(node);
  }

  /** Asked once per asset by bulk walks (which then go through its partitions), not per partition. */
  plan(node: AssetNode): NodePlan {
    const id = keyId(node.key);
    let plan = this.plans.get(id);
    if (plan) return plan;
    const self = this.entries.get(id);
    const user = self?.user ?? keyToUserString(node.key);
    const definition = self?.definition ?? (node.partitions ? definitionNumber(node) : -1);
    const parents: ParentPlan[] = [];
    const seen = new Set<string>();
    for (const dep of node.deps) {
      const parentId = keyId(dep.key);
      const parent = this.entries.get(parentId);
      if (!parent || seen.has(parentId)) continue;
      seen.add(parentId);
      const mapping = inferPartitionMapping(dep.partitionMapping, node.partitions, parent.node.partitions);
      // An inferred mapping follows from the two definitions, which the numbers already name.
      const edgeKey = `${definition} ${parent.definition} ${parentId === id ? 'self' : ''} ${dep.partitionMapping ? mappingKey(dep.partitionMapping) : 'inferred'}`;
      let mapped = this.mappedBy.get(edgeKey);
      if (!mapped) this.mappedBy.set(edgeKey, (mapped = new Map()));
      parents.push({
        node: parent.node,
        key: parent.key,
        user: parent.user,
        mapping,
        mapped,
        skipped: parent.node.partitions !== null && isTimeWindow(parent.node.partitions) && mapping.type === 'all',
        selfUnpartitioned: parentId === id && !parent.node.partitions,
        states: parent.states,
        history: parent.history,
      });
    }
    const states = self ? self.states : this.instance.assets.get(user)?.partitions;
    const columns = states ? statusColumns(states) : null;
    plan = {
      node,
      user,
      external: externalKinds.has(node.kind),
      parents,
      columns,
      codeVersion: node.codeVersion === null ? noCodeCheck : (columns?.codeVersions.indexOf(node.codeVersion) ?? -1),
      shapes: [],
    };
    this.plans.set(id, plan);
    return plan;
  }

  /** The latest materialization or observation of a partition (Dagster's "current" record). */
  record(key: readonly string[], partition: string | null): MaterializationRecord | null {
    return currentRecord(this.instance.assets.get(keyToUserString(key))?.partitions.get(partition));
  }
}


/**
 * The parent partitions Dagster checks (`_get_partition_dependencies`): an unpartitioned parent is one
 * dependency; a time-window parent reached through All is skipped; mapped parent partitions count only
 * when there are fewer than 100; an asset's dependency on itself is skipped at 100 partitions or more.
 */
function parentPartitions(ctx: StalenessContext, node: AssetNode, partition: string | null, parent: ParentPlan): (string | null)[] | null {
  const known = parent.mapped.get(partition);
  if (known !== undefined) return known;
  const found = mapParentPartitions(ctx, node, partition, parent);
  parent.mapped.set(partition, found);
  return found;
}

function mapParentPartitions(ctx: StalenessContext, node: AssetNode, partition: string | null, parent: ParentPlan): (string | null)[] | null {
  if (!parent.node.partitions) return [null];
  if (parent.skipped) return null;
  const childSpace = ctx.space(node);
  const parentSpace = ctx.space(parent.node);
  if (!parentSpace || parentSpace.kind === 'unknown' || childSpace?.kind === 'unknown') return null;
  if (keyId(parent.node.key) === keyId(node.key) && parentSpace.count >= partitionDependencyThreshold) return null;
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
        const parentRecord = currentRecord(parent.states?.get(p));
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
      const parentRecord = currentRecord(parent.states?.get(null));
      const currentVersion = parentRecord?.dataVersion ?? null;
      if (unpartitionedInputChanged(record.inputDataVersions[parent.user] ?? null, currentVersion)) {
        (causes ??= []).push({ category: 'DATA', reason: newInputReason(parent.node, parentRecord), dependency: { asset: key, partition: null } });
      }
      continue;
    }
    // Only an input with records after its pointer can make a cause; the mapping is asked only then.
    const pointer = ctx.pointers[(data[at + pointerAt] as number) + input] as number;
    const history = parent.history;
    // NaN (no pointer) fails the comparison too.
    if (!history || !(pointer < history.lastId)) continue;
    const partitions = parentPartitions(ctx, node, partition, parent);
    if (partitions === null) continue;
    // An indexed loop: this runs for most partitions of most assets, and allocates nothing.
    for (let k = 0; k < partitions.length; k++) {
      const p = partitions[k] as string | null;
      if (p !== null && history.changed(p, pointer)) {
        (causes ??= []).push({ category: 'DATA', reason: newInputReason(parent.node, currentRecord(parent.states?.get(p))), dependency: { asset: key, partition: p } });
      }
    }
  }
  return causes ? { status: 'STALE', causes } : freshResult;
}
