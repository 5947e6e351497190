import { parentPort } from 'node:worker_threads';
import { loadPythonParser, parseToIR } from './pythonParser';
import type { ModuleIR } from './ir';
import type { ParseReply, ParseRequest } from './parsePool';

const chunkBytes = 256 * 1024;

/** Worker-thread entry: parses batches of Python sources into IR. Thin on purpose; the logic is in parseToIR. */
const port = parentPort;
if (!port) throw new Error('parseWorker must run in a worker thread');

port.on('message', (request: ParseRequest) => {
  void (async () => {
    try {
      const parser = await loadPythonParser();
      // Results go back in chunks so the main thread deserialises one while this thread parses on.
      let results: { path: string; ir: ModuleIR }[] = [];
      let bytes = 0;
      for (const file of request.files) {
        results.push({ path: file.path, ir: parseToIR(parser, file.text) });
        bytes += file.text.length;
        if (bytes >= chunkBytes) {
          port.postMessage({ id: request.id, results, done: false } satisfies ParseReply);
          results = [];
          bytes = 0;
        }
      }
      port.postMessage({ id: request.id, results, done: true } satisfies ParseReply);
    } catch (error) {
      port.postMessage({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ParseReply);
    }
  })();
});
