// Small builders for graphs the example project does not have: a large generated one and one
// whose every string is hostile.
import type { AssetGraph, AssetNode } from '../../src/core/model/graph';
import { assetNode, type AssetNodeFields } from '../builders/assetNode';

export type { DepSpec } from '../builders/assetNode';

export function asset(key: string[], options: AssetNodeFields = {}): AssetNode {
  return assetNode(key, { file: 'defs.py', codeLocation: 'loc', ...options });
}

export function graphOf(assets: AssetNode[]): AssetGraph {
  return { version: 1, assets, diagnostics: [], codeLocations: [{ name: 'loc', source: 'implicit', target: 'defs.py', root: '.', pointer: { kind: 'file', attribute: null } }] };
}

/**
 * `groups` groups of `perGroup` assets each, in layers: every asset depends on one or two assets
 * made shortly before it, mostly in its own group and sometimes in the previous one, so the graph
 * is deep, wide and crosses groups like a real large project. Deterministic.
 */
export function generatedGraph(groups = 40, perGroup = 50): AssetGraph {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const keys: string[][][] = [];
  const assets: AssetNode[] = [];
  for (let g = 0; g < groups; g++) {
    const group = `group_${String(g).padStart(2, '0')}`;
    keys.push([]);
    for (let i = 0; i < perGroup; i++) {
      const key = ['gen', group, `asset_${String(i).padStart(3, '0')}`];
      const deps: string[][] = [];
      const own = keys[g] as string[][];
      if (i > 0) deps.push(own[Math.max(0, i - 1 - Math.floor(random() * 6))] as string[]);
      if (i > 3 && random() < 0.4) deps.push(own[Math.floor(random() * (i - 1))] as string[]);
      if (g > 0 && random() < 0.15) {
        const previous = keys[g - 1] as string[][];
        deps.push(previous[Math.floor(random() * previous.length)] as string[]);
      }
      const unique = [...new Map(deps.map((d) => [d.join('/'), d])).values()];
      own.push(key);
      assets.push(asset(key, { group, deps: unique, partitions: i % 7 === 0 ? { type: 'static', keys: ['a', 'b'] } : null }));
    }
  }
  return graphOf(assets);
}

export const hostile = {
  script: '<script>alert(1)</script>',
  img: '"><img src=x onerror=alert(1)>',
  rtl: '\u202Eevil',
  emoji: '📦 cargo 🚢',
};

/** Keys, groups, descriptions, partition keys and mapping keys that would run script if parsed as HTML. */
export function hostileGraph(): AssetGraph {
  return graphOf([
    asset([hostile.script], { group: hostile.img, description: hostile.img, partitions: { type: 'static', keys: [hostile.script, hostile.img] } }),
    asset(['raw', hostile.img], {
      group: hostile.img,
      deps: [{ key: [hostile.script], partitionMapping: { type: 'static', downstreamByUpstream: { [hostile.script]: [hostile.img] } } }],
      description: hostile.script,
    }),
    asset([hostile.rtl], { group: hostile.emoji, deps: [['raw', hostile.img]], partitions: { type: 'dynamic', name: hostile.script } }),
    asset([hostile.emoji], { group: hostile.emoji, deps: [[hostile.rtl]], kind: 'stub', description: `${hostile.rtl} ${hostile.emoji}` }),
  ]);
}
