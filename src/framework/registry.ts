// Plugin definitions by name: the built-ins, plus users' plugins loaded from ES modules.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../api/problem.js';
import type { PluginDefinition } from './plugin.js';

export class Registry {
  // biome-ignore lint/suspicious/noExplicitAny: definitions differ in their args type
  private readonly defs = new Map<string, PluginDefinition<any>>();

  // biome-ignore lint/suspicious/noExplicitAny: definitions differ in their args type
  register(def: PluginDefinition<any>): this {
    if (this.defs.has(def.name)) throw new Error(`plugin ${def.name} is registered twice`);
    this.defs.set(def.name, def);
    return this;
  }

  // biome-ignore lint/suspicious/noExplicitAny: definitions differ in their args type
  get(name: string): PluginDefinition<any> | undefined {
    return this.defs.get(name);
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  names(): string[] {
    return [...this.defs.keys()];
  }

  /**
   * Loads a user's plugin module: its default export is a PluginDefinition (or an array of them).
   * Errors name the file and what was expected.
   */
  async loadModule(path: string): Promise<string[]> {
    const file = resolve(path);
    let mod: { default?: unknown };
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (err) {
      throw new InputError([
        { code: 'plugin-module', file: path, message: `cannot load plugin module: ${(err as Error).message}` },
      ]);
    }
    const exported = Array.isArray(mod.default) ? mod.default : [mod.default];
    const names: string[] = [];
    for (const def of exported) {
      if (!isDefinition(def)) {
        throw new InputError([
          {
            code: 'plugin-module',
            file: path,
            message:
              'the default export must be a plugin definition ({ name, create(args, handle) }) or an array of them',
          },
        ]);
      }
      if (this.defs.has(def.name)) {
        throw new InputError([
          { code: 'plugin-module', file: path, message: `a plugin named ${def.name} is already registered` },
        ]);
      }
      this.register(def);
      names.push(def.name);
    }
    return names;
  }
}

function isDefinition(value: unknown): value is PluginDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PluginDefinition).name === 'string' &&
    typeof (value as PluginDefinition).create === 'function'
  );
}
