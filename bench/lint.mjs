#!/usr/bin/env node
// npm run bench:lint — lints the Go standard library ($(go env GOROOT)/src, the std module as `go vet std`
// sees it) with the compiled goroscope, prints findings per rule, wall and CPU time and parse speed, then
// runs `go vet -copylocks -lostcancel std` with an empty GOCACHE in the same run for comparison.
// Usage: node bench/lint.mjs [compiled-dir]   (default: dist)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const compiled = resolve(process.argv[2] ?? join(root, 'dist'));
const load = (path) => import(pathToFileURL(join(compiled, path)).href);
const { loadPackages } = await load('src/lint/load/go-packages.js');
const { lintParallel } = await load('src/lint/driver/lint-parallel.js');
const { createGoParser } = await load('src/lint/load/tree-sitter-go.js');

const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const src = join(goroot, 'src');
const cpu = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};

console.log(
  `cores: ${availableParallelism()}, load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

// 1. Parse speed on one thread (the engine alone).
let t0 = performance.now();
const packages = loadPackages(['./...'], src);
const loadMs = performance.now() - t0;
let bytes = 0;
let files = 0;
for (const pkg of packages)
  for (const file of pkg.files) {
    bytes += Buffer.byteLength(file.source);
    files++;
  }
const parser = await createGoParser();
const cpu0 = cpu();
t0 = performance.now();
for (const pkg of packages) for (const file of pkg.files) parser.parse(file.source);
const parseMs = performance.now() - t0;
const parseCpu = cpu() - cpu0;
console.log(
  `loaded ${packages.length} packages, ${files} files, ${(bytes / 1e6).toFixed(1)} MB in ${loadMs.toFixed(0)} ms`,
);
console.log(
  `parse (1 thread): ${(parseMs / 1000).toFixed(1)} s wall, ${parseCpu.toFixed(1)} s CPU -> ` +
    `${(bytes / 1e6 / (parseMs / 1000)).toFixed(2)} MB/s wall, ${(bytes / 1e6 / parseCpu).toFixed(2)} MB/s per ` +
    `CPU-second`,
);

// 2. The whole lint on all cores.
t0 = performance.now();
const result = await lintParallel(packages, {});
const lintMs = performance.now() - t0;
const counts = {};
for (const finding of result.findings) counts[finding.rule] = (counts[finding.rule] ?? 0) + 1;
console.log(
  `goroscope lint std: ${(lintMs / 1000).toFixed(1)} s wall, ${result.findings.length} findings, ` +
    `${result.filesWithSyntaxErrors.length} files with syntax errors`,
);
for (const [rule, n] of Object.entries(counts).sort()) console.log(`  ${rule.padEnd(28)} ${n}`);
if (process.env.BENCH_LIST)
  for (const f of result.findings) console.log(`  ${f.rule} ${f.file.slice(src.length + 1)}:${f.line} ${f.message}`);

// 3. Cold go vet with the same two vet checks.
const cache = mkdtempSync(join(tmpdir(), 'goroscope-vet-cache-'));
t0 = performance.now();
const vet = spawnSync('go', ['vet', '-copylocks', '-lostcancel', 'std'], {
  cwd: src,
  env: { ...process.env, GOCACHE: cache, GOFLAGS: '' },
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
const vetMs = performance.now() - t0;
rmSync(cache, { recursive: true, force: true });
const vetFindings = (vet.stderr.match(/^[^#\s].*\.go:\d+:\d+: /gm) ?? []).length;
console.log(
  `go vet -copylocks -lostcancel std (empty GOCACHE): ${(vetMs / 1000).toFixed(1)} s wall, ${vetFindings} findings, ` +
    `exit ${vet.status}`,
);
console.log(`ratio goroscope/vet: ${(lintMs / vetMs).toFixed(2)} (target < 0.25)`);
console.log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
