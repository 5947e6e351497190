import type { Expr } from '../ir';

/** Prints an IR expression back as Python source (for verbatim fields such as automation conditions). */
export function unparse(expr: Expr): string {
  switch (expr.t) {
    case 'str':
      return JSON.stringify(expr.v);
    case 'num':
      return String(expr.v);
    case 'bool':
      return expr.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'fstr':
      return (
        'f"' +
        expr.parts.map((p) => (typeof p === 'string' ? p.replace(/[{}]/g, (c) => c + c) : `{${unparse(p)}}`)).join('') +
        '"'
      );
    case 'name':
      return expr.id;
    case 'attr':
      return `${unparse(expr.obj)}.${expr.name}`;
    case 'call': {
      const args = [
        ...expr.args.map(unparse),
        ...expr.kwargs.map((k) => (k.name === null ? `**${unparse(k.value)}` : `${k.name}=${unparse(k.value)}`)),
      ];
      return `${unparse(expr.fn)}(${args.join(', ')})`;
    }
    case 'list':
      return `[${expr.items.map(unparse).join(', ')}]`;
    case 'tuple':
      return expr.items.length === 1 ? `(${unparse(expr.items[0] as Expr)},)` : `(${expr.items.map(unparse).join(', ')})`;
    case 'set':
      return `{${expr.items.map(unparse).join(', ')}}`;
    case 'dict':
      return `{${expr.entries.map((e) => (e.key === null ? `**${unparse(e.value)}` : `${unparse(e.key)}: ${unparse(e.value)}`)).join(', ')}}`;
    case 'binop':
    case 'compare':
      return `${unparse(expr.left)} ${expr.op} ${unparse(expr.right)}`;
    case 'not':
      return `not ${unparse(expr.value)}`;
    case 'subscript':
      return `${unparse(expr.obj)}[${unparse(expr.index)}]`;
    case 'starred':
      return `*${unparse(expr.value)}`;
    case 'ternary':
      return `${unparse(expr.body)} if ${unparse(expr.test)} else ${unparse(expr.orelse)}`;
    case 'comp':
      return `[${unparse(expr.elt)} for …]`;
    case 'unknown':
      return expr.text;
  }
}
