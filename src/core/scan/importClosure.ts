import { dirname, join } from 'node:path';
import type { ModuleIR, Stmt } from './ir';
import type { WorkspaceFiles } from './workspaceFiles';

/**
 * Python files a set of parsed modules will need when they are evaluated, guessed from the IR
 * alone: what their imports name, and the packages' `__init__.py` on the way. Parsing these before
 * the first evaluation saves a second evaluate-then-parse round; a wrong guess only costs a parse.
 */
export class ImportIndex {
  /** Dotted-name suffix (`b`, `a.b`, `pkg.a.b`) → files that could be that module. */
  private readonly bySuffix = new Map<string, string[]>();

  constructor(private readonly files: WorkspaceFiles) {
    for (const file of files.pythonFiles()) {
      const parts = files.relative(file).replace(/\.py$/, '').split('/');
      if (parts[parts.length - 1] === '__init__') parts.pop();
      for (let i = parts.length - 1; i >= 0; i--) {
        const suffix = parts.slice(i).join('.');
        const list = this.bySuffix.get(suffix);
        if (list) list.push(file);
        else this.bySuffix.set(suffix, [file]);
      }
    }
  }

  private modulesNamed(name: string): string[] {
    return this.bySuffix.get(name) ?? [];
  }

  /** Files an import statement of `file` may load, with every package `__init__.py` above them. */
  private importTargets(file: string, stmt: Extract<Stmt, { t: 'import' | 'from' }>): string[] {
    const names: string[] = [];
    if (stmt.t === 'import') {
      names.push(stmt.module);
    } else if (stmt.level > 0) {
      let dir = dirname(file);
      for (let i = 1; i < stmt.level; i++) dir = dirname(dir);
      const base = stmt.module ? join(dir, ...stmt.module.split('.')) : dir;
      const out = [`${base}.py`, join(base, '__init__.py')];
      if (stmt.names !== '*') for (const n of stmt.names) out.push(join(base, `${n.name}.py`), join(base, n.name, '__init__.py'));
      return out.filter((f) => this.files.hasFile(f));
    } else {
      names.push(stmt.module);
      if (stmt.names !== '*') for (const n of stmt.names) names.push(`${stmt.module}.${n.name}`);
    }
    return names.flatMap((n) => this.modulesNamed(n));
  }

  private packageInits(file: string): string[] {
    const out: string[] = [];
    for (let dir = dirname(file); dir.length > this.files.root.length; dir = dirname(dir)) {
      const init = join(dir, '__init__.py');
      if (!this.files.hasFile(init)) break;
      out.push(init);
    }
    return out;
  }

  /**
   * The closure: starting from `roots` (already parsed, IR given by `irOf`), every file their imports
   * may need, transitively. `parse` is called with each wave of new files and must make their IR
   * available to `irOf` before it resolves.
   */
  async closure(roots: string[], irOf: (file: string) => ModuleIR | null, parse: (files: string[]) => Promise<void>): Promise<void> {
    const seen = new Set(roots);
    let wave = [...roots];
    while (wave.length > 0) {
      const next = new Set<string>();
      for (const file of wave) {
        for (const init of this.packageInits(file)) if (!seen.has(init)) next.add(init);
        const ir = irOf(file);
        if (!ir) continue;
        visitImports(ir.statements, (stmt) => {
          for (const target of this.importTargets(file, stmt)) if (!seen.has(target)) next.add(target);
        });
      }
      const fresh = [...next].filter((f) => !seen.has(f));
      fresh.forEach((f) => seen.add(f));
      if (fresh.length === 0) break;
      await parse(fresh);
      wave = fresh;
    }
  }
}

function visitImports(stmts: Stmt[], visit: (stmt: Extract<Stmt, { t: 'import' | 'from' }>) => void): void {
  for (const stmt of stmts) {
    if (stmt.t === 'import' || stmt.t === 'from') visit(stmt);
    else if (stmt.t === 'def' && stmt.body) visitImports(stmt.body, visit);
    else if (stmt.t === 'for') visitImports(stmt.body, visit);
    else if (stmt.t === 'if') {
      visitImports(stmt.body, visit);
      visitImports(stmt.orelse, visit);
    }
  }
}
