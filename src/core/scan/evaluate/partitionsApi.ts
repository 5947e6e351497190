import type { PartitionMapping } from '../../model/partitionMappings';
import { scheduleCron, type PartitionsDefinition, type SingleDimensionPartitions } from '../../model/partitions';
import { invalidKeySubstrings } from '../../partitions/keySpaces';
import { strftime } from '../../partitions/strftime';
import { timeWindowProblem } from '../../partitions/timeWindows';
import { wallMs } from '../../partitions/timeZone';
import { arg, asBool, asNumber, asString, asStringList, isAbsent } from './pyValues';
import { unknownValue, type CallArgs, type Value } from './values';

/** Reports a problem at the call being evaluated. */
export type Complain = (severity: 'error' | 'warning' | 'info', message: string, code: string) => void;

const defaultDateFormat = '%Y-%m-%d';
const defaultHourlyFormat = '%Y-%m-%d-%H:%M';

/** Formats a `datetime(...)` start with the definition's `fmt`, as Dagster formats it before parsing it back. */
function formatDatetime(parts: [number, number, number, number, number, number], fmt: string): string {
  const [y, mo, d, h, mi, sec] = parts;
  try {
    // `%z` of a naive datetime is empty in Python; the definition's zone applies when it is parsed.
    return strftime(wallMs(y, mo, d, h, mi, sec), fmt.replace(/%z/g, ''));
  } catch {
    return fmt;
  }
}

function dateArg(v: Value | undefined, fmt: string): string | null {
  if (v?.k === 'str') return v.v;
  if (v?.k === 'datetime') return formatDatetime(v.parts, fmt);
  return null;
}

const scheduleTypes: Record<string, 'hourly' | 'daily' | 'weekly' | 'monthly'> = { HOURLY: 'hourly', DAILY: 'daily', WEEKLY: 'weekly', MONTHLY: 'monthly' };

export function buildPartitions(name: string, call: CallArgs, complain: Complain): Value {
  const value = readPartitions(name, call, complain);
  // Dimensions of a multi definition were checked when their own calls were read.
  if (value.k === 'partitions' && value.def.type !== 'multi' && value.def.type !== 'static' && value.def.type !== 'dynamic') {
    const problem = timeWindowProblem(value.def);
    if (problem !== null) complain('error', `${name}: ${problem}; Dagster fails to load this definition`, 'invalid-partitions');
  }
  return value;
}

function readPartitions(name: string, call: CallArgs, complain: Complain): Value {
  const int = (index: number, key: string, fallback: number): number => {
    const v = arg(call, index, key);
    if (isAbsent(v)) return fallback;
    const n = asNumber(v);
    if (n === null) complain('warning', `${key} of ${name} cannot be read statically; using ${fallback}`, 'unresolved-argument');
    return n ?? fallback;
  };
  const timezone = (index: number): string => {
    const v = arg(call, index, 'timezone');
    if (isAbsent(v)) return 'UTC';
    const tz = asString(v);
    if (tz === null) complain('warning', `timezone of ${name} cannot be read statically; using UTC`, 'unresolved-argument');
    return tz ?? 'UTC';
  };
  const fmtArg = (index: number, fallback: string): string => {
    const v = arg(call, index, 'fmt');
    return isAbsent(v) ? fallback : (asString(v) ?? fallback);
  };
  const startEnd = (startIndex: number, endIndex: number, fmt: string, startName: string, endName: string) => {
    const start = dateArg(arg(call, startIndex, startName), fmt);
    const endValue = arg(call, endIndex, endName);
    const end = isAbsent(endValue) ? null : dateArg(endValue, fmt);
    return { start, end, endUnknown: !isAbsent(endValue) && end === null };
  };

  // Positional orders follow Dagster's signatures.
  switch (name) {
    case 'DailyPartitionsDefinition': {
      const fmt = fmtArg(5, defaultDateFormat);
      const { start, end } = startEnd(0, 1, fmt, 'start_date', 'end_date');
      if (start === null) return missingStart(name, complain);
      const minuteOffset = int(2, 'minute_offset', 0);
      const hourOffset = int(3, 'hour_offset', 0);
      return {
        k: 'partitions',
        def: {
          type: 'daily',
          start,
          end,
          timezone: timezone(4),
          fmt,
          endOffset: int(6, 'end_offset', 0),
          cronSchedule: scheduleCron('daily', minuteOffset, hourOffset, 0),
          minuteOffset,
          hourOffset,
        },
      };
    }
    case 'HourlyPartitionsDefinition': {
      const fmt = fmtArg(4, defaultHourlyFormat);
      const { start, end } = startEnd(0, 1, fmt, 'start_date', 'end_date');
      if (start === null) return missingStart(name, complain);
      const minuteOffset = int(2, 'minute_offset', 0);
      return {
        k: 'partitions',
        def: {
          type: 'hourly',
          start,
          end,
          timezone: timezone(3),
          fmt,
          endOffset: int(5, 'end_offset', 0),
          cronSchedule: scheduleCron('hourly', minuteOffset, 0, 0),
          minuteOffset,
        },
      };
    }
    case 'WeeklyPartitionsDefinition':
    case 'MonthlyPartitionsDefinition': {
      const weekly = name === 'WeeklyPartitionsDefinition';
      const fmt = fmtArg(6, defaultDateFormat);
      const { start, end } = startEnd(0, 1, fmt, 'start_date', 'end_date');
      if (start === null) return missingStart(name, complain);
      const minuteOffset = int(2, 'minute_offset', 0);
      const hourOffset = int(3, 'hour_offset', 0);
      const dayOffset = int(4, 'day_offset', weekly ? 0 : 1);
      const common = {
        start,
        end,
        timezone: timezone(5),
        fmt,
        endOffset: int(7, 'end_offset', 0),
        minuteOffset,
        hourOffset,
        dayOffset,
      };
      return weekly
        ? { k: 'partitions', def: { type: 'weekly', ...common, cronSchedule: scheduleCron('weekly', minuteOffset, hourOffset, dayOffset) } }
        : { k: 'partitions', def: { type: 'monthly', ...common, cronSchedule: scheduleCron('monthly', minuteOffset, hourOffset, dayOffset) } };
    }
    case 'TimeWindowPartitionsDefinition': {
      const fmt = asString(arg(call, 1, 'fmt'));
      if (fmt === null) {
        complain('warning', 'TimeWindowPartitionsDefinition needs a literal fmt to be read statically', 'unresolved-argument');
        return unknownValue('TimeWindowPartitionsDefinition without a literal fmt');
      }
      const { start, end } = startEnd(0, 2, fmt, 'start', 'end');
      if (start === null) return missingStart(name, complain);
      let cron = asString(arg(call, 9, 'cron_schedule'));
      if (cron === null) {
        const scheduleType = arg(call, 3, 'schedule_type');
        const typeName = scheduleType?.k === 'api' ? scheduleType.name.split('.').pop() : asString(scheduleType);
        const cadence = typeName ? scheduleTypes[typeName.toUpperCase()] : undefined;
        if (!cadence) {
          complain('warning', 'TimeWindowPartitionsDefinition needs a literal cron_schedule or schedule_type', 'unresolved-argument');
          return unknownValue('TimeWindowPartitionsDefinition schedule');
        }
        cron = scheduleCron(cadence, int(6, 'minute_offset', 0), int(7, 'hour_offset', 0), int(8, 'day_offset', cadence === 'monthly' ? 1 : 0));
      }
      return {
        k: 'partitions',
        def: { type: 'time_window', start, end, timezone: timezone(4), fmt, endOffset: int(5, 'end_offset', 0), cronSchedule: cron },
      };
    }
    case 'StaticPartitionsDefinition': {
      const keys = asStringList(arg(call, 0, 'partition_keys'));
      if (keys === null) {
        complain('warning', 'the keys of StaticPartitionsDefinition cannot be read statically', 'unresolved-argument');
        return unknownValue('StaticPartitionsDefinition keys');
      }
      const seen = new Set<string>();
      for (const key of keys) {
        if (seen.has(key)) complain('error', `StaticPartitionsDefinition has the key '${key}' twice; Dagster refuses duplicate keys`, 'invalid-partitions');
        seen.add(key);
        const bad = invalidKeySubstrings.find((s) => key.includes(s));
        if (bad !== undefined) {
          complain('error', `partition key ${JSON.stringify(key)} contains ${JSON.stringify(bad)}, which Dagster does not allow`, 'invalid-partitions');
        }
      }
      return { k: 'partitions', def: { type: 'static', keys } };
    }
    case 'DynamicPartitionsDefinition': {
      const dynamicName = asString(call.kwargs.get('name'));
      if (dynamicName === null) {
        complain('info', 'DynamicPartitionsDefinition without a literal name: its keys cannot be read from an instance', 'unresolved-argument');
      }
      return { k: 'partitions', def: { type: 'dynamic', name: dynamicName } };
    }
    case 'MultiPartitionsDefinition': {
      const dims = arg(call, 0, 'partitions_defs');
      if (dims?.k !== 'dict') {
        complain('warning', 'the dimensions of MultiPartitionsDefinition cannot be read statically', 'unresolved-argument');
        return unknownValue('MultiPartitionsDefinition dimensions');
      }
      const dimensions: { name: string; partitions: SingleDimensionPartitions }[] = [];
      for (const [k, v] of dims.entries) {
        if (k.k !== 'str' || v.k !== 'partitions' || v.def.type === 'multi') {
          complain('warning', 'a dimension of MultiPartitionsDefinition cannot be read statically', 'unresolved-argument');
          return unknownValue('MultiPartitionsDefinition dimension');
        }
        if (v.def.type === 'dynamic' && v.def.name === null) {
          complain('error', 'a dynamic dimension of MultiPartitionsDefinition needs a name', 'invalid-partitions');
        }
        if (v.def.type === 'static') {
          const bad = v.def.keys.find((key) => /[|,[\]]/.test(key));
          if (bad !== undefined) {
            complain('error', `static key ${JSON.stringify(bad)} in a multi-partition dimension contains one of | , [ ]`, 'invalid-partitions');
          }
        }
        dimensions.push({ name: k.v, partitions: v.def });
      }
      if (dimensions.length !== 2) {
        complain('error', `MultiPartitionsDefinition needs exactly 2 dimensions, got ${dimensions.length}`, 'invalid-partitions');
      }
      // Python sorts dimension names by code point, which is what plain < does on strings here.
      dimensions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const def: PartitionsDefinition = { type: 'multi', dimensions };
      return { k: 'partitions', def };
    }
    default:
      return unknownValue(name);
  }
}

function missingStart(name: string, complain: Complain): Value {
  complain('warning', `the start date of ${name} cannot be read statically`, 'unresolved-argument');
  return unknownValue(`${name} start`);
}

export function buildMapping(name: string, call: CallArgs, complain: Complain): Value {
  const mapping = (m: PartitionMapping): Value => ({ k: 'mapping', mapping: m });
  switch (name) {
    case 'IdentityPartitionMapping':
      return mapping({ type: 'identity' });
    case 'AllPartitionMapping':
      return mapping({ type: 'all' });
    case 'LastPartitionMapping':
      return mapping({ type: 'last' });
    case 'LatestOverlappingTimeWindowPartitionMapping':
      return mapping({ type: 'latest_overlapping_time_window' });
    case 'TimeWindowPartitionMapping': {
      const start = arg(call, 0, 'start_offset');
      const end = arg(call, 1, 'end_offset');
      const allow = arg(call, 2, 'allow_nonexistent_upstream_partitions');
      const startOffset = isAbsent(start) ? 0 : asNumber(start);
      const endOffset = isAbsent(end) ? 0 : asNumber(end);
      const allowNonexistent = isAbsent(allow) ? false : asBool(allow);
      if (startOffset === null || endOffset === null || allowNonexistent === null) {
        complain('warning', 'the offsets of TimeWindowPartitionMapping cannot be read statically', 'unresolved-argument');
        return unknownValue('TimeWindowPartitionMapping');
      }
      return mapping({ type: 'time_window', startOffset, endOffset, allowNonexistentUpstreamPartitions: allowNonexistent });
    }
    case 'StaticPartitionMapping': {
      const table = arg(call, 0, 'downstream_partition_keys_by_upstream_partition_key');
      if (table?.k !== 'dict') {
        complain('warning', 'the table of StaticPartitionMapping cannot be read statically', 'unresolved-argument');
        return unknownValue('StaticPartitionMapping');
      }
      const downstreamByUpstream: Record<string, string[]> = {};
      for (const [k, v] of table.entries) {
        const down = asStringList(v);
        if (k.k !== 'str' || down === null) {
          complain('warning', 'an entry of StaticPartitionMapping cannot be read statically', 'unresolved-argument');
          return unknownValue('StaticPartitionMapping');
        }
        downstreamByUpstream[k.v] = down;
      }
      return mapping({ type: 'static', downstreamByUpstream });
    }
    case 'SpecificPartitionsPartitionMapping': {
      const keys = asStringList(arg(call, 0, 'partition_keys'));
      if (keys === null) {
        complain('warning', 'the keys of SpecificPartitionsPartitionMapping cannot be read statically', 'unresolved-argument');
        return unknownValue('SpecificPartitionsPartitionMapping');
      }
      return mapping({ type: 'specific', keys });
    }
    case 'MultiToSingleDimensionPartitionMapping': {
      const dim = arg(call, 0, 'partition_dimension_name');
      return mapping({ type: 'multi_to_single', partitionDimensionName: isAbsent(dim) ? null : asString(dim) });
    }
    case 'DimensionPartitionMapping': {
      const dimensionName = asString(arg(call, 0, 'dimension_name'));
      const inner = arg(call, 1, 'partition_mapping');
      if (dimensionName === null || inner?.k !== 'mapping') {
        complain('warning', 'DimensionPartitionMapping cannot be read statically', 'unresolved-argument');
        return unknownValue('DimensionPartitionMapping');
      }
      return { k: 'dimensionMapping', dimensionName, mapping: inner.mapping };
    }
    case 'MultiPartitionMapping': {
      const table = arg(call, 0, 'downstream_mappings_by_upstream_dimension');
      if (table?.k !== 'dict') {
        complain('warning', 'the table of MultiPartitionMapping cannot be read statically', 'unresolved-argument');
        return unknownValue('MultiPartitionMapping');
      }
      const dimensions: Record<string, { dimensionName: string; mapping: PartitionMapping }> = {};
      for (const [k, v] of table.entries) {
        if (k.k !== 'str' || v.k !== 'dimensionMapping') {
          complain('warning', 'an entry of MultiPartitionMapping cannot be read statically', 'unresolved-argument');
          return unknownValue('MultiPartitionMapping');
        }
        dimensions[k.v] = { dimensionName: v.dimensionName, mapping: v.mapping };
      }
      return mapping({ type: 'multi', dimensions });
    }
    default:
      return unknownValue(name);
  }
}

export const partitionsApiNames = new Set([
  'DailyPartitionsDefinition',
  'HourlyPartitionsDefinition',
  'WeeklyPartitionsDefinition',
  'MonthlyPartitionsDefinition',
  'TimeWindowPartitionsDefinition',
  'StaticPartitionsDefinition',
  'DynamicPartitionsDefinition',
  'MultiPartitionsDefinition',
]);

export const mappingApiNames = new Set([
  'IdentityPartitionMapping',
  'AllPartitionMapping',
  'LastPartitionMapping',
  'LatestOverlappingTimeWindowPartitionMapping',
  'TimeWindowPartitionMapping',
  'StaticPartitionMapping',
  'SpecificPartitionsPartitionMapping',
  'MultiToSingleDimensionPartitionMapping',
  'DimensionPartitionMapping',
  'MultiPartitionMapping',
]);
