#!/usr/bin/env node
// npm run bench:lint-package [-- DIR] — wall time, CPU time and peak RSS of `goroscope lint DIR` on one large
// package, as a user runs it (the CLI, all rules, all cores). The default is nats-server's `server` package
// (about 440k lines with its tests, one package: the rules see it whole), from the checkouts of
// bench/precision-repos.json; issue 9's target is <= 30 s and <= 1 GB peak RSS on 2 cores.
// Usage: node bench/lint-package.mjs [DIR] [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gnuTime, root } from './lib.mjs';

const args = process.argv.slice(2);
let runs = 1;
let dir = '/work/repos/nats-io+nats-server/server';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else dir = resolve(args[i]);
}
if (!existsSync(dir) || !Number.isInteger(runs) || runs < 1) {
  const { repositories } = JSON.parse(readFileSync(join(root, 'bench/precision-repos.json'), 'utf8'));
  const nats = repositories.find((r) => r.repo === 'nats-io/nats-server');
  console.error(
    `usage: npm run bench:lint-package -- [DIR] [--runs N]\n${dir} is missing; get nats-server at the pinned ` +
      `commit:\n  git clone https://github.com/nats-io/nats-server /work/repos/nats-io+nats-server && ` +
      `git -C /work/repos/nats-io+nats-server checkout ${nats?.commit}`,
  );
  process.exit(2);
}
if (gnuTime === undefined) {
  console.error('bench/lint-package.mjs needs GNU time (/usr/bin/time) for the peak RSS: apt-get install time');
  process.exit(2);
}

let bytes = 0;
let lines = 0;
let files = 0;
for (const name of readdirSync(dir)) {
  if (!name.endsWith('.go')) continue;
  const text = readFileSync(join(dir, name), 'utf8');
  bytes += Buffer.byteLength(text);
  lines += text.split('\n').length;
  files++;
}
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(`${dir}: ${files} .go files, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB`);
console.log(`cores: ${availableParallelism()}, load average at start: ${load()}`);

for (let run = 1; run <= runs; run++) {
  const result = spawnSync(
    gnuTime,
    ['-f', '%e %U %S %M', process.execPath, join(root, 'bin/goroscope'), 'lint', '--no-summary', '-f', 'json', dir],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  const timing = result.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, sys, maxKb] = timing.split(' ').map(Number);
  if (result.status !== 0 && result.status !== 1) {
    console.error(`goroscope lint exited ${result.status}:\n${result.stderr}`);
    process.exit(1);
  }
  const findings = JSON.parse(result.stdout).findings.length;
  const peakMb = maxKb / 1024;
  console.log(
    `run ${run}: ${wall.toFixed(1)} s wall, ${(user + sys).toFixed(1)} s CPU, peak RSS ${peakMb.toFixed(0)} MB, ` +
      `${findings} findings  (target <= 30 s and <= 1024 MB on 2 cores: ` +
      `${wall <= 30 && peakMb <= 1024 ? 'met' : 'NOT met'})`,
  );
}
console.log(`load average at end: ${load()} (on a loaded machine, wall time is inflated; CPU time is not)`);
