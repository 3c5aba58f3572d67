// Parses one package's files on several threads. A package is linted whole on one thread (its facts span every
// file), but its files parse independently: on a large package, parsing and copying the trees was a third of the
// time, and the WebAssembly memory of the parse stays in the workers, freed when they end.
import { SyntaxTree } from './syntax-tree.js';
import type { Grammar } from './syntax-tree.js';
import type { ParseWorkerInput, ParsedFile } from './parse-worker.js';
import { runWorker, shareBySize } from './worker-shares.js';

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
  const indexed = sources.map((source, index) => ({ index, source }));
  const shares = shareBySize(indexed, (file) => file.source.length, threads);
  const url = new URL('./parse-worker.js', import.meta.url);
  const results = await Promise.all(
    shares.map((files) => runWorker<ParseWorkerInput, ParsedFile[]>(url, { files, fileTimeoutMs })),
  );
  const trees: (SyntaxTree | null)[] = sources.map(() => null);
  for (const parsed of results.flat()) {
    const source = sources[parsed.index];
    if (parsed.tree !== null && source !== undefined)
      trees[parsed.index] = new SyntaxTree(source, grammar, parsed.tree.arrays, parsed.tree.hasError);
  }
  return trees;
}
