// Reading a KubeSchedulerConfiguration file and choosing the profile to run.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { builtinRegistry, DEFAULT_MULTI_POINT } from '../../plugins/index.js';
import { InputError, type Problem } from '../api/problem.js';
import type { KubeSchedulerConfiguration } from '../api/types.js';
import { buildProfiles, type Profile } from './profile.js';
import type { Registry } from './registry.js';

export async function readSchedulerConfig(path: string): Promise<KubeSchedulerConfiguration> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError([
      { code: 'io', file: path, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}` },
    ]);
  }
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (err) {
    const linePos = (err as { linePos?: { line: number }[] }).linePos;
    throw new InputError([
      { code: 'yaml', file: path, line: linePos?.[0]?.line, message: (err as Error).message.split('\n')[0] },
    ]);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError([{ code: 'config', file: path, message: 'expected a KubeSchedulerConfiguration object' }]);
  }
  return doc as KubeSchedulerConfiguration;
}

export interface ProfileChoice {
  config?: KubeSchedulerConfiguration;
  configFile?: string;
  /** schedulerName of the profile to use; default: the first profile. */
  profileName?: string;
  registry?: Registry;
}

/** Builds every profile of the configuration and returns the one asked for. */
export function chooseProfile(choice: ProfileChoice): Profile {
  const registry = choice.registry ?? builtinRegistry();
  const { profiles, problems } = buildProfiles(choice.config, { registry, defaults: DEFAULT_MULTI_POINT });
  if (problems.length > 0) {
    throw new InputError(problems.map((p): Problem => ({ ...p, file: p.file ?? choice.configFile })));
  }
  if (choice.profileName === undefined) return profiles[0];
  const found = profiles.find((p) => p.schedulerName === choice.profileName);
  if (!found) {
    throw new InputError([
      {
        code: 'config',
        file: choice.configFile,
        message: `no profile named ${JSON.stringify(choice.profileName)} (profiles: ${profiles.map((p) => p.schedulerName).join(', ')})`,
      },
    ]);
  }
  return found;
}
