// The default profile of kube-scheduler v1.35 as the baseline runs it: filters in profile order,
// score plugins with their weights. The volume plugins and DynamicResources pass every node and
// score nothing for the pods berth models, so they are left out.
import type { BaselinePlugin } from './framework.js';
import { balancedAllocation } from './plugins/balanced-allocation.js';
import { imageLocality } from './plugins/image-locality.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesFit } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread } from './plugins/pod-topology-spread.js';
import { taintToleration } from './plugins/taint-toleration.js';

export interface BaselineProfile {
  filters: BaselinePlugin[];
  scores: { plugin: BaselinePlugin; weight: number }[];
  /** 0: adaptive, as kube-scheduler's default; 100: every node. */
  percentageOfNodesToScore: number;
}

export function defaultProfile(percentageOfNodesToScore: number): BaselineProfile {
  return {
    filters: [
      nodeUnschedulable,
      nodeName,
      taintToleration,
      nodeAffinity,
      nodePorts,
      nodeResourcesFit,
      podTopologySpread,
      interPodAffinity,
    ],
    scores: [
      { plugin: taintToleration, weight: 3 },
      { plugin: nodeAffinity, weight: 2 },
      { plugin: nodeResourcesFit, weight: 1 },
      { plugin: podTopologySpread, weight: 2 },
      { plugin: interPodAffinity, weight: 2 },
      { plugin: balancedAllocation, weight: 1 },
      { plugin: imageLocality, weight: 1 },
    ],
    percentageOfNodesToScore,
  };
}

/** Every baseline plugin by name (the micro-benchmarks pick them one at a time). */
export const BASELINE_PLUGINS: Record<string, BaselinePlugin> = Object.fromEntries(
  [
    nodeUnschedulable,
    nodeName,
    taintToleration,
    nodeAffinity,
    nodePorts,
    nodeResourcesFit,
    podTopologySpread,
    interPodAffinity,
    balancedAllocation,
    imageLocality,
  ].map((p) => [p.name, p]),
);
