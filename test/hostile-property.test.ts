// Property: for any recorded crash log (testdata/logs, printed by real Go runs), inserting NUL bytes, lines of
// binary garbage or other pods' prefixed lines never removes a crash that was found in the clean log: every crash
// of the clean log is still found, with the same kind and culprit, in the unprefixed stream.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { explain } from '../src/explain.js';
import type { Crash } from '../src/model.js';
import { repoRoot } from './helpers.js';

const logsDir = join(repoRoot, 'testdata', 'logs');
const logs = (
  JSON.parse(readFileSync(join(logsDir, 'manifest.json'), 'utf8')) as { recordings: { log: string }[] }
).recordings.map((r) => r.log);

const texts = new Map<string, string>();
function textOf(log: string): string {
  let text = texts.get(log);
  if (text === undefined) {
    text = readFileSync(join(logsDir, log), 'utf8');
    texts.set(log, text);
  }
  return text;
}

async function crashesOf(input: Buffer): Promise<Crash[]> {
  const result = await explain(['-'], { stdin: Readable.from([input]), srcDir: false });
  return result.crashes;
}

/** Occurrences per kind and culprit, for crashes of the unprefixed stream. */
function tally(crashes: Crash[]): Map<string, number> {
  const counts = new Map<string, number>();
  // Every stream counts: identical crashes fold across pods into one entry (first source wins), so a crash of the
  // clean log may be counted in an entry that a pod's identical crash opened. Insertions only ever add crashes.
  for (const crash of crashes) {
    const c = crash.culprit;
    const key = `${crash.kind} ${c === null ? '-' : `${c.function} ${c.file}:${c.line}`}`;
    counts.set(key, (counts.get(key) ?? 0) + (crash.occurrences ?? 1));
  }
  return counts;
}

const baselines = new Map<string, Map<string, number>>();
async function baselineOf(log: string): Promise<Map<string, number>> {
  let baseline = baselines.get(log);
  if (baseline === undefined) {
    baseline = tally(await crashesOf(Buffer.from(textOf(log))));
    baselines.set(log, baseline);
  }
  return baseline;
}

type Insertion =
  | { at: number; kind: 'nul'; size: number; atEnd: boolean }
  | { at: number; kind: 'garbage'; bytes: Uint8Array }
  | { at: number; kind: 'pod'; log: string; from: number; count: number; pod: number };

const insertion: fc.Arbitrary<Insertion> = fc.oneof(
  fc.record({
    at: fc.nat(),
    kind: fc.constant('nul' as const),
    size: fc.integer({ min: 1, max: 100_000 }),
    atEnd: fc.boolean(),
  }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('garbage' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('pod' as const),
    log: fc.constantFrom(...logs),
    from: fc.nat(),
    count: fc.integer({ min: 1, max: 40 }),
    pod: fc.nat(3),
  }),
);

/**
 * A line of garbage that is binary however NULs cut it: every even byte has its high bit set or is NUL, every
 * odd byte is 0xff (never part of UTF-8) or NUL, and it holds no newline.
 */
function garbageLine(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    out[2 * i] = b % 7 === 0 ? 0 : b | 0x80;
    out[2 * i + 1] = b % 5 === 0 ? 0 : 0xff;
  }
  return out;
}

function damage(text: string, insertions: Insertion[], blob: Uint8Array): Buffer {
  const lines: Buffer[][] = text.split('\n').map((line) => [Buffer.from(line)]);
  // Inserted before line `at` (so `lines.length` appends); applied from the end so earlier indexes hold.
  const placed = insertions.map((ins) => ({ ins, at: ins.at % (lines.length + 1) }));
  placed.sort((a, b) => b.at - a.at);
  for (const { ins, at } of placed) {
    if (ins.kind === 'nul') {
      const run = Buffer.alloc(ins.size);
      const line = lines[Math.min(at, lines.length - 1)];
      if (line === undefined) continue;
      if (ins.atEnd) line.push(run);
      else line.unshift(run);
    } else if (ins.kind === 'garbage') {
      lines.splice(at, 0, [garbageLine(ins.bytes)]);
    } else {
      const other = textOf(ins.log).split('\n');
      const from = ins.from % other.length;
      const added = other
        .slice(from, from + ins.count)
        .map((line) => [Buffer.from(`[pod/other-${ins.pod}/app] ${line}`)]);
      lines.splice(at, 0, ...added);
    }
  }
  const parts: Buffer[] = [];
  // Random bytes, newlines and all, ahead of the log (a binary file concatenated in front of it).
  if (blob.length > 0) parts.push(Buffer.from(blob), Buffer.from('\n'));
  lines.forEach((line, i) => {
    parts.push(...line);
    if (i < lines.length - 1) parts.push(Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

test("NULs, binary garbage and other pods' lines never remove a crash found in the clean log", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...logs),
      fc.array(insertion, { minLength: 1, maxLength: 12 }),
      fc.uint8Array({ maxLength: 3000 }),
      async (log, insertions, blob) => {
        const baseline = await baselineOf(log);
        const found = tally(await crashesOf(damage(textOf(log), insertions, blob)));
        for (const [key, count] of baseline) {
          assert.ok((found.get(key) ?? 0) >= count, `${log}: ${key} found ${found.get(key) ?? 0} of ${count} times`);
        }
      },
    ),
    { numRuns: 150 },
  );
});
