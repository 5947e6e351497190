import { isTimeWindow, samePartitionSpace, type PartitionsDefinition } from '../model/partitions';
import type { PartitionMapping } from '../model/partitionMappings';
import { IntervalSet } from './intervalSet';
import { lastPartitionKey, type MultiSpace, type PartitionSpace, type SingleSpace } from './keySpaces';
import {
  allSubset,
  emptySubset,
  isEmptySubset,
  multiProduct,
  MultiSubset,
  projectedRows,
  rowDim,
  SingleSubset,
  subsetFromKeys,
  subsetHas,
  subsetKeys,
  intersection,
  union,
  type PartitionSubset,
} from './subsets';
import { PartitionsError } from './errors';
import type { TimeWindowSpace } from './timeWindows';

/**
 * Partition mappings in both directions, as Dagster's `PartitionMapping` classes compute them:
 * `upstreamOf` is `get_upstream_mapped_partitions_result_for_partitions` (with the keys the mapping
 * needs that do not exist), `downstreamOf` is `get_downstream_partitions_for_partitions`. Time
 * windows are mapped range by range; key lists and products only touch the keys they name.
 */

/** An unpartitioned asset is `null`; its selection is `{ kind: 'whole' }`. */
export type Side = PartitionSpace | null;
export interface WholeAsset {
  kind: 'whole';
}
export type Selection = PartitionSubset | WholeAsset | null;
export const whole: WholeAsset = { kind: 'whole' };

/** Keys a mapping requires upstream that are not partitions of the upstream asset at `now`. */
export interface MissingKeys {
  readonly count: number;
  keys(limit?: number): string[];
}

export interface UpstreamResult {
  selection: Selection;
  requiredButNonexistent: MissingKeys;
}

export class MappingError extends PartitionsError {}

const noMissing: MissingKeys = { count: 0, keys: () => [] };

function missingList(keys: Iterable<string>): MissingKeys {
  const list = [...new Set(keys)];
  return { count: list.length, keys: (limit = Infinity) => list.slice(0, limit) };
}

function missingWindows(space: TimeWindowSpace, set: IntervalSet): MissingKeys {
  return { count: set.size, keys: (limit = Infinity) => subsetKeys(new SingleSubset(space, set), limit) };
}

function mergeMissing(parts: MissingKeys[]): MissingKeys {
  const nonEmpty = parts.filter((p) => p.count > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? noMissing;
  return missingList(nonEmpty.flatMap((p) => p.keys()));
}

function selectionIsEmpty(selection: Selection): boolean {
  return selection === null || (selection.kind !== 'whole' && isEmptySubset(selection));
}

function allOf(side: Side): Selection {
  return side === null ? whole : allSubset(side);
}

function noneOf(side: Side): Selection {
  return side === null ? null : emptySubset(side);
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Python class of a definition, as Dagster's identity check compares `type(...)`. */
function pythonClass(def: PartitionsDefinition): string {
  return def.type;
}

/** Dagster's `validate_partition_mapping`, plus the checks the mapping classes make on use. */
export function validateMapping(mapping: PartitionMapping, up: PartitionsDefinition | null, down: PartitionsDefinition | null): void {
  switch (mapping.type) {
    case 'identity':
      if (!up || !down || pythonClass(up) !== pythonClass(down)) {
        throw new MappingError(
          `Upstream and downstream partitions definitions must match, or a different partition mapping must be provided. Got upstream definition ${up?.type ?? 'none'} and downstream definition ${down?.type ?? 'none'}`,
        );
      }
      return;
    case 'time_window':
    case 'latest_overlapping_time_window':
      if (!down || !isTimeWindow(down)) throw new MappingError('Downstream partitions definition must be a TimeWindowPartitionsDefinition');
      if (!up || !isTimeWindow(up)) throw new MappingError('Upstream partitions definition must be a TimeWindowPartitionsDefinition');
      if (up.timezone !== down.timezone) throw new MappingError(`Timezones ${up.timezone} and ${down.timezone} don't match`);
      return;
    case 'static':
      validateStatic(mapping.downstreamByUpstream, up, down);
      return;
    case 'multi_to_single':
      if (!up || !down) throw new MappingError('MultiToSingleDimensionPartitionMapping needs both assets to be partitioned', 'CheckError');
      multiToSingleDependency(up, down);
      return;
    case 'multi': {
      if (up?.type !== 'multi' || down?.type !== 'multi') {
        throw new MappingError('Both partitions defs provided to a MultiPartitionMapping must be multi-partitioned', 'CheckError');
      }
      // Dagster's `_check_all_dimensions_accounted_for`: each dimension is used at most once a side.
      const upNames = new Set(up.dimensions.map((d) => d.name));
      const downNames = new Set(down.dimensions.map((d) => d.name));
      for (const [upDim, { dimensionName }] of Object.entries(mapping.dimensions)) {
        if (!upNames.delete(upDim)) {
          throw new MappingError(`Dimension mapping has an upstream dimension name that is not in the upstream partitions def ('${upDim}')`, 'CheckError');
        }
        if (!downNames.delete(dimensionName)) {
          throw new MappingError(`Dimension mapping has a downstream dimension name that is not in the downstream partitions def ('${dimensionName}')`, 'CheckError');
        }
      }
      return;
    }
    case 'all':
    case 'last':
    case 'specific':
      return;
  }
}

const pythonSet = (keys: string[]): string => `{${keys.map((k) => `'${k}'`).join(', ')}}`;

/** Dagster's `StaticPartitionMapping` checks: both sides static, every mapped key on its side. */
function validateStatic(map: Record<string, string[]>, up: PartitionsDefinition | null, down: PartitionsDefinition | null, sides: 'both' | 'source' | 'target' = 'both'): void {
  if (up?.type !== 'static') throw new MappingError('Upstream partitions definition must be a StaticPartitionsDefinition');
  if (down?.type !== 'static') throw new MappingError('Downstream partitions definition must be a StaticPartitionsDefinition');
  if (sides !== 'target') {
    const upKeys = new Set(up.keys);
    const extra = Object.keys(map).filter((k) => !upKeys.has(k));
    if (extra.length) throw new MappingError(`mapping source partitions not in the upstream partitions definition: ${pythonSet(extra)}`, 'ValueError');
  }
  if (sides !== 'source') {
    const downKeys = new Set(down.keys);
    const extra = [...new Set(Object.values(map).flat())].filter((k) => !downKeys.has(k));
    if (extra.length) throw new MappingError(`mapping target partitions not in the downstream partitions definition: ${pythonSet(extra)}`, 'ValueError');
  }
}

// ---------------------------------------------------------------------------------------------
// Time windows
// ---------------------------------------------------------------------------------------------

function isBasic(space: TimeWindowSpace, cron: string): boolean {
  return space.def.cronSchedule === cron;
}

/** Windows are `[start, end)` instants. */
type Span = readonly [number, number];

function spansOf(space: TimeWindowSpace, set: IntervalSet): Span[] {
  return [...set.ranges()].map(([a, b]) => [space.start(a), space.end(b - 1)] as const);
}

/** The tick `n` windows after (before, if negative) the tick at `instant`. */
function offsetTick(space: TimeWindowSpace, instant: number, n: number, bounds: Span | null): number {
  if (n === 0) return instant;
  const schedule = space.schedule;
  let ordinal = schedule.ordinalAtOrAfter(instant) + n;
  // Clamp the ordinal before reading the tick, so a huge offset never grows the timeline.
  if (bounds && n < 0) ordinal = Math.max(ordinal, schedule.ordinalAtOrAfter(bounds[0]));
  if (bounds && n > 0) ordinal = Math.min(ordinal, schedule.ordinalAtOrAfter(bounds[1]));
  const shifted = schedule.tick(ordinal);
  if (!bounds) return shifted;
  return n < 0 ? Math.max(bounds[0], shifted) : Math.min(bounds[1], shifted);
}

/** Window positions overlapping `[start, end)` (positions may be virtual). */
function positionsOverlapping(space: TimeWindowSpace, start: number, end: number): IntervalSet {
  if (end <= start) return IntervalSet.empty;
  return IntervalSet.range(space.indexContaining(start), space.indexAtOrAfter(end));
}

function sameExceptStartEnd(a: TimeWindowSpace, b: TimeWindowSpace): boolean {
  return a.def.cronSchedule === b.def.cronSchedule && a.def.timezone === b.def.timezone && a.def.fmt === b.def.fmt && a.def.endOffset === b.def.endOffset;
}

/**
 * Dagster's `TimeWindowPartitionMapping._map_partitions`: `from` windows are offset (when mapping
 * downstream to upstream, in downstream units), aligned to `to` boundaries, offset again (when
 * mapping upstream to downstream, in downstream units), then cut to the `to` partitions that exist;
 * the parts cut off are the required-but-nonexistent windows.
 */
function mapTimeWindows(
  from: TimeWindowSpace,
  to: TimeWindowSpace,
  set: IntervalSet,
  startOffset: number,
  endOffset: number,
  downstreamToUpstream: boolean,
  allowNonexistent: boolean,
): { set: IntervalSet; missing: IntervalSet } {
  if (from.def.timezone !== to.def.timezone) throw new MappingError(`Timezones ${to.def.timezone} and ${from.def.timezone} don't match`);
  if (set.isEmpty) return { set: IntervalSet.empty, missing: IntervalSet.empty };
  const first = set.first as number;
  const last = set.last as number;

  // Dagster's shortcuts, kept because they do not filter by existence.
  if (startOffset === 0 && endOffset === 0) {
    if (samePartitionSpace(from.def, to.def) && from.def.start === to.def.start && from.def.end === to.def.end) return { set, missing: IntervalSet.empty };
    const shift = from.firstOrdinal - to.firstOrdinal;
    const fromStartsLater = from.start(0) >= to.start(0) || from.start(first) >= to.start(0);
    if (sameExceptStartEnd(from, to) && fromStartsLater && (to.def.end === null || (from.def.end !== null && to.start(to.count) >= from.start(from.count)))) {
      return { set: set.shift(shift), missing: IntervalSet.empty };
    }
    if (isBasic(from, '0 0 * * *') && isBasic(to, '0 * * * *') && fromStartsLater && from.count > 0 && to.count > 0 && from.end(from.count - 1) <= to.end(to.count - 1)) {
      const out = IntervalSet.fromRanges(spansOf(from, set).map(([s, e]) => [to.indexAtOrAfter(s), to.indexAtOrAfter(e)] as const));
      return { set: out, missing: IntervalSet.empty };
    }
    if (from.end(last) <= to.startInstant) {
      if (allowNonexistent) return { set: IntervalSet.empty, missing: IntervalSet.empty };
      // `get_partition_subset_in_time_window`: the windows that start inside each window.
      const missing = IntervalSet.fromRanges(spansOf(from, set).map(([s, e]) => [to.indexAtOrAfter(s), to.indexAtOrAfter(e)] as const));
      return { set: IntervalSet.empty, missing };
    }
  }

  const fullWindow: Span | null = to.count > 0 ? [to.start(0), to.end(to.count - 1)] : null;
  const aligned = from.def.cronSchedule === to.def.cronSchedule || (isBasic(from, '0 0 * * *') && isBasic(to, '0 * * * *'));
  const windows: Span[] = [];
  for (const [fromStart, fromEnd] of spansOf(from, set)) {
    let s = fromStart;
    let e = fromEnd;
    if (downstreamToUpstream) {
      s = offsetTick(from, s, startOffset, fullWindow);
      e = offsetTick(from, e, endOffset, fullWindow);
    }
    if (!aligned) {
      s = to.start(to.indexContaining(s));
      e = to.start(to.indexAtOrAfter(e));
    }
    if (!downstreamToUpstream) {
      s = offsetTick(to, s, startOffset, fullWindow);
      e = offsetTick(to, e, endOffset, fullWindow);
    }
    if (s < e) windows.push([s, e]);
  }

  const kept: [number, number][] = [];
  const missing: [number, number][] = [];
  const firstWindow = to.count > 0 ? to.window(0) : null;
  const lastWindow = to.count > 0 ? to.window(to.count - 1) : null;
  for (const [s, e] of windows) {
    if (firstWindow && lastWindow && s <= lastWindow.start && e >= firstWindow.end) {
      kept.push([to.indexAtOrAfter(Math.max(s, firstWindow.start)), to.indexAtOrAfter(Math.min(e, lastWindow.end))]);
    }
    if (allowNonexistent) continue;
    let invalid: Span | null = null;
    if (!firstWindow || !lastWindow || (s < firstWindow.start && e > lastWindow.end)) invalid = [s, e];
    else if (s < firstWindow.start) invalid = [s, Math.min(e, firstWindow.start)];
    else if (e > lastWindow.end) invalid = [Math.max(s, lastWindow.end), e];
    if (invalid) missing.push(...positionsOverlapping(to, invalid[0], invalid[1]).ranges());
  }
  return { set: IntervalSet.fromRanges(kept), missing: IntervalSet.fromRanges(missing) };
}

/**
 * `LatestOverlappingTimeWindowPartitionMapping`, upstream: each downstream window reads the upstream
 * partition with the same key if there is one, else the upstream partition containing the
 * downstream window's start; when neither exists the *downstream* key is reported as missing.
 */
function latestOverlappingUpstream(down: TimeWindowSpace, set: IntervalSet, up: TimeWindowSpace): { set: IntervalSet; missingDown: IntervalSet } {
  const picks: number[] = [];
  const missing: number[] = [];
  for (const i of set.members()) {
    const same = up.indexOf(down.key(i));
    if (same !== null) {
      picks.push(same);
      continue;
    }
    const containing = up.indexContaining(down.start(i));
    if (containing >= 0 && containing < up.count) picks.push(containing);
    else missing.push(i);
  }
  return { set: IntervalSet.fromIndices(picks), missingDown: IntervalSet.fromIndices(missing) };
}

/** Downstream: the downstream partitions whose window starts inside a selected upstream partition. */
function latestOverlappingDownstream(up: TimeWindowSpace, set: IntervalSet, down: TimeWindowSpace): IntervalSet {
  const existing = set.clip(0, up.count);
  return IntervalSet.fromRanges(
    [...existing.ranges()].map(([a, b]) => [down.indexAtOrAfter(up.start(a)), down.indexAtOrAfter(up.end(b - 1))] as const),
  ).clip(0, down.count);
}

// ---------------------------------------------------------------------------------------------
// Key-based mappings
// ---------------------------------------------------------------------------------------------

/** Identity between different definitions: the keys both have (Dagster lists both key sets). */
function identityByKeys(from: PartitionSubset, to: PartitionSpace): { subset: PartitionSubset; missing: string[] } {
  if (from.space.kind === 'time' && to.kind === 'time' && sameExceptStartEnd(from.space, to)) {
    // Same schedule and format: keys coincide exactly when positions do, shifted by the starts.
    const shifted = (from as SingleSubset).set.shift(from.space.firstOrdinal - to.firstOrdinal);
    const kept = shifted.clip(0, to.count);
    const missing = subsetKeys(new SingleSubset(to, shifted.difference(kept)));
    return { subset: new SingleSubset(to, kept), missing };
  }
  const { subset, unknown } = subsetFromKeys(to, subsetKeys(from));
  return { subset, missing: unknown };
}

/**
 * `SpecificPartitionsPartitionMapping`'s keys as a subset (`subset_with_partition_keys`): a time key
 * names the window starting at or after it (so a key off the grid still counts), a key that does not
 * parse is Dagster's `ValueError`; only partitions that exist are kept.
 */
function specificSubset(space: PartitionSpace, keys: readonly string[]): PartitionSubset {
  if (space.kind !== 'time') return subsetFromKeys(space, keys).subset;
  const positions = keys.map((key) => space.indexForKey(key)).filter((i) => i >= 0 && i < space.count);
  return new SingleSubset(space, IntervalSet.fromIndices(positions));
}

function sameDefinition(a: PartitionSpace, b: PartitionSpace): boolean {
  if (a.kind === 'multi' || b.kind === 'multi') {
    if (a.kind !== 'multi' || b.kind !== 'multi') return false;
    return a.dims.every((d, i) => d.name === b.dims[i]?.name && sameDefinition(d.space, b.dims[i].space));
  }
  if (a.kind === 'keys' || b.kind === 'keys') {
    return a.kind === 'keys' && b.kind === 'keys' && a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]);
  }
  return samePartitionSpace(a.def, b.def) && a.def.start === b.def.start && a.def.end === b.def.end;
}

function lastPartition(space: PartitionSpace): PartitionSubset {
  if (space.kind === 'multi') {
    const last = lastPartitionKey(space);
    return last === null ? emptySubset(space) : subsetFromKeys(space, [last]).subset;
  }
  return new SingleSubset(space, space.count > 0 ? IntervalSet.range(space.count - 1, space.count) : IntervalSet.empty);
}

// ---------------------------------------------------------------------------------------------
// Multi-dimensional mappings
// ---------------------------------------------------------------------------------------------

interface DimensionDependency {
  /** Dimension of the upstream definition, or null when the upstream is single-dimensional. */
  upDim: string | null;
  downDim: string | null;
  mapping: PartitionMapping;
}

function dimensionDef(def: PartitionsDefinition, name: string | null): PartitionsDefinition {
  if (def.type !== 'multi' || name === null) return def;
  const dim = def.dimensions.find((d) => d.name === name);
  if (!dim) throw new MappingError(`no dimension '${name}'`, 'CheckError');
  return dim.partitions;
}

/**
 * Dagster's `get_infer_single_to_multi_dimension_deps_result`: which dimension of the multi side
 * the single side corresponds to, and with which mapping.
 */
function multiToSingleDependency(up: PartitionsDefinition, down: PartitionsDefinition): DimensionDependency {
  const upMulti = up.type === 'multi';
  const downMulti = down.type === 'multi';
  if (upMulti === downMulti) {
    throw new MappingError(
      `Can only use MultiToSingleDimensionPartitionMapping when upstream asset is multipartitioned and the downstream asset is single dimensional, or vice versa. Instead received ${upMulti ? 2 : 0} multi-partitioned assets.`,
      'CheckError',
    );
  }
  const multi = (upMulti ? up : down) as Extract<PartitionsDefinition, { type: 'multi' }>;
  const single = upMulti ? down : up;
  // Current Dagster infers the dimension even when `partition_dimension_name` is given (it is not
  // passed to `get_infer_single_to_multi_dimension_deps_result`), so the name changes nothing.
  let dimension: string;
  const equal = multi.dimensions.filter((d) => samePartitionSpace(d.partitions, single));
  const timeDims = multi.dimensions.filter((d) => isTimeWindow(d.partitions));
  if (equal.length === 1) dimension = (equal[0] as { name: string }).name;
  else if (equal.length > 1) {
    throw new MappingError('partition dimension name must be specified when multiple dimensions of the MultiPartitionsDefinition match the single dimension partitions def', 'CheckError');
  } else if (isTimeWindow(single) && timeDims.length === 1) dimension = (timeDims[0] as { name: string }).name;
  else {
    throw new MappingError(
      'MultiToSingleDimensionPartitionMapping can only be used when: (a) the single-dimension partitions definition equals one dimension of the MultiPartitionsDefinition, or (b) the single-dimension definition is time-based and the MultiPartitionsDefinition has exactly one time dimension',
      'CheckError',
    );
  }
  const dimDef = dimensionDef(multi, dimension);
  const mapping: PartitionMapping =
    samePartitionSpace(dimDef, single) || !(isTimeWindow(dimDef) && isTimeWindow(single))
      ? { type: 'identity' }
      : { type: 'time_window', startOffset: 0, endOffset: 0, allowNonexistentUpstreamPartitions: false };
  return upMulti ? { upDim: dimension, downDim: null, mapping } : { upDim: null, downDim: dimension, mapping };
}

function dependenciesOf(mapping: PartitionMapping, up: PartitionsDefinition, down: PartitionsDefinition): DimensionDependency[] {
  if (mapping.type === 'multi_to_single') return [multiToSingleDependency(up, down)];
  if (mapping.type === 'multi') {
    validateMapping(mapping, up, down);
    return Object.entries(mapping.dimensions).map(([upDim, d]) => ({ upDim, downDim: d.dimensionName, mapping: d.mapping }));
  }
  throw new MappingError(`not a multi-dimensional mapping: ${mapping.type}`, 'CheckError');
}

function dimSpace(space: PartitionSpace, name: string | null): SingleSpace {
  if (space.kind !== 'multi') return space;
  const index = space.dimIndex(name as string);
  if (index === null) throw new MappingError(`no dimension '${name}'`, 'CheckError');
  return space.dims[index].space;
}

/** The positions used in dimension `dim` by a multi subset. */
function projection(subset: PartitionSubset, dim: 0 | 1): IntervalSet {
  if (subset.kind === 'single') return subset.set;
  if (dim === subset.space.byDim) return IntervalSet.fromIndices(subset.columns.keys());
  return projectedRows(subset);
}

/**
 * Dagster's `BaseMultiPartitionMapping._get_dependency_partitions_subset`: every key of `a` maps,
 * dimension by dimension, to the product of its mapped dimension keys in `b` and every key of the
 * `b` dimensions no dependency names. Worked column by column of the multi subset, so a range of
 * dates times a list of regions is a few range mappings.
 */
function mapByDimensions(
  deps: DimensionDependency[],
  a: PartitionSpace,
  aSubset: PartitionSubset,
  b: PartitionSpace,
  aIsUpstream: boolean,
): { subset: PartitionSubset; missing: MissingKeys[] } {
  const missing: MissingKeys[] = [];
  const aDimOf = (d: DimensionDependency): string | null => (aIsUpstream ? d.upDim : d.downDim);
  const bDimOf = (d: DimensionDependency): string | null => (aIsUpstream ? d.downDim : d.upDim);
  const mapDim = (d: DimensionDependency, set: IntervalSet): IntervalSet => {
    const from = dimSpace(a, aDimOf(d));
    const to = dimSpace(b, bDimOf(d));
    const input = new SingleSubset(from, set);
    if (aIsUpstream) return ((downstreamOf(d.mapping, from, input, to) as SingleSubset | null)?.set) ?? IntervalSet.empty;
    const result = upstreamOf(d.mapping, to, from, input);
    missing.push(result.requiredButNonexistent);
    return (result.selection as SingleSubset | null)?.set ?? IntervalSet.empty;
  };
  /** The `b` subset for one group of `a` keys whose mapped dimensions hold these positions. */
  const product = (positionsByADim: (name: string | null) => IntervalSet): PartitionSubset => {
    if (b.kind !== 'multi') {
      const dep = deps[0] as DimensionDependency;
      return new SingleSubset(b, mapDim(dep, positionsByADim(aDimOf(dep))));
    }
    const sets: [IntervalSet, IntervalSet] = [IntervalSet.range(0, b.dims[0].space.count), IntervalSet.range(0, b.dims[1].space.count)];
    for (const dep of deps) {
      const index = b.dimIndex(bDimOf(dep) as string) as 0 | 1;
      sets[index] = mapDim(dep, positionsByADim(aDimOf(dep)));
    }
    return multiProduct(b, sets[0], sets[1]);
  };

  if (isEmptySubset(aSubset)) return { subset: emptySubset(b), missing };
  if (aSubset.kind === 'single') return { subset: product(() => aSubset.set), missing };
  const aSpace = aSubset.space;
  const byName = aSpace.dims[aSpace.byDim].name;
  const mapsColumns = deps.some((d) => aDimOf(d) === byName);
  if (!mapsColumns) {
    // Only the ranged dimension matters: all columns together map as one set.
    return { subset: product(() => projection(aSubset, rowDim(aSpace))), missing };
  }
  let out = emptySubset(b);
  for (const [column, rows] of aSubset.columns) {
    const part = product((name) => (name === byName ? IntervalSet.range(column, column + 1) : rows));
    out = union(out, part);
  }
  return { subset: out, missing };
}

/**
 * Identity between two multi definitions: a multi key is equal exactly when the keys of each
 * dimension (in name order) are, so each dimension maps on its own and the results multiply, key
 * by key of the selection (Dagster lists and intersects the full key sets instead).
 */
function identityByDimensions(from: MultiSpace, selection: PartitionSubset, to: MultiSpace): PartitionSubset {
  const deps: DimensionDependency[] = [0, 1].map((i) => ({
    upDim: from.dims[i as 0 | 1].name,
    downDim: to.dims[i as 0 | 1].name,
    mapping: { type: 'identity' },
  }));
  return mapByDimensions(deps, from, selection, to, true).subset;
}

/** The keys of `selection` that `mapped` does not hold (listed only when someone asks). */
function keysNotIn(selection: PartitionSubset, mapped: PartitionSubset): string[] {
  const have = new Set(subsetKeys(mapped));
  return subsetKeys(selection).filter((k) => !have.has(k));
}

function lazyMissing(list: () => string[]): MissingKeys {
  let cached: string[] | null = null;
  const get = (): string[] => (cached ??= list());
  return {
    get count() {
      return get().length;
    },
    keys: (limit = Infinity) => get().slice(0, limit),
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

function defOf(side: Side): PartitionsDefinition | null {
  if (side === null) return null;
  if (side.kind === 'multi') {
    return { type: 'multi', dimensions: side.dims.map((d) => ({ name: d.name, partitions: d.space.def })) };
  }
  return side.def;
}

/** Static and multi-dimensional mappings check their keys and dimensions whenever they are used. */
function checkOnUse(mapping: PartitionMapping, up: Side, down: Side, direction: 'upstream' | 'downstream'): void {
  // On use, a static mapping checks the keys it maps from: downstream keys going up, targets going down.
  if (mapping.type === 'static') validateStatic(mapping.downstreamByUpstream, defOf(up), defOf(down), direction === 'upstream' ? 'source' : 'target');
  if (mapping.type === 'multi') validateMapping(mapping, defOf(up), defOf(down));
}

/** The upstream partitions a downstream selection depends on. */
export function upstreamOf(mapping: PartitionMapping, up: Side, down: Side, selection: Selection): UpstreamResult {
  checkOnUse(mapping, up, down, 'upstream');
  // All, Last and Specific name their upstream partitions whatever the downstream selection is.
  const independent = mapping.type === 'all' || mapping.type === 'last' || mapping.type === 'specific';
  if (selectionIsEmpty(selection) && !independent) {
    return { selection: noneOf(up), requiredButNonexistent: noMissing };
  }
  switch (mapping.type) {
    case 'all':
      return { selection: allOf(up), requiredButNonexistent: noMissing };
    case 'last':
      return { selection: up === null ? whole : lastPartition(up), requiredButNonexistent: noMissing };
    case 'specific':
      if (up === null) throw new MappingError('SpecificPartitionsPartitionMapping needs a partitioned upstream asset', 'CheckError');
      return { selection: specificSubset(up, mapping.keys), requiredButNonexistent: noMissing };
    case 'identity': {
      if (up === null || down === null || selection === null || selection.kind === 'whole') {
        throw new MappingError('IdentityPartitionMapping needs both assets to be partitioned', 'CheckError');
      }
      if (sameDefinition(up, down)) return { selection: rebase(selection, up), requiredButNonexistent: noMissing };
      if (up.kind === 'multi' && down.kind === 'multi') {
        const subset = identityByDimensions(down, selection, up);
        return { selection: subset, requiredButNonexistent: lazyMissing(() => keysNotIn(selection, subset)) };
      }
      const { subset, missing } = identityByKeys(selection, up);
      return { selection: subset, requiredButNonexistent: missingList(missing) };
    }
    case 'time_window':
    case 'latest_overlapping_time_window': {
      validateMapping(mapping, defOf(up), defOf(down));
      const from = down as TimeWindowSpace;
      const to = up as TimeWindowSpace;
      const set = (selection as SingleSubset).set;
      if (mapping.type === 'latest_overlapping_time_window') {
        const latest = latestOverlappingUpstream(from, set, to);
        return { selection: new SingleSubset(to, latest.set), requiredButNonexistent: missingWindows(from, latest.missingDown) };
      }
      const mapped = mapTimeWindows(from, to, set, mapping.startOffset, mapping.endOffset, true, mapping.allowNonexistentUpstreamPartitions);
      return { selection: new SingleSubset(to, mapped.set), requiredButNonexistent: missingWindows(to, mapped.missing) };
    }
    case 'static': {
      const wanted = new Set(subsetKeys(selection as PartitionSubset));
      const keys = Object.entries(mapping.downstreamByUpstream)
        .filter(([, downs]) => downs.some((k) => wanted.has(k)))
        .map(([upKey]) => upKey);
      return { selection: subsetFromKeys(up as PartitionSpace, keys).subset, requiredButNonexistent: noMissing };
    }
    case 'multi_to_single':
    case 'multi': {
      if (up === null || down === null) throw new MappingError(`${mapping.type} needs both assets to be partitioned`, 'CheckError');
      const deps = dependenciesOf(mapping, defOf(up) as PartitionsDefinition, defOf(down) as PartitionsDefinition);
      const { subset, missing } = mapByDimensions(deps, down, selection as PartitionSubset, up, false);
      return { selection: subset, requiredButNonexistent: mergeMissing(missing) };
    }
  }
}

/** The downstream partitions that depend on an upstream selection. */
export function downstreamOf(mapping: PartitionMapping, up: Side, selection: Selection, down: Side): Selection {
  checkOnUse(mapping, up, down, 'downstream');
  if (selectionIsEmpty(selection)) return noneOf(down);
  switch (mapping.type) {
    case 'all':
      return allOf(down);
    case 'last': {
      if (up === null) return allOf(down);
      const last = lastPartition(up);
      const lastKey = subsetKeys(last, 1)[0];
      return lastKey !== undefined && subsetHas(selection as PartitionSubset, lastKey) ? allOf(down) : noneOf(down);
    }
    case 'specific': {
      if (up === null) return allOf(down);
      const named = specificSubset(up, mapping.keys);
      return isEmptySubset(intersection(named, selection as PartitionSubset)) ? noneOf(down) : allOf(down);
    }
    case 'identity': {
      if (up === null || down === null || selection === null || selection.kind === 'whole') {
        throw new MappingError('IdentityPartitionMapping needs both assets to be partitioned', 'CheckError');
      }
      if (sameDefinition(up, down)) return rebase(selection, down);
      if (up.kind === 'multi' && down.kind === 'multi') return identityByDimensions(up, selection, down);
      return identityByKeys(selection, down).subset;
    }
    case 'time_window': {
      validateMapping(mapping, defOf(up), defOf(down));
      const from = up as TimeWindowSpace;
      const to = down as TimeWindowSpace;
      const mapped = mapTimeWindows(from, to, (selection as SingleSubset).set, -mapping.endOffset, -mapping.startOffset, false, mapping.allowNonexistentUpstreamPartitions);
      return new SingleSubset(to, mapped.set);
    }
    case 'latest_overlapping_time_window': {
      validateMapping(mapping, defOf(up), defOf(down));
      return new SingleSubset(down as TimeWindowSpace, latestOverlappingDownstream(up as TimeWindowSpace, (selection as SingleSubset).set, down as TimeWindowSpace));
    }
    case 'static': {
      const keys = subsetKeys(selection as PartitionSubset).flatMap((k) => mapping.downstreamByUpstream[k] ?? []);
      return subsetFromKeys(down as PartitionSpace, keys).subset;
    }
    case 'multi_to_single':
    case 'multi': {
      if (up === null || down === null) throw new MappingError(`${mapping.type} needs both assets to be partitioned`, 'CheckError');
      const deps = dependenciesOf(mapping, defOf(up) as PartitionsDefinition, defOf(down) as PartitionsDefinition);
      return mapByDimensions(deps, up, selection as PartitionSubset, down, true).subset;
    }
  }
}

/** The same positions in an equal definition's space (possibly evaluated separately). */
function rebase(subset: PartitionSubset, space: PartitionSpace): PartitionSubset {
  if (subset.kind === 'single') return new SingleSubset(space as SingleSpace, subset.set);
  return new MultiSubset(space as MultiSpace, new Map(subset.columns));
}

