import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { DbtDiagnostic, DbtFileSystem } from './dbtFileSystem';
import { isRecord } from './dbtText';

/**
 * The part of dbt's `target/manifest.json` this extension reads, validated with zod.
 *
 * Every field is optional or nullable and every object passes unknown keys through: manifests from
 * dbt 1.5 to 1.9 (schema v9 to v12) differ in many fields we never read, and dbt Fusion writes a
 * few fields as null that dbt-core omits. Entries are validated one by one, so a single odd node
 * costs a warning, not the whole project.
 */

const looseRecord = z.record(z.unknown());

export const dbtNodeConfigSchema = z
  .object({
    enabled: z.boolean().nullish(),
    materialized: z.string().nullish(),
    schema: z.string().nullish(),
    alias: z.string().nullish(),
    group: z.string().nullish(),
    access: z.string().nullish(),
    meta: looseRecord.nullish(),
    tags: z.union([z.array(z.string()), z.string()]).nullish(),
  })
  .passthrough();

const versionSchema = z.union([z.string(), z.number()]);

/** A model, seed, snapshot, test, analysis, ... and also exposures, metrics and semantic models. */
export const dbtNodeSchema = z
  .object({
    unique_id: z.string(),
    resource_type: z.string(),
    name: z.string(),
    package_name: z.string().nullish(),
    original_file_path: z.string().nullish(),
    path: z.string().nullish(),
    patch_path: z.string().nullish(),
    /** dbt < 1.5 wrote the absolute project folder on every node. */
    root_path: z.string().nullish(),
    fqn: z.array(z.string()).nullish(),
    alias: z.string().nullish(),
    version: versionSchema.nullish(),
    latest_version: versionSchema.nullish(),
    group: z.string().nullish(),
    access: z.string().nullish(),
    config: dbtNodeConfigSchema.nullish(),
    meta: looseRecord.nullish(),
    tags: z.array(z.string()).nullish(),
    description: z.string().nullish(),
    raw_code: z.string().nullish(),
    /** dbt < 1.3 called raw_code raw_sql. */
    raw_sql: z.string().nullish(),
    language: z.string().nullish(),
    checksum: z.object({ name: z.string().nullish(), checksum: z.string().nullish() }).passthrough().nullish(),
    depends_on: z.object({ nodes: z.array(z.string()).nullish() }).passthrough().nullish(),
    test_metadata: z.object({ name: z.string().nullish() }).passthrough().nullish(),
  })
  .passthrough();

export const dbtSourceSchema = dbtNodeSchema.extend({
  source_name: z.string(),
  source_meta: looseRecord.nullish(),
});

export const dbtGroupSchema = z
  .object({
    name: z.string(),
    owner: z
      .object({ email: z.union([z.string(), z.array(z.string())]).nullish(), name: z.string().nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export type DbtNode = z.infer<typeof dbtNodeSchema>;
export type DbtSource = z.infer<typeof dbtSourceSchema>;
export type DbtGroup = z.infer<typeof dbtGroupSchema>;
export type DbtNodeConfig = z.infer<typeof dbtNodeConfigSchema>;

export const dbtManifestMetadataSchema = z
  .object({
    project_name: z.string().nullish(),
    dbt_version: z.string().nullish(),
    dbt_schema_version: z.string().nullish(),
    adapter_type: z.string().nullish(),
  })
  .passthrough();

export interface DbtManifest {
  metadata: z.infer<typeof dbtManifestMetadataSchema>;
  nodes: Record<string, DbtNode>;
  sources: Record<string, DbtSource>;
  exposures: Record<string, DbtNode>;
  metrics: Record<string, DbtNode>;
  semantic_models: Record<string, DbtNode>;
  saved_queries: Record<string, DbtNode>;
  unit_tests: Record<string, DbtNode>;
  groups: Record<string, DbtGroup>;
  parent_map: Record<string, string[]> | null;
  child_map: Record<string, string[]> | null;
  /**
   * Not part of dbt's format: the folder holding `dbt_project.yml`, when it is known. Node files
   * are `projectDir + original_file_path`.
   */
  projectDir: string | null;
  /** Not part of dbt's format: 1-based line of a node's definition when it is not line 1. */
  definitionLines: Record<string, number>;
  /**
   * Not part of dbt's format: folders of installed packages by package name. A package node's
   * original_file_path is relative to its package; without an entry, `dbt_packages/<name>` is assumed.
   */
  packageDirs: Record<string, string>;
}

const topLevelSchema = z
  .object({
    metadata: dbtManifestMetadataSchema.nullish(),
    nodes: z.record(z.unknown()),
    sources: z.record(z.unknown()).nullish(),
    exposures: z.record(z.unknown()).nullish(),
    metrics: z.record(z.unknown()).nullish(),
    semantic_models: z.record(z.unknown()).nullish(),
    saved_queries: z.record(z.unknown()).nullish(),
    unit_tests: z.record(z.unknown()).nullish(),
    groups: z.record(z.unknown()).nullish(),
    parent_map: z.record(z.array(z.string())).nullish(),
    child_map: z.record(z.array(z.string())).nullish(),
  })
  .passthrough();

function parseEntries<T>(
  raw: Record<string, unknown> | null | undefined,
  schema: z.ZodType<T>,
  collection: string,
  file: string,
  diagnostics: DbtDiagnostic[],
): Record<string, T> {
  const out: Record<string, T> = {};
  const rejected: string[] = [];
  let firstProblem = '';
  for (const [id, value] of Object.entries(raw ?? {})) {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      out[id] = parsed.data;
    } else {
      rejected.push(id);
      if (!firstProblem) {
        const issue = parsed.error.issues[0];
        firstProblem = issue ? `${issue.path.join('.') || '(entry)'}: ${issue.message}` : 'invalid';
      }
    }
  }
  if (rejected.length > 0) {
    diagnostics.push({
      severity: 'warning',
      file,
      line: 0,
      code: 'dbt-manifest-entry-skipped',
      message:
        `Skipped ${rejected.length} ${collection} entr${rejected.length === 1 ? 'y' : 'ies'} of the manifest ` +
        `that do not have the expected shape (first: '${rejected[0]}', ${firstProblem}).`,
    });
  }
  return out;
}

/**
 * Validates parsed JSON as a manifest. `file` is only used in diagnostics. Returns null (with an
 * error diagnostic) when the value is not a dbt manifest at all.
 */
export function parseDbtManifest(
  json: unknown,
  file: string,
): { manifest: DbtManifest | null; diagnostics: DbtDiagnostic[] } {
  const diagnostics: DbtDiagnostic[] = [];
  const top = topLevelSchema.safeParse(json);
  if (!top.success) {
    const hint = isRecord(json) && typeof json['metadata'] === 'object' && isRecord(json['metadata'])
      ? ` (its metadata says ${JSON.stringify(json['metadata']['dbt_schema_version'] ?? 'nothing')})`
      : '';
    const issue = top.error.issues[0];
    diagnostics.push({
      severity: 'error',
      file,
      line: 0,
      code: 'dbt-manifest-invalid',
      message:
        `This file is not a dbt manifest.json${hint}: ` +
        (issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unexpected shape') +
        '. Run `dbt parse` to write target/manifest.json.',
    });
    return { manifest: null, diagnostics };
  }
  const data = top.data;
  const manifest: DbtManifest = {
    metadata: data.metadata ?? {},
    nodes: parseEntries(data.nodes, dbtNodeSchema, 'node', file, diagnostics),
    sources: parseEntries(data.sources, dbtSourceSchema, 'source', file, diagnostics),
    exposures: parseEntries(data.exposures, dbtNodeSchema, 'exposure', file, diagnostics),
    metrics: parseEntries(data.metrics, dbtNodeSchema, 'metric', file, diagnostics),
    semantic_models: parseEntries(data.semantic_models, dbtNodeSchema, 'semantic model', file, diagnostics),
    saved_queries: parseEntries(data.saved_queries, dbtNodeSchema, 'saved query', file, diagnostics),
    unit_tests: parseEntries(data.unit_tests, dbtNodeSchema, 'unit test', file, diagnostics),
    groups: parseEntries(data.groups, dbtGroupSchema, 'group', file, diagnostics),
    parent_map: data.parent_map ?? null,
    child_map: data.child_map ?? null,
    projectDir: null,
    definitionLines: {},
    packageDirs: {},
  };
  return { manifest, diagnostics };
}

/**
 * Reads and validates `manifest.json`. The project folder is taken to be the parent of the
 * manifest's folder (dbt writes `<project>/target/manifest.json`) when a dbt_project.yml is there.
 * Snapshot nodes get the line of their `{% snapshot %}` tag, read from the snapshot file.
 */
export function readDbtManifest(
  manifestPath: string,
  fs: DbtFileSystem,
): { manifest: DbtManifest | null; diagnostics: DbtDiagnostic[] } {
  const text = fs.readText(manifestPath);
  if (text === null) {
    return {
      manifest: null,
      diagnostics: [
        {
          severity: 'error',
          file: manifestPath,
          line: 0,
          code: 'dbt-manifest-missing',
          message: 'The dbt manifest does not exist. Run `dbt parse` to write it, or let the scan read the project files.',
        },
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 names either an offset or a line, depending on its version.
    const position = /position (\d+)/.exec(message);
    const lineMatch = /line (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : lineMatch ? Number(lineMatch[1]) : 0;
    return {
      manifest: null,
      diagnostics: [
        {
          severity: 'error',
          file: manifestPath,
          line,
          code: 'dbt-manifest-invalid-json',
          message: `The dbt manifest is not valid JSON (${message}). It may have been cut off while dbt was writing it.`,
        },
      ],
    };
  }
  const result = parseDbtManifest(json, manifestPath);
  if (result.manifest) {
    result.manifest.projectDir = findProjectDir(manifestPath, result.manifest, fs);
    if (result.manifest.projectDir) addSnapshotLines(result.manifest, result.manifest.projectDir, fs);
  }
  return result;
}

function findProjectDir(manifestPath: string, manifest: DbtManifest, fs: DbtFileSystem): string | null {
  const targetDir = dirname(manifestPath);
  for (const candidate of [dirname(targetDir), targetDir]) {
    if (fs.readText(join(candidate, 'dbt_project.yml')) !== null) return candidate;
  }
  for (const node of Object.values(manifest.nodes)) {
    if (node.root_path && node.package_name === manifest.metadata.project_name) return node.root_path;
  }
  return null;
}

function addSnapshotLines(manifest: DbtManifest, projectDir: string, fs: DbtFileSystem): void {
  const texts = new Map<string, string | null>();
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type !== 'snapshot' || !node.original_file_path) continue;
    if (node.package_name && node.package_name !== manifest.metadata.project_name) continue;
    const path = join(projectDir, node.original_file_path);
    if (!texts.has(path)) texts.set(path, fs.readText(path));
    const text = texts.get(path);
    if (!text) continue;
    const line = snapshotTagLine(text, node.name);
    if (line > 1) manifest.definitionLines[node.unique_id] = line;
  }
}

/** Line of `{% snapshot name %}` (or of `- name: name` in a YAML snapshot file), 0 when absent. */
export function snapshotTagLine(text: string, name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tag = new RegExp(`\\{%-?\\s*snapshot\\s+${escaped}\\s*-?%\\}`).exec(text);
  const yml = tag ? null : new RegExp(`^\\s*-\\s*name:\\s*["']?${escaped}["']?\\s*$`, 'm').exec(text);
  const match = tag ?? yml;
  return match ? text.slice(0, match.index + (match[0].length - match[0].trimStart().length)).split('\n').length : 0;
}

/** Every selectable entity of the manifest by unique id: nodes, sources, exposures, metrics, ... */
export function manifestEntity(manifest: DbtManifest, uniqueId: string): DbtNode | DbtSource | undefined {
  return (
    manifest.nodes[uniqueId] ??
    manifest.sources[uniqueId] ??
    manifest.exposures[uniqueId] ??
    manifest.metrics[uniqueId] ??
    manifest.semantic_models[uniqueId] ??
    manifest.saved_queries[uniqueId] ??
    manifest.unit_tests[uniqueId]
  );
}

export function allManifestEntities(manifest: DbtManifest): (DbtNode | DbtSource)[] {
  return [
    ...Object.values(manifest.nodes),
    ...Object.values(manifest.sources),
    ...Object.values(manifest.exposures),
    ...Object.values(manifest.metrics),
    ...Object.values(manifest.semantic_models),
    ...Object.values(manifest.saved_queries),
    ...Object.values(manifest.unit_tests),
  ];
}

export function isDbtSource(entity: DbtNode | DbtSource): entity is DbtSource {
  return entity.resource_type === 'source' && typeof (entity as DbtSource).source_name === 'string';
}
