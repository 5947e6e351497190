import type { AssetStatus, ToWebview } from '../../../src/protocol/graphProtocol';
import { countLabel } from './labels';
import type { ModelAsset } from './lineageModel';
import type { ViewNode } from './visibleGraph';

/** What the host read from the Dagster instance (`state/set` with an instance connected). */
export type InstanceState = NonNullable<Extract<ToWebview, { type: 'state/set' }>['state']>;

/**
 * The five bands of a node's status strip, worst first. They are exclusive and add up to the
 * asset's partitions: "impacted" partitions are fresh ones that depend on a stale or failed
 * partition (the protocol counts them inside `fresh`), so the strip's fresh band is the rest.
 */
export const statusKinds = ['failed', 'stale', 'impacted', 'missing', 'fresh'] as const;
export type StatusKind = (typeof statusKinds)[number];

/** What a node shows: its own status, or its members' summed for a collapsed group. */
export interface NodeStatus {
  counts: Readonly<Record<StatusKind, number>>;
  /** Partitions in all (the strip's 100 %). */
  total: number;
  worst: StatusKind | null;
  codeChanged: boolean;
  /** Tooltip lines after the counts: the host's causes, or the members worth a look. */
  details: readonly string[];
  /** What `words` counts: one asset's status, its partitions, or a collapsed group's members' partitions. */
  label: 'Status' | 'Partitions' | 'Member partitions';
  /** Counts in words: "1 failed, 2 stale, 360 missing, 31 fresh, 4 of them impacted (…)", or "stale". */
  words: string;
}

/** The bands of one asset's status (see `statusKinds` for why fresh excludes impacted). */
export function statusBands(s: AssetStatus): Record<StatusKind, number> {
  // `impacted` cannot exceed `fresh` in what the host computes; a band never goes negative if it did.
  const impacted = s.impacted;
  return { failed: s.failed, stale: s.stale, impacted, missing: s.missing, fresh: Math.max(0, s.fresh - impacted) };
}

export function worstOf(counts: Readonly<Record<StatusKind, number>>): StatusKind | null {
  // As the tree colours assets: most time-partitioned assets have missing partitions, so any fresh
  // one makes the asset fresh rather than missing.
  if (counts.missing > 0 && counts.fresh > 0 && !counts.failed && !counts.stale && !counts.impacted) return 'fresh';
  return statusKinds.find((kind) => counts[kind] > 0) ?? null;
}

const impactedWhy = 'downstream of stale or failed';

/**
 * The counts in words, in Dagster's terms (its fresh count includes the impacted partitions, as in
 * the editor's hover), worst first, zeros left out. An unpartitioned asset has one partition, so
 * its status is a word, not a count.
 */
export function statusWords(s: AssetStatus, partitioned: boolean): string {
  const total = s.fresh + s.stale + s.missing + s.failed;
  if (!partitioned && total === 1) {
    if (s.failed) return 'failed (the latest run failed after the latest materialization)';
    if (s.stale) return 'stale';
    if (s.missing) return 'missing (never materialized)';
    return s.impacted ? `fresh but impacted (${impactedWhy})` : 'fresh';
  }
  const parts: string[] = [];
  if (s.failed) parts.push(`${s.failed.toLocaleString('en-US')} failed`);
  if (s.stale) parts.push(`${s.stale.toLocaleString('en-US')} stale`);
  if (s.missing) parts.push(`${s.missing.toLocaleString('en-US')} missing`);
  if (s.fresh) parts.push(`${s.fresh.toLocaleString('en-US')} fresh`);
  if (s.impacted) parts.push(s.fresh ? `${s.impacted.toLocaleString('en-US')} of them impacted (${impactedWhy})` : `${s.impacted.toLocaleString('en-US')} impacted (${impactedWhy})`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export const codeChangedWords = 'code changed since the last materialization';

/** An asset's status as its node shows it; null when the instance has no record of it. */
export function assetNodeStatus(asset: ModelAsset, s: AssetStatus | undefined): NodeStatus | null {
  if (!s) return null;
  const counts = statusBands(s);
  const total = statusKinds.reduce((n, kind) => n + counts[kind], 0);
  const partitioned = asset.asset.partitions !== null;
  const label = !partitioned && total === 1 ? 'Status' : 'Partitions';
  return { counts, total, worst: worstOf(counts), codeChanged: s.codeChanged, details: s.details, label, words: statusWords(s, partitioned) };
}

/** Most members named per status in a collapsed group's tooltip. */
const membersNamed = 4;

/**
 * A collapsed group's status: its members' partitions summed (so the strip's proportions are the
 * group's), code changed if any member's code changed, and the members behind the worst bands by
 * name. Null when no member has a record.
 */
export function groupNodeStatus(members: readonly ModelAsset[], statusOf: (asset: ModelAsset) => AssetStatus | undefined): NodeStatus | null {
  const sum: AssetStatus = { fresh: 0, stale: 0, missing: 0, failed: 0, impacted: 0, codeChanged: false, details: [] };
  const byWorst = new Map<StatusKind | 'codeChanged', string[]>();
  let recorded = 0;
  for (const member of members) {
    const s = statusOf(member);
    if (!s) continue;
    recorded++;
    sum.fresh += s.fresh;
    sum.stale += s.stale;
    sum.missing += s.missing;
    sum.failed += s.failed;
    sum.impacted += s.impacted;
    if (s.codeChanged) {
      sum.codeChanged = true;
      push(byWorst, 'codeChanged', member.userKey);
    }
    const worst = worstOf(statusBands(s));
    if (worst === 'failed' || worst === 'stale' || worst === 'impacted') push(byWorst, worst, member.userKey);
  }
  if (recorded === 0) return null;
  const details: string[] = [];
  const named = (label: string, keys: string[] | undefined): void => {
    if (!keys) return;
    const shown = keys.slice(0, membersNamed).join(', ');
    details.push(`${label}: ${shown}${keys.length > membersNamed ? ` and ${keys.length - membersNamed} more` : ''}`);
  };
  named('Failed', byWorst.get('failed'));
  named('Stale', byWorst.get('stale'));
  named('Impacted', byWorst.get('impacted'));
  named('Code changed', byWorst.get('codeChanged'));
  if (recorded < members.length) details.push(`${countLabel(members.length - recorded, 'member has', 'members have')} no record in the instance`);
  const counts = statusBands(sum);
  const total = statusKinds.reduce((n, kind) => n + counts[kind], 0);
  return { counts, total, worst: worstOf(counts), codeChanged: sum.codeChanged, details, label: 'Member partitions', words: statusWords(sum, true) };
}

function push<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The status of a view node, for the strip, the classes and the tooltip. */
export function viewNodeStatus(node: ViewNode, assets: ReadonlyMap<string, AssetStatus>): NodeStatus | null {
  if (node.type === 'asset') return assetNodeStatus(node.asset, assets.get(node.asset.userKey));
  return groupNodeStatus(node.members, (member) => assets.get(member.userKey));
}

/** Tooltip lines for a node's status (after the node's own lines). */
export function statusTooltipLines(status: NodeStatus): string[] {
  const lines = [`${status.label}: ${status.words}`];
  // A group names its changed members in its details instead.
  if (status.codeChanged && status.label !== 'Member partitions') lines.push(`Code changed since the last materialization`);
  return lines.concat(status.details);
}

/** The spoken form, appended to the node's aria-label: "partitions: 2 stale, 31 fresh, code changed since…". */
export function statusAriaText(status: NodeStatus): string {
  return `${status.label.toLowerCase()}: ${status.words}${status.codeChanged ? `, ${status.label === 'Member partitions' ? 'code changed in some members' : codeChangedWords}` : ''}`;
}

export interface StripSegment {
  kind: StatusKind;
  x: number;
  width: number;
}

/**
 * Lays out the strip's bands in `width` pixels, in `statusKinds` order. Widths follow the counts,
 * except that a band with any partition gets at least `minWidth`, so one failed partition among
 * thousands still shows; the bands above the minimum share what is left in proportion, so their
 * ratios stay exact.
 */
export function stripSegments(counts: Readonly<Record<StatusKind, number>>, width: number, minWidth: number): StripSegment[] {
  const kinds = statusKinds.filter((kind) => counts[kind] > 0);
  if (kinds.length === 0 || width <= 0) return [];
  const floor = Math.min(minWidth, width / kinds.length);
  const widths = new Map<StatusKind, number>();
  let free = kinds;
  let room = width;
  // At most five rounds: each one fixes at least one more band at the minimum, or ends.
  for (;;) {
    const sum = free.reduce((n, kind) => n + counts[kind], 0);
    const small = free.filter((kind) => (room * counts[kind]) / sum < floor);
    if (small.length === 0) {
      for (const kind of free) widths.set(kind, (room * counts[kind]) / sum);
      break;
    }
    for (const kind of small) widths.set(kind, floor);
    room -= floor * small.length;
    free = free.filter((kind) => !small.includes(kind));
    if (free.length === 0) break;
  }
  let x = 0;
  return kinds.map((kind) => {
    const w = widths.get(kind) ?? 0;
    const segment = { kind, x, width: w };
    x += w;
    return segment;
  });
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The toolbar's instance indicator: "local instance examples/harbor/.dagster · read 12:03" (the
 * date too when the read was not today), the worst status of any asset for its dot, and a tooltip
 * with the counts and the strip's legend. Times are local; the ISO time is not checked by the
 * protocol, so an unreadable one is said to be unknown.
 */
export function instanceIndicator(state: InstanceState, now: Date): { text: string; title: string; worst: StatusKind | null } {
  const read = new Date(state.readAt);
  let when = 'read at an unknown time';
  let fullWhen = 'Read at an unknown time';
  if (!Number.isNaN(read.getTime())) {
    const day = `${read.getFullYear()}-${pad(read.getMonth() + 1)}-${pad(read.getDate())}`;
    const time = `${pad(read.getHours())}:${pad(read.getMinutes())}`;
    const today = day === `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
    when = `read ${today ? time : `${day} ${time}`}`;
    fullWhen = `Read ${day} ${time}:${pad(read.getSeconds())}`;
  }
  const assets: Record<StatusKind, number> = { failed: 0, stale: 0, impacted: 0, missing: 0, fresh: 0 };
  let codeChanged = 0;
  let recorded = 0;
  for (const s of Object.values(state.assets)) {
    recorded++;
    const worst = worstOf(statusBands(s));
    if (worst) assets[worst]++;
    if (s.codeChanged) codeChanged++;
  }
  const worst = worstOf(assets);
  const counts = statusKinds.filter((kind) => assets[kind] > 0).map((kind) => `${assets[kind].toLocaleString('en-US')} ${kind}`);
  const title = [
    `Materialization status from ${state.source}`,
    fullWhen,
    recorded === 0 ? 'No asset has a record in the instance yet' : `Assets by worst partition: ${counts.join(', ')}${codeChanged ? `; ${codeChanged.toLocaleString('en-US')} with code changed` : ''}`,
    'The strip under each node: failed | stale | impacted (downstream of stale or failed) | missing | fresh partitions',
  ].join('\n');
  return { text: `${state.source} · ${when}`, title, worst };
}
