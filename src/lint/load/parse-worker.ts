// A parse worker: Go files in, flat syntax trees out (their arrays transferred, not copied). See parse-pool.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { createGoParser } from './tree-sitter-go.js';
import type { TreeArrays } from './tree-sitter-go.js';

export interface ParseWorkerInput {
  files: { index: number; source: string }[];
  /** Milliseconds a file may take to parse; unlimited when absent. */
  fileTimeoutMs?: number;
}

/** One parsed file: its index in the input, and its tree, or null when parsing ran past the time limit. */
export interface ParsedFile {
  index: number;
  tree: { arrays: TreeArrays; hasError: boolean } | null;
}

async function main(): Promise<void> {
  const input = workerData as ParseWorkerInput;
  const parser = await createGoParser();
  const out: ParsedFile[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const file of input.files) {
    const timeout = input.fileTimeoutMs;
    const tree =
      timeout === undefined ? parser.parse(file.source) : parser.parseUntil(file.source, performance.now() + timeout);
    if (tree === null) {
      out.push({ index: file.index, tree: null });
      continue;
    }
    const { arrays } = tree;
    for (const array of [arrays.types, arrays.fields, arrays.starts, arrays.ends, arrays.parents, arrays.subtreeEnds])
      transfer.push(array.buffer as ArrayBuffer);
    out.push({ index: file.index, tree: { arrays, hasError: tree.hasError } });
  }
  parentPort?.postMessage(out, transfer);
}

void main();
