import { isAbsolute, join } from 'node:path';
import type { DbtDiagnostic } from './dbtFileSystem';
import { isDbtSource, manifestEntity, type DbtManifest, type DbtNode, type DbtSource } from './dbtManifest';
import { selectDbtUniqueIds } from './dbtSelection';
import { isRecord, sha1Hex } from './dbtText';

/**
 * The asset specs `@dbt_assets(manifest=..., select=..., exclude=..., dagster_dbt_translator=...)`
 * builds, computed from a manifest without Python. Each rule is a port of dagster-dbt:
 * `build_dbt_specs`, `get_upstream_unique_ids`, `is_non_asset_node` (asset_utils.py) and
 * `DagsterDbtTranslator.get_asset_spec` with the default_* functions it calls.
 */

export interface DbtAssetSpec {
  key: string[];
  /** e.g. "model.jaffle.orders" */
  uniqueId: string;
  resourceType: 'model' | 'seed' | 'snapshot';
  name: string;
  /** meta.dagster.group, else config.group, else null (Dagster then uses "default"). */
  group: string | null;
  /** sha1 hex of raw_code/raw_sql, else checksum.checksum. */
  codeVersion: string | null;
  description: string | null;
  /** dbt tags that are valid Dagster tag keys (dagster-dbt drops the others). */
  tags: string[];
  /** meta.dagster.owners, else the email of the owner of the node's dbt group. */
  owners: string[];
  /** Upstream asset keys (models/seeds/snapshots and sources), found through ephemeral models. */
  deps: { key: string[]; uniqueId: string }[];
  /** Absolute path of the node's original file (project dir + original_file_path). */
  file: string;
  /** 1, or the line of the definition when it is not the first line (snapshot blocks, YAML snapshots). */
  line: number;
  materialized: string | null;
}

export interface DbtOptions {
  /** dbt selection string; dagster-dbt's default is "fqn:*". */
  select?: string;
  exclude?: string | null;
  /** KeyPrefixDagsterDbtTranslator(asset_key_prefix=...): prepended to model, seed and snapshot keys. */
  keyPrefix?: string[];
  /** KeyPrefixDagsterDbtTranslator(source_asset_key_prefix=...): prepended to source keys. */
  sourceKeyPrefix?: string[];
  /** Folder of dbt_project.yml, when the manifest does not know it. */
  projectDir?: string;
  /** Where selection diagnostics point, e.g. the Python file holding @dbt_assets. */
  definitionFile?: string;
}

export const dbtAssetResourceTypes = ['model', 'seed', 'snapshot'] as const;
type AssetResourceType = (typeof dbtAssetResourceTypes)[number];

function isAssetResourceType(value: string): value is AssetResourceType {
  return (dbtAssetResourceTypes as readonly string[]).includes(value);
}

/** Python truthiness of a JSON value, which is what dagster-dbt's `if x:` tests. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

function dagsterMeta(meta: unknown): Record<string, unknown> {
  const dagster = isRecord(meta) ? meta['dagster'] : undefined;
  return isRecord(dagster) ? dagster : {};
}

/**
 * dagster-dbt's default_asset_key_fn, first match wins:
 * 1. `asset_key` under meta.dagster, read from config.meta when that is non-empty, else from meta;
 * 2. a source: [source_name, name];
 * 3. a versioned model: [alias];
 * 4. config.schema set (even ""): [schema, name];
 * 5. [name].
 */
export function defaultDbtAssetKey(props: DbtNode | DbtSource): string[] {
  const meta = truthy(props.config?.meta) ? props.config?.meta : props.meta;
  const assetKey = dagsterMeta(meta)['asset_key'];
  if (truthy(assetKey)) {
    // AssetKey("a/b") is ONE component; a list is the path.
    return Array.isArray(assetKey) ? assetKey.map((part) => String(part)) : [String(assetKey)];
  }
  if (isDbtSource(props)) return [props.source_name, props.name];
  if (truthy(props.version)) return [props.alias ?? props.name];
  const schema = props.config?.schema;
  if (schema !== null && schema !== undefined) return [schema, props.name];
  return [props.name];
}

/** KeyPrefixDagsterDbtTranslator.get_asset_key: the prefix wraps whatever the default produced. */
export function dbtAssetKey(props: DbtNode | DbtSource, options: Pick<DbtOptions, 'keyPrefix' | 'sourceKeyPrefix'>): string[] {
  const base = defaultDbtAssetKey(props);
  const prefix = props.resource_type === 'source' ? options.sourceKeyPrefix : options.keyPrefix;
  return [...(prefix ?? []), ...base];
}

/** default_group_from_dbt_resource_props: reads the node's `meta`, not config.meta. */
export function defaultDbtGroup(props: DbtNode | DbtSource): string | null {
  const group = dagsterMeta(props.meta)['group'];
  if (truthy(group)) return String(group);
  const dbtGroup = props.config?.group;
  if (truthy(dbtGroup)) return String(dbtGroup);
  return null;
}

/** default_code_version_fn. */
export function defaultDbtCodeVersion(props: DbtNode | DbtSource): string | null {
  const code = props.raw_sql || props.raw_code;
  if (code) return sha1Hex(code);
  return props.checksum?.checksum ?? null;
}

function defaultOwners(props: DbtNode | DbtSource, manifest: DbtManifest): string[] {
  const owners = dagsterMeta(props.meta)['owners'];
  if (truthy(owners)) return Array.isArray(owners) ? owners.map((o) => String(o)) : [String(owners)];
  // The owner of the node's dbt group (the top-level `group` field names it).
  const groupName = props.group;
  if (!groupName) return [];
  const group = Object.values(manifest.groups).find((g) => g.name === groupName);
  const email = group?.owner?.email;
  if (!email) return [];
  return Array.isArray(email) ? email : [email];
}

// dagster's VALID_TAG_KEY_REGEX; dagster-dbt keeps only tags that pass it.
const validTagKey = /^([A-Za-z0-9_.-]{1,63}\/|dagster\/kind\/)?[A-Za-z0-9_.-]{1,63}$/;

/** is_non_asset_node: nodes dagster-dbt looks through to find real parents. */
function isNonAssetNode(props: DbtNode | DbtSource): boolean {
  const type = props.resource_type;
  return (
    type === 'metric' ||
    type === 'semantic_model' ||
    type === 'saved_query' ||
    (type === 'model' && props.config?.materialized === 'ephemeral')
  );
}

function isValidUpstream(props: DbtNode | DbtSource): boolean {
  return isAssetResourceType(props.resource_type) || props.resource_type === 'source';
}

/**
 * get_upstream_unique_ids: the node's depends_on, with ephemeral models, metrics, semantic models
 * and saved queries replaced by their own parents (searched until a real asset or source).
 */
export function dbtUpstreamUniqueIds(
  manifest: DbtManifest,
  props: DbtNode | DbtSource,
  missing: (id: string) => void = () => undefined,
): string[] {
  const out: string[] = [];
  const add = (id: string): void => {
    if (!out.includes(id)) out.push(id);
  };
  for (const parentId of props.depends_on?.nodes ?? []) {
    const parent = manifestEntity(manifest, parentId);
    if (!parent) {
      missing(parentId);
      continue;
    }
    if (isNonAssetNode(parent)) {
      const visited = new Set<string>();
      const queue = [...(parent.depends_on?.nodes ?? [])];
      while (queue.length > 0) {
        const candidateId = queue.pop() as string;
        if (visited.has(candidateId)) continue;
        visited.add(candidateId);
        const candidate = manifestEntity(manifest, candidateId);
        if (!candidate) {
          missing(candidateId);
        } else if (isNonAssetNode(candidate)) {
          queue.push(...(candidate.depends_on?.nodes ?? []));
        } else if (isValidUpstream(candidate)) {
          add(candidateId);
        }
      }
    } else if (isValidUpstream(parent)) {
      add(parentId);
    }
  }
  return out;
}

function nodeFile(props: DbtNode | DbtSource, manifest: DbtManifest, projectDir: string | null): string {
  const ofp = props.original_file_path ?? '';
  if (!ofp || isAbsolute(ofp)) return ofp;
  const pkg = props.package_name;
  if (pkg && manifest.metadata.project_name && pkg !== manifest.metadata.project_name) {
    // Paths of package nodes are relative to the package, installed under dbt_packages/.
    const packageDir = manifest.packageDirs[pkg] ?? (projectDir ? join(projectDir, 'dbt_packages', pkg) : null);
    if (packageDir) return join(packageDir, ofp);
  }
  const root = projectDir ?? props.root_path ?? null;
  return root ? join(root, ofp) : ofp;
}

/**
 * The asset specs of `@dbt_assets` over this manifest. Diagnostics: duplicate keys (an error,
 * Dagster refuses to load), selections that cannot be evaluated statically, missing nodes.
 */
export function dbtAssetSpecs(
  manifest: DbtManifest,
  options: DbtOptions,
): { assets: DbtAssetSpec[]; diagnostics: DbtDiagnostic[] } {
  const projectDir = options.projectDir ?? manifest.projectDir ?? null;
  const diagnosticFile = options.definitionFile ?? projectDir ?? '';
  const selection = selectDbtUniqueIds(manifest, options.select, options.exclude, diagnosticFile);
  const diagnostics: DbtDiagnostic[] = [...selection.diagnostics];
  const assets: DbtAssetSpec[] = [];
  const keyByUniqueId = new Map<string, string[]>();
  const missingReported = new Set<string>();

  const keyOf = (props: DbtNode | DbtSource): string[] => {
    const key = dbtAssetKey(props, options);
    keyByUniqueId.set(props.unique_id, key);
    return key;
  };

  for (const [uniqueId, props] of Object.entries(manifest.nodes)) {
    if (selection.selected && !selection.selected.has(uniqueId)) continue;
    if (!isAssetResourceType(props.resource_type) || isNonAssetNode(props)) continue;
    // Disabled nodes live in manifest["disabled"]; one in `nodes` would still be no asset.
    if (props.config?.enabled === false) continue;

    const file = nodeFile(props, manifest, projectDir);
    const deps = dbtUpstreamUniqueIds(manifest, props, (missingId) => {
      if (missingReported.has(missingId)) return;
      missingReported.add(missingId);
      diagnostics.push({
        severity: 'warning',
        file,
        line: 0,
        code: 'dbt-missing-node',
        message: `'${uniqueId}' depends on '${missingId}', which is not in the manifest; the dependency is left out.`,
      });
    }).map((depId) => ({ key: keyOf(manifestEntity(manifest, depId) as DbtNode | DbtSource), uniqueId: depId }));

    assets.push({
      key: keyOf(props),
      uniqueId,
      resourceType: props.resource_type as AssetResourceType,
      name: props.name,
      group: defaultDbtGroup(props),
      codeVersion: defaultDbtCodeVersion(props),
      description: props.description ? props.description : null,
      tags: [...new Set(props.tags ?? [])].filter((tag) => validTagKey.test(tag)),
      owners: defaultOwners(props, manifest),
      deps,
      file,
      line: manifest.definitionLines[uniqueId] ?? 1,
      materialized: props.config?.materialized ?? null,
    });
  }

  // _validate_asset_keys: every selected asset and every upstream it names must have its own key.
  const idsByKey = new Map<string, string[]>();
  for (const [uniqueId, key] of keyByUniqueId) {
    const id = JSON.stringify(key);
    idsByKey.set(id, [...(idsByKey.get(id) ?? []), uniqueId]);
  }
  for (const [id, uniqueIds] of idsByKey) {
    if (uniqueIds.length < 2) continue;
    const sorted = [...uniqueIds].sort();
    const first = manifestEntity(manifest, sorted[0] as string);
    diagnostics.push({
      severity: 'error',
      file: first ? nodeFile(first, manifest, projectDir) : diagnosticFile,
      line: 0,
      code: 'dbt-duplicate-asset-key',
      message:
        `These dbt resources have the same Dagster asset key ${id}, and Dagster refuses to load them: ` +
        sorted
          .map((uid) => `${uid} (${manifestEntity(manifest, uid)?.original_file_path ?? '?'})`)
          .join(', ') +
        '. Give one of them meta.dagster.asset_key or a different schema.',
    });
  }

  if (assets.length === 0 && selection.selected) {
    diagnostics.push({
      severity: 'warning',
      file: diagnosticFile,
      line: 0,
      code: 'dbt-no-assets',
      message: 'The dbt selection yields no models, seeds or snapshots, so @dbt_assets defines no assets.',
    });
  }
  return { assets, diagnostics };
}
