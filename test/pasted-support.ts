// What the pasted-log tests share: the recorded logs of testdata/logs (manifest.json), one per program as the
// newest Go prints it, explain on damaged text, and the check of kind and culprit against the program's marks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { explain } from '../src/explain.js';
import type { Crash, ExplainResult } from '../src/model.js';
import { repoRoot } from './helpers.js';

export interface Entry {
  log: string;
  kind: string;
  culprits: { file: string; line: number }[];
  goVersion: string;
  gotraceback: string;
}

export const logsDir = join(repoRoot, 'testdata', 'logs');
export const entries = (JSON.parse(readFileSync(join(logsDir, 'manifest.json'), 'utf8')) as { recordings: Entry[] })
  .recordings;
export const newest = entries.at(-1)?.goVersion;
/** One log of every program, as the newest Go prints it. */
export const sample = entries.filter((e) => e.gotraceback === 'all' && e.goVersion === newest);

export function linesOf(entry: Entry): string[] {
  const lines = readFileSync(join(logsDir, entry.log), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export async function explainText(text: string): Promise<ExplainResult> {
  return explain(['-'], { stdin: Readable.from([text]), srcDir: false });
}

/** The crash the program is about: the first of its kind, else the first that is not a plain dump. */
export function crashOf(crashes: Crash[], kind: string): Crash | undefined {
  return crashes.find((c) => c.kind === kind) ?? crashes.find((c) => c.kind !== 'goroutine_dump') ?? crashes[0];
}

/** Whether Go printed a marked line at all (it prints no stack for some deadlocks). */
export function printsMarkedLine(text: string, entry: Entry): boolean {
  return entry.culprits.some((c) => text.includes(`${c.file}:${c.line} `) || text.includes(`${c.file}:${c.line}\n`));
}

/** '' when the diagnosis matches the program, else what is wrong. */
export function check(crashes: Crash[], entry: Entry, original: string): string {
  const crash = crashOf(crashes, entry.kind);
  if (crash === undefined) return `${entry.log}: no crash`;
  if (crash.kind !== entry.kind) return `${entry.log}: kind ${crash.kind}, want ${entry.kind}`;
  if (entry.culprits.length === 0 || !printsMarkedLine(original, entry)) return '';
  const at = crash.culprit;
  const ok = entry.culprits.some((c) => at !== null && basename(at.file) === c.file && at.line === c.line);
  return ok ? '' : `${entry.log}: culprit ${at === null ? 'none' : `${at.file}:${at.line}`}`;
}

export async function assertTransform(entriesToTry: Entry[], transform: (lines: string[]) => string): Promise<void> {
  const failures: string[] = [];
  for (const entry of entriesToTry) {
    const lines = linesOf(entry);
    const result = await explainText(transform(lines));
    const problem = check(result.crashes, entry, lines.join('\n') + '\n');
    if (problem !== '') failures.push(problem);
  }
  assert.deepEqual(failures, []);
}

/** Go's own file lines start with a tab; the line before one is its function line. */
export function isFunctionLine(lines: string[], i: number): boolean {
  const line = lines[i] ?? '';
  return line.length > 0 && !line.startsWith('\t') && (lines[i + 1] ?? '').startsWith('\t/');
}
