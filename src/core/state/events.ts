import { z } from 'zod';
import { parseSerdes } from './serdes';

/**
 * The parts of a stored `EventLogEntry` the state model needs, from any Dagster version the
 * fixtures cover (0.14 to 1.12): the asset, partition and provenance tags of materializations,
 * observations, planned materializations and failures. Everything else (metadata, logging tags,
 * stack traces) is ignored, so unknown fields never fail a read.
 */

export const assetEventTypes = ['ASSET_MATERIALIZATION', 'ASSET_OBSERVATION', 'ASSET_MATERIALIZATION_PLANNED', 'ASSET_FAILED_TO_MATERIALIZE'] as const;
export type AssetEventType = (typeof assetEventTypes)[number];

const assetKeySchema = z.object({ path: z.array(z.string()).min(1) }).passthrough();
const tagsSchema = z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable().optional();
const assetPayloadSchema = z
  .object({ asset_key: assetKeySchema.nullable().optional(), partition: z.string().nullable().optional(), tags: tagsSchema })
  .passthrough();

const entrySchema = z
  .object({
    run_id: z.string().optional(),
    timestamp: z.number().optional(),
    dagster_event: z
      .object({
        event_type_value: z.string(),
        event_specific_data: z
          .object({
            materialization: assetPayloadSchema.nullable().optional(),
            asset_observation: assetPayloadSchema.nullable().optional(),
            asset_key: assetKeySchema.nullable().optional(),
            partition: z.string().nullable().optional(),
            asset_materialization_failure: assetPayloadSchema.extend({ reason: z.string().nullable().optional() }).passthrough().nullable().optional(),
          })
          .passthrough()
          .nullable()
          .optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
  })
  .passthrough();

export interface AssetEvent {
  type: AssetEventType;
  assetKey: string[] | null;
  partition: string | null;
  /** Provenance tags (`dagster/data_version`, …), as strings. */
  tags: Record<string, string>;
  /** Epoch seconds from the JSON, when present. */
  timestamp: number | null;
  runId: string | null;
  /** For ASSET_FAILED_TO_MATERIALIZE: `AssetMaterializationFailureReason` member, when written. */
  failureReason: string | null;
}

/** Reads the `event` column of an asset event row; null when it is not an asset event Dagster wrote. */
export function readAssetEvent(text: string | null): AssetEvent | null {
  const parsed = entrySchema.safeParse(parseSerdes(text));
  if (!parsed.success) return null;
  const entry = parsed.data;
  const event = entry.dagster_event;
  if (!event) return null;
  const type = assetEventTypes.find((t) => t === event.event_type_value);
  if (!type) return null;
  const data = event.event_specific_data ?? {};
  const payload =
    type === 'ASSET_MATERIALIZATION'
      ? data.materialization
      : type === 'ASSET_OBSERVATION'
        ? data.asset_observation
        : type === 'ASSET_FAILED_TO_MATERIALIZE'
          ? data.asset_materialization_failure
          : null;
  const assetKey = payload?.asset_key?.path ?? data.asset_key?.path ?? null;
  const partition = payload ? (payload.partition ?? null) : (data.partition ?? null);
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload?.tags ?? {})) if (value !== null) tags[key] = String(value);
  const reason = type === 'ASSET_FAILED_TO_MATERIALIZE' ? (data.asset_materialization_failure?.reason ?? null) : null;
  return { type, assetKey, partition, tags, timestamp: entry.timestamp ?? null, runId: entry.run_id ?? null, failureReason: reason };
}

/** Failure reasons Dagster does not count as a failed partition (the step was skipped or the user stopped it). */
export const skippedFailureReasons = new Set(['SKIPPED_OPTIONAL', 'UPSTREAM_SKIPPED', 'USER_TERMINATION']);

/** Provenance from event tags (§5): current names first, then the pre-1.0 "logical version" ones. */
export interface Provenance {
  dataVersion: string | null;
  codeVersion: string | null;
  dataVersionIsUserProvided: boolean;
  /** By upstream user-string key. */
  inputDataVersions: Record<string, string>;
  /** By upstream user-string key: an index.db storage id, or null for `NULL`. */
  inputEventPointers: Record<string, number | null>;
}

const dataPrefix = 'dagster/input_data_version/';
const logicalPrefix = 'dagster/input_logical_version/';
const pointerPrefix = 'dagster/input_event_pointer/';

export function provenanceOf(tags: Record<string, string>): Provenance {
  const inputDataVersions: Record<string, string> = {};
  const inputEventPointers: Record<string, number | null> = {};
  // The three prefixes exclude one another; all start with `dagster/input_`.
  for (const key of Object.keys(tags)) {
    if (!key.startsWith('dagster/input_')) continue;
    const value = tags[key] as string;
    if (key.startsWith(dataPrefix)) inputDataVersions[key.slice(dataPrefix.length)] ??= value;
    else if (key.startsWith(logicalPrefix)) inputDataVersions[key.slice(logicalPrefix.length)] ??= value;
    else if (key.startsWith(pointerPrefix)) {
      const pointer = value === 'NULL' ? null : Number(value);
      inputEventPointers[key.slice(pointerPrefix.length)] = pointer !== null && Number.isFinite(pointer) ? pointer : null;
    }
  }
  return {
    dataVersion: tags['dagster/data_version'] ?? tags['dagster/logical_version'] ?? null,
    codeVersion: tags['dagster/code_version'] ?? null,
    dataVersionIsUserProvided: tags['dagster/data_version_is_user_provided'] === 'true',
    inputDataVersions,
    inputEventPointers,
  };
}
