/**
 * The scanner's intermediate representation of a Python module: the subset of Python that can
 * define, name or load Dagster assets, converted from the tree-sitter tree in a worker thread.
 * It is plain JSON so it crosses `worker_threads` cheaply and can be cached per content hash.
 *
 * What is kept: imports, module-level assignments, functions (with the bodies of plain functions,
 * which may be asset factories), loops and conditionals at module level, and expressions built from
 * literals, names, attributes, calls, containers, f-strings, comprehensions and `+`/`/`.
 * What is dropped: the bodies of compute functions (`@asset`, `@op`, ...), whose code never changes
 * the graph; they are summarised by a hash for "code changed" checks.
 */

export type Expr =
  | { t: 'str'; v: string; line: number }
  | { t: 'num'; v: number; line: number }
  | { t: 'bool'; v: boolean; line: number }
  | { t: 'none'; line: number }
  | { t: 'fstr'; parts: (string | Expr)[]; line: number }
  | { t: 'name'; id: string; line: number }
  | { t: 'attr'; obj: Expr; name: string; line: number }
  | { t: 'call'; fn: Expr; args: Expr[]; kwargs: Kwarg[]; line: number }
  | { t: 'list' | 'tuple' | 'set'; items: Expr[]; line: number }
  | { t: 'dict'; entries: DictEntry[]; line: number }
  | { t: 'binop'; op: string; left: Expr; right: Expr; line: number }
  | { t: 'compare'; op: string; left: Expr; right: Expr; line: number }
  | { t: 'not'; value: Expr; line: number }
  | { t: 'comp'; kind: 'list' | 'gen' | 'set' | 'dict'; elt: Expr; value: Expr | null; fors: CompFor[]; line: number }
  | { t: 'subscript'; obj: Expr; index: Expr; line: number }
  | { t: 'starred'; value: Expr; line: number }
  | { t: 'ternary'; test: Expr; body: Expr; orelse: Expr; line: number }
  /** Anything else (lambdas, arithmetic on unknowns, ...): kept as source text for diagnostics. */
  | { t: 'unknown'; text: string; line: number };

/** `name: null` is `**mapping`. */
export interface Kwarg {
  name: string | null;
  value: Expr;
}

/** `key: null` is `**mapping`. */
export interface DictEntry {
  key: Expr | null;
  value: Expr;
}

export interface CompFor {
  target: Target;
  iter: Expr;
  ifs: Expr[];
}

/** Assignment targets: a name, a tuple of targets, or something the evaluator ignores (attributes, subscripts). */
export type Target = { t: 'name'; id: string } | { t: 'tuple'; items: Target[] } | { t: 'other'; text: string };

export interface Param {
  name: string;
  kind: 'positional' | 'keyword_only' | 'var_positional' | 'var_keyword';
  annotation: Expr | null;
  default: Expr | null;
}

export interface FunctionDef {
  t: 'def';
  name: string;
  /** First decorator line, or the `def` line when undecorated. */
  line: number;
  defLine: number;
  endLine: number;
  decorators: Expr[];
  params: Param[];
  docstring: string | null;
  /** Null when the body was not converted (compute functions; see the module comment). */
  body: Stmt[] | null;
  /** sha1 of the function's source text, decorators included. */
  sourceHash: string;
}

export type Stmt =
  | { t: 'import'; module: string; asName: string | null; line: number }
  | {
      t: 'from';
      module: string;
      /** Number of leading dots of a relative import. */
      level: number;
      names: { name: string; asName: string | null }[] | '*';
      line: number;
    }
  | { t: 'assign'; targets: Target[]; value: Expr; line: number }
  | { t: 'augassign'; target: Target; op: string; value: Expr; line: number }
  | FunctionDef
  | { t: 'class'; name: string; bases: Expr[]; line: number }
  | { t: 'for'; target: Target; iter: Expr; body: Stmt[]; line: number }
  | { t: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[]; line: number }
  | { t: 'expr'; value: Expr; line: number }
  | { t: 'return'; value: Expr | null; line: number };

export interface SyntaxProblem {
  line: number;
  message: string;
}

export interface ModuleIR {
  statements: Stmt[];
  syntaxErrors: SyntaxProblem[];
}
