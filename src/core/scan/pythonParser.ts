import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { extractModule } from './extract';
import type { ModuleIR } from './ir';

/**
 * Loads web-tree-sitter and the Python grammar (both WASM, so one build runs on every platform and
 * Electron version). The build copies both `.wasm` files next to the bundles in `dist/`; when the
 * sources run unbundled (unit tests), they are found in node_modules.
 */
function locate(fileName: string, packageEntry: string): string {
  const beside = join(__dirname, fileName);
  if (existsSync(beside)) return beside;
  // Resolve the package's entry point: web-tree-sitter's exports map does not expose package.json.
  const fromPackage = join(dirname(require.resolve(packageEntry)), fileName);
  if (existsSync(fromPackage)) return fromPackage;
  throw new Error(`cannot find ${fileName} next to ${__dirname} or beside ${packageEntry}`);
}

let loading: Promise<Parser> | null = null;

export function loadPythonParser(): Promise<Parser> {
  loading ??= (async () => {
    const runtime = locate('tree-sitter.wasm', 'web-tree-sitter');
    await Parser.init({ locateFile: () => runtime });
    const python = await Language.load(locate('tree-sitter-python.wasm', 'tree-sitter-python/package.json'));
    const parser = new Parser();
    parser.setLanguage(python);
    return parser;
  })();
  return loading;
}

/**
 * Parses one module and converts it to IR; the tree is freed before returning (WASM memory is not
 * GC'd). A file that cannot be read this way yields an empty module with the reason as a syntax
 * problem, so one odd file never stops a workspace scan.
 */
export function parseToIR(parser: Parser, source: string): ModuleIR {
  let tree;
  try {
    tree = parser.parse(source);
  } catch (error) {
    return unreadable(error);
  }
  if (!tree) return unreadable(new Error('the parser returned no tree'));
  try {
    return extractModule(tree);
  } catch (error) {
    return unreadable(error);
  } finally {
    tree.delete();
  }
}

function unreadable(error: unknown): ModuleIR {
  const reason = error instanceof Error ? error.message : String(error);
  return { statements: [], syntaxErrors: [{ line: 1, message: `this file could not be read (${reason})` }] };
}
