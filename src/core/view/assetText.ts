import type { AssetKind } from '../model/graph';
import type { PartitionsDefinition, SingleDimensionPartitions } from '../model/partitions';
import { statusSentence, statusWords, type AssetStatusSummary } from './stateSummary';
import type { LocatedAsset, WorkspaceIndex } from './workspaceIndex';

/** Words for the views: tree descriptions, tooltips, hovers, CodeLens titles. */

export const kindLabels: Record<AssetKind, string> = {
  asset: 'asset',
  multi_asset: 'multi-asset',
  graph_asset: 'graph asset',
  source: 'source asset',
  observable_source: 'observable source asset',
  external: 'external asset',
  dbt: 'dbt model',
  stub: 'undefined dependency (stub)',
};

export function countLabel(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

function singleSummary(def: SingleDimensionPartitions, detailed: boolean): string {
  switch (def.type) {
    case 'static': {
      if (!detailed) return `static (${def.keys.length})`;
      const shown = def.keys.slice(0, 6).join(', ');
      return `static: ${shown}${def.keys.length > 6 ? `, … (${def.keys.length} in all)` : ''}`;
    }
    case 'dynamic':
      return def.name === null ? 'dynamic' : `dynamic (${def.name})`;
    default: {
      const name = def.type === 'time_window' ? `time window (${def.cronSchedule})` : def.type;
      if (!detailed) return name;
      const end = def.end === null ? '' : ` to ${def.end}`;
      const zone = def.timezone && def.timezone !== 'UTC' ? ` ${def.timezone}` : '';
      return `${name} from ${def.start}${end}${zone}`;
    }
  }
}

/** `daily from 2024-01-01`, `static: a, b, c`, `date: daily … × port: static …`; short: `daily`, `static (4)`. */
export function partitionsSummary(def: PartitionsDefinition | null, detailed = true): string {
  if (!def) return '';
  if (def.type === 'multi') return def.dimensions.map((d) => `${d.name}: ${singleSummary(d.partitions, detailed)}`).join(' × ');
  return singleSummary(def, detailed);
}

/** Where an asset is defined, for people: `harbor/ingestion/voyages.py:9`, or why there is no such place. */
export function definitionLabel(asset: LocatedAsset): string {
  if (!asset.node.file) return 'not defined in this workspace';
  return `${asset.node.file}:${asset.node.line}`;
}

/** Short description of an asset in the tree: its kind unless a plain asset, and its partitioning. */
export function treeDescription(asset: LocatedAsset): string {
  const parts: string[] = [];
  if (asset.node.kind !== 'asset') parts.push(kindLabels[asset.node.kind]);
  const partitions = partitionsSummary(asset.node.partitions, false);
  if (partitions) parts.push(partitions);
  return parts.join(' · ');
}

/** Tooltip of a tree item: plain text, so nothing in a key or description is interpreted. */
export function assetTooltip(asset: LocatedAsset, partitionsNow?: string, status?: AssetStatusSummary): string {
  const { node } = asset;
  const lines = [
    asset.userKey,
    `Kind: ${kindLabels[node.kind]}`,
    `Group: ${node.group}`,
    `Code location: ${node.codeLocation}`,
  ];
  if (node.partitions) lines.push(`Partitions: ${partitionsSummary(node.partitions)}`);
  if (node.partitions && partitionsNow) lines.push(`  ${partitionsNow}`);
  if (status) {
    lines.push(`Materializations: ${statusSentence(status)}`);
    for (const detail of status.details) lines.push(`  ${detail}`);
  }
  lines.push(`Defined in: ${definitionLabel(asset)}`);
  if (node.description) lines.push('', node.description.trim());
  return lines.join('\n');
}

/**
 * Escapes text for Markdown so keys, descriptions and group names show as written: no emphasis,
 * links, HTML or headings can come out of them.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, '  \n');
}

/** A Markdown code span showing `text` exactly, whatever backticks it holds (CommonMark's rule). */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function keyList(keys: readonly string[], limit: number): string {
  if (keys.length === 0) return '*none*';
  const shown = keys.slice(0, limit).map(codeSpan);
  if (keys.length > limit) shown.push(`… ${keys.length - limit} more`);
  return shown.join(', ');
}

/**
 * Hover text of an asset (Markdown; every name escaped, keys in code spans). Direct neighbours
 * are listed; the transitive counts say how far a change reaches.
 */
export function assetHoverMarkdown(asset: LocatedAsset, index: WorkspaceIndex, limit = 12, partitionsNow?: string, status?: AssetStatusSummary): string {
  const { node } = asset;
  const upstream = index.upstream(asset.userKey);
  const downstream = index.downstream(asset.userKey);
  const reach = index.neighbourhood(asset.userKey, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(asset.userKey)}** — ${escapeMarkdown(kindLabels[node.kind])}`);
  lines.push('');
  const facts = [`group ${escapeMarkdown(node.group)}`, `code location ${escapeMarkdown(node.codeLocation)}`];
  if (node.partitions) facts.push(`partitions ${escapeMarkdown(partitionsSummary(node.partitions))}`);
  lines.push(facts.join(' · '));
  if (node.partitions && partitionsNow) {
    lines.push('');
    lines.push(escapeMarkdown(partitionsNow));
  }
  if (status) {
    lines.push('');
    const words = statusWords(status);
    lines.push(`**Materializations:** ${escapeMarkdown(statusSentence(status))}${words || status.missing ? '' : ' — up to date'}`);
    for (const detail of status.details.slice(0, 6)) lines.push(`- ${escapeMarkdown(detail)}`);
  }
  if (node.description) {
    lines.push('');
    lines.push(escapeMarkdown(node.description.trim()));
  }
  lines.push('');
  lines.push(`↑ ${countLabel(upstream.length, 'upstream asset')} (${reach.upstream.size} in all): ${keyList(upstream, limit)}`);
  lines.push('');
  lines.push(`↓ ${countLabel(downstream.length, 'downstream asset')} (${reach.downstream.size} in all): ${keyList(downstream, limit)}`);
  lines.push('');
  lines.push(`*${escapeMarkdown(definitionLabel(asset))}*`);
  return lines.join('\n');
}
