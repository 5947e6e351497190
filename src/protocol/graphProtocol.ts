import { z } from 'zod';
import { assetGraphSchema } from '../core/model/graph';

/**
 * Messages between the extension host and the lineage graph webview. These zod schemas are the
 * single source of truth: both sides validate what they receive with `safeParse`, log and drop
 * what does not match, and end every handler switch with a `never` check.
 *
 * Asset keys travel as their user string (`a/b`, with `\/` for a slash inside a component), the
 * form Dagster's CLI and UI use, so context-menu arguments and messages agree.
 */

/** What the webview persists with `setState` (view state only, never graph data). */
export const graphViewStateSchema = z.object({
  version: z.literal(1),
  /** The asset in focus, or null for the full graph. */
  focus: z.string().nullable(),
  upstreamDepth: z.number().int().min(0).max(50),
  downstreamDepth: z.number().int().min(0).max(50),
  collapsedGroups: z.array(z.string()),
  selected: z.string().nullable(),
  search: z.string(),
  /** d3-zoom transform. */
  zoom: z.object({ x: z.number(), y: z.number(), k: z.number().positive() }).nullable(),
  /** Show only assets with stale or impacted partitions (states saved before it existed: off). */
  staleOnly: z.boolean().default(false),
});
export type GraphViewState = z.infer<typeof graphViewStateSchema>;

export const defaultViewState: GraphViewState = {
  version: 1,
  focus: null,
  upstreamDepth: 2,
  downstreamDepth: 2,
  collapsedGroups: [],
  selected: null,
  search: '',
  zoom: null,
  staleOnly: false,
};

const requestId = z.number().int().nonnegative();
const assetKey = z.string().min(1);

/**
 * What the host knows of one asset's partitions from the Dagster instance: counts by status
 * (Dagster's FRESH/STALE/MISSING, failed runs, and our "impacted": fresh partitions downstream of
 * stale or failed ones), and a few lines of detail for the tooltip. An unpartitioned asset counts as
 * one partition.
 */
export const assetStatusSchema = z.object({
  fresh: z.number().int().nonnegative(),
  stale: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Fresh partitions that depend on a stale or failed upstream partition (not a Dagster status). */
  impacted: z.number().int().nonnegative(),
  /** The code in the workspace differs from what the last materialization ran. */
  codeChanged: z.boolean(),
  /** Human-readable lines (causes, ranges), at most a few. */
  details: z.array(z.string().max(500)).max(12),
});
export type AssetStatus = z.infer<typeof assetStatusSchema>;

/** One asset in the impact overlay. */
export const impactedAssetSchema = z.object({
  /** The asset whose partitions were picked, or one they reach downstream. */
  role: z.enum(['root', 'downstream']),
  /** Edges on the shortest path from the root. */
  depth: z.number().int().min(0),
  /** Partitions affected (1 for an unpartitioned asset); null when the mapping cannot say. */
  count: z.number().int().nonnegative().nullable(),
  /** Partitions the asset has (1 when unpartitioned). */
  total: z.number().int().nonnegative(),
  partitioned: z.boolean(),
  /** The affected partitions as ranges in words ("2025-01-01...2025-01-03, 2025-01-09"), or why they are unknown. */
  ranges: z.string().max(500),
  /** False for sources, external assets and stubs: reached, never materialized. */
  materializable: z.boolean(),
});
export type ImpactedAssetView = z.infer<typeof impactedAssetSchema>;

/**
 * "Which downstream partitions do these partitions of this asset affect?": the graph highlights
 * these assets with their counts and dims the rest until it is cleared.
 */
export const impactOverlaySchema = z.object({
  root: assetKey,
  /** What was picked, in words ("2025-01-01...2025-01-03", "the stale partitions"). */
  picked: z.string().max(500),
  /** By user key; the root included. */
  assets: z.record(assetKey, impactedAssetSchema),
  summary: z.object({ assets: z.number().int().nonnegative(), partitions: z.number().int().nonnegative() }),
  warnings: z.array(z.string().max(500)).max(12),
  /** "Backfill These…" is offered (a trusted workspace, and something to materialize). */
  launchable: z.boolean(),
});
export type ImpactOverlay = z.infer<typeof impactOverlaySchema>;

/** Host → webview. */
export const toWebviewSchema = z.discriminatedUnion('type', [
  /** The whole graph (after every scan). The webview keeps its view state and re-lays out. */
  z.object({ type: z.literal('graph/set'), graph: assetGraphSchema, workspaceName: z.string() }),
  /** Follow the active editor: select (and reveal) this asset without changing the focus. */
  z.object({ type: z.literal('view/select'), key: assetKey.nullable() }),
  /** Focus on an asset with the given depths (commands "Show Lineage for Current Asset", "Show Upstream"...). */
  z.object({
    type: z.literal('view/focus'),
    key: assetKey,
    upstreamDepth: z.number().int().min(0).max(50).optional(),
    downstreamDepth: z.number().int().min(0).max(50).optional(),
  }),
  z.object({ type: z.literal('view/showAll') }),
  /** Ask the webview for the current view as SVG text or a PNG data URL; answered by `export/result`. */
  z.object({ type: z.literal('export/request'), requestId, format: z.enum(['svg', 'png']) }),
  /**
   * Materialization state per asset (by user key), or null when no instance is connected. Sent after
   * every read of the instance and after every graph; assets absent from the map have no record.
   */
  z.object({
    type: z.literal('state/set'),
    state: z
      .object({
        /** Where it came from, e.g. "local instance examples/harbor/.dagster". */
        source: z.string().max(500),
        /** ISO-8601 time of the read. */
        readAt: z.string(),
        assets: z.record(assetKey, assetStatusSchema),
      })
      .nullable(),
  }),
  /** The impact of picked partitions to highlight, or null to clear it. */
  z.object({ type: z.literal('impact/set'), impact: impactOverlaySchema.nullable() }),
  /** The scan is running or failed; the webview shows it without dropping the last graph. */
  z.object({ type: z.literal('status'), state: z.enum(['scanning', 'ready', 'error']), message: z.string().optional() }),
]);
export type ToWebview = z.infer<typeof toWebviewSchema>;

/** Webview → host. */
export const toHostSchema = z.discriminatedUnion('type', [
  /** Sent once the script runs; the host queues messages until then. */
  z.object({ type: z.literal('ready') }),
  /** Click (or Enter) on a node: open its definition. */
  z.object({ type: z.literal('node/open'), key: assetKey }),
  /** Selection changed in the graph (the host may reveal it in the tree). */
  z.object({ type: z.literal('node/selected'), key: assetKey.nullable() }),
  z.object({
    type: z.literal('export/result'),
    requestId,
    format: z.enum(['svg', 'png']),
    /** SVG text, or a `data:image/png;base64,` URL. */
    data: z.string(),
  }),
  z.object({ type: z.literal('export/failed'), requestId, message: z.string() }),
  /** "Show Downstream Impact…" on the selected asset: the host asks which partitions. */
  z.object({ type: z.literal('impact/request'), key: assetKey }),
  /** "Backfill These…" on the impact shown: the host plans exactly that, with downstream. */
  z.object({ type: z.literal('impact/backfill') }),
  /** The user cleared the impact in the graph: the host stops keeping it current. */
  z.object({ type: z.literal('impact/cleared') }),
  /** Errors and warnings inside the webview, for the extension's log. */
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);
export type ToHost = z.infer<typeof toHostSchema>;

/** `data-vscode-context` of a node, and so the argument of the `webview/context` menu commands. */
export const nodeContextSchema = z.object({
  webviewSection: z.literal('asset'),
  assetKey,
  /** For `when` clauses: "Backfill…" needs partitions, "Materialize" is for the rest; sources and stubs are not launched. */
  assetPartitioned: z.boolean(),
  assetLaunchable: z.boolean(),
  preventDefaultContextMenuItems: z.literal(true),
});
export type NodeContext = z.infer<typeof nodeContextSchema>;

export const graphViewType = 'assetLineage.graph';
