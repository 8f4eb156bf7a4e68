// Decision identity for replay changes that should not change decisions: replays five inputs with
// --placements and prints a short sha256 of placements.jsonl, timeseries.csv and summary.json of
// each. Two checkouts that print the same lines decide the same. Not part of npm test (~70 s).
//   node bench/replay-hashes.mjs [CHECKOUT]     (default: this checkout; uses CHECKOUT/dist)
//   node bench/replay-hashes.mjs > a.txt; node /other/checkout/bench/replay-hashes.mjs > b.txt; diff a.txt b.txt
// The inputs are made once, with this checkout's generator, in $TMPDIR/berth-replay-hash-inputs:
//  - 150k CSV pods on 2,000 nodes;
//  - 40k CSV pods on 300 nodes at about twice capacity: preemption, and GPU pods that never fit;
//  - 20k pods in JSON Lines with a DaemonSet, Deployment, Job, gated pod and node events, 500 nodes;
//  - 30k pods with required and preferred pod (anti-)affinity and topology spread, 500 nodes;
//  - the bundled demo.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(process.argv[2] ?? here);
const cli = join(root, 'dist/src/cli/main.js');
const inputs = join(tmpdir(), 'berth-replay-hash-inputs');
mkdirSync(inputs, { recursive: true });

function cluster(name, n) {
  const file = join(inputs, `${name}.yaml`);
  if (existsSync(file)) return file;
  const docs = [];
  for (let i = 0; i < n; i++) {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `n-${i}`,
        labels: { 'kubernetes.io/hostname': `n-${i}`, 'topology.kubernetes.io/zone': `z-${i % 3}` },
      },
      spec: i % 17 === 0 ? { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] } : {},
      status: { allocatable: { cpu: i % 5 === 0 ? '8' : '16', memory: '64Gi', pods: '110' } },
    };
    docs.push(JSON.stringify(node));
  }
  writeFileSync(file, docs.join('\n---\n'));
  return file;
}

function generated(name, args) {
  const file = join(inputs, name);
  if (!existsSync(file))
    execFileSync('node', [join(here, 'dist/src/cli/main.js'), 'trace', 'generate', ...args, '--out', file]);
  return file;
}

function affinityTrace() {
  const file = join(inputs, 't30k-affinity.jsonl');
  if (existsSync(file)) return file;
  let s = 1;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = [];
  for (let i = 0; i < 30000; i++) {
    const app = `a${Math.floor(rnd() * 40)}`;
    const cpu = `${100 + Math.floor(rnd() * 8) * 250}m`;
    const spec = { containers: [{ name: 'm', resources: { requests: { cpu, memory: '512Mi' } } }] };
    const selector = { matchLabels: { app } };
    if (i % 4 === 0)
      spec.affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'kubernetes.io/hostname', labelSelector: selector },
          ],
        },
      };
    if (i % 4 === 1)
      spec.affinity = {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 50, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: selector } },
          ],
        },
      };
    if (i % 4 === 2)
      spec.topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: selector,
        },
      ];
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: 'default', labels: { app } },
      spec,
    };
    lines.push(
      JSON.stringify({
        t: Math.round(i * 700) / 1000,
        type: 'pod-create',
        pod,
        duration: Math.round(200 + rnd() * 4000),
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const replays = [
  ['t150k', cluster('c2000', 2000), generated('t150k.csv', ['--pods', '150000', '--seed', '3', '--hours', '12'])],
  [
    't40k-gpu',
    cluster('c300', 300),
    generated('t40k-gpu.csv', ['--pods', '40000', '--seed', '5', '--hours', '2', '--gpu-fraction', '0.02']),
  ],
  [
    't20k-workloads',
    cluster('c500', 500),
    generated('t20k-workloads.jsonl', ['--pods', '20000', '--seed', '7', '--hours', '6', '--workloads']),
  ],
  ['t30k-affinity', cluster('c500', 500), affinityTrace()],
  ['demo', join(root, 'traces/clusters/demo.yaml'), join(root, 'traces/demo-trace.jsonl')],
];

const out = mkdtempSync(join(tmpdir(), 'berth-replay-hashes-'));
try {
  for (const [name, clusterFile, trace] of replays) {
    const dir = join(out, name);
    execFileSync('node', [cli, 'replay', '--cluster', clusterFile, '--trace', trace, '--out', dir, '--placements'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (const f of ['placements.jsonl', 'timeseries.csv', 'summary.json']) {
      // summary.json names the trace file; the checkout's path is left out.
      const text = readFileSync(join(dir, f), 'utf8').replaceAll(root, '');
      process.stdout.write(`${name}/${f} ${createHash('sha256').update(text).digest('hex').slice(0, 16)}\n`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
