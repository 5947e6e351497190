import { isAbsolute, join, normalize, sep } from 'node:path';

/** Minimal file access so the core never touches the disk directly in tests. Paths are absolute. */
export interface DbtFileSystem {
  /** The file's text (UTF-8), or null when it is missing or not a file. */
  readText(path: string): string | null;
  /** Recursive, absolute paths, files only; [] if dir missing. */
  listFiles(dir: string): string[];
}

export interface DbtDiagnostic {
  severity: 'error' | 'warning' | 'info';
  /** Absolute path; the project directory or manifest path when no single file is to blame. */
  file: string;
  /** 1-based, 0 if unknown. */
  line: number;
  message: string;
  /** Stable short identifier (`dbt-...`) so views can filter and tests can match. */
  code: string;
}

/**
 * An in-memory file system for tests and for editors' unsaved buffers. Keys are absolute paths;
 * they are normalised so `/p/models/../seeds/x.csv` and `/p/seeds/x.csv` are the same file.
 */
export function memoryDbtFileSystem(files: Record<string, string>): DbtFileSystem {
  const byPath = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) {
    if (!isAbsolute(path)) throw new Error(`memoryDbtFileSystem needs absolute paths, got '${path}'`);
    byPath.set(normalize(path), text);
  }
  return {
    readText(path: string): string | null {
      return byPath.get(normalize(path)) ?? null;
    },
    listFiles(dir: string): string[] {
      const prefix = normalize(dir).replace(/[\\/]+$/, '') + sep;
      return [...byPath.keys()].filter((path) => path.startsWith(prefix)).sort();
    },
  };
}
