// Parses one package's files on several threads. A package is linted whole on one thread (its facts span every
// file), but its files parse independently: on a large package, parsing and copying the trees was a third of the
// time, and the WebAssembly memory of the parse stays in the workers, freed when they end.
import { Worker } from 'node:worker_threads';
import { SyntaxTree } from './syntax-tree.js';
import type { Grammar } from './syntax-tree.js';
import type { ParseWorkerInput, ParsedFile } from './parse-worker.js';

/**
 * Each source's tree, in order (null where parsing took longer than `fileTimeoutMs`), parsed on `threads`
 * workers that share the files by size.
 */
export async function parseInWorkers(
  sources: string[],
  grammar: Grammar,
  threads: number,
  fileTimeoutMs?: number,
): Promise<(SyntaxTree | null)[]> {
  const shares: { files: ParseWorkerInput['files']; size: number }[] = [];
  for (let i = 0; i < Math.max(1, Math.min(threads, sources.length)); i++) shares.push({ files: [], size: 0 });
  const bySize = sources.map((source, index) => ({ index, source })).sort((a, b) => b.source.length - a.source.length);
  for (const file of bySize) {
    let smallest = shares[0];
    for (const share of shares) if (smallest === undefined || share.size < smallest.size) smallest = share;
    if (smallest === undefined) break;
    smallest.files.push(file);
    smallest.size += file.source.length;
  }
  const url = new URL('./parse-worker.js', import.meta.url);
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<ParsedFile[]>((resolve, reject) => {
          const input: ParseWorkerInput = { files: share.files, fileTimeoutMs };
          const worker = new Worker(url, { workerData: input });
          worker.once('message', (message: ParsedFile[]) => resolve(message));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`parse worker exited with code ${code}`));
          });
        }),
    ),
  );
  const trees: (SyntaxTree | null)[] = sources.map(() => null);
  for (const parsed of results.flat()) {
    const source = sources[parsed.index];
    if (parsed.tree !== null && source !== undefined)
      trees[parsed.index] = new SyntaxTree(source, grammar, parsed.tree.arrays, parsed.tree.hasError);
  }
  return trees;
}
