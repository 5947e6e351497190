/**
 * The layout worker: a thin shell around `handleLayoutMessage`. Bundled on its own (IIFE) and
 * inlined into the webview bundle as text; the webview starts it from a blob URL.
 */
import { handleLayoutMessage } from './layoutMessages';

/** The part of a dedicated worker's global scope used here (the webview tsconfig has DOM types, not WebWorker ones). */
interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (event) => {
  const reply = handleLayoutMessage(event.data);
  try {
    scope.postMessage(reply);
  } catch (error) {
    // A reply that cannot be cloned must still settle the request on the other side.
    scope.postMessage({ type: 'layout/error', requestId: reply.requestId, message: error instanceof Error ? error.message : String(error) });
  }
};
