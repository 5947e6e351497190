import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { InstanceDatabase, RowReader } from '../instanceState';

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
  statements(db: number, sql: string): AsyncIterable<number>;
  close(db: number): Promise<number>;
  vfs_register(vfs: object, makeDefault: boolean): number;
};

/** The Emscripten module's raw exports used by the row loop (`each`): synchronous C calls. */
interface SqliteModule {
  HEAPU8: Uint8Array;
  _sqlite3_step(stmt: number): number;
  _sqlite3_column_count(stmt: number): number;
  _sqlite3_column_type(stmt: number, column: number): number;
  _sqlite3_column_int64(stmt: number, column: number): number;
  _sqlite3_column_double(stmt: number, column: number): number;
  _sqlite3_column_text(stmt: number, column: number): number;
  _sqlite3_column_blob(stmt: number, column: number): number;
  _sqlite3_column_bytes(stmt: number, column: number): number;
  getTempRet0(): number;
  ccall(name: string, returnType: string, argTypes: string[], args: unknown[]): unknown;
}

interface Loaded {
  sqlite3: SqliteApi;
  module: SqliteModule;
  readOnly: number;
}

let loaded: Promise<Loaded> | null = null;
let loadedModule: SqliteModule | null = null;

/** Bytes of WebAssembly memory SQLite has (it grows, never shrinks); 0 before the first read. */
export function sqliteHeapBytes(): number {
  return loadedModule?.HEAPU8.byteLength ?? 0;
}

/** Next to the bundle in `dist/` (esbuild copies it there); from the package when run from source. */
function wasmPath(): string {
  const bundled = join(__dirname, 'wa-sqlite.wasm');
  if (existsSync(bundled)) return bundled;
  return createRequire(__filename).resolve('@journeyapps/wa-sqlite/dist/wa-sqlite.wasm');
}

/** Loads the WebAssembly build once per process and registers the read-only file system. */
function loadSqlite(): Promise<Loaded> {
  loaded ??= (async () => {
    const [{ default: factory }, api, facade, vfsConstants] = await Promise.all([
      import('@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'),
      import('@journeyapps/wa-sqlite'),
      import('@journeyapps/wa-sqlite/src/FacadeVFS.js'),
      import('@journeyapps/wa-sqlite/src/VFS.js'),
    ]);
    const wasm = wasmPath();
    const module = (await factory({ wasmBinary: readFileSync(wasm), locateFile: () => wasm })) as SqliteModule;
    const sqlite3 = api.Factory(module) as unknown as SqliteApi;
    sqlite3.vfs_register(readOnlyVfs(facade.FacadeVFS, vfsConstants, module), false);
    loadedModule = module;
    return { sqlite3, module, readOnly: api.SQLITE_OPEN_READONLY as number };
  })();
  return loaded;
}

type Constants = typeof import('@journeyapps/wa-sqlite/src/VFS.js');
type FacadeClass = typeof import('@journeyapps/wa-sqlite/src/FacadeVFS.js').FacadeVFS;

const vfsName = 'asset-lineage-read-only';
const readAheadBlock = 1024 * 1024;
/** A forward jump of at most this many bytes still counts as reading on (ids in order skip some pages). */
const readAheadGap = 64 * 1024;

/** The file system SQLite sees: reads only; writes, truncation and deletion are refused or ignored. */
function readOnlyVfs(Facade: FacadeClass, V: Constants, module: { HEAPU8: Uint8Array }): object {
  interface OpenFile {
    fd: number | null;
    path: string;
    /** Read-ahead: bytes [blockStart, blockStart + blockLength) of the file, when a forward run of reads was seen. */
    block: Buffer | null;
    blockStart: number;
    blockLength: number;
    /** Where the previous read ended, to tell a forward run (a scan, ids in order) from random reads. */
    lastEnd: number;
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
      this.files.set(fileId, { fd, path: filename, block: null, blockStart: 0, blockLength: 0, lastEnd: -1 });
      outFlags.setInt32(0, (flags & ~(V.SQLITE_OPEN_READWRITE | V.SQLITE_OPEN_CREATE)) | V.SQLITE_OPEN_READONLY, true);
      return V.SQLITE_OK;
    }
    override jClose(fileId: number): number {
      const file = this.files.get(fileId);
      if (file?.fd !== null && file?.fd !== undefined) closeSync(file.fd);
      this.files.delete(fileId);
      return V.SQLITE_OK;
    }
    // Reads straight into the WebAssembly memory (FacadeVFS's raw form of jRead). A page read just
    // after (or a little past) the previous one reads a whole block ahead, so a scan or a run of ids
    // in order costs one system call per block instead of one per page; random reads stay page-sized.
    override xRead(fileId: number, pointer: number, amount: number, low: number, high: number): number {
      const file = this.files.get(fileId);
      const offset = high * 0x100000000 + (low >>> 0);
      const buffer = module.HEAPU8.subarray(pointer, pointer + amount);
      let read = 0;
      if (file?.fd !== null && file?.fd !== undefined) {
        try {
          const forward = file.lastEnd >= 0 && offset >= file.lastEnd && offset - file.lastEnd <= readAheadGap;
          file.lastEnd = offset + amount;
          if (file.block && offset >= file.blockStart && offset + amount <= file.blockStart + file.blockLength) {
            file.block.copy(buffer, 0, offset - file.blockStart, offset - file.blockStart + amount);
            read = amount;
          } else if (forward && amount < readAheadBlock) {
            file.block ??= Buffer.allocUnsafe(readAheadBlock);
            file.blockStart = offset;
            file.blockLength = readSync(file.fd, file.block, 0, readAheadBlock, offset);
            read = Math.min(amount, file.blockLength);
            file.block.copy(buffer, 0, 0, read);
          } else {
            read = readSync(file.fd, buffer, 0, amount, offset);
          }
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

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const utf8 = new TextDecoder();

/**
 * Steps through a query's rows with SQLite's C calls, synchronously (the file system above never
 * waits), handing `row` a reader of the current row's columns, decoded only when asked for. The
 * values are what `exec` gives (`sqlite3.column`): integers as numbers (bigint beyond 2^53), floats,
 * text (up to a NUL, as Emscripten's UTF8ToString reads it), null, and blobs copied out of the
 * WebAssembly memory. Statements are prepared and finalized by wa-sqlite's own iterator.
 */
async function eachRow(sqlite3: SqliteApi, module: SqliteModule, db: number, sql: string, row: (reader: RowReader) => void): Promise<void> {
  for await (const stmt of sqlite3.statements(db, sql)) {
    const reader: RowReader = { count: module._sqlite3_column_count(stmt), value: (i) => columnValue(module, stmt, i), utf8: (i) => columnBytes(module, stmt, i) };
    for (;;) {
      const rc = module._sqlite3_step(stmt);
      if (rc === SQLITE_DONE) break;
      if (rc !== SQLITE_ROW) {
        const error = new Error(String(module.ccall('sqlite3_errmsg', 'string', ['number'], [db]))) as Error & { code: number };
        error.code = rc;
        throw error;
      }
      row(reader);
    }
  }
}

/** Short ASCII text is built directly: TextDecoder's call costs more than the few bytes (and decodes them alike). */
function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/** A text column's bytes in the WebAssembly memory, all of them (valid until the next step). */
function columnBytes(module: SqliteModule, stmt: number, i: number): Uint8Array | null {
  if (module._sqlite3_column_type(stmt, i) !== 3) return null;
  const pointer = module._sqlite3_column_text(stmt, i);
  if (!pointer) return new Uint8Array(0);
  return module.HEAPU8.subarray(pointer, pointer + module._sqlite3_column_bytes(stmt, i));
}

function columnValue(module: SqliteModule, stmt: number, i: number): unknown {
  switch (module._sqlite3_column_type(stmt, i)) {
    case 1: {
      const low = module._sqlite3_column_int64(stmt, i);
      const high = module.getTempRet0();
      // wa-sqlite's cvt32x2AsSafe: a number while it is exact, else a bigint.
      if (high > 0x1fffff || high < -0x200000) return (BigInt(high) << 32n) | (BigInt(low) & 0xffffffffn);
      return high * 0x100000000 + (low & 0x7fffffff) - (low & 0x80000000);
    }
    case 2:
      return module._sqlite3_column_double(stmt, i);
    case 3: {
      const pointer = module._sqlite3_column_text(stmt, i);
      if (!pointer) return '';
      // Up to the first NUL, as UTF8ToString reads it: a NUL byte decodes to U+0000 and only from itself.
      const bytes = module.HEAPU8.subarray(pointer, pointer + module._sqlite3_column_bytes(stmt, i));
      const text = bytes.length <= 64 && isAscii(bytes) ? String.fromCharCode.apply(null, bytes as unknown as number[]) : utf8.decode(bytes);
      const nul = text.indexOf('\0');
      return nul < 0 ? text : text.slice(0, nul);
    }
    case 4: {
      const bytes = module._sqlite3_column_bytes(stmt, i);
      const pointer = module._sqlite3_column_blob(stmt, i);
      return module.HEAPU8.slice(pointer, pointer + bytes);
    }
    default:
      return null;
  }
}

/**
 * Runs `work` against a fresh read-only connection to `path`; retries (with a growing pause) when
 * Dagster changed the files during the read or held a lock, and fails with a clear message after
 * `attempts` tries.
 */
export async function readSqlite<T>(path: string, work: (db: InstanceDatabase) => Promise<T>, attempts = 5): Promise<T> {
  if (!existsSync(path)) throw new InstanceReadError(`${path} does not exist`, 14);
  const { sqlite3, module, readOnly } = await loadSqlite();
  let lastError: unknown = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    const before = fingerprint(path);
    let db: number | null = null;
    try {
      db = await sqlite3.open_v2(path, readOnly, vfsName);
      // WAL files are read without shared memory, so SQLite must think it holds the only connection.
      // Sorts and temporary tables stay in memory: the file system cannot create files.
      await sqlite3.exec(db, 'PRAGMA locking_mode=EXCLUSIVE; PRAGMA query_only=1; PRAGMA temp_store=MEMORY');
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
        each: (sql, row) => eachRow(sqlite3, module, connection, sql, row),
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
