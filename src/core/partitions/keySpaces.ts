import { isTimeWindow, type DynamicPartitions, type PartitionsDefinition, type StaticPartitions } from '../model/partitions';
import { PartitionsError } from './errors';
import { TimeWindowSpace } from './timeWindows';

/**
 * The partition keys of any definition at one evaluation time: time windows, an ordered key list
 * (static, or dynamic once a state source supplied its keys), or the product of two of those.
 */

/** Substrings Dagster refuses in partition keys (`INVALID_PARTITION_SUBSTRINGS`); `...` is range syntax. */
export const invalidKeySubstrings = ['...', '\u0007', '\b', '\f', '\n', '\r', '\t', '\v', '\0'];
/** Characters a static key cannot hold inside a multi-partitions definition. */
const invalidMultiKeyCharacters = ['|', ',', '[', ']'];

export class KeyListSpace {
  readonly kind = 'keys';
  readonly def: StaticPartitions | DynamicPartitions;
  readonly keys: readonly string[];
  readonly count: number;
  private readonly positions: Map<string, number>;

  constructor(def: StaticPartitions | DynamicPartitions, keys: readonly string[]) {
    this.def = def;
    this.keys = keys;
    this.count = keys.length;
    this.positions = new Map();
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) duplicates.add(key);
      seen.add(key);
    }
    if (duplicates.size) {
      throw new PartitionsError(`Duplicate instances of partition keys: [${[...duplicates].map((k) => `'${k}'`).join(', ')}]`);
    }
    for (const [i, key] of keys.entries()) {
      const bad = invalidKeySubstrings.find((s) => key.includes(s));
      if (bad !== undefined) {
        const shown = bad === '...' ? "'...'" : JSON.stringify(bad);
        throw new PartitionsError(`partition key ${JSON.stringify(key)} contains ${shown}, which Dagster does not allow`);
      }
      this.positions.set(key, i);
    }
  }

  key(i: number): string {
    return this.keys[i] as string;
  }

  indexOf(key: string): number | null {
    return this.positions.get(key) ?? null;
  }
}

export type SingleSpace = TimeWindowSpace | KeyListSpace;

export class MultiSpace {
  readonly kind = 'multi';
  /** Exactly two, sorted by name in Python string order. */
  readonly dims: readonly [{ name: string; space: SingleSpace }, { name: string; space: SingleSpace }];
  readonly count: number;
  /**
   * Subsets keep one interval set per position of `byDim` over the other dimension: the time
   * dimension stays in ranges when there is one.
   */
  readonly byDim: 0 | 1;

  constructor(dims: { name: string; space: SingleSpace }[]) {
    if (dims.length !== 2) {
      throw new PartitionsError(
        `Dagster currently only supports multi-partitions definitions with 2 partitions definitions. Your multi-partitions definition has ${dims.length} partitions definitions.`,
        'DagsterInvalidInvocationError',
      );
    }
    const sorted = [...dims].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.dims = [sorted[0], sorted[1]] as MultiSpace['dims'];
    if (this.dims[0].name === this.dims[1].name) throw new PartitionsError(`MultiPartitionsDefinition has the dimension '${this.dims[0].name}' twice`);
    for (const { name, space } of this.dims) {
      // Dagster checks static keys only; dynamic keys that would not split are dropped (createSpace).
      if (space.kind !== 'keys' || space.def.type !== 'static') continue;
      for (const key of space.keys) {
        const bad = invalidMultiKeyCharacters.find((c) => key.includes(c));
        if (bad !== undefined) {
          throw new PartitionsError(`partition key '${key}' of dimension '${name}' contains '${bad}', which a MultiPartitionsDefinition does not allow`);
        }
      }
    }
    this.count = this.dims[0].space.count * this.dims[1].space.count;
    this.byDim = this.dims[0].space.kind === 'time' ? 1 : 0;
  }

  key(i0: number, i1: number): string {
    return `${this.dims[0].space.key(i0)}|${this.dims[1].space.key(i1)}`;
  }

  /** Positions in each dimension of an existing key, or null. */
  indexOf(key: string): [number, number] | null {
    const parts = key.split('|');
    if (parts.length !== 2) return null;
    const i0 = this.dims[0].space.indexOf(parts[0] as string);
    const i1 = this.dims[1].space.indexOf(parts[1] as string);
    return i0 === null || i1 === null ? null : [i0, i1];
  }

  dimIndex(name: string): 0 | 1 | null {
    if (this.dims[0].name === name) return 0;
    if (this.dims[1].name === name) return 1;
    return null;
  }
}

/** The key of the last partition (in Dagster's order), or null when there is none. */
export function lastPartitionKey(space: PartitionSpace): string | null {
  if (space.count === 0) return null;
  return space.kind === 'multi' ? space.key(space.dims[0].space.count - 1, space.dims[1].space.count - 1) : space.key(space.count - 1);
}

/** A dynamic definition whose keys no state source has supplied yet. */
export class UnknownSpace {
  readonly kind = 'unknown';
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

export type PartitionSpace = SingleSpace | MultiSpace;

export interface SpaceContext {
  /** Evaluation time, UTC milliseconds. */
  now: number;
  /** Keys of dynamic partitions definitions by name, from an instance or a server; undefined = not known. */
  dynamicKeys?: (name: string) => readonly string[] | undefined;
}

export function createSpace(def: PartitionsDefinition, context: SpaceContext): PartitionSpace | UnknownSpace {
  if (def.type === 'multi') {
    const dims: { name: string; space: SingleSpace }[] = [];
    for (const dim of def.dimensions) {
      if (dim.partitions.type === 'dynamic' && dim.partitions.name === null) {
        throw new PartitionsError(`dimension '${dim.name}' is a DynamicPartitionsDefinition without a name; a multi-partitions dimension needs one`);
      }
      const partitions = dim.partitions;
      const space =
        partitions.type === 'dynamic' && partitions.name !== null && context.dynamicKeys?.(partitions.name) !== undefined
          ? // A dynamic key holding `|` cannot be told apart inside a multi key; Dagster leaves it out.
            new KeyListSpace(partitions, (context.dynamicKeys(partitions.name) as readonly string[]).filter((k) => !k.includes('|')))
          : createSpace(partitions, context);
      if (space.kind === 'unknown') return space;
      dims.push({ name: dim.name, space: space as SingleSpace });
    }
    return new MultiSpace(dims);
  }
  if (isTimeWindow(def)) return new TimeWindowSpace(def, context.now);
  if (def.type === 'static') return new KeyListSpace(def, def.keys);
  if (def.name === null) return new UnknownSpace('a DynamicPartitionsDefinition without a literal name has keys only Dagster can compute');
  const keys = context.dynamicKeys?.(def.name);
  if (keys === undefined) return new UnknownSpace(`the keys of dynamic partitions '${def.name}' come from the Dagster instance and are not loaded yet`);
  return new KeyListSpace(def, keys);
}
