import { randomBytes } from 'node:crypto';

/** What the lineage page needs from the host: webview URIs of its two files and the CSP source. */
export interface GraphHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh value per render (see `newNonce`). */
  nonce: string;
  /** `asWebviewUri` of `dist/webview.js`. */
  scriptUri: string;
  /** `asWebviewUri` of `media/graph.css`. */
  styleUri: string;
}

/** 128 random bits, base64: a nonce nobody can predict, new on every render. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy of the page. Scripts run only with the nonce; styles, images and
 * fonts come from the extension's own files; the layout worker starts from a blob URL. There is
 * no 'unsafe-inline' anywhere: the webview styles SVG through classes and the CSSOM.
 */
export function graphCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none';`,
    `script-src 'nonce-${nonce}';`,
    `style-src ${cspSource};`,
    `img-src ${cspSource} data: blob:;`,
    `font-src ${cspSource};`,
    `worker-src blob:;`,
  ].join(' ');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The page: no data in it (the graph arrives by message after `ready`), so it is the same every time but for the nonce. */
export function graphHtml(input: GraphHtmlInput): string {
  const nonce = escapeAttribute(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(graphCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(input.styleUri)}">
<title>Asset Lineage</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>
`;
}
