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

/** Parses one module and converts it to IR; the tree is freed before returning (WASM memory is not GC'd). */
export function parseToIR(parser: Parser, source: string): ModuleIR {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return extractModule(tree, source);
  } finally {
    tree.delete();
  }
}
