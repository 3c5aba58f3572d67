// Lines changed in the user's checkout since a git revision (`lint --new-from-rev REV`): the added and modified
// lines of `git diff -U0 REV`, plus every line of files git does not track yet (they are new as a whole).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ToolError, UsageError } from '../errors.js';

/** Absolute file path -> changed 1-based lines; `'all'` for a file that is new as a whole. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
}

function firstLine(error: unknown): string {
  const stderr: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'stderr') : undefined;
  const text = typeof stderr === 'string' ? stderr : error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0] ?? '';
}

const FILE_HEADER = /^\+\+\+ (?:b\/(.*)|\/dev\/null)$/;
const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** Parses `git diff -U0` output (new paths under `b/`) into the added or modified lines of each file. */
export function parseUnifiedDiff(diff: string, root: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const m = FILE_HEADER.exec(line);
      const path = m?.[1];
      if (path === undefined) {
        current = undefined;
        continue;
      }
      current = new Set();
      out.set(resolve(root, path), current);
      continue;
    }
    if (current === undefined || !line.startsWith('@@')) continue;
    const m = HUNK.exec(line);
    if (m === null) continue;
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    for (let i = 0; i < count; i++) current.add(start + i);
  }
  return out;
}

/** Changed lines since `rev` in the git checkout around `dir`. */
export function changedLinesSince(rev: string, dir: string): ChangedLines {
  let root: string;
  try {
    root = git(['rev-parse', '--show-toplevel'], dir).trim();
  } catch (error) {
    if (typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'ENOENT')
      throw new ToolError('--new-from-rev needs git, and git is not installed', { hint: 'install git' });
    throw new UsageError(`--new-from-rev needs a git checkout, and ${dir} is not inside one`, {
      hint: 'run goroscope lint in a git checkout, or drop --new-from-rev',
    });
  }
  let diff: string;
  try {
    git(['rev-parse', '--verify', `${rev}^{commit}`], root);
    diff = git(['diff', '-U0', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', rev, '--'], root);
  } catch (error) {
    throw new UsageError(`--new-from-rev: "${rev}" is not a revision git knows (${firstLine(error) || 'unknown'})`, {
      hint: 'name a commit, branch or tag, e.g. --new-from-rev origin/main (fetch it first in a shallow clone)',
    });
  }
  const changed = parseUnifiedDiff(diff, root);
  for (const path of git(['ls-files', '--others', '--exclude-standard', '-z'], root).split('\0'))
    if (path !== '') changed.set(resolve(root, path), 'all');
  return changed;
}

/** Whether any of lines first..last of the file changed. */
export function touchesChange(changed: ChangedLines, file: string, first: number, last: number): boolean {
  const lines = changed.get(file);
  if (lines === undefined) return false;
  if (lines === 'all') return true;
  for (let line = first; line <= last; line++) if (lines.has(line)) return true;
  return false;
}
