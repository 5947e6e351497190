/**
 * A byte-level test for "this file may define, name or load assets". Files that fail it are not
 * parsed up front; they are still parsed on demand when an evaluated module imports them (a
 * constants module) or a loader walks their package. Anything that uses Dagster's API directly
 * has to import it, so it contains `dagster`; the other words catch local re-exports and factories.
 */
const markers = ['dagster', 'asset', 'Asset', 'Definitions', 'Partition', 'dbt'].map((m) => Buffer.from(m));

export function mightDefineAssets(content: Buffer): boolean {
  for (const marker of markers) {
    if (content.indexOf(marker) !== -1) return true;
  }
  return false;
}
