// Parsing of option values shared by several commands; bad values are InputErrors.
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
