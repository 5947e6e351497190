import { lineOf, type LexedPython, type PyToken } from './pythonTokens';

/** Lines, 1-based and inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/** Where one or more assets are defined: a factory or a multi-asset defines several at one line. */
export interface DefinitionSite<T> {
  /** The line the graph gives (first decorator line, or the assignment / call). */
  line: number;
  range: LineRange;
  items: T[];
}

interface LogicalLine {
  /** Token indices, `last` inclusive; comments excluded from `last`. */
  first: number;
  last: number;
  startLine: number;
  endLine: number;
  /** Column of the first token. */
  indent: number;
  kind: 'code' | 'comment';
}

/**
 * The document's logical lines (a statement spanning brackets, strings or backslash continuations
 * is one line), so indentation is read only where Python reads it: a docstring's or a bracketed
 * argument's own indentation never ends a block.
 */
export class PythonStructure {
  private readonly lines: LogicalLine[] = [];
  /** For each physical line (index line-1): the logical line holding it, or -1 for blank lines. */
  private readonly owner: Int32Array;
  /** Bracket depth before each token. */
  private readonly depth: Int32Array;

  constructor(readonly lexed: LexedPython) {
    const { tokens } = lexed;
    this.owner = new Int32Array(lexed.lineStarts.length).fill(-1);
    this.depth = new Int32Array(tokens.length);
    let depth = 0;
    let first = -1;
    let lastCode = -1;
    let lastAny = -1;
    const close = (): void => {
      if (first === -1) return;
      const firstToken = tokens[first] as PyToken;
      const endToken = tokens[lastAny] as PyToken;
      const startLine = lineOf(lexed, firstToken.start);
      const endLine = lineOf(lexed, Math.max(endToken.start, endToken.end - 1));
      const index = this.lines.length;
      this.lines.push({
        first,
        last: lastCode === -1 ? lastAny : lastCode,
        startLine,
        endLine,
        indent: firstToken.start - (lexed.lineStarts[startLine - 1] as number),
        kind: lastCode === -1 ? 'comment' : 'code',
      });
      for (let l = startLine; l <= endLine; l++) this.owner[l - 1] = index;
      first = lastCode = lastAny = -1;
    };
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t] as PyToken;
      this.depth[t] = depth;
      if (token.kind === 'newline') {
        if (depth === 0) close();
        continue;
      }
      if (first === -1) first = t;
      lastAny = t;
      if (token.kind === 'comment') {
        // A comment alone on its line is its own (comment) line; after code it belongs to that code.
        if (lastCode === -1 && depth === 0) close();
        continue;
      }
      lastCode = t;
      if (token.kind === 'op') {
        const c = token.text;
        if (c === '(' || c === '[' || c === '{') depth++;
        else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      }
    }
    close();
  }

  get lineCount(): number {
    return this.lexed.lineStarts.length;
  }

  /**
   * The lines of the definition that starts at `line`: decorators and the whole decorated function
   * or class (its indented body), or the statement (an assignment, or a call inside a list such as
   * `Definitions(assets=[SourceAsset(...)])`) up to its end.
   */
  rangeAt(line: number): LineRange {
    const fallback = { start: line, end: line };
    const index = line >= 1 && line <= this.lineCount ? (this.owner[line - 1] as number) : -1;
    if (index === -1) return fallback;
    const logical = this.lines[index] as LogicalLine;
    if (logical.kind !== 'code') return fallback;
    if (logical.startLine !== line) return this.expressionRange(line, logical);
    const { tokens } = this.lexed;
    const head = tokens[logical.first] as PyToken;
    if (head.kind === 'op' && head.text === '@') {
      let i = index + 1;
      let lastDecorator = logical;
      for (; i < this.lines.length; i++) {
        const next = this.lines[i] as LogicalLine;
        if (next.kind === 'comment') continue;
        if (isOp(tokens[next.first], '@')) {
          lastDecorator = next;
          continue;
        }
        break;
      }
      const header = this.lines[i];
      if (header && header.kind === 'code' && isDefinitionHeader(tokens, header)) return { start: line, end: this.blockEnd(i) };
      return { start: line, end: lastDecorator.endLine };
    }
    if (isDefinitionHeader(tokens, logical)) return { start: line, end: this.blockEnd(index) };
    return { start: line, end: logical.endLine };
  }

  /** Last line of the block a `def`/`class` header opens. */
  private blockEnd(headerIndex: number): number {
    const header = this.lines[headerIndex] as LogicalLine;
    // `def f(): return 1`: the body is on the header line.
    if (!isOp(this.lexed.tokens[header.last], ':')) return header.endLine;
    let end = header.endLine;
    for (let i = headerIndex + 1; i < this.lines.length; i++) {
      const next = this.lines[i] as LogicalLine;
      // Comments do not end a block (Python ignores their indentation) and do not extend it.
      if (next.kind === 'comment') continue;
      if (next.indent <= header.indent) break;
      end = next.endLine;
    }
    return end;
  }

  /** A call or value starting inside a bracketed statement: up to its closing bracket or the next comma. */
  private expressionRange(line: number, logical: LogicalLine): LineRange {
    const { tokens } = this.lexed;
    const lineStart = this.lexed.lineStarts[line - 1] as number;
    let t = logical.first;
    while (t <= logical.last && ((tokens[t] as PyToken).start < lineStart || (tokens[t] as PyToken).kind !== 'name' && (tokens[t] as PyToken).kind !== 'string' && !isOp(tokens[t], '*'))) t++;
    if (t > logical.last) return { start: line, end: line };
    const base = this.depth[t] as number;
    let endToken = tokens[t] as PyToken;
    for (let k = t; k <= logical.last; k++) {
      const token = tokens[k] as PyToken;
      if (token.kind === 'newline' || token.kind === 'comment') continue;
      const depth = this.depth[k] as number;
      if (depth === base && token.kind === 'op' && (token.text === ',' || token.text === ')' || token.text === ']' || token.text === '}')) break;
      endToken = token;
    }
    return { start: line, end: lineOf(this.lexed, Math.max(endToken.start, endToken.end - 1)) };
  }
}

function isOp(token: PyToken | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'op' && token.text === text;
}

function isDefinitionHeader(tokens: PyToken[], logical: LogicalLine): boolean {
  const head = tokens[logical.first] as PyToken;
  if (head.kind !== 'name') return false;
  if (head.text === 'def' || head.text === 'class') return true;
  const next = tokens[logical.first + 1];
  return head.text === 'async' && next !== undefined && next.kind === 'name' && next.text === 'def';
}

/**
 * Groups items (assets of one file) by their definition line and measures each definition.
 * Without a structure the file is not Python (a dbt model): the definition runs to its end.
 */
export function definitionSites<T>(
  structure: PythonStructure | null,
  lineCount: number,
  items: readonly T[],
  lineOfItem: (item: T) => number,
): DefinitionSite<T>[] {
  const byLine = new Map<number, T[]>();
  for (const item of items) {
    const line = lineOfItem(item);
    const list = byLine.get(line);
    if (list) list.push(item);
    else byLine.set(line, [item]);
  }
  const sites: DefinitionSite<T>[] = [];
  for (const [line, list] of byLine) {
    const range = structure ? structure.rangeAt(line) : { start: Math.min(Math.max(line, 1), lineCount), end: lineCount };
    sites.push({ line, range, items: list });
  }
  return sites.sort((a, b) => a.line - b.line);
}

/** The innermost site whose definition holds the line (a factory may wrap a decorated function). */
export function siteAtLine<T>(sites: readonly DefinitionSite<T>[], line: number): DefinitionSite<T> | undefined {
  let best: DefinitionSite<T> | undefined;
  for (const site of sites) {
    if (line < site.range.start || line > site.range.end) continue;
    if (!best || site.range.end - site.range.start < best.range.end - best.range.start) best = site;
  }
  return best;
}
