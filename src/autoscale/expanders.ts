// cluster-autoscaler's expanders: given the scale-up options (a group, how many nodes, which pods
// they would take), keep the best. Chained (`--expander=priority,least-waste`) each narrows the
// list of the one before; ties left at the end are broken at random (seeded), as upstream does.
//   random       any option
//   most-pods    the options that schedule the most pods
//   least-waste  the least idle cpu + memory share on the new nodes (after DaemonSet pods)
//   price        the lowest price per unit of requested resources (cores + GiB/4, CA's 1:4 ratio)
//   priority     the options whose group name matches a regex of the highest priority listed
import type { Rng } from '../engine/rng.js';
import type { SimPod } from '../sim/sim-pod.js';
import type { Template } from './node-groups.js';
import type { Resources } from './resources.js';

export const EXPANDERS = ['random', 'most-pods', 'least-waste', 'price', 'priority'] as const;
export type ExpanderName = (typeof EXPANDERS)[number];

export interface ScaleUpOption {
  template: Template;
  nodes: number;
  pods: SimPod[];
  /** Sum of the pods' requests. */
  requested: Resources;
}

/** Priority expander configuration: priority → regexes of group names. */
export type Priorities = Record<number, string[]>;

const GIB = 1024 ** 3;

function best(options: ScaleUpOption[], score: (o: ScaleUpOption) => number): ScaleUpOption[] {
  let top = Number.POSITIVE_INFINITY;
  for (const o of options) top = Math.min(top, score(o));
  return options.filter((o) => score(o) <= top + 1e-12);
}

export function wasteScore(o: ScaleUpOption): number {
  let waste = 0;
  for (const name of ['cpu', 'memory']) {
    const total = (o.template.allocatable.get(name) ?? 0) * o.nodes;
    if (total <= 0) continue;
    const daemon = (o.template.allocatable.get(name) ?? 0) - (o.template.free.get(name) ?? 0);
    waste += (total - daemon * o.nodes - (o.requested.get(name) ?? 0)) / total;
  }
  return waste;
}

export function priceScore(o: ScaleUpOption): number {
  const units = (o.requested.get('cpu') ?? 0) / 1000 + (o.requested.get('memory') ?? 0) / GIB / 4;
  return (o.template.group.price * o.nodes) / Math.max(units, 1e-9);
}

function byPriority(options: ScaleUpOption[], priorities: Priorities): ScaleUpOption[] {
  const levels = Object.keys(priorities)
    .map(Number)
    .sort((a, b) => b - a);
  for (const level of levels) {
    const patterns = priorities[level].map((p) => new RegExp(`^(?:${p})$`));
    const hit = options.filter((o) => patterns.some((re) => re.test(o.template.group.name)));
    if (hit.length > 0) return hit;
  }
  return options;
}

/** The option the chain picks. */
export function expand(
  chain: readonly ExpanderName[],
  options: ScaleUpOption[],
  rng: Rng,
  priorities: Priorities = {},
): ScaleUpOption | undefined {
  let left = options;
  for (const name of chain) {
    if (left.length <= 1) break;
    switch (name) {
      case 'random':
        left = [left[rng.int(left.length)]];
        break;
      case 'most-pods':
        left = best(left, (o) => -o.pods.length);
        break;
      case 'least-waste':
        left = best(left, wasteScore);
        break;
      case 'price':
        left = best(left, priceScore);
        break;
      case 'priority':
        left = byPriority(left, priorities);
        break;
    }
  }
  return left.length <= 1 ? left[0] : left[rng.int(left.length)];
}
