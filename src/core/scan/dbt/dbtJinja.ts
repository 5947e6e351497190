import { LineIndex } from './dbtText';

/**
 * Static reading of the Jinja in dbt files: `{{ ref(...) }}`, `{{ source(...) }}`,
 * `{{ config(...) }}` and `{% snapshot %}` blocks. The text is cut into `{{ }}` / `{% %}` / `{# #}`
 * blocks first (strings inside a block may contain `}}`), then each block is tokenised and calls
 * are read argument by argument. Only literal arguments are trusted; anything computed (a loop
 * variable, `var()`, string building) is reported, never guessed.
 */

export interface JinjaRef {
  name: string;
  package: string | null;
  version: string | number | null;
  line: number;
}

export interface JinjaSourceCall {
  sourceName: string;
  tableName: string;
  line: number;
}

export interface JinjaProblem {
  severity: 'warning' | 'info';
  line: number;
  code: string;
  message: string;
}

export interface JinjaCalls {
  refs: JinjaRef[];
  sources: JinjaSourceCall[];
  /** Literal keyword arguments of every config() call, in order. */
  configs: { values: Record<string, unknown>; line: number }[];
  problems: JinjaProblem[];
}

export interface JinjaBlock {
  kind: 'expr' | 'stmt' | 'comment';
  /** Offsets into the text: the whole block, and its inside without delimiters and `-`/`+`. */
  start: number;
  end: number;
  innerStart: number;
  innerEnd: number;
}

/** Cuts text into Jinja blocks. Unterminated blocks run to the end of the text. */
export function scanJinjaBlocks(text: string, from = 0, to = text.length): JinjaBlock[] {
  const blocks: JinjaBlock[] = [];
  let i = from;
  while (i < to) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= to) break;
    const next = text[open + 1];
    if (next !== '{' && next !== '%' && next !== '#') {
      i = open + 1;
      continue;
    }
    if (next === '#') {
      const close = text.indexOf('#}', open + 2);
      const end = close < 0 || close + 2 > to ? to : close + 2;
      blocks.push({ kind: 'comment', start: open, end, innerStart: open + 2, innerEnd: Math.max(open + 2, end - 2) });
      i = end;
      continue;
    }
    const closer = next === '{' ? '}}' : '%}';
    let innerStart = open + 2;
    if (text[innerStart] === '-' || text[innerStart] === '+') innerStart++;
    let j = innerStart;
    let innerEnd = to;
    let end = to;
    // Like Jinja's lexer, a closing `}}` only counts outside brackets: `{{ config(meta={'a': {'b': 1}}) }}`.
    let depth = 0;
    while (j < to) {
      const ch = text[j] as string;
      if (ch === "'" || ch === '"') {
        j = skipString(text, j, to);
        continue;
      }
      if (depth > 0 && (ch === ')' || ch === ']' || ch === '}')) {
        depth--;
        j++;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') {
        depth++;
        j++;
        continue;
      }
      if (text.startsWith(closer, j)) {
        innerEnd = j > innerStart && (text[j - 1] === '-' || text[j - 1] === '+') ? j - 1 : j;
        end = j + 2;
        break;
      }
      j++;
    }
    const kind = next === '{' ? 'expr' : 'stmt';
    blocks.push({ kind, start: open, end, innerStart, innerEnd });
    i = end;
    // {% raw %} ... {% endraw %}: nothing inside is Jinja.
    if (kind === 'stmt' && text.slice(innerStart, innerEnd).trim() === 'raw') {
      const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;
      endRaw.lastIndex = end;
      const found = endRaw.exec(text);
      i = found && found.index < to ? found.index : to;
    }
  }
  return blocks;
}

function skipString(text: string, start: number, to: number): number {
  const quote = text[start];
  let j = start + 1;
  while (j < to) {
    const ch = text[j];
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === quote) return j + 1;
    j++;
  }
  return to;
}

// --- tokens --------------------------------------------------------------------------------------

interface Token {
  type: 'name' | 'string' | 'number' | 'op';
  value: string;
  start: number;
  /** A string token that is not a plain literal (an f-string in Python). */
  dynamic?: boolean;
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function readString(text: string, start: number, to: number, triple: boolean): { value: string; end: number } {
  const quote = text[start] as string;
  const delimiter = triple ? quote.repeat(3) : quote;
  let j = start + delimiter.length;
  let value = '';
  while (j < to) {
    if (text.startsWith(delimiter, j)) return { value, end: j + delimiter.length };
    const ch = text[j] as string;
    if (ch === '\\' && j + 1 < to) {
      const esc = text[j + 1] as string;
      value += escapes[esc] ?? '\\' + esc;
      j += 2;
      continue;
    }
    value += ch;
    j++;
  }
  return { value, end: to };
}

/** Tokenises Jinja expression text (or a whole Python file with `python`). */
export function tokenize(text: string, from: number, to: number, python = false): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (python && ch === '#') {
      while (i < to && text[i] !== '\n') i++;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < to && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      const quote = text[j];
      if (python && (quote === '"' || quote === "'") && /^(r|u|b|f|rb|br|fr|rf)$/i.test(word)) {
        const triple = text.startsWith(quote.repeat(3), j);
        const { value, end } = readString(text, j, to, triple);
        tokens.push({ type: 'string', value, start: i, dynamic: /f/i.test(word) });
        i = end;
        continue;
      }
      tokens.push({ type: 'name', value: word, start: i });
      i = j;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^[0-9][0-9_]*(\.[0-9_]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, Math.min(to, i + 64)));
      const raw = match ? match[0] : ch;
      tokens.push({ type: 'number', value: raw.replace(/_/g, ''), start: i });
      i += raw.length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const triple = python && text.startsWith(ch.repeat(3), i);
      const { value, end } = readString(text, i, to, triple);
      tokens.push({ type: 'string', value, start: i });
      i = end;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '**', '//'].includes(two)) {
      tokens.push({ type: 'op', value: two, start: i });
      i += 2;
      continue;
    }
    tokens.push({ type: 'op', value: ch, start: i });
    i++;
  }
  return tokens;
}

// --- literal arguments ---------------------------------------------------------------------------

type Arg = { literal: true; value: unknown; start: number } | { literal: false; text: string; start: number };

const closers: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

class ArgReader {
  pos: number;

  constructor(
    private readonly tokens: Token[],
    start: number,
    private readonly text: string,
  ) {
    this.pos = start;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private isOp(token: Token | undefined, value: string): boolean {
    return token?.type === 'op' && token.value === value;
  }

  /** A literal value, or undefined (position unchanged) when the next tokens are not one. */
  private literal(): { value: unknown } | undefined {
    const save = this.pos;
    const token = this.peek();
    if (!token) return undefined;
    if (token.type === 'string' && !token.dynamic) {
      let value = token.value;
      this.pos++;
      // Adjacent string literals concatenate, as in Python and Jinja.
      while (this.peek()?.type === 'string' && !this.peek()?.dynamic) value += (this.tokens[this.pos++] as Token).value;
      return { value };
    }
    if (token.type === 'number') {
      this.pos++;
      return { value: Number(token.value) };
    }
    if (this.isOp(token, '-') && this.peek(1)?.type === 'number') {
      this.pos += 2;
      return { value: -Number((this.tokens[this.pos - 1] as Token).value) };
    }
    if (token.type === 'name') {
      const constants: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null };
      if (token.value in constants) {
        this.pos++;
        return { value: constants[token.value] };
      }
      return undefined;
    }
    if (this.isOp(token, '[') || this.isOp(token, '(')) {
      const close = closers[token.value] as string;
      this.pos++;
      const items: unknown[] = [];
      while (!this.isOp(this.peek(), close)) {
        const item = this.literal();
        if (!item) {
          this.pos = save;
          return undefined;
        }
        items.push(item.value);
        if (this.isOp(this.peek(), ',')) this.pos++;
        else if (!this.isOp(this.peek(), close)) {
          this.pos = save;
          return undefined;
        }
      }
      this.pos++;
      return { value: items };
    }
    if (this.isOp(token, '{')) {
      this.pos++;
      const dict: Record<string, unknown> = {};
      while (!this.isOp(this.peek(), '}')) {
        const key = this.literal();
        if (!key || !this.isOp(this.peek(), ':')) {
          this.pos = save;
          return undefined;
        }
        this.pos++;
        const value = this.literal();
        if (!value) {
          this.pos = save;
          return undefined;
        }
        dict[String(key.value)] = value.value;
        if (this.isOp(this.peek(), ',')) this.pos++;
        else if (!this.isOp(this.peek(), '}')) {
          this.pos = save;
          return undefined;
        }
      }
      this.pos++;
      return { value: dict };
    }
    return undefined;
  }

  /** Skips one argument expression up to the next top-level `,` or `)`. */
  private skipExpression(): void {
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const token = this.tokens[this.pos] as Token;
      if (token.type === 'op') {
        if (token.value in closers) depth++;
        else if (token.value === ')' || token.value === ']' || token.value === '}') {
          if (depth === 0) return;
          depth--;
        } else if (token.value === ',' && depth === 0) return;
      }
      this.pos++;
    }
  }

  private argument(): Arg {
    const start = this.pos;
    const startToken = this.peek() as Token;
    const value = this.literal();
    if (value && (this.isOp(this.peek(), ',') || this.isOp(this.peek(), ')'))) {
      return { literal: true, value: value.value, start: startToken.start };
    }
    this.pos = start;
    this.skipExpression();
    const last = this.tokens[this.pos - 1] as Token | undefined;
    const end = last ? last.start + Math.max(1, last.value.length) : startToken.start;
    return { literal: false, text: this.text.slice(startToken.start, end).trim(), start: startToken.start };
  }

  /** Reads `( ... )` starting at the `(`; returns null when the call is not closed. */
  call(): { positional: Arg[]; keywords: Map<string, Arg>; spread: boolean } | null {
    this.pos++; // the '('
    const positional: Arg[] = [];
    const keywords = new Map<string, Arg>();
    let spread = false;
    while (this.pos < this.tokens.length) {
      if (this.isOp(this.peek(), ')')) {
        this.pos++;
        return { positional, keywords, spread };
      }
      if (this.isOp(this.peek(), '**') || this.isOp(this.peek(), '*')) {
        spread = true;
        this.pos++;
        this.skipExpression();
      } else if (this.peek()?.type === 'name' && this.isOp(this.peek(1), '=')) {
        const name = (this.peek() as Token).value;
        this.pos += 2;
        keywords.set(name, this.argument());
      } else {
        positional.push(this.argument());
      }
      if (this.isOp(this.peek(), ',')) this.pos++;
      else if (!this.isOp(this.peek(), ')')) return null;
    }
    return null;
  }
}

// --- calls ---------------------------------------------------------------------------------------

interface Frame {
  keyword: string;
  condition: string;
  inElse: boolean;
}

const openers: Record<string, string> = { if: 'endif', for: 'endfor', macro: 'endmacro', call: 'endcall', filter: 'endfilter' };

/** Whether dbt renders this spot while parsing: `{% if execute %}` bodies are skipped then. */
function renderedAtParseTime(stack: Frame[]): boolean {
  for (const frame of stack) {
    if (frame.keyword !== 'if') continue;
    const condition = frame.condition.replace(/\s+/g, ' ').trim();
    if (condition === 'execute' && !frame.inElse) return false;
    if (condition === 'not execute' && frame.inElse) return false;
  }
  return true;
}

function describeStack(stack: Frame[]): string {
  const loop = stack.find((frame) => frame.keyword === 'for');
  return loop ? ` inside {% for ${loop.condition} %}` : '';
}

function handleCalls(
  tokens: Token[],
  text: string,
  lines: LineIndex,
  stack: Frame[],
  python: boolean,
  out: JinjaCalls,
): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type !== 'name' || !['ref', 'source', 'config'].includes(token.value)) continue;
    const open = tokens[i + 1];
    if (open?.type !== 'op' || open.value !== '(') continue;
    const before = tokens[i - 1];
    const owner = tokens[i - 2];
    if (python) {
      if (before?.value !== '.' || owner?.value !== 'dbt') continue;
    } else if (before?.type === 'op' && before.value === '.') {
      // builtins.ref(...) is how projects call the real ref from an override; other owners are not dbt's.
      if (owner?.value !== 'builtins' && owner?.value !== 'dbt') continue;
    } else if (before?.type === 'name' && before.value === 'macro') {
      continue; // {% macro ref(...) %} defines, it does not call
    }
    const line = lines.line(token.start);
    const reader = new ArgReader(tokens, i + 1, text);
    const args = reader.call();
    if (!args) continue;
    if (!renderedAtParseTime(stack)) {
      if (token.value !== 'config') {
        out.problems.push({
          severity: 'info',
          line,
          code: 'dbt-ref-in-execute-block',
          message: `${token.value}() inside {% if execute %} is not recorded by dbt while parsing, so it is no dependency.`,
        });
      }
      continue;
    }
    const dynamic = (what: string, arg: Arg): void => {
      out.problems.push({
        severity: 'warning',
        line,
        code: 'dbt-dynamic-jinja',
        message:
          `${what} is computed (${arg.literal ? 'value' : arg.text})${describeStack(stack)}; ` +
          'it cannot be read without running dbt, so it was left out. Run `dbt parse` to get a manifest.',
      });
    };
    if (token.value === 'config') {
      const values: Record<string, unknown> = {};
      for (const [name, arg] of args.keywords) {
        if (arg.literal) values[name] = arg.value;
        else dynamic(`config(${name}=...)`, arg);
      }
      if (args.spread) {
        out.problems.push({
          severity: 'warning',
          line,
          code: 'dbt-dynamic-jinja',
          message: 'config(**...) spreads computed arguments; only the literal keyword arguments were read.',
        });
      }
      out.configs.push({ values, line });
      continue;
    }
    const all = [...args.positional, ...[...args.keywords.values()]];
    const nonLiteral = all.find((arg) => !arg.literal);
    if (nonLiteral || args.spread) {
      dynamic(`A ${token.value}() argument`, nonLiteral ?? { literal: false, text: '*args', start: token.start });
      continue;
    }
    const strings = args.positional.map((arg) => (arg.literal ? arg.value : undefined));
    if (token.value === 'ref') {
      const versionArg = args.keywords.get('version') ?? args.keywords.get('v');
      const version = versionArg?.literal ? (versionArg.value as string | number | null) : null;
      const packageArg = args.keywords.get('package');
      if (strings.length === 1 && typeof strings[0] === 'string') {
        const pkg = packageArg?.literal && typeof packageArg.value === 'string' ? packageArg.value : null;
        out.refs.push({ name: strings[0], package: pkg, version, line });
      } else if (strings.length === 2 && typeof strings[0] === 'string' && typeof strings[1] === 'string') {
        out.refs.push({ name: strings[1], package: strings[0], version, line });
      } else {
        out.problems.push({ severity: 'warning', line, code: 'dbt-bad-ref', message: 'ref() takes a model name, optionally after a package name.' });
      }
    } else if (strings.length === 2 && typeof strings[0] === 'string' && typeof strings[1] === 'string') {
      out.sources.push({ sourceName: strings[0], tableName: strings[1], line });
    } else {
      out.problems.push({ severity: 'warning', line, code: 'dbt-bad-source', message: "source() takes a source name and a table name." });
    }
  }
}

function updateStack(inner: string, stack: Frame[]): void {
  const match = /^\s*([A-Za-z_]+)\b([\s\S]*)$/.exec(inner);
  if (!match) return;
  const keyword = match[1] as string;
  const rest = (match[2] ?? '').trim();
  if (keyword in openers) {
    stack.push({ keyword, condition: rest, inElse: false });
    return;
  }
  if (keyword === 'set' && !rest.includes('=')) {
    stack.push({ keyword: 'set', condition: rest, inElse: false });
    return;
  }
  if (keyword === 'else' || keyword === 'elif') {
    const top = stack[stack.length - 1];
    if (top) top.inElse = true;
    return;
  }
  if (keyword.startsWith('end')) {
    const opener = keyword.slice(3);
    for (let k = stack.length - 1; k >= 0; k--) {
      if ((stack[k] as Frame).keyword === opener) {
        stack.splice(k);
        break;
      }
    }
  }
}

/** The ref/source/config calls of a SQL file (or of the range [from, to) of it). */
export function readJinjaCalls(text: string, from = 0, to = text.length): JinjaCalls {
  const out: JinjaCalls = { refs: [], sources: [], configs: [], problems: [] };
  const lines = new LineIndex(text);
  const stack: Frame[] = [];
  for (const block of scanJinjaBlocks(text, from, to)) {
    if (block.kind === 'comment') continue;
    const tokens = tokenize(text, block.innerStart, block.innerEnd);
    handleCalls(tokens, text, lines, stack, false, out);
    if (block.kind === 'stmt') updateStack(text.slice(block.innerStart, block.innerEnd), stack);
  }
  return out;
}

/** The dbt.ref / dbt.source / dbt.config calls of a Python model. */
export function readPythonModelCalls(text: string): JinjaCalls {
  const out: JinjaCalls = { refs: [], sources: [], configs: [], problems: [] };
  handleCalls(tokenize(text, 0, text.length, true), text, new LineIndex(text), [], true, out);
  return out;
}

export interface SnapshotBlock {
  name: string;
  line: number;
  /** Offsets of the text between `{% snapshot x %}` and `{% endsnapshot %}`: dbt's raw_code. */
  contentStart: number;
  contentEnd: number;
}

/** `{% snapshot name %} ... {% endsnapshot %}` blocks of a snapshot file. */
export function findSnapshotBlocks(text: string): SnapshotBlock[] {
  const lines = new LineIndex(text);
  const found: SnapshotBlock[] = [];
  let open: { name: string; line: number; contentStart: number } | null = null;
  for (const block of scanJinjaBlocks(text)) {
    if (block.kind !== 'stmt') continue;
    const inner = text.slice(block.innerStart, block.innerEnd).trim();
    const start = /^snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(inner);
    if (start && !open) {
      open = { name: start[1] as string, line: lines.line(block.start), contentStart: block.end };
    } else if (inner === 'endsnapshot' && open) {
      found.push({ ...open, contentEnd: block.start });
      open = null;
    }
  }
  return found;
}

/**
 * Renders the few Jinja forms that appear in YAML config values: `{{ var('x', 'd') }}` and
 * `{{ env_var('X', 'd') }}` give the project var or the default. Null when it cannot be known.
 */
export function renderSimpleJinja(value: string, vars: Record<string, unknown>): { value: unknown; known: boolean } {
  if (!value.includes('{{') && !value.includes('{%')) return { value, known: true };
  const match = /^\s*\{\{-?\s*(var|env_var)\s*\(([\s\S]*)\)\s*-?\}\}\s*$/.exec(value);
  if (!match) return { value, known: false };
  const tokens = tokenize(`(${match[2]})`, 0, (match[2] as string).length + 2);
  const args = new ArgReader(tokens, 0, `(${match[2]})`).call();
  if (!args || args.positional.some((arg) => !arg.literal)) return { value, known: false };
  const [name, fallback] = args.positional.map((arg) => (arg.literal ? arg.value : undefined));
  if (match[1] === 'var' && typeof name === 'string' && name in vars) return { value: vars[name], known: true };
  if (args.positional.length >= 2) return { value: fallback, known: true };
  return { value, known: false };
}
