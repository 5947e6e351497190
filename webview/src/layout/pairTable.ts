/**
 * Distinct directed node pairs (a, b) over nodes 0..n-1, each numbered in order of first sight.
 * Layout works on pairs rather than edges: parallel edges share one route, and turning an edge
 * around to break a cycle can make it a duplicate of an existing one.
 */
export class PairTable {
  private readonly index = new Map<number, number>();
  private readonly sources: number[] = [];
  private readonly targets: number[] = [];

  constructor(private readonly n: number) {}

  /** The number of the pair (a, b), new or existing. */
  intern(a: number, b: number): number {
    const key = a * this.n + b;
    let p = this.index.get(key);
    if (p === undefined) {
      p = this.sources.length;
      this.index.set(key, p);
      this.sources.push(a);
      this.targets.push(b);
    }
    return p;
  }

  /** Sources and targets of every pair, by pair number. */
  arrays(): { source: Int32Array; target: Int32Array } {
    return { source: Int32Array.from(this.sources), target: Int32Array.from(this.targets) };
  }
}
