// The AWS instance-type table (data/aws-instance-types/instance_types.csv, from the Karpenter AWS
// provider's reference): one row per type with its well-known labels (`label:` columns) and the
// allocatable Karpenter computes (`alloc:` columns). Capacity comes from the cpu and memory labels.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTANCE_TYPE_LABEL, type InstanceType } from './node-groups.js';

/** The bundled table (the repository's data/ folder, found from dist/src/autoscale or src/autoscale). */
export function bundledInstanceTypesPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${'/dist/'}`) ? '../../..' : '../..';
  return join(here, up, 'data/aws-instance-types/instance_types.csv');
}

const cache = new Map<string, Map<string, InstanceType>>();

/** Every type of the CSV at `path`, by name (read once per process). */
export function readInstanceTypes(path = bundledInstanceTypesPath()): Map<string, InstanceType> {
  const hit = cache.get(path);
  if (hit) return hit;
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const out = new Map<string, InstanceType>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const labels: Record<string, string> = {};
    const allocatable: Record<string, string> = {};
    header.forEach((col, i) => {
      const v = cells[i];
      if (!v) return;
      if (col.startsWith('label:')) labels[col.slice(6)] = v;
      else if (col.startsWith('alloc:')) allocatable[col.slice(6)] = v;
    });
    const name = cells[0];
    labels[INSTANCE_TYPE_LABEL] = name;
    const capacity: Record<string, string> = { ...allocatable };
    const cpu = labels['karpenter.k8s.aws/instance-cpu'];
    const mem = labels['karpenter.k8s.aws/instance-memory'];
    if (cpu) capacity.cpu = cpu;
    if (mem) capacity.memory = `${mem}Mi`;
    out.set(name, { name, labels, allocatable, capacity });
  }
  cache.set(path, out);
  return out;
}
