import { resolve } from 'node:path';
import { discoverInstance } from '../core/state/instanceDiscovery';
import { readLocalInstance, stateJson } from '../core/state/localInstance';
import { InstanceReadError } from '../core/state/sqlite/sqliteFile';
import { CommandError } from './partitionCommands';

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
