// Maps file paths as a Go binary printed them (the build machine's paths) onto files of a local checkout,
// so the culprit can be shown with its source lines. A log from CI or production names paths like
// /home/runner/work/app/app/internal/store.go or /go/src/example.com/app/store.go; the local copy lives
// somewhere else. We match by module path first (exact), then by the longest common path suffix.

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SourceContext } from '../model.js';
import { codeWindow, splitSourceLines } from './code-frame.js';
import { moduleFor } from './go-mod.js';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'vendor', '.hg', '.svn']);
/** Enough for large monorepos; beyond it we stop indexing rather than stall on a home directory. */
const MAX_INDEXED_FILES = 200_000;

export interface SourceTree {
  root: string;
  /** Module path from go.mod at the root, if any. */
  modulePath?: string;
  /** Go files by base name, as paths relative to root with '/' separators. */
  byBaseName: Map<string, string[]>;
  truncated: boolean;
}

/** Indexes the Go files under root (breadth-first, bounded). */
export function indexSourceTree(root: string): SourceTree {
  const byBaseName = new Map<string, string[]>();
  let count = 0;
  let truncated = false;
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.shift();
    if (dir === undefined) break;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) queue.push(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.go')) {
        if (count >= MAX_INDEXED_FILES) {
          truncated = true;
          continue;
        }
        count++;
        const rel = relative(root, join(dir, entry.name)).split(sep).join('/');
        const list = byBaseName.get(entry.name);
        if (list) list.push(rel);
        else byBaseName.set(entry.name, [rel]);
      }
    }
  }
  const tree: SourceTree = { root, byBaseName, truncated };
  const modulePath = moduleFor(root).path;
  if (modulePath !== '') tree.modulePath = modulePath;
  return tree;
}

/** Path components of a printed path; Windows paths use '/' in Go tracebacks but may carry a drive letter. */
function components(printed: string): string[] {
  return printed
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part.length > 0);
}

/**
 * The local file (relative to the tree root) that a printed path refers to, or undefined when no match is
 * convincing: a unique base name, or a strictly longest shared suffix of at least two components.
 */
export function resolvePrintedPath(tree: SourceTree, printed: string): string | undefined {
  const parts = components(printed);
  const base = parts[parts.length - 1];
  if (base === undefined) return undefined;
  const candidates = tree.byBaseName.get(base);
  if (!candidates || candidates.length === 0) return undefined;

  if (tree.modulePath !== undefined) {
    const marker = `/${tree.modulePath}/`;
    const normalised = '/' + parts.join('/');
    const at = normalised.lastIndexOf(marker);
    if (at >= 0) {
      const rel = normalised.slice(at + marker.length);
      if (candidates.includes(rel)) return rel;
    }
  }

  let best: string | undefined;
  let bestScore = 0;
  let tie = false;
  for (const candidate of candidates) {
    const score = sharedSuffix(parts, candidate.split('/'));
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) {
      tie = true;
    }
  }
  if (best === undefined || tie) return undefined;
  if (bestScore >= 2 || candidates.length === 1) return best;
  return undefined;
}

function sharedSuffix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/** Source lines around `line` of the local file the printed path maps to, or undefined. */
export function sourceContext(
  tree: SourceTree,
  printedFile: string,
  line: number,
  radius = 3,
): SourceContext | undefined {
  const rel = resolvePrintedPath(tree, printedFile);
  if (rel === undefined) return undefined;
  const localFile = join(tree.root, rel);
  let text: string;
  try {
    text = readFileSync(localFile, 'utf8');
  } catch {
    return undefined;
  }
  return codeWindow(localFile, splitSourceLines(text), line, radius);
}
