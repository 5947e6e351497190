// One build script, one esbuild context per runtime: Node (extension host, CLI, parse worker,
// benchmarks). The webview and its layout worker get browser contexts when they arrive.
// Usage: node esbuild.mjs [--watch] [--production]
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Prints errors in the form VS Code's $esbuild-watch problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const nodeOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  external: ['vscode'],
  // web-tree-sitter's ESM build reads import.meta.url, which a CJS bundle does not have.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
  logLevel: 'warning',
  plugins: [problemMatcher],
};

const contexts = [
  await esbuild.context({
    ...nodeOptions,
    entryPoints: {
      extension: 'src/extension/extension.ts',
      core: 'src/extension/coreBundle.ts',
      cli: 'src/cli/main.ts',
      parseWorker: 'src/core/scan/parseWorker.ts',
      ...(existsSync('bench/scanBench.ts') ? { scanBench: 'bench/scanBench.ts' } : {}),
      ...(existsSync('bench/layoutBench.ts') ? { layoutBench: 'bench/layoutBench.ts' } : {}),
      ...(existsSync('bench/partitionsBench.ts') ? { partitionsBench: 'bench/partitionsBench.ts' } : {}),
      ...(existsSync('bench/stateBench.ts') ? { stateBench: 'bench/stateBench.ts' } : {}),
    },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  }),
];

// Browser side: the workers (layout, overview) are bundled first, in memory, and inlined into the webview bundle
// as text; the webview starts it from a blob URL (CSP `worker-src blob:`), so no extra file has to
// be served from the extension.
const browserOptions = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: production ? false : 'inline',
  minify: production,
  logLevel: 'warning',
};
const workerEntries = {
  'layout-worker': 'webview/src/layout/layoutWorker.ts',
  'overview-worker': 'webview/src/render/overviewWorker.ts',
};
const inlineWorker = {
  name: 'inline-workers',
  setup(build) {
    build.onResolve({ filter: /^inline:(layout|overview)-worker$/ }, (args) => ({ path: args.path.slice('inline:'.length), namespace: 'inline-worker' }));
    build.onLoad({ filter: /.*/, namespace: 'inline-worker' }, async (args) => {
      const entry = workerEntries[args.path];
      const result = await esbuild.build({ ...browserOptions, entryPoints: [entry], write: false, sourcemap: false });
      return { contents: `export default ${JSON.stringify(result.outputFiles[0].text)};`, loader: 'js', watchFiles: [entry] };
    });
  },
};
if (existsSync('webview/src/main.ts')) {
  contexts.push(
    await esbuild.context({
      ...browserOptions,
      entryPoints: { webview: 'webview/src/main.ts' },
      outdir: 'dist',
      plugins: [inlineWorker, problemMatcher],
    }),
  );
}

// The parser runtime and the Python grammar are WASM files loaded by path at run time.
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join('dist', 'tree-sitter.wasm'));
// SQLite for reading Dagster instances (src/core/state/sqlite): the synchronous WebAssembly build.
copyFileSync(join(dirname(require.resolve('@journeyapps/wa-sqlite/package.json')), 'dist', 'wa-sqlite.wasm'), join('dist', 'wa-sqlite.wasm'));
copyFileSync(join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'), join('dist', 'tree-sitter-python.wasm'));

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
