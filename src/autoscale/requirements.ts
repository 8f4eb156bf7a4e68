// Karpenter's label-requirement algebra, small: a requirement set maps a label key to the values it
// allows, either a finite set (In) or everything but a set (NotIn / Exists), or nothing present
// (DoesNotExist), with optional integer bounds (Gt / Lt). Two sets intersect key by key; a key
// whose allowed values become empty makes the whole set unsatisfiable. A pod's set comes from its
// nodeSelector and the first required node-affinity term; an offering (node group) is compatible
// when its labels satisfy every key.
import type { Labels, NodeSelectorRequirement, Pod } from '../api/types.js';

interface Allowed {
  /** Finite set of allowed values, or null for "any value except `excluded`". */
  values: Set<string> | null;
  excluded: Set<string>;
  /** The label must be absent. */
  absent: boolean;
  /** The label must be present (Exists). */
  present: boolean;
  gt?: number;
  lt?: number;
}

const ANY = (): Allowed => ({ values: null, excluded: new Set(), absent: false, present: false });

export class Requirements {
  private readonly keys = new Map<string, Allowed>();

  static ofPod(pod: Pod): Requirements {
    const req = new Requirements();
    for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) req.add({ key: k, operator: 'In', values: [v] });
    const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    for (const e of terms?.[0]?.matchExpressions ?? []) req.add(e);
    return req;
  }

  add(e: NodeSelectorRequirement): void {
    const a: Allowed = ANY();
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        a.values = new Set(values);
        break;
      case 'NotIn':
        a.excluded = new Set(values);
        break;
      case 'Exists':
        a.present = true;
        break;
      case 'DoesNotExist':
        a.absent = true;
        break;
      case 'Gt':
        a.gt = Number(values[0]);
        break;
      case 'Lt':
        a.lt = Number(values[0]);
        break;
    }
    this.keys.set(e.key, intersectAllowed(this.keys.get(e.key), a));
  }

  /** The intersection of two sets (neither is changed). */
  intersect(other: Requirements): Requirements {
    const out = new Requirements();
    for (const [k, a] of this.keys) out.keys.set(k, a);
    for (const [k, a] of other.keys) out.keys.set(k, intersectAllowed(out.keys.get(k), a));
    return out;
  }

  /** False when some key allows no value and may not be absent either. */
  satisfiable(): boolean {
    for (const a of this.keys.values()) if (a.values !== null && a.values.size === 0 && !a.absent) return false;
    return true;
  }

  /** Whether labels meet every requirement. */
  compatible(labels: Labels): boolean {
    for (const [k, a] of this.keys) {
      const v = labels[k];
      if (v === undefined) {
        const needsValue = a.present || a.values !== null || a.gt !== undefined || a.lt !== undefined;
        if (!a.absent && needsValue) return false;
        continue;
      }
      if (a.absent) return false;
      if (a.values !== null && !a.values.has(v)) return false;
      if (a.excluded.has(v)) return false;
      if (a.gt !== undefined && !(Number(v) > a.gt)) return false;
      if (a.lt !== undefined && !(Number(v) < a.lt)) return false;
    }
    return true;
  }
}

function intersectAllowed(x: Allowed | undefined, y: Allowed): Allowed {
  if (!x) return y;
  let values: Set<string> | null;
  if (x.values && y.values) values = new Set([...x.values].filter((v) => y.values!.has(v)));
  else values = x.values ?? y.values;
  const excluded = new Set([...x.excluded, ...y.excluded]);
  if (values) values = new Set([...values].filter((v) => !excluded.has(v)));
  const absent = x.absent && y.absent;
  return {
    values: (x.absent || y.absent) && !absent ? new Set() : values,
    excluded,
    absent,
    present: x.present || y.present,
    gt: x.gt === undefined ? y.gt : y.gt === undefined ? x.gt : Math.max(x.gt, y.gt),
    lt: x.lt === undefined ? y.lt : y.lt === undefined ? x.lt : Math.min(x.lt, y.lt),
  };
}
