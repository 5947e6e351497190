/**
 * Messages between the webview and the layout worker, and the worker's whole job as a plain
 * function (so it is tested in Node; `layoutWorker.ts` only wires it to `self`).
 */
import { z } from 'zod';
import { layoutGraph } from './layoutGraph';
import type { LayoutResult } from './layoutTypes';

export const LayoutInputSchema = z.object({
  nodes: z.array(z.object({ id: z.string(), width: z.number(), height: z.number(), group: z.string().nullable() })),
  edges: z.array(z.object({ id: z.string(), source: z.string(), target: z.string() })),
});

export const LayoutRequest = z.object({
  type: z.literal('layout'),
  requestId: z.number().int(),
  input: LayoutInputSchema,
});
export type LayoutRequest = z.infer<typeof LayoutRequest>;

export type LayoutReply =
  | { type: 'layout/result'; requestId: number; result: LayoutResult }
  | { type: 'layout/error'; requestId: number; message: string };

/**
 * What the client checks of a reply. The result itself is not re-validated: it comes from our own
 * bundle, and checking tens of thousands of points would cost more than the layout's last step.
 */
export const LayoutReplyEnvelope = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('layout/result'),
    requestId: z.number(),
    result: z.custom<LayoutResult>((v) => typeof v === 'object' && v !== null && Array.isArray((v as { nodes?: unknown }).nodes)),
  }),
  z.object({ type: z.literal('layout/error'), requestId: z.number(), message: z.string() }),
]);

/** Never throws: a bad request or a failed layout becomes a `layout/error` reply. */
export function handleLayoutMessage(data: unknown): LayoutReply {
  const parsed = LayoutRequest.safeParse(data);
  if (!parsed.success) {
    // Echo the id when there is one, so the client can still match the failure to its request.
    const id = (data as { requestId?: unknown } | null)?.requestId;
    const requestId = typeof id === 'number' ? id : -1;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { type: 'layout/error', requestId, message: `invalid layout request${where}: ${issue?.message ?? 'unknown shape'}` };
  }
  const { requestId, input } = parsed.data;
  try {
    return { type: 'layout/result', requestId, result: layoutGraph(input) };
  } catch (error) {
    return { type: 'layout/error', requestId, message: error instanceof Error ? error.message : String(error) };
  }
}
