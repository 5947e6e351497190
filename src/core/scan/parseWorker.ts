import { parentPort } from 'node:worker_threads';
import { loadPythonParser, parseToIR } from './pythonParser';
import type { ParseReply, ParseRequest } from './parsePool';

/** Worker-thread entry: parses batches of Python sources into IR. Thin on purpose; the logic is in parseToIR. */
const port = parentPort;
if (!port) throw new Error('parseWorker must run in a worker thread');

port.on('message', (request: ParseRequest) => {
  void (async () => {
    try {
      const parser = await loadPythonParser();
      const results = request.files.map((file) => ({ path: file.path, ir: parseToIR(parser, file.text) }));
      port.postMessage({ id: request.id, results } satisfies ParseReply);
    } catch (error) {
      port.postMessage({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ParseReply);
    }
  })();
});
