// One scenario on one trace: the scenario's cluster (or an empty one) plus each group's minimum
// nodes, the scheduler profile, the autoscaling policy as the simulator's hook; the result is the
// replay summary, the policy's report and the series the comparison plots. Pure data in, data out:
// same inputs and seed, same result.
import { basename } from 'node:path';
import { builtinRegistry } from '../../plugins/index.js';
import { emptyCluster } from '../api/cluster.js';
import { ClusterAutoscaler } from '../autoscale/cluster-autoscaler.js';
import { Karpenter } from '../autoscale/karpenter.js';
import { NodeAutoscalingPolicy, type PolicyReport } from '../autoscale/policy.js';
import { chooseProfile, readSchedulerConfig } from '../framework/config-file.js';
import { loadCluster } from '../load/load.js';
import type { ChartSeries } from '../sim/recorder.js';
import { type ReplaySummary, Simulator } from '../sim/simulator.js';
import { openTrace } from '../traces/reader.js';
import { readScenario, type Scenario } from './scenario.js';

export interface ScenarioResult {
  index: number;
  name: string;
  file: string;
  seed: number;
  groups: { name: string; instanceType: string; capacityType: string; zone: string; price: number }[];
  summary: ReplaySummary;
  policy: PolicyReport;
  chart: ChartSeries;
}

/** A policy that never acts: the fixed-size baseline (groups at their minimum size). */
class NoAutoscaling extends NodeAutoscalingPolicy {
  readonly name = 'none';
  protected decide(): void {}
}

export function policyFor(s: Scenario, seed: number): NodeAutoscalingPolicy {
  switch (s.policy.kind) {
    case 'cluster-autoscaler':
      return new ClusterAutoscaler(s.groups, s.policy.options, seed);
    case 'karpenter':
      return new Karpenter(s.groups, s.policy.options);
    case 'none':
      return new NoAutoscaling(s.groups, 3600);
  }
}

export async function runScenario(o: {
  scenarioFile: string;
  trace: string;
  seed: number;
  index: number;
}): Promise<ScenarioResult> {
  const s = readScenario(o.scenarioFile);
  const seed = s.seed ?? o.seed;
  const registry = builtinRegistry();
  const config = s.schedulerConfig ? await readSchedulerConfig(s.schedulerConfig) : undefined;
  const profile = chooseProfile({ config, configFile: s.schedulerConfig, profileName: s.profile, registry });
  const cluster = s.cluster ? (await loadCluster([s.cluster])).cluster : emptyCluster();
  const policy = policyFor(s, seed);
  cluster.nodes = [...cluster.nodes, ...policy.initialNodes()];
  const sim = new Simulator(cluster, {
    profile,
    seed,
    queue: {
      initialBackoffSeconds: config?.podInitialBackoffSeconds ?? 1,
      maxBackoffSeconds: config?.podMaxBackoffSeconds ?? 10,
    },
    until: s.until,
    traceName: basename(o.trace),
    hook: policy,
  });
  const reader = openTrace(o.trace);
  let result: ReturnType<Simulator['run']>;
  try {
    result = sim.run(reader);
  } finally {
    reader.close();
  }
  return {
    index: o.index,
    name: s.name,
    file: basename(o.scenarioFile),
    seed,
    groups: s.groups.map((g) => ({
      name: g.name,
      instanceType: g.instanceType.name,
      capacityType: g.capacityType,
      zone: g.zone,
      price: g.price,
    })),
    summary: result.summary,
    policy: policy.report(result.summary.simulatedSeconds),
    chart: result.chart,
  };
}
