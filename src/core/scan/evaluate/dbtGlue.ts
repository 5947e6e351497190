import { dirname, isAbsolute, resolve as resolvePath, sep } from 'node:path';
import type { BackfillPolicy } from '../../model/graph';
import { isTimeWindow, type PartitionsDefinition } from '../../model/partitions';
import { dbtAssetSpecs, type DbtOptions } from '../dbt/dbtAssetSpecs';
import type { DbtFileSystem } from '../dbt/dbtFileSystem';
import { readDbtManifest, type DbtManifest } from '../dbt/dbtManifest';
import { manifestFromProject } from '../dbt/dbtProject';
import type { FunctionDef } from '../ir';
import type { ApiContext } from './dagsterApi';
import type { Interpreter } from './interpreter';
import type { Complain } from './partitionsApi';
import { arg, asString, isAbsent } from './pyValues';
import { unknownValue, type CallArgs, type ModuleRef, type SpecValue, type Value } from './values';

export interface DbtSite {
  /** Where the `@dbt_assets` (or component) is declared. */
  file: string;
  line: number;
  opName: string;
  partitions: PartitionsDefinition | null;
  backfillPolicy: BackfillPolicy | null;
}

/**
 * Asset specs of a dbt project: from `manifest.json` when it exists, otherwise from the project's
 * own files, which give the same keys (§1.10).
 */
export function dbtSpecsForProject(
  project: { projectDir: string | null; manifestPath: string | null },
  options: DbtOptions,
  site: DbtSite,
  interpreter: Interpreter,
): SpecValue[] {
  const host = interpreter.host;
  const outside = [project.manifestPath, project.projectDir].find((p) => p !== null && p !== host.root && !p.startsWith(host.root + sep));
  if (outside) {
    interpreter.report(
      'warning',
      site.file,
      site.line,
      `the dbt project (${outside}) is outside the scanned folder, so its assets are not shown; open a folder that contains both`,
      'dbt-outside-workspace',
    );
    return [];
  }
  const fs: DbtFileSystem = { readText: (p) => host.readText(p), listFiles: (d) => host.listFiles(d) };
  let manifest: DbtManifest | null = null;
  const report = (d: { severity: 'error' | 'warning' | 'info'; file: string; line: number; message: string; code: string }): void =>
    interpreter.report(d.severity, d.file, d.line, d.message, d.code);
  if (project.manifestPath && host.readText(project.manifestPath) !== null) {
    const read = readDbtManifest(project.manifestPath, fs);
    read.diagnostics.forEach(report);
    manifest = read.manifest;
  }
  const projectDir = project.projectDir ?? (project.manifestPath ? dirname(dirname(project.manifestPath)) : null);
  if (!manifest && projectDir) {
    if (project.manifestPath) {
      interpreter.report(
        'info',
        site.file,
        site.line,
        `dbt manifest ${project.manifestPath} does not exist yet; the assets are read from the dbt project's files instead`,
        'dbt-manifest-missing',
      );
    }
    const built = manifestFromProject(projectDir, fs);
    built.diagnostics.forEach(report);
    manifest = built.manifest;
  }
  if (!manifest) {
    interpreter.report('warning', site.file, site.line, 'the dbt project of @dbt_assets could not be found', 'dbt-project-missing');
    return [];
  }
  const result = dbtAssetSpecs(manifest, { ...options, ...(projectDir ? { projectDir } : {}), definitionFile: site.file });
  result.diagnostics.forEach(report);
  // dagster-dbt defaults to a single-run backfill policy for time-window partitioned dbt assets.
  const backfillPolicy: BackfillPolicy | null =
    site.backfillPolicy ?? (site.partitions && isTimeWindow(site.partitions) ? { type: 'single_run' } : null);
  return result.assets.map((asset) => ({
    key: asset.key,
    deps: asset.deps.map((d) => ({ key: d.key, mapping: null, carriesData: false })),
    group: asset.group,
    partitions: site.partitions,
    codeVersion: asset.codeVersion,
    backfillPolicy,
    description: asset.description,
    owners: asset.owners,
    tags: Object.fromEntries(asset.tags.map((t) => [t, ''])),
    kinds: ['dbt'],
    automationCondition: null,
    metadata: { 'dbt/unique_id': asset.uniqueId, ...(asset.materialized ? { 'dbt/materialized': asset.materialized } : {}) },
    kind: 'dbt',
    file: asset.file,
    line: asset.line,
    opName: site.opName,
    sourceHash: asset.codeVersion,
    origin: `dbt:${asset.uniqueId}:${JSON.stringify(asset.key)}`,
  }));
}

export function dbtAssetsFromDecorator(call: CallArgs, def: FunctionDef, module: ModuleRef, ctx: ApiContext, complain: Complain): Value {
  const manifestArg = arg(call, 0, 'manifest');
  const projectArg = call.kwargs.get('project');
  let manifestPath: string | null = null;
  let projectDir: string | null = projectArg?.k === 'dbtProject' ? projectArg.projectDir : null;
  if (manifestArg?.k === 'path') manifestPath = manifestArg.path;
  else if (manifestArg?.k === 'str') manifestPath = isAbsolute(manifestArg.v) ? manifestArg.v : resolvePath(dirname(module.file), manifestArg.v);
  else if (manifestArg?.k === 'dbtProject') {
    manifestPath = manifestArg.manifestPath;
    projectDir = manifestArg.projectDir;
  } else if (projectArg?.k === 'dbtProject') manifestPath = projectArg.manifestPath;
  if (!manifestPath && !projectDir) {
    complain('warning', 'the manifest of @dbt_assets cannot be read statically', 'unresolved-argument');
    return unknownValue('@dbt_assets with an unreadable manifest');
  }
  const translator = call.kwargs.get('dagster_dbt_translator');
  let keyPrefix: string[] = [];
  let sourceKeyPrefix: string[] = [];
  if (translator?.k === 'translator') {
    keyPrefix = translator.keyPrefix;
    sourceKeyPrefix = translator.sourceKeyPrefix;
    if (translator.custom) {
      complain('warning', `custom translator ${translator.custom}: asset keys are shown as the default translator makes them and may differ`, 'custom-translator');
    }
  } else if (!isAbsent(translator)) {
    complain('warning', 'the dagster_dbt_translator cannot be read statically; asset keys may differ', 'custom-translator');
  }
  const partitionsValue = call.kwargs.get('partitions_def');
  const backfillValue = call.kwargs.get('backfill_policy');
  const specs = dbtSpecsForProject(
    { projectDir, manifestPath },
    {
      select: asString(call.kwargs.get('select')) ?? 'fqn:*',
      exclude: asString(call.kwargs.get('exclude')),
      keyPrefix,
      sourceKeyPrefix,
    },
    {
      file: module.file,
      line: def.line,
      opName: asString(call.kwargs.get('name')) ?? def.name,
      partitions: partitionsValue?.k === 'partitions' ? partitionsValue.def : null,
      backfillPolicy: backfillValue?.k === 'backfill' ? backfillValue.policy : null,
    },
    ctx.interpreter,
  );
  return { k: 'assets', def: { specs, isSourceLike: false } };
}
