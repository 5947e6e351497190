import { join } from 'node:path';

export type Core = typeof import('./coreBundle');

let core: Core | undefined;

/** The scanner and friends, loaded from `dist/core.js` the first time a feature needs them. */
export function loadCore(): Core {
  // A computed path keeps esbuild from inlining the core into the extension bundle.
  core ??= require(join(__dirname, 'core.js')) as Core;
  return core;
}
