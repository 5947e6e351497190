import { yamlData } from '../safeYaml';
import { basename, dirname, extname, join, relative } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { DbtDiagnostic, DbtFileSystem } from './dbtFileSystem';
import {
  findSnapshotBlocks,
  readJinjaCalls,
  readPythonModelCalls,
  renderSimpleJinja,
  type JinjaCalls,
} from './dbtJinja';
import type { DbtGroup, DbtManifest, DbtNode, DbtSource } from './dbtManifest';
import { isRecord, LineIndex, pythonStrip, sha256Hex } from './dbtText';

/**
 * Builds the manifest dbt would write (`dbt parse`) from the project files alone, for projects
 * without a target/manifest.json. It reproduces what decides Dagster's view of the project: unique
 * ids, fqns, the config dbt resolves for each node (dbt_project.yml folder configs < YAML properties
 * < config() in the file), dependencies from ref()/source(), and raw_code exactly as dbt stores it
 * (the file stripped of surrounding whitespace), so code versions match a real manifest.
 *
 * Not reproduced: macros (custom generate_alias_name, ref overrides), Jinja that needs a database
 * or run-time values. Those are reported as diagnostics where they are met.
 */

interface ProjectInfo {
  dir: string;
  file: string;
  name: string;
  isRoot: boolean;
  modelPaths: string[];
  seedPaths: string[];
  snapshotPaths: string[];
  analysisPaths: string[];
  trees: { models: unknown; seeds: unknown; snapshots: unknown; sources: unknown };
  vars: Record<string, unknown>;
  packagesInstallPath: string;
}

type Config = Record<string, unknown> & { tags: string[]; meta: Record<string, unknown> };

interface YamlEntry {
  data: Record<string, unknown>;
  file: string;
  line: number;
  /** Folders between the resource path (models/, seeds/, ...) and the YAML file. */
  dirs: string[];
  /** The YAML file relative to the project, with `/`. */
  relPath: string;
}

interface ProjectYaml {
  models: Map<string, YamlEntry>;
  seeds: Map<string, YamlEntry>;
  snapshots: Map<string, YamlEntry>;
  sources: YamlEntry[];
  groups: YamlEntry[];
  exposures: YamlEntry[];
}

interface PendingNode {
  node: DbtNode;
  project: ProjectInfo;
  calls: JinjaCalls;
  file: string;
}

const listKey = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];

function toPosix(path: string): string {
  return path.replace(/\\/g, '/');
}

function pathList(value: unknown, fallback: string[]): string[] {
  const list = listKey(value);
  return list.length > 0 ? list : fallback;
}

class ProjectReader {
  readonly diagnostics: DbtDiagnostic[] = [];
  private readonly root: ProjectInfo;
  private readonly pending: PendingNode[] = [];
  private readonly sources: DbtSource[] = [];
  private readonly exposures: DbtNode[] = [];
  private readonly groups: DbtGroup[] = [];
  private readonly disabled = new Map<string, string>();
  private readonly definitionLines: Record<string, number> = {};

  constructor(
    private readonly fs: DbtFileSystem,
    root: ProjectInfo,
    private readonly projects: ProjectInfo[],
  ) {
    this.root = root;
  }

  private diag(severity: DbtDiagnostic['severity'], file: string, line: number, code: string, message: string): void {
    this.diagnostics.push({ severity, file, line, code, message });
  }

  // --- YAML ------------------------------------------------------------------------------------

  private readYaml(file: string): { data: unknown; text: string; entryLines: Map<string, number[]> } | null {
    const text = this.fs.readText(file);
    if (text === null) return null;
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = error?.linePos?.[0]?.line ?? 0;
      this.diag('warning', file, line, 'dbt-yaml-invalid', `This YAML file cannot be read (${error?.message.split('\n')[0]}); dbt would refuse it too.`);
      return null;
    }
    const lines = new LineIndex(text);
    const entryLines = new Map<string, number[]>();
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
        if (isSeq(pair.value)) {
          entryLines.set(
            key,
            pair.value.items.map((item) => {
              const range = (item as { range?: [number, number, number] }).range;
              return range ? lines.line(range[0]) : 0;
            }),
          );
        }
      }
    }
    const data = yamlData(doc, 1000);
    if (!data.ok) {
      this.diag('warning', file, 0, 'dbt-yaml-invalid', `This YAML file cannot be read (${data.message.split('\n')[0]}); dbt would refuse it too.`);
      return null;
    }
    return { data: data.value, text, entryLines };
  }

  readProjectYaml(project: ProjectInfo): ProjectYaml {
    const result: ProjectYaml = { models: new Map(), seeds: new Map(), snapshots: new Map(), sources: [], groups: [], exposures: [] };
    const roots = [...project.modelPaths, ...project.seedPaths, ...project.snapshotPaths, ...project.analysisPaths];
    const seen = new Set<string>();
    for (const resourcePath of roots) {
      const base = join(project.dir, resourcePath);
      for (const file of this.fs.listFiles(base)) {
        if (!/\.ya?ml$/i.test(file) || seen.has(file)) continue;
        seen.add(file);
        const parsed = this.readYaml(file);
        if (!parsed || !isRecord(parsed.data)) continue;
        const dirs = toPosix(relative(base, dirname(file))).split('/').filter((d) => d && d !== '.');
        const relPath = toPosix(relative(project.dir, file));
        for (const kind of ['models', 'seeds', 'snapshots', 'sources', 'groups', 'exposures'] as const) {
          const list = parsed.data[kind];
          if (list === undefined || list === null) continue;
          if (!Array.isArray(list)) {
            this.diag('warning', file, 0, 'dbt-yaml-invalid', `'${kind}' must be a list in a dbt properties file.`);
            continue;
          }
          const lines = parsed.entryLines.get(kind) ?? [];
          list.forEach((data, index) => {
            if (!isRecord(data) || typeof data['name'] !== 'string') {
              this.diag('warning', file, lines[index] ?? 0, 'dbt-yaml-invalid', `An entry of '${kind}' has no name.`);
              return;
            }
            const entry: YamlEntry = { data, file, line: lines[index] ?? 0, dirs, relPath };
            if (kind === 'sources' || kind === 'groups' || kind === 'exposures') {
              result[kind].push(entry);
            } else if (result[kind].has(data['name'])) {
              this.diag('warning', file, entry.line, 'dbt-yaml-duplicate', `'${data['name']}' is described twice in ${kind}; dbt refuses duplicate patches.`);
            } else {
              result[kind].set(data['name'], entry);
            }
          });
        }
      }
    }
    return result;
  }

  // --- configs -----------------------------------------------------------------------------------

  private renderValue(value: unknown, project: ProjectInfo, file: string, what: string): unknown {
    if (typeof value !== 'string') return value;
    const rendered = renderSimpleJinja(value, { ...this.root.vars, ...project.vars });
    if (!rendered.known) {
      this.diag('warning', file, 0, 'dbt-dynamic-config', `${what} '${value}' is computed by Jinja and cannot be read statically; it was taken literally.`);
    }
    return rendered.value;
  }

  private merge(config: Config, patch: Record<string, unknown>, project: ProjectInfo, file: string): void {
    for (const [rawKey, rawValue] of Object.entries(patch)) {
      const key = rawKey.startsWith('+') ? rawKey.slice(1).trim() : rawKey;
      const value = ['schema', 'materialized', 'enabled', 'alias', 'group', 'database'].includes(key)
        ? this.renderValue(rawValue, project, file, `config ${key}`)
        : rawValue;
      if (key === 'tags') {
        for (const tag of listKey(value)) if (!config.tags.includes(tag)) config.tags.push(tag);
      } else if (key === 'meta') {
        if (isRecord(value)) config.meta = { ...config.meta, ...value };
      } else if (key === 'enabled' && typeof value === 'string') {
        config[key] = value.trim().toLowerCase() !== 'false';
      } else if (['pre-hook', 'post-hook', 'pre_hook', 'post_hook'].includes(key)) {
        const hookKey = key.replace('_', '-');
        config[hookKey] = [...listKey(config[hookKey]), ...(Array.isArray(value) ? value : [value])];
      } else if (['grants', 'docs', 'persist_docs', 'quoting', 'column_types'].includes(key) && isRecord(value)) {
        config[key] = { ...(isRecord(config[key]) ? config[key] : {}), ...value };
      } else {
        config[key] = value;
      }
    }
  }

  /** dbt's fqn_search over a dbt_project.yml tree: the root, then one level per fqn part. */
  private projectLevels(tree: unknown, fqn: string[]): Record<string, unknown>[] {
    const levels: Record<string, unknown>[] = [];
    let level: unknown = tree;
    const collect = (node: Record<string, unknown>): void => {
      const configs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('+') || !isRecord(value)) configs[key] = value;
      }
      levels.push(configs);
    };
    if (!isRecord(level)) return levels;
    collect(level);
    for (const part of fqn) {
      const next: unknown = (level as Record<string, unknown>)[part];
      if (!isRecord(next)) break;
      collect(next);
      level = next;
    }
    return levels;
  }

  private baseConfig(
    project: ProjectInfo,
    tree: 'models' | 'seeds' | 'snapshots' | 'sources',
    fqn: string[],
    defaults: Record<string, unknown>,
  ): Config {
    const config: Config = { enabled: true, tags: [], meta: {}, ...defaults };
    // A package's own dbt_project.yml first, then the root project's, which may override it.
    const sourcesOfConfig = project.isRoot ? [project] : [project, this.root];
    for (const owner of sourcesOfConfig) {
      for (const level of this.projectLevels(owner.trees[tree], fqn)) this.merge(config, level, owner, owner.file);
    }
    return config;
  }

  private applyProperties(config: Config, entry: YamlEntry | undefined, project: ProjectInfo): void {
    if (!entry) return;
    const data = entry.data;
    // Older top-level property keys that dbt folds into config; an explicit `config:` block wins.
    const legacy: Record<string, unknown> = {};
    for (const key of ['meta', 'tags', 'group', 'access', 'docs']) if (data[key] !== undefined) legacy[key] = data[key];
    this.merge(config, legacy, project, entry.file);
    if (isRecord(data['config'])) this.merge(config, data['config'], project, entry.file);
  }

  private applyCalls(config: Config, calls: JinjaCalls, project: ProjectInfo, file: string): void {
    for (const call of calls.configs) this.merge(config, call.values, project, file);
  }

  private reportProblems(calls: JinjaCalls, file: string): void {
    for (const problem of calls.problems) this.diag(problem.severity, file, problem.line, problem.code, problem.message);
  }

  // --- nodes -------------------------------------------------------------------------------------

  private makeNode(args: {
    project: ProjectInfo;
    resourceType: 'model' | 'seed' | 'snapshot';
    name: string;
    file: string;
    pathInResource: string;
    fqn: string[];
    config: Config;
    rawCode: string;
    checksum: { name: string; checksum: string };
    description: string;
    version?: string | number | null;
    latestVersion?: string | number | null;
    language?: string;
    patchPath?: string | null;
  }): DbtNode {
    const { project, config } = args;
    const version = args.version ?? null;
    const uniqueId = `${args.resourceType}.${project.name}.${args.name}${version !== null ? `.v${version}` : ''}`;
    const customAlias = typeof config['alias'] === 'string' && config['alias'] ? config['alias'].trim() : null;
    // dbt's default generate_alias_name: the custom alias, else name_v<version> (dots as _), else name.
    const alias = customAlias ?? (version !== null ? `${args.name}_v${String(version).replace(/\./g, '_')}` : args.name);
    const group = typeof config['group'] === 'string' ? config['group'] : null;
    const access = typeof config['access'] === 'string' ? config['access'] : args.resourceType === 'model' ? 'protected' : null;
    return {
      unique_id: uniqueId,
      resource_type: args.resourceType,
      name: args.name,
      package_name: project.name,
      path: args.pathInResource,
      original_file_path: toPosix(relative(project.dir, args.file)),
      patch_path: args.patchPath ?? null,
      fqn: args.fqn,
      alias,
      version,
      latest_version: args.latestVersion ?? null,
      group,
      access,
      config: { ...config, schema: (config['schema'] as string | undefined) ?? null, alias: customAlias, group, materialized: (config['materialized'] as string | undefined) ?? null },
      // dbt copies a non-empty config.meta to the node's meta.
      meta: { ...config.meta },
      tags: [...config.tags],
      description: args.description,
      raw_code: args.rawCode,
      language: args.language ?? 'sql',
      checksum: args.checksum,
      depends_on: { nodes: [], macros: [] },
    };
  }

  private description(...entries: (Record<string, unknown> | undefined)[]): string {
    for (const entry of entries) if (entry && typeof entry['description'] === 'string') return entry['description'];
    return '';
  }

  private addNode(node: DbtNode, project: ProjectInfo, calls: JinjaCalls, file: string, line = 1): void {
    if (node.config?.enabled === false) {
      this.disabled.set(`${node.resource_type}:${project.name}:${node.name}`, node.unique_id);
      return;
    }
    if (line > 1) this.definitionLines[node.unique_id] = line;
    if (this.pending.some((p) => p.node.unique_id === node.unique_id)) {
      this.diag('error', file, line, 'dbt-duplicate-node', `dbt found two resources named '${node.unique_id}'; it refuses to parse the project.`);
      return;
    }
    this.pending.push({ node, project, calls, file });
  }

  readModels(project: ProjectInfo, yaml: ProjectYaml): void {
    interface ModelFile {
      file: string;
      base: string;
      stem: string;
      dirs: string[];
    }
    const files: ModelFile[] = [];
    for (const modelPath of project.modelPaths) {
      const base = join(project.dir, modelPath);
      for (const file of this.fs.listFiles(base)) {
        const ext = extname(file).toLowerCase();
        if (ext !== '.sql' && ext !== '.py') continue;
        const dirs = toPosix(relative(base, dirname(file))).split('/').filter((d) => d && d !== '.');
        files.push({ file, base, stem: basename(file, extname(file)), dirs });
      }
    }
    const byStem = new Map<string, ModelFile>();
    for (const file of files) if (!byStem.has(file.stem)) byStem.set(file.stem, file);

    // Versioned models: each version's file is `defined_in`, else <name>_v<v>; the latest may be <name>.
    const versionOf = new Map<string, { entry: YamlEntry; version: string | number; latest: string | number; data: Record<string, unknown> }>();
    for (const [name, entry] of yaml.models) {
      const versions = entry.data['versions'];
      if (!Array.isArray(versions) || versions.length === 0) continue;
      const ids = versions.filter(isRecord).map((v) => v['v']).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
      const explicitLatest = entry.data['latest_version'];
      const latest =
        typeof explicitLatest === 'string' || typeof explicitLatest === 'number'
          ? explicitLatest
          : [...ids].sort((a, b) => {
              const numeric = ids.every((v) => !Number.isNaN(Number(v)));
              return numeric ? Number(a) - Number(b) : String(a).localeCompare(String(b));
            })[ids.length - 1] ?? ids[0] ?? 0;
      for (const data of versions.filter(isRecord)) {
        const v = data['v'];
        if (typeof v !== 'string' && typeof v !== 'number') continue;
        let stem = typeof data['defined_in'] === 'string' ? data['defined_in'] : `${name}_v${v}`;
        if (!byStem.has(stem) && String(v) === String(latest) && byStem.has(name)) stem = name;
        if (!byStem.has(stem)) {
          this.diag('warning', entry.file, entry.line, 'dbt-version-file-missing', `Version ${v} of model '${name}' has no file '${stem}.sql'; dbt would fail to parse.`);
          continue;
        }
        versionOf.set(stem, { entry, version: v, latest, data });
      }
    }

    for (const modelFile of files) {
      if (byStem.get(modelFile.stem) !== modelFile) {
        this.diag('error', modelFile.file, 1, 'dbt-duplicate-node', `Another model file is also named '${modelFile.stem}'; dbt refuses duplicate model names.`);
        continue;
      }
      const text = this.fs.readText(modelFile.file);
      if (text === null) continue;
      const rawCode = pythonStrip(text);
      const python = extname(modelFile.file).toLowerCase() === '.py';
      const calls = python ? readPythonModelCalls(rawCode) : readJinjaCalls(rawCode);
      const versioned = versionOf.get(modelFile.stem);
      const name = versioned ? (versioned.entry.data['name'] as string) : modelFile.stem;
      if (!versioned && yaml.models.get(name)?.data['versions']) {
        this.diag('warning', modelFile.file, 1, 'dbt-unversioned-file', `'${name}' is a versioned model, but this file is not one of its versions; it was skipped.`);
        continue;
      }
      const fqn = [project.name, ...modelFile.dirs, name, ...(versioned ? [`v${versioned.version}`] : [])];
      const config = this.baseConfig(project, 'models', fqn, { materialized: 'view' });
      const entry = versioned?.entry ?? yaml.models.get(name);
      this.applyProperties(config, entry, project);
      if (versioned && isRecord(versioned.data['config'])) this.merge(config, versioned.data['config'], project, versioned.entry.file);
      this.applyCalls(config, calls, project, modelFile.file);
      this.reportProblems(calls, modelFile.file);
      const node = this.makeNode({
        project,
        resourceType: 'model',
        name,
        file: modelFile.file,
        pathInResource: [...modelFile.dirs, basename(modelFile.file)].join('/'),
        fqn,
        config,
        rawCode,
        checksum: { name: 'sha256', checksum: sha256Hex(rawCode) },
        description: this.description(versioned?.data, entry?.data),
        version: versioned?.version ?? null,
        latestVersion: versioned?.latest ?? null,
        language: python ? 'python' : 'sql',
        patchPath: entry ? `${project.name}://${entry.relPath}` : null,
      });
      this.addNode(node, project, calls, modelFile.file);
    }
  }

  readSeeds(project: ProjectInfo, yaml: ProjectYaml): void {
    for (const seedPath of project.seedPaths) {
      const base = join(project.dir, seedPath);
      for (const file of this.fs.listFiles(base)) {
        if (extname(file).toLowerCase() !== '.csv') continue;
        const text = this.fs.readText(file);
        if (text === null) continue;
        const name = basename(file, extname(file));
        const dirs = toPosix(relative(base, dirname(file))).split('/').filter((d) => d && d !== '.');
        const fqn = [project.name, ...dirs, name];
        const config = this.baseConfig(project, 'seeds', fqn, { materialized: 'seed' });
        const entry = yaml.seeds.get(name);
        this.applyProperties(config, entry, project);
        const originalFilePath = toPosix(relative(project.dir, file));
        // dbt hashes seeds up to 1 MiB; bigger ones get their path as the checksum.
        const checksum =
          Buffer.byteLength(text, 'utf8') > 1024 * 1024
            ? { name: 'path', checksum: originalFilePath }
            : { name: 'sha256', checksum: sha256Hex(pythonStrip(text)) };
        const node = this.makeNode({
          project,
          resourceType: 'seed',
          name,
          file,
          pathInResource: [...dirs, basename(file)].join('/'),
          fqn,
          config,
          rawCode: '',
          checksum,
          description: this.description(entry?.data),
          patchPath: entry ? `${project.name}://${entry.relPath}` : null,
        });
        this.addNode(node, project, { refs: [], sources: [], configs: [], problems: [] }, file);
      }
    }
  }

  readSnapshots(project: ProjectInfo, yaml: ProjectYaml): void {
    for (const snapshotPath of project.snapshotPaths) {
      const base = join(project.dir, snapshotPath);
      for (const file of this.fs.listFiles(base)) {
        if (extname(file).toLowerCase() !== '.sql') continue;
        const text = this.fs.readText(file);
        if (text === null) continue;
        const stripped = pythonStrip(text);
        // Offsets below are in the stripped text; the line shift puts them back in the file.
        const lineShift = text.slice(0, text.indexOf(stripped)).split('\n').length - 1;
        const rel = toPosix(relative(base, file));
        const relNoExt = rel.slice(0, rel.length - extname(rel).length).split('/');
        for (const block of findSnapshotBlocks(stripped)) {
          const fqn = [project.name, ...relNoExt, block.name];
          const config = this.baseConfig(project, 'snapshots', fqn, { materialized: 'snapshot' });
          const entry = yaml.snapshots.get(block.name);
          this.applyProperties(config, entry, project);
          const calls = readJinjaCalls(stripped, block.contentStart, block.contentEnd);
          this.applyCalls(config, calls, project, file);
          this.reportProblems(
            { ...calls, problems: calls.problems.map((p) => ({ ...p, line: p.line + lineShift })) },
            file,
          );
          const rawCode = stripped.slice(block.contentStart, block.contentEnd);
          const node = this.makeNode({
            project,
            resourceType: 'snapshot',
            name: block.name,
            file,
            pathInResource: rel,
            fqn,
            config,
            rawCode,
            checksum: { name: 'sha256', checksum: sha256Hex(stripped) },
            description: this.description(entry?.data),
            patchPath: entry ? `${project.name}://${entry.relPath}` : null,
          });
          this.addNode(node, project, calls, file, block.line + lineShift);
        }
      }
    }
    // dbt 1.9 snapshots defined in YAML: `relation:` names the table, raw_code is `select * from`.
    for (const [name, entry] of yaml.snapshots) {
      const relation = entry.data['relation'];
      if (typeof relation !== 'string') continue;
      if (this.pending.some((p) => p.node.resource_type === 'snapshot' && p.node.name === name && p.project === project)) continue;
      const rawCode = `select * from {{ ${relation} }}`;
      const calls = readJinjaCalls(rawCode);
      const stem = basename(entry.file, extname(entry.file));
      const fqn = [project.name, ...entry.dirs, stem, name];
      const config = this.baseConfig(project, 'snapshots', fqn, { materialized: 'snapshot' });
      this.applyProperties(config, entry, project);
      this.reportProblems({ ...calls, problems: calls.problems.map((p) => ({ ...p, line: entry.line })) }, entry.file);
      const node = this.makeNode({
        project,
        resourceType: 'snapshot',
        name,
        file: entry.file,
        pathInResource: [...entry.dirs, basename(entry.file)].join('/'),
        fqn,
        config,
        rawCode,
        checksum: { name: 'sha256', checksum: sha256Hex(rawCode) },
        description: this.description(entry.data),
      });
      this.addNode(node, project, calls, entry.file, entry.line);
    }
  }

  readSources(project: ProjectInfo, yaml: ProjectYaml): void {
    for (const entry of yaml.sources) {
      const source = entry.data;
      const sourceName = source['name'] as string;
      const tables = Array.isArray(source['tables']) ? source['tables'].filter(isRecord) : [];
      const sourceConfig = isRecord(source['config']) ? source['config'] : {};
      for (const table of tables) {
        if (typeof table['name'] !== 'string') continue;
        const name = table['name'];
        const fqn = [project.name, ...entry.dirs, sourceName, name];
        const config = this.baseConfig(project, 'sources', fqn, {});
        this.merge(config, sourceConfig, project, entry.file);
        if (isRecord(table['config'])) this.merge(config, table['config'], project, entry.file);
        // A table's meta lands on the source node's meta (and config.meta), the source's own in source_meta.
        const tableMeta = isRecord(table['meta']) ? table['meta'] : {};
        config.meta = { ...config.meta, ...tableMeta };
        const tags = [...new Set([...listKey(source['tags']), ...listKey(table['tags']), ...config.tags])].sort();
        const uniqueId = `source.${project.name}.${sourceName}.${name}`;
        if (config['enabled'] === false) {
          this.disabled.set(`source:${project.name}:${sourceName}.${name}`, uniqueId);
          continue;
        }
        this.sources.push({
          unique_id: uniqueId,
          resource_type: 'source',
          name,
          source_name: sourceName,
          package_name: project.name,
          path: entry.relPath,
          original_file_path: entry.relPath,
          fqn,
          schema: typeof source['schema'] === 'string' ? source['schema'] : sourceName,
          identifier: typeof table['identifier'] === 'string' ? table['identifier'] : name,
          config: { ...config, tags },
          meta: { ...tableMeta },
          source_meta: isRecord(source['meta']) ? source['meta'] : {},
          tags,
          description: typeof table['description'] === 'string' ? table['description'] : '',
          source_description: typeof source['description'] === 'string' ? source['description'] : '',
        });
      }
    }
  }

  readGroupsAndExposures(project: ProjectInfo, yaml: ProjectYaml): void {
    for (const entry of yaml.groups) {
      const owner = isRecord(entry.data['owner']) ? entry.data['owner'] : null;
      this.groups.push({
        name: entry.data['name'] as string,
        unique_id: `group.${project.name}.${entry.data['name']}`,
        resource_type: 'group',
        package_name: project.name,
        original_file_path: entry.relPath,
        owner: owner
          ? {
              email: typeof owner['email'] === 'string' || Array.isArray(owner['email']) ? (owner['email'] as string | string[]) : null,
              name: typeof owner['name'] === 'string' ? owner['name'] : null,
            }
          : null,
      });
    }
    for (const entry of yaml.exposures) {
      const dependsOn = listKey(entry.data['depends_on']);
      const calls = readJinjaCalls(dependsOn.map((d) => (d.includes('{{') ? d : `{{ ${d} }}`)).join('\n'));
      const exposure: DbtNode = {
        unique_id: `exposure.${project.name}.${entry.data['name']}`,
        resource_type: 'exposure',
        name: entry.data['name'] as string,
        package_name: project.name,
        path: entry.relPath,
        original_file_path: entry.relPath,
        fqn: [project.name, ...entry.dirs, entry.data['name'] as string],
        tags: listKey(entry.data['tags']),
        meta: isRecord(entry.data['meta']) ? entry.data['meta'] : {},
        config: { enabled: true },
        depends_on: { nodes: [] },
      };
      this.exposures.push(exposure);
      this.pending.push({ node: exposure, project, calls: { ...calls, configs: [] }, file: entry.file });
    }
  }

  // --- dependencies ------------------------------------------------------------------------------

  private resolveRef(ref: JinjaCalls['refs'][number], from: PendingNode): string | null {
    const candidates = this.pending.filter(
      (p) => p.node.name === ref.name && ['model', 'seed', 'snapshot'].includes(p.node.resource_type),
    );
    // dbt searches the root project, then the referring node's package, then any package.
    const packages = ref.package
      ? [ref.package]
      : from.project.isRoot
        ? [this.root.name, null]
        : [this.root.name, from.project.name, null];
    for (const pkg of packages) {
      const inPackage = candidates.filter((c) => pkg === null || c.project.name === pkg);
      if (inPackage.length === 0) continue;
      const versioned = inPackage.filter((c) => c.node.version !== null && c.node.version !== undefined);
      if (versioned.length === 0) return inPackage[0]?.node.unique_id ?? null;
      const wanted = ref.version ?? versioned[0]?.node.latest_version ?? null;
      const match = versioned.find((c) => String(c.node.version) === String(wanted));
      if (match) return match.node.unique_id;
      return null;
    }
    return null;
  }

  private resolveSource(call: JinjaCalls['sources'][number], from: PendingNode): string | null {
    const matches = this.sources.filter((s) => s.source_name === call.sourceName && s.name === call.tableName);
    return (matches.find((s) => s.package_name === from.project.name) ?? matches[0])?.unique_id ?? null;
  }

  resolveDependencies(): void {
    for (const pending of this.pending) {
      const nodes: string[] = [];
      for (const ref of pending.calls.refs) {
        const id = this.resolveRef(ref, pending);
        if (id) {
          if (!nodes.includes(id) && id !== pending.node.unique_id) nodes.push(id);
          continue;
        }
        const disabled = [...this.disabled.entries()].find(([key]) => key.endsWith(`:${ref.name}`) && !key.startsWith('source:'));
        this.diag(
          'warning',
          pending.file,
          ref.line,
          disabled ? 'dbt-ref-disabled' : 'dbt-ref-unresolved',
          disabled
            ? `ref('${ref.name}') points at a disabled node; dbt fails to compile this ${pending.node.resource_type}.`
            : `ref(${ref.package ? `'${ref.package}', ` : ''}'${ref.name}'${ref.version !== null ? `, v=${ref.version}` : ''}) matches no model, seed or snapshot in this project or its installed packages.`,
        );
      }
      for (const call of pending.calls.sources) {
        const id = this.resolveSource(call, pending);
        if (id) {
          if (!nodes.includes(id)) nodes.push(id);
          continue;
        }
        this.diag('warning', pending.file, call.line, 'dbt-source-unresolved', `source('${call.sourceName}', '${call.tableName}') is not declared in any sources: YAML entry.`);
      }
      pending.node.depends_on = { ...(pending.node.depends_on ?? {}), nodes };
    }
  }

  manifest(): DbtManifest {
    const nodes: Record<string, DbtNode> = {};
    const exposures: Record<string, DbtNode> = {};
    for (const { node } of this.pending) {
      if (node.resource_type === 'exposure') exposures[node.unique_id] = node;
      else nodes[node.unique_id] = node;
    }
    const sources: Record<string, DbtSource> = {};
    for (const source of this.sources) sources[source.unique_id] = source;
    const groups: Record<string, DbtGroup> = {};
    for (const group of this.groups) groups[String(group['unique_id'])] = group;
    const parentMap: Record<string, string[]> = {};
    const childMap: Record<string, string[]> = {};
    for (const id of [...Object.keys(nodes), ...Object.keys(sources), ...Object.keys(exposures)]) {
      parentMap[id] = [];
      childMap[id] = [];
    }
    for (const entity of [...Object.values(nodes), ...Object.values(exposures)]) {
      for (const parent of entity.depends_on?.nodes ?? []) {
        parentMap[entity.unique_id]?.push(parent);
        childMap[parent]?.push(entity.unique_id);
      }
    }
    return {
      metadata: { project_name: this.root.name, dbt_version: null, generated_by: 'asset-lineage static project reader' },
      nodes,
      sources,
      exposures,
      metrics: {},
      semantic_models: {},
      saved_queries: {},
      unit_tests: {},
      groups,
      parent_map: parentMap,
      child_map: childMap,
      projectDir: this.root.dir,
      definitionLines: this.definitionLines,
      packageDirs: Object.fromEntries(this.projects.filter((p) => !p.isRoot).map((p) => [p.name, p.dir])),
    };
  }
}

function loadProjectInfo(
  dir: string,
  fs: DbtFileSystem,
  isRoot: boolean,
  diagnostics: DbtDiagnostic[],
): ProjectInfo | null {
  const file = join(dir, 'dbt_project.yml');
  const text = fs.readText(file);
  if (text === null) {
    if (isRoot) {
      diagnostics.push({ severity: 'error', file, line: 0, code: 'dbt-project-missing', message: 'There is no dbt_project.yml in this folder.' });
    }
    return null;
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    diagnostics.push({
      severity: 'error',
      file,
      line: error?.linePos?.[0]?.line ?? 0,
      code: 'dbt-project-invalid',
      message: `dbt_project.yml cannot be read (${error?.message.split('\n')[0]}).`,
    });
    return null;
  }
  const parsed = yamlData(doc, 1000);
  if (!parsed.ok) {
    diagnostics.push({ severity: 'error', file, line: 0, code: 'dbt-project-invalid', message: `dbt_project.yml cannot be read (${parsed.message.split('\n')[0]}).` });
    return null;
  }
  const data = parsed.value;
  if (!isRecord(data) || typeof data['name'] !== 'string' || !data['name']) {
    diagnostics.push({ severity: 'error', file, line: 0, code: 'dbt-project-invalid', message: 'dbt_project.yml has no project name.' });
    return null;
  }
  const name = data['name'];
  const rawVars = isRecord(data['vars']) ? data['vars'] : {};
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawVars)) if (!isRecord(value)) vars[key] = value;
  if (isRecord(rawVars[name])) Object.assign(vars, rawVars[name]);
  return {
    dir,
    file,
    name,
    isRoot,
    modelPaths: pathList(data['model-paths'] ?? data['source-paths'], ['models']),
    seedPaths: pathList(data['seed-paths'] ?? data['data-paths'], ['seeds']),
    snapshotPaths: pathList(data['snapshot-paths'], ['snapshots']),
    analysisPaths: pathList(data['analysis-paths'], []),
    packagesInstallPath:
      typeof data['packages-install-path'] === 'string'
        ? data['packages-install-path']
        : typeof data['modules-path'] === 'string'
          ? data['modules-path']
          : 'dbt_packages',
    trees: { models: data['models'], seeds: data['seeds'], snapshots: data['snapshots'], sources: data['sources'] },
    vars,
  };
}

/**
 * The manifest `dbt parse` would write for the project in `projectDir`, read from its files.
 * Installed packages (dbt_packages/) are read too, so refs into them resolve.
 */
export function manifestFromProject(
  projectDir: string,
  fs: DbtFileSystem,
): { manifest: DbtManifest | null; diagnostics: DbtDiagnostic[] } {
  const diagnostics: DbtDiagnostic[] = [];
  const root = loadProjectInfo(projectDir, fs, true, diagnostics);
  if (!root) return { manifest: null, diagnostics };

  const projects = [root];
  const packagesDir = join(projectDir, root.packagesInstallPath);
  for (const file of fs.listFiles(packagesDir)) {
    const rel = toPosix(relative(packagesDir, file)).split('/');
    if (rel.length !== 2 || rel[1] !== 'dbt_project.yml') continue;
    const pkg = loadProjectInfo(dirname(file), fs, false, diagnostics);
    if (pkg && pkg.name !== root.name) projects.push(pkg);
  }

  const reader = new ProjectReader(fs, root, projects);
  for (const project of projects) {
    const yaml = reader.readProjectYaml(project);
    reader.readSources(project, yaml);
    reader.readModels(project, yaml);
    reader.readSeeds(project, yaml);
    reader.readSnapshots(project, yaml);
    reader.readGroupsAndExposures(project, yaml);
  }
  reader.resolveDependencies();
  return { manifest: reader.manifest(), diagnostics: [...diagnostics, ...reader.diagnostics] };
}
