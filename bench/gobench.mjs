#!/usr/bin/env node
// npm run bench:gobench -- <gobench-checkout> — recall of `goroscope lint` on the GoBench GoKer kernels
// (github.com/timmyyuan/gobench, gobench/goker/: 103 small programs, each a real concurrency bug), next to
// go vet and staticcheck when they are installed.
//
// The expected answer is bench/gobench-expected.json, written by hand from each kernel's description, comments
// and upstream fix: per kernel its bug lines and the rules whose mechanism describes the bug. A kernel counts as
// detected when a finding of one of those rules points at a bug line (+-2) or names one in `related`; for go vet
// and staticcheck any diagnostic of their concurrency checks at a bug line (+-2) counts. Every other finding in a
// kernel is printed for
// triage (docs/gobench.md). Writes bench/out/gobench.json.
//
// Usage: node bench/gobench.mjs <gobench-checkout> [compiled-dir]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const expected = JSON.parse(readFileSync(join(root, 'bench/gobench-expected.json'), 'utf8'));
const { repository, commit } = expected.source;

const checkout = process.argv[2] && resolve(process.argv[2]);
if (!checkout || !existsSync(join(checkout, 'gobench/goker'))) {
  console.error(`usage: npm run bench:gobench -- <gobench-checkout>

The GoKer kernels are not part of this repository. Get them at the pinned commit:
  git clone ${repository} /tmp/gobench && git -C /tmp/gobench checkout ${commit}
then run: npm run bench:gobench -- /tmp/gobench`);
  process.exit(2);
}
const head = spawnSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
if (head.status === 0 && head.stdout.trim() !== commit)
  console.warn(`warning: ${checkout} is at ${head.stdout.trim()}, the table was written for ${commit}`);

const compiled = resolve(process.argv[3] ?? join(root, 'dist'));
const load = (path) => import(pathToFileURL(join(compiled, path)).href);
const { loadPackages } = await load('src/lint/load/go-packages.js');
const { lintPackages } = await load('src/lint/driver/lint-packages.js');

const kernels = Object.entries(expected.kernels);
const byFile = new Map(kernels.map(([id, k]) => [k.file, id]));
const near = (line, bugLines) => bugLines.some((b) => Math.abs(b - line) <= 2);

// goroscope
let t0 = performance.now();
const packages = loadPackages(['./gobench/goker/...'], checkout);
const result = await lintPackages(packages, {});
const lintMs = performance.now() - t0;
const findingsOf = new Map();
for (const f of result.findings) {
  const id = byFile.get(relative(checkout, resolve(checkout, f.file)));
  if (id === undefined) continue;
  const list = findingsOf.get(id) ?? [];
  list.push(f);
  findingsOf.set(id, list);
}
const detects = (k, f) =>
  k.rules.includes(f.rule) && (near(f.line, k.bugLines) || f.related.some((r) => near(r.line, k.bugLines)));

// Peers: any diagnostic on a bug line counts (they have no rule names that map onto ours).
function peer(name, args) {
  const which = spawnSync('sh', ['-c', `command -v ${args[0]}`], { encoding: 'utf8' });
  if (which.status !== 0) return { name, skipped: `${args[0]} not installed` };
  const t = performance.now();
  const run = spawnSync(args[0], args.slice(1), { cwd: checkout, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  const hits = new Map();
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
    const m = /^(?:\.\/)?(gobench\/goker\/[^:]+\.go):(\d+)(?::\d+)?: (.*)$/.exec(line.trim());
    if (!m) continue;
    const id = byFile.get(m[1]);
    if (id === undefined) continue;
    const list = hits.get(id) ?? [];
    list.push({ line: Number(m[2]), message: m[3] });
    hits.set(id, list);
  }
  return { name, ms, hits };
}
// Only their concurrency checks: a style note (`S1000`, an empty critical section) next to a bug line is not a
// detection of the bug.
const VET = ['-atomic', '-copylocks', '-loopclosure', '-lostcancel', '-testinggoroutine', '-waitgroup'];
const STATICCHECK = 'SA1015,SA2000,SA2002,SA2003';
const peers = [
  peer('go vet', ['go', 'vet', ...VET, './gobench/goker/...']),
  peer('staticcheck', ['staticcheck', '-checks', STATICCHECK, './gobench/goker/...']),
];

// Tables
const groups = new Map();
const rows = [];
for (const [id, k] of kernels) {
  const found = (findingsOf.get(id) ?? []).some((f) => detects(k, f));
  const foundLoud = (findingsOf.get(id) ?? []).some((f) => f.severity !== 'info' && detects(k, f));
  const peerFound = peers.map((p) => (p.hits ? (p.hits.get(id) ?? []).some((h) => near(h.line, k.bugLines)) : null));
  rows.push({ id, category: k.category, subtype: k.subtype, rules: k.rules, found, foundLoud, peerFound });
  for (const key of [k.category, `${k.category} / ${k.subtype}`]) {
    const g = groups.get(key) ?? { kernels: 0, found: 0, peers: peers.map(() => 0) };
    g.kernels++;
    if (found) g.found++;
    peerFound.forEach((p, i) => p && g.peers[i]++);
    groups.set(key, g);
  }
}
const header = ['category', 'goroscope', ...peers.map((p) => p.name)];
const lines = [header];
const keys = [...groups.keys()].sort((a, b) =>
  a.includes('/') === b.includes('/') ? a.localeCompare(b) : a.includes('/') ? 1 : -1,
);
for (const key of keys) {
  const g = groups.get(key);
  lines.push([key, `${g.found}/${g.kernels}`, ...peers.map((p, i) => (p.hits ? `${g.peers[i]}/${g.kernels}` : '-'))]);
}
const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
for (const l of lines)
  console.log(l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
for (const p of peers) if (p.skipped) console.log(`${p.name}: skipped (${p.skipped})`);
// A note (info) is shown to users but easy to overlook: say how many kernels only a note detects.
const loud = (category) => rows.filter((r) => r.category === category && r.foundLoud).length;
const total = (category) => rows.filter((r) => r.category === category).length;
console.log(
  `goroscope without notes (errors and warnings only): blocking ${loud('blocking')}/${total('blocking')}, ` +
    `nonblocking ${loud('nonblocking')}/${total('nonblocking')}`,
);
console.log(
  `peers count any diagnostic at a bug line (+-2) from: go vet ${VET.join(' ')}; staticcheck -checks ${STATICCHECK}`,
);
console.log(
  `goroscope: ${result.files} files, ${result.findings.length} findings in ${lintMs.toFixed(0)} ms (one thread); ` +
    peers
      .filter((p) => p.ms)
      .map((p) => `${p.name}: ${(p.ms / 1000).toFixed(1)} s`)
      .join(', '),
);

console.log('\ndetected:');
for (const r of rows)
  if (r.found) console.log(`  ${r.id} (${r.rules.join(', ')})${r.foundLoud ? '' : ' (a note only)'}`);
console.log('\nother findings (triage them in docs/gobench.md):');
const others = [];
for (const [id, k] of kernels)
  for (const f of findingsOf.get(id) ?? []) {
    if (detects(k, f)) continue;
    others.push({ kernel: id, rule: f.rule, severity: f.severity, line: f.line, message: f.message });
    console.log(`  ${id}:${f.line} ${f.rule} (${f.severity}): ${f.message}`);
  }
if (others.length === 0) console.log('  none');

mkdirSync(join(root, 'bench/out'), { recursive: true });
writeFileSync(
  join(root, 'bench/out/gobench.json'),
  JSON.stringify(
    {
      commit,
      goVersion: execFileSync('go', ['version'], { encoding: 'utf8' }).trim(),
      groups: Object.fromEntries(groups),
      peers: peers.map((p) => ({ name: p.name, skipped: p.skipped })),
      rows,
      others,
    },
    null,
    2,
  ),
);
