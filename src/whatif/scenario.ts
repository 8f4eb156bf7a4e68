// A what-if scenario file (YAML or JSON): the starting cluster, node groups, the autoscaling policy
// and optionally a scheduler configuration; paths are relative to the scenario file. Every mistake
// is a Problem naming file, line and field. See docs/whatif.md for the format.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, type Problem } from '../api/problem.js';
import { parseQuantity } from '../api/quantity.js';
import type { Labels, Taint } from '../api/types.js';
import { CLUSTER_AUTOSCALER_DEFAULTS, type ClusterAutoscalerOptions } from '../autoscale/cluster-autoscaler.js';
import { EXPANDERS, type ExpanderName } from '../autoscale/expanders.js';
import { readInstanceTypes } from '../autoscale/instance-types.js';
import { KARPENTER_DEFAULTS, type KarpenterOptions } from '../autoscale/karpenter.js';
import { type CapacityType, type InstanceType, inlineInstanceType, type NodeGroup } from '../autoscale/node-groups.js';
import { parseSource, placeLines } from '../load/source.js';

export type PolicySpec =
  | { kind: 'cluster-autoscaler'; options: ClusterAutoscalerOptions }
  | { kind: 'karpenter'; options: KarpenterOptions }
  | { kind: 'none' };

export interface Scenario {
  name: string;
  file: string;
  cluster?: string;
  schedulerConfig?: string;
  profile?: string;
  seed?: number;
  until?: number;
  groups: NodeGroup[];
  policy: PolicySpec;
}

/** `90`, `90s`, `10m`, `1h`, `1m30s` → seconds. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(v.trim());
  if (!m || v.trim() === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError([{ code: 'scenario', file, message: 'cannot read the scenario file' }]);
  }
  const { source, problems } = parseSource(text, file);
  if (problems.length > 0) throw new InputError(problems);
  const doc = source.docs[0];
  const found: Problem[] = [];
  const bad = (path: string, message: string) => found.push({ code: 'scenario', file, path, message });
  const scenario = parseScenario(doc, file, bad);
  if (found.length > 0) {
    placeLines(found.map((problem) => ({ problem, source, doc: 0 })));
    throw new InputError(found);
  }
  return scenario!;
}

function parseScenario(doc: unknown, file: string, bad: (path: string, msg: string) => void): Scenario | undefined {
  if (!isObj(doc)) {
    bad('', 'expected a mapping with name, nodeGroups and autoscaler');
    return undefined;
  }
  const dir = dirname(file);
  const str = (key: string): string | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') bad(key, `expected a non-empty string, got ${JSON.stringify(v)}`);
    return typeof v === 'string' ? v : undefined;
  };
  const name = str('name') ?? file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '');
  const cluster = str('cluster');
  const schedulerConfig = str('schedulerConfig');
  const profile = str('profile');
  let seed: number | undefined;
  if (doc.seed !== undefined) {
    if (!Number.isInteger(doc.seed) || (doc.seed as number) < 0) bad('seed', 'expected an integer ≥ 0');
    else seed = doc.seed as number;
  }
  let until: number | undefined;
  if (doc.until !== undefined) {
    until = parseDuration(doc.until);
    if (until === undefined) bad('until', `expected a duration (e.g. 3h, 600s), got ${JSON.stringify(doc.until)}`);
  }
  const groups: NodeGroup[] = [];
  if (!Array.isArray(doc.nodeGroups) || doc.nodeGroups.length === 0)
    bad('nodeGroups', 'expected a list of node groups');
  else
    doc.nodeGroups.forEach((g, i) => {
      const group = parseGroup(g, `nodeGroups[${i}]`, bad);
      if (!group) return;
      if (groups.some((x) => x.name === group.name)) bad(`nodeGroups[${i}].name`, `duplicate group name ${group.name}`);
      groups.push(group);
    });
  const policy = parsePolicy(doc.autoscaler, bad);
  return {
    name,
    file,
    cluster: cluster && resolve(dir, cluster),
    schedulerConfig: schedulerConfig && resolve(dir, schedulerConfig),
    profile,
    seed,
    until,
    groups,
    policy,
  };
}

function parseGroup(g: unknown, path: string, bad: (path: string, msg: string) => void): NodeGroup | undefined {
  if (!isObj(g)) {
    bad(path, 'expected a mapping');
    return undefined;
  }
  const name = g.name;
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    bad(`${path}.name`, 'expected a DNS label (lower-case letters, digits, dashes)');
    return undefined;
  }
  const typeName = g.instanceType;
  if (typeof typeName !== 'string') {
    bad(`${path}.instanceType`, 'expected an instance type name (e.g. m5.large)');
    return undefined;
  }
  let type: InstanceType | undefined;
  if (g.cpu !== undefined || g.memory !== undefined) {
    try {
      const cores = parseQuantity(String(g.cpu)).milliValueNumber() / 1000;
      const mem = parseQuantity(String(g.memory)).valueNumber() / 1024 ** 2;
      const pods = g.pods === undefined ? 110 : Number(g.pods);
      type = inlineInstanceType(typeName, cores, Math.floor(mem), pods);
    } catch {
      bad(`${path}.cpu`, 'inline types need cpu and memory quantities (e.g. cpu: 4, memory: 16Gi)');
      return undefined;
    }
  } else {
    type = readInstanceTypes().get(typeName);
    if (!type) {
      bad(
        `${path}.instanceType`,
        `unknown instance type ${typeName} (not in data/aws-instance-types; give cpu and memory for an inline type)`,
      );
      return undefined;
    }
  }
  const capacityType = (g.capacityType ?? 'on-demand') as CapacityType;
  if (capacityType !== 'on-demand' && capacityType !== 'spot')
    bad(`${path}.capacityType`, 'expected on-demand or spot');
  const price = g.price;
  if (typeof price !== 'number' || !(price >= 0))
    bad(`${path}.price`, 'expected the hourly price in dollars (a number ≥ 0)');
  const minSize = g.minSize ?? 0;
  const maxSize = g.maxSize ?? 100;
  if (!Number.isInteger(minSize) || (minSize as number) < 0) bad(`${path}.minSize`, 'expected an integer ≥ 0');
  if (!Number.isInteger(maxSize) || (maxSize as number) < (minSize as number))
    bad(`${path}.maxSize`, 'expected an integer ≥ minSize');
  const delay = parseDuration(g.provisioningDelay ?? 60);
  if (delay === undefined) bad(`${path}.provisioningDelay`, 'expected a duration (e.g. 90s, 2m)');
  const labels = (g.labels ?? {}) as Labels;
  if (!isObj(labels)) bad(`${path}.labels`, 'expected a mapping of label keys to values');
  const taints = (g.taints ?? []) as Taint[];
  if (
    !Array.isArray(taints) ||
    taints.some(
      (t) =>
        !isObj(t) ||
        typeof t.key !== 'string' ||
        !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect as string),
    )
  )
    bad(
      `${path}.taints`,
      'expected a list of taints with key, optional value, and effect NoSchedule, PreferNoSchedule or NoExecute',
    );
  return {
    name,
    instanceType: type,
    zone: typeof g.zone === 'string' ? g.zone : 'zone-a',
    capacityType,
    price: typeof price === 'number' ? price : 0,
    minSize: minSize as number,
    maxSize: maxSize as number,
    provisioningDelay: delay ?? 0,
    labels,
    taints,
  };
}

function parsePolicy(a: unknown, bad: (path: string, msg: string) => void): PolicySpec {
  if (a === undefined) return { kind: 'none' };
  if (!isObj(a)) {
    bad('autoscaler', 'expected a mapping with kind: cluster-autoscaler or karpenter');
    return { kind: 'none' };
  }
  const known = (defaults: Obj, extra: string[]) => {
    for (const key of Object.keys(a))
      if (key !== 'kind' && !(key in defaults) && !extra.includes(key))
        bad(`autoscaler.${key}`, `unknown setting; known: ${Object.keys(defaults).join(', ')}`);
  };
  if (a.kind === 'cluster-autoscaler') {
    const o: ClusterAutoscalerOptions = { ...CLUSTER_AUTOSCALER_DEFAULTS };
    known(o as unknown as Obj, []);
    for (const [key, v] of Object.entries(a)) {
      const path = `autoscaler.${key}`;
      switch (key) {
        case 'kind':
          break;
        case 'expander': {
          const chain = String(v)
            .split(',')
            .map((s) => s.trim()) as ExpanderName[];
          const wrong = chain.find((e) => !EXPANDERS.includes(e));
          if (wrong)
            bad(path, `unknown expander ${wrong}; expected ${EXPANDERS.join(', ')} (comma-separated to chain)`);
          o.expander = chain;
          break;
        }
        case 'expander-priorities':
          if (!isObj(v) || Object.entries(v).some(([k, list]) => !/^-?\d+$/.test(k) || !Array.isArray(list)))
            bad(path, 'expected priority: [group-name regex, …] entries');
          else o['expander-priorities'] = v as Record<number, string[]>;
          break;
        case 'scan-interval':
        case 'new-pod-scale-up-delay':
        case 'scale-down-unneeded-time':
        case 'scale-down-delay-after-add': {
          const d = parseDuration(v);
          if (d === undefined || (key === 'scan-interval' && d <= 0))
            bad(path, `expected a duration (e.g. 10s, 10m), got ${JSON.stringify(v)}`);
          else o[key] = d;
          break;
        }
        case 'scale-down-utilization-threshold':
          if (typeof v !== 'number' || v < 0 || v > 1) bad(path, 'expected a number from 0 to 1');
          else o[key] = v;
          break;
        case 'max-nodes-total':
        case 'max-empty-bulk-delete':
          if (!Number.isInteger(v) || (v as number) < 0) bad(path, 'expected an integer ≥ 0');
          else o[key] = v as number;
          break;
        case 'scale-down-enabled':
        case 'skip-nodes-with-local-storage':
        case 'skip-nodes-with-system-pods':
          if (typeof v !== 'boolean') bad(path, 'expected true or false');
          else o[key] = v;
          break;
      }
    }
    return { kind: 'cluster-autoscaler', options: o };
  }
  if (a.kind === 'karpenter') {
    const o: KarpenterOptions = { ...KARPENTER_DEFAULTS };
    known(o as unknown as Obj, []);
    for (const [key, v] of Object.entries(a)) {
      const path = `autoscaler.${key}`;
      switch (key) {
        case 'batch-idle-duration':
        case 'batch-max-duration':
        case 'consolidateAfter':
        case 'consolidation-interval': {
          const d = parseDuration(v);
          if (d === undefined || (key === 'consolidation-interval' && d <= 0))
            bad(path, `expected a duration, got ${JSON.stringify(v)}`);
          else o[key] = d;
          break;
        }
        case 'consolidationPolicy':
          if (v !== 'WhenEmpty' && v !== 'WhenEmptyOrUnderutilized')
            bad(path, 'expected WhenEmpty or WhenEmptyOrUnderutilized');
          else o.consolidationPolicy = v;
          break;
        case 'budget':
          if (!/^\d+%?$/.test(String(v))) bad(path, 'expected a number of nodes or a percentage (e.g. 10%)');
          else o.budget = String(v);
          break;
      }
    }
    return { kind: 'karpenter', options: o };
  }
  bad('autoscaler.kind', `expected cluster-autoscaler or karpenter, got ${JSON.stringify(a.kind)}`);
  return { kind: 'none' };
}
