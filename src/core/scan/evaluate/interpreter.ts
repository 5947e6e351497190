import { dirname, join, resolve as resolvePath, sep } from 'node:path';
import type { DiagnosticSeverity } from '../../model/graph';
import type { Expr, FunctionDef, ModuleIR, Stmt, Target } from '../ir';
import { callApi, applyAssetDecorator, getApiAttribute, isAssetDecoratorName, type ApiContext } from './dagsterApi';
import {
  describe,
  noneValue,
  Scope,
  truthy,
  unknownValue,
  valuesEqual,
  type CallArgs,
  type ModuleRef,
  type Value,
} from './values';

/** Where a module lives in the workspace, found through the code location's module roots. */
export interface ModuleLocation {
  name: string;
  /** The module's file (`x.py` or `pkg/__init__.py`); null for a namespace package folder. */
  file: string | null;
  isPackage: boolean;
  /** The package folder, for packages. */
  dir: string | null;
}

export interface EvalDiagnostic {
  severity: DiagnosticSeverity;
  /** Absolute path; '' when not about one file. */
  file: string;
  line: number;
  message: string;
  code: string;
}

/** What the interpreter needs from the scanner: module lookup, parsed IR, files and a diagnostic sink. */
export interface EvalHost {
  /** The scanned root: nothing outside it is read. */
  root: string;
  findModule(name: string): ModuleLocation | null;
  /** Null when the file has not been parsed yet: the scanner parses it and evaluates again. */
  moduleIR(file: string): ModuleIR | null;
  /** Python files and sub-folders directly inside a folder (absolute paths). */
  listDir(dir: string): { files: string[]; dirs: string[] };
  readText(file: string): string | null;
  /** Recursive listing of files under a folder (absolute paths). */
  listFiles(dir: string): string[];
}

interface ModuleState {
  ref: ModuleRef;
  location: ModuleLocation;
  globals: Map<string, Value>;
  status: 'running' | 'done';
  /** `from <library> import *` of modules outside the workspace: unknown names may come from them. */
  externalStars?: string[];
  /** What evaluating this module produced, kept with it so a cached module still reports them. */
  diagnostics: EvalDiagnostic[];
  created: Value[];
  /** Non-Python files read (dbt manifests, YAML components) and folders listed while evaluating it. */
  reads: Set<string>;
  listedDirs: Set<string>;
  /** Its source was not parsed yet: it is evaluated again once it is. */
  incomplete: boolean;
}

interface Frame {
  module: ModuleState;
  scope: Scope | null;
}

class ReturnSignal {
  constructor(readonly value: Value) {}
}

/** Python's builtins that factories and constants modules use. */
const builtinNames = new Set(['len', 'str', 'list', 'tuple', 'set', 'dict', 'sorted', 'range', 'int', 'enumerate', 'zip', 'frozenset', 'print']);

const maxCallDepth = 24;
const maxSteps = 2_000_000;
/** Lists longer than this are not followed (a loop doubling a list would otherwise eat memory). */
const maxListItems = 200_000;

/**
 * Evaluates modules of one code location. Module identity (and so every object's identity, which
 * loaders use to de-duplicate) is per interpreter, as it is per Python process in Dagster.
 */
export class Interpreter {
  private readonly modules = new Map<string, ModuleState>();
  /** Module name → modules whose evaluation imported it (and so must be evaluated again after it changes). */
  private readonly dependents = new Map<string, Set<string>>();
  /** Modules being evaluated, innermost last: what is read, reported or created belongs to the top one. */
  private readonly evaluating: ModuleState[] = [];
  private readonly missing = new Set<string>();
  private depth = 0;
  private steps = 0;
  /** What evaluation outside any module import produced in this build (entry points, @definitions functions). */
  private topLevel: { diagnostics: EvalDiagnostic[]; created: Value[] } = { diagnostics: [], created: [] };
  readonly host: EvalHost;
  /**
   * Results of calls whose inputs are objects this interpreter keeps across builds (loader calls
   * over unchanged modules), with the diagnostics they reported, so a rebuild can reuse them.
   */
  readonly callMemo = new Map<string, { inputs: unknown[]; result: Value; complaints: [DiagnosticSeverity, string, string][] }>();

  constructor(host: EvalHost) {
    // Reads and listings go through here so each module remembers the files its value depends on.
    this.host = {
      ...host,
      readText: (file) => {
        this.current()?.reads.add(file);
        return host.readText(file);
      },
      listFiles: (dir) => {
        this.current()?.listedDirs.add(dir);
        return host.listFiles(dir);
      },
      listDir: (dir) => {
        this.current()?.listedDirs.add(dir);
        return host.listDir(dir);
      },
    };
  }

  /** Appends without spreading (no argument-count limit); false when the list would grow too long. */
  private appendAll(target: Value[], items: Value[]): boolean {
    if (target.length + items.length > maxListItems) return false;
    // `L += L`: read a snapshot, or the loop would chase its own growth.
    const source = items === target ? items.slice() : items;
    for (const item of source) target.push(item);
    return true;
  }

  private current(): ModuleState | undefined {
    return this.evaluating[this.evaluating.length - 1];
  }

  /** Files that were needed but not parsed yet; non-empty means the result is incomplete. */
  get missingFiles(): ReadonlySet<string> {
    return this.missing;
  }

  /** Starts a build: what the last build produced outside modules is forgotten. */
  beginBuild(): void {
    this.topLevel = { diagnostics: [], created: [] };
    this.missing.clear();
    this.steps = 0;
  }

  /**
   * Forgets every module whose source or read files changed, every module that had not been parsed,
   * and, transitively, every module that imported one of those. The next import evaluates them again;
   * the rest keep their values (and so their identities).
   */
  invalidate(changedFiles: ReadonlySet<string>): void {
    const queue: string[] = [];
    for (const [name, state] of this.modules) {
      const file = state.location.file;
      const touched =
        state.incomplete ||
        (file !== null && changedFiles.has(file)) ||
        [...state.reads].some((f) => changedFiles.has(f)) ||
        [...state.listedDirs].some((dir) => [...changedFiles].some((f) => f.startsWith(dir + sep)));
      if (touched) queue.push(name);
    }
    const dropped = new Set<string>();
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (dropped.has(name)) continue;
      dropped.add(name);
      for (const dependent of this.dependents.get(name) ?? []) queue.push(dependent);
    }
    for (const name of dropped) {
      this.modules.delete(name);
      this.dependents.delete(name);
    }
    // Memoised calls that saw a dropped module can never match again; let them go.
    if (dropped.size > 0) {
      const live = new Set(this.modules.values());
      for (const [key, memo] of this.callMemo) {
        if (memo.inputs.some((input) => typeof input === 'object' && input !== null && !live.has(input as ModuleState))) this.callMemo.delete(key);
      }
    }
  }

  /** Diagnostics of every evaluated module, then those of this build's top-level evaluation. */
  diagnostics(): EvalDiagnostic[] {
    return [...[...this.modules.values()].flatMap((m) => m.diagnostics), ...this.topLevel.diagnostics];
  }

  /** Every asset-like value created while evaluating, for "defined but never loaded" checks. */
  created(): Value[] {
    return [...[...this.modules.values()].flatMap((m) => m.created), ...this.topLevel.created];
  }

  noteCreated(value: Value): void {
    (this.current() ?? this.topLevel).created.push(value);
  }

  report(severity: DiagnosticSeverity, file: string, line: number, message: string, code: string): void {
    (this.current() ?? this.topLevel).diagnostics.push({ severity, file, line, message, code });
  }

  private newState(name: string, file: string, location: ModuleLocation): ModuleState {
    const state: ModuleState = {
      ref: { name, file },
      location,
      globals: new Map(),
      status: 'running',
      diagnostics: [],
      created: [],
      reads: new Set(),
      listedDirs: new Set(),
      incomplete: false,
    };
    this.modules.set(name, state);
    state.globals.set('__name__', { k: 'str', v: name });
    state.globals.set('__file__', { k: 'str', v: file });
    return state;
  }

  private run(state: ModuleState, file: string): void {
    const ir = this.host.moduleIR(file);
    this.evaluating.push(state);
    try {
      if (!ir) {
        this.missing.add(file);
        state.incomplete = true;
      } else {
        const rest = ir.statements.length > 0 ? '; the rest of the file is still read' : '';
        for (const problem of ir.syntaxErrors) this.report('warning', file, problem.line, `${problem.message}${rest}`, 'syntax-error');
        this.execBlock(ir.statements, { module: state, scope: null });
      }
    } finally {
      this.evaluating.pop();
      state.status = 'done';
    }
  }

  private noteImport(name: string): void {
    const importer = this.current();
    if (!importer || importer.ref.name === name) return;
    let set = this.dependents.get(name);
    if (!set) this.dependents.set(name, (set = new Set()));
    set.add(importer.ref.name);
  }

  /** Imports a module by dotted name (evaluating it once), or null if it is not in the workspace. */
  importModule(name: string): ModuleState | null {
    this.noteImport(name);
    return this.load(name);
  }

  private load(name: string): ModuleState | null {
    const existing = this.modules.get(name);
    if (existing) return existing;
    const location = this.host.findModule(name);
    if (!location) return null;
    // Importing a.b.c runs a and a.b first. That is a side effect, not something the importer's
    // values depend on, so it is not recorded as a dependency (an edit deep in a package would
    // otherwise re-evaluate every module that imports anything from it).
    const dot = name.lastIndexOf('.');
    if (dot > 0) this.load(name.slice(0, dot));
    const state = this.newState(name, location.file ?? join(location.dir ?? '', '__init__.py'), location);
    if (location.file) this.run(state, location.file);
    else state.status = 'done';
    return state;
  }

  /** Evaluates a file as a top-level module under the given name (python_file targets). */
  evaluateFileAs(name: string, file: string): ModuleState | null {
    this.noteImport(name);
    const existing = this.modules.get(name);
    if (existing) return existing;
    const state = this.newState(name, file, { name, file, isPackage: false, dir: null });
    this.run(state, file);
    return state;
  }

  /** Files of every module this interpreter has evaluated. */
  evaluatedFiles(): string[] {
    const files: string[] = [];
    for (const state of this.modules.values()) if (state.location.file) files.push(state.location.file);
    return files;
  }

  moduleGlobals(name: string): Map<string, Value> | null {
    return this.modules.get(name)?.globals ?? null;
  }

  moduleState(name: string): ModuleState | undefined {
    return this.modules.get(name);
  }

  // ---------------------------------------------------------------- statements

  private execBlock(stmts: Stmt[], frame: Frame): void {
    for (const stmt of stmts) this.execStatement(stmt, frame);
  }

  private bind(frame: Frame, name: string, value: Value): void {
    if (frame.scope) frame.scope.vars.set(name, value);
    else frame.module.globals.set(name, value);
  }

  private bindTarget(frame: Frame, target: Target, value: Value, line: number): void {
    if (target.t === 'name') {
      this.bind(frame, target.id, value);
    } else if (target.t === 'tuple') {
      const items = value.k === 'list' ? value.items : null;
      target.items.forEach((item, i) => {
        const part = items && items.length === target.items.length ? (items[i] as Value) : unknownValue(`unpacking at line ${line}`);
        this.bindTarget(frame, item, part, line);
      });
    }
  }

  private execStatement(stmt: Stmt, frame: Frame): void {
    if (++this.steps > maxSteps) {
      if (this.steps === maxSteps + 1) {
        this.report('warning', frame.module.ref.file, stmt.line, 'evaluation stopped: the code runs too many steps to follow statically', 'eval-budget');
      }
      return;
    }
    switch (stmt.t) {
      case 'import': {
        const target = this.importModule(stmt.module);
        if (stmt.asName) {
          this.bind(frame, stmt.asName, target ? { k: 'module', name: stmt.module } : externalModule(stmt.module));
        } else {
          const top = stmt.module.split('.')[0] as string;
          this.bind(frame, top, this.modules.has(top) ? { k: 'module', name: top } : externalModule(top));
        }
        return;
      }
      case 'from':
        this.execFromImport(stmt, frame);
        return;
      case 'assign': {
        const value = this.evalExpr(stmt.value, frame);
        for (const target of stmt.targets) this.bindTarget(frame, target, value, stmt.line);
        return;
      }
      case 'augassign': {
        if (stmt.target.t !== 'name') return;
        const current = this.lookup(stmt.target.id, frame) ?? unknownValue(stmt.target.id);
        const right = this.evalExpr(stmt.value, frame);
        if (stmt.op === '+=' && current.k === 'list' && right.k === 'list') {
          // Lists are mutable and shared: `ASSETS += [...]` extends the same object.
          if (!this.appendAll(current.items, right.items)) this.bind(frame, stmt.target.id, unknownValue('a list too long to follow'));
        } else {
          this.bind(frame, stmt.target.id, this.binop(stmt.op.slice(0, -1), current, right));
        }
        return;
      }
      case 'def':
        this.bind(frame, stmt.name, this.defineFunction(stmt, frame));
        return;
      case 'class':
        this.bind(frame, stmt.name, {
          k: 'class',
          name: stmt.name,
          bases: stmt.bases.map((b) => this.evalExpr(b, frame)),
          module: frame.module.ref,
        });
        return;
      case 'for': {
        const iterable = this.iterate(this.evalExpr(stmt.iter, frame));
        if (!iterable) {
          this.report('info', frame.module.ref.file, stmt.line, 'a loop over a value that cannot be read statically was skipped', 'unresolved-loop');
          return;
        }
        for (const item of iterable) {
          this.bindTarget(frame, stmt.target, item, stmt.line);
          this.execBlock(stmt.body, frame);
        }
        return;
      }
      case 'if': {
        const test = truthy(this.evalExpr(stmt.test, frame));
        if (test === null) {
          this.report('info', frame.module.ref.file, stmt.line, 'a condition that cannot be decided statically: its first branch was read', 'undecided-branch');
          this.execBlock(stmt.body, frame);
        } else {
          this.execBlock(test ? stmt.body : stmt.orelse, frame);
        }
        return;
      }
      case 'expr':
        this.evalExpr(stmt.value, frame);
        return;
      case 'return':
        throw new ReturnSignal(stmt.value ? this.evalExpr(stmt.value, frame) : noneValue);
    }
  }

  private execFromImport(stmt: Extract<Stmt, { t: 'from' }>, frame: Frame): void {
    let moduleName = stmt.module;
    if (stmt.level > 0) {
      const current = frame.module;
      const parts = current.ref.name.split('.');
      // A package's own module is its __init__; relative imports start from the package itself.
      const base = current.location.isPackage ? parts : parts.slice(0, -1);
      const up = base.slice(0, base.length - (stmt.level - 1));
      if (up.length === 0 && stmt.level > 1) {
        this.report('warning', current.ref.file, stmt.line, 'relative import goes beyond the top-level package', 'bad-relative-import');
        return;
      }
      moduleName = [...up, ...(stmt.module ? [stmt.module] : [])].join('.');
    }
    const source = this.importModule(moduleName);
    if (!source) {
      const external = externalModule(moduleName);
      if (stmt.names === '*') {
        (frame.module.externalStars ??= []).push(moduleName);
        return;
      }
      for (const { name, asName } of stmt.names) {
        this.bind(frame, asName ?? name, this.getAttribute(external, name, stmt.line, frame));
      }
      return;
    }
    if (stmt.names === '*') {
      const all = source.globals.get('__all__');
      const names =
        all?.k === 'list'
          ? all.items.flatMap((i) => (i.k === 'str' ? [i.v] : []))
          : [...source.globals.keys()].filter((n) => !n.startsWith('_'));
      for (const name of names) {
        const value = source.globals.get(name);
        if (value) this.bind(frame, name, value);
      }
      return;
    }
    for (const { name, asName } of stmt.names) {
      this.bind(frame, asName ?? name, this.moduleMember(source, name, stmt.line, frame.module));
    }
  }

  /** `module.name`: a global of the module, else its sub-module of that name. */
  /** `module.name` as seen from `importer` (whose line is `line`, for diagnostics). */
  private moduleMember(module: ModuleState, name: string, line: number, importer: ModuleState): Value {
    const value = module.globals.get(name);
    if (value) return value;
    const sub = this.importModule(`${module.ref.name}.${name}`);
    if (sub) return { k: 'module', name: sub.ref.name };
    if (module.status === 'running') return unknownValue(`${module.ref.name}.${name} (circular import)`);
    this.report('warning', importer.ref.file, line, `'${name}' is not defined in module ${module.ref.name}`, 'unresolved-name');
    return unknownValue(`${module.ref.name}.${name}`);
  }

  private defineFunction(def: FunctionDef, frame: Frame): Value {
    let value: Value = { k: 'func', def, module: frame.module.ref, closure: frame.scope, definitions: false };
    // Decorators apply bottom-up. Decorators that are not Dagster's are treated as transparent
    // wrappers: with functools.wraps, Dagster sees the wrapped function's name and parameters.
    for (let i = def.decorators.length - 1; i >= 0; i--) {
      const decoratorExpr = def.decorators[i] as Expr;
      const decorator = this.evalExpr(decoratorExpr, frame);
      if (decorator.k === 'api' && decorator.name === 'definitions') {
        if (value.k === 'func') value = { ...value, definitions: true };
        continue;
      }
      const name = decorator.k === 'api' ? decorator.name : decorator.k === 'decorator' ? decorator.name : null;
      if (name && isAssetDecoratorName(name) && value.k === 'func') {
        const call: CallArgs =
          decorator.k === 'decorator'
            ? decorator.call
            : { args: [], kwargs: new Map(), kwargExprs: new Map(), line: def.line, file: frame.module.ref.file };
        value = applyAssetDecorator(name, call, def, frame.module.ref, this.apiContext(frame));
        this.noteCreated(value);
      }
    }
    return value;
  }

  // ---------------------------------------------------------------- expressions

  private lookup(name: string, frame: Frame): Value | undefined {
    const local = frame.scope?.lookup(name);
    if (local !== undefined) return local;
    const global = frame.module.globals.get(name);
    if (global !== undefined || !frame.module.externalStars) return global;
    // A name no statement bound may come from a star import of Dagster (`from dagster import *`).
    const dagsterStar = frame.module.externalStars.find((m) => m === 'dagster' || m.startsWith('dagster.') || m.startsWith('dagster_'));
    return dagsterStar && !builtinNames.has(name) ? getApiAttribute({ k: 'api', name: `module:${dagsterStar}` }, name) : undefined;
  }

  evalExpr(expr: Expr, frame: Frame): Value {
    switch (expr.t) {
      case 'str':
        return { k: 'str', v: expr.v };
      case 'num':
        return { k: 'num', v: expr.v };
      case 'bool':
        return { k: 'bool', v: expr.v };
      case 'none':
        return noneValue;
      case 'fstr': {
        let out = '';
        for (const part of expr.parts) {
          if (typeof part === 'string') out += part;
          else {
            const v = this.evalExpr(part, frame);
            const s = pyStr(v);
            if (s === null) return unknownValue(`f-string with ${describe(v)}`);
            out += s;
          }
        }
        return { k: 'str', v: out };
      }
      case 'name': {
        const value = this.lookup(expr.id, frame);
        if (value !== undefined) return value;
        if (builtinNames.has(expr.id)) return { k: 'api', name: `builtins.${expr.id}` };
        return unknownValue(`name '${expr.id}'`);
      }
      case 'attr':
        return this.getAttribute(this.evalExpr(expr.obj, frame), expr.name, expr.line, frame);
      case 'call':
        return this.evalCall(expr, frame);
      case 'list':
      case 'tuple':
      case 'set': {
        const items: Value[] = [];
        for (const item of expr.items) {
          if (item.t === 'starred') {
            const spread = this.iterate(this.evalExpr(item.value, frame));
            if (!spread) return unknownValue(`unpacking ${describe(this.evalExpr(item.value, frame))}`);
            items.push(...spread);
          } else {
            items.push(this.evalExpr(item, frame));
          }
        }
        return { k: 'list', items, tuple: expr.t !== 'list' };
      }
      case 'dict': {
        const entries: [Value, Value][] = [];
        for (const entry of expr.entries) {
          if (entry.key === null) {
            const spread = this.evalExpr(entry.value, frame);
            if (spread.k === 'dict') entries.push(...spread.entries);
            else return unknownValue('dict unpacking');
          } else {
            entries.push([this.evalExpr(entry.key, frame), this.evalExpr(entry.value, frame)]);
          }
        }
        return { k: 'dict', entries };
      }
      case 'binop':
        return this.binop(expr.op, this.evalExpr(expr.left, frame), this.evalExpr(expr.right, frame));
      case 'compare': {
        const left = this.evalExpr(expr.left, frame);
        const right = this.evalExpr(expr.right, frame);
        if (expr.op === '==' || expr.op === '!=') {
          const eq = valuesEqual(left, right);
          if (eq === null) return unknownValue('comparison');
          return { k: 'bool', v: expr.op === '==' ? eq : !eq };
        }
        return unknownValue('comparison');
      }
      case 'not': {
        const t = truthy(this.evalExpr(expr.value, frame));
        return t === null ? unknownValue('not') : { k: 'bool', v: !t };
      }
      case 'ternary': {
        const t = truthy(this.evalExpr(expr.test, frame));
        if (t === null) return unknownValue('conditional expression');
        return this.evalExpr(t ? expr.body : expr.orelse, frame);
      }
      case 'comp':
        return this.evalComprehension(expr, frame);
      case 'subscript': {
        const obj = this.evalExpr(expr.obj, frame);
        const index = this.evalExpr(expr.index, frame);
        return subscript(obj, index);
      }
      case 'starred':
        return unknownValue('starred expression');
      case 'unknown':
        return unknownValue(`\`${expr.text}\``);
    }
  }

  private evalComprehension(expr: Extract<Expr, { t: 'comp' }>, frame: Frame): Value {
    const scope = new Scope(frame.scope);
    const inner: Frame = { module: frame.module, scope };
    const items: Value[] = [];
    const entries: [Value, Value][] = [];
    let failed: string | null = null;
    const loop = (level: number): void => {
      if (failed) return;
      if (++this.steps > maxSteps || items.length + entries.length > maxListItems) {
        failed = 'a comprehension too large to follow';
        return;
      }
      const clause = expr.fors[level];
      if (!clause) {
        if (expr.kind === 'dict' && expr.value) entries.push([this.evalExpr(expr.elt, inner), this.evalExpr(expr.value, inner)]);
        else items.push(this.evalExpr(expr.elt, inner));
        return;
      }
      const iterable = this.iterate(this.evalExpr(clause.iter, inner));
      if (!iterable) {
        failed = 'a comprehension over a value that cannot be read statically';
        return;
      }
      for (const item of iterable) {
        this.bindTarget(inner, clause.target, item, expr.line);
        const keep = clause.ifs.every((cond) => truthy(this.evalExpr(cond, inner)) !== false);
        if (keep) loop(level + 1);
      }
    };
    loop(0);
    if (failed) return unknownValue(failed);
    if (expr.kind === 'dict') return { k: 'dict', entries };
    return { k: 'list', items, tuple: expr.kind === 'gen' };
  }

  /** The items to loop over: a snapshot, so code that grows the list while looping ends. */
  iterate(value: Value): Value[] | null {
    if (value.k === 'list') return value.items.slice();
    if (value.k === 'dict') return value.entries.map(([key]) => key);
    if (value.k === 'str') return [...value.v].map((ch) => ({ k: 'str', v: ch }) as Value);
    return null;
  }

  private binop(op: string, left: Value, right: Value): Value {
    if (op === '+') {
      if (left.k === 'str' && right.k === 'str') return { k: 'str', v: left.v + right.v };
      if (left.k === 'num' && right.k === 'num') return { k: 'num', v: left.v + right.v };
      if (left.k === 'list' && right.k === 'list') {
        if (left.items.length + right.items.length > maxListItems) return unknownValue('a list too long to follow');
        return { k: 'list', items: left.items.concat(right.items), tuple: left.tuple };
      }
    }
    if (op === '-' && left.k === 'num' && right.k === 'num') return { k: 'num', v: left.v - right.v };
    if (op === '*' && left.k === 'num' && right.k === 'num') return { k: 'num', v: left.v * right.v };
    if (op === '/' && left.k === 'path') {
      const part = right.k === 'str' ? right.v : right.k === 'path' ? right.path : null;
      if (part !== null) return { k: 'path', path: resolvePath(left.path, part) };
    }
    if (op === '%' && left.k === 'str') {
      const args = right.k === 'list' && right.tuple ? right.items : [right];
      let i = 0;
      let ok = true;
      const out = left.v.replace(/%[sd%]/g, (spec) => {
        if (spec === '%%') return '%';
        const arg = args[i++];
        const s = arg ? pyStr(arg) : null;
        if (s === null) ok = false;
        return s ?? '';
      });
      if (ok) return { k: 'str', v: out };
    }
    return unknownValue(`${describe(left)} ${op} ${describe(right)}`);
  }

  getAttribute(obj: Value, name: string, line: number, frame: Frame): Value {
    switch (obj.k) {
      case 'module': {
        const module = this.importModule(obj.name);
        if (module) return this.moduleMember(module, name, line, frame.module);
        return getApiAttribute(externalModuleApi(obj.name), name);
      }
      case 'api':
        return getApiAttribute(obj, name);
      case 'path':
        switch (name) {
          case 'parent':
            return { k: 'path', path: dirname(obj.path) };
          case 'parents': {
            const parents: Value[] = [];
            for (let p = dirname(obj.path); ; p = dirname(p)) {
              parents.push({ k: 'path', path: p });
              if (dirname(p) === p) break;
            }
            return { k: 'list', items: parents, tuple: true };
          }
          case 'name':
            return { k: 'str', v: obj.path.split('/').pop() ?? '' };
          case 'stem':
            return { k: 'str', v: (obj.path.split('/').pop() ?? '').replace(/\.[^.]*$/, '') };
          default:
            return { k: 'method', self: obj, name };
        }
      case 'dbtProject':
        if (name === 'manifest_path') return { k: 'path', path: obj.manifestPath };
        if (name === 'project_dir') return { k: 'path', path: obj.projectDir };
        return unknownValue(`DbtProject.${name}`);
      case 'key':
        if (name === 'path') return { k: 'list', items: obj.path.map((v) => ({ k: 'str', v }) as Value), tuple: false };
        return { k: 'method', self: obj, name };
      case 'assets':
        if (name === 'key' && obj.def.specs.length === 1) return { k: 'key', path: [...(obj.def.specs[0]?.key ?? [])] };
        if (name === 'keys') return { k: 'list', items: obj.def.specs.map((s) => ({ k: 'key', path: [...s.key] }) as Value), tuple: false };
        return { k: 'method', self: obj, name };
      case 'spec':
        if (name === 'key') return { k: 'key', path: [...obj.spec.key] };
        return { k: 'method', self: obj, name };
      case 'str':
      case 'list':
      case 'dict':
        return { k: 'method', self: obj, name };
      case 'class':
        return unknownValue(`${obj.name}.${name}`);
      case 'unknown':
        return unknownValue(`${obj.why}.${name}`);
      default:
        return unknownValue(`${describe(obj)}.${name}`);
    }
  }

  private evalCall(expr: Extract<Expr, { t: 'call' }>, frame: Frame): Value {
    const fn = this.evalExpr(expr.fn, frame);
    const args: Value[] = [];
    for (const arg of expr.args) {
      if (arg.t === 'starred') {
        const spread = this.iterate(this.evalExpr(arg.value, frame));
        if (spread) args.push(...spread);
        else args.push(unknownValue('*args'));
      } else {
        args.push(this.evalExpr(arg, frame));
      }
    }
    const kwargs = new Map<string, Value>();
    const kwargExprs = new Map<string, Expr>();
    for (const kw of expr.kwargs) {
      if (kw.name === null) {
        const spread = this.evalExpr(kw.value, frame);
        if (spread.k === 'dict') {
          for (const [k, v] of spread.entries) if (k.k === 'str') kwargs.set(k.v, v);
        }
        continue;
      }
      kwargs.set(kw.name, this.evalExpr(kw.value, frame));
      kwargExprs.set(kw.name, kw.value);
    }
    const call: CallArgs = { args, kwargs, kwargExprs, line: expr.line, file: frame.module.ref.file };
    return this.callValue(fn, call, frame);
  }

  callValue(fn: Value, call: CallArgs, frame: Frame): Value {
    switch (fn.k) {
      case 'func':
        return this.callFunction(fn, call);
      case 'api': {
        const result = callApi(fn.name, call, this.apiContext(frame));
        if (result.k === 'assets' || result.k === 'spec') this.noteCreated(result);
        return result;
      }
      case 'decorator': {
        const target = call.args[0];
        if (target?.k === 'func' && isAssetDecoratorName(fn.name)) {
          const result = applyAssetDecorator(fn.name, fn.call, target.def, target.module, this.apiContext(frame));
          this.noteCreated(result);
          return result;
        }
        return unknownValue(`${fn.name}(...)`);
      }
      case 'method':
        return this.callMethod(fn.self, fn.name, call, frame);
      case 'class': {
        if (this.classExtends(fn, 'DagsterDbtTranslator') || this.classExtends(fn, 'KeyPrefixDagsterDbtTranslator')) {
          return { k: 'translator', keyPrefix: [], sourceKeyPrefix: [], custom: fn.name };
        }
        return unknownValue(`an instance of ${fn.name}`);
      }
      default:
        return unknownValue(`a call of ${describe(fn)}`);
    }
  }

  classExtends(cls: Extract<Value, { k: 'class' }>, apiName: string, seen = 0): boolean {
    if (seen > 10) return false;
    return cls.bases.some(
      (b) => (b.k === 'api' && b.name === apiName) || (b.k === 'class' && this.classExtends(b, apiName, seen + 1)),
    );
  }

  private callMethod(self: Value, name: string, call: CallArgs, frame: Frame): Value {
    const [first] = call.args;
    if (self.k === 'list') {
      if (name === 'append' && first) {
        if (self.items.length >= maxListItems) return unknownValue('a list too long to follow');
        self.items.push(first);
        return noneValue;
      }
      if (name === 'extend' && first) {
        const items = this.iterate(first);
        if (!items) self.items.push(unknownValue('extend with an unreadable value'));
        else if (!this.appendAll(self.items, items)) return unknownValue('a list too long to follow');
        return noneValue;
      }
      if (name === 'copy') return { k: 'list', items: [...self.items], tuple: self.tuple };
      return unknownValue(`list.${name}`);
    }
    if (self.k === 'dict') {
      if (name === 'get' && first) {
        const found = self.entries.find(([k]) => valuesEqual(k, first) === true);
        return found ? found[1] : (call.args[1] ?? noneValue);
      }
      if (name === 'items') {
        return { k: 'list', items: self.entries.map(([k, v]) => ({ k: 'list', items: [k, v], tuple: true }) as Value), tuple: false };
      }
      if (name === 'keys') return { k: 'list', items: self.entries.map(([k]) => k), tuple: false };
      if (name === 'values') return { k: 'list', items: self.entries.map(([, v]) => v), tuple: false };
      return unknownValue(`dict.${name}`);
    }
    if (self.k === 'str') return stringMethod(self.v, name, call, this);
    if (self.k === 'path') {
      if (name === 'joinpath') {
        let path = self.path;
        for (const arg of call.args) {
          const part = arg.k === 'str' ? arg.v : arg.k === 'path' ? arg.path : null;
          if (part === null) return unknownValue('Path.joinpath with an unreadable part');
          path = resolvePath(path, part);
        }
        return { k: 'path', path };
      }
      if (name === 'resolve' || name === 'absolute' || name === 'expanduser') return self;
      if (name === 'as_posix' || name === '__str__') return { k: 'str', v: self.path };
      return unknownValue(`Path.${name}`);
    }
    return callApi(`${self.k}.${name}`, { ...call, args: [self, ...call.args] }, this.apiContext(frame));
  }

  private callFunction(fn: Extract<Value, { k: 'func' }>, call: CallArgs): Value {
    if (this.depth >= maxCallDepth) return unknownValue(`${fn.def.name}(...) (calls nested too deep)`);
    if (!fn.def.body) return unknownValue(`${fn.def.name}(...)`);
    const module = this.modules.get(fn.module.name);
    if (!module) return unknownValue(`${fn.def.name}(...)`);
    const scope = new Scope(fn.closure);
    const positional = fn.def.params.filter((p) => p.kind === 'positional');
    const frame: Frame = { module, scope };
    positional.forEach((param, i) => {
      const given = call.args[i] ?? call.kwargs.get(param.name);
      scope.vars.set(param.name, given ?? (param.default ? this.evalExpr(param.default, { module, scope: fn.closure }) : unknownValue(param.name)));
    });
    for (const param of fn.def.params) {
      if (param.kind === 'keyword_only') {
        const given = call.kwargs.get(param.name);
        scope.vars.set(param.name, given ?? (param.default ? this.evalExpr(param.default, { module, scope: fn.closure }) : unknownValue(param.name)));
      } else if (param.kind === 'var_positional') {
        scope.vars.set(param.name, { k: 'list', items: call.args.slice(positional.length), tuple: true });
      } else if (param.kind === 'var_keyword') {
        const named = new Set(fn.def.params.map((p) => p.name));
        const rest = [...call.kwargs].filter(([k]) => !named.has(k)).map(([k, v]) => [{ k: 'str', v: k }, v] as [Value, Value]);
        scope.vars.set(param.name, { k: 'dict', entries: rest });
      }
    }
    this.depth++;
    try {
      this.execBlock(fn.def.body, frame);
      return noneValue;
    } catch (signal) {
      if (signal instanceof ReturnSignal) return signal.value;
      throw signal;
    } finally {
      this.depth--;
    }
  }

  /** Calls a zero-argument `@definitions` function. */
  callDefinitionsFunction(fn: Extract<Value, { k: 'func' }>): Value {
    return this.callFunction(fn, { args: [], kwargs: new Map(), kwargExprs: new Map(), line: fn.def.line, file: fn.module.file });
  }

  private apiContext(frame: Frame): ApiContext {
    return { interpreter: this, module: frame.module.ref, frame };
  }
}

export type { Frame, ModuleState };

function externalModule(name: string): Value {
  return { k: 'module', name };
}

/** Attributes of a module outside the workspace: Dagster's API, pathlib, os.path and the like. */
function externalModuleApi(name: string): Extract<Value, { k: 'api' }> {
  return { k: 'api', name: `module:${name}` };
}

function pyStr(v: Value): string | null {
  switch (v.k) {
    case 'str':
      return v.v;
    case 'num':
      return String(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'path':
      return v.path;
    default:
      return null;
  }
}

function subscript(obj: Value, index: Value): Value {
  if (obj.k === 'list' && index.k === 'num') {
    const i = index.v < 0 ? obj.items.length + index.v : index.v;
    return obj.items[i] ?? unknownValue('index out of range');
  }
  if (obj.k === 'dict') {
    const found = obj.entries.find(([k]) => valuesEqual(k, index) === true);
    if (found) return found[1];
  }
  if (obj.k === 'api') return { k: 'api', name: `${obj.name}[]` };
  return unknownValue(`${describe(obj)}[${describe(index)}]`);
}

function stringMethod(s: string, name: string, call: CallArgs, interp: Interpreter): Value {
  const strArg = (i: number): string | null => {
    const a = call.args[i];
    return a?.k === 'str' ? a.v : null;
  };
  switch (name) {
    case 'upper':
      return { k: 'str', v: s.toUpperCase() };
    case 'lower':
      return { k: 'str', v: s.toLowerCase() };
    case 'strip':
      return { k: 'str', v: s.trim() };
    case 'title':
      return { k: 'str', v: s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()) };
    case 'replace': {
      const a = strArg(0);
      const b = strArg(1);
      if (a === null || b === null) break;
      return { k: 'str', v: s.split(a).join(b) };
    }
    case 'split': {
      const sep = strArg(0);
      const parts = sep === null ? s.trim().split(/\s+/) : s.split(sep);
      return { k: 'list', items: parts.map((v) => ({ k: 'str', v }) as Value), tuple: false };
    }
    case 'join': {
      const items = call.args[0] ? interp.iterate(call.args[0]) : null;
      if (!items || items.some((i) => i.k !== 'str')) break;
      return { k: 'str', v: items.map((i) => (i as { v: string }).v).join(s) };
    }
    case 'format': {
      let auto = 0;
      let ok = true;
      const out = s.replace(/\{([^{}]*)\}/g, (_m, field: string) => {
        const v = field === '' ? call.args[auto++] : /^\d+$/.test(field) ? call.args[Number(field)] : call.kwargs.get(field);
        const text = v ? pyStr(v) : null;
        if (text === null) ok = false;
        return text ?? '';
      });
      if (ok) return { k: 'str', v: out };
      break;
    }
    default:
      break;
  }
  return unknownValue(`str.${name}(...)`);
}
