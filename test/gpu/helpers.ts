// Builders for GPU test clusters: nodes with N devices of a model, pods asking for GPU milli.
import { GPU_MILLI, GPU_MODEL_LABEL, GPU_SPEC_ANNOTATION } from '../../src/api/gpu.js';
import type { Node, Pod } from '../../src/api/types.js';
import { makeNode, makePod } from '../helpers/cluster.js';

export function gpuNode(name: string, gpus: number, o: { cpu?: string; memory?: string; model?: string } = {}): Node {
  return makeNode(name, {
    cpu: o.cpu ?? '32',
    memory: o.memory ?? '64Gi',
    pods: '1000',
    labels: gpus > 0 ? { [GPU_MODEL_LABEL]: o.model ?? 'G2' } : {},
    allocatable: { [GPU_MILLI]: String(gpus * 1000) },
  });
}

/** A pod asking for `milli` GPU milli in all (below 1000: shared; else whole GPUs). */
export function gpuPod(
  name: string,
  milli: number,
  o: { cpu?: string; memory?: string; node?: string; spec?: string } = {},
): Pod {
  const pod = makePod(name, { cpu: o.cpu ?? '1', memory: o.memory ?? '1Gi', node: o.node });
  if (milli > 0) pod.spec.containers[0].resources!.requests![GPU_MILLI] = String(milli);
  if (o.spec) pod.metadata.annotations = { [GPU_SPEC_ANNOTATION]: o.spec };
  return pod;
}
