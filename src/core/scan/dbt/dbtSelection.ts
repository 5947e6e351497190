import { basename, extname } from 'node:path';
import type { DbtDiagnostic } from './dbtFileSystem';
import { isDbtSource, type DbtManifest, type DbtNode, type DbtSource } from './dbtManifest';
import { fnmatch, isRecord } from './dbtText';

/**
 * dbt's node selection (`--select` / `--exclude`), evaluated on a manifest the way dagster-dbt
 * does it: dagster-dbt hands the strings to dbt-core's own selector over a graph built from the
 * manifest's `child_map` (dagster_dbt/utils.py `_select_unique_ids_from_manifest`). This is a port
 * of that selector (dbt/graph/selector_spec.py, selector_methods.py, selector.py, graph.py).
 *
 * Selection that depends on things a static reader cannot know (state:, result:, source_status:,
 * YAML selectors, `N@`) is not guessed: the caller gets `null` and a warning, and keeps every node.
 */

export const defaultDbtSelect = 'fqn:*';

type Entity = DbtNode | DbtSource;

interface Criteria {
  raw: string;
  method: string;
  args: string[];
  value: string;
  childrensParents: boolean;
  parents: boolean;
  parentsDepth: number | null;
  children: boolean;
  childrenDepth: number | null;
}

class UnsupportedSelection extends Error {}

// dbt's RAW_SELECTOR_PATTERN, with its named groups.
const rawSelectorPattern =
  /^(?<cp>(?<cpDepth>\d*)@)?(?<parents>(?<parentsDepth>\d*)\+)?(?:(?<method>[\w.]+):)?(?<value>.*?)(?<children>\+(?<childrenDepth>\d*))?$/s;

const knownMethods = new Set([
  'fqn', 'tag', 'group', 'access', 'source', 'path', 'file', 'package', 'config', 'test_name', 'test_type',
  'resource_type', 'exposure', 'metric', 'version', 'semantic_model', 'saved_query', 'unit_test',
]);
// Valid in dbt, but they need run results, a previous manifest or selectors.yml.
const stateMethods = new Set(['state', 'result', 'source_status', 'selector']);

function depth(raw: string | undefined): number | null {
  return raw ? Number.parseInt(raw, 10) : null;
}

function parseCriteria(raw: string): Criteria {
  const match = rawSelectorPattern.exec(raw);
  const groups = match?.groups;
  if (!groups) throw new UnsupportedSelection(`'${raw}' is not a valid dbt selector`);
  if (groups['cpDepth']) {
    throw new UnsupportedSelection(`'${raw}' uses a depth on '@', which this reader does not evaluate`);
  }
  const value = groups['value'] ?? '';
  let method: string;
  let args: string[] = [];
  if (groups['method']) {
    const parts = groups['method'].split('.');
    method = parts[0] as string;
    args = parts.slice(1);
    if (method === 'wildcard') throw new UnsupportedSelection(`'${raw}': the wildcard method is not evaluated here`);
    if (stateMethods.has(method)) {
      throw new UnsupportedSelection(`'${raw}' needs ${method === 'selector' ? 'selectors.yml' : 'dbt run state'}`);
    }
    if (!knownMethods.has(method)) throw new UnsupportedSelection(`'${method}' is not a dbt selection method`);
  } else if (value.includes('/') || value.includes('\\')) {
    method = 'path';
  } else if (/\.(sql|py|csv)$/i.test(value)) {
    method = 'file';
  } else {
    method = 'fqn';
  }
  const criteria: Criteria = {
    raw,
    method,
    args,
    value,
    childrensParents: Boolean(groups['cp']),
    parents: Boolean(groups['parents']),
    parentsDepth: depth(groups['parentsDepth']),
    children: Boolean(groups['children']),
    childrenDepth: depth(groups['childrenDepth']),
  };
  if (criteria.children && criteria.childrensParents) {
    throw new UnsupportedSelection(`'${raw}': dbt refuses "@" prefix together with "+" suffix`);
  }
  return criteria;
}

/** `a b,c` → union(a, intersection(b, c)), as dbt's parse_union / parse_intersection. */
function parseUnion(text: string): Criteria[][] {
  return text
    .split(' ')
    .filter((part) => part.length > 0)
    .map((part) => part.split(',').map(parseCriteria));
}

// --- the graph -----------------------------------------------------------------------------------

class SelectionGraph {
  readonly members = new Set<string>();
  readonly children = new Map<string, Set<string>>();
  readonly parents = new Map<string, Set<string>>();

  constructor(manifest: DbtManifest, entities: Map<string, Entity>) {
    // dbt's graph is the manifest's child map; manifests without one (early dbt Fusion, or one
    // built from project files) get it from depends_on, as dagster-dbt's _build_child_map does.
    const childMap = manifest.child_map ?? buildChildMap(entities);
    const ids = new Set<string>(Object.keys(childMap));
    for (const kids of Object.values(childMap)) for (const kid of kids) ids.add(kid);
    for (const id of ids) {
      const entity = entities.get(id);
      // NodeSelector keeps enabled, non-empty nodes and enabled sources only.
      if (entity && entity.config?.enabled !== false && (entity as { empty?: unknown }).empty !== true) {
        this.members.add(id);
      }
    }
    for (const [parent, kids] of Object.entries(childMap)) {
      if (!this.members.has(parent)) continue;
      for (const kid of kids) {
        if (!this.members.has(kid)) continue;
        link(this.children, parent, kid);
        link(this.parents, kid, parent);
      }
    }
  }

  private walk(start: string, edges: Map<string, Set<string>>, maxDepth: number | null, out: Set<string>): void {
    // Breadth-first with a depth cutoff, like networkx single_source_shortest_path_length.
    const seen = new Set<string>([start]);
    let frontier = [start];
    for (let level = 0; frontier.length > 0 && (maxDepth === null || level < maxDepth); level++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const neighbour of edges.get(id) ?? []) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          out.add(neighbour);
          next.push(neighbour);
        }
      }
      frontier = next;
    }
  }

  ancestors(selected: Iterable<string>, maxDepth: number | null): Set<string> {
    const out = new Set<string>();
    for (const id of selected) this.walk(id, this.parents, maxDepth, out);
    return out;
  }

  descendants(selected: Iterable<string>, maxDepth: number | null): Set<string> {
    const out = new Set<string>();
    for (const id of selected) this.walk(id, this.children, maxDepth, out);
    return out;
  }
}

function link(map: Map<string, Set<string>>, from: string, to: string): void {
  let set = map.get(from);
  if (!set) map.set(from, (set = new Set()));
  set.add(to);
}

function buildChildMap(entities: Map<string, Entity>): Record<string, string[]> {
  const childMap: Record<string, string[]> = {};
  for (const id of entities.keys()) childMap[id] = [];
  for (const [id, entity] of entities) {
    for (const parent of entity.depends_on?.nodes ?? []) {
      if (childMap[parent] && !childMap[parent].includes(id)) childMap[parent].push(id);
    }
  }
  return childMap;
}

// --- selection methods ---------------------------------------------------------------------------

type Collection = 'nodes' | 'sources' | 'exposures' | 'metrics' | 'semantic_models' | 'saved_queries' | 'unit_tests';

interface Indexed {
  id: string;
  entity: Entity;
  collection: Collection;
}

/** dbt's is_selected_node (versioned models match `name`, `name.v2` and `name_v2`). */
function isSelectedNode(fqn: string[], selector: string, isVersioned: boolean): boolean {
  if (fqn.length === 0) return false;
  if (isVersioned) {
    const flatSelector = selector.split('.');
    if (fqn.length >= 2 && fqn[fqn.length - 2] === selector) return true;
    if (fqn.slice(-2).join('_') === flatSelector.slice(-2).join('_')) return true;
  } else if (fqn[fqn.length - 1] === selector) {
    return true;
  }
  const flatFqn = fqn.flatMap((segment) => segment.split('.'));
  const parts = selector.split('.');
  if (flatFqn.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (/[*?[\]]/.test(part)) {
      return fnmatch(flatFqn.slice(i).join('.'), parts.slice(i).join('.'));
    }
    if (flatFqn[i] !== part) return false;
  }
  return true;
}

function globSegments(pattern: string[], path: string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head === '**') {
    for (let skip = 0; skip <= path.length; skip++) if (globSegments(rest, path.slice(skip))) return true;
    return false;
  }
  if (path.length === 0) return false;
  return fnmatch(path[0] as string, head) && globSegments(rest, path.slice(1));
}

/** dbt's path method: `root.glob(selector)`, matching the file itself or any folder above it. */
function pathMatches(selector: string, originalFilePath: string): boolean {
  const pattern = selector
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .filter((segment) => segment.length > 0 && segment !== '.');
  const path = originalFilePath.replace(/\\/g, '/').split('/').filter((segment) => segment.length > 0);
  for (let length = path.length; length >= 1; length--) {
    if (globSegments(pattern, path.slice(0, length))) return true;
  }
  return false;
}

function configValue(config: unknown, args: string[]): { found: boolean; value: unknown } {
  let value: unknown = config;
  for (const arg of args) {
    if (!isRecord(value) || !(arg in value)) return { found: false, value: undefined };
    value = value[arg];
  }
  return { found: true, value };
}

function configEquals(selector: string, value: unknown): boolean {
  const upper = selector.toUpperCase();
  const one = (v: unknown): boolean =>
    (typeof v === 'string' && v === selector) || (upper === 'TRUE' && v === true) || (upper === 'FALSE' && v === false);
  return Array.isArray(value) ? value.some(one) : one(value);
}

function compareVersions(a: string | number, b: string | number): number {
  const x = Number(a);
  const y = Number(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function packageAndName(selector: string, what: string): [string, string] {
  const parts = selector.split('.');
  if (parts.length === 1) return ['*', parts[0] as string];
  if (parts.length === 2) return [parts[0] as string, parts[1] as string];
  throw new UnsupportedSelection(`'${selector}' is not a valid ${what} selector`);
}

function search(criteria: Criteria, candidates: Indexed[], manifest: DbtManifest): Set<string> {
  const out = new Set<string>();
  const value = criteria.value;
  const add = (item: Indexed): void => {
    out.add(item.id);
  };
  const parsed = candidates.filter((c) => c.collection === 'nodes');
  const nonSource = candidates.filter((c) => c.collection !== 'sources');
  switch (criteria.method) {
    case 'fqn':
      for (const item of nonSource) {
        // Every real manifest has fqn; a hand-made one without it gets dbt's shortest form.
        const fqn = item.entity.fqn ?? [item.entity.package_name ?? manifest.metadata.project_name ?? '', item.entity.name];
        const versioned = item.entity.version !== null && item.entity.version !== undefined;
        if (isSelectedNode(fqn, value, versioned) || isSelectedNode(fqn.slice(1), value, versioned)) add(item);
      }
      break;
    case 'tag':
      for (const item of candidates) if ((item.entity.tags ?? []).some((tag) => fnmatch(tag, value))) add(item);
      break;
    case 'group':
      for (const item of candidates) {
        if ((item.collection === 'nodes' || item.collection === 'metrics') && item.entity.config?.group === value) add(item);
      }
      break;
    case 'access':
      for (const item of parsed) {
        if (item.entity.resource_type === 'model' && (item.entity.access ?? item.entity.config?.access) === value) add(item);
      }
      break;
    case 'source': {
      const parts = value.split('.');
      if (parts.length < 1 || parts.length > 3) throw new UnsupportedSelection(`'${value}' is not a valid source selector`);
      const [pkg, src, table] =
        parts.length === 3 ? parts : parts.length === 2 ? ['*', parts[0], parts[1]] : ['*', parts[0], '*'];
      for (const item of candidates) {
        const entity = item.entity;
        if (!isDbtSource(entity)) continue;
        if (fnmatch(entity.package_name ?? '', pkg as string) && fnmatch(entity.source_name, src as string) && fnmatch(entity.name, table as string)) {
          add(item);
        }
      }
      break;
    }
    case 'path':
      for (const item of candidates) {
        const ofp = item.entity.original_file_path;
        const patch = item.entity.patch_path?.split('://')[1];
        if ((ofp && pathMatches(value, ofp)) || (patch && pathMatches(value, patch))) add(item);
      }
      break;
    case 'file':
      for (const item of candidates) {
        const ofp = item.entity.original_file_path;
        if (!ofp) continue;
        const name = basename(ofp.replace(/\\/g, '/'));
        if (fnmatch(name, value) || fnmatch(name.slice(0, name.length - extname(name).length), value)) add(item);
      }
      break;
    case 'package': {
      const pattern = value === 'this' ? manifest.metadata.project_name ?? value : value;
      for (const item of candidates) if (fnmatch(item.entity.package_name ?? '', pattern)) add(item);
      break;
    }
    case 'config':
      for (const item of candidates) {
        if (item.collection !== 'nodes' && item.collection !== 'sources') continue;
        const found = configValue(item.entity.config ?? {}, criteria.args);
        if (found.found && configEquals(value, found.value)) add(item);
      }
      break;
    case 'resource_type':
      for (const item of candidates) if (item.entity.resource_type === value) add(item);
      break;
    case 'test_name':
      for (const item of parsed) {
        const name = item.entity.test_metadata?.name;
        if (item.entity.resource_type === 'test' && name && fnmatch(name, value)) add(item);
      }
      break;
    case 'test_type': {
      if (value === 'unit') {
        candidates.filter((c) => c.collection === 'unit_tests').forEach(add);
        break;
      }
      const generic = value === 'generic' || value === 'schema';
      if (!generic && value !== 'singular' && value !== 'data') {
        throw new UnsupportedSelection(`'${value}' is not a dbt test type`);
      }
      for (const item of parsed) {
        if (item.entity.resource_type !== 'test') continue;
        if (Boolean(item.entity.test_metadata) === generic) add(item);
      }
      break;
    }
    case 'version':
      for (const item of parsed) {
        const { version, latest_version: latest } = item.entity;
        if (item.entity.resource_type !== 'model') continue;
        const hasVersion = version !== null && version !== undefined;
        if (value === 'none' && !hasVersion) add(item);
        else if (!hasVersion) continue;
        else if (value === 'latest' && (latest === null || latest === undefined || compareVersions(version, latest) === 0)) add(item);
        else if (value === 'prerelease' && latest !== null && latest !== undefined && compareVersions(version, latest) > 0) add(item);
        else if (value === 'old' && latest !== null && latest !== undefined && compareVersions(version, latest) < 0) add(item);
      }
      break;
    case 'exposure':
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
    case 'unit_test': {
      const collection = (
        { exposure: 'exposures', metric: 'metrics', semantic_model: 'semantic_models', saved_query: 'saved_queries', unit_test: 'unit_tests' } as const
      )[criteria.method];
      const [pkg, name] = packageAndName(value, criteria.method);
      for (const item of candidates) {
        if (item.collection !== collection) continue;
        if (fnmatch(item.entity.package_name ?? '', pkg) && fnmatch(item.entity.name, name)) add(item);
      }
      break;
    }
    default:
      throw new UnsupportedSelection(`'${criteria.method}' is not a dbt selection method`);
  }
  return out;
}

export interface DbtSelectionResult {
  /** Selected unique ids of every kind (tests and sources too); null when selection was not evaluated. */
  selected: Set<string> | null;
  diagnostics: DbtDiagnostic[];
}

/**
 * Evaluates `select` minus `exclude` on the manifest. `file` is where diagnostics point (the
 * Python file with @dbt_assets, or the manifest).
 */
export function selectDbtUniqueIds(
  manifest: DbtManifest,
  select: string | null | undefined,
  exclude: string | null | undefined,
  file = '',
): DbtSelectionResult {
  const diagnostics: DbtDiagnostic[] = [];
  const entities = new Map<string, Entity>();
  const indexed: Indexed[] = [];
  const collections: Collection[] = ['nodes', 'sources', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'unit_tests'];
  for (const collection of collections) {
    for (const [id, entity] of Object.entries(manifest[collection] as Record<string, Entity>)) {
      entities.set(id, entity);
      indexed.push({ id, entity, collection });
    }
  }
  const graph = new SelectionGraph(manifest, entities);
  const candidates = indexed.filter((item) => graph.members.has(item.id));
  const selectText = select && select.trim() ? select : defaultDbtSelect;

  const evaluateCriteria = (criteria: Criteria): Set<string> => {
    const collected = search(criteria, candidates, manifest);
    const result = new Set(collected);
    if (criteria.childrensParents) {
      const forAncestors = new Set([...graph.descendants(collected, null), ...collected]);
      for (const id of graph.ancestors(forAncestors, null)) result.add(id);
      for (const id of forAncestors) result.add(id);
    }
    if (criteria.parents) for (const id of graph.ancestors(collected, criteria.parentsDepth)) result.add(id);
    if (criteria.children) for (const id of graph.descendants(collected, criteria.childrenDepth)) result.add(id);
    return result;
  };

  const evaluateUnion = (text: string, role: 'select' | 'exclude'): Set<string> => {
    const union = new Set<string>();
    for (const intersection of parseUnion(text)) {
      const sets = intersection.map(evaluateCriteria);
      const direct = new Set<string>([...(sets[0] ?? [])].filter((id) => sets.every((set) => set.has(id))));
      if (direct.size === 0) {
        diagnostics.push({
          severity: 'warning',
          file,
          line: 0,
          code: 'dbt-selection-empty',
          message:
            `The ${role} criterion '${intersection.map((c) => c.raw).join(',')}' does not match any dbt node. ` +
            'dbt reports this, and dagster-dbt, which turns dbt warnings into errors here, may refuse to load.',
        });
      }
      for (const id of direct) union.add(id);
    }
    return union;
  };

  try {
    const selected = evaluateUnion(selectText, 'select');
    if (exclude && exclude.trim()) {
      for (const id of evaluateUnion(exclude, 'exclude')) selected.delete(id);
    }
    return { selected, diagnostics };
  } catch (error) {
    if (!(error instanceof UnsupportedSelection)) throw error;
    return {
      selected: null,
      diagnostics: [
        {
          severity: 'warning',
          file,
          line: 0,
          code: 'dbt-selection-unsupported',
          message:
            `The dbt selection (select '${selectText}'${exclude ? `, exclude '${exclude}'` : ''}) could not be evaluated statically: ` +
            `${error.message}. All dbt nodes were kept.`,
        },
      ],
    };
  }
}
