import workerSource from 'inline:layout-worker';
import overviewWorkerSource from 'inline:overview-worker';
import { LayoutClient, LayoutSuperseded } from './layout/layoutClient';
import { LineageApp } from './app';
import { describeError, type VsCodeApi } from './vscodeApi';

/**
 * Entry point of the webview bundle. VS Code defines `acquireVsCodeApi` on the page (the test
 * harness defines a recording fake with the same name); it may be called only once, so the API
 * object is created here and passed down.
 */
function start(): void {
  const acquire = (window as unknown as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi;
  const root = document.getElementById('app');
  if (!acquire || !root) {
    console.error('Asset Lineage: this page has no acquireVsCodeApi or #app element');
    return;
  }
  const api = acquire();
  window.addEventListener('error', (event) => {
    api.postMessage({ type: 'log', level: 'error', message: `Webview error: ${describeError(event.error ?? event.message)}` });
  });
  window.addEventListener('unhandledrejection', (event) => {
    api.postMessage({ type: 'log', level: 'error', message: `Webview error: ${describeError(event.reason)}` });
  });
  // One blob URL per worker script, for every worker started from it: the CSP allows `worker-src blob:`, and no
  // file has to be served from the extension.
  const workerUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  const layout = new LayoutClient(() => new Worker(workerUrl));
  const overviewUrl = URL.createObjectURL(new Blob([overviewWorkerSource], { type: 'text/javascript' }));
  new LineageApp({
    root,
    api,
    layout,
    isSuperseded: (error) => LayoutSuperseded.is(error),
    createOverviewWorker: () => new Worker(overviewUrl),
  });
}

start();
