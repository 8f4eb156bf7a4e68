// Shared command plumbing: turn user-caused errors into a clear message and exit status 2,
// never a stack trace. Bugs still surface with their stack, since those are ours to fix.
import { formatProblem, InputError } from '../api/problem.js';

export const EXIT_INPUT = 2;

export async function runCommand(action: () => Promise<void> | void): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof InputError) {
      for (const p of err.problems) process.stderr.write(`error: ${formatProblem(p)}\n`);
      process.exitCode = EXIT_INPUT;
      return;
    }
    throw err;
  }
}
