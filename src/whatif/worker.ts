// A worker thread running one what-if scenario: the task comes as workerData, the result (or the
// problems a user caused) goes back as one message.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../api/problem.js';
import { runScenario } from './run-scenario.js';

try {
  const result = await runScenario(workerData);
  parentPort!.postMessage({ result });
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  parentPort!.postMessage({ problems: err.problems });
}
