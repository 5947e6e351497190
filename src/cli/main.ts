import { scanPaths } from '../core/scan/scanner';
import { formatGraph, graphFormats, type GraphFormat } from './formats';
import {
  CommandError,
  conformanceCommand,
  impactCommand,
  partitionFormats,
  partitionsCommand,
  type PartitionFormat,
} from './partitionCommands';
import { planCommand } from './backfillCommands';
import { staleCommand, stateCommand } from './stateCommands';

/** Raised for bad command lines: exit code 2 and the usage text. */
class UsageError extends Error {}

const usage = `Usage: asset-lineage <command> [options]

Commands:
  scan [PATH...] [--format json|dot|mermaid|text] [--workers N]
      Reads the Dagster project(s) at PATH (folders or single files; default: the current folder)
      without running them, and prints the asset graph.
  partitions PATH --asset KEY [--now ISO] [--limit N] [--format json|text]
      The partitions of one asset at --now (default: the current time): count, first, last and
      the first N keys (default 100). KEY is Dagster's user string: a/b, with \/ for a slash.
  impact PATH --asset KEY [--partitions all|FIRST...LAST|K1,K2] [--now ISO] [--format json|text]
      Every downstream asset whose partitions depend on those partitions of KEY, through each
      dependency's partition mapping, with depth, count and ranges.
  state [--instance DIR] [--format json]
      What a Dagster instance with SQLite storage recorded: per asset and partition the latest
      materialization with its provenance, failures, runs still going; runs by status. Without
      --instance: DAGSTER_HOME, a dagster.yaml here with sqlite base_dir, or a running dagster dev.
  stale PATH [--instance DIR | --graphql URL] [--now ISO] [--format json|text]
      Dagster's stale status of every partition of every asset in PATH against the instance:
      counts, stale partitions grouped by cause, and (not a Dagster status) fresh partitions
      downstream of stale or failed ones. --graphql asks a Dagster webserver (dagster dev:
      http://127.0.0.1:3000/graphql) or Dagster+ (token in DAGSTER_CLOUD_API_TOKEN) instead.
  plan PATH --asset KEY [--partitions all|FIRST...LAST|K1,K2] [--downstream]
       [--only missing,failed,stale] [--instance DIR] [--now ISO] [--format json|text]
      The backfill of those partitions of KEY (and, with --downstream, every partition they reach
      through the mappings) as Dagster runs: which assets and partitions each run takes, its exact
      argv and folder, and the order. Nothing is launched.
  conformance partition-cases FILE [--format json]
      Evaluates every case of a Dagster partition-oracle file and prints {"results": [...]}.

Exit codes: 0 the command ran (diagnostics or not), 2 usage error, 1 failure.
`;

interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
}

function parseArgs(argv: string[], valued: Set<string>, flags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (flags.has(name) && eq === -1) {
        options.set(name, 'true');
        continue;
      }
      if (!valued.has(name)) throw new UsageError(`unknown option --${name}`);
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, options };
}

async function scanCommand(argv: string[]): Promise<void> {
  const { positionals, options } = parseArgs(argv, new Set(['format', 'workers']));
  const format = (options.get('format') ?? 'json') as GraphFormat;
  if (!graphFormats.includes(format)) throw new UsageError(`--format must be one of ${graphFormats.join(', ')}`);
  const workersText = options.get('workers');
  const workers = workersText === undefined ? undefined : Number(workersText);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new UsageError('--workers must be a whole number');
  const graph = await scanPaths(positionals.length ? positionals : ['.'], workers === undefined ? {} : { workers });
  process.stdout.write(formatGraph(graph, format));
}

function partitionFormat(options: Map<string, string>): PartitionFormat {
  const format = (options.get('format') ?? 'json') as PartitionFormat;
  if (!partitionFormats.includes(format)) throw new UsageError(`--format must be one of ${partitionFormats.join(', ')}`);
  return format;
}

function onePath(positionals: string[], command: string): string {
  if (positionals.length > 1) throw new UsageError(`${command} takes one PATH`);
  return positionals[0] ?? '.';
}

function requireOption(options: Map<string, string>, name: string): string {
  const value = options.get(name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

async function partitionsMain(argv: string[]): Promise<string> {
  const { positionals, options } = parseArgs(argv, new Set(['asset', 'now', 'limit', 'format']));
  return partitionsCommand({
    path: onePath(positionals, 'partitions'),
    asset: requireOption(options, 'asset'),
    now: options.get('now'),
    limit: options.get('limit'),
    format: partitionFormat(options),
  });
}

async function impactMain(argv: string[]): Promise<string> {
  const { positionals, options } = parseArgs(argv, new Set(['asset', 'partitions', 'now', 'format']));
  return impactCommand({
    path: onePath(positionals, 'impact'),
    asset: requireOption(options, 'asset'),
    partitions: options.get('partitions'),
    now: options.get('now'),
    format: partitionFormat(options),
  });
}

async function stateMain(argv: string[]): Promise<string> {
  const { positionals, options } = parseArgs(argv, new Set(['instance', 'format']));
  if (positionals.length) throw new UsageError('state takes no PATH; use --instance DIR');
  if ((options.get('format') ?? 'json') !== 'json') throw new UsageError('state prints json only');
  return stateCommand({ instance: options.get('instance') ?? null });
}

async function staleMain(argv: string[]): Promise<string> {
  const { positionals, options } = parseArgs(argv, new Set(['instance', 'graphql', 'now', 'format']));
  const graphql = options.get('graphql') ?? null;
  if (graphql !== null && options.has('instance')) throw new UsageError('stale takes --instance or --graphql, not both');
  return staleCommand({ path: onePath(positionals, 'stale'), instance: options.get('instance') ?? null, graphql, now: options.get('now'), format: partitionFormat(options) });
}

async function planMain(argv: string[]): Promise<string> {
  const { positionals, options } = parseArgs(argv, new Set(['asset', 'partitions', 'only', 'instance', 'now', 'format']), new Set(['downstream']));
  return planCommand({
    path: onePath(positionals, 'plan'),
    assets: [requireOption(options, 'asset')],
    partitions: options.get('partitions'),
    downstream: options.has('downstream'),
    only: options.get('only'),
    instance: options.get('instance') ?? null,
    now: options.get('now'),
    format: partitionFormat(options),
  });
}

function conformanceMain(argv: string[]): string {
  const { positionals, options } = parseArgs(argv, new Set(['format']));
  if (positionals.length !== 2) throw new UsageError('conformance takes a suite name and a FILE');
  if ((options.get('format') ?? 'json') !== 'json') throw new UsageError('conformance prints json only');
  return conformanceCommand({ suite: positionals[0] as string, file: positionals[1] as string });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        await scanCommand(rest);
        return 0;
      case 'partitions':
        process.stdout.write(await partitionsMain(rest));
        return 0;
      case 'impact':
        process.stdout.write(await impactMain(rest));
        return 0;
      case 'conformance':
        process.stdout.write(conformanceMain(rest));
        return 0;
      case 'state':
        process.stdout.write(await stateMain(rest));
        return 0;
      case 'stale':
        process.stdout.write(await staleMain(rest));
        return 0;
      case 'plan':
        process.stdout.write(await planMain(rest));
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof CommandError) {
      process.stderr.write(`asset-lineage: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`asset-lineage: ${error.message}\n\n${usage}`);
      return 2;
    }
    process.stderr.write(`asset-lineage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
