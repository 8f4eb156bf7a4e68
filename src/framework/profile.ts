// Scheduling profiles from a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), built
// the way kube-scheduler v1.35 builds them: the user's plugin sets are merged into the default
// multiPoint set (mergePluginSet), then multiPoint is expanded into each extension point the
// plugin implements, with explicitly configured plugins first (expandMultiPointPlugins).
import type { Problem } from '../api/problem.js';
import type { KubeSchedulerConfiguration, KubeSchedulerProfile, PluginRef, PluginSet, Plugins } from '../api/types.js';
import type { Handle, Plugin } from './plugin.js';
import type { Registry } from './registry.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** The extension points berth runs; others (reserve, permit, …) are accepted and ignored. */
const POINTS = ['preFilter', 'filter', 'preScore', 'score'] as const;
type Point = (typeof POINTS)[number];
const ALL_POINTS: (keyof Plugins)[] = [
  'multiPoint',
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
];

export interface WeightedPlugin {
  plugin: Plugin;
  weight: number;
}

export interface Profile {
  schedulerName: string;
  /** 0 means adaptive (kube-scheduler's default). */
  percentageOfNodesToScore: number;
  preFilter: Plugin[];
  filter: Plugin[];
  preScore: Plugin[];
  score: WeightedPlugin[];
  /** Every plugin instance of the profile by name. */
  plugins: Map<string, Plugin>;
}

/** Plugins whose PreFilter a cycle runs, in its order: profile.preFilter, then Filter plugins with a PreFilter outside it. */
export function preFilterOrder(profile: Profile): Plugin[] {
  const order = [...profile.preFilter];
  for (const plugin of profile.filter) if (plugin.preFilter && !order.includes(plugin)) order.push(plugin);
  return order;
}

/** Plugins whose PreScore a cycle runs, in its order: profile.preScore, then Score plugins with a PreScore outside it. */
export function preScoreOrder(profile: Profile): Plugin[] {
  const order = [...profile.preScore];
  for (const { plugin } of profile.score) if (plugin.preScore && !order.includes(plugin)) order.push(plugin);
  return order;
}

export interface DefaultPluginList {
  readonly name: string;
  readonly weight?: number;
}

/** upstream mergePluginSet: the user's set merged into the default one, order preserved. */
function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): Required<PluginSet> {
  const disabled: PluginRef[] = [];
  const disabledNames = new Set<string>();
  for (const d of [...(custom?.disabled ?? []), ...(defaults.disabled ?? [])]) {
    disabled.push({ name: d.name });
    disabledNames.add(d.name);
  }
  const customEnabled = custom?.enabled ?? [];
  const customIndex = new Map<string, number>();
  customEnabled.forEach((p, i) => {
    customIndex.set(p.name, i);
  });
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabledNames.has('*')) {
    for (const d of defaults.enabled ?? []) {
      if (disabledNames.has(d.name)) continue;
      const i = customIndex.get(d.name);
      if (i !== undefined) {
        enabled.push(customEnabled[i]);
        replaced.add(i);
      } else {
        enabled.push(d);
      }
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled };
}

function implementsPoint(plugin: Plugin, point: Point): boolean {
  return typeof plugin[point] === 'function';
}

export interface BuildContext {
  registry: Registry;
  defaults: readonly DefaultPluginList[];
  handle: Omit<Handle, 'schedulerName'>;
  /** Prefix for problem paths, e.g. `profiles[0]`. */
  path: string;
  globalPercentage: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function buildProfile(
  spec: KubeSchedulerProfile,
  ctx: BuildContext,
): { profile?: Profile; problems: Problem[] } {
  const problems: Problem[] = [];
  const at = (p: string) => `${ctx.path}.${p}`;
  const schedulerName = spec.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const sets = new Map<keyof Plugins, Required<PluginSet>>();
  for (const point of ALL_POINTS) {
    const defaults: PluginSet = point === 'multiPoint' ? { enabled: ctx.defaults.map((d) => ({ ...d })) } : {};
    sets.set(point, mergePluginSet(defaults, spec.plugins?.[point]));
  }

  // Which plugins the profile needs, and their args.
  const needed = new Set<string>();
  for (const point of ALL_POINTS) for (const p of sets.get(point)!.enabled) needed.add(p.name);
  const rawArgs = new Map<string, { args: unknown; index: number }>();
  (spec.pluginConfig ?? []).forEach((pc, i) => {
    if (rawArgs.has(pc.name)) {
      problems.push({
        code: 'config',
        path: at(`pluginConfig[${i}].name`),
        message: `duplicate pluginConfig for plugin ${pc.name}`,
      });
    }
    rawArgs.set(pc.name, { args: pc.args, index: i });
  });

  const plugins = new Map<string, Plugin>();
  const handle: Handle = { ...ctx.handle, schedulerName };
  for (const name of needed) {
    const def = ctx.registry.get(name);
    if (!def) {
      problems.push({
        code: 'config',
        path: at('plugins'),
        message: `plugin "${name}" does not exist (known: ${ctx.registry.names().join(', ')})`,
      });
      continue;
    }
    const raw = rawArgs.get(name);
    let args: unknown;
    if (def.parseArgs) {
      const argsPath = raw ? at(`pluginConfig[${raw.index}].args`) : at(`pluginConfig(${name}).args`);
      const parsed = def.parseArgs(raw?.args, argsPath);
      problems.push(...parsed.problems);
      args = parsed.args;
    } else if (raw?.args !== undefined && isRecord(raw.args) && Object.keys(raw.args).length > 0) {
      problems.push({
        code: 'config',
        path: at(`pluginConfig[${raw.index}].args`),
        message: `plugin ${name} takes no args`,
      });
    }
    plugins.set(name, def.create(args, handle));
  }
  if (problems.length > 0) return { problems };

  const lists = {} as Record<Point, Plugin[]>;
  for (const point of POINTS) {
    const set = sets.get(point)!;
    const explicit: string[] = [];
    set.enabled.forEach((p, i) => {
      const plugin = plugins.get(p.name)!;
      if (!implementsPoint(plugin, point)) {
        problems.push({
          code: 'config',
          path: at(`plugins.${point}.enabled[${i}]`),
          message: `plugin "${p.name}" does not extend ${point}`,
        });
      } else if (explicit.includes(p.name)) {
        problems.push({
          code: 'config',
          path: at(`plugins.${point}.enabled[${i}]`),
          message: `plugin "${p.name}" already registered as ${point}`,
        });
      } else {
        explicit.push(p.name);
      }
    });
    const disabled = new Set(set.disabled.map((d) => d.name));
    if (disabled.has('*')) {
      lists[point] = explicit.map((n) => plugins.get(n)!);
      continue;
    }
    const overrides: string[] = [];
    const fromMultiPoint: string[] = [];
    for (const p of sets.get('multiPoint')!.enabled) {
      const plugin = plugins.get(p.name)!;
      if (!implementsPoint(plugin, point) || disabled.has(p.name)) continue;
      if (explicit.includes(p.name)) overrides.push(p.name);
      else if (fromMultiPoint.includes(p.name)) {
        problems.push({
          code: 'config',
          path: at('plugins.multiPoint'),
          message: `plugin "${p.name}" already registered as ${point}`,
        });
      } else fromMultiPoint.push(p.name);
    }
    const ordered = [
      ...explicit.filter((n) => overrides.includes(n)),
      ...fromMultiPoint,
      ...explicit.filter((n) => !overrides.includes(n)),
    ];
    lists[point] = ordered.map((n) => plugins.get(n)!);
  }

  // Score weights: the score point's own setting wins over multiPoint's; 0 or unset means 1.
  const weights = new Map<string, number>();
  const scoreNames = new Set(lists.score.map((p) => p.name));
  for (const p of [...sets.get('score')!.enabled, ...sets.get('multiPoint')!.enabled]) {
    if (!scoreNames.has(p.name) || weights.has(p.name)) continue;
    const w = p.weight ?? 0;
    if (!Number.isInteger(w) || w < 0 || w > 100) {
      problems.push({
        code: 'config',
        path: at('plugins.score'),
        message: `weight of ${p.name} must be an integer from 0 to 100, got ${w}`,
      });
    }
    weights.set(p.name, w === 0 ? 1 : w);
  }

  const percentage = spec.percentageOfNodesToScore ?? ctx.globalPercentage;
  if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
    problems.push({
      code: 'config',
      path: at('percentageOfNodesToScore'),
      message: `must be an integer from 0 to 100, got ${percentage}`,
    });
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    profile: {
      schedulerName,
      percentageOfNodesToScore: percentage,
      preFilter: lists.preFilter,
      filter: lists.filter,
      preScore: lists.preScore,
      score: lists.score.map((plugin) => ({ plugin, weight: weights.get(plugin.name) ?? 1 })),
      plugins,
    },
  };
}

export interface ConfigContext {
  registry: Registry;
  defaults: readonly DefaultPluginList[];
}

/** All profiles of a configuration (one default profile when it has none). */
export function buildProfiles(
  cfg: KubeSchedulerConfiguration | undefined,
  ctx: ConfigContext,
): { profiles: Profile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  if (cfg) {
    if (cfg.apiVersion !== 'kubescheduler.config.k8s.io/v1') {
      problems.push({
        code: 'config',
        path: 'apiVersion',
        message: `expected kubescheduler.config.k8s.io/v1, got ${JSON.stringify(cfg.apiVersion)}`,
      });
    }
    if (cfg.kind !== 'KubeSchedulerConfiguration') {
      problems.push({
        code: 'config',
        path: 'kind',
        message: `expected KubeSchedulerConfiguration, got ${JSON.stringify(cfg.kind)}`,
      });
    }
  }
  const specs = cfg?.profiles?.length ? cfg.profiles : [{}];
  const globalPercentage = cfg?.percentageOfNodesToScore ?? 0;
  if (!Number.isInteger(globalPercentage) || globalPercentage < 0 || globalPercentage > 100) {
    problems.push({
      code: 'config',
      path: 'percentageOfNodesToScore',
      message: `must be an integer from 0 to 100, got ${globalPercentage}`,
    });
  }
  const ignoredResources = new Set<string>();
  for (const ext of cfg?.extenders ?? []) {
    for (const r of ext.managedResources ?? []) if (r.ignoredByScheduler) ignoredResources.add(r.name);
  }
  const profiles: Profile[] = [];
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    const path = `profiles[${i}]`;
    if (specs.length > 1 && !spec.schedulerName) {
      problems.push({
        code: 'config',
        path: `${path}.schedulerName`,
        message: 'required when there are several profiles',
      });
    }
    const name = spec.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    if (names.has(name))
      problems.push({
        code: 'config',
        path: `${path}.schedulerName`,
        message: `duplicate profile ${JSON.stringify(name)}`,
      });
    names.add(name);
    const built = buildProfile(spec, { ...ctx, handle: { ignoredResources }, path, globalPercentage });
    problems.push(...built.problems);
    if (built.profile) profiles.push(built.profile);
  });
  return { profiles, problems };
}
