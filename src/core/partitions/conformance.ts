import { z } from 'zod';
import { scheduleCron, type PartitionsDefinition, type SingleDimensionPartitions, type TimeWindowPartitions } from '../model/partitions';
import { inferPartitionMapping, type PartitionMapping } from '../model/partitionMappings';
import { createSpace, type PartitionSpace, type SingleSpace } from './keySpaces';
import { downstreamOf, upstreamOf, validateMapping, type Selection } from './mappings';
import {
  allSubset,
  difference,
  intersection,
  subsetFromKeys,
  subsetFromRange,
  subsetHas,
  subsetKeyRanges,
  subsetKeys,
  subsetRunCount,
  subsetSize,
  union,
  multiProduct,
  type PartitionSubset,
} from './subsets';
import { IntervalSet } from './intervalSet';
import { PartitionsError } from './errors';
import { TimeWindowSpace, type TimeWindow } from './timeWindows';

/**
 * Runs partition cases in the format of the Dagster oracle (`dagster-oracle/partition-cases/v1`):
 * each case's definitions, mapping and operation are evaluated with this engine and the result is
 * written in the oracle's own field names. `expect` is never read, except the keys of
 * `expect.contains` when a `contains` case names no keys of its own (the README's rule).
 */

const timeDefSchema = z.object({
  type: z.enum(['daily', 'hourly', 'weekly', 'monthly', 'time_window']),
  start: z.string(),
  end: z.string().nullable(),
  fmt: z.string().nullable(),
  timezone: z.string().nullable(),
  end_offset: z.number().int(),
  minute_offset: z.number().int(),
  hour_offset: z.number().int(),
  day_offset: z.number().int(),
  cron: z.string().nullable(),
});
const singleDefSchema = z.union([
  timeDefSchema,
  z.object({ type: z.literal('static'), keys: z.array(z.string()) }),
  z.object({ type: z.literal('dynamic'), name: z.string(), keys: z.array(z.string()) }),
]);
const defSchema = z.union([singleDefSchema, z.object({ type: z.literal('multi'), dims: z.record(singleDefSchema) })]);
type OracleDef = z.infer<typeof defSchema>;

interface OracleMapping {
  type: string;
  start_offset?: number;
  end_offset?: number;
  allow_nonexistent_upstream_partitions?: boolean;
  partition_keys?: string[];
  map?: Record<string, string | string[]>;
  dimension?: string | null;
  dimension_mappings?: Record<string, { dimension_name: string; mapping: OracleMapping }>;
}
const mappingSchema: z.ZodType<OracleMapping> = z.lazy(() =>
  z.object({
    type: z.string(),
    start_offset: z.number().int().optional(),
    end_offset: z.number().int().optional(),
    allow_nonexistent_upstream_partitions: z.boolean().optional(),
    partition_keys: z.array(z.string()).optional(),
    map: z.record(z.union([z.string(), z.array(z.string())])).optional(),
    dimension: z.string().nullable().optional(),
    dimension_mappings: z.record(z.object({ dimension_name: z.string(), mapping: mappingSchema })).optional(),
  }),
);

const rangeSchema = z.object({ start: z.string(), end: z.string() });
const keysInputSchema = z.union([
  z.array(z.string()),
  rangeSchema,
  z.object({ ranges: z.array(rangeSchema) }),
  z.object({ all: z.literal(true) }),
]);
type KeysInput = z.infer<typeof keysInputSchema>;

const nowSchema = z.string().nullable().optional();

const caseSchema = z.discriminatedUnion('kind', [
  z.object({ id: z.string(), kind: z.literal('keys'), def: defSchema, now: nowSchema, op: z.string(), args: z.record(z.unknown()).optional() }),
  z.object({
    id: z.string(),
    kind: z.literal('mapping'),
    direction: z.enum(['downstream_to_upstream', 'upstream_to_downstream', 'validate']),
    mapping: mappingSchema,
    upstream_def: defSchema.nullable(),
    downstream_def: defSchema.nullable(),
    now: nowSchema,
    input_keys: keysInputSchema.nullable(),
  }),
  z.object({
    id: z.string(),
    kind: z.literal('subset'),
    def: defSchema,
    now: nowSchema,
    op: z.string(),
    subset_keys: z.union([z.array(z.string()), z.object({ all: z.literal(true) })]),
    other_keys: z.union([z.array(z.string()), z.object({ all: z.literal(true) })]).optional(),
    args: z.record(z.unknown()).optional(),
    expect: z.object({ contains: z.record(z.boolean()).optional() }).passthrough().optional(),
  }),
  z.object({ id: z.string(), kind: z.literal('infer'), upstream_def: defSchema.nullable(), downstream_def: defSchema.nullable() }),
]);
type OracleCase = z.infer<typeof caseSchema>;

export const caseFileSchema = z.object({
  schema: z.literal('dagster-oracle/partition-cases/v1'),
  cases: z.array(z.object({ id: z.string() }).passthrough()),
});

export type Got = Record<string, unknown>;
export interface CaseResult {
  id: string;
  got: Got;
}

// ---------------------------------------------------------------------------------------------
// Oracle shapes → model
// ---------------------------------------------------------------------------------------------

const defaultFormats: Record<string, string> = { daily: '%Y-%m-%d', weekly: '%Y-%m-%d', monthly: '%Y-%m-%d', hourly: '%Y-%m-%d-%H:%M' };

function timeDefinition(def: z.infer<typeof timeDefSchema>): TimeWindowPartitions {
  const common = {
    start: def.start,
    end: def.end,
    timezone: def.timezone ?? 'UTC',
    fmt: def.fmt ?? defaultFormats[def.type] ?? '',
    endOffset: def.end_offset,
  };
  const m = def.minute_offset;
  const h = def.hour_offset;
  const d = def.day_offset;
  switch (def.type) {
    case 'hourly':
      return { type: 'hourly', ...common, cronSchedule: scheduleCron('hourly', m, h, d), minuteOffset: m };
    case 'daily':
      return { type: 'daily', ...common, cronSchedule: scheduleCron('daily', m, h, d), minuteOffset: m, hourOffset: h };
    case 'weekly':
      return { type: 'weekly', ...common, cronSchedule: scheduleCron('weekly', m, h, d), minuteOffset: m, hourOffset: h, dayOffset: d };
    case 'monthly':
      return { type: 'monthly', ...common, cronSchedule: scheduleCron('monthly', m, h, d), minuteOffset: m, hourOffset: h, dayOffset: d };
    case 'time_window':
      if (def.cron === null) throw new PartitionsError('a time_window definition needs a cron schedule');
      return { type: 'time_window', ...common, cronSchedule: def.cron };
  }
}

function singleDefinition(def: z.infer<typeof singleDefSchema>): SingleDimensionPartitions {
  if (def.type === 'static') return { type: 'static', keys: def.keys };
  if (def.type === 'dynamic') return { type: 'dynamic', name: def.name };
  return timeDefinition(def);
}

function definition(def: OracleDef): PartitionsDefinition {
  if (def.type !== 'multi') return singleDefinition(def);
  return { type: 'multi', dimensions: Object.entries(def.dims).map(([name, d]) => ({ name, partitions: singleDefinition(d) })) };
}

/** Dynamic keys the case recorded, by definition name. */
function dynamicKeys(...defs: (OracleDef | null)[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (def: OracleDef | z.infer<typeof singleDefSchema>): void => {
    if (def.type === 'dynamic') out.set(def.name, def.keys);
    if (def.type === 'multi') Object.values(def.dims).forEach(visit);
  };
  defs.forEach((d) => d && visit(d));
  return out;
}

function toMapping(m: OracleMapping): PartitionMapping | null {
  switch (m.type) {
    case 'inferred':
      return null;
    case 'identity':
    case 'all':
    case 'last':
    case 'latest_overlapping_time_window':
      return { type: m.type };
    case 'time_window':
      return {
        type: 'time_window',
        startOffset: m.start_offset ?? 0,
        endOffset: m.end_offset ?? 0,
        allowNonexistentUpstreamPartitions: m.allow_nonexistent_upstream_partitions ?? false,
      };
    case 'specific':
      return { type: 'specific', keys: m.partition_keys ?? [] };
    case 'static':
      return {
        type: 'static',
        downstreamByUpstream: Object.fromEntries(Object.entries(m.map ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
      };
    case 'multi_to_single':
      return { type: 'multi_to_single', partitionDimensionName: m.dimension ?? null };
    case 'multi':
      return {
        type: 'multi',
        dimensions: Object.fromEntries(
          Object.entries(m.dimension_mappings ?? {}).map(([up, d]) => [up, { dimensionName: d.dimension_name, mapping: toMapping(d.mapping) ?? { type: 'identity' } }]),
        ),
      };
    default:
      throw new PartitionsError(`unknown mapping type '${m.type}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const windowJson = (w: TimeWindow | null): { start: string; end: string } | null => (w ? { start: iso(w.start), end: iso(w.end) } : null);

function parseNow(now: string | null | undefined): number {
  if (now === null || now === undefined) return Date.now();
  const ms = Date.parse(now);
  if (Number.isNaN(ms)) throw new PartitionsError(`cannot read the time '${now}'`);
  return ms;
}

function spaceOf(def: OracleDef, now: number, dynamic: Map<string, string[]>): PartitionSpace {
  const space = createSpace(definition(def), { now, dynamicKeys: (name) => dynamic.get(name) });
  if (space.kind === 'unknown') throw new PartitionsError(space.reason);
  return space;
}

function requireTime(space: PartitionSpace): TimeWindowSpace {
  if (!(space instanceof TimeWindowSpace)) throw new PartitionsError('this operation needs a time-window partitions definition', 'CheckError');
  return space;
}

function inputSubset(space: PartitionSpace, input: KeysInput): PartitionSubset {
  if (Array.isArray(input)) return subsetFromKeys(space, input, { windows: true }).subset;
  if ('all' in input) return allSubset(space);
  const ranges = 'ranges' in input ? input.ranges : [input];
  return ranges.map((r) => subsetFromRange(space, r.start, r.end, { windows: true })).reduce((a, b) => union(a, b));
}

function selectionKeys(selection: Selection): string[] {
  if (selection === null) return [];
  if (selection.kind === 'whole') return [];
  return subsetKeys(selection);
}

function keyRangesJson(selection: Selection): { start: string; end: string }[] {
  if (selection === null || selection.kind === 'whole') return [];
  return subsetKeyRanges(selection).map(([start, end]) => ({ start, end }));
}

function keysCase(c: Extract<OracleCase, { kind: 'keys' }>): Got {
  const now = parseNow(c.now);
  const dynamic = dynamicKeys(c.def);
  const space = spaceOf(c.def, now, dynamic);
  const args = c.args ?? {};
  const argKey = (): string => z.string().parse(args.key);
  const all = allSubset(space);
  switch (c.op) {
    case 'definition':
      return { error: false };
    case 'partition_keys': {
      const keys = subsetKeys(all);
      const got: Got = { keys, first: keys[0] ?? null, last: keys[keys.length - 1] ?? null, count: subsetSize(all) };
      if (space instanceof TimeWindowSpace) got.windows = keys.map((_, i) => windowJson(space.window(i)));
      return got;
    }
    case 'keys_in_range': {
      const range = rangeSchema.parse(args.range);
      return { keys: subsetKeys(subsetFromRange(space, range.start, range.end)) };
    }
    case 'has_partition_key':
      return { value: subsetHas(all, argKey()) };
    case 'next_partition_key': {
      if (space.kind === 'multi') throw new PartitionsError('next_partition_key needs a single-dimension definition', 'CheckError');
      const i = space.indexOf(argKey());
      return { key: i !== null && i + 1 < space.count ? space.key(i + 1) : null };
    }
    case 'last_partition_key': {
      const keys = subsetKeys(all);
      return { key: keys[keys.length - 1] ?? null };
    }
    case 'time_window_for_key': {
      const time = requireTime(space);
      return { window: windowJson(time.window(time.indexForKey(argKey()))) };
    }
    case 'first_partition_window': {
      const time = requireTime(space);
      return { window: time.count > 0 ? windowJson(time.window(0)) : null };
    }
    case 'last_partition_window': {
      const time = requireTime(space);
      return { window: time.count > 0 ? windowJson(time.window(time.count - 1)) : null };
    }
    case 'keys_with_dimension_value': {
      if (space.kind !== 'multi') throw new PartitionsError('keys_with_dimension_value needs a multi-partitions definition', 'CheckError');
      const dimension = z.string().parse(args.dimension);
      const value = z.string().parse(args.value);
      const index = space.dimIndex(dimension);
      if (index === null) throw new PartitionsError(`no dimension '${dimension}'`, 'CheckError');
      const position = space.dims[index].space.indexOf(value);
      const pinned = position === null ? IntervalSet.empty : IntervalSet.range(position, position + 1);
      const other = (d: SingleSpace): IntervalSet => IntervalSet.range(0, d.count);
      const subset = index === 0 ? multiProduct(space, pinned, other(space.dims[1].space)) : multiProduct(space, other(space.dims[0].space), pinned);
      return { keys: subsetKeys(subset) };
    }
    default:
      throw new PartitionsError(`unknown operation '${c.op}'`, 'CheckError');
  }
}

function mappingCase(c: Extract<OracleCase, { kind: 'mapping' }>): Got {
  const now = parseNow(c.now);
  const dynamic = dynamicKeys(c.upstream_def, c.downstream_def);
  const upDef = c.upstream_def ? definition(c.upstream_def) : null;
  const downDef = c.downstream_def ? definition(c.downstream_def) : null;
  const explicit = toMapping(c.mapping);
  const mapping = inferPartitionMapping(explicit, downDef, upDef);
  if (explicit === null) {
    // Dagster validates the mapping it infers when it builds the asset graph.
    try {
      validateMapping(mapping, upDef, downDef);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new PartitionsError(`Invalid partition mapping from the downstream asset to the upstream asset: ${detail}`);
    }
  }
  if (c.direction === 'validate') {
    validateMapping(mapping, upDef, downDef);
    return { error: false };
  }
  const up = c.upstream_def ? spaceOf(c.upstream_def, now, dynamic) : null;
  const down = c.downstream_def ? spaceOf(c.downstream_def, now, dynamic) : null;
  if (c.direction === 'downstream_to_upstream') {
    const input: Selection = down === null ? { kind: 'whole' } : inputSubset(down, c.input_keys ?? { all: true });
    const result = upstreamOf(mapping, up, down, input);
    return {
      keys: selectionKeys(result.selection),
      key_ranges: keyRangesJson(result.selection),
      required_but_nonexistent: result.requiredButNonexistent.keys(),
    };
  }
  if (up === null) throw new PartitionsError('an unpartitioned upstream asset has no partitions to map', 'CheckError');
  const result = downstreamOf(mapping, up, inputSubset(up, c.input_keys ?? { all: true }), down);
  return { keys: selectionKeys(result), key_ranges: keyRangesJson(result) };
}

function subsetCase(c: Extract<OracleCase, { kind: 'subset' }>): Got {
  const now = parseNow(c.now);
  const space = spaceOf(c.def, now, dynamicKeys(c.def));
  const build = (keys: string[] | { all: true }): PartitionSubset =>
    Array.isArray(keys) ? subsetFromKeys(space, keys, { windows: true }).subset : allSubset(space);
  const subset = build(c.subset_keys);
  switch (c.op) {
    case 'keys_not_in_subset':
      return {
        keys: subsetKeys(difference(allSubset(space), subset)),
        num_time_windows: subsetRunCount(subset),
        size: subsetSize(subset),
      };
    case 'keys':
      return { keys: subsetKeys(subset), size: subsetSize(subset) };
    case 'contains': {
      const args = c.args ?? {};
      const keys = Array.isArray(args.keys) ? z.array(z.string()).parse(args.keys) : Object.keys(c.expect?.contains ?? {});
      return { contains: Object.fromEntries(keys.map((k) => [k, subsetHas(subset, k)])) };
    }
    case 'union':
    case 'intersection':
    case 'difference': {
      const other = build(c.other_keys ?? []);
      const op = c.op === 'union' ? union : c.op === 'intersection' ? intersection : difference;
      const result = op(subset, other);
      return { keys: subsetKeys(result), size: subsetSize(result) };
    }
    case 'key_ranges':
      return { key_ranges: subsetKeyRanges(subset).map(([start, end]) => ({ start, end })) };
    default:
      throw new PartitionsError(`unknown subset operation '${c.op}'`, 'CheckError');
  }
}

function inferCase(c: Extract<OracleCase, { kind: 'infer' }>): Got {
  const mapping = inferPartitionMapping(null, c.downstream_def ? definition(c.downstream_def) : null, c.upstream_def ? definition(c.upstream_def) : null);
  return { mapping: mapping.type };
}

export function errorGot(error: unknown): Got {
  if (error instanceof PartitionsError) return { error: true, error_type: error.pythonType, message: error.message };
  if (error instanceof z.ZodError) return { error: true, error_type: 'CheckError', message: `invalid case: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { error: true, error_type: 'Exception', message: error instanceof Error ? error.message : String(error) };
}

export function runCase(raw: unknown): CaseResult {
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : '?';
  try {
    const c = caseSchema.parse(raw);
    switch (c.kind) {
      case 'keys':
        return { id, got: keysCase(c) };
      case 'mapping':
        return { id, got: mappingCase(c) };
      case 'subset':
        return { id, got: subsetCase(c) };
      case 'infer':
        return { id, got: inferCase(c) };
    }
  } catch (error) {
    return { id, got: errorGot(error) };
  }
}

/** Every case of a file in the oracle format. Throws (with zod's message) if the file is not one. */
export function runCaseFile(json: unknown): { results: CaseResult[] } {
  const file = caseFileSchema.parse(json);
  return { results: file.cases.map(runCase) };
}
