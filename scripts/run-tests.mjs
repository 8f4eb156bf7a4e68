#!/usr/bin/env node
// Runs every compiled test file with Node's built-in runner (Node 20's `node --test` does not
// expand globs). Test files are dist/test/**/*.test.js; extra arguments go to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = find('dist/test', []).filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const concurrency = process.env.CI ? ['--test-concurrency=2'] : [];
const result = spawnSync(process.execPath, ['--test', ...concurrency, ...flags, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
