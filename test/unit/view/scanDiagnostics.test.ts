import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { placeDiagnostics } from '../../../src/core/view/scanDiagnostics';
import { folder, node } from './viewFixtures';

describe('diagnostics placement', () => {
  test('by file and line; without a file, on the configuration of the first location; else unplaced', () => {
    const diagnostics = [
      { severity: 'warning' as const, file: 'pkg/a.py', line: 4, message: 'm1', code: 'unresolved-key' },
      { severity: 'error' as const, file: '', line: 0, message: 'm2', code: 'no-definitions' },
      { severity: 'info' as const, file: 'pkg/b.py', line: 0, message: 'm3', code: 'x' },
    ];
    const withConfig = folder('/w', [node(['a'])], { diagnostics, codeLocations: [{ name: 'pkg', source: 'pyproject.toml:29', target: 'pkg.defs', root: '.', pointer: { kind: 'module', attribute: null } }] });
    const { placed, unplaced } = placeDiagnostics(withConfig);
    assert.deepEqual(placed.map((p) => [p.path, p.line, p.diagnostic.message]), [
      ['/w/pkg/a.py', 4, 'm1'],
      ['/w/pyproject.toml', 29, 'm2'],
      ['/w/pkg/b.py', 1, 'm3'],
    ]);
    assert.equal(unplaced.length, 0);
    const implicit = folder('/w', [], { diagnostics, codeLocations: [{ name: 'pkg', source: 'implicit', target: 'pkg/defs.py', root: '.', pointer: { kind: 'file', attribute: null } }] });
    assert.deepEqual(placeDiagnostics(implicit).unplaced.map((d) => d.message), ['m2']);
  });
});
