// Default-profile plugins that act outside filter and score. The engine carries out their
// behaviour itself (gated pods wait, the queue sorts by priority, binding is an assume); they are
// registered so KubeSchedulerConfiguration files that name them load as they would upstream.
import { definePlugin, type PluginDefinition } from '../src/framework/plugin.js';

function lifecycle(name: string, description: string): PluginDefinition<undefined> {
  return definePlugin<undefined>({ name, description, create: () => ({ name }) });
}

export const schedulingGates = lifecycle(
  'SchedulingGates',
  'Pods with spec.schedulingGates wait and are not scheduled.',
);
export const prioritySort = lifecycle('PrioritySort', 'Queue order: higher priority first, then earlier arrival.');
export const defaultPreemption = lifecycle(
  'DefaultPreemption',
  'PostFilter: preempts lower-priority pods (replay and extender).',
);
export const defaultBinder = lifecycle('DefaultBinder', 'Binds the pod to the chosen node.');
