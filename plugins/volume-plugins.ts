// The default profile's volume plugins (VolumeRestrictions, NodeVolumeLimits, VolumeBinding,
// VolumeZone). berth does not model PersistentVolumes yet: these pass every node, VolumeBinding
// skips scoring, and the engine notes on each pod with PVC volumes that volumes were not checked.
import type { Pod } from '../src/api/types.js';
import { definePlugin, type PluginDefinition, SKIPPED } from '../src/framework/plugin.js';
import { SUCCESS } from '../src/framework/status.js';

export const VOLUMES_NOT_MODELLED = 'volume plugins are not modelled yet: PVC volumes were not checked';

export function hasPersistentVolumeClaims(pod: Pod): boolean {
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined);
}

function passThrough(name: string, description: string, scores: boolean): PluginDefinition<undefined> {
  return definePlugin<undefined>({
    name,
    description,
    create: () => ({
      name,
      preFilter: () => SKIPPED,
      filter: () => SUCCESS,
      ...(scores ? { preScore: () => SKIPPED, score: () => 0 } : {}),
    }),
  });
}

export const volumeRestrictions = passThrough('VolumeRestrictions', 'Not modelled: passes every node.', false);
export const nodeVolumeLimits = passThrough('NodeVolumeLimits', 'Not modelled: passes every node.', false);
export const volumeBinding = passThrough('VolumeBinding', 'Not modelled: passes every node, never scores.', true);
export const volumeZone = passThrough('VolumeZone', 'Not modelled: passes every node.', false);
