import { readFileSync } from 'node:fs';
import { keyId, keyToUserString, parseUserKey } from '../core/model/assetKey';
import type { AssetGraph, AssetNode } from '../core/model/graph';
import { runCaseFile } from '../core/partitions/conformance';
import { computeImpact, impactJson, selectionCount, type SourcePartitions } from '../core/partitions/impact';
import { createSpace, lastPartitionKey } from '../core/partitions/keySpaces';
import { allSubset, subsetKeys } from '../core/partitions/subsets';
import { PartitionsError } from '../core/partitions/errors';
import { scanPaths } from '../core/scan/scanner';

/** The partition commands: `partitions`, `impact`, `conformance partition-cases`. */

export class CommandError extends Error {}

export const partitionFormats = ['json', 'text'] as const;
export type PartitionFormat = (typeof partitionFormats)[number];

/** `--now`: an ISO-8601 time; without an offset it is read as UTC. Defaults to the current time. */
export function parseNow(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(text) || !/T|\d\d:\d\d/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new CommandError(`--now must be an ISO-8601 time, got '${text}'`);
  return ms;
}

async function findAsset(path: string, keyText: string): Promise<{ graph: AssetGraph; asset: AssetNode }> {
  const graph = await scanPaths([path]);
  const key = parseUserKey(keyText);
  const id = keyId(key);
  const asset = graph.assets.find((a) => keyId(a.key) === id);
  if (!asset) {
    const near = graph.assets
      .map((a) => keyToUserString(a.key))
      .filter((k) => k.includes(key[key.length - 1] ?? ''))
      .slice(0, 5);
    throw new CommandError(`no asset '${keyText}' in ${path}${near.length ? ` (did you mean ${near.map((k) => `'${k}'`).join(', ')}?)` : ''}`);
  }
  return { graph, asset };
}

export async function partitionsCommand(options: { path: string; asset: string; now?: string; limit?: string; format: PartitionFormat }): Promise<string> {
  const now = parseNow(options.now);
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new CommandError('--limit must be a whole number');
  const { asset } = await findAsset(options.path, options.asset);
  const out: Record<string, unknown> = { asset: asset.key, definition: asset.partitions };
  if (asset.partitions === null) {
    Object.assign(out, { count: 0, first: null, last: null, keys: [] });
  } else {
    const space = createSpace(asset.partitions, { now });
    if (space.kind === 'unknown') {
      Object.assign(out, { count: null, first: null, last: null, keys: [], unknown: space.reason });
    } else {
      const all = allSubset(space);
      Object.assign(out, { count: selectionCount(all), first: subsetKeys(all, 1)[0] ?? null, last: lastPartitionKey(space), keys: subsetKeys(all, limit) });
    }
  }
  if (options.format === 'json') return JSON.stringify(out, null, 2) + '\n';
  const lines = [`${keyToUserString(asset.key)}: ${out.count === null ? 'partitions unknown' : plural(out.count as number, 'partition')}`];
  if (out.unknown) lines.push(`  ${String(out.unknown)}`);
  if (out.first !== null && out.first !== undefined) lines.push(`  first ${String(out.first)}`, `  last  ${String(out.last)}`);
  return lines.join('\n') + '\n';
}

/** `--partitions`: `all`, `first...last`, or a comma-separated list (a single key may itself hold commas). */
export function parseSourcePartitions(text: string | undefined): SourcePartitions {
  if (text === undefined || text === 'all') return { kind: 'all' };
  const dots = text.indexOf('...');
  if (dots !== -1) return { kind: 'range', start: text.slice(0, dots), end: text.slice(dots + 3) };
  return { kind: 'keys', keys: text.split(',').map((k) => k.trim()).filter(Boolean) };
}

export async function impactCommand(options: { path: string; asset: string; partitions?: string; now?: string; format: PartitionFormat }): Promise<string> {
  const now = parseNow(options.now);
  const { graph, asset } = await findAsset(options.path, options.asset);
  let partitions = parseSourcePartitions(options.partitions);
  if (partitions.kind === 'keys' && partitions.keys.length > 1 && options.partitions !== undefined) {
    // A static key may contain commas: prefer the whole text when it names a partition.
    const space = asset.partitions ? createSpace(asset.partitions, { now }) : null;
    if (space && space.kind !== 'unknown' && space.kind !== 'multi' && space.indexOf(options.partitions) !== null) {
      partitions = { kind: 'keys', keys: [options.partitions] };
    }
  }
  let result;
  try {
    result = computeImpact(graph, asset.key, partitions, { now });
  } catch (error) {
    if (error instanceof PartitionsError) throw new CommandError(error.message);
    throw error;
  }
  const json = impactJson(result) as { source: { count: number | null }; impacted: { asset: string[]; depth: number; count: number | null; ranges?: [string, string][]; partitioned?: boolean; unknown?: string }[] };
  if (options.format === 'json') return JSON.stringify(json, null, 2) + '\n';
  const changed = json.source.count === null ? 'unknown partitions' : plural(json.source.count, 'partition');
  const lines = [`${keyToUserString(asset.key)}: ${changed} changed; ${plural(json.impacted.length, 'downstream asset')} impacted`];
  for (const item of json.impacted) {
    const what = item.partitioned === false ? 'unpartitioned' : item.unknown ? `partitions unknown (${item.unknown})` : plural(item.count ?? 0, 'partition');
    const ranges = (item.ranges ?? []).slice(0, 3).map(([a, b]) => (a === b ? a : `${a}...${b}`));
    const more = (item.ranges?.length ?? 0) > 3 ? `, … ${(item.ranges?.length ?? 0) - 3} more ranges` : '';
    lines.push(`  ${'  '.repeat(item.depth - 1)}${keyToUserString(item.asset)} (depth ${item.depth}): ${what}${ranges.length ? ` ${ranges.join(', ')}${more}` : ''}`);
  }
  for (const edge of result.invalidEdges) lines.push(`  not followed: ${edge.message}`);
  return lines.join('\n') + '\n';
}

const plural = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

export function conformanceCommand(options: { suite: string; file: string }): string {
  if (options.suite !== 'partition-cases') throw new CommandError(`unknown conformance suite '${options.suite}' (known: partition-cases)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(options.file, 'utf8'));
  } catch (error) {
    throw new CommandError(`cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.stringify(runCaseFile(json)) + '\n';
  } catch (error) {
    throw new CommandError(`${options.file} is not a partition-cases file: ${error instanceof Error ? error.message : String(error)}`);
  }
}
