/**
 * Whether a changed file (or, with `isFolder`, folder) can matter to the scanner: not inside a
 * folder the scanner never enters (the exclude setting, hidden folders), so installing packages
 * into `.venv` or a `git` operation does not trigger scans. `relative` uses `/` or the platform
 * separator.
 */
export function isScannedPath(relative: string, excludedNames: ReadonlySet<string>, isFolder = false): boolean {
  if (relative === '' || relative.startsWith('..')) return false;
  const parts = relative.split(/[\\/]/);
  const folders = isFolder ? parts.length : parts.length - 1;
  for (let i = 0; i < folders; i++) {
    const folder = parts[i] as string;
    if (folder.startsWith('.') || excludedNames.has(folder)) return false;
  }
  return true;
}
