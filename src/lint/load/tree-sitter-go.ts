// Loads tree-sitter-go through web-tree-sitter (WebAssembly). Chosen over the native binding because its
// prebuild does not load on Debian 12 (it compiles from source for ~30 s) while the wasm build needs no
// toolchain and parses within reach of native speed (see docs/comparison.md for the measurement).
import { createRequire } from 'node:module';
import { Language, Node as TreeNode, Parser, Query } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export type { Node, Tree, Query };

const require = createRequire(import.meta.url);

let goLanguage: Promise<Language> | undefined;

/** A tree's top-level children with their byte ranges, to find the one holding a node by binary search. */
interface TopLevel {
  rootId: number;
  children: Node[];
  starts: number[];
  ends: number[];
  /** False when the ranges cannot be trusted (a syntax error, empty or overlapping children). */
  usable: boolean;
  /** Node id -> parent, for every node on a path already descended: walking up a chain costs one step each. */
  parents: Map<number, Node>;
}

const topLevels = new WeakMap<Tree, TopLevel>();
/**
 * The parent caches hold at most this many nodes in all (each a JS object of ~300 bytes); past it they start
 * afresh. Walks up a chain are local, so a recent window keeps them one step each.
 */
const MAX_CACHED_PARENTS = 100_000;
let cachedParents = 0;
const withCachedParents: TopLevel[] = [];
let fastParentInstalled = false;
let uncachedChildrenInstalled = false;
let keptTypeInstalled = false;

function topLevelOf(tree: Tree): TopLevel {
  let top = topLevels.get(tree);
  if (top === undefined) {
    const root = tree.rootNode;
    const children: Node[] = [];
    for (const child of root.children) if (child !== null) children.push(child);
    const starts = children.map((child) => child.startIndex);
    const ends = children.map((child) => child.endIndex);
    let usable = !root.hasError;
    for (let i = 0; usable && i < children.length; i++)
      if ((starts[i] ?? 0) >= (ends[i] ?? 0) || (i > 0 && (ends[i - 1] ?? 0) > (starts[i] ?? 0))) usable = false;
    top = { rootId: root.id, children, starts, ends, usable, parents: new Map() };
    topLevels.set(tree, top);
  }
  return top;
}

/**
 * tree-sitter's `parent` descends from the root and scans the root's children one by one, so on a file with
 * thousands of declarations every `.parent` costs thousands of steps (it was most of lint's time on large
 * packages). This finds the top-level child by binary search and descends from there the way tree-sitter does,
 * remembering the parent of each node on the way (a walk up the chain then costs one lookup per step); anything
 * unusual (a syntax error, an empty node) takes tree-sitter's own path, so the answer is the same.
 */
function installFastParent(): void {
  if (fastParentInstalled) return;
  fastParentInstalled = true;
  // tree-sitter's own ts_node_parent: from the root, the child holding the node, until the next one is the node.
  const slow = (node: Node): Node | null => {
    let current = node.tree.rootNode;
    if (current.id === node.id) return null;
    for (;;) {
      const next = current.childWithDescendant(node);
      if (next === null || next.id === node.id) return current;
      current = next;
    }
  };
  Object.defineProperty(TreeNode.prototype, 'parent', {
    configurable: true,
    get(this: Node): Node | null {
      const top = topLevelOf(this.tree);
      if (!top.usable || this.id === top.rootId) return slow(this);
      const known = top.parents.get(this.id);
      if (known !== undefined) return known;
      const start = this.startIndex;
      const end = this.endIndex;
      if (start === end) return slow(this);
      let lo = 0;
      let hi = top.children.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((top.starts[mid] ?? 0) <= start) lo = mid;
        else hi = mid - 1;
      }
      const candidate = top.children[lo];
      if (candidate === undefined || (top.starts[lo] ?? 0) > start || (top.ends[lo] ?? 0) < end) return slow(this);
      if (candidate.id === this.id) return this.tree.rootNode;
      let current = candidate;
      let next = current.childWithDescendant(this);
      if (next === null) return slow(this);
      if (cachedParents > MAX_CACHED_PARENTS) {
        for (const filled of withCachedParents) filled.parents.clear();
        withCachedParents.length = 0;
        cachedParents = 0;
      }
      if (top.parents.size === 0) withCachedParents.push(top);
      while (next !== null) {
        cachedParents++;
        top.parents.set(next.id, current);
        if (next.id === this.id) break;
        current = next;
        next = current.childWithDescendant(this);
      }
      return current;
    },
  });
}

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

/**
 * web-tree-sitter keeps a node's child list on the node object, so a node held in an index or a cache (the
 * per-type lists, function nodes, memo keys) that was once walked keeps its whole subtree alive as JS objects:
 * on a 440k-line package that was over a million nodes and most of the heap. The lists are built afresh instead.
 */
function installUncachedChildren(): void {
  if (uncachedChildrenInstalled) return;
  uncachedChildrenInstalled = true;
  for (const [name, cacheField] of [
    ['children', '_children'],
    ['namedChildren', '_namedChildren'],
  ] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(TreeNode.prototype, name);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the node as `this`
    const original: ((this: Node) => (Node | null)[]) | undefined = descriptor?.get;
    if (original === undefined) continue;
    Object.defineProperty(TreeNode.prototype, name, {
      configurable: true,
      get(this: Node): (Node | null)[] {
        const list = original.call(this);
        Reflect.set(this, cacheField, undefined);
        return list;
      },
    });
  }
}

declare module 'web-tree-sitter' {
  interface Node {
    /** The node's type once asked (see installKeptType). */
    keptType?: string;
  }
}

/**
 * A node's type costs a call into WebAssembly each time it is read, and the walks and rules read it several
 * times per node (a third of lint's time on a large package): the first answer is kept on the node.
 */
function installKeptType(): void {
  if (keptTypeInstalled) return;
  keptTypeInstalled = true;
  const descriptor = Object.getOwnPropertyDescriptor(TreeNode.prototype, 'type');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the node as `this`
  const original: ((this: Node) => string) | undefined = descriptor?.get;
  if (original === undefined) return;
  Object.defineProperty(TreeNode.prototype, 'type', {
    configurable: true,
    get(this: Node): string {
      let type = this.keptType;
      if (type === undefined) {
        type = original.call(this);
        this.keptType = type;
      }
      return type;
    },
  });
}

export async function createGoParser(): Promise<GoParser> {
  const language = await loadGoLanguage();
  installFastParent();
  installUncachedChildren();
  installKeptType();
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
