import { resolve } from 'node:path';
import { keyToUserString } from '../core/model/assetKey';
import { scanPaths } from '../core/scan/scanner';
import { remoteVerdicts } from '../core/stale/remoteVerdicts';
import { staleReport, staleReportFrom, type AssetStaleReport } from '../core/stale/staleReport';
import { GraphqlError } from '../core/state/graphql/client';
import { readRemoteInstance } from '../core/state/graphql/remoteState';
import { discoverInstance } from '../core/state/instanceDiscovery';
import { readLocalInstance, stateJson } from '../core/state/localInstance';
import { InstanceReadError } from '../core/state/sqlite/sqliteFile';
import { CommandError, parseNow } from './partitionCommands';

/** `asset-lineage state --instance DIR`: the instance's recorded state as JSON. */
export async function stateCommand(options: { instance: string | null }): Promise<string> {
  const location = discoverInstance({ explicit: options.instance, dagsterHome: process.env.DAGSTER_HOME ?? null, folders: [process.cwd()] });
  if (location.kind !== 'sqlite') throw new CommandError(location.message);
  try {
    return JSON.stringify(stateJson(await readLocalInstance(resolve(location.home))), null, 2) + '\n';
  } catch (error) {
    if (error instanceof InstanceReadError) throw new CommandError(error.message);
    throw error;
  }
}

/** `asset-lineage stale PATH --instance DIR`: the workspace's assets against what the instance recorded. */
export async function staleCommand(options: { path: string; instance: string | null; graphql?: string | null; now?: string; format: 'json' | 'text' }): Promise<string> {
  const now = parseNow(options.now);
  const assets = options.graphql ? await remoteReport(options.path, options.graphql, now) : await localReport(options.path, options.instance, now);
  return options.format === 'json' ? JSON.stringify({ assets }, null, 2) + '\n' : staleText(assets);
}

/** The workspace's assets as a Dagster webserver judges them (its own stale status), plus impacted. */
async function remoteReport(path: string, url: string, now: number): Promise<AssetStaleReport[]> {
  const graph = await scanPaths([path]);
  const keys = graph.assets.filter((a) => a.kind !== 'stub').map((a) => [...a.key]);
  let instance;
  try {
    instance = await readRemoteInstance({ url, token: process.env.DAGSTER_CLOUD_API_TOKEN || null, assetKeys: keys });
  } catch (error) {
    if (error instanceof GraphqlError) throw new CommandError(error.message);
    throw error;
  }
  return staleReportFrom(graph, remoteVerdicts(instance), now);
}

async function localReport(path: string, explicit: string | null, now: number): Promise<AssetStaleReport[]> {
  const location = discoverInstance({ explicit, dagsterHome: process.env.DAGSTER_HOME ?? null, folders: [resolve(path)] });
  if (location.kind !== 'sqlite') throw new CommandError(location.message);
  let instance;
  try {
    instance = await readLocalInstance(resolve(location.home), { inputChanges: true });
  } catch (error) {
    if (error instanceof InstanceReadError) throw new CommandError(error.message);
    throw error;
  }
  const graph = await scanPaths([path]);
  return staleReport(graph, instance, now);
}

function staleText(assets: AssetStaleReport[]): string {
  const lines: string[] = [];
  for (const a of assets) {
    const s = a.status;
    lines.push(`${keyToUserString(a.asset)}: ${s.fresh} fresh, ${s.stale} stale, ${s.missing} missing, ${s.failed} failed`);
    for (const group of a.stale) {
      const where = group.ranges.slice(0, 3).map(([x, y]) => (x === y ? x : `${x}...${y}`)).join(', ');
      lines.push(`  stale${where ? ` ${where}` : ''}: ${group.causes.map((c) => `${c.reason}${c.dependency ? ` (${keyToUserString(c.dependency)})` : ''}`).join('; ')}`);
    }
    if (a.status.failed) {
      const where = a.failed.ranges.slice(0, 3).map(([x, y]) => (x === y ? x : `${x}...${y}`)).join(', ');
      lines.push(`  failed${where ? ` ${where}` : ''}: the latest run failed after the latest materialization`);
    }
    for (const hit of a.impacted) {
      const where = hit.ranges.slice(0, 3).map(([x, y]) => (x === y ? x : `${x}...${y}`)).join(', ');
      lines.push(`  impacted (not a Dagster status)${where ? ` ${where}` : ''}: downstream of stale or failed ${hit.upstream.map((k) => keyToUserString(k)).join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
