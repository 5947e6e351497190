import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  defaultLocationName,
  discoverCodeLocations,
  type CodeLocationDiscovery,
  type LocationDiagnostic,
  type LocationFileSystem,
} from '../../src/core/scan/codeLocations';
import { diskFiles } from '../../src/core/scan/diskFiles';

const fixtures = fileURLToPath(new URL('../fixtures/locations/', import.meta.url));
const R = '/repo';

/** An in-memory tree: keys are paths relative to `root`, values the file text. */
function memoryFs(tree: Record<string, string>, root = R): LocationFileSystem & { reads: string[] } {
  const files = new Map(Object.entries(tree).map(([path, text]) => [resolve(root, path), text]));
  const reads: string[] = [];
  return {
    reads,
    readText(path: string): string | null {
      reads.push(path);
      return files.get(resolve(path)) ?? null;
    },
    listFiles(dir: string): string[] {
      const prefix = resolve(dir) + '/';
      return [...files.keys()].filter((f) => f.startsWith(prefix)).sort();
    },
  };
}

function discover(tree: Record<string, string>, root = R): CodeLocationDiscovery {
  return discoverCodeLocations(root, memoryFs(tree, root));
}

function codes(diagnostics: LocationDiagnostic[], severity?: LocationDiagnostic['severity']): string[] {
  return diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);
}

function names(result: CodeLocationDiscovery): string[] {
  return result.locations.map((l) => l.name);
}

// ---------------------------------------------------------------------------------------------
// Fixtures on disk
// ---------------------------------------------------------------------------------------------

test('workspace.yaml fixture: every load_from form, default names, rebased paths, src layout', () => {
  const root = join(fixtures, 'workspaceYaml');
  const result = discoverCodeLocations(root, diskFiles());
  const ws = join(root, 'workspace.yaml');

  assert.deepEqual(result.locations, [
    {
      name: 'repo.py',
      workingDirectory: root,
      moduleRoots: [root],
      target: { kind: 'file', file: join(root, 'repo.py'), attribute: null },
      source: { file: ws, line: 3, kind: 'workspace.yaml' },
    },
    {
      name: 'jobs',
      workingDirectory: root,
      moduleRoots: [root],
      target: { kind: 'file', file: join(root, 'jobs/definitions.py'), attribute: 'defs' },
      source: { file: ws, line: 4, kind: 'workspace.yaml' },
    },
    {
      name: 'marketing',
      workingDirectory: root,
      moduleRoots: [root],
      target: { kind: 'module', module: 'marketing', attribute: null },
      source: { file: ws, line: 8, kind: 'workspace.yaml' },
    },
    {
      name: 'analytics',
      workingDirectory: join(root, 'analytics'),
      moduleRoots: [join(root, 'analytics'), join(root, 'analytics/src')],
      target: { kind: 'module', module: 'analytics.definitions', attribute: null },
      source: { file: ws, line: 9, kind: 'workspace.yaml' },
    },
    {
      name: 'marketing:defs',
      workingDirectory: root,
      moduleRoots: [root],
      target: { kind: 'package', module: 'marketing', attribute: 'defs' },
      source: { file: ws, line: 13, kind: 'workspace.yaml' },
    },
  ]);

  const grpc = result.diagnostics.find((d) => d.code === 'grpc-server-location');
  assert.deepEqual(grpc && { severity: grpc.severity, line: grpc.line }, { severity: 'info', line: 16 });
  // The root pyproject's [tool.dagster] is shadowed (and reported); the nested finance project and
  // the workspace.yaml inside .venv are never locations.
  assert.deepEqual(codes(result.diagnostics), ['grpc-server-location', 'shadowed-config']);
  assert.match(result.diagnostics[1]?.message ?? '', /dagster dev/);
});

test('dg workspace fixture: listed projects only, dg.toml hides pyproject [tool.dg], dg defaults', () => {
  const root = join(fixtures, 'dgWorkspace');
  const result = discoverCodeLocations(root, diskFiles());
  const alpha = join(root, 'projects/alpha');
  const beta = join(root, 'projects/beta');

  assert.deepEqual(result.locations, [
    {
      // Named after the project folder, not `[project] name`; working directory is src/.
      name: 'alpha',
      workingDirectory: join(alpha, 'src'),
      moduleRoots: [join(alpha, 'src')],
      target: {
        kind: 'dgProject',
        rootModule: 'alpha',
        defsModule: 'alpha.defs',
        autoloadDefs: false,
        definitionsModule: 'alpha.definitions',
      },
      source: { file: join(alpha, 'pyproject.toml'), line: 8, kind: 'pyproject.toml' },
    },
    {
      name: 'beta_location',
      workingDirectory: beta,
      moduleRoots: [beta],
      target: {
        kind: 'dgProject',
        rootModule: 'beta',
        defsModule: 'beta.components',
        autoloadDefs: false,
        definitionsModule: 'beta.definitions',
      },
      source: { file: join(beta, 'dg.toml'), line: 3, kind: 'dg.toml' },
    },
  ]);
  assert.deepEqual(result.diagnostics, []);
});

test('pyproject fixtures: every project found, nested ones inside a project skipped', () => {
  const root = join(fixtures, 'pyprojects');
  const result = discoverCodeLocations(root, diskFiles());
  const one = join(root, 'one');
  const three = join(root, 'three');
  const two = join(root, 'two');

  assert.deepEqual(result.locations, [
    {
      name: 'first',
      workingDirectory: one,
      moduleRoots: [one],
      target: { kind: 'module', module: 'one.definitions', attribute: null },
      source: { file: join(one, 'pyproject.toml'), line: 5, kind: 'pyproject.toml' },
    },
    {
      name: 'three.a',
      workingDirectory: three,
      moduleRoots: [three],
      target: { kind: 'module', module: 'three.a', attribute: null },
      source: { file: join(three, 'pyproject.toml'), line: 3, kind: 'pyproject.toml' },
    },
    {
      name: 'three.b',
      workingDirectory: three,
      moduleRoots: [three],
      target: { kind: 'module', module: 'three.b', attribute: null },
      source: { file: join(three, 'pyproject.toml'), line: 4, kind: 'pyproject.toml' },
    },
    {
      name: 'two',
      workingDirectory: join(two, 'src'),
      moduleRoots: [join(two, 'src')],
      target: {
        kind: 'dgProject',
        rootModule: 'two',
        defsModule: 'two.defs',
        autoloadDefs: true,
        definitionsModule: 'two.definitions',
      },
      source: { file: join(two, 'pyproject.toml'), line: 7, kind: 'pyproject.toml' },
    },
  ]);
  assert.deepEqual(result.diagnostics, []);
});

test('no configuration at all: no locations, no diagnostics (the caller adds the implicit one)', () => {
  const result = discoverCodeLocations(join(fixtures, 'none'), diskFiles());
  assert.deepEqual(result, { locations: [], diagnostics: [] });
});

test('diskFiles skips default folders and asks the skip predicate', () => {
  const root = join(fixtures, 'workspaceYaml');
  const all = diskFiles().listFiles(root);
  assert.ok(all.includes(join(root, 'workspace.yaml')));
  assert.ok(!all.some((f) => f.includes('/.venv/')));
  const withoutFinance = diskFiles((name) => name === 'finance').listFiles(root);
  assert.ok(!withoutFinance.some((f) => f.includes('/finance/')));
  assert.equal(diskFiles().readText(join(root, 'missing.yaml')), null);
});

// ---------------------------------------------------------------------------------------------
// workspace.yaml in memory
// ---------------------------------------------------------------------------------------------

test('default location names follow Dagster (file basename with .py, module, package, :attribute)', () => {
  assert.equal(defaultLocationName({ kind: 'file', file: '/a/b/definitions.py', attribute: null }), 'definitions.py');
  assert.equal(defaultLocationName({ kind: 'file', file: '/a/repo.py', attribute: 'defs' }), 'repo.py:defs');
  assert.equal(defaultLocationName({ kind: 'module', module: 'pkg.defs', attribute: null }), 'pkg.defs');
  assert.equal(defaultLocationName({ kind: 'module', module: 'pkg', attribute: 'defs' }), 'pkg:defs');
  assert.equal(defaultLocationName({ kind: 'package', module: 'pkg', attribute: 'x' }), 'pkg:x');
});

test('workspace.yml, nested workspace file, relative paths rebased on its folder', () => {
  const result = discover({
    'orchestration/workspace.yml': [
      'load_from:',
      '  - python_file:',
      '      relative_path: ../code/defs.py',
      '      working_directory: ../code',
      '  - python_module:',
      '      module_name: pipelines',
      '      working_directory: ../code',
      '  - autoload_defs_module:',
      '      module_name: pipelines.defs',
      '      working_directory: ../code',
      '',
    ].join('\n'),
    'code/defs.py': '',
    'code/src/pipelines/__init__.py': '',
  });
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(
    result.locations.map((l) => [l.name, l.workingDirectory, l.moduleRoots, l.target, l.source.line]),
    [
      ['defs.py', '/repo/code', ['/repo/code'], { kind: 'file', file: '/repo/code/defs.py', attribute: null }, 2],
      [
        'pipelines',
        '/repo/code',
        ['/repo/code', '/repo/code/src'],
        { kind: 'module', module: 'pipelines', attribute: null },
        5,
      ],
      [
        'pipelines.defs',
        '/repo/code',
        ['/repo/code', '/repo/code/src'],
        {
          kind: 'dgProject',
          rootModule: 'pipelines',
          defsModule: 'pipelines.defs',
          autoloadDefs: true,
          definitionsModule: 'pipelines.definitions',
        },
        8,
      ],
    ],
  );
});

test('the last entry above has no module under its working directory: target-not-found warning', () => {
  const result = discover({
    'workspace.yaml': 'load_from:\n  - python_module: missing_pkg\n  - python_file: nope.py\n',
  });
  assert.deepEqual(names(result), ['missing_pkg', 'nope.py']);
  assert.deepEqual(codes(result.diagnostics), ['target-not-found', 'target-not-found']);
  assert.deepEqual(result.diagnostics.map((d) => d.line), [2, 3]);
});

test('grpc_server: info only, default name grpc:<host>:<port>, and it still takes its name', () => {
  const result = discover({
    'workspace.yaml': [
      'load_from:',
      '  - grpc_server:',
      '      port: 4000',
      '  - grpc_server:',
      '      socket: /tmp/s.sock',
      '      host: example',
      '  - python_module:',
      '      module_name: pkg',
      '      location_name: grpc:localhost:4000',
      '',
    ].join('\n'),
    'pkg/__init__.py': '',
  });
  assert.deepEqual(result.locations, []);
  const messages = result.diagnostics.map((d) => [d.code, d.line]);
  assert.deepEqual(messages, [
    ['grpc-server-location', 2],
    ['grpc-server-location', 4],
    ['duplicate-location-name', 7],
  ]);
  assert.match(result.diagnostics[0]?.message ?? '', /"grpc:localhost:4000"/);
  assert.match(result.diagnostics[1]?.message ?? '', /"grpc:example:\/tmp\/s.sock"/);
});

test('duplicate location names: error on the later one, which is dropped', () => {
  const result = discover({
    'workspace.yaml': 'load_from:\n  - python_module: pkg\n  - python_package: pkg\n',
    'pkg/__init__.py': '',
  });
  assert.deepEqual(names(result), ['pkg']);
  assert.equal(result.locations[0]?.target.kind, 'module');
  assert.deepEqual(
    result.diagnostics.map((d) => [d.severity, d.code, d.file, d.line]),
    [['error', 'duplicate-location-name', '/repo/workspace.yaml', 3]],
  );
});

test('duplicates across projects found separately are reported too', () => {
  const project = [
    '[tool.dg]',
    'directory_type = "project"',
    '[tool.dg.project]',
    'root_module = "pkg"',
    'code_location_name = "same"',
    '',
  ].join('\n');
  const result = discover({
    'a/pyproject.toml': project,
    'a/pkg/__init__.py': '',
    'b/pyproject.toml': project,
    'b/pkg/__init__.py': '',
  });
  assert.deepEqual(names(result), ['same']);
  assert.equal(result.locations[0]?.source.file, '/repo/a/pyproject.toml');
  assert.deepEqual(codes(result.diagnostics), ['duplicate-location-name']);
  assert.equal(result.diagnostics[0]?.file, '/repo/b/pyproject.toml');
});

test('invalid entries: errors with the entry line; the valid entries still load', () => {
  const result = discover({
    'workspace.yaml': [
      'load_from:',
      '  - python_file: ""',
      '  - python_module: a',
      '    python_file: b.py',
      '  - python_module:',
      '      attribute: defs',
      '  - unknown_kind: x',
      '  - just a string',
      '  - python_module:',
      '      module_name: ok',
      '      executable_path: /usr/bin/python',
      '      colour: blue',
      '',
    ].join('\n'),
    'ok/__init__.py': '',
  });
  assert.deepEqual(names(result), ['ok']);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.severity, d.code, d.line]),
    [
      ['error', 'invalid-workspace-entry', 2],
      ['error', 'invalid-workspace-entry', 3],
      ['error', 'invalid-workspace-entry', 5],
      ['error', 'invalid-workspace-entry', 7],
      ['error', 'invalid-workspace-entry', 8],
      ['warning', 'unknown-field', 9],
    ],
  );
  assert.match(result.diagnostics[2]?.message ?? '', /python_module\.module_name/);
});

test('{env: VAR} values cannot be read statically: warning, then Dagster defaults apply', () => {
  const result = discover({
    'workspace.yaml': [
      'load_from:',
      '  - python_module:',
      '      module_name: pkg',
      '      location_name:',
      '        env: LOCATION_NAME',
      '  - python_module:',
      '      module_name:',
      '        env: MODULE',
      '',
    ].join('\n'),
    'pkg/__init__.py': '',
  });
  assert.deepEqual(names(result), ['pkg']);
  assert.deepEqual(codes(result.diagnostics), ['env-not-resolved', 'env-not-resolved']);
  assert.deepEqual(result.diagnostics.map((d) => d.line), [2, 6]);
});

test('malformed workspace.yaml: error with its line, no throw, and the folder falls through', () => {
  const result = discover({
    'workspace.yaml': 'load_from:\n  - python_module: a\n  - python_file: [unclosed\n',
    'pyproject.toml': '[tool.dagster]\nmodule_name = "fallback"\n',
    'fallback/__init__.py': '',
  });
  assert.deepEqual(names(result), ['fallback']);
  const syntax = result.diagnostics.filter((d) => d.code === 'yaml-syntax');
  assert.ok(syntax.length >= 1);
  assert.equal(syntax[0]?.severity, 'error');
  assert.equal(syntax[0]?.file, '/repo/workspace.yaml');
  assert.ok((syntax[0]?.line ?? 0) >= 3);
});

test('duplicate YAML keys and a non-mapping document are errors', () => {
  const dupes = discover({ 'workspace.yaml': 'load_from: []\nload_from: []\n' });
  assert.deepEqual(codes(dupes.diagnostics), ['yaml-syntax']);
  assert.equal(dupes.diagnostics[0]?.line, 2);

  const list = discover({ 'workspace.yaml': '- python_module: a\n' });
  assert.deepEqual(codes(list.diagnostics), ['invalid-workspace']);

  const empty = discover({ 'workspace.yaml': '# nothing\n' });
  assert.deepEqual(codes(empty.diagnostics), ['invalid-workspace']);
  assert.deepEqual(empty.locations, []);
});

test('an empty load_from still claims its folder: nested projects are not used', () => {
  const result = discover({
    'workspace.yaml': 'load_from: []\n',
    'proj/pyproject.toml': '[tool.dagster]\nmodule_name = "proj"\n',
    'proj/proj/__init__.py': '',
  });
  assert.deepEqual(result.locations, []);
  assert.deepEqual(codes(result.diagnostics), ['empty-workspace']);
});

test('a root workspace.yaml wins over a root dg workspace and nested projects', () => {
  const result = discover({
    'workspace.yaml': 'load_from:\n  - python_module:\n      module_name: a\n      working_directory: projects/a\n',
    'dg.toml': 'directory_type = "workspace"\n[[workspace.projects]]\npath = "projects/b"\n',
    'projects/a/a/__init__.py': '',
    'projects/b/pyproject.toml': '[tool.dg]\ndirectory_type = "project"\n[tool.dg.project]\nroot_module = "b"\n',
    'projects/b/b/__init__.py': '',
  });
  assert.deepEqual(names(result), ['a']);
  assert.deepEqual(result.locations[0]?.moduleRoots, ['/repo/projects/a']);
  assert.deepEqual(codes(result.diagnostics), ['shadowed-config']);
});

test('a workspace.yaml below the root is used when the root declares nothing, beside other projects', () => {
  const result = discover({
    'pyproject.toml': '[project]\nname = "uv-workspace-root"\n',
    'deploy/workspace.yaml': 'load_from:\n  - python_file: defs.py\n',
    'deploy/defs.py': '',
    'services/x/pyproject.toml': '[tool.dagster]\nmodule_name = "x"\n',
    'services/x/x.py': '',
  });
  assert.deepEqual(names(result), ['defs.py', 'x']);
  assert.deepEqual(result.diagnostics, []);
});

// ---------------------------------------------------------------------------------------------
// pyproject.toml and dg.toml in memory
// ---------------------------------------------------------------------------------------------

test('[tool.dagster] module_name: default name is the module; working directory the pyproject folder', () => {
  const result = discover({
    'pyproject.toml': '[project]\nname = "p"\n\n[tool.dagster]\nmodule_name = "my_pkg.definitions"\n',
    'src/my_pkg/__init__.py': '',
  });
  assert.deepEqual(result.locations, [
    {
      name: 'my_pkg.definitions',
      workingDirectory: R,
      moduleRoots: [R, '/repo/src'],
      target: { kind: 'module', module: 'my_pkg.definitions', attribute: null },
      source: { file: '/repo/pyproject.toml', line: 5, kind: 'pyproject.toml' },
    },
  ]);
  assert.deepEqual(result.diagnostics, []);
});

test('[tool.dagster] errors: both module_name and modules, empty modules, wrong types', () => {
  const both = discover({
    'pyproject.toml': '[tool.dagster]\nmodule_name = "a"\nmodules = [{type = "module", name = "b"}]\n',
  });
  assert.deepEqual(both.locations, []);
  assert.deepEqual(both.diagnostics.map((d) => [d.code, d.line]), [['invalid-config', 1]]);

  const empty = discover({ 'pyproject.toml': '\n[tool.dagster]\nmodules = []\n' });
  assert.deepEqual(empty.diagnostics.map((d) => [d.code, d.line]), [['invalid-config', 2]]);

  const wrongType = discover({ 'pyproject.toml': '[tool.dagster]\nmodule_name = 3\n' });
  assert.deepEqual(codes(wrongType.diagnostics), ['invalid-config']);
  assert.match(wrongType.diagnostics[0]?.message ?? '', /tool\.dagster\.module_name/);
});

test('[tool.dagster] without module keys falls through to [tool.dg] (as get_target_from_toml_data does)', () => {
  const result = discover({
    'pyproject.toml': [
      '[tool.dagster]',
      'code_location_name = "unused"',
      '',
      '[tool.dg]',
      'directory_type = "project"',
      '',
      '[tool.dg.project]',
      'root_module = "pkg"',
      '',
    ].join('\n'),
    'pkg/__init__.py': '',
  });
  assert.deepEqual(names(result), ['repo']);
  assert.equal(result.locations[0]?.target.kind, 'dgProject');
  assert.deepEqual(result.diagnostics, []);
});

test('[tool.dagster] module_name wins over [tool.dg] in the same pyproject, with an info', () => {
  const result = discover({
    'pyproject.toml': [
      '[tool.dagster]',
      'module_name = "pkg.definitions"',
      '',
      '[tool.dg]',
      'directory_type = "project"',
      '',
      '[tool.dg.project]',
      'root_module = "pkg"',
      '',
    ].join('\n'),
    'pkg/__init__.py': '',
  });
  assert.deepEqual(names(result), ['pkg.definitions']);
  assert.deepEqual(codes(result.diagnostics), ['shadowed-config']);
});

test('dg project: dotted keys, code_location_target_module, defs_module, folder name default', () => {
  const result = discover(
    {
      'my-project/pyproject.toml': [
        '[project]',
        'name = "something-else"',
        '',
        '[tool.dg]',
        'directory_type = "project"',
        'project.root_module = "my_project"',
        'project.code_location_target_module = "my_project.entry"',
        'project.defs_module = "my_project.things"',
        '',
      ].join('\n'),
      'my-project/my_project/__init__.py': '',
    },
    R,
  );
  assert.deepEqual(result.locations, [
    {
      name: 'my-project',
      workingDirectory: '/repo/my-project',
      moduleRoots: ['/repo/my-project'],
      target: {
        kind: 'dgProject',
        rootModule: 'my_project',
        defsModule: 'my_project.things',
        autoloadDefs: false,
        definitionsModule: 'my_project.entry',
      },
      source: { file: '/repo/my-project/pyproject.toml', line: 6, kind: 'pyproject.toml' },
    },
  ]);
});

test('dg project: autoload_defs with code_location_target_module warns; missing root_module is an error', () => {
  const conflict = discover({
    'dg.toml': [
      'directory_type = "project"',
      '[project]',
      'root_module = "p"',
      'autoload_defs = true',
      'code_location_target_module = "p.x"',
      '',
    ].join('\n'),
    'p/__init__.py': '',
  });
  const conflictTarget = conflict.locations[0]?.target;
  assert.equal(conflictTarget?.kind === 'dgProject' && conflictTarget.autoloadDefs, true);
  assert.deepEqual(conflict.diagnostics.map((d) => [d.severity, d.code, d.line]), [['warning', 'invalid-config', 5]]);

  const missing = discover({ 'dg.toml': 'directory_type = "project"\n[project]\ndefs_module = "x.defs"\n' });
  assert.deepEqual(missing.locations, []);
  assert.deepEqual(codes(missing.diagnostics), ['invalid-config']);
  assert.match(missing.diagnostics[0]?.message ?? '', /project\.root_module/);

  const badType = discover({ 'pyproject.toml': '[tool.dg]\ndirectory_type = "library"\n' });
  assert.deepEqual(badType.diagnostics.map((d) => [d.code, d.line]), [['invalid-config', 2]]);
});

test('dg project: src/ exists but the root module is at the top: read it there, with a warning', () => {
  const result = discover({
    'pyproject.toml': '[tool.dg]\ndirectory_type = "project"\n[tool.dg.project]\nroot_module = "pkg"\n',
    'src/other/__init__.py': '',
    'pkg/__init__.py': '',
  });
  assert.equal(result.locations[0]?.workingDirectory, '/repo/src');
  assert.deepEqual(result.locations[0]?.moduleRoots, ['/repo/src', '/repo']);
  assert.deepEqual(codes(result.diagnostics), ['target-not-found']);
});

test('dg workspace in pyproject [tool.dg], inline project list, missing and non-project members', () => {
  const result = discover({
    'pyproject.toml': [
      '[tool.dg]',
      'directory_type = "workspace"',
      '',
      '[tool.dg.workspace]',
      'projects = [',
      '  { path = "good" },',
      '  { path = "missing" },',
      '  { path = "nested-ws" },',
      '  { path = "no-dg" },',
      ']',
      '',
    ].join('\n'),
    'good/dg.toml': 'directory_type = "project"\n[project]\nroot_module = "good"\n',
    'good/good.py': '',
    'nested-ws/dg.toml': 'directory_type = "workspace"\n',
    'no-dg/pyproject.toml': '[project]\nname = "x"\n',
  });
  assert.deepEqual(names(result), ['good']);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.code, d.file, d.line]),
    [
      ['workspace-project-missing', '/repo/pyproject.toml', 7],
      ['workspace-project-invalid', '/repo/pyproject.toml', 8],
      ['workspace-project-missing', '/repo/pyproject.toml', 9],
    ],
  );
});

test('dg workspace with no projects: warning, and it still claims its folder', () => {
  const result = discover({
    'dg.toml': 'directory_type = "workspace"\n\n[workspace]\n',
    'p/pyproject.toml': '[tool.dagster]\nmodule_name = "p"\n',
  });
  assert.deepEqual(result.locations, []);
  assert.deepEqual(codes(result.diagnostics), ['empty-workspace']);
});

test('a dg workspace member outside the scanned root is read through readText', () => {
  const fs = memoryFs({
    'root/dg.toml': 'directory_type = "workspace"\n[[workspace.projects]]\npath = "../outside"\n',
    'outside/pyproject.toml': [
      '[tool.dg]',
      'directory_type = "project"',
      '[tool.dg.project]',
      'root_module = "far"',
      '',
    ].join('\n'),
    'outside/src/far/__init__.py': '',
  });
  const result = discoverCodeLocations('/repo/root', fs);
  assert.deepEqual(result.locations.map((l) => [l.name, l.workingDirectory, l.moduleRoots]), [
    ['outside', '/repo/outside/src', ['/repo/outside/src']],
  ]);
  assert.deepEqual(result.diagnostics, []);
  assert.ok(!fs.reads.some((p) => p.startsWith('/repo/outside/') && !p.endsWith('.toml') && !p.endsWith('.py')));
});

test('malformed TOML: error with file and line, never a throw; other projects still load', () => {
  const result = discover({
    'a/pyproject.toml': '[tool.dagster]\nmodule_name = "a"\n\n[tool.dg\nx = 1\n',
    'b/pyproject.toml': '[tool.dagster]\nmodule_name = "b"\n',
    'b/b.py': '',
  });
  assert.deepEqual(names(result), ['b']);
  assert.deepEqual(result.diagnostics.map((d) => [d.severity, d.code, d.file, d.line]), [
    ['error', 'toml-syntax', '/repo/a/pyproject.toml', 4],
  ]);
  assert.doesNotMatch(result.diagnostics[0]?.message ?? '', /\n/);
});

test('a malformed dg.toml is reported once and its pyproject.toml is not used instead', () => {
  const result = discover({
    'dg.toml': 'directory_type = "project\n',
    'pyproject.toml': '[tool.dg]\ndirectory_type = "project"\n[tool.dg.project]\nroot_module = "p"\n',
  });
  assert.deepEqual(result.locations, []);
  assert.deepEqual(codes(result.diagnostics), ['toml-syntax']);
  assert.equal(result.diagnostics[0]?.file, '/repo/dg.toml');
});

test('a listing failure is an error diagnostic, not a throw', () => {
  const fs: LocationFileSystem = {
    readText: () => null,
    listFiles: () => {
      throw new Error('EACCES');
    },
  };
  const result = discoverCodeLocations(R, fs);
  assert.deepEqual(result.locations, []);
  assert.deepEqual(codes(result.diagnostics, 'error'), ['unreadable-folder']);
});

test('multi-line strings and arrays do not confuse the TOML line index', () => {
  const result = discover({
    'pyproject.toml': [
      '[project]',
      'description = """',
      '[tool.dagster]',
      'module_name = "fake"',
      '"""',
      'classifiers = [',
      '  ["not", "a", "header"],',
      ']',
      '',
      '[tool.dagster]',
      'module_name = "real"',
      '',
    ].join('\n'),
    'real.py': '',
  });
  assert.deepEqual(names(result), ['real']);
  assert.equal(result.locations[0]?.source.line, 11);
});
