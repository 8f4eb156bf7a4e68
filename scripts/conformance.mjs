#!/usr/bin/env node
// In-process conformance run for development: every case of ../shared/conformance/public through
// the engine directly (no process per case), compared with check.mjs's own compareCase.
// `npm test` runs the official per-process check; this one answers in seconds.
// `--executor pool` runs every case through the worker pool (`--workers N`, default 2) instead.
//   node scripts/conformance.mjs [--cases DIR] [--only ID] [--executor single|pool] [--workers N]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dir = resolve(opt('--cases', '../shared/conformance/public'));
const only = opt('--only', undefined);
const executor = opt('--executor', 'single');
const workers = Number(opt('--workers', '2'));
const { compareCase } = await import(pathToFileURL(join(dir, '..', 'check.mjs')).href);
const { loadCluster } = await import('../dist/src/load/load.js');
const { readSchedulerConfig, chooseProfile } = await import('../dist/src/framework/config-file.js');
const { scheduleAll, scheduleAllWith } = await import('../dist/src/engine/schedule-all.js');
const { closePools } = await import('../dist/src/engine/executor.js');

let passed = 0;
let failed = 0;
for (const id of readdirSync(dir)
  .filter((f) => f.endsWith('.case.json'))
  .map((f) => f.slice(0, -10))
  .sort()) {
  if (only && id !== only) continue;
  const configPath = join(dir, `${id}.config.yaml`);
  const config = existsSync(configPath) ? await readSchedulerConfig(configPath) : undefined;
  const { cluster } = await loadCluster([join(dir, `${id}.case.json`)]);
  const options = { tieBreak: 'first', seed: 1, explain: true };
  const out =
    executor === 'pool'
      ? await scheduleAllWith(cluster, chooseProfile({ config }), { config, plugins: [] }, options, {
          executor,
          workers,
        })
      : scheduleAll(cluster, chooseProfile({ config }), options);
  const why = compareCase(
    JSON.parse(readFileSync(join(dir, `${id}.expected.json`), 'utf8')),
    JSON.parse(JSON.stringify(out)),
  );
  if (why) {
    failed++;
    console.log(`FAIL ${id}: ${why}`);
  } else passed++;
}
await closePools();
console.log(
  `conformance${executor === 'pool' ? ` (pool, ${workers} workers)` : ''}: ${passed} passed, ${failed} failed`,
);
process.exit(failed ? 1 : 0);
