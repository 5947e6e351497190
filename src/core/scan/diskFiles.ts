import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Folder names no scan enters: environments, caches and version control. */
export const defaultExcludedDirectories: ReadonlySet<string> = new Set([
  '.venv',
  'venv',
  'node_modules',
  '.git',
  '__pycache__',
  '.tox',
  'site-packages',
]);

/** What the readers of a workspace (code locations, dbt) need: text by path, files below a folder. */
export interface FileReader {
  /** Absolute path; null when missing or unreadable. */
  readText(path: string): string | null;
  /** Recursive, absolute, sorted; [] for a missing folder. */
  listFiles(dir: string): string[];
}

/**
 * Every file below `root`, sorted. `skipDir(name, path)` keeps a folder out. Links are followed
 * (dbt follows them too) when they stay inside the root; each real folder is walked once, so a
 * link cycle ends.
 * Errors (permissions, races, dangling links) read as "not there", never throw.
 */
export function walkFiles(root: string, skipDir: (name: string, path: string) => boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return out;
  }
  // A link may point anywhere; only links that stay inside the root are followed.
  const inside = (path: string): boolean => {
    try {
      const real = realpathSync(path);
      return real === realRoot || real.startsWith(realRoot + sep);
    } catch {
      return false;
    }
  };
  const walk = (folder: string): void => {
    let real: string;
    let entries;
    try {
      real = realpathSync(folder);
      if (seen.has(real)) return;
      seen.add(real);
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        if (!inside(path)) continue;
        try {
          const stat = statSync(path);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (!skipDir(entry.name, path)) walk(path);
      } else if (isFile) {
        out.push(path);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** The real disk, skipping `defaultExcludedDirectories` and whatever `skipDir` adds. */
export function diskFiles(skipDir: (name: string, path: string) => boolean = () => false): FileReader {
  return {
    readText(path: string): string | null {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    listFiles(dir: string): string[] {
      return walkFiles(dir, (name, path) => defaultExcludedDirectories.has(name) || skipDir(name, path));
    },
  };
}
