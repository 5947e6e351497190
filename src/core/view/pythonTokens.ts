/**
 * A small Python lexer for the editor features that read the document as it is in the editor
 * (unsaved, possibly half-typed): definition ranges, and asset keys under the cursor. The scanner's
 * tree-sitter parse is not used here because it runs on saved files in another bundle; these
 * features only need strings, brackets, comments and line structure right, which a lexer gives.
 */

export type PyTokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'comment';

export interface PyToken {
  kind: PyTokenKind;
  /** Offsets into the text, end exclusive. */
  start: number;
  end: number;
  /** Source text, except for strings (read `value`) and newlines. */
  text: string;
  /**
   * For strings: the decoded value of a plain literal (no f/b/t prefix, every escape understood,
   * terminated); null otherwise, since such a literal cannot be read as an asset key.
   */
  value: string | null;
  /** For strings: triple-quoted. */
  triple: boolean;
}

export interface LexedPython {
  text: string;
  tokens: PyToken[];
  /** Offset where each line starts; line n (1-based) starts at `lineStarts[n - 1]`. */
  lineStarts: number[];
}

const threeCharOps = new Set(['**=', '//=', '>>=', '<<=', '...']);
const twoCharOps = new Set(['==', '!=', '<=', '>=', ':=', '->', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=']);
const stringPrefix = /^(?:[rRuUbBfFtT]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF]|[tT][rR]|[rR][tT])$/;

function isIdentStart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return /[\p{L}\p{Nl}_]/u.test(ch);
}

function isIdentPart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 48 && c <= 57);
  return /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u.test(ch);
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
export function lineOf(lexed: Pick<LexedPython, 'lineStarts'>, offset: number): number {
  const starts = lexed.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Python's escape sequences; null when one cannot be decoded here (`\N{...}`), so the value is unknown. */
function decodeEscapes(body: string): string | null {
  if (body.indexOf('\\') === -1) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) return null;
    switch (next) {
      case '\n':
        break;
      case '\r':
        if (body[i + 1] === '\n') i++;
        break;
      case '\\':
      case "'":
      case '"':
        out += next;
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + width);
        if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return null;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) return null;
        out += String.fromCodePoint(code);
        i += width;
        break;
      }
      case 'N':
        return null;
      default:
        if (next >= '0' && next <= '7') {
          let digits = next;
          while (digits.length < 3 && (body[i + 1] ?? '') >= '0' && (body[i + 1] ?? '') <= '7') digits += body[++i];
          out += String.fromCharCode(parseInt(digits, 8));
        } else {
          // Python keeps an unknown escape as written (with a warning).
          out += '\\' + next;
        }
    }
  }
  return out;
}

/**
 * Tokens of a Python source. Never throws: an unterminated string ends at the end of its line
 * (or of the text, when triple-quoted), an unknown character becomes a one-character operator.
 * A backslash at the end of a line joins the lines (no newline token), as in Python.
 */
export function lexPython(text: string): LexedPython {
  const tokens: PyToken[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: PyTokenKind, start: number, end: number, value: string | null = null, triple = false): void => {
    tokens.push({ kind, start, end, text: kind === 'string' || kind === 'newline' ? '' : text.slice(start, end), value, triple });
  };

  const lexString = (start: number, prefixEnd: number): void => {
    const prefix = text.slice(start, prefixEnd).toLowerCase();
    const quote = text[prefixEnd] as string;
    const triple = text[prefixEnd + 1] === quote && text[prefixEnd + 2] === quote;
    const bodyStart = prefixEnd + (triple ? 3 : 1);
    let j = bodyStart;
    let terminated = false;
    let bodyEnd = n;
    while (j < n) {
      const ch = text[j];
      if (ch === '\\') {
        j += 2;
        continue;
      }
      if (!triple && ch === '\n') {
        bodyEnd = j;
        break;
      }
      if (ch === quote && (!triple || (text[j + 1] === quote && text[j + 2] === quote))) {
        bodyEnd = j;
        terminated = true;
        j += triple ? 3 : 1;
        break;
      }
      j++;
    }
    if (j > n) j = n;
    const end = terminated ? j : bodyEnd;
    const plain = terminated && !/[fbt]/.test(prefix);
    const body = text.slice(bodyStart, bodyEnd);
    const value = plain ? (prefix.includes('r') ? body : decodeEscapes(body)) : null;
    push('string', start, end, value, triple);
    i = end;
  };

  while (i < n) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\f' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '\n') {
      push('newline', i, i + 1);
      i++;
      continue;
    }
    if (ch === '#') {
      let j = text.indexOf('\n', i);
      if (j === -1) j = n;
      push('comment', i, j);
      i = j;
      continue;
    }
    if (ch === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (ch === '"' || ch === "'") {
      lexString(i, i);
      continue;
    }
    if (isIdentStart(ch)) {
      let j = i + 1;
      while (j < n && isIdentPart(text[j] as string)) j++;
      if (j - i <= 2 && (text[j] === '"' || text[j] === "'") && stringPrefix.test(text.slice(i, j))) {
        lexString(i, j);
        continue;
      }
      push('name', i, j);
      i = j;
      continue;
    }
    if ((ch >= '0' && ch <= '9') || (ch === '.' && (text[i + 1] ?? '') >= '0' && (text[i + 1] ?? '') <= '9')) {
      let j = i + 1;
      while (j < n) {
        const c = text[j] as string;
        if ((c === '+' || c === '-') && /[eE]/.test(text[j - 1] as string) && !/^0[xX]/.test(text.slice(i, j))) j++;
        else if (/[0-9a-zA-Z_.]/.test(c)) j++;
        else break;
      }
      push('number', i, j);
      i = j;
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    const width = threeCharOps.has(three) ? 3 : twoCharOps.has(two) ? 2 : 1;
    push('op', i, i + width);
    i += width;
  }
  return { text, tokens, lineStarts: lineStartsOf(text) };
}
