/** Turns what the webview sends for "Export Graph…" into file bytes, checking it is what it claims to be. */

export type ExportFormat = 'svg' | 'png';

export type DecodedExport = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

const pngPrefix = 'data:image/png;base64,';
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function decodeExport(format: ExportFormat, data: string): DecodedExport {
  if (format === 'svg') {
    if (!/^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(data)) return { ok: false, reason: 'the webview did not send an SVG document' };
    return { ok: true, bytes: new Uint8Array(Buffer.from(data, 'utf8')) };
  }
  if (!data.startsWith(pngPrefix)) return { ok: false, reason: 'the webview did not send a PNG data URL' };
  const base64 = data.slice(pngPrefix.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { ok: false, reason: 'the PNG data URL is not valid base64' };
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  if (bytes.length < pngSignature.length || pngSignature.some((b, i) => bytes[i] !== b)) return { ok: false, reason: 'the data is not a PNG image' };
  return { ok: true, bytes };
}

/** `harbor-lineage.svg`: the workspace name, kept to characters every file system accepts. */
export function exportFileName(workspaceName: string, format: ExportFormat): string {
  const base = workspaceName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'asset';
  return `${base}-lineage.${format}`;
}
