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
