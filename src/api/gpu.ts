// How berth writes GPU sharing into Kubernetes objects (the Alibaba GPU trace's model): a node
// offers N GPUs as N × 1000 of GPU_MILLI and names their model in a label; a pod asks for
// GPU_MILLI (below 1000: a share of one GPU; otherwise whole GPUs, 1000 each) and may list the
// models it accepts, `|`-separated, in an annotation.

export const GPU_MILLI = 'alibaba.com/gpu-milli';
export const GPU_MODEL_LABEL = 'alibaba.com/gpu-model';
export const GPU_SPEC_ANNOTATION = 'alibaba.com/gpu-spec';
/** Capacity of one GPU device. */
export const MILLI_PER_GPU = 1000;
