// SpotGuard, an example custom plugin: keeps pods that must not be interrupted (by priority class
// or by priority) off spot/preemptible nodes. A platform team loads it with
// `--plugin dist/plugins/examples/spot-guard.js` and enables it in a profile:
//
//   profiles:
//   - schedulerName: default-scheduler
//     plugins: { filter: { enabled: [{ name: SpotGuard }] } }
//     pluginConfig:
//     - name: SpotGuard
//       args: { priorityClassNames: [business-critical], minPriority: 1000000 }
import type { Problem } from '../../src/api/problem.js';
import { type Cycle, definePlugin } from '../../src/framework/plugin.js';
import { type Code, SKIP, SUCCESS, UNSCHEDULABLE_AND_UNRESOLVABLE } from '../../src/framework/status.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

export const NAME = 'SpotGuard';

export interface SpotGuardArgs {
  /** Pods of these priority classes stay off spot nodes. */
  priorityClassNames: string[];
  /** Pods at or above this priority stay off spot nodes too (unset: priority alone does not). */
  minPriority?: number;
  /** Node labels that mark spot capacity; any one matching makes a node spot. */
  spotLabels: { key: string; value: string }[];
}

/** The labels the major providers and Karpenter put on spot/preemptible nodes. */
export const DEFAULT_SPOT_LABELS = [
  { key: 'karpenter.sh/capacity-type', value: 'spot' },
  { key: 'eks.amazonaws.com/capacityType', value: 'SPOT' },
  { key: 'cloud.google.com/gke-spot', value: 'true' },
  { key: 'cloud.google.com/gke-preemptible', value: 'true' },
  { key: 'kubernetes.azure.com/scalesetpriority', value: 'spot' },
];

function parseArgs(raw: unknown, path: string): { args: SpotGuardArgs; problems: Problem[] } {
  const problems: Problem[] = [];
  const args: SpotGuardArgs = { priorityClassNames: [], spotLabels: DEFAULT_SPOT_LABELS };
  if (raw === undefined || raw === null) return { args, problems };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return { args, problems: [{ code: 'type', path, message: 'expected an object' }] };
  const r = raw as Record<string, unknown>;
  if (r.priorityClassNames !== undefined) {
    if (!Array.isArray(r.priorityClassNames) || !r.priorityClassNames.every((n) => typeof n === 'string')) {
      problems.push({
        code: 'type',
        path: `${path}.priorityClassNames`,
        message: 'expected a list of priority class names',
      });
    } else args.priorityClassNames = r.priorityClassNames;
  }
  if (r.minPriority !== undefined) {
    if (!Number.isInteger(r.minPriority))
      problems.push({ code: 'type', path: `${path}.minPriority`, message: 'expected an integer priority' });
    else args.minPriority = r.minPriority as number;
  }
  if (r.spotLabels !== undefined) {
    const ok =
      Array.isArray(r.spotLabels) &&
      r.spotLabels.every(
        (l) => typeof l === 'object' && l !== null && typeof l.key === 'string' && typeof l.value === 'string',
      );
    if (!ok)
      problems.push({
        code: 'type',
        path: `${path}.spotLabels`,
        message: 'expected a list of {key, value} label pairs',
      });
    else args.spotLabels = r.spotLabels as SpotGuardArgs['spotLabels'];
  }
  for (const key of Object.keys(r)) {
    if (!['priorityClassNames', 'minPriority', 'spotLabels'].includes(key)) {
      problems.push({
        code: 'field',
        path: `${path}.${key}`,
        message: 'unknown field (expected priorityClassNames, minPriority, spotLabels)',
      });
    }
  }
  return { args, problems };
}

interface State {
  /** (key id, value id) pairs that mark a spot node. */
  spot: Int32Array;
}

function isSpot(snap: Snapshot, node: number, spot: Int32Array): boolean {
  for (let i = 0; i < spot.length; i += 2) if (snap.nodeLabel(node, spot[i]) === spot[i + 1]) return true;
  return false;
}

export default definePlugin<SpotGuardArgs>({
  name: NAME,
  description: 'Keeps pods of protected priority classes (or priorities) off spot and preemptible nodes.',
  parseArgs,
  create(args) {
    const classes = new Set(args.priorityClassNames);
    return {
      name: NAME,
      preFilter(cycle: Cycle) {
        const spec = cycle.pod.pod.spec;
        const protectedPod =
          (spec.priorityClassName !== undefined && classes.has(spec.priorityClassName)) ||
          (args.minPriority !== undefined && cycle.pod.priority >= args.minPriority);
        if (!protectedPod) return { code: SKIP };
        const snap = cycle.snapshot;
        const spot = Int32Array.from(
          args.spotLabels.flatMap((l) => [snap.labelKeys.id(l.key), snap.labelValues.id(l.value)]),
        );
        return { code: SUCCESS, state: { spot } };
      },
      filter(cycle: Cycle, state: State, node: number): Code {
        return isSpot(cycle.snapshot, node, state.spot) ? UNSCHEDULABLE_AND_UNRESOLVABLE : SUCCESS;
      },
      filterReasons: () => ["node(s) are spot capacity, which the pod's priority keeps it off"],
    };
  },
});
