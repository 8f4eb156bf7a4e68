// The node type of `berth capacity plan`: a Node manifest (capacity, allocatable, labels, taints)
// given as a file or inline YAML, or the name of an AWS instance type from the bundled table
// (../shared/data/aws-instance-types: Karpenter's allocatable after reservations, and its labels).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../api/problem.js';
import type { Node } from '../api/types.js';
import { closest } from '../load/check.js';
import { loadCluster, loadClusterFromText } from '../load/load.js';

/** dist/src/capacity → the repository's sibling ../shared. */
export const INSTANCE_TYPES_CSV = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/aws-instance-types/instance_types.csv',
);

/** One row of the instance-type table as a Node (capacity = allocatable: the table has no capacity). */
export function instanceTypeNode(name: string, csvPath = INSTANCE_TYPES_CSV): Node | undefined {
  if (!existsSync(csvPath)) return undefined;
  const [header, ...rows] = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const row = rows.find((r) => r.slice(0, r.indexOf(',')) === name);
  if (!row) return undefined;
  const cells = row.split(',');
  const labels: Record<string, string> = {};
  const allocatable: Record<string, string> = {};
  cols.forEach((col, i) => {
    const v = cells[i] ?? '';
    if (v === '') return;
    if (col.startsWith('label:')) labels[col.slice(6)] = v;
    else if (col.startsWith('alloc:')) allocatable[col.slice(6)] = v;
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    status: { capacity: { ...allocatable }, allocatable },
  };
}

function instanceTypeNames(csvPath = INSTANCE_TYPES_CSV): string[] {
  if (!existsSync(csvPath)) return [];
  return readFileSync(csvPath, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((r) => r.slice(0, r.indexOf(',')));
}

/** `--node-type`: a file, inline YAML (a Node), or an instance type name. */
export async function readNodeType(spec: string): Promise<Node> {
  let nodes: Node[] | undefined;
  let where = '--node-type';
  if (existsSync(spec)) {
    nodes = (await loadCluster([spec])).cluster.nodes;
    where = spec;
  } else if (/^\s*[{]|:\s|\n/.test(spec)) {
    // Inline YAML may leave out apiVersion and kind: added at the end, so line numbers still hold.
    const text = /^\s*\{/.test(spec) || /^kind:/m.test(spec) ? spec : `${spec}\napiVersion: v1\nkind: Node\n`;
    nodes = loadClusterFromText(text, '--node-type').cluster.nodes;
  } else {
    const node = instanceTypeNode(spec);
    if (node) return node;
    const guess = closest(spec, instanceTypeNames());
    throw new InputError([
      {
        code: 'option',
        path: '--node-type',
        message: `${JSON.stringify(spec)} is neither a file, a Node in YAML, nor an instance type of ${INSTANCE_TYPES_CSV}${guess ? ` (did you mean ${guess}?)` : ''}`,
      },
    ]);
  }
  if (nodes.length !== 1) {
    throw new InputError([
      { code: 'option', file: where, path: '--node-type', message: `expected exactly one Node, found ${nodes.length}` },
    ]);
  }
  return nodes[0];
}
