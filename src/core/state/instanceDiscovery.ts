import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDocument } from 'yaml';
import { yamlData } from '../scan/safeYaml';

/**
 * Where a workspace's Dagster instance keeps its storage, found the way Dagster finds it, in this
 * order: an explicit folder (the setting, or one the user picked), `DAGSTER_HOME`, a `dagster.yaml`
 * in a workspace folder whose `storage: sqlite: base_dir` keeps history, and the
 * `.tmp_dagster_home_*` folder a running `dagster dev` keeps in the workspace (it is deleted when the
 * server stops). Storage other than SQLite is reported, not guessed at.
 */

export type InstanceLocation =
  | { kind: 'sqlite'; home: string; source: InstanceSource }
  | { kind: 'unsupported'; storage: 'postgres' | 'mysql'; configFile: string; message: string }
  | { kind: 'none'; message: string };

export type InstanceSource = 'setting' | 'DAGSTER_HOME' | 'dagster.yaml' | 'dagster dev';

export interface DiscoveryInput {
  /** The `assetLineage.instance.path` setting or a picked folder, when there is one. */
  explicit?: string | null;
  /** `process.env.DAGSTER_HOME` (or the workspace's `.env`). */
  dagsterHome?: string | null;
  /** Workspace folders, searched for `dagster.yaml` and `.tmp_dagster_home_*`. */
  folders: string[];
}

const hasIndex = (home: string): boolean => existsSync(join(home, 'history', 'runs', 'index.db'));

const storageSchema = z
  .object({
    storage: z
      .object({
        sqlite: z.object({ base_dir: z.union([z.string(), z.object({ env: z.string() })]).optional() }).nullable().optional(),
        postgres: z.unknown().optional(),
        mysql: z.unknown().optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
    run_storage: z.object({ module: z.string().optional(), class: z.string().optional() }).passthrough().nullable().optional(),
    event_log_storage: z.object({ module: z.string().optional(), class: z.string().optional() }).passthrough().nullable().optional(),
  })
  .passthrough();

/** What a `dagster.yaml` says about storage: a SQLite folder, another database, or nothing. */
export function readStorageConfig(
  configFile: string,
  env: Record<string, string | undefined> = process.env,
): { kind: 'sqlite'; baseDir: string | null } | { kind: 'postgres' | 'mysql' } | { kind: 'none' } | { kind: 'invalid'; message: string } {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (error) {
    return { kind: 'invalid', message: `cannot read ${configFile}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const doc = parseDocument(text);
  if (doc.errors.length) return { kind: 'invalid', message: `${configFile} is not valid YAML: ${doc.errors[0]?.message ?? ''}` };
  const data = yamlData(doc);
  if (!data.ok) return { kind: 'invalid', message: `${configFile}: ${data.message}` };
  const parsed = data.value;
  const config = storageSchema.safeParse(parsed ?? {});
  if (!config.success) return { kind: 'invalid', message: `${configFile}: ${config.error.issues[0]?.message ?? 'unexpected shape'}` };
  const storage = config.data.storage;
  if (storage?.postgres !== undefined) return { kind: 'postgres' };
  if (storage?.mysql !== undefined) return { kind: 'mysql' };
  const legacy = `${config.data.event_log_storage?.class ?? ''} ${config.data.run_storage?.class ?? ''}`;
  if (/Postgres/i.test(legacy)) return { kind: 'postgres' };
  if (/MySQL/i.test(legacy)) return { kind: 'mysql' };
  if (storage?.sqlite) {
    const base = storage.sqlite.base_dir;
    if (base === undefined) return { kind: 'sqlite', baseDir: null };
    const dir = typeof base === 'string' ? base : (env[base.env] ?? null);
    return { kind: 'sqlite', baseDir: dir };
  }
  return { kind: 'none' };
}

function fromConfig(home: string, source: InstanceSource, env: Record<string, string | undefined>): InstanceLocation | null {
  const configFile = join(home, 'dagster.yaml');
  if (!existsSync(configFile)) return hasIndex(home) ? { kind: 'sqlite', home, source } : null;
  const storage = readStorageConfig(configFile, env);
  if (storage.kind === 'postgres' || storage.kind === 'mysql') {
    return {
      kind: 'unsupported',
      storage: storage.kind,
      configFile,
      message: `${configFile} keeps the instance in ${storage.kind === 'postgres' ? 'PostgreSQL' : 'MySQL'}; reading it directly is supported in a later version. Connect to the Dagster webserver instead.`,
    };
  }
  if (storage.kind === 'sqlite' && storage.baseDir) {
    const base = isAbsolute(storage.baseDir) ? storage.baseDir : resolve(home, storage.baseDir);
    return { kind: 'sqlite', home: base, source };
  }
  return hasIndex(home) ? { kind: 'sqlite', home, source } : null;
}

export function discoverInstance(input: DiscoveryInput, env: Record<string, string | undefined> = process.env): InstanceLocation {
  if (input.explicit) {
    const home = resolve(input.explicit);
    return fromConfig(home, 'setting', env) ?? { kind: 'sqlite', home, source: 'setting' };
  }
  if (input.dagsterHome) {
    const found = fromConfig(resolve(input.dagsterHome), 'DAGSTER_HOME', env);
    if (found) return found;
  }
  for (const folder of input.folders) {
    const configFile = join(folder, 'dagster.yaml');
    if (!existsSync(configFile)) continue;
    const storage = readStorageConfig(configFile, env);
    if (storage.kind === 'postgres' || storage.kind === 'mysql') {
      const found = fromConfig(folder, 'dagster.yaml', env);
      if (found) return found;
    }
    if (storage.kind === 'sqlite' && storage.baseDir) {
      const home = isAbsolute(storage.baseDir) ? storage.baseDir : resolve(folder, storage.baseDir);
      return { kind: 'sqlite', home, source: 'dagster.yaml' };
    }
  }
  // A running `dagster dev` without DAGSTER_HOME: the newest temporary home in a workspace folder.
  const running: { home: string; time: number }[] = [];
  for (const folder of input.folders) {
    let names: string[] = [];
    try {
      names = readdirSync(folder).filter((n) => n.startsWith('.tmp_dagster_home_'));
    } catch {
      continue;
    }
    for (const name of names) {
      const home = join(folder, name);
      if (hasIndex(home)) running.push({ home, time: statSync(home).mtimeMs });
    }
  }
  running.sort((a, b) => b.time - a.time);
  if (running[0]) return { kind: 'sqlite', home: running[0].home, source: 'dagster dev' };
  return {
    kind: 'none',
    message:
      'No Dagster instance found: set DAGSTER_HOME, add `storage: sqlite: base_dir` to a dagster.yaml in the workspace, start `dagster dev`, or pick the instance folder.',
  };
}
