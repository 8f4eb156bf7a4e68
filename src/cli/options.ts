// Parsing of option values shared by several commands; bad values are InputErrors.
import { type Command, Option } from 'commander';
import { InputError } from '../api/problem.js';

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) {
    throw new InputError([
      {
        code: 'option',
        path: '--seed',
        message: `expected an integer from 0 to 4294967295, got ${JSON.stringify(text)}`,
      },
    ]);
  }
  return Number(text);
}

/** --workers: worker threads of the pool, 1 to 64. */
export function parseWorkers(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64) {
    throw new InputError([
      { code: 'option', path: '--workers', message: `expected an integer from 1 to 64, got ${JSON.stringify(text)}` },
    ]);
  }
  return Number(text);
}

/**
 * What every engine command does with --plugin, --config and --profile: the built-in registry plus
 * the plugin modules, the configuration file read, and the profile chosen from it.
 */
export async function profileFromOptions(opts: { config?: string; profile?: string; plugin?: string[] }) {
  const [{ readSchedulerConfig, chooseProfile }, { builtinRegistry }] = await Promise.all([
    import('../framework/config-file.js'),
    import('../../plugins/index.js'),
  ]);
  const registry = builtinRegistry();
  for (const path of opts.plugin ?? []) await registry.loadModule(path);
  const config = opts.config ? await readSchedulerConfig(opts.config) : undefined;
  const profile = chooseProfile({ config, configFile: opts.config, profileName: opts.profile, registry });
  return { registry, config, profile };
}

/** The placement options `berth schedule` and `berth capacity survive` share, in help order. */
/** What addPlacementOptions adds to a command's parsed options. */
export interface PlacementOptions {
  config?: string;
  profile?: string;
  tieBreak: 'random' | 'first';
  seed: string;
  output: 'json' | 'table';
  plugin?: string[];
}

export function addPlacementOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1)')
    .option('--profile <name>', 'schedulerName of the profile to use (default: the first)')
    .addOption(
      new Option('--tie-break <how>', 'among top-scoring nodes').choices(['random', 'first']).default('random'),
    )
    .option('--seed <n>', 'seed for random tie-breaks', '1')
    .addOption(new Option('--output <format>', 'output format').choices(['json', 'table']).default('table'))
    .option('--plugin <module...>', "ES module(s) exporting custom plugins, enabled by name in the config's profiles");
}
