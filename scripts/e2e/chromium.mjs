// Where the test suites find Chromium, and the flags they launch it with. Playwright's own browser
// download (`npx playwright install`) is never used: the suites drive a system Chromium through
// playwright-core, so the same tests run on machines without access to Playwright's CDN.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Flags for a headless Chromium on a build machine: no sandbox (containers run as root), no GPU,
 * and no background networking (without these Chromium keeps calling out to a closed network).
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const candidates = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** @param {string} path */
function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary: $ASSET_LINEAGE_CHROMIUM, then /usr/bin/chromium, then the first browser on PATH. */
export function findChromium() {
  const override = process.env.ASSET_LINEAGE_CHROMIUM;
  if (override) return executable(override) ? override : null;
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of candidates) {
      const path = join(dir, name);
      if (dir && executable(path)) return path;
    }
  }
  return null;
}

export const missingChromiumMessage = [
  'Chromium was not found. The webview and e2e suites drive a real Chromium through playwright-core.',
  'Install it, for example:',
  '  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium',
  '  Fedora:         sudo dnf install -y chromium',
  '  macOS:          brew install --cask chromium',
  'or point ASSET_LINEAGE_CHROMIUM at a Chromium or Chrome binary.',
  '(`npx playwright install` is not needed and not used.)',
].join('\n');

/** The Chromium binary, or an error that says what to install. */
export function requireChromium() {
  const path = findChromium();
  const override = process.env.ASSET_LINEAGE_CHROMIUM;
  if (!path && override) throw new Error(`ASSET_LINEAGE_CHROMIUM is ${override}, which is not an executable file.\n\n${missingChromiumMessage}`);
  if (!path) throw new Error(missingChromiumMessage);
  return path;
}
