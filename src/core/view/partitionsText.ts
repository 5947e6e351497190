import type { PartitionsDefinition } from '../model/partitions';
import { createSpace, lastPartitionKey } from '../partitions/keySpaces';
import { allSubset, subsetKeys, subsetSize } from '../partitions/subsets';
import { PartitionsError } from '../partitions/errors';

/**
 * The partitions that exist at `now`, as Dagster would list them: `1,786 partitions now: 2024-01-01 …
 * 2028-11-20`. Dynamic keys are unknown without an instance; a definition Dagster would refuse
 * (a start that does not match `fmt`, an invalid cron or time zone) says why.
 */
export function partitionsNowText(def: PartitionsDefinition | null, now: number): string {
  if (!def) return '';
  try {
    const space = createSpace(def, { now });
    if (space.kind === 'unknown') return 'dynamic partition keys are read from the Dagster instance';
    const all = allSubset(space);
    const count = subsetSize(all);
    if (count === 0) return 'no partitions yet';
    const first = subsetKeys(all, 1)[0] as string;
    const last = lastPartitionKey(space) as string;
    return `${count.toLocaleString('en-US')} ${count === 1 ? 'partition' : 'partitions'} now: ${count === 1 ? first : `${first} … ${last}`}`;
  } catch (error) {
    if (error instanceof PartitionsError) return `Dagster would refuse this definition: ${error.message}`;
    throw error;
  }
}
