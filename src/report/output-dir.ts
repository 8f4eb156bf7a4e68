// Output directories appear complete or not at all: everything is written into a temporary sibling
// directory, which is then renamed into place. An earlier directory is swapped out and removed only
// once the new one is there, so a crash never leaves a half-written or missing result.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../api/problem.js';

/** A fresh temporary directory beside `outDir` (which must not be a file); `option` names it in errors. */
export function startOutputDir(outDir: string, option = '--out'): { out: string; tmp: string } {
  const out = resolve(outDir);
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new InputError([{ code: 'output', path: option, message: `${outDir} exists and is not a directory` }]);
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return { out, tmp };
}

/** Renames the finished `tmp` into place as `out`, replacing an earlier one. */
export function publishOutputDir(tmp: string, out: string): void {
  if (!existsSync(out)) {
    renameSync(tmp, out);
    return;
  }
  const old = `${tmp}.old`;
  renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
}

/** Runs `write(tmp)` and publishes the directory; on failure removes the temporary one and rethrows. */
export function writeOutputDir(outDir: string, write: (tmp: string) => void, option = '--out'): void {
  const { out, tmp } = startOutputDir(outDir, option);
  try {
    write(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  publishOutputDir(tmp, out);
}
