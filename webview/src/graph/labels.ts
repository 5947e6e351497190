import type { AssetKind } from '../../../src/core/model/graph';
import type { PartitionMapping } from '../../../src/core/model/partitionMappings';
import type { PartitionsDefinition, SingleDimensionPartitions } from '../../../src/core/model/partitions';
import { assertNever } from '../assertNever';
import type { ModelAsset } from './lineageModel';

/** Words, not colours, tell kinds apart (a dashed outline adds to them for stubs and externals). */
export function kindLabel(kind: AssetKind): string {
  switch (kind) {
    case 'asset':
      return 'asset';
    case 'multi_asset':
      return 'multi-asset';
    case 'graph_asset':
      return 'graph asset';
    case 'source':
      return 'source';
    case 'observable_source':
      return 'observable source';
    case 'external':
      return 'external';
    case 'dbt':
      return 'dbt';
    case 'stub':
      return 'stub';
    default:
      return assertNever(kind, 'asset kind');
  }
}

function singleLabel(def: SingleDimensionPartitions): string {
  switch (def.type) {
    case 'daily':
    case 'hourly':
    case 'weekly':
    case 'monthly':
      return def.type;
    case 'time_window':
      return 'time window';
    case 'static':
      return `static · ${def.keys.length}`;
    case 'dynamic':
      return 'dynamic';
    default:
      return assertNever(def, 'partitions definition');
  }
}

/** The short chip on a node: "daily", "static · 4", "multi". */
export function partitionsLabel(def: PartitionsDefinition): string {
  return def.type === 'multi' ? 'multi' : singleLabel(def);
}

/** Spoken and tooltip form: "daily partitions", "multi partitions (date: daily × port: static · 4)". */
export function partitionsDescription(def: PartitionsDefinition): string {
  if (def.type !== 'multi') {
    const named = def.type === 'dynamic' && def.name !== null ? `dynamic "${def.name}"` : singleLabel(def);
    return `${named} partitions`;
  }
  return `multi partitions (${def.dimensions.map((d) => `${d.name}: ${singleLabel(d.partitions)}`).join(' × ')})`;
}

function signed(n: number): string {
  // U+2212 MINUS SIGN: reads as an offset, not a hyphen.
  return n < 0 ? `−${-n}` : n > 0 ? `+${n}` : '0';
}

/** The label on an edge with an explicit mapping: "time_window −1", "last", "static", "multi_to_single". */
export function mappingLabel(mapping: PartitionMapping): string {
  switch (mapping.type) {
    case 'identity':
    case 'all':
    case 'last':
    case 'static':
    case 'multi':
      return mapping.type;
    case 'time_window': {
      const { startOffset, endOffset } = mapping;
      if (startOffset === 0 && endOffset === 0) return 'time_window';
      if (endOffset === 0 || startOffset === endOffset) return `time_window ${signed(startOffset)}`;
      return `time_window ${signed(startOffset)}…${signed(endOffset)}`;
    }
    case 'latest_overlapping_time_window':
      return 'latest_overlapping';
    case 'specific':
      return `specific · ${mapping.keys.length}`;
    case 'multi_to_single':
      return mapping.partitionDimensionName === null ? 'multi_to_single' : `multi_to_single (${mapping.partitionDimensionName})`;
    default:
      return assertNever(mapping, 'partition mapping');
  }
}

/** The tooltip form, with the detail the label leaves out (each dimension of a multi mapping). */
export function mappingDescription(mapping: PartitionMapping): string {
  if (mapping.type === 'multi') {
    const parts = Object.entries(mapping.dimensions).map(
      ([upstream, { dimensionName, mapping: inner }]) => `${upstream} → ${dimensionName}: ${mappingDescription(inner)}`,
    );
    return `multi (${parts.join('; ')})`;
  }
  if (mapping.type === 'time_window' && mapping.allowNonexistentUpstreamPartitions) {
    return `${mappingLabel(mapping)}, allows nonexistent upstream partitions`;
  }
  if (mapping.type === 'static') {
    const pairs = Object.entries(mapping.downstreamByUpstream).map(([up, downs]) => `${up} → ${downs.join(', ')}`);
    return `static (${pairs.join('; ')})`;
  }
  return mappingLabel(mapping);
}

/** "asset raw/voyages, group ingestion, daily partitions, 1 upstream, 2 downstream". */
export function assetAriaLabel(asset: ModelAsset): string {
  const node = asset.asset;
  const parts = [`${kindLabel(node.kind)} ${asset.userKey}`, `group ${node.group}`];
  if (node.partitions) parts.push(partitionsDescription(node.partitions));
  parts.push(`${asset.parents.length} upstream`, `${asset.children.length} downstream`);
  return parts.join(', ');
}

/** The hover tooltip: everything on the node, plus what does not fit on it. */
export function assetTooltip(asset: ModelAsset): string {
  const node = asset.asset;
  const lines = [asset.userKey, `${kindLabel(node.kind)} in group ${node.group} (${node.codeLocation})`];
  if (node.partitions) lines.push(partitionsDescription(node.partitions));
  if (node.description) lines.push(node.description);
  if (node.file) lines.push(`${node.file}:${node.line}`);
  return lines.join('\n');
}

export function countLabel(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
