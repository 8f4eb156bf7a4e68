// What a scheduling attempt reports. The JSON shape is the conformance result schema
// (../shared/conformance/README.md), so berth's answers can be diffed with kube-scheduler's.
import type { CodeName } from '../framework/status.js';

export interface FilterFailure {
  plugin: string;
  code: CodeName;
  reasons: string[];
}

export interface PluginScore {
  raw: number;
  normalized: number;
  weight: number;
  weighted: number;
}

export interface NodeScore {
  plugins: Record<string, PluginScore>;
  total: number;
}

export interface PodResult {
  pod: string;
  preFilter: { code: CodeName; plugin?: string; reasons?: string[] };
  preFilterNodeNames?: string[];
  /** Names of the feasible nodes; filled when explaining (and when there are fewer than two). */
  feasibleNodes: string[];
  feasibleCount: number;
  /** Feasible node indices in the order they were found, and their weighted totals (when scored). */
  nodeIndices?: Int32Array;
  totals?: Float64Array;
  filterFailures: Record<string, FilterFailure>;
  scoreSkippedPlugins?: string[];
  scores?: Record<string, NodeScore>;
  maxTotal?: number;
  bestNodes: string[];
  chosenNode?: string;
  /** The chosen node's index in the snapshot; set by the short cycle of choiceOnly callers only. */
  chosenIndex?: number;
  scoringSkippedBecauseSingleFeasibleNode?: boolean;
  /** Refused by admission (LimitRange, ResourceQuota): never created, so not attempted. */
  refused?: { message: string; resources: string[] };
  /** Gated pods (spec.schedulingGates) are not attempted. */
  gated?: boolean;
  /** kube-scheduler's one-line summary for an unschedulable pod. */
  message?: string;
  /** Things berth wants the reader to know about this decision (e.g. volumes not modelled). */
  notes?: string[];
}

export interface ProfileSummary {
  schedulerName: string;
  preFilter: string[];
  filter: string[];
  preScore: string[];
  scoreWeights: Record<string, number>;
  scoreOrder: string[];
  percentageOfNodesToScore: number;
}

export interface ScheduleOutput {
  kubernetesVersion: string;
  engine: string;
  profile: ProfileSummary;
  results: PodResult[];
}
