// The built-in plugins, in the order kube-scheduler v1.35's default profile lists them.
import { Registry } from '../src/framework/registry.js';
import daemonSetReservation from './daemonset-reservation.js';
import dynamicResources from './dynamic-resources.js';
import { registerGpuPlugins } from './gpu/index.js';
import imageLocality from './image-locality.js';
import interPodAffinity from './inter-pod-affinity.js';
import { defaultBinder, defaultPreemption, prioritySort, schedulingGates } from './lifecycle.js';
import nodeAffinity from './node-affinity.js';
import nodeName from './node-name.js';
import nodePorts from './node-ports.js';
import balancedAllocation from './node-resources-balanced-allocation.js';
import nodeResourcesFit from './node-resources-fit.js';
import nodeUnschedulable from './node-unschedulable.js';
import podTopologySpread from './pod-topology-spread.js';
import taintToleration from './taint-toleration.js';
import { nodeVolumeLimits, volumeBinding, volumeRestrictions, volumeZone } from './volume-plugins.js';

/** v1.35's default multiPoint list, with score weights (undefined: not a score plugin or weight 1). */
export const DEFAULT_MULTI_POINT: readonly { name: string; weight?: number }[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DynamicResources', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

export function builtinRegistry(): Registry {
  return registerGpuPlugins(
    new Registry()
      .register(schedulingGates)
      .register(prioritySort)
      .register(nodeUnschedulable)
      .register(nodeName)
      .register(taintToleration)
      .register(nodeAffinity)
      .register(nodePorts)
      .register(nodeResourcesFit)
      .register(volumeRestrictions)
      .register(nodeVolumeLimits)
      .register(volumeBinding)
      .register(volumeZone)
      .register(podTopologySpread)
      .register(interPodAffinity)
      .register(dynamicResources)
      .register(defaultPreemption)
      .register(balancedAllocation)
      .register(imageLocality)
      .register(defaultBinder)
      // Not in the default profile: enabled by name (upstream has no such plugin).
      .register(daemonSetReservation),
  );
}
