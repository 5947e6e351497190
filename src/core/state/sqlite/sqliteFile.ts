import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { InstanceDatabase } from '../instanceState';

/**
 * SQLite files of a Dagster instance, read in place and read-only through SQLite compiled to
 * WebAssembly (`@journeyapps/wa-sqlite`, no native module) with a file system of our own that only
 * ever reads: pages are read on demand (a large `index.db` is never loaded whole), the `-wal` is
 * read when it exists and never created or deleted, nothing is locked, nothing is written. Dagster
 * may be writing at the same time, so a read is checked against the files' fingerprint and retried
 * when they changed under it.
 */

export class InstanceReadError extends Error {
  /** SQLite's result code, when SQLite gave one. */
  readonly code: number | null;
  constructor(message: string, code: number | null = null) {
    super(message);
    this.code = code;
  }
}

type SqliteApi = {
  open_v2(path: string, flags: number, vfs: string): Promise<number>;
  exec(db: number, sql: string, callback?: (row: unknown[], columns: string[]) => void): Promise<number>;
  close(db: number): Promise<number>;
  vfs_register(vfs: object, makeDefault: boolean): number;
};

let loaded: Promise<{ sqlite3: SqliteApi; readOnly: number }> | null = null;

/** Next to the bundle in `dist/` (esbuild copies it there); from the package when run from source. */
function wasmPath(): string {
  const bundled = join(__dirname, 'wa-sqlite.wasm');
  if (existsSync(bundled)) return bundled;
  return createRequire(__filename).resolve('@journeyapps/wa-sqlite/dist/wa-sqlite.wasm');
}

/** Loads the WebAssembly build once per process and registers the read-only file system. */
function loadSqlite(): Promise<{ sqlite3: SqliteApi; readOnly: number }> {
  loaded ??= (async () => {
    const [{ default: factory }, api, facade, vfsConstants] = await Promise.all([
      import('@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'),
      import('@journeyapps/wa-sqlite'),
      import('@journeyapps/wa-sqlite/src/FacadeVFS.js'),
      import('@journeyapps/wa-sqlite/src/VFS.js'),
    ]);
    const wasm = wasmPath();
    const module = (await factory({ wasmBinary: readFileSync(wasm), locateFile: () => wasm })) as { HEAPU8: Uint8Array };
    const sqlite3 = api.Factory(module) as unknown as SqliteApi;
    sqlite3.vfs_register(readOnlyVfs(facade.FacadeVFS, vfsConstants, module), false);
    return { sqlite3, readOnly: api.SQLITE_OPEN_READONLY as number };
  })();
  return loaded;
}

type Constants = typeof import('@journeyapps/wa-sqlite/src/VFS.js');
type FacadeClass = typeof import('@journeyapps/wa-sqlite/src/FacadeVFS.js').FacadeVFS;

const vfsName = 'asset-lineage-read-only';

/** The file system SQLite sees: reads only; writes, truncation and deletion are refused or ignored. */
function readOnlyVfs(Facade: FacadeClass, V: Constants, module: { HEAPU8: Uint8Array }): object {
  interface OpenFile {
    fd: number | null;
    path: string;
  }
  class ReadOnlyVfs extends Facade {
    private readonly files = new Map<number, OpenFile>();
    constructor() {
      super(vfsName, module);
      this.mxPathname = 4096;
    }
    override jOpen(filename: string | null, fileId: number, flags: number, outFlags: DataView): number {
      if (!filename) return V.SQLITE_CANTOPEN;
      let fd: number | null = null;
      try {
        fd = openSync(filename, 'r');
      } catch (error) {
        // A missing -wal is an empty one; it is never created.
        if (!((error as NodeJS.ErrnoException).code === 'ENOENT' && flags & V.SQLITE_OPEN_WAL)) return V.SQLITE_CANTOPEN;
      }
      this.files.set(fileId, { fd, path: filename });
      outFlags.setInt32(0, (flags & ~(V.SQLITE_OPEN_READWRITE | V.SQLITE_OPEN_CREATE)) | V.SQLITE_OPEN_READONLY, true);
      return V.SQLITE_OK;
    }
    override jClose(fileId: number): number {
      const file = this.files.get(fileId);
      if (file?.fd !== null && file?.fd !== undefined) closeSync(file.fd);
      this.files.delete(fileId);
      return V.SQLITE_OK;
    }
    // Reads straight into the WebAssembly memory (FacadeVFS's raw form of jRead).
    override xRead(fileId: number, pointer: number, amount: number, low: number, high: number): number {
      const file = this.files.get(fileId);
      const offset = high * 0x100000000 + (low >>> 0);
      const buffer = module.HEAPU8.subarray(pointer, pointer + amount);
      let read = 0;
      if (file?.fd !== null && file?.fd !== undefined) {
        try {
          read = readSync(file.fd, buffer, 0, amount, offset);
        } catch {
          return V.SQLITE_IOERR_READ;
        }
      }
      if (read < amount) {
        buffer.fill(0, read);
        return V.SQLITE_IOERR_SHORT_READ;
      }
      return V.SQLITE_OK;
    }
    override jWrite(): number {
      return V.SQLITE_READONLY;
    }
    override jTruncate(): number {
      return V.SQLITE_READONLY;
    }
    override jSync(): number {
      return V.SQLITE_OK;
    }
    override jFileSize(fileId: number, size: DataView): number {
      const file = this.files.get(fileId);
      let bytes = 0;
      if (file?.fd !== null && file?.fd !== undefined) {
        try {
          bytes = fstatSync(file.fd).size;
        } catch {
          return V.SQLITE_IOERR_FSTAT;
        }
      }
      size.setBigInt64(0, BigInt(bytes), true);
      return V.SQLITE_OK;
    }
    override jAccess(filename: string, flags: number, result: DataView): number {
      let ok = 0;
      if (flags !== V.SQLITE_ACCESS_READWRITE && existsSync(filename)) ok = 1;
      result.setInt32(0, ok, true);
      return V.SQLITE_OK;
    }
    // SQLite would remove the -wal on close; it belongs to Dagster.
    override jDelete(): number {
      return V.SQLITE_OK;
    }
    // Node cannot see Dagster's fcntl locks; a non-empty rollback journal means a writer is mid-transaction.
    override jLock(fileId: number, lockType: number): number {
      const file = this.files.get(fileId);
      if (lockType === V.SQLITE_LOCK_SHARED && file && !file.path.endsWith('-wal')) {
        try {
          if (statSync(`${file.path}-journal`).size > 0) return V.SQLITE_BUSY;
        } catch {
          // no journal
        }
      }
      return V.SQLITE_OK;
    }
    override jCheckReservedLock(_fileId: number, result: DataView): number {
      result.setInt32(0, 0, true);
      return V.SQLITE_OK;
    }
  }
  return new ReadOnlyVfs();
}

/** What identifies the committed contents: the file, and the -wal's identity and header. */
function fingerprint(path: string): string {
  const parts: string[] = [];
  try {
    const s = statSync(path, { bigint: true });
    parts.push(`${s.ino}:${s.size}:${s.mtimeNs}`);
  } catch {
    parts.push('missing');
  }
  try {
    const fd = openSync(`${path}-wal`, 'r');
    try {
      const header = Buffer.alloc(32);
      readSync(fd, header, 0, 32, 0);
      parts.push(`${fstatSync(fd, { bigint: true }).ino}:${header.toString('hex')}`);
    } finally {
      closeSync(fd);
    }
  } catch {
    parts.push('no-wal');
  }
  return parts.join('|');
}

const messages: Record<number, string> = {
  5: 'the database is locked (Dagster is writing to it)',
  11: 'the database file is malformed (truncated or corrupt)',
  14: 'the database file cannot be opened',
  26: 'the file is not a SQLite database',
};
const retryable = new Set([5, 11, 26, 522]);

function sqliteCode(error: unknown): number | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

/**
 * Runs `work` against a fresh read-only connection to `path`; retries (with a growing pause) when
 * Dagster changed the files during the read or held a lock, and fails with a clear message after
 * `attempts` tries.
 */
export async function readSqlite<T>(path: string, work: (db: InstanceDatabase) => Promise<T>, attempts = 5): Promise<T> {
  if (!existsSync(path)) throw new InstanceReadError(`${path} does not exist`, 14);
  const { sqlite3, readOnly } = await loadSqlite();
  let lastError: unknown = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    const before = fingerprint(path);
    let db: number | null = null;
    try {
      db = await sqlite3.open_v2(path, readOnly, vfsName);
      // WAL files are read without shared memory, so SQLite must think it holds the only connection.
      await sqlite3.exec(db, 'PRAGMA locking_mode=EXCLUSIVE; PRAGMA query_only=1');
      const connection = db;
      const all = async (sql: string): Promise<Record<string, unknown>[]> => {
        const rows: Record<string, unknown>[] = [];
        await sqlite3.exec(connection, sql, (row, columns) => {
          const record: Record<string, unknown> = {};
          columns.forEach((name, i) => (record[name] = row[i]));
          rows.push(record);
        });
        return rows;
      };
      const columnCache = new Map<string, string[] | null>();
      const database: InstanceDatabase = {
        all,
        async columns(table) {
          if (!columnCache.has(table)) {
            const rows = await all(`PRAGMA table_info(${JSON.stringify(table)})`);
            columnCache.set(table, rows.length ? rows.map((r) => String(r.name)) : null);
          }
          return columnCache.get(table) ?? null;
        },
      };
      const result = await work(database);
      if (fingerprint(path) === before) return result;
      lastError = new InstanceReadError(`${path} changed while it was read`);
    } catch (error) {
      lastError = error;
      const code = sqliteCode(error);
      if (code === null || !retryable.has(code)) break;
    } finally {
      if (db !== null) await sqlite3.close(db).catch(() => undefined);
    }
  }
  const code = sqliteCode(lastError);
  if (lastError instanceof InstanceReadError) throw lastError;
  const reason = code !== null ? (messages[code] ?? `SQLite error ${code}`) : lastError instanceof Error ? lastError.message : String(lastError);
  throw new InstanceReadError(`cannot read ${path}: ${reason}${lastError instanceof Error && code !== null ? ` (${lastError.message})` : ''}`, code);
}
