import { keyId, keyToUserString } from '../core/model/assetKey';
import type { AssetGraph, AssetNode } from '../core/model/graph';
import type { PartitionMapping } from '../core/model/partitionMappings';
import type { PartitionsDefinition } from '../core/model/partitions';

export const graphFormats = ['json', 'dot', 'mermaid', 'text'] as const;
export type GraphFormat = (typeof graphFormats)[number];

export function formatGraph(graph: AssetGraph, format: GraphFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(graph, null, 2) + '\n';
    case 'dot':
      return toDot(graph);
    case 'mermaid':
      return toMermaid(graph);
    case 'text':
      return toText(graph);
  }
}

function mappingLabel(mapping: PartitionMapping | null): string | null {
  if (!mapping) return null;
  if (mapping.type === 'time_window' && (mapping.startOffset !== 0 || mapping.endOffset !== 0)) {
    return `time_window(${mapping.startOffset}, ${mapping.endOffset})`;
  }
  return mapping.type;
}

export function partitionsLabel(def: PartitionsDefinition | null): string {
  if (!def) return '';
  switch (def.type) {
    case 'static':
      return `static(${def.keys.length})`;
    case 'dynamic':
      return `dynamic(${def.name ?? '?'})`;
    case 'multi':
      return `multi(${def.dimensions.map((d) => `${d.name}: ${partitionsLabel(d.partitions)}`).join(', ')})`;
    default:
      return `${def.type} from ${def.start}`;
  }
}

/** Graphviz: one cluster per group, escaped labels (keys may contain quotes). */
function toDot(graph: AssetGraph): string {
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph assets {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  const groups = new Map<string, AssetNode[]>();
  for (const asset of graph.assets) {
    const list = groups.get(asset.group) ?? [];
    list.push(asset);
    groups.set(asset.group, list);
  }
  let i = 0;
  for (const [group, assets] of groups) {
    lines.push(`  subgraph cluster_${i++} {`, `    label=${q(group)};`);
    for (const asset of assets) {
      const style = asset.kind === 'stub' || asset.kind === 'external' || asset.kind === 'source' ? ', style="rounded,dashed"' : '';
      lines.push(`    ${q(keyToUserString(asset.key))} [label=${q(`${keyToUserString(asset.key)}\n${asset.kind}`)}${style}];`);
    }
    lines.push('  }');
  }
  for (const asset of graph.assets) {
    for (const dep of asset.deps) {
      const label = mappingLabel(dep.partitionMapping);
      lines.push(`  ${q(keyToUserString(dep.key))} -> ${q(keyToUserString(asset.key))}${label ? ` [label=${q(label)}]` : ''};`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function toMermaid(graph: AssetGraph): string {
  const ids = new Map<string, string>();
  graph.assets.forEach((a, i) => ids.set(keyId(a.key), `a${i}`));
  // Mermaid labels are quoted; quotes inside become #quot; (Mermaid's entity form).
  const label = (s: string): string => `"${s.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  const groups = new Map<string, AssetNode[]>();
  for (const asset of graph.assets) groups.set(asset.group, [...(groups.get(asset.group) ?? []), asset]);
  let g = 0;
  for (const [group, assets] of groups) {
    lines.push(`  subgraph g${g++} [${label(group)}]`);
    for (const asset of assets) lines.push(`    ${ids.get(keyId(asset.key))}[${label(keyToUserString(asset.key))}]`);
    lines.push('  end');
  }
  for (const asset of graph.assets) {
    for (const dep of asset.deps) {
      const from = ids.get(keyId(dep.key));
      const to = ids.get(keyId(asset.key));
      const text = mappingLabel(dep.partitionMapping);
      if (from && to) lines.push(`  ${from} -->${text ? `|${label(text)}|` : ''} ${to}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A summary for people: counts, then each group's assets with their partitions and upstream keys. */
function toText(graph: AssetGraph): string {
  const out: string[] = [];
  const kinds = new Map<string, number>();
  for (const a of graph.assets) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
  const edgeCount = graph.assets.reduce((n, a) => n + a.deps.length, 0);
  const severities = { error: 0, warning: 0, info: 0 };
  for (const d of graph.diagnostics) severities[d.severity]++;
  out.push(
    `${graph.assets.length} assets, ${edgeCount} dependencies in ${graph.codeLocations.length} code location(s): ${graph.codeLocations.map((l) => l.name).join(', ')}`,
  );
  out.push(`kinds: ${[...kinds].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const byLocation = new Map<string, Map<string, AssetNode[]>>();
  for (const a of graph.assets) {
    const groups = byLocation.get(a.codeLocation) ?? new Map<string, AssetNode[]>();
    groups.set(a.group, [...(groups.get(a.group) ?? []), a]);
    byLocation.set(a.codeLocation, groups);
  }
  for (const [location, groups] of byLocation) {
    out.push('', `code location ${location}`);
    for (const [group, assets] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push(`  group ${group} (${assets.length})`);
      for (const a of assets) {
        const parts = partitionsLabel(a.partitions);
        const where = a.file ? `${a.file}:${a.line}` : '(not defined in this workspace)';
        out.push(`    ${keyToUserString(a.key)}  [${a.kind}${parts ? `, ${parts}` : ''}]  ${where}`);
        for (const dep of a.deps) {
          const label = mappingLabel(dep.partitionMapping);
          out.push(`      ← ${keyToUserString(dep.key)}${label ? ` (${label})` : ''}${dep.resolution === 'group' ? ' (found by group)' : ''}`);
        }
      }
    }
  }
  out.push('', `diagnostics: ${severities.error} error(s), ${severities.warning} warning(s), ${severities.info} info`);
  for (const d of graph.diagnostics) out.push(`  ${d.severity.padEnd(7)} ${d.file || '(workspace)'}:${d.line}  ${d.message}`);
  return out.join('\n') + '\n';
}
