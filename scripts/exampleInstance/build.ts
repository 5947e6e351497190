/**
 * Builds the example project's Dagster instance (`examples/harbor/.dagster`) from the readable
 * description in `examples/harbor/dagster-instance.yaml`: the runs, planned and completed
 * materializations with the provenance tags Dagster writes, in Dagster 1.12's SQLite schema and
 * serialized event format. The rows are computed here (with the scanner and the partitions engine,
 * so provenance follows the project's real dependencies and partition mappings) and written by
 * Python's sqlite3, the same library Dagster writes with.
 *
 *   node --import tsx scripts/exampleInstance/build.ts [OUT]   (npm run example:instance)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { keyToUserString, parseUserKey } from '../../src/core/model/assetKey';
import type { AssetNode } from '../../src/core/model/graph';
import { inferPartitionMapping } from '../../src/core/model/partitionMappings';
import { createSpace, type PartitionSpace } from '../../src/core/partitions/keySpaces';
import { upstreamOf } from '../../src/core/partitions/mappings';
import { subsetFromKeys, subsetFromRange, subsetKeys } from '../../src/core/partitions/subsets';
import { scanPaths } from '../../src/core/scan/scanner';
import { storedAssetKeyText } from '../../src/core/state/instanceState';

const project = join(__dirname, '..', '..', 'examples', 'harbor');
const entrySchema = z.object({
  asset: z.string(),
  partitions: z.union([z.string(), z.array(z.string())]).optional(),
  code_version: z.string().optional(),
  /** A data version the asset's code returned itself (`MaterializeResult(data_version=...)`). */
  data_version: z.string().optional(),
});
const descriptionSchema = z.object({
  runs: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['SUCCESS', 'FAILURE', 'STARTED', 'CANCELED']),
      at: z.string(),
      materialize: z.array(entrySchema).default([]),
      plan: z.array(entrySchema).default([]),
    }),
  ),
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** Dagster's naive UTC text (`YYYY-MM-DD HH:MM:SS.ffffff`). */
const naive = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000');

function entryJson(runId: string, time: number, dagsterEvent: Record<string, unknown>, stepKey: string | null): string {
  return JSON.stringify({
    __class__: 'EventLogEntry',
    dagster_event: {
      __class__: 'DagsterEvent',
      logging_tags: {},
      message: '',
      pid: 4242,
      pipeline_name: '__ASSET_JOB',
      solid_handle: null,
      step_handle: null,
      step_key: stepKey,
      step_kind_value: stepKey ? 'COMPUTE' : null,
      ...dagsterEvent,
    },
    error_info: null,
    level: 10,
    message: '',
    pipeline_name: '__ASSET_JOB',
    run_id: runId,
    step_key: stepKey,
    timestamp: time / 1000,
    user_message: '',
  });
}

async function main(): Promise<void> {
  const description = descriptionSchema.parse(parse(readFileSync(join(project, 'dagster-instance.yaml'), 'utf8')));
  const graph = await scanPaths([project]);
  const nodes = new Map(graph.assets.map((a) => [keyToUserString(a.key), a]));
  const events: unknown[][] = [];
  const eventTags: unknown[][] = [];
  const runs: unknown[][] = [];
  const latestByPartition = new Map<string, { id: number; dataVersion: string }>();
  const latestByAsset = new Map<string, number>();
  const lastTime = new Map<string, number>();
  let id = 0;

  const spaceAt = (node: AssetNode, now: number): PartitionSpace | null => {
    if (!node.partitions) return null;
    const space = createSpace(node.partitions, { now });
    if (space.kind === 'unknown') throw new Error(`${keyToUserString(node.key)}: dynamic partitions are not supported here`);
    return space;
  };
  const partitionsOf = (node: AssetNode, written: string | string[] | undefined, now: number): (string | null)[] => {
    const space = spaceAt(node, now);
    if (!space) return [null];
    if (written === undefined) throw new Error(`${keyToUserString(node.key)} is partitioned: list its partitions`);
    if (Array.isArray(written)) return subsetKeys(subsetFromKeys(space, written).subset);
    const [start, end] = written.split('...') as [string, string];
    return subsetKeys(subsetFromRange(space, start, end));
  };

  for (const run of description.runs) {
    let time = Date.parse(run.at);
    const started = time;
    events.push([++id, run.id, entryJson(run.id, time, { event_specific_data: null, event_type_value: 'PIPELINE_START', message: 'Started execution of run for "__ASSET_JOB".' }, null), 'PIPELINE_START', naive(time), null, null, null]);
    for (const [entries, materialize] of [[run.materialize, true], [run.plan, false]] as const) {
      for (const entry of entries) {
        const node = nodes.get(entry.asset);
        if (!node) throw new Error(`no asset ${entry.asset} in examples/harbor`);
        const user = keyToUserString(node.key);
        for (const partition of partitionsOf(node, entry.partitions, time)) {
          time += 1000;
          const assetKey = { __class__: 'AssetKey', path: node.key };
          events.push([++id, run.id, entryJson(run.id, time, { event_specific_data: { __class__: 'AssetMaterializationPlannedData', asset_key: assetKey, partition, partitions_subset: null }, event_type_value: 'ASSET_MATERIALIZATION_PLANNED' }, user), 'ASSET_MATERIALIZATION_PLANNED', naive(time), user, storedAssetKeyText(node.key), partition]);
          if (!materialize) continue;
          const codeVersion = entry.code_version ?? node.codeVersion ?? run.id;
          const tags: Record<string, string> = { 'dagster/code_version': codeVersion };
          const inputs: string[] = [];
          for (const dep of node.deps) {
            const parent = nodes.get(keyToUserString(dep.key));
            const parentUser = keyToUserString(dep.key);
            const pointer = latestByAsset.get(parentUser);
            if (!parent) continue;
            if (pointer === undefined) {
              // An external (or undefined) upstream never observed: Dagster records INITIAL and no event.
              if (parent.kind === 'asset' || parent.kind === 'multi_asset' || parent.kind === 'graph_asset' || parent.kind === 'dbt') continue;
              tags[`dagster/input_data_version/${parentUser}`] = 'INITIAL';
              tags[`dagster/input_event_pointer/${parentUser}`] = 'NULL';
              inputs.push(`${parentUser}:INITIAL`);
              continue;
            }
            let version: string;
            if (!parent.partitions) version = latestByPartition.get(`${parentUser}\u0000`)?.dataVersion ?? 'INITIAL';
            else {
              const mapping = inferPartitionMapping(dep.partitionMapping, node.partitions, parent.partitions);
              const childSpace = spaceAt(node, time);
              const selection = childSpace ? subsetFromKeys(childSpace, partition === null ? [] : [partition]).subset : ({ kind: 'whole' } as const);
              const mapped = upstreamOf(mapping, spaceAt(parent, time), childSpace, selection).selection;
              const keys = mapped && mapped.kind !== 'whole' ? subsetKeys(mapped) : [];
              version = sha256(keys.map((k) => latestByPartition.get(`${parentUser}\u0000${k}`)?.dataVersion ?? 'NULL').join(','));
            }
            tags[`dagster/input_data_version/${parentUser}`] = version;
            tags[`dagster/input_event_pointer/${parentUser}`] = String(pointer);
            inputs.push(`${parentUser}:${version}`);
          }
          const dataVersion = entry.data_version ?? sha256([codeVersion, ...inputs.sort()].join('|'));
          tags['dagster/data_version'] = dataVersion;
          if (entry.data_version !== undefined) tags['dagster/data_version_is_user_provided'] = 'true';
          time += 1000;
          const materialization = { __class__: 'AssetMaterialization', asset_key: assetKey, description: null, metadata_entries: [], partition, tags };
          const eventId = ++id;
          events.push([eventId, run.id, entryJson(run.id, time, { event_specific_data: { __class__: 'StepMaterializationData', asset_lineage: [], materialization }, event_type_value: 'ASSET_MATERIALIZATION', message: `Materialized value ${user}.` }, user), 'ASSET_MATERIALIZATION', naive(time), user, storedAssetKeyText(node.key), partition]);
          eventTags.push([eventId, storedAssetKeyText(node.key), 'dagster/data_version', dataVersion, naive(time)]);
          latestByPartition.set(`${user}\u0000${partition ?? ''}`, { id: eventId, dataVersion });
          latestByAsset.set(user, eventId);
          lastTime.set(user, time);
        }
      }
    }
    const finished = run.status === 'SUCCESS' ? 'PIPELINE_SUCCESS' : run.status === 'FAILURE' ? 'PIPELINE_FAILURE' : run.status === 'CANCELED' ? 'PIPELINE_CANCELED' : null;
    if (finished) {
      time += 1000;
      events.push([++id, run.id, entryJson(run.id, time, { event_specific_data: null, event_type_value: finished }, null), finished, naive(time), null, null, null]);
    }
    const body = JSON.stringify({ __class__: 'PipelineRun', pipeline_name: '__ASSET_JOB', run_id: run.id, status: { __enum__: `PipelineRunStatus.${run.status}` }, tags: {} });
    runs.push([run.id, '__ASSET_JOB', run.status, body, naive(started), naive(time), started / 1000, finished ? time / 1000 : null]);
  }
  const assetKeys = [...lastTime.entries()].map(([user, time]) => [storedAssetKeyText(parseUserKey(user)), naive(time)]);

  // The committed instance, or another folder (the test that checks the two agree).
  const out = process.argv[2] ?? join(project, '.dagster');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'history', 'runs'), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'al-example-instance-'));
  const rows = join(scratch, 'rows.json');
  writeFileSync(rows, JSON.stringify({ events, eventTags, runs, assetKeys }));
  const written = spawnSync('python3', [join(__dirname, 'write.py'), rows, out], { encoding: 'utf8' });
  rmSync(scratch, { recursive: true, force: true });
  if (written.status !== 0) throw new Error(`python3 could not write the instance: ${written.stderr || written.error?.message}`);
  process.stdout.write(`wrote ${out}: ${runs.length} runs, ${events.length} events\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
