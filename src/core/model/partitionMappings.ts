import { z } from 'zod';
import { isTimeWindow, samePartitionSpace, type PartitionsDefinition } from './partitions';

/** Partition mappings on edges (downstream partition → upstream partitions), Dagster's classes one for one. */
export type PartitionMapping =
  | { type: 'identity' }
  | {
      type: 'time_window';
      startOffset: number;
      endOffset: number;
      allowNonexistentUpstreamPartitions: boolean;
    }
  | { type: 'latest_overlapping_time_window' }
  | { type: 'all' }
  | { type: 'last' }
  | { type: 'static'; downstreamByUpstream: Record<string, string[]> }
  | { type: 'specific'; keys: string[] }
  | { type: 'multi_to_single'; partitionDimensionName: string | null }
  | {
      type: 'multi';
      /** Keyed by upstream dimension name. Dimensions not listed map with All. */
      dimensions: Record<string, { dimensionName: string; mapping: PartitionMapping }>;
    };

export const partitionMappingSchema: z.ZodType<PartitionMapping> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('identity') }),
    z.object({
      type: z.literal('time_window'),
      startOffset: z.number().int(),
      endOffset: z.number().int(),
      allowNonexistentUpstreamPartitions: z.boolean(),
    }),
    z.object({ type: z.literal('latest_overlapping_time_window') }),
    z.object({ type: z.literal('all') }),
    z.object({ type: z.literal('last') }),
    z.object({ type: z.literal('static'), downstreamByUpstream: z.record(z.array(z.string())) }),
    z.object({ type: z.literal('specific'), keys: z.array(z.string()) }),
    z.object({ type: z.literal('multi_to_single'), partitionDimensionName: z.string().nullable() }),
    z.object({
      type: z.literal('multi'),
      dimensions: z.record(z.object({ dimensionName: z.string(), mapping: partitionMappingSchema })),
    }),
  ]),
);

/**
 * Whether Dagster can infer a multi ↔ single dimension mapping (its
 * `get_infer_single_to_multi_dimension_deps_result`): the single definition equals exactly one
 * dimension, or the single one is time-based and the multi has exactly one time dimension.
 */
export function canInferMultiToSingle(
  multi: Extract<PartitionsDefinition, { type: 'multi' }>,
  single: PartitionsDefinition,
): boolean {
  if (single.type === 'multi') return false;
  const equal = multi.dimensions.filter((d) => samePartitionSpace(d.partitions, single));
  if (equal.length === 1) return true;
  if (equal.length > 1) return false;
  if (isTimeWindow(single)) {
    return multi.dimensions.filter((d) => isTimeWindow(d.partitions)).length === 1;
  }
  return false;
}

/** Dagster's `infer_partition_mapping` (§4.2): the mapping used when an edge has none. */
export function inferPartitionMapping(
  explicit: PartitionMapping | null,
  downstream: PartitionsDefinition | null,
  upstream: PartitionsDefinition | null,
): PartitionMapping {
  if (explicit) return explicit;
  if (!downstream || !upstream) return { type: 'all' };
  const downMulti = downstream.type === 'multi';
  const upMulti = upstream.type === 'multi';
  if (downMulti !== upMulti) {
    const multi = (downMulti ? downstream : upstream) as Extract<PartitionsDefinition, { type: 'multi' }>;
    const single = downMulti ? upstream : downstream;
    if (canInferMultiToSingle(multi, single)) return { type: 'multi_to_single', partitionDimensionName: null };
  }
  if (isTimeWindow(downstream) && isTimeWindow(upstream)) {
    return { type: 'time_window', startOffset: 0, endOffset: 0, allowNonexistentUpstreamPartitions: false };
  }
  return { type: 'identity' };
}
