/**
 * Messages between the webview and the overview worker, and the worker's job as a plain function
 * (`overviewWorker.ts` only wires it to `self`). Both sides check what they receive.
 */
import { z } from 'zod';
import { OverviewPainter, type OverviewRegion } from './overviewPaint';

const BoxSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
const PointSchema = z.object({ x: z.number(), y: z.number() });

export const OverviewSceneSchema = z.object({
  nodes: z.array(z.object({ id: z.string(), box: BoxSchema, style: z.enum(['card', 'outline', 'stack']) })),
  groups: z.array(z.object({ name: z.string(), box: BoxSchema })),
  edges: z.array(z.object({ source: z.string(), target: z.string(), points: z.array(PointSchema), aggregate: z.boolean() })),
  extent: BoxSchema,
});

export const OverviewPaletteSchema = z.object({
  nodeBg: z.string(),
  nodeBorder: z.string(),
  nodeBorderOpacity: z.number(),
  dot: z.string(),
  groupBg: z.string(),
  groupBorder: z.string(),
  groupLabel: z.string(),
  edge: z.string(),
  edgeOpacity: z.number(),
  edgeHighlight: z.string(),
  selectedBg: z.string(),
  selectedBorder: z.string(),
  focusBorder: z.string(),
  hoverBorder: z.string(),
  matchBg: z.string(),
  matchBorder: z.string(),
  statusFailed: z.string(),
  statusStale: z.string(),
  statusImpacted: z.string(),
  statusMissing: z.string(),
  statusFresh: z.string(),
  font: z.string(),
});

const RegionSchema = z.object({
  x: z.number(),
  y: z.number(),
  k: z.number().positive(),
  width: z.number().positive().max(16_384),
  height: z.number().positive().max(16_384),
  ratio: z.number().positive().max(8),
});

export const OverviewRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scene'), scene: OverviewSceneSchema }),
  z.object({ type: z.literal('palette'), palette: OverviewPaletteSchema }),
  z.object({
    type: z.literal('highlight'),
    highlight: z.object({
      selectedId: z.string().nullable(),
      focusId: z.string().nullable(),
      matchIds: z.array(z.string()).nullable(),
      hoverId: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal('status'),
    status: z
      .object({ failed: z.array(z.string()), stale: z.array(z.string()), impacted: z.array(z.string()), missing: z.array(z.string()), fresh: z.array(z.string()) })
      .nullable(),
  }),
  z.object({ type: z.literal('paint'), paintId: z.number().int(), region: RegionSchema }),
]);
export type OverviewRequest = z.infer<typeof OverviewRequest>;

export type OverviewReply =
  | { type: 'painted'; paintId: number; region: OverviewRegion; drawn: number; bitmap: ImageBitmap }
  | { type: 'failed'; paintId: number; message: string };

export const OverviewReplySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('painted'),
    paintId: z.number(),
    region: RegionSchema,
    drawn: z.number(),
    bitmap: z.custom<ImageBitmap>((v) => typeof ImageBitmap !== 'undefined' && v instanceof ImageBitmap),
  }),
  z.object({ type: z.literal('failed'), paintId: z.number(), message: z.string() }),
]);

/** Applies one request; a paint returns its reply (and the bitmap to transfer). Never throws. */
export function handleOverviewMessage(painter: OverviewPainter, data: unknown): OverviewReply | null {
  const parsed = OverviewRequest.safeParse(data);
  if (!parsed.success) {
    const id = (data as { paintId?: unknown } | null)?.paintId;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { type: 'failed', paintId: typeof id === 'number' ? id : -1, message: `invalid overview request${where}: ${issue?.message ?? 'unknown shape'}` };
  }
  const request = parsed.data;
  try {
    switch (request.type) {
      case 'scene':
        painter.setScene(request.scene);
        return null;
      case 'palette':
        painter.setPalette(request.palette);
        return null;
      case 'highlight':
        painter.setHighlight(request.highlight);
        return null;
      case 'status':
        painter.setStatus(request.status);
        return null;
      case 'paint': {
        const painted = painter.paint(request.region);
        if (!painted) return { type: 'failed', paintId: request.paintId, message: 'no palette or no 2D context yet' };
        return { type: 'painted', paintId: request.paintId, region: request.region, drawn: painted.drawn, bitmap: painted.bitmap };
      }
    }
  } catch (error) {
    const paintId = request.type === 'paint' ? request.paintId : -1;
    return { type: 'failed', paintId, message: error instanceof Error ? error.message : String(error) };
  }
}
