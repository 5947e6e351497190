// tsconfig.core.json maps the module name `vscode` to this file, so code under src/core (and the
// CLI, unit tests and benchmarks built on it) sees an editor API with nothing in it: any use of
// `vscode.window`, `import { commands } from 'vscode'` and the like fails to compile.
export declare const srcCoreMustNotImportVscode: never;
