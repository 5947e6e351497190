/**
 * The overview worker: paints the far-out view of a large graph off the main thread, so a pan or
 * zoom never waits for rasterisation. Bundled on its own and inlined like the layout worker.
 */
import { handleOverviewMessage } from './overviewMessages';
import { OverviewPainter } from './overviewPaint';

/** The part of a dedicated worker's global scope used here (the webview tsconfig has DOM types, not WebWorker ones). */
interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const painter = new OverviewPainter();
scope.onmessage = (event) => {
  const reply = handleOverviewMessage(painter, event.data);
  if (reply === null) return;
  if (reply.type === 'painted') scope.postMessage(reply, [reply.bitmap]);
  else scope.postMessage(reply);
};
