#!/usr/bin/env node
// Scores `goroscope explain` on crash logs that people pasted into public GitHub issues.
// The texts are not ours and stay outside the repo: pass the directory holding `<id>.log` files
// (default /work/reallogs-corpus). testdata/real-logs/labels.tsv holds each log's source and the labels,
// made by reading the log, never goroscope's output:
//   kind      a catalogue kind id, or `data_race` for a race report
//   culprit   `function file:line` of the first frame outside the runtime and standard library of the goroutine
//             that failed (for a race: the current access), `-` when the log shows none; `?` as the function
//             when the log's format prints no function for that frame
//   previous  for a race, the previous access the same way
// Usage: npm run build && node scripts/score-real-logs.mjs [corpus-dir]
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { explain } = await import(join(root, 'dist/src/index.js'));
const corpus = process.argv[2] ?? '/work/reallogs-corpus';

/** `pkg.F file.go:12` -> { fn, file, line }; `-` -> null. */
function parseSite(text) {
  if (text === '-' || text === '') return null;
  const m = /^(.*) (\S+):(\d+)$/.exec(text);
  if (!m) throw new Error(`bad label site: ${text}`);
  return { fn: m[1], file: m[2], line: Number(m[3]) };
}

/** Old toolchains print `·` and `%2e`; pasting sometimes drops them. Compare names without those differences. */
function normaliseFunction(name) {
  return name
    .replace(/%2e/g, '.')
    .replace(/·/g, '.')
    .replace(/\(\.\.\.\)$/, '')
    .replace(/^\*/, '');
}

function baseName(path) {
  return path.replace(/\\/g, '/').split('/').pop();
}

function sameSite(label, loc) {
  if (label === null) return loc === null || loc === undefined;
  if (!loc) return false;
  if (baseName(loc.file) !== label.file || loc.line !== label.line) return false;
  return label.fn === '?' || normaliseFunction(loc.function).endsWith(normaliseFunction(label.fn));
}

function show(loc) {
  return loc ? `${loc.function} ${baseName(loc.file)}:${loc.line}` : '-';
}
function showLabel(site) {
  return site ? `${site.fn} ${site.file}:${site.line}` : '-';
}

const rows = readFileSync(join(root, 'testdata/real-logs/labels.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    const [id, source, kind, culprit, previous] = l.split('\t');
    return { id, source, kind, culprit: parseSite(culprit), previous: parseSite(previous ?? '-') };
  });

let total = 0;
let kindOk = 0;
let culpritOk = 0;
let raceTotal = 0;
let raceOk = 0;
const missing = [];
const misses = [];
for (const row of rows) {
  const path = join(corpus, `${row.id}.log`);
  if (!existsSync(path)) {
    missing.push(row.id);
    continue;
  }
  total++;
  let result;
  try {
    result = await explain([path]);
  } catch (err) {
    misses.push(`${row.id}: explain threw ${String(err)}`);
    continue;
  }
  const wrong = [];
  if (row.kind === 'data_race') {
    const race = result.races[0];
    const both = row.culprit !== null && row.previous !== null;
    if (both) raceTotal++;
    if (race) kindOk++;
    else wrong.push(`kind: want data_race, got ${result.crashes[0]?.kind ?? 'nothing'}`);
    const current = race?.current.culprit ?? null;
    const previous = race?.previous.culprit ?? null;
    const currentOk = race !== undefined && sameSite(row.culprit, current);
    const previousOk = race !== undefined && sameSite(row.previous, previous);
    if (currentOk) culpritOk++;
    else wrong.push(`culprit: want ${showLabel(row.culprit)}, got ${show(current)}`);
    if (both && currentOk && previousOk) raceOk++;
    else if (both && !previousOk) wrong.push(`previous: want ${showLabel(row.previous)}, got ${show(previous)}`);
  } else {
    // The diagnosis is the first crash; a goroutine dump printed before it (another goroutine's stack that
    // interleaved with the panic) is context, not the failure.
    const crash = result.crashes.find((c) => c.kind !== 'goroutine_dump') ?? result.crashes[0];
    if (crash?.kind === row.kind) kindOk++;
    else wrong.push(`kind: want ${row.kind}, got ${crash?.kind ?? (result.races.length ? 'data_race' : 'nothing')}`);
    const culprit = crash?.culprit ?? null;
    if (crash !== undefined && sameSite(row.culprit, culprit)) culpritOk++;
    else wrong.push(`culprit: want ${showLabel(row.culprit)}, got ${show(culprit)}`);
  }
  if (wrong.length) misses.push(`${row.id} (${row.source})\n    ${wrong.join('\n    ')}`);
}

const pct = (n, d) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);
if (missing.length) console.log(`not in ${corpus} (skipped): ${missing.join(', ')}`);
console.log(`misses (${misses.length}):`);
for (const m of misses) console.log(`  ${m}`);
console.log(`logs scored: ${total}`);
console.log(`kind accuracy:          ${kindOk}/${total} = ${pct(kindOk, total)}`);
console.log(`culprit accuracy:       ${culpritOk}/${total} = ${pct(culpritOk, total)}`);
console.log(`race both-sites:        ${raceOk}/${raceTotal} = ${pct(raceOk, raceTotal)}`);
