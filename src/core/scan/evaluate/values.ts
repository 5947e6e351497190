import type { AssetKind, BackfillPolicy } from '../../model/graph';
import type { PartitionMapping } from '../../model/partitionMappings';
import type { PartitionsDefinition } from '../../model/partitions';
import type { Expr, FunctionDef } from '../ir';

/**
 * Values of the small abstract interpreter that evaluates module IR. Python objects the graph
 * depends on (keys, specs, partitions, mappings, paths, modules, Dagster decorators) are modelled;
 * everything else is `unknown`, which carries why, so a use that matters becomes a diagnostic.
 */
export type Value =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'list'; items: Value[]; tuple: boolean }
  | { k: 'dict'; entries: [Value, Value][] }
  | { k: 'module'; name: string }
  /** A Dagster API object (`asset`, `AssetKey`, `DailyPartitionsDefinition`, `AssetKey.from_user_string`, ...). */
  | { k: 'api'; name: string }
  /** A bound method of a modelled value, e.g. `my_list.append`, `"_".join`, `path.joinpath`. */
  | { k: 'method'; self: Value; name: string }
  | { k: 'func'; def: FunctionDef; module: ModuleRef; closure: Scope | null; definitions: boolean }
  | { k: 'class'; name: string; bases: Value[]; module: ModuleRef }
  /** A decorator produced by calling a Dagster decorator factory: `asset(name=...)`. */
  | { k: 'decorator'; name: string; call: CallArgs }
  | { k: 'key'; path: string[] }
  | { k: 'assets'; def: AssetsDef }
  | { k: 'spec'; spec: SpecValue }
  | { k: 'partitions'; def: PartitionsDefinition }
  | { k: 'mapping'; mapping: PartitionMapping }
  | { k: 'dimensionMapping'; dimensionName: string; mapping: PartitionMapping }
  | { k: 'assetIn'; key: string[] | null; keyPrefix: string[] | null; mapping: PartitionMapping | null; isNothing: boolean }
  | { k: 'assetOut'; fields: AssetOutFields }
  | { k: 'assetDep'; keys: string[][]; mapping: PartitionMapping | null; line: number }
  | { k: 'backfill'; policy: BackfillPolicy }
  | { k: 'definitions'; items: Value[]; file: string; line: number }
  | { k: 'path'; path: string }
  | { k: 'dbtProject'; projectDir: string; manifestPath: string }
  | { k: 'translator'; keyPrefix: string[]; sourceKeyPrefix: string[]; custom: string | null }
  | { k: 'automation'; text: string }
  | { k: 'datetime'; parts: [number, number, number, number, number, number] }
  /** An `@op` or `@graph` definition, for `AssetsDefinition.from_op` / `from_graph`. */
  | { k: 'opdef'; name: string; inputs: string[]; outputs: string[]; file: string; line: number; sourceHash: string; isGraph: boolean }
  | { k: 'unknown'; why: string };

export interface ModuleRef {
  name: string;
  /** Absolute path of the module's file. */
  file: string;
}

export interface CallArgs {
  args: Value[];
  kwargs: Map<string, Value>;
  /** Source expressions of the keyword arguments, for diagnostics and verbatim text (automation conditions). */
  kwargExprs: Map<string, Expr>;
  line: number;
  file: string;
}

export interface AssetOutFields {
  key: string[] | null;
  keyPrefix: string[];
  group: string | null;
  codeVersion: string | null;
  description: string | null;
  owners: string[];
  tags: Record<string, string>;
  kinds: string[];
  backfillPolicy: BackfillPolicy | null;
  automationCondition: string | null;
  metadata: Record<string, unknown>;
  isNothing: boolean;
}

export interface DepValue {
  key: string[];
  mapping: PartitionMapping | null;
  inputName?: string;
  carriesData: boolean;
}

/** One asset inside an AssetsDefinition (or a standalone AssetSpec / SourceAsset). */
export interface SpecValue {
  key: string[];
  deps: DepValue[];
  group: string | null;
  partitions: PartitionsDefinition | null;
  codeVersion: string | null;
  backfillPolicy: BackfillPolicy | null;
  description: string | null;
  owners: string[];
  tags: Record<string, string>;
  kinds: string[];
  automationCondition: string | null;
  metadata: Record<string, unknown>;
  kind: AssetKind;
  file: string;
  line: number;
  opName: string | null;
  sourceHash: string | null;
  /** Identity of the definition site, kept through loader copies, to tell which definitions nothing loads. */
  origin: string;
}

export interface AssetsDef {
  specs: SpecValue[];
  /** Source assets and specs are treated differently by loaders (§1.8). */
  isSourceLike: boolean;
}

export const unknownValue = (why: string): Value => ({ k: 'unknown', why });
export const noneValue: Value = { k: 'none' };

/** Lexical scope for function bodies; module globals live on the module itself. */
export class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent: Scope | null) {}

  lookup(name: string): Value | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

export function describe(value: Value): string {
  switch (value.k) {
    case 'str':
      return JSON.stringify(value.v);
    case 'num':
      return String(value.v);
    case 'unknown':
      return value.why;
    case 'api':
      return value.name;
    case 'module':
      return `module ${value.name}`;
    default:
      return value.k;
  }
}

export function truthy(value: Value): boolean | null {
  switch (value.k) {
    case 'str':
      return value.v.length > 0;
    case 'num':
      return value.v !== 0;
    case 'bool':
      return value.v;
    case 'none':
      return false;
    case 'list':
      return value.items.length > 0;
    case 'dict':
      return value.entries.length > 0;
    case 'unknown':
      return null;
    default:
      return true;
  }
}

export function valuesEqual(a: Value, b: Value): boolean | null {
  if (a.k === 'unknown' || b.k === 'unknown') return null;
  if (a.k === 'str' && b.k === 'str') return a.v === b.v;
  if (a.k === 'num' && b.k === 'num') return a.v === b.v;
  if (a.k === 'bool' && b.k === 'bool') return a.v === b.v;
  if (a.k === 'none' || b.k === 'none') return a.k === b.k;
  if (a.k !== b.k) return false;
  return null;
}
