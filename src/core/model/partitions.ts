import { z } from 'zod';

/**
 * Partitions definitions as the scanner records them: every argument Dagster takes, with Dagster's
 * defaults filled in, so later layers (key spaces, mappings, staleness) never re-derive defaults.
 */

const timeWindowCommon = {
  /** The `start`/`start_date` exactly as written; it is parsed with `fmt` by the partitions engine. */
  start: z.string(),
  end: z.string().nullable(),
  timezone: z.string(),
  fmt: z.string(),
  endOffset: z.number().int(),
  /** The cron schedule Dagster builds for the subclass (or the one given to TimeWindowPartitionsDefinition). */
  cronSchedule: z.string(),
};

export const dailyPartitionsSchema = z.object({
  type: z.literal('daily'),
  ...timeWindowCommon,
  minuteOffset: z.number().int(),
  hourOffset: z.number().int(),
});
export const hourlyPartitionsSchema = z.object({
  type: z.literal('hourly'),
  ...timeWindowCommon,
  minuteOffset: z.number().int(),
});
export const weeklyPartitionsSchema = z.object({
  type: z.literal('weekly'),
  ...timeWindowCommon,
  minuteOffset: z.number().int(),
  hourOffset: z.number().int(),
  dayOffset: z.number().int(),
});
export const monthlyPartitionsSchema = z.object({
  type: z.literal('monthly'),
  ...timeWindowCommon,
  minuteOffset: z.number().int(),
  hourOffset: z.number().int(),
  dayOffset: z.number().int(),
});
export const timeWindowPartitionsSchema = z.object({
  type: z.literal('time_window'),
  ...timeWindowCommon,
});
export const staticPartitionsSchema = z.object({
  type: z.literal('static'),
  keys: z.array(z.string()),
});
export const dynamicPartitionsSchema = z.object({
  type: z.literal('dynamic'),
  /** Null for the deprecated `partition_fn=` form, whose keys cannot be read from an instance. */
  name: z.string().nullable(),
});

/**
 * The cron schedule Dagster builds for its named time-window classes and schedule types
 * (`cron_schedule_from_schedule_type_and_offsets`): minute, hour, and day of week or of month.
 */
export function scheduleCron(type: 'hourly' | 'daily' | 'weekly' | 'monthly', minute: number, hour: number, day: number): string {
  switch (type) {
    case 'hourly':
      return `${minute} * * * *`;
    case 'daily':
      return `${minute} ${hour} * * *`;
    case 'weekly':
      return `${minute} ${hour} * * ${day}`;
    case 'monthly':
      return `${minute} ${hour} ${day} * *`;
  }
}

export type TimeWindowPartitions =
  | z.infer<typeof dailyPartitionsSchema>
  | z.infer<typeof hourlyPartitionsSchema>
  | z.infer<typeof weeklyPartitionsSchema>
  | z.infer<typeof monthlyPartitionsSchema>
  | z.infer<typeof timeWindowPartitionsSchema>;
export type StaticPartitions = z.infer<typeof staticPartitionsSchema>;
export type DynamicPartitions = z.infer<typeof dynamicPartitionsSchema>;
export type SingleDimensionPartitions = TimeWindowPartitions | StaticPartitions | DynamicPartitions;

export interface MultiPartitions {
  type: 'multi';
  /** Exactly two dimensions, sorted by name in Python string order, as Dagster sorts them. */
  dimensions: { name: string; partitions: SingleDimensionPartitions }[];
}

export type PartitionsDefinition = SingleDimensionPartitions | MultiPartitions;

const singleDimensionSchema = z.discriminatedUnion('type', [
  dailyPartitionsSchema,
  hourlyPartitionsSchema,
  weeklyPartitionsSchema,
  monthlyPartitionsSchema,
  timeWindowPartitionsSchema,
  staticPartitionsSchema,
  dynamicPartitionsSchema,
]);

export const multiPartitionsSchema = z.object({
  type: z.literal('multi'),
  dimensions: z.array(z.object({ name: z.string(), partitions: singleDimensionSchema })),
});

export const partitionsDefinitionSchema: z.ZodType<PartitionsDefinition> = z.union([
  singleDimensionSchema,
  multiPartitionsSchema,
]);

export function isTimeWindow(def: PartitionsDefinition): def is TimeWindowPartitions {
  return (
    def.type === 'daily' ||
    def.type === 'hourly' ||
    def.type === 'weekly' ||
    def.type === 'monthly' ||
    def.type === 'time_window'
  );
}

/** Structural equality, as Dagster compares partitions definitions (by value). */
export function partitionsEqual(a: PartitionsDefinition | null, b: PartitionsDefinition | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Time-window definitions are equal for partitioning purposes when their windows coincide. */
function sameWindows(a: TimeWindowPartitions, b: TimeWindowPartitions): boolean {
  return (
    a.cronSchedule === b.cronSchedule &&
    a.timezone === b.timezone &&
    a.fmt === b.fmt &&
    a.start === b.start &&
    a.end === b.end &&
    a.endOffset === b.endOffset
  );
}

export function samePartitionSpace(a: PartitionsDefinition, b: PartitionsDefinition): boolean {
  if (isTimeWindow(a) && isTimeWindow(b)) return sameWindows(a, b);
  return partitionsEqual(a, b);
}
