import * as crypto from 'node:crypto';
import type { Node, Tree } from 'web-tree-sitter';
import type { CompFor, DictEntry, Expr, FunctionDef, Kwarg, ModuleIR, Param, Stmt, SyntaxProblem, Target } from './ir';

/**
 * Decorators whose function body is compute code. Their bodies never affect the asset graph, so
 * they are hashed and skipped instead of converted: the bulk of a Dagster file is such bodies.
 */
const computeDecorators = new Set([
  'asset',
  'multi_asset',
  'graph_asset',
  'graph_multi_asset',
  'observable_source_asset',
  'multi_observable_source_asset',
  'op',
  'graph',
  'job',
  'asset_check',
  'multi_asset_check',
  'dbt_assets',
  'sensor',
  'asset_sensor',
  'multi_asset_sensor',
  'run_status_sensor',
  'run_failure_sensor',
  'schedule',
  'resource',
  'io_manager',
  'dlt_assets',
  'sling_assets',
]);

const maxSyntaxProblems = 5;

/** One-shot hashing (Node ≥ 20.12) is much cheaper per call than a Hash object; older hosts fall back. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

/** sha1 (hex) of text or file bytes: function sources here, whole files in the scanner's cache. */
export function hashText(text: string | Uint8Array): string {
  return oneShotHash ? oneShotHash('sha1', text, 'hex') : crypto.createHash('sha1').update(text).digest('hex');
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

/** Converts a parsed module to IR. */
export function extractModule(tree: Tree): ModuleIR {
  exprDepth = 0;
  const root = tree.rootNode;
  const syntaxErrors: SyntaxProblem[] = root.hasError ? collectSyntaxProblems(root) : [];
  return { statements: convertBlock(root), syntaxErrors };
}

function collectSyntaxProblems(root: Node): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  // Iterative, in document order: trees of generated code can be deeper than the call stack.
  const stack: Node[] = [root];
  while (stack.length > 0 && problems.length < maxSyntaxProblems) {
    const node = stack.pop() as Node;
    if (node.isMissing) {
      problems.push({ line: line(node), message: `syntax error: missing '${node.type}'` });
    } else if (node.isError) {
      const text = node.text.split('\n')[0]?.slice(0, 60) ?? '';
      problems.push({ line: line(node), message: `syntax error near '${text}'` });
    } else if (node.hasError) {
      const children = node.children;
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i];
        if (child) stack.push(child);
      }
    }
  }
  return problems;
}

function convertBlock(block: Node): Stmt[] {
  const out: Stmt[] = [];
  for (const child of block.namedChildren) {
    if (child) convertStatement(child, out);
  }
  return out;
}

function convertStatement(node: Node, out: Stmt[]): void {
  switch (node.type) {
    case 'import_statement':
      for (const name of node.childrenForFieldName('name')) {
        if (!name) continue;
        if (name.type === 'aliased_import') {
          out.push({
            t: 'import',
            module: name.childForFieldName('name')?.text ?? '',
            asName: name.childForFieldName('alias')?.text ?? null,
            line: line(node),
          });
        } else {
          out.push({ t: 'import', module: name.text, asName: null, line: line(node) });
        }
      }
      return;
    case 'import_from_statement': {
      const moduleNode = node.childForFieldName('module_name');
      let module = '';
      let level = 0;
      if (moduleNode?.type === 'relative_import') {
        for (const part of moduleNode.namedChildren) {
          if (part?.type === 'import_prefix') level = part.text.length;
          else if (part?.type === 'dotted_name') module = part.text;
        }
      } else if (moduleNode) {
        module = moduleNode.text;
      }
      const wildcard = node.namedChildren.some((c) => c?.type === 'wildcard_import');
      const names = wildcard
        ? ('*' as const)
        : node.childrenForFieldName('name').flatMap((n) => {
            if (!n) return [];
            if (n.type === 'aliased_import') {
              return [{ name: n.childForFieldName('name')?.text ?? '', asName: n.childForFieldName('alias')?.text ?? null }];
            }
            return [{ name: n.text, asName: null }];
          });
      out.push({ t: 'from', module, level, names, line: line(node) });
      return;
    }
    case 'expression_statement': {
      const inner = node.firstNamedChild;
      if (!inner) return;
      if (inner.type === 'assignment') {
        convertAssignment(inner, out);
      } else if (inner.type === 'augmented_assignment') {
        const left = inner.childForFieldName('left');
        const right = inner.childForFieldName('right');
        const op = inner.childForFieldName('operator')?.text ?? '';
        if (left && right) {
          out.push({ t: 'augassign', target: convertTarget(left), op, value: convertExpr(right), line: line(inner) });
        }
      } else if (inner.type === 'call') {
        // Only calls matter as statements (`assets.append(x)`, `assets.extend([...])`).
        out.push({ t: 'expr', value: convertExpr(inner), line: line(inner) });
      }
      return;
    }
    case 'decorated_definition': {
      const definition = node.childForFieldName('definition');
      const decorators = node.namedChildren
        .filter((c): c is Node => c?.type === 'decorator')
        .map((d) => convertExpr(d.firstNamedChild as Node));
      if (definition?.type === 'function_definition') {
        out.push(convertFunction(definition, node, decorators));
      } else if (definition?.type === 'class_definition') {
        out.push(convertClass(definition, line(node)));
      }
      return;
    }
    case 'function_definition':
      out.push(convertFunction(node, node, []));
      return;
    case 'class_definition':
      out.push(convertClass(node, line(node)));
      return;
    case 'for_statement': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const body = node.childForFieldName('body');
      if (left && right && body) {
        out.push({ t: 'for', target: convertTarget(left), iter: convertExpr(right), body: convertBlock(body), line: line(node) });
      }
      return;
    }
    case 'if_statement':
      out.push(convertIf(node));
      return;
    case 'try_statement': {
      // `try: import x` / `except ImportError: ...`: the try body is what runs when the code loads.
      const body = node.childForFieldName('body');
      if (body) out.push(...convertBlock(body));
      return;
    }
    case 'with_statement': {
      const body = node.childForFieldName('body');
      if (body) out.push(...convertBlock(body));
      return;
    }
    case 'return_statement': {
      const value = node.firstNamedChild;
      out.push({ t: 'return', value: value ? convertExpr(value) : null, line: line(node) });
      return;
    }
    case 'ERROR':
      // Error recovery can wrap whole valid statements; keep what still parses.
      for (const child of node.namedChildren) if (child) convertStatement(child, out);
      return;
    default:
      return;
  }
}

function convertIf(node: Node): Stmt {
  const test = node.childForFieldName('condition');
  const body = node.childForFieldName('consequence');
  const alternatives = node.childrenForFieldName('alternative').filter((n): n is Node => n !== null);
  let orelse: Stmt[] = [];
  // Fold `elif` chains into nested ifs, from the last one back.
  for (let i = alternatives.length - 1; i >= 0; i--) {
    const alt = alternatives[i] as Node;
    if (alt.type === 'else_clause') {
      const elseBody = alt.childForFieldName('body');
      orelse = elseBody ? convertBlock(elseBody) : [];
    } else {
      const altTest = alt.childForFieldName('condition');
      const altBody = alt.childForFieldName('consequence');
      orelse = [
        {
          t: 'if',
          test: altTest ? convertExpr(altTest) : unknown(alt),
          body: altBody ? convertBlock(altBody) : [],
          orelse,
          line: line(alt),
        },
      ];
    }
  }
  return {
    t: 'if',
    test: test ? convertExpr(test) : unknown(node),
    body: body ? convertBlock(body) : [],
    orelse,
    line: line(node),
  };
}

function convertAssignment(node: Node, out: Stmt[]): void {
  // Chained `a = b = value` nests assignments on the right.
  const targets: Target[] = [];
  let current: Node | null = node;
  let value: Node | null = null;
  while (current && current.type === 'assignment') {
    const left = current.childForFieldName('left');
    if (left) targets.push(convertTarget(left));
    value = current.childForFieldName('right');
    current = value;
  }
  // An annotation without a value (`x: int`) binds nothing.
  if (!value) return;
  out.push({ t: 'assign', targets, value: convertExpr(value), line: line(node) });
}

function convertTarget(node: Node): Target {
  switch (node.type) {
    case 'identifier':
      return { t: 'name', id: node.text };
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
      return { t: 'tuple', items: node.namedChildren.filter((c): c is Node => c !== null).map(convertTarget) };
    case 'parenthesized_expression': {
      const inner = node.firstNamedChild;
      return inner ? convertTarget(inner) : { t: 'other', text: node.text };
    }
    default:
      return { t: 'other', text: node.text };
  }
}

function convertClass(node: Node, startLine: number): Stmt {
  const superclasses = node.childForFieldName('superclasses');
  const bases = superclasses
    ? superclasses.namedChildren.filter((c): c is Node => c !== null && c.type !== 'keyword_argument').map(convertExpr)
    : [];
  return { t: 'class', name: node.childForFieldName('name')?.text ?? '', bases, line: startLine };
}

function decoratorName(expr: Expr): string | null {
  let target = expr;
  if (target.t === 'call') target = target.fn;
  if (target.t === 'name') return target.id;
  if (target.t === 'attr') return target.name;
  return null;
}

function convertFunction(node: Node, outer: Node, decorators: Expr[]): FunctionDef {
  const bodyNode = node.childForFieldName('body');
  const isCompute = decorators.some((d) => {
    const name = decoratorName(d);
    return name !== null && computeDecorators.has(name);
  });
  return {
    t: 'def',
    name: node.childForFieldName('name')?.text ?? '',
    line: line(outer),
    defLine: line(node),
    endLine: outer.endPosition.row + 1,
    decorators,
    params: convertParams(node.childForFieldName('parameters')),
    docstring: bodyNode ? docstringOf(bodyNode) : null,
    body: bodyNode && !isCompute ? convertBlock(bodyNode) : null,
    sourceHash: hashText(outer.text),
  };
}

function docstringOf(body: Node): string | null {
  const first = body.firstNamedChild;
  if (first?.type !== 'expression_statement') return null;
  const str = first.firstNamedChild;
  if (str?.type !== 'string') return null;
  const value = convertExpr(str);
  return value.t === 'str' ? value.v : null;
}

function convertParams(node: Node | null): Param[] {
  if (!node) return [];
  const params: Param[] = [];
  let keywordOnly = false;
  for (const child of node.namedChildren) {
    if (!child) continue;
    const kind = keywordOnly ? 'keyword_only' : 'positional';
    switch (child.type) {
      case 'identifier':
        params.push({ name: child.text, kind, annotation: null, default: null });
        break;
      case 'typed_parameter': {
        const nameNode = child.namedChildren.find((c) => c?.type === 'identifier');
        const splat = child.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
        const type = child.childForFieldName('type');
        if (splat) {
          const isKw = splat.type === 'dictionary_splat_pattern';
          if (!isKw) keywordOnly = true;
          params.push({
            name: splat.firstNamedChild?.text ?? '',
            kind: isKw ? 'var_keyword' : 'var_positional',
            annotation: type ? convertExpr(type) : null,
            default: null,
          });
        } else {
          params.push({ name: nameNode?.text ?? '', kind, annotation: type ? convertExpr(type) : null, default: null });
        }
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const type = child.childForFieldName('type');
        const value = child.childForFieldName('value');
        params.push({
          name: child.childForFieldName('name')?.text ?? '',
          kind,
          annotation: type ? convertExpr(type) : null,
          default: value ? convertExpr(value) : null,
        });
        break;
      }
      case 'list_splat_pattern':
        keywordOnly = true;
        params.push({ name: child.firstNamedChild?.text ?? '', kind: 'var_positional', annotation: null, default: null });
        break;
      case 'dictionary_splat_pattern':
        params.push({ name: child.firstNamedChild?.text ?? '', kind: 'var_keyword', annotation: null, default: null });
        break;
      case 'keyword_separator':
        keywordOnly = true;
        break;
      default:
        break;
    }
  }
  return params;
}

function unknown(node: Node): Expr {
  return { t: 'unknown', text: node.text.length > 200 ? node.text.slice(0, 200) + '…' : node.text, line: line(node) };
}

/**
 * Expressions nested deeper than this become `unknown`: nothing that names an asset is that deep,
 * and generated code (a 20,000-term sum) must not exhaust the stack.
 */
const maxExprDepth = 200;
let exprDepth = 0;

export function convertExpr(node: Node): Expr {
  if (exprDepth >= maxExprDepth) return unknown(node);
  // No try/finally on this hot path: extractModule resets the counter, so a throw mid-file
  // cannot leave it wrong for the next file.
  exprDepth++;
  const expr = convertExprAt(node);
  exprDepth--;
  return expr;
}

function convertExprAt(node: Node): Expr {
  const ln = line(node);
  switch (node.type) {
    case 'identifier':
      return { t: 'name', id: node.text, line: ln };
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!obj || !attr) return unknown(node);
      return { t: 'attr', obj: convertExpr(obj), name: attr.text, line: ln };
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const argsNode = node.childForFieldName('arguments');
      if (!fn) return unknown(node);
      const args: Expr[] = [];
      const kwargs: Kwarg[] = [];
      if (argsNode?.type === 'generator_expression') {
        args.push(convertExpr(argsNode));
      } else if (argsNode) {
        for (const arg of argsNode.namedChildren) {
          if (!arg || arg.type === 'comment') continue;
          if (arg.type === 'keyword_argument') {
            const name = arg.childForFieldName('name');
            const value = arg.childForFieldName('value');
            if (name && value) kwargs.push({ name: name.text, value: convertExpr(value) });
          } else if (arg.type === 'dictionary_splat') {
            const inner = arg.firstNamedChild;
            if (inner) kwargs.push({ name: null, value: convertExpr(inner) });
          } else {
            args.push(convertExpr(arg));
          }
        }
      }
      return { t: 'call', fn: convertExpr(fn), args, kwargs, line: ln };
    }
    case 'string':
      return convertString(node);
    case 'concatenated_string': {
      const parts: (string | Expr)[] = [];
      let formatted = false;
      for (const piece of node.namedChildren) {
        if (!piece) continue;
        const value = convertString(piece);
        if (value.t === 'str') parts.push(value.v);
        else if (value.t === 'fstr') {
          formatted = true;
          parts.push(...value.parts);
        } else return unknown(node);
      }
      if (!formatted) return { t: 'str', v: parts.join(''), line: ln };
      return { t: 'fstr', parts, line: ln };
    }
    case 'integer': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? { t: 'num', v, line: ln } : unknown(node);
    }
    case 'float': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? { t: 'num', v, line: ln } : unknown(node);
    }
    case 'true':
      return { t: 'bool', v: true, line: ln };
    case 'false':
      return { t: 'bool', v: false, line: ln };
    case 'none':
      return { t: 'none', line: ln };
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return {
        t: node.type === 'expression_list' ? 'tuple' : node.type,
        items: node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map(convertExpr),
        line: ln,
      };
    case 'list_splat':
    case 'dictionary_splat': {
      const inner = node.firstNamedChild;
      return inner ? { t: 'starred', value: convertExpr(inner), line: ln } : unknown(node);
    }
    case 'dictionary': {
      const entries: DictEntry[] = [];
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'pair') {
          const key = child.childForFieldName('key');
          const value = child.childForFieldName('value');
          if (key && value) entries.push({ key: convertExpr(key), value: convertExpr(value) });
        } else if (child.type === 'dictionary_splat') {
          const inner = child.firstNamedChild;
          if (inner) entries.push({ key: null, value: convertExpr(inner) });
        }
      }
      return { t: 'dict', entries, line: ln };
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c?.type !== 'comment');
      return inner ? convertExpr(inner) : unknown(node);
    }
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text ?? '';
      if (!left || !right) return unknown(node);
      return { t: 'binop', op, left: convertExpr(left), right: convertExpr(right), line: ln };
    }
    case 'comparison_operator': {
      const operands = node.namedChildren.filter((c): c is Node => c !== null);
      const operator = node.children.find((c) => c !== null && !c.isNamed);
      if (operands.length !== 2 || !operator) return unknown(node);
      return {
        t: 'compare',
        op: operator.text,
        left: convertExpr(operands[0] as Node),
        right: convertExpr(operands[1] as Node),
        line: ln,
      };
    }
    case 'not_operator': {
      const arg = node.childForFieldName('argument');
      return arg ? { t: 'not', value: convertExpr(arg), line: ln } : unknown(node);
    }
    case 'list_comprehension':
    case 'generator_expression':
    case 'set_comprehension':
    case 'dictionary_comprehension':
      return convertComprehension(node);
    case 'subscript': {
      const value = node.childForFieldName('value');
      const index = node.childForFieldName('subscript');
      if (!value || !index) return unknown(node);
      return { t: 'subscript', obj: convertExpr(value), index: convertExpr(index), line: ln };
    }
    case 'conditional_expression': {
      const parts = node.namedChildren.filter((c): c is Node => c !== null);
      if (parts.length !== 3) return unknown(node);
      return {
        t: 'ternary',
        body: convertExpr(parts[0] as Node),
        test: convertExpr(parts[1] as Node),
        orelse: convertExpr(parts[2] as Node),
        line: ln,
      };
    }
    case 'type': {
      const inner = node.firstNamedChild;
      return inner ? convertExpr(inner) : unknown(node);
    }
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      const op = node.childForFieldName('operator')?.text;
      if (arg && op === '-' && (arg.type === 'integer' || arg.type === 'float')) {
        const value = convertExpr(arg);
        if (value.t === 'num') return { t: 'num', v: -value.v, line: ln };
      }
      return unknown(node);
    }
    default:
      return unknown(node);
  }
}

function convertComprehension(node: Node): Expr {
  const body = node.childForFieldName('body');
  if (!body) return unknown(node);
  const fors: CompFor[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'for_in_clause') {
      const left = child.childForFieldName('left');
      const right = child.childForFieldName('right');
      if (!left || !right) return unknown(node);
      fors.push({ target: convertTarget(left), iter: convertExpr(right), ifs: [] });
    } else if (child.type === 'if_clause') {
      const cond = child.firstNamedChild;
      const last = fors[fors.length - 1];
      if (cond && last) last.ifs.push(convertExpr(cond));
    }
  }
  const kind =
    node.type === 'list_comprehension'
      ? 'list'
      : node.type === 'set_comprehension'
        ? 'set'
        : node.type === 'dictionary_comprehension'
          ? 'dict'
          : 'gen';
  if (kind === 'dict' && body.type === 'pair') {
    const key = body.childForFieldName('key');
    const value = body.childForFieldName('value');
    if (!key || !value) return unknown(node);
    return { t: 'comp', kind, elt: convertExpr(key), value: convertExpr(value), fors, line: line(node) };
  }
  return { t: 'comp', kind, elt: convertExpr(body), value: null, fors, line: line(node) };
}

const simpleEscapes: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

function decodeEscape(text: string): string {
  const body = text.slice(1);
  const simple = simpleEscapes[body];
  if (simple !== undefined) return simple;
  if (/^x[0-9a-fA-F]{2}$/.test(body) || /^u[0-9a-fA-F]{4}$/.test(body) || /^U[0-9a-fA-F]{8}$/.test(body)) {
    return String.fromCodePoint(parseInt(body.slice(1), 16));
  }
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCharCode(parseInt(body, 8));
  return text;
}

function convertString(node: Node): Expr {
  const ln = line(node);
  if (node.type !== 'string') return unknown(node);
  const start = node.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '"';
  const prefix = start.replace(/["']/g, '').toLowerCase();
  const raw = prefix.includes('r');
  const formatted = prefix.includes('f');
  if (prefix.includes('b')) return unknown(node);
  const parts: (string | Expr)[] = [];
  let text = '';
  const unbrace = (piece: string): string => (formatted ? piece.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : piece);
  const appendContent = (content: Node): void => {
    if (raw || content.namedChildCount === 0) {
      text += unbrace(content.text);
      return;
    }
    // string_content holds escape sequences as children; decode them in place.
    const full = content.text;
    const base = content.startIndex;
    let cursor = base;
    for (const esc of content.namedChildren) {
      if (!esc) continue;
      text += unbrace(full.slice(cursor - base, esc.startIndex - base));
      // `{{`/`}}` arrive as escape_interpolation nodes; they stand for one brace.
      text += esc.type === 'escape_sequence' ? decodeEscape(esc.text) : esc.type === 'escape_interpolation' ? esc.text.slice(0, 1) : esc.text;
      cursor = esc.endIndex;
    }
    text += unbrace(full.slice(cursor - base));
  };
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_content') appendContent(child);
    else if (child.type === 'escape_sequence') text += raw ? child.text : decodeEscape(child.text);
    else if (child.type === 'interpolation') {
      const expression = child.childForFieldName('expression');
      const hasSpec = child.childForFieldName('format_specifier') || child.childForFieldName('type_conversion');
      if (text) parts.push(text);
      text = '';
      parts.push(expression && !hasSpec ? convertExpr(expression) : unknown(child));
    }
  }
  if (!formatted) return { t: 'str', v: text, line: ln };
  if (text) parts.push(text);
  return { t: 'fstr', parts, line: ln };
}
