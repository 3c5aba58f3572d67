#!/usr/bin/env node
// npm run bench:precision [-- DIR] — precision of `goroscope lint` on 15 well-known Go repositories (issue 9).
//
// Lints each repository of bench/precision-repos.json (checked out at DIR/<owner>+<name>/, default /work/repos)
// with `goroscope lint --all-modules --format json ./...` and all rules, then matches every error and warning
// with its triage row in bench/precision-triage/<rule>.tsv (one file per rule; header `repo location verdict
// reason`, verdict true | deliberate | false, location `path/from/repo/root.go:line`). Prints per rule and overall:
// errors+warnings, how many are triaged true/deliberate/false, the untriaged ones, and the precision
// (true+deliberate)/triaged; notes (severity info) are counted apart and never enter the precision. Triage rows that
// now match a note are listed as such; rows that match nothing as stale (fixed, or the line moved).
//
// Options:
//   --save DIR   also write each repository's JSON result to DIR/<owner>+<name>.json
//   --load DIR   read those results instead of linting (to re-triage without waiting)
//   --rule NAME  only this rule (repeatable; passed to lint as --rule)
// Exit status: 0 when every error and warning is triaged, 1 when some are not, 2 on a usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const { repositories } = JSON.parse(readFileSync(join(root, 'bench/precision-repos.json'), 'utf8'));
const triageDir = join(root, 'bench/precision-triage');

const args = process.argv.slice(2);
let checkouts = '/work/repos';
let saveDir;
let loadDir;
const onlyRules = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) usage(`${arg} needs a value`);
    return v;
  };
  if (arg === '--save') saveDir = resolve(value());
  else if (arg === '--load') loadDir = resolve(value());
  else if (arg === '--rule') onlyRules.push(value());
  else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
  else checkouts = resolve(arg);
}

function usage(message) {
  console.error(`bench/precision.mjs: ${message}
usage: npm run bench:precision -- [DIR] [--save DIR] [--load DIR] [--rule NAME]`);
  process.exit(2);
}

const dirName = (repo) => repo.replace('/', '+');

// 1. The checkouts: say how to get the missing ones, at the recorded commits.
if (loadDir === undefined) {
  const missing = repositories.filter(({ repo }) => !existsSync(join(checkouts, dirName(repo))));
  if (missing.length > 0) {
    console.error(`${missing.length} of ${repositories.length} repositories are not in ${checkouts}. Get them with:`);
    for (const { repo, commit } of missing) {
      const dir = join(checkouts, dirName(repo));
      console.error(
        `  git clone --filter=blob:none https://github.com/${repo} ${dir} && git -C ${dir} checkout ${commit}` +
          ` && echo ${commit} > ${dir}/.commit`,
      );
    }
    process.exit(2);
  }
  for (const { repo, commit } of repositories) {
    const marker = join(checkouts, dirName(repo), '.commit');
    const at = existsSync(marker)
      ? readFileSync(marker, 'utf8').trim()
      : spawnSync('git', ['-C', join(checkouts, dirName(repo)), 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout;
    if (at?.trim() && at.trim() !== commit)
      console.warn(`warning: ${repo} is at ${at.trim()}, the triage was written for ${commit}`);
  }
}

// 2. The triage: rule -> "repo\tlocation" -> { verdict, reason }. Any rule's file is read, including new ones.
const triage = new Map();
const triageProblems = [];
for (const name of existsSync(triageDir) ? readdirSync(triageDir).sort() : []) {
  if (!name.endsWith('.tsv')) continue;
  const rule = name.slice(0, -'.tsv'.length);
  const rows = new Map();
  const lines = readFileSync(join(triageDir, name), 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (index === 0 || line.trim() === '') return; // header
    const [repo, location, verdict, reason] = line.split('\t');
    if (!['true', 'deliberate', 'false'].includes(verdict) || !reason?.trim())
      triageProblems.push(`${name}:${index + 1}: needs repo, location, verdict (true|deliberate|false), reason`);
    else rows.set(`${repo}\t${location}`, { verdict, reason, used: false });
  });
  triage.set(rule, rows);
}

// 3. Lint (or load) each repository.
const goroscope = join(root, 'bin/goroscope');
const findings = []; // { repo, rule, severity, location, message }
let totalMs = 0;
for (const { repo } of repositories) {
  let report;
  if (loadDir !== undefined) {
    report = JSON.parse(readFileSync(join(loadDir, `${dirName(repo)}.json`), 'utf8'));
  } else {
    // `--rule=NAME` each: `--rule a b ./...` would take ./... for a rule name.
    const ruleArgs = onlyRules.map((rule) => `--rule=${rule}`);
    const t0 = performance.now();
    const run = spawnSync(
      process.execPath,
      // The path before --rule: the option takes every name after it.
      [goroscope, 'lint', '--all-modules', '--no-summary', '--format', 'json', './...', ...ruleArgs],
      { cwd: join(checkouts, dirName(repo)), encoding: 'utf8', maxBuffer: 256 << 20 },
    );
    const ms = performance.now() - t0;
    totalMs += ms;
    if (run.status !== 0 && run.status !== 1) {
      console.error(`${repo}: goroscope lint exited ${run.status}:\n${run.stderr}`);
      process.exit(1);
    }
    report = JSON.parse(run.stdout);
    console.log(
      `linted ${repo.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(6)} s, ${report.findings.length} findings`,
    );
    if (saveDir !== undefined) {
      mkdirSync(saveDir, { recursive: true });
      writeFileSync(join(saveDir, `${dirName(repo)}.json`), run.stdout);
    }
  }
  for (const f of report.findings) {
    if (onlyRules.length > 0 && !onlyRules.includes(f.rule)) continue;
    findings.push({ repo, rule: f.rule, severity: f.severity, location: `${f.file}:${f.line}`, message: f.message });
  }
}
if (loadDir === undefined) console.log(`lint of all ${repositories.length}: ${(totalMs / 1000).toFixed(1)} s wall\n`);

// 4. Per rule: errors+warnings by verdict, and notes apart.
const empty = () => ({ reported: 0, true: 0, deliberate: 0, false: 0, untriaged: 0, notes: 0 });
const perRule = new Map();
const untriaged = [];
for (const f of findings) {
  const counts = perRule.get(f.rule) ?? empty();
  perRule.set(f.rule, counts);
  if (f.severity === 'info') {
    counts.notes++;
    // A triaged finding that has become a note: its row is not stale, it just no longer counts.
    const row = triage.get(f.rule)?.get(`${f.repo}\t${f.location}`);
    if (row !== undefined) row.note = true;
    continue;
  }
  counts.reported++;
  const row = triage.get(f.rule)?.get(`${f.repo}\t${f.location}`);
  if (row === undefined) {
    counts.untriaged++;
    untriaged.push(f);
  } else {
    counts[row.verdict]++;
    row.used = true;
  }
}
const precision = (c) => {
  const triaged = c.true + c.deliberate + c.false;
  return triaged === 0 ? '-' : `${((100 * (c.true + c.deliberate)) / triaged).toFixed(1)}%`;
};
const header = ['rule', 'errors+warnings', 'true', 'deliberate', 'false', 'untriaged', 'precision', 'notes'];
const table = [...perRule.entries()].sort(([a], [b]) => a.localeCompare(b));
const total = empty();
for (const [, c] of table) for (const key of Object.keys(total)) total[key] += c[key];
const rows = [...table.map(([rule, c]) => [rule, c]), ['all rules', total]].map(([rule, c]) => [
  rule,
  String(c.reported),
  String(c.true),
  String(c.deliberate),
  String(c.false),
  String(c.untriaged),
  precision(c),
  String(c.notes),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  `\nprecision = (true + deliberate) / triaged errors and warnings (target >= 90%); notes (severity info) are ` +
    `listed apart and not counted`,
);

if (untriaged.length > 0) {
  console.log(`\n${untriaged.length} untriaged error(s)/warning(s): add a row to bench/precision-triage/<rule>.tsv`);
  for (const f of untriaged) console.log(`  ${f.rule}\t${f.repo}\t${f.location}\t${f.message}`);
}
const stale = [];
const nowNotes = [];
for (const [rule, rows] of triage)
  if (onlyRules.length === 0 || onlyRules.includes(rule))
    for (const [key, row] of rows)
      if (!row.used) (row.note === true ? nowNotes : stale).push(`${rule}\t${key}\t${row.verdict}`);
if (nowNotes.length > 0) {
  console.log(`\n${nowNotes.length} triage row(s) now match a note (severity info, not counted):`);
  for (const s of nowNotes) console.log(`  ${s}`);
}
if (stale.length > 0) {
  console.log(`\n${stale.length} triage row(s) match no current finding (fixed, or the line moved):`);
  for (const s of stale) console.log(`  ${s}`);
}
for (const p of triageProblems) console.log(`bad triage row: ${p}`);
process.exit(untriaged.length > 0 || triageProblems.length > 0 ? 1 : 0);
