// `npm run package`: the production build packaged as a .vsix (default: ./<name>-<version>.vsix).
// Usage: node scripts/e2e/packageVsix.mjs [out.vsix]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageExtension, repoRoot } from './codeServer.mjs';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const outFile = resolve(process.argv[2] ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`));
const log = (/** @type {string} */ message) => console.log(message);
await packageExtension({ outFile, log });
