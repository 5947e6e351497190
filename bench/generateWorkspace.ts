/**
 * Generates a deterministic synthetic Dagster workspace for the scan benchmark: one code location
 * (`pyproject.toml` `[tool.dagster] module_name = "bigproj.definitions"`), 20 domain sub-packages of
 * asset modules, shared `constants.py` / `partitions.py` / `externals.py`, and ~10% of files that
 * are plain helpers (no Dagster API, none of the prefilter's marker words).
 *
 * Everything is drawn from a seeded PRNG, so the same seed writes byte-identical files. The
 * generator also counts the assets it wrote (`expectedAssets`), so the benchmark can check what the
 * scanner found against what Dagster would load.
 *
 * Loading shape (chosen so that every key is unique and every dependency resolves, as in a healthy
 * project; nothing here relies on same-group re-resolution or stubs):
 * - packages 0..9 ("modules" packages): `load_assets_from_modules(<pkg>.MODULES, ...)` without a key
 *   prefix; the package `__init__` imports its modules and lists them in `MODULES`. Half of them get a
 *   loader `group_name`, the other half set `group_name` on the decorators.
 * - packages 10..19 ("package" packages): `load_assets_from_package_module(<pkg>, key_prefix=<pkg>,
 *   group_name=<pkg>)`, so every key there gets the package prefix and in-package edges follow it.
 * - dependencies only point "backwards" (earlier asset in the module, earlier module in the package,
 *   earlier package), so the graph is a DAG. Function references (`deps=[fn]`, imported with
 *   `from bigproj.<pkg>.<mod> import fn`) stay inside one loader set; cross-package edges use the
 *   final key (`AssetKey([...])`, `AssetIn(key=...)`, `AssetDep(...)`) or a module attribute
 *   (`import bigproj.<pkg>.<mod> as up` ... `deps=[up.fn]`) into an un-prefixed package.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// ------------------------------------------------------------------------------------ PRNG

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as never,
    chance: (p) => next() < p,
    sample: (items, n) => {
      const copy = [...items];
      const out: never[] = [];
      while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0] as never);
      return out;
    },
  };
}

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  sample<T>(items: readonly T[], n: number): T[];
}

// ------------------------------------------------------------------------------------ vocabulary

const DOMAINS = [
  'orders', 'customers', 'inventory', 'shipping', 'billing', 'marketing', 'support', 'finance', 'payroll', 'web',
  'mobile', 'ads', 'search', 'recs', 'fraud', 'risk', 'pricing', 'supply', 'logistics', 'catalog',
] as const;
const NOUNS = [
  'events', 'sessions', 'orders', 'payments', 'refunds', 'invoices', 'shipments', 'returns', 'clicks', 'impressions',
  'signups', 'churn', 'cohorts', 'ledger', 'balances', 'transfers', 'alerts', 'tickets', 'reviews', 'ratings',
  'prices', 'discounts', 'stock', 'forecasts', 'deliveries', 'routes', 'carriers', 'suppliers', 'contracts', 'budgets',
];
const STAGES = [
  'raw', 'clean', 'daily', 'hourly', 'weekly', 'enriched', 'deduped', 'aggregated', 'joined', 'scored', 'ranked',
  'filtered', 'normalized', 'summary', 'snapshot', 'rolling',
];
const COLUMNS = [
  'customer_id', 'order_id', 'amount', 'currency', 'created_at', 'updated_at', 'region', 'country', 'channel', 'status',
  'quantity', 'unit_price', 'discount', 'sku', 'warehouse', 'carrier', 'latency_ms', 'score', 'segment', 'revenue',
  'cost', 'margin', 'device', 'campaign', 'session_id',
];
const NUMERIC = ['amount', 'quantity', 'unit_price', 'discount', 'latency_ms', 'score', 'revenue', 'cost', 'margin'];
const KINDS = ['pandas', 'duckdb', 'snowflake', 'python', 'bigquery', 's3'];
const TEAMS = ['team:data-platform', 'team:analytics', 'team:growth', 'team:finance-eng', 'team:ml'];
const HELPER_TOPICS = ['frames', 'dates', 'text', 'io', 'math'];

/** Partitions definitions of `bigproj/partitions.py` and whether they are time windows. */
const PARTITIONS: Record<string, { time: boolean }> = {
  daily_partitions: { time: true },
  hourly_partitions: { time: true },
  weekly_partitions: { time: true },
  monthly_partitions: { time: true },
  region_partitions: { time: false },
};

/** The prefilter's marker words: helper files must contain none of them. */
const MARKERS = ['dagster', 'asset', 'Asset', 'Definitions', 'Partition', 'dbt'];

// ------------------------------------------------------------------------------------ model

interface AssetRef {
  /** Key before the loader's key_prefix (what code inside the same loader set writes). */
  local: string[];
  /** Key in the final graph. */
  final: string[];
  pkg: number;
  module: number;
  /** Module file stem inside its package. */
  modName: string;
  /** Importable name of a single-asset definition (plain `@asset` functions only). */
  fn: string | null;
  pdef: string | null;
}

export interface GeneratedWorkspace {
  root: string;
  pythonFiles: number;
  helperFiles: number;
  totalBytes: number;
  expectedAssets: number;
  /** Asset modules (absolute paths) that the incremental benchmark may edit. */
  assetModules: string[];
}

export interface GenerateOptions {
  seed?: number;
  packages?: number;
  /** Total number of `.py` files to write (asset modules fill what the fixed files leave). */
  totalFiles?: number;
}

// ------------------------------------------------------------------------------------ generator

export function generateWorkspace(root: string, options: GenerateOptions = {}): GeneratedWorkspace {
  const seed = options.seed ?? 20250611;
  const packageCount = options.packages ?? 20;
  const totalFiles = options.totalFiles ?? 2000;
  const rng = makeRng(seed);

  rmSync(root, { recursive: true, force: true });
  let pythonFiles = 0;
  let helperFiles = 0;
  let totalBytes = 0;
  const write = (rel: string, text: string): string => {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (rel.endsWith('.py')) {
      pythonFiles++;
      totalBytes += Buffer.byteLength(text);
    }
    return path;
  };
  const writeHelper = (rel: string, text: string): void => {
    for (const m of MARKERS) if (text.includes(m)) throw new Error(`helper ${rel} contains the marker '${m}'`);
    write(rel, text);
    helperFiles++;
  };

  const domains = DOMAINS.slice(0, packageCount);
  const helpersPerPackage = HELPER_TOPICS.length;
  const libModules = 60;
  const scriptFiles = 40;
  // bigproj/__init__, constants, partitions, externals, definitions, lib/__init__
  const fixedFiles = 6 + libModules + scriptFiles + packageCount * (1 + helpersPerPackage);
  const assetModuleCount = totalFiles - fixedFiles;
  const modulesPerPackage = domains.map((_, i) => Math.floor(assetModuleCount / packageCount) + (i < assetModuleCount % packageCount ? 1 : 0));

  // ---- fixed project files
  write(
    'pyproject.toml',
    `[project]\nname = "bigproj"\nversion = "1.0.0"\nrequires-python = ">=3.10"\ndependencies = ["dagster>=1.11", "pandas>=2.0"]\n\n` +
      `[tool.dagster]\nmodule_name = "bigproj.definitions"\ncode_location_name = "bigproj"\n`,
  );
  write('bigproj/__init__.py', '"""bigproj: the data platform of a fictional retailer."""\n\n__version__ = "1.0.0"\n');
  write('bigproj/constants.py', constantsModule(domains));
  write('bigproj/partitions.py', partitionsModule());
  const externals = externalsModule(rng);
  write('bigproj/externals.py', externals.text);

  // ---- helpers: bigproj/lib (a package some asset modules import) and scripts/ (never imported)
  write('bigproj/lib/__init__.py', '"""Shared utility code with no orchestration imports."""\n');
  const libNames: string[] = [];
  for (let i = 0; i < libModules; i++) {
    const name = `lib_${NOUNS[i % NOUNS.length]}_${i}`;
    libNames.push(name);
    writeHelper(`bigproj/lib/${name}.py`, helperModule(rng, name, 'prepare_frame'));
  }
  for (let i = 0; i < scriptFiles; i++) writeHelper(`scripts/script_${String(i).padStart(2, '0')}.py`, helperModule(rng, `script_${i}`, 'main_frame', true));

  // ---- domain packages
  const allAssets: AssetRef[] = [];
  const assetModules: string[] = [];
  let expectedAssets = externals.count;
  const loaderLines: string[] = [];
  const imports: string[] = [];
  const definitionsAssets: string[] = [];

  domains.forEach((domain, p) => {
    const prefixed = p >= packageCount / 2;
    const loaderGroup = prefixed || p % 2 === 0;
    const pkgPdef = rng.pick(['daily_partitions', 'daily_partitions', 'hourly_partitions', 'weekly_partitions', 'monthly_partitions', null, null] as const);
    const pkgAssets: AssetRef[] = [];
    const moduleNames: string[] = [];
    for (const topic of HELPER_TOPICS) writeHelper(`bigproj/${domain}/utils_${topic}.py`, helperModule(rng, `${domain}_utils_${topic}`, `normalize_${topic}_frame`));
    for (let m = 0; m < (modulesPerPackage[p] as number); m++) {
      const modName = `m${String(m).padStart(3, '0')}_${rng.pick(NOUNS)}`;
      moduleNames.push(modName);
      const mod = assetModule(rng, {
        domain,
        pkg: p,
        module: m,
        modName,
        prefixed,
        loaderGroup,
        pdef: rng.chance(0.8) ? pkgPdef : rng.pick(['daily_partitions', 'hourly_partitions', null] as const),
        pkgAssets,
        earlierAssets: allAssets,
        externals: externals.names,
        libNames,
      });
      assetModules.push(write(`bigproj/${domain}/${modName}.py`, mod.text));
      expectedAssets += mod.assets.length;
      pkgAssets.push(...mod.assets);
    }
    allAssets.push(...pkgAssets);
    if (prefixed) {
      write(`bigproj/${domain}/__init__.py`, `"""The ${domain} domain: loaded as a package with the "${domain}" key prefix."""\n`);
      imports.push(domain);
      loaderLines.push(
        `${domain}_assets = load_assets_from_package_module(\n    ${domain},\n    key_prefix="${domain}",\n    group_name="${domain}",\n)\n`,
      );
    } else {
      write(
        `bigproj/${domain}/__init__.py`,
        `"""The ${domain} domain: its modules, loaded one by one."""\n\nfrom . import (\n${moduleNames.map((n) => `    ${n},\n`).join('')})\n\n` +
          `MODULES = [\n${moduleNames.map((n) => `    ${n},\n`).join('')}]\n`,
      );
      imports.push(domain);
      loaderLines.push(
        loaderGroup
          ? `${domain}_assets = load_assets_from_modules(${domain}.MODULES, group_name=${domain.toUpperCase()}_GROUP)\n`
          : `${domain}_assets = load_assets_from_modules(${domain}.MODULES)\n`,
      );
    }
    definitionsAssets.push(`*${domain}_assets`);
  });

  write('bigproj/definitions.py', definitionsModule(domains, imports, loaderLines, definitionsAssets));
  return { root, pythonFiles, helperFiles, totalBytes, expectedAssets, assetModules };
}

// ------------------------------------------------------------------------------------ fixed modules

function constantsModule(domains: readonly string[]): string {
  return [
    '"""Names shared by every module of the project."""',
    '',
    'STAGING_PREFIX = "staging"',
    'MART_PREFIX = "mart"',
    'ROLLUP_PREFIX = "rollups"',
    'DEFAULT_CODE_VERSION = "3"',
    'REGIONS = ["emea", "amer", "apac", "latam"]',
    'EXCHANGE_RATES = {"EUR": 1.08, "GBP": 1.27, "USD": 1.0, "JPY": 0.0067, "BRL": 0.2}',
    'LAKE_BUCKET = "s3://bigproj-lake"',
    ...domains.map((d) => `${d.toUpperCase()}_GROUP = "${d}"`),
    '',
  ].join('\n');
}

function partitionsModule(): string {
  return `"""Partitions definitions shared by every domain."""

from dagster import (
    DailyPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    StaticPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

from bigproj.constants import REGIONS

daily_partitions = DailyPartitionsDefinition(start_date="2023-01-01")
hourly_partitions = HourlyPartitionsDefinition(start_date="2024-01-01-00:00")
weekly_partitions = WeeklyPartitionsDefinition(start_date="2023-01-01")
monthly_partitions = MonthlyPartitionsDefinition(start_date="2022-01-01")
region_partitions = StaticPartitionsDefinition(REGIONS)
`;
}

function externalsModule(rng: Rng): { text: string; names: string[]; count: number } {
  const names: string[] = [];
  const lines = ['"""Tables other systems write; declared so lineage starts somewhere."""', '', 'from dagster import AssetKey, AssetSpec', ''];
  for (let i = 0; i < 50; i++) {
    const name = `src_${NOUNS[i % NOUNS.length]}_${i}`;
    names.push(name);
    lines.push(
      `${name} = AssetSpec(`,
      `    key=AssetKey(["source", "${name.slice(4)}"]),`,
      `    group_name="sources",`,
      `    description="Replicated nightly from the ${rng.pick(['postgres', 'mysql', 'salesforce', 'stripe', 'zendesk'])} production database.",`,
      `    kinds={"${rng.pick(['postgres', 'mysql', 's3'])}"},`,
      `    owners=["${rng.pick(TEAMS)}"],`,
      ')',
      '',
    );
  }
  lines.push('EXTERNAL_SOURCES = [', ...names.map((n) => `    ${n},`), ']', '');
  return { text: lines.join('\n'), names, count: names.length };
}

function definitionsModule(domains: readonly string[], imports: string[], loaderLines: string[], assets: string[]): string {
  return `"""The single Definitions object of the bigproj code location."""

from dagster import (
    AssetSelection,
    Definitions,
    define_asset_job,
    load_assets_from_modules,
    load_assets_from_package_module,
)

from bigproj import (
${imports.map((i) => `    ${i},\n`).join('')})
from bigproj.constants import (
${domains.map((d) => `    ${d.toUpperCase()}_GROUP,\n`).join('')})
from bigproj.externals import EXTERNAL_SOURCES

${loaderLines.join('')}
nightly_jobs = [
    define_asset_job(name=f"nightly_{group}", selection=AssetSelection.groups(group))
    for group in [${domains.slice(0, 5).map((d) => `${d.toUpperCase()}_GROUP`).join(', ')}]
]

defs = Definitions(
    assets=[
${assets.map((a) => `        ${a},\n`).join('')}        *EXTERNAL_SOURCES,
    ],
    jobs=nightly_jobs,
)
`;
}

// ------------------------------------------------------------------------------------ helper modules

/** A plain utility module: functions over rows and frames, no orchestration API, no marker words. */
function helperModule(rng: Rng, name: string, entry: string, script = false): string {
  const lines = [
    `"""Utility code: ${name.replace(/_/g, ' ')}."""`,
    '',
    'import logging',
    'import math',
    'import re',
    'from collections import defaultdict',
    'from datetime import datetime, timedelta, timezone',
    '',
    'import pandas as pd',
    '',
    'logger = logging.getLogger(__name__)',
    '',
    `_WORD = re.compile(r"[^a-z0-9]+")`,
    `DEFAULT_WINDOW_DAYS = ${rng.int(3, 60)}`,
    '',
    '',
    `def ${entry}(frame: pd.DataFrame) -> pd.DataFrame:`,
    '    """Lower-case column names and drop fully empty rows."""',
    '    out = frame.rename(columns={c: _WORD.sub("_", str(c).lower()).strip("_") for c in frame.columns})',
    '    return out.dropna(how="all")',
    '',
  ];
  const fnCount = rng.int(4, 7);
  for (let f = 0; f < fnCount; f++) {
    const fname = `${rng.pick(['normalize', 'bucket', 'coalesce', 'summarize', 'parse', 'window', 'scale', 'merge', 'split', 'score'])}_${rng.pick(NOUNS)}_${f}`;
    const col = rng.pick(COLUMNS);
    const num = rng.pick(NUMERIC);
    lines.push('', `def ${fname}(frame: pd.DataFrame, limit: int = ${rng.int(10, 1000)}) -> pd.DataFrame:`);
    lines.push(`    """Return ${rng.pick(NOUNS)} rows with ${col} cleaned and ${num} bounded."""`);
    const body = rng.int(4, 9);
    lines.push('    out = frame.copy()');
    for (let s = 0; s < body; s++) {
      switch (rng.int(0, 7)) {
        case 0:
          lines.push(`    out["${col}"] = out["${col}"].astype(str).str.lower().map(lambda v: _WORD.sub("_", v).strip("_"))`);
          break;
        case 1:
          lines.push(`    out["${num}"] = out["${num}"].clip(lower=0, upper=limit).fillna(0.0)`);
          break;
        case 2:
          lines.push(`    counts = defaultdict(int)`, `    for value in out["${col}"].tolist():`, `        counts[value] += 1`, `    logger.debug("distinct %s: %d", "${col}", len(counts))`);
          break;
        case 3:
          lines.push(`    cutoff = datetime.now(timezone.utc) - timedelta(days=DEFAULT_WINDOW_DAYS)`, `    out = out[pd.to_datetime(out["created_at"], utc=True) >= cutoff]`);
          break;
        case 4:
          lines.push(`    widths = {column: max(len(str(v)) for v in out[column].head(${rng.int(10, 200)})) for column in out.columns if column != "${col}"}`);
          break;
        case 5:
          lines.push(`    if out.empty:`, `        logger.info("nothing to do in ${fname}")`, '        return out');
          break;
        case 6:
          lines.push(`    out["${num}_log"] = [math.log1p(max(v, 0)) for v in out["${num}"].fillna(0).tolist()]`);
          break;
        default:
          lines.push(`    out = out.sort_values(["${col}", "${num}"], ascending=[True, False]).reset_index(drop=True)`);
      }
    }
    lines.push('    return out');
  }
  if (script) lines.push('', '', 'if __name__ == "__main__":', `    logging.basicConfig(level=logging.INFO)`, `    logger.info("run ${name}")`);
  lines.push('');
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------ asset modules

interface ModuleSpec {
  domain: string;
  pkg: number;
  module: number;
  modName: string;
  prefixed: boolean;
  loaderGroup: boolean;
  pdef: string | null;
  /** Assets of earlier modules of the same package. */
  pkgAssets: AssetRef[];
  /** Assets of earlier packages. */
  earlierAssets: AssetRef[];
  externals: string[];
  libNames: string[];
}

function pyList(items: string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

function assetModule(rng: Rng, spec: ModuleSpec): { text: string; assets: AssetRef[] } {
  const { domain, pkg, module, prefixed, pdef } = spec;
  const loaderPrefix = prefixed ? [domain] : [];
  const made: AssetRef[] = [];
  const fromImports = new Map<string, Set<string>>(); // module -> names
  const moduleImports = new Map<string, string>(); // alias -> module
  const addFrom = (mod: string, name: string): void => {
    if (!fromImports.has(mod)) fromImports.set(mod, new Set());
    (fromImports.get(mod) as Set<string>).add(name);
  };
  const helperTopic = rng.chance(0.5) ? rng.pick(HELPER_TOPICS) : null;
  const libHelper = rng.chance(0.25) ? rng.pick(spec.libNames) : null;
  const helperCalls: string[] = [];
  if (helperTopic) {
    addFrom(`bigproj.${domain}.utils_${helperTopic}`, `normalize_${helperTopic}_frame`);
    helperCalls.push(`normalize_${helperTopic}_frame`);
  }
  if (libHelper) {
    addFrom('bigproj.lib', libHelper);
    helperCalls.push(`${libHelper}.prepare_frame`);
  }
  const chunks: string[] = [];
  const unique = `${domain}_${String(module).padStart(3, '0')}`;

  /** Picks 0..n dependency references for a new asset: returns decorator pieces and function params. */
  const chooseDeps = (
    ownPdef: string | null,
    allowParams: boolean,
  ): { deps: string[]; ins: string[]; params: string[] } => {
    const deps: string[] = [];
    const ins: string[] = [];
    const params: string[] = [];
    const used = new Set<string>();
    const count = rng.pick([0, 1, 1, 2, 2, 3]);
    const mapping = (up: string | null): string | null => {
      if (!ownPdef || !up) return null;
      const a = PARTITIONS[ownPdef]?.time;
      const b = PARTITIONS[up]?.time;
      if (a && b) return rng.pick(['TimeWindowPartitionMapping(start_offset=-1)', 'TimeWindowPartitionMapping()', null]);
      if (ownPdef === up) return rng.chance(0.5) ? 'IdentityPartitionMapping()' : null;
      return 'AllPartitionMapping()';
    };
    for (let i = 0; i < count; i++) {
      const roll = rng.next();
      if (roll < 0.3 && made.length > 0) {
        // Same module.
        const up = rng.pick(made);
        if (used.has(up.final.join('/'))) continue;
        used.add(up.final.join('/'));
        if (allowParams && up.local.length === 1 && rng.chance(0.6)) params.push(`${up.local[0]}: pd.DataFrame`);
        else if (up.fn && rng.chance(0.5)) deps.push(up.fn);
        else deps.push(up.local.length === 1 ? JSON.stringify(up.local[0]) : `AssetKey(${pyList(up.local)})`);
      } else if (roll < 0.6 && spec.pkgAssets.length > 0) {
        // Earlier module of the same package (same loader set).
        const up = spec.pkgAssets[spec.pkgAssets.length - 1 - Math.floor(rng.next() * Math.min(spec.pkgAssets.length, 120))] as AssetRef;
        if (used.has(up.final.join('/'))) continue;
        used.add(up.final.join('/'));
        const m = mapping(up.pdef);
        if (up.fn && !m && rng.chance(0.5)) {
          addFrom(`bigproj.${domain}.${up.modName}`, up.fn);
          deps.push(up.fn);
        } else if (allowParams && rng.chance(0.4)) {
          const param = `${up.local[up.local.length - 1]}_in`;
          ins.push(`"${param}": AssetIn(key=AssetKey(${pyList(up.local)})${m ? `, partition_mapping=${m}` : ''})`);
          params.push(`${param}: pd.DataFrame`);
        } else if (m) {
          deps.push(`AssetDep(AssetKey(${pyList(up.local)}), partition_mapping=${m})`);
        } else {
          deps.push(up.local.length === 1 && rng.chance(0.5) ? JSON.stringify(up.local[0]) : `AssetKey(${pyList(up.local)})`);
        }
      } else if (roll < 0.9 && spec.earlierAssets.length > 0) {
        // Earlier package: by final key, or through a module attribute into an un-prefixed package.
        const up = rng.pick(spec.earlierAssets);
        if (used.has(up.final.join('/'))) continue;
        used.add(up.final.join('/'));
        const m = mapping(up.pdef);
        const upPrefixed = up.local.length !== up.final.length;
        if (!upPrefixed && up.fn && !m && rng.chance(0.35)) {
          const alias = `up_${DOMAINS[up.pkg]}_${up.module}`;
          moduleImports.set(alias, `bigproj.${DOMAINS[up.pkg]}.${up.modName}`);
          deps.push(`${alias}.${up.fn}`);
        } else if (m && rng.chance(0.5)) {
          deps.push(`AssetDep(AssetKey(${pyList(up.final)}), partition_mapping=${m})`);
        } else if (allowParams && rng.chance(0.3)) {
          const param = `${up.final[up.final.length - 1]}_in`;
          ins.push(`"${param}": AssetIn(key=AssetKey(${pyList(up.final)})${m ? `, partition_mapping=${m}` : ''})`);
          params.push(`${param}: pd.DataFrame`);
        } else {
          deps.push(`AssetKey(${pyList(up.final)})`);
        }
      } else {
        const ext = rng.pick(spec.externals);
        if (used.has(ext)) continue;
        used.add(ext);
        addFrom('bigproj.externals', ext);
        deps.push(ext);
      }
    }
    return { deps, ins, params };
  };

  const plainCount = rng.int(3, 6);
  const multi = rng.chance(0.35);
  const factory = rng.chance(0.12);
  const order: ('plain' | 'multi')[] = [];
  for (let i = 0; i < plainCount; i++) order.push('plain');
  if (multi) order.splice(rng.int(1, order.length), 0, 'multi');

  let j = 0;
  for (const kind of order) {
    const ownPdef = pdef;
    if (ownPdef) addFrom('bigproj.partitions', ownPdef);
    const useContext = rng.chance(0.7) || ownPdef !== null;
    if (kind === 'plain') {
      const stage = rng.pick(STAGES);
      const noun = rng.pick(NOUNS);
      const name = `${stage}_${noun}_${unique}_${j++}`;
      const keyPrefix = rng.chance(0.2) ? rng.pick([['STAGING_PREFIX'], ['MART_PREFIX'], ['"mart"', '"finance"']]) : null;
      const localPrefix = keyPrefix ? keyPrefix.map((k) => (k === 'STAGING_PREFIX' ? 'staging' : k === 'MART_PREFIX' ? 'mart' : k.replace(/"/g, ''))) : [];
      const { deps, ins, params } = chooseDeps(ownPdef, true);
      const kwargs: string[] = [];
      if (keyPrefix) kwargs.push(keyPrefix.length === 1 && rng.chance(0.5) ? `key_prefix=${keyPrefix[0]}` : `key_prefix=[${keyPrefix.join(', ')}]`);
      if (!spec.loaderGroup && rng.chance(0.8)) {
        kwargs.push(`group_name=${domain.toUpperCase()}_GROUP`);
      }
      if (ownPdef) kwargs.push(`partitions_def=${ownPdef}`);
      if (ins.length) kwargs.push(`ins={\n        ${ins.join(',\n        ')},\n    }`);
      if (deps.length) kwargs.push(`deps=[${deps.join(', ')}]`);
      if (rng.chance(0.5)) kwargs.push(`description="${stage} ${noun} for the ${domain} domain, refreshed with its partitions."`);
      if (rng.chance(0.4)) kwargs.push(`owners=["${rng.pick(TEAMS)}"]`);
      if (rng.chance(0.5)) kwargs.push(`kinds={"${rng.pick(KINDS)}"}`);
      if (rng.chance(0.3)) kwargs.push(`tags={"domain": "${domain}", "tier": "${rng.pick(['gold', 'silver', 'bronze'])}"}`);
      if (rng.chance(0.3)) kwargs.push('code_version=DEFAULT_CODE_VERSION');
      if (rng.chance(0.15)) {
        kwargs.push('automation_condition=AutomationCondition.eager()');
      }
      if (ownPdef && rng.chance(0.15)) {
        kwargs.push('backfill_policy=BackfillPolicy.single_run()');
      }
      let decorator: string;
      if (kwargs.length === 0) decorator = rng.chance(0.6) ? '@asset' : '@asset()';
      else if (kwargs.length <= 2 && !kwargs.some((k) => k.includes('\n'))) decorator = `@asset(${kwargs.join(', ')})`;
      else decorator = `@asset(\n    ${kwargs.join(',\n    ')},\n)`;
      const allParams = [...(useContext ? ['context: AssetExecutionContext'] : []), ...params];
      const returnsResult = rng.chance(0.25);
      chunks.push(
        `${decorator}\ndef ${name}(${allParams.join(', ')}) -> ${returnsResult ? 'MaterializeResult' : 'pd.DataFrame'}:\n` +
          `    """${capitalize(stage)} ${noun} of the ${domain} domain${ownPdef ? `, one ${ownPdef.replace('_partitions', '')} partition at a time` : ''}."""\n` +
          body(rng, {
            inputs: params.map((p) => p.slice(0, p.indexOf(':'))),
            context: useContext,
            partitioned: ownPdef !== null,
            name,
            domain,
            noun,
            helpers: helperCalls,
            ret: returnsResult ? 'result' : 'frame',
          }),
      );
      made.push({ local: [...localPrefix, name], final: [...loaderPrefix, ...localPrefix, name], pkg, module, modName: spec.modName, fn: name, pdef: ownPdef });
    } else {
      const noun = rng.pick(NOUNS);
      const outCount = rng.int(2, 3);
      const outs: string[] = [];
      const outRefs: AssetRef[] = [];
      for (let o = 0; o < outCount; o++) {
        const outName = `${rng.pick(STAGES)}_${noun}_${unique}_${j++}`;
        const form = rng.int(0, 2);
        let local: string[];
        if (form === 0) {
          outs.push(`"${outName}": AssetOut(description="${noun} output ${o}")`);
          local = [outName];
        } else if (form === 1) {
          outs.push(`"${outName}": AssetOut(key_prefix=[STAGING_PREFIX], is_required=False)`);
          local = ['staging', outName];
        } else {
          outs.push(`"${outName}": AssetOut(key=AssetKey(["mart", "${outName}"]))`);
          local = ['mart', outName];
        }
        outRefs.push({ local, final: [...loaderPrefix, ...local], pkg, module, modName: spec.modName, fn: null, pdef });
      }
      const { deps } = chooseDeps(pdef, false);
      const kwargs = [`outs={\n        ${outs.join(',\n        ')},\n    }`];
      if (deps.length) kwargs.push(`deps=[${deps.join(', ')}]`);
      if (pdef) kwargs.push(`partitions_def=${pdef}`);
      if (!spec.loaderGroup) {
        kwargs.push(`group_name=${domain.toUpperCase()}_GROUP`);
      }
      if (rng.chance(0.5)) kwargs.push('can_subset=True');
      const fn = `split_${noun}_${unique}_${j}`;
      chunks.push(
        `@multi_asset(\n    ${kwargs.join(',\n    ')},\n)\ndef ${fn}(context: AssetExecutionContext):\n` +
          `    """Splits ${noun} into ${outCount} tables in one pass."""\n` +
          body(rng, { inputs: [], context: true, partitioned: pdef !== null, name: fn, domain, noun, helpers: helperCalls, ret: 'none' }) +
          `    return ${outRefs.map((_, i) => (i === 0 ? 'frame' : `frame.head(${rng.int(10, 500)})`)).join(', ')}\n`,
      );
      made.push(...outRefs);
    }
  }

  if (factory) {
    const noun = rng.pick(NOUNS);
    const up = made.find((a) => a.local.length === 1);
    const kwargs = [`name=f"{region}_${noun}_${unique}_rollup"`, 'key_prefix=[ROLLUP_PREFIX]'];
    if (pdef) kwargs.push(`partitions_def=${pdef}`);
    if (up) kwargs.push(`deps=[${JSON.stringify(up.local[0])}]`);
    if (!spec.loaderGroup) {
      kwargs.push(`group_name=${domain.toUpperCase()}_GROUP`);
    }
    kwargs.push('tags={"region": region}');
    chunks.push(
      `def build_${noun}_rollup(region: str):\n    """One ${noun} rollup asset per region."""\n\n` +
        `    @asset(\n        ${kwargs.join(',\n        ')},\n    )\n` +
        `    def _rollup(context: AssetExecutionContext) -> pd.DataFrame:\n` +
        body(rng, { inputs: [], context: true, partitioned: pdef !== null, name: `${noun}_rollup`, domain, noun, helpers: [], ret: 'frame', indent: '        ' }) +
        `\n    return _rollup\n\n\n${noun}_${unique}_rollups = [build_${noun}_rollup(region) for region in REGIONS]\n`,
    );
    for (const region of ['emea', 'amer', 'apac', 'latam']) {
      const local = ['rollups', `${region}_${noun}_${unique}_rollup`];
      made.push({ local, final: [...loaderPrefix, ...local], pkg, module, modName: spec.modName, fn: null, pdef });
    }
  }

  const text = chunks.join('\n\n');
  // Imports are derived from what the generated code uses, so they are always exactly right.
  const usedDagster = DAGSTER_IMPORTS.filter((n) => ['asset', 'AssetExecutionContext', 'MaterializeResult'].includes(n) || new RegExp(`\\b${n}\\b`).test(text));
  const usedConstants = CONSTANT_NAMES(domain).filter((n) => new RegExp(`\\b${n}\\b`).test(text));
  if (usedConstants.length) addFrom('bigproj.constants', usedConstants.join(', '));
  const header = [
    `"""${capitalize(domain)} / ${spec.modName.replace(/^m\d+_/, '')}: ${made.length} assets of the ${domain} domain."""`,
    '',
    'import logging',
    '',
    'import numpy as np',
    'import pandas as pd',
    `from dagster import (\n${usedDagster.map((n) => `    ${n},\n`).join('')})`,
    '',
    ...[...moduleImports].sort().map(([alias, mod]) => `import ${mod} as ${alias}`),
    ...[...fromImports].sort().map(([mod, names]) => `from ${mod} import ${[...names].sort().join(', ')}`),
    '',
    'logger = logging.getLogger(__name__)',
    `NULL_THRESHOLD = ${(rng.int(1, 20) / 100).toFixed(2)}`,
    '',
  ];
  return { text: `${header.join('\n')}\n\n${text}`, assets: made };
}

const DAGSTER_IMPORTS = [
  'AllPartitionMapping', 'AssetDep', 'AssetExecutionContext', 'AssetIn', 'AssetKey', 'AssetOut', 'AutomationCondition',
  'BackfillPolicy', 'IdentityPartitionMapping', 'MaterializeResult', 'TimeWindowPartitionMapping', 'asset', 'multi_asset',
];
const CONSTANT_NAMES = (domain: string): string[] =>
  ['DEFAULT_CODE_VERSION', 'EXCHANGE_RATES', 'LAKE_BUCKET', 'MART_PREFIX', 'REGIONS', 'ROLLUP_PREFIX', 'STAGING_PREFIX', `${domain.toUpperCase()}_GROUP`].sort();

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ------------------------------------------------------------------------------------ function bodies

interface BodySpec {
  inputs: string[];
  context: boolean;
  partitioned: boolean;
  name: string;
  domain: string;
  noun: string;
  helpers: string[];
  ret: 'frame' | 'result' | 'none';
  indent?: string;
}

/** 10–30 lines of pandas-like code: assignments, calls, loops, comprehensions, strings, branches. */
function body(rng: Rng, spec: BodySpec): string {
  const i = spec.indent ?? '    ';
  const lines: string[] = [];
  const log = (msg: string): string => (spec.context ? `context.log.info(${msg})` : `logger.info(${msg})`);
  const first = spec.inputs[0];
  if (first) lines.push(`${i}frame = ${first}.copy()`);
  else if (spec.partitioned && spec.context) lines.push(`${i}frame = pd.read_parquet(f"{LAKE_BUCKET}/${spec.domain}/${spec.noun}/{context.partition_key}.parquet")`);
  else lines.push(`${i}frame = pd.read_parquet(f"{LAKE_BUCKET}/${spec.domain}/${spec.noun}/latest.parquet")`);
  const target = rng.int(6, 17);
  while (lines.length < target) {
    const c1 = rng.pick(COLUMNS);
    const c2 = rng.pick(COLUMNS);
    const n1 = rng.pick(NUMERIC);
    const n2 = rng.pick(NUMERIC);
    switch (rng.int(0, 17)) {
      case 0:
        lines.push(`${i}frame["${n1}"] = frame["${n2}"].fillna(0) * ${(rng.next() * 10).toFixed(3)}`);
        break;
      case 1:
        lines.push(`${i}frame = frame[frame["${n1}"] > ${rng.int(0, 500)}]`);
        break;
      case 2:
        lines.push(`${i}frame["${c1}_day"] = pd.to_datetime(frame["created_at"], utc=True).dt.floor("D")`);
        break;
      case 3:
        lines.push(
          `${i}summary = frame.groupby(["${c1}", "${c2}"], as_index=False).agg(`,
          `${i}    ${n1}_total=("${n1}", "sum"),`,
          `${i}    ${n2}_mean=("${n2}", "mean"),`,
          `${i})`,
        );
        break;
      case 4:
        lines.push(`${i}for column in ${pyList(rng.sample(NUMERIC, rng.int(2, 4)))}:`, `${i}    frame[column] = frame[column].astype("float64").round(${rng.int(0, 4)})`);
        break;
      case 5:
        lines.push(`${i}renamed = {column: column.strip().lower().replace(" ", "_") for column in frame.columns}`, `${i}frame = frame.rename(columns=renamed)`);
        break;
      case 6:
        lines.push(`${i}flagged = [row.${c1} for row in frame.itertuples() if getattr(row, "${n1}", 0) > ${rng.int(1, 900)}]`);
        break;
      case 7:
        lines.push(`${i}${log(`f"${spec.name}: {len(frame)} rows, {frame['${c1}'].nunique()} distinct ${c1}"`)}`);
        break;
      case 8:
        lines.push(
          `${i}if frame.empty:`,
          `${i}    ${spec.context ? `context.log.warning("no ${spec.noun} rows")` : `logger.warning("no ${spec.noun} rows")`}`,
          `${i}    frame = pd.DataFrame(columns=${pyList(rng.sample(COLUMNS, 3))})`,
        );
        break;
      case 9:
        if (spec.inputs[1]) lines.push(`${i}frame = frame.merge(${spec.inputs[1]}[["${c1}", "${c2}"]], on="${c1}", how="left", suffixes=("", "_right"))`);
        else lines.push(`${i}frame = frame.drop_duplicates(subset=["${c1}", "${c2}"], keep="last")`);
        break;
      case 10:
        lines.push(
          `${i}query = """`,
          `${i}    SELECT ${c1}, ${c2}, SUM(${n1}) AS total_${n1}`,
          `${i}    FROM ${spec.domain}.${spec.noun}`,
          `${i}    WHERE updated_at >= %(start)s AND ${n2} > %(floor)s`,
          `${i}    GROUP BY 1, 2`,
          `${i}"""`,
          `${i}params = {"start": "2024-01-01", "floor": ${rng.int(0, 100)}, "limit": ${rng.int(100, 100000)}}`,
        );
        break;
      case 11:
        lines.push(
          `${i}try:`,
          `${i}    frame["${n1}_usd"] = frame["${n1}"] * frame["currency"].map(EXCHANGE_RATES).fillna(1.0)`,
          `${i}except KeyError as error:`,
          `${i}    logger.warning("missing column for conversion: %s", error)`,
        );
        break;
      case 12:
        if (spec.helpers.length && rng.chance(0.7)) lines.push(`${i}frame = ${rng.pick(spec.helpers)}(frame)`);
        else lines.push(`${i}frame["${c1}"] = frame["${c1}"].astype(str).str.strip().str.lower()`);
        break;
      case 13:
        lines.push(`${i}frame["${n1}_bucket"] = frame["${n1}"].apply(lambda value: "high" if value > ${rng.int(10, 1000)} else "low")`);
        break;
      case 14:
        lines.push(
          `${i}attempts = 0`,
          `${i}while attempts < ${rng.int(2, 5)} and frame["${n1}"].isna().mean() > NULL_THRESHOLD:`,
          `${i}    frame["${n1}"] = frame["${n1}"].interpolate(limit_direction="both")`,
          `${i}    attempts += 1`,
        );
        break;
      case 15:
        lines.push(`${i}frame["${n1}_z"] = (frame["${n1}"] - frame["${n1}"].mean()) / (frame["${n1}"].std() or 1.0)`);
        break;
      case 16:
        lines.push(`${i}weights = np.linspace(0.1, 1.0, num=max(len(frame), 1))`, `${i}frame["weighted_${n1}"] = frame["${n1}"].to_numpy() * weights[: len(frame)]`);
        break;
      default:
        lines.push(`${i}by_${c1} = {key: group["${n1}"].sum() for key, group in frame.groupby("${c1}")}`);
    }
  }
  if (spec.ret === 'frame') lines.push(`${i}return frame`);
  else if (spec.ret === 'result') lines.push(`${i}return MaterializeResult(metadata={"rows": len(frame), "columns": list(frame.columns)})`);
  return `${lines.join('\n')}\n`;
}

