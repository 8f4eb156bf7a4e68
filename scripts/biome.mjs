#!/usr/bin/env node
// Runs Biome from its platform package. berth depends on @biomejs/cli-linux-x64 directly rather
// than on @biomejs/biome, whose optional per-platform packages this project's registry cannot
// serve, which makes `npm ci` reject the lock file.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const binary = fileURLToPath(
  new URL(`../node_modules/@biomejs/cli-${process.platform}-${process.arch}/biome`, import.meta.url),
);
if (!existsSync(binary)) {
  console.error(
    `biome: no binary for ${process.platform}-${process.arch} (install @biomejs/cli-${process.platform}-${process.arch})`,
  );
  process.exit(2);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
