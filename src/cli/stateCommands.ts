import { resolve } from 'node:path';
import { readLocalInstance, stateJson } from '../core/state/localInstance';
import { InstanceReadError } from '../core/state/sqlite/sqliteFile';
import { CommandError } from './partitionCommands';

/** `asset-lineage state --instance DIR`: the instance's recorded state as JSON. */
export async function stateCommand(options: { instance: string }): Promise<string> {
  try {
    return JSON.stringify(stateJson(await readLocalInstance(resolve(options.instance))), null, 2) + '\n';
  } catch (error) {
    if (error instanceof InstanceReadError) throw new CommandError(error.message);
    throw error;
  }
}
