import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { defaultExcludedDirectories, walkFiles } from './diskFiles';

/**
 * One listing of a scanned root, with file contents cached until they are reported changed.
 * Every reader in the scan (code locations, dbt, the interpreter) goes through it, so a scan reads
 * each file from disk once and an incremental update re-reads only what changed.
 */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export class WorkspaceFiles {
  private files: string[] = [];
  private fileSet = new Set<string>();
  private dirSet = new Set<string>();
  /** Folder → the Python files and sub-folders directly in it; built on first use after a listing. */
  private children: Map<string, { files: string[]; dirs: string[] }> | null = null;
  private readonly texts = new Map<string, string | null>();
  private readonly buffers = new Map<string, Buffer | null>();
  readonly root: string;
  /** True when the root is one Python file: it is then its own code location. */
  readonly isSingleFile: boolean;
  /** The scanned file, when the root is one file. */
  readonly entryFile: string | null;

  constructor(
    root: string,
    private readonly excludedNames: ReadonlySet<string> = defaultExcludedDirectories,
  ) {
    const absolute = resolve(root);
    let single = false;
    try {
      single = statSync(absolute).isFile();
    } catch {
      single = false;
    }
    this.isSingleFile = single;
    this.entryFile = single ? absolute : null;
    this.root = single ? dirname(absolute) : absolute;
    this.relist();
  }

  private setFiles(files: string[]): void {
    this.children = null;
    this.files = files.sort();
    this.fileSet = new Set(this.files);
    this.dirSet = new Set();
    for (const file of this.files) {
      for (let dir = dirname(file); dir.length >= this.root.length && !this.dirSet.has(dir); dir = dirname(dir)) {
        this.dirSet.add(dir);
        if (dir === this.root) break;
      }
    }
  }

  /** Lists the tree again (after files were created or deleted). */
  relist(): void {
    this.setFiles(
      walkFiles(this.root, (name, path) => {
        // Hidden folders hold tool state (.git, .tmp_dagster_home_*, .mypy_cache), never project code.
        if (this.excludedNames.has(name) || name.startsWith('.')) return true;
        // A single file sees what `dagster dev -f` puts on sys.path: its folder's modules and
        // regular packages, not every folder below it.
        return this.isSingleFile && !isFile(join(path, '__init__.py'));
      }),
    );
  }

  pythonFiles(): string[] {
    return this.files.filter((f) => f.endsWith('.py'));
  }

  hasFile(path: string): boolean {
    return this.fileSet.has(path);
  }

  hasDir(path: string): boolean {
    return this.dirSet.has(path);
  }

  /** Files below a folder (recursive), from the listing. */
  listFiles(dir: string): string[] {
    const prefix = resolve(dir) + sep;
    return this.files.filter((f) => f.startsWith(prefix));
  }

  /** Python files and folders directly inside a folder. */
  listDir(dir: string): { files: string[]; dirs: string[] } {
    if (!this.children) {
      const children = new Map<string, { files: string[]; dirs: string[] }>();
      const entry = (folder: string): { files: string[]; dirs: string[] } => {
        let found = children.get(folder);
        if (!found) children.set(folder, (found = { files: [], dirs: [] }));
        return found;
      };
      for (const file of this.files) {
        if (file.endsWith('.py')) entry(dirname(file)).files.push(file);
        // Register the folder chain up to the root, each folder once.
        for (let child = dirname(file); child.length > this.root.length; child = dirname(child)) {
          const parent = entry(dirname(child));
          if (children.has(child) && parent.dirs.includes(child)) break;
          entry(child);
          if (basename(child) !== '__pycache__' && !parent.dirs.includes(child)) parent.dirs.push(child);
        }
      }
      for (const value of children.values()) value.dirs.sort();
      this.children = children;
    }
    const found = this.children.get(resolve(dir));
    return found ? { files: [...found.files], dirs: [...found.dirs] } : { files: [], dirs: [] };
  }

  /** Whether a path lies inside the scanned root (nothing outside it is ever read). */
  contains(path: string): boolean {
    const absolute = resolve(path);
    return absolute === this.root || absolute.startsWith(this.root + sep);
  }

  readBuffer(path: string): Buffer | null {
    if (!this.contains(path)) return null;
    if (this.buffers.has(path)) return this.buffers.get(path) ?? null;
    let content: Buffer | null = null;
    try {
      content = readFileSync(path);
    } catch {
      content = null;
    }
    this.buffers.set(path, content);
    return content;
  }

  readText(path: string): string | null {
    if (this.texts.has(path)) return this.texts.get(path) ?? null;
    const buffer = this.readBuffer(path);
    const text = buffer ? buffer.toString('utf8') : null;
    this.texts.set(path, text);
    return text;
  }

  /** Forgets every cached content and lists the tree again (a full rescan). */
  reset(): void {
    this.texts.clear();
    this.buffers.clear();
    this.relist();
  }

  /** Forgets cached contents; new or deleted paths also refresh the listing (and return true). */
  invalidate(paths: string[]): boolean {
    let listingChanged = false;
    for (const path of paths) {
      this.texts.delete(path);
      this.buffers.delete(path);
      let exists = false;
      try {
        exists = statSync(path).isFile();
      } catch {
        exists = false;
      }
      if (exists !== this.fileSet.has(path)) listingChanged = true;
    }
    if (listingChanged) this.relist();
    return listingChanged;
  }

  relative(path: string): string {
    if (!path) return '';
    return relative(this.root, path).split(sep).join('/');
  }
}
