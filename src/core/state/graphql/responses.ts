import { z } from 'zod';

/**
 * The shapes of the answers to `queries.ts`, as Dagster's schema types them. Objects ignore keys
 * they do not list (later Dagster versions add fields); unions are told apart by `__typename`.
 * Enums whose members Dagster has grown over versions (run and backfill statuses) are plain
 * strings; the ones the stale and partition logic depends on are checked.
 */

export const assetKeySchema = z.object({ path: z.array(z.string()).min(1) });

export const partitionDefinitionTypeSchema = z.enum(['TIME_WINDOW', 'STATIC', 'MULTIPARTITIONED', 'DYNAMIC']);
export type PartitionDefinitionType = z.infer<typeof partitionDefinitionTypeSchema>;

const timeStatusesSchema = z.object({
  __typename: z.literal('TimePartitionStatuses'),
  ranges: z.array(z.object({ startKey: z.string(), endKey: z.string(), status: z.enum(['MATERIALIZED', 'FAILED', 'MATERIALIZING']) })),
});

const defaultStatusesSchema = z.object({
  __typename: z.literal('DefaultPartitionStatuses'),
  materializedPartitions: z.array(z.string()),
  failedPartitions: z.array(z.string()),
  // Added after the others; an older server that lacks it simply has none in progress.
  materializingPartitions: z.array(z.string()).optional().default([]),
});

const oneDimensionStatusesSchema = z.discriminatedUnion('__typename', [timeStatusesSchema, defaultStatusesSchema]);
export type OneDimensionStatuses = z.infer<typeof oneDimensionStatusesSchema>;

const multiStatusesSchema = z.object({
  __typename: z.literal('MultiPartitionStatuses'),
  primaryDimensionName: z.string(),
  ranges: z.array(z.object({ primaryDimStartKey: z.string(), primaryDimEndKey: z.string(), secondaryDim: oneDimensionStatusesSchema })),
});

export const partitionStatusesSchema = z.discriminatedUnion('__typename', [timeStatusesSchema, defaultStatusesSchema, multiStatusesSchema]);
export type PartitionStatuses = z.infer<typeof partitionStatusesSchema>;

export const assetNodeSchema = z.object({
  assetKey: assetKeySchema,
  isPartitioned: z.boolean(),
  isSource: z.boolean(),
  isExecutable: z.boolean(),
  isObservable: z.boolean(),
  opVersion: z.string().nullable(),
  partitionDefinition: z
    .object({
      type: partitionDefinitionTypeSchema,
      name: z.string().nullable().optional(),
      dimensionTypes: z.array(
        z.object({
          name: z.string(),
          type: partitionDefinitionTypeSchema,
          isPrimaryDimension: z.boolean(),
          dynamicPartitionsDefinitionName: z.string().nullable().optional(),
        }),
      ),
    })
    .nullable(),
  partitionKeysByDimension: z.array(z.object({ name: z.string(), partitionKeys: z.array(z.string()) })),
  assetPartitionStatuses: partitionStatusesSchema,
});
export type AssetNodeResponse = z.infer<typeof assetNodeSchema>;

export const assetNodesResponseSchema = z.object({ assetNodes: z.array(assetNodeSchema) });

export const staleStatusSchema = z.enum(['MISSING', 'STALE', 'FRESH']);

export const staleCauseSchema = z.object({
  key: assetKeySchema,
  partitionKey: z.string().nullable(),
  category: z.enum(['CODE', 'DATA', 'DEPENDENCIES']),
  reason: z.string(),
  dependency: assetKeySchema.nullable(),
  dependencyPartitionKey: z.string().nullable(),
});
export type StaleCauseResponse = z.infer<typeof staleCauseSchema>;

export const unpartitionedStateResponseSchema = z.object({
  assetNodes: z.array(z.object({ assetKey: assetKeySchema, staleStatus: staleStatusSchema.nullable(), staleCauses: z.array(staleCauseSchema) })),
  assetsLatestInfo: z.array(
    z.object({
      assetKey: assetKeySchema,
      latestMaterialization: z.object({ runId: z.string(), timestamp: z.string() }).nullable(),
      inProgressRunIds: z.array(z.string()),
      unstartedRunIds: z.array(z.string()),
      latestRun: z.object({ runId: z.string(), status: z.string() }).nullable(),
    }),
  ),
});
export type UnpartitionedStateResponse = z.infer<typeof unpartitionedStateResponseSchema>;

export const partitionStalenessResponseSchema = z.object({
  assetNodes: z.array(
    z.object({
      assetKey: assetKeySchema,
      staleStatusByPartition: z.array(staleStatusSchema),
      staleCausesByPartition: z.array(z.array(staleCauseSchema)).nullable(),
    }),
  ),
});

const pythonErrorSchema = z.object({ __typename: z.literal('PythonError'), message: z.string() });

export const backfillSummarySchema = z.object({
  id: z.string(),
  status: z.string(),
  isAssetBackfill: z.boolean(),
  timestamp: z.number(),
  endTimestamp: z.number().nullable().optional(),
  numPartitions: z.number().int().nullable().optional(),
  partitionSetName: z.string().nullable().optional(),
  assetSelection: z.array(assetKeySchema).nullable().optional(),
  user: z.string().nullable().optional(),
  error: z.object({ message: z.string() }).nullable().optional(),
});
export type BackfillSummaryResponse = z.infer<typeof backfillSummarySchema>;

export const backfillsResponseSchema = z.object({
  partitionBackfillsOrError: z.discriminatedUnion('__typename', [
    z.object({ __typename: z.literal('PartitionBackfills'), results: z.array(backfillSummarySchema) }),
    pythonErrorSchema,
  ]),
});

/** A member of `AssetBackfillStatus`; one a later Dagster adds is kept as `other` and skipped. */
const backfillAssetStatusSchema = z.union([
  z.object({
    __typename: z.literal('AssetPartitionsStatusCounts'),
    assetKey: assetKeySchema,
    numPartitionsTargeted: z.number().int(),
    numPartitionsInProgress: z.number().int(),
    numPartitionsMaterialized: z.number().int(),
    numPartitionsFailed: z.number().int(),
  }),
  z.object({ __typename: z.literal('UnpartitionedAssetStatus'), assetKey: assetKeySchema, inProgress: z.boolean(), materialized: z.boolean(), failed: z.boolean() }),
  z
    .object({ __typename: z.string().refine((name) => name !== 'AssetPartitionsStatusCounts' && name !== 'UnpartitionedAssetStatus') })
    .transform((value) => ({ __typename: 'other' as const, typename: value.__typename })),
]);

export const backfillResponseSchema = z.object({
  partitionBackfillOrError: z.discriminatedUnion('__typename', [
    backfillSummarySchema.extend({
      __typename: z.literal('PartitionBackfill'),
      assetBackfillData: z.object({ assetBackfillStatuses: z.array(backfillAssetStatusSchema) }).nullable().optional(),
      runs: z.array(z.object({ runId: z.string(), status: z.string(), startTime: z.number().nullable().optional(), endTime: z.number().nullable().optional() })),
    }),
    z.object({ __typename: z.literal('BackfillNotFoundError'), message: z.string() }),
    pythonErrorSchema,
  ]),
});

/** `cancelPartitionBackfill`: success, or an error with its message. */
export const cancelBackfillResponseSchema = z.object({
  cancelPartitionBackfill: z.union([z.object({ __typename: z.literal('CancelBackfillSuccess'), backfillId: z.string() }), z.object({ __typename: z.string(), message: z.string() })]),
});

/** `launchPartitionBackfill`: success, or any member of the union, all of which carry a message. */
export const launchBackfillResponseSchema = z.object({
  launchPartitionBackfill: z.union([
    z.object({ __typename: z.literal('LaunchBackfillSuccess'), backfillId: z.string(), launchedRunIds: z.array(z.string().nullable()).nullable().optional() }),
    z.object({ __typename: z.string(), message: z.string() }),
  ]),
});
