import type { MaterializationRecord, PartitionState } from './instanceState';

/**
 * One asset's partition states as columns, for bulk staleness: what the rules read of every
 * partition (failed or not, its current record's code version, whether it has provenance, its input
 * names and where its input pointers are) packed four numbers per partition in one typed array.
 *
 * A walk over a million partitions then reads one contiguous array per asset instead of two objects
 * per partition wherever the heap put them: after an instance has been read a few times the heap is
 * fragmented, and objects read in one go end up scattered, which made the same walk half again as slow.
 * The objects stay for the rare questions (an unpartitioned input's version, record times).
 */
export interface StatusColumns {
  /** Partition keys, in the states map's order. */
  readonly partitions: readonly (string | null)[];
  /** Each partition's current record: its latest materialization or observation, whichever is newer. */
  readonly records: readonly (MaterializationRecord | null)[];
  /** `stride` numbers per partition: flags, code version number, input list number, pointer start. */
  readonly data: Int32Array;
  /** The distinct code versions of the current records (null included), numbered by position. */
  readonly codeVersions: readonly (string | null)[];
  /** The distinct input name lists of the current records, numbered by position. */
  readonly inputLists: readonly (readonly string[])[];
}

export const stride = 4;
/** `data[i * stride + flagsAt]` bits. */
export const failedFlag = 1;
export const recordFlag = 2;
/** The current record has a data version (so provenance: input versions and pointers). */
export const provenanceFlag = 4;
export const flagsAt = 0;
export const codeVersionAt = 1;
export const inputListAt = 2;
export const pointerAt = 3;

/** Dagster's "current" record of a partition: the latest materialization or observation. */
export function currentRecord(state: PartitionState | undefined): MaterializationRecord | null {
  const m = state?.lastMaterialization ?? null;
  const o = state?.lastObservation ?? null;
  if (m && o) return m.storageId >= o.storageId ? m : o;
  return m ?? o;
}

const made = new WeakMap<ReadonlyMap<string | null, PartitionState>, StatusColumns>();

/**
 * The columns of one asset's states, made once per map (the reader makes them while it lays the
 * states out; states built elsewhere get theirs when first asked). The map must not change afterwards,
 * as no state read from an instance does.
 */
export function statusColumns(states: ReadonlyMap<string | null, PartitionState>): StatusColumns {
  let columns = made.get(states);
  if (columns) return columns;
  const partitions: (string | null)[] = [];
  const records: (MaterializationRecord | null)[] = [];
  const data = new Int32Array(states.size * stride);
  const codeVersions = new Numbering<string | null>();
  const inputLists = new Numbering<readonly string[]>();
  let i = 0;
  states.forEach((state, partition) => {
    const record = currentRecord(state);
    partitions.push(partition);
    records.push(record);
    const at = i * stride;
    let flags = state.status === 'failed' ? failedFlag : 0;
    if (record) {
      flags |= recordFlag;
      if (record.dataVersion !== null) flags |= provenanceFlag;
      data[at + codeVersionAt] = codeVersions.of(record.codeVersion);
      data[at + inputListAt] = inputLists.of(record.inputNames);
      data[at + pointerAt] = record.inputPointerAt;
    } else data[at + codeVersionAt] = data[at + inputListAt] = data[at + pointerAt] = -1;
    data[at + flagsAt] = flags;
    i++;
  });
  columns = { partitions, records, data, codeVersions: codeVersions.values, inputLists: inputLists.values };
  made.set(states, columns);
  return columns;
}

/** Numbers distinct values in order of appearance; consecutive partitions nearly always repeat the last one. */
class Numbering<T> {
  readonly values: T[] = [];
  private readonly numbers = new Map<T, number>();

  of(value: T): number {
    const last = this.values.length - 1;
    if (last >= 0 && this.values[last] === value) return last;
    let n = this.numbers.get(value);
    if (n === undefined) {
      n = this.values.push(value) - 1;
      this.numbers.set(value, n);
    }
    return n;
  }
}
