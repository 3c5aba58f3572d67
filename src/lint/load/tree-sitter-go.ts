// Loads tree-sitter-go through web-tree-sitter (WebAssembly). Chosen over the native binding because its
// prebuild does not load on Debian 12 (it compiles from source for ~30 s) while the wasm build needs no
// toolchain and parses within reach of native speed (docs/precision.md, "The Go standard library", Speed).
// Each parse is copied into a SyntaxTree (flat arrays, see syntax-tree.ts) and the WebAssembly tree freed at once.
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import type { Tree as WasmTree } from 'web-tree-sitter';
import { ERROR_TYPE_ID, Node, SyntaxTree } from './syntax-tree.js';
import type { Grammar, TreeArrays } from './syntax-tree.js';

export { Node, SyntaxTree as Tree };
export type { Grammar, TreeArrays };

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

/** The grammar's tables as SyntaxTree reads them. */
export function grammarOf(language: Language): Grammar {
  const typeNames: string[] = [];
  const namedTypes = new Uint8Array(ERROR_TYPE_ID + 1);
  for (let id = 0; id < language.types.length; id++) {
    // web-tree-sitter names hidden and auxiliary symbols nothing, and reads them as ERROR.
    typeNames.push(language.types[id] || 'ERROR');
    if (language.nodeTypeIsNamed(id)) namedTypes[id] = 1;
  }
  namedTypes[ERROR_TYPE_ID] = 1;
  const fieldIds = new Map<string, number>();
  language.fields.forEach((name, id) => {
    if (name !== null && name !== undefined) fieldIds.set(name, id);
  });
  return { typeNames, namedTypes, fieldIds, funcLiteralTypeId: typeNames.indexOf('func_literal') };
}

function grow<T extends Int32Array | Uint16Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/** Copies a WebAssembly tree into flat arrays with one cursor walk (pre-order: parents before children). */
export function copyTree(tree: WasmTree, source: string, grammar: Grammar): SyntaxTree {
  let capacity = Math.max(64, source.length >> 2);
  let types = new Uint16Array(capacity);
  let fields = new Uint16Array(capacity);
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  let parents = new Int32Array(capacity);
  let subtreeEnds = new Int32Array(capacity);
  const open: number[] = [];
  const cursor = tree.walk();
  let count = 0;
  try {
    for (;;) {
      if (count === capacity) {
        capacity *= 2;
        types = grow(types, capacity);
        fields = grow(fields, capacity);
        starts = grow(starts, capacity);
        ends = grow(ends, capacity);
        parents = grow(parents, capacity);
        subtreeEnds = grow(subtreeEnds, capacity);
      }
      const index = count++;
      types[index] = cursor.nodeTypeId;
      fields[index] = cursor.currentFieldId;
      starts[index] = cursor.startIndex;
      ends[index] = cursor.endIndex;
      parents[index] = open.length === 0 ? -1 : (open[open.length - 1] ?? -1);
      if (cursor.gotoFirstChild()) {
        open.push(index);
        continue;
      }
      subtreeEnds[index] = count;
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        const closed = open.pop();
        if (closed !== undefined) subtreeEnds[closed] = count;
      }
      if (done) break;
    }
  } finally {
    cursor.delete();
  }
  const arrays: TreeArrays = {
    count,
    types: types.slice(0, count),
    fields: fields.slice(0, count),
    starts: starts.slice(0, count),
    ends: ends.slice(0, count),
    parents: parents.slice(0, count),
    subtreeEnds: subtreeEnds.slice(0, count),
  };
  return new SyntaxTree(source, grammar, arrays, tree.rootNode.hasError);
}

/** A parser bound to Go; one per thread. */
export interface GoParser {
  language: Language;
  grammar: Grammar;
  parse(source: string): SyntaxTree;
  /** Parses unless it is still parsing at `deadline` (a performance.now() time): then null. */
  parseUntil(source: string, deadline: number): SyntaxTree | null;
}

export async function createGoParser(): Promise<GoParser> {
  const language = await loadGoLanguage();
  const grammar = grammarOf(language);
  const parser = new Parser();
  parser.setLanguage(language);
  const copied = (tree: WasmTree, source: string): SyntaxTree => {
    try {
      return copyTree(tree, source, grammar);
    } finally {
      tree.delete();
    }
  };
  return {
    language,
    grammar,
    parse(source: string): SyntaxTree {
      const tree = parser.parse(source);
      if (tree === null) throw new Error('tree-sitter returned no tree');
      return copied(tree, source);
    },
    parseUntil(source: string, deadline: number): SyntaxTree | null {
      // tree-sitter calls this every few hundred parse steps; returning true cancels the parse.
      const progressCallback = (): boolean => performance.now() > deadline;
      const tree = parser.parse(source, null, { progressCallback });
      // A cancelled parse would otherwise resume, on the next file's text, where it stopped.
      if (tree === null) {
        parser.reset();
        return null;
      }
      return copied(tree, source);
    },
  };
}
