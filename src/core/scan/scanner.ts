import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AssetGraph } from '../model/graph';
import { applyBodyEdit, bodyOnlyEdit, type BodyEdit } from './bodyEdit';
import { GraphBuilder } from './buildGraph';
import { hashText } from './extract';
import { ImportIndex } from './importClosure';
import { defaultExcludedDirectories } from './diskFiles';
import type { ModuleIR } from './ir';
import { ParsePool, defaultWorkerCount } from './parsePool';
import { mightDefineAssets } from './prefilter';
import { loadPythonParser } from './pythonParser';
import { WorkspaceFiles } from './workspaceFiles';

export interface ScanOptions {
  /** Worker threads for parsing; 0 parses on the calling thread. Defaults to the core count (at most 4). */
  workers?: number;
  /** Folder names never entered (in addition to hidden folders). */
  excludedNames?: ReadonlySet<string>;
}

class PhaseTimer {
  private readonly laps: Record<string, number> = {};
  private last = performance.now();

  lap(name: string): void {
    const now = performance.now();
    this.laps[name] = (this.laps[name] ?? 0) + (now - this.last);
    this.last = now;
  }

  done(): Record<string, number> {
    return this.laps;
  }
}

/** Rounds of "evaluate, parse what was missing, evaluate again" before giving up on a pathological import chain. */
const maxRounds = 8;

/**
 * A scan of one root that stays alive for incremental updates: parsed modules are cached by
 * content hash, so an edit re-parses one file and re-evaluates from cached IR.
 */
export class ScanSession {
  readonly files: WorkspaceFiles;
  private readonly irCache = new Map<string, { hash: string; ir: ModuleIR }>();
  private readonly pool: ParsePool;
  private candidates: string[] = [];
  private scanned = false;
  private lastGraph: AssetGraph | null = null;
  /** Milliseconds per phase of the last scan or update, for logs and benchmarks. */
  lastTimings: Record<string, number> = {};

  private readonly builder: GraphBuilder;

  constructor(root: string, options: ScanOptions = {}) {
    this.files = new WorkspaceFiles(root, options.excludedNames ?? defaultExcludedDirectories);
    this.pool = new ParsePool(options.workers ?? defaultWorkerCount());
    this.builder = new GraphBuilder(this.files, (file) => this.irCache.get(file)?.ir ?? null);
  }

  /** Parses what is not cached at its current content; returns nothing, fills the cache. */
  private async ensureParsed(paths: Iterable<string>): Promise<void> {
    const toParse: { path: string; text: string }[] = [];
    const hashes = new Map<string, string>();
    for (const path of paths) {
      const buffer = this.files.readBuffer(path);
      if (!buffer) {
        this.irCache.delete(path);
        continue;
      }
      const hash = hashText(buffer);
      if (this.irCache.get(path)?.hash === hash) continue;
      hashes.set(path, hash);
      toParse.push({ path, text: buffer.toString('utf8') });
    }
    const parsed = await this.pool.parse(toParse);
    for (const [path, ir] of parsed) this.irCache.set(path, { hash: hashes.get(path) as string, ir });
  }

  /**
   * Candidates after an update. Only the changed files can gain or lose candidacy, so the prefilter
   * runs over them alone; the full list is rebuilt (in listing order) only when one of them flips
   * or files appeared or disappeared.
   */
  private refreshCandidates(changed: string[], listingChanged: boolean): Set<string> {
    let set = new Set(this.candidates);
    const flipped = changed.some((path) => {
      const buffer = path.endsWith('.py') ? this.files.readBuffer(path) : null;
      const isCandidate = this.files.entryFile ? path === this.files.entryFile : buffer !== null && mightDefineAssets(buffer);
      return isCandidate !== set.has(path);
    });
    if (listingChanged || flipped) {
      this.candidates = this.selectCandidates();
      set = new Set(this.candidates);
    }
    return set;
  }

  private selectCandidates(): string[] {
    // A single scanned file is the only entry; the modules it imports are parsed on demand.
    if (this.files.entryFile) return [this.files.entryFile];
    return this.files.pythonFiles().filter((file) => {
      const buffer = this.files.readBuffer(file);
      return buffer !== null && mightDefineAssets(buffer);
    });
  }

  /**
   * What to parse up front: the candidates and every module of the package trees that hold them.
   * Evaluation will import most of those (constants, `__init__` re-exports, modules a package
   * loader walks), and parsing them in the same parallel batch is far cheaper than a second round.
   */
  private eagerFiles(candidates: string[]): string[] {
    const tops = new Set<string>();
    for (const file of candidates) {
      let top: string | null = null;
      for (let dir = dirname(file); dir.length >= this.files.root.length && this.files.hasFile(join(dir, '__init__.py')); dir = dirname(dir)) {
        top = dir;
      }
      if (top) tops.add(top);
    }
    const eager = new Set(candidates);
    for (const top of tops) for (const file of this.files.listFiles(top)) if (file.endsWith('.py')) eager.add(file);
    return [...eager];
  }

  private async evaluate(timer: PhaseTimer, changed: ReadonlySet<string>): Promise<AssetGraph> {
    for (let round = 0; ; round++) {
      const { graph, missing } = this.builder.build(changed, this.candidates, (phase) => timer.lap(phase));
      timer.lap(`evaluate: sort${round ? ` (round ${round + 1})` : ''}`);
      const parseable = [...missing].filter((f) => this.files.readBuffer(f) !== null && !this.irCache.has(f));
      if (parseable.length === 0 || round >= maxRounds) return graph;
      await this.ensureParsed(parseable);
      changed = new Set(parseable);
      timer.lap(`parse (round ${round + 2})`);
    }
  }

  /** A full scan: lists the tree, parses every file that may define assets, builds the graph. */
  async scan(): Promise<AssetGraph> {
    const timer = new PhaseTimer();
    if (this.scanned) this.files.reset();
    this.scanned = true;
    this.builder.reset();
    this.candidates = this.selectCandidates();
    timer.lap('list');
    await this.ensureParsed(this.eagerFiles(this.candidates));
    timer.lap('parse');
    await new ImportIndex(this.files).closure(this.candidates, (f) => this.irCache.get(f)?.ir ?? null, (f) => this.ensureParsed(f));
    timer.lap('closure');
    const graph = await this.evaluate(timer, new Set());
    this.lastGraph = graph;
    this.lastTimings = timer.done();
    // Edits are parsed on this thread; load its parser now rather than on the first keystroke.
    void loadPythonParser();
    return graph;
  }

  /**
   * Files changed, created or deleted (absolute paths). Only those are re-read and re-parsed; the
   * graph is then rebuilt from cached IR.
   */
  async update(paths: string[]): Promise<AssetGraph> {
    const timer = new PhaseTimer();
    const absolute = paths.map((p) => resolve(p));
    const before = new Map(absolute.map((p) => [p, this.irCache.get(p)?.ir]));
    const hashes = new Map(absolute.map((p) => [p, this.irCache.get(p)?.hash]));
    // A created or deleted file can change what every import resolves to: evaluate everything again.
    const listingChanged = this.files.invalidate(absolute);
    if (listingChanged) this.builder.reset();
    for (const path of absolute) {
      if (!this.files.hasFile(path)) this.irCache.delete(path);
    }
    const candidates = this.refreshCandidates(absolute, listingChanged);
    await this.ensureParsed(absolute.filter((p) => p.endsWith('.py') && this.files.hasFile(p) && (this.irCache.has(p) || candidates.has(p))));
    timer.lap('parse');
    // Saved without changes (or touched by a tool): nothing to do.
    const unchanged = !listingChanged && this.lastGraph !== null && absolute.every((p) => p.endsWith('.py') && hashes.get(p) !== undefined && this.irCache.get(p)?.hash === hashes.get(p));
    const patched = unchanged ? this.lastGraph : listingChanged ? null : this.patchBodyEdits(absolute, before);
    const graph = patched ?? (await this.evaluate(timer, new Set(absolute)));
    if (patched) timer.lap('patch');
    this.lastGraph = graph;
    this.lastTimings = timer.done();
    return graph;
  }

  /**
   * Edits that only changed compute bodies or moved code change no key, edge or attribute: the last
   * graph is patched (lines, source hashes) instead of evaluated. The modules are still marked
   * stale, so the next real evaluation reads them again.
   */
  private patchBodyEdits(paths: string[], before: Map<string, ModuleIR | undefined>): AssetGraph | null {
    if (!this.lastGraph) return null;
    const edits: [string, BodyEdit][] = [];
    for (const path of paths) {
      // A diagnostic elsewhere may quote a line of this file ("also at file:line"): evaluate instead.
      const quoted = `${this.files.relative(path)}:`;
      if (this.lastGraph.diagnostics.some((d) => d.message.includes(quoted))) return null;
      const old = before.get(path);
      const now = this.irCache.get(path)?.ir;
      if (!path.endsWith('.py') || !old || !now) return null;
      const edit = bodyOnlyEdit(old, now);
      if (!edit) return null;
      edits.push([path, edit]);
    }
    this.builder.markStale(new Set(paths));
    return edits.reduce((graph, [path, edit]) => applyBodyEdit(graph, this.files.relative(path), edit), this.lastGraph);
  }

  async dispose(): Promise<void> {
    await this.pool.dispose();
  }
}

/** Scans each path (folder or single file) and concatenates the graphs; files stay relative to their own root. */
export async function scanPaths(paths: string[], options: ScanOptions = {}): Promise<AssetGraph> {
  const graphs: AssetGraph[] = [];
  for (const path of paths) {
    const session = new ScanSession(path, options);
    try {
      graphs.push(await session.scan());
    } finally {
      await session.dispose();
    }
  }
  if (graphs.length === 1) return graphs[0] as AssetGraph;
  return {
    version: 1,
    assets: graphs.flatMap((g) => g.assets),
    diagnostics: graphs.flatMap((g) => g.diagnostics),
    codeLocations: graphs.flatMap((g) => g.codeLocations),
  };
}
