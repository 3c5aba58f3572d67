// Loads tree-sitter-go through web-tree-sitter (WebAssembly). Chosen over the native binding because its
// prebuild does not load on Debian 12 (it compiles from source for ~30 s) while the wasm build needs no
// toolchain and parses within reach of native speed (see docs/comparison.md for the measurement).
import { createRequire } from 'node:module';
import { Language, Parser, Query } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export type { Node, Tree, Query };

const require = createRequire(import.meta.url);

let goLanguage: Promise<Language> | undefined;

/** The Go grammar, loaded once per thread. */
export function loadGoLanguage(): Promise<Language> {
  if (goLanguage === undefined) {
    goLanguage = (async () => {
      await Parser.init();
      const wasmPath = require.resolve('tree-sitter-go/tree-sitter-go.wasm');
      return Language.load(wasmPath);
    })();
  }
  return goLanguage;
}

/** A parser bound to Go plus the compiled queries; one per thread. */
export interface GoParser {
  language: Language;
  parse(source: string): Tree;
  /** Parses unless it is still parsing at `deadline` (a performance.now() time): then null. */
  parseUntil(source: string, deadline: number): Tree | null;
  query(source: string): Query;
}

export async function createGoParser(): Promise<GoParser> {
  const language = await loadGoLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  const queries = new Map<string, Query>();
  return {
    language,
    parse(source: string): Tree {
      const tree = parser.parse(source);
      if (tree === null) throw new Error('tree-sitter returned no tree');
      return tree;
    },
    parseUntil(source: string, deadline: number): Tree | null {
      // tree-sitter calls this every few hundred parse steps; returning true cancels the parse.
      const progressCallback = (): boolean => performance.now() > deadline;
      const tree = parser.parse(source, null, { progressCallback });
      // A cancelled parse would otherwise resume, on the next file's text, where it stopped.
      if (tree === null) parser.reset();
      return tree;
    },
    query(text: string): Query {
      let compiled = queries.get(text);
      if (compiled === undefined) {
        compiled = new Query(language, text);
        queries.set(text, compiled);
      }
      return compiled;
    },
  };
}
