import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isScannedPath } from '../../../src/core/view/watchFilter';

describe('watched paths', () => {
  const excluded = new Set(['.venv', 'node_modules', '__pycache__']);
  test('files in excluded or hidden folders never trigger a scan', () => {
    assert.equal(isScannedPath('harbor/assets.py', excluded), true);
    assert.equal(isScannedPath('dbt_project/target/manifest.json', excluded), true);
    assert.equal(isScannedPath('.venv/lib/site.py', excluded), false);
    assert.equal(isScannedPath('pkg\\node_modules\\x.json', excluded), false);
    assert.equal(isScannedPath('.git/HEAD', excluded), false);
    assert.equal(isScannedPath('pkg/.mypy_cache/x.json', excluded), false);
    assert.equal(isScannedPath('.hidden.py', excluded), true, 'a hidden file is still a file the scanner lists');
    assert.equal(isScannedPath('../elsewhere.py', excluded), false);
    assert.equal(isScannedPath('.venv', excluded, true), false, 'a folder is checked by its own name too');
    assert.equal(isScannedPath('pkg/sub', excluded, true), true);
  });
});
