// A parsed file as flat typed arrays, copied once out of tree-sitter's WebAssembly tree, with a `Node` view that
// answers the questions the lint layers ask (type, text, fields, parent, children) from plain JS.
//
// Why a copy: every question to a web-tree-sitter node is a call into WebAssembly plus a fresh JS object holding
// its own marshalled state; on a 440k-line package the rules ask hundreds of millions of them, and those calls and
// their garbage were most of lint's time and memory. The copy costs one cursor walk per file (a few seconds for
// the whole package, spread over the parse workers), lets the WebAssembly tree be freed at once, and is about 20
// bytes a node.

/** The grammar's tables, shared by every tree of one language. */
export interface Grammar {
  /** Node type by type id (tree-sitter's symbol; ERROR is 65535 here). */
  typeNames: readonly string[];
  /** Whether a type id is a named node type. */
  namedTypes: Uint8Array;
  /** Field id by field name. */
  fieldIds: ReadonlyMap<string, number>;
  /** The type id of `func_literal` (-1 if the grammar has none). */
  funcLiteralTypeId: number;
}

export const ERROR_TYPE_ID = 0xffff;

/** The arrays of one tree, in pre-order: a node's subtree is the index range [index, subtreeEnd). */
export interface TreeArrays {
  count: number;
  types: Uint16Array;
  fields: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  subtreeEnds: Int32Array;
}

export interface Point {
  row: number;
  column: number;
}

let nextIdBase = 1;

/** One file's syntax tree. Node ids are unique across every tree of the process, like tree-sitter's. */
export class SyntaxTree {
  readonly idBase: number;
  private lineStartsCache: number[] | undefined;
  private previousSiblings: Int32Array | undefined;

  constructor(
    readonly source: string,
    readonly grammar: Grammar,
    readonly arrays: TreeArrays,
    /** Whether the parse met a syntax error (an ERROR or MISSING node anywhere). */
    readonly hasError: boolean,
  ) {
    this.idBase = nextIdBase;
    nextIdBase += arrays.count + 1;
  }

  get rootNode(): Node {
    return new Node(this, 0);
  }

  /** Start offset of each line (0-based index); lines end at '\n', as tree-sitter counts rows. */
  get lineStarts(): number[] {
    if (this.lineStartsCache === undefined) {
      const starts = [0];
      const source = this.source;
      for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStartsCache = starts;
    }
    return this.lineStartsCache;
  }

  /** Row and column (in UTF-16 code units, as web-tree-sitter gives them) of a string offset. */
  pointAt(offset: number): Point {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - (starts[lo] ?? 0) };
  }

  /** Whether the node at `index` is of a named type (tree-sitter's isNamed). */
  isNamedIndex(index: number): boolean {
    return this.grammar.namedTypes[this.arrays.types[index] ?? ERROR_TYPE_ID] === 1;
  }

  /** The index of a node's next sibling, or -1. */
  nextSiblingIndex(index: number): number {
    const { parents, subtreeEnds } = this.arrays;
    const parent = parents[index] ?? -1;
    const next = subtreeEnds[index] ?? 0;
    return parent < 0 || next >= (subtreeEnds[parent] ?? 0) ? -1 : next;
  }

  /**
   * The index of a node's previous sibling, or -1: from an array filled on first use, so that walking back over
   * the declarations of a file with thousands of them costs one step each.
   */
  previousSiblingIndex(index: number): number {
    if (this.previousSiblings === undefined) {
      const { count } = this.arrays;
      const previous = new Int32Array(count).fill(-1);
      for (let i = 0; i < count; i++) {
        const next = this.nextSiblingIndex(i);
        if (next >= 0) previous[next] = i;
      }
      this.previousSiblings = previous;
    }
    return this.previousSiblings[index] ?? -1;
  }

  /** Every node of the given types, in source order. */
  nodesOfTypes(names: Iterable<string>): Node[] {
    const wanted = new Set(names);
    const ids = new Uint8Array(ERROR_TYPE_ID + 1);
    this.grammar.typeNames.forEach((name, id) => {
      if (wanted.has(name)) ids[id] = 1;
    });
    if (wanted.has('ERROR')) ids[ERROR_TYPE_ID] = 1;
    const { types, count } = this.arrays;
    const out: Node[] = [];
    for (let i = 0; i < count; i++) if (ids[types[i] ?? 0] === 1) out.push(new Node(this, i));
    return out;
  }
}

/**
 * A node of a SyntaxTree: a light view (tree and index) made afresh on each access, so compare nodes by `id`,
 * never by identity. Child lists include anonymous tokens (`children`) or not (`namedChildren`), as tree-sitter's.
 */
export class Node {
  constructor(
    readonly tree: SyntaxTree,
    readonly index: number,
  ) {}

  get id(): number {
    return this.tree.idBase + this.index;
  }

  get typeId(): number {
    return this.tree.arrays.types[this.index] ?? ERROR_TYPE_ID;
  }

  get type(): string {
    return this.tree.grammar.typeNames[this.typeId] ?? 'ERROR';
  }

  get isNamed(): boolean {
    return this.tree.isNamedIndex(this.index);
  }

  get startIndex(): number {
    return this.tree.arrays.starts[this.index] ?? 0;
  }

  get endIndex(): number {
    return this.tree.arrays.ends[this.index] ?? 0;
  }

  get startPosition(): Point {
    return this.tree.pointAt(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.pointAt(this.endIndex);
  }

  get text(): string {
    return this.tree.source.slice(this.startIndex, this.endIndex);
  }

  get parent(): Node | null {
    const parent = this.tree.arrays.parents[this.index] ?? -1;
    return parent < 0 ? null : new Node(this.tree, parent);
  }

  /** Indices of the direct children, anonymous tokens included. */
  private childIndices(): number[] {
    const { subtreeEnds } = this.tree.arrays;
    const end = subtreeEnds[this.index] ?? 0;
    const out: number[] = [];
    for (let child = this.index + 1; child < end; child = subtreeEnds[child] ?? end) out.push(child);
    return out;
  }

  get childCount(): number {
    return this.childIndices().length;
  }

  get children(): (Node | null)[] {
    return this.childIndices().map((index) => new Node(this.tree, index));
  }

  get namedChildren(): (Node | null)[] {
    const out: Node[] = [];
    for (const index of this.childIndices()) if (this.tree.isNamedIndex(index)) out.push(new Node(this.tree, index));
    return out;
  }

  get namedChildCount(): number {
    let count = 0;
    for (const index of this.childIndices()) if (this.tree.isNamedIndex(index)) count++;
    return count;
  }

  child(position: number): Node | null {
    return this.nthChild(position, false);
  }

  namedChild(position: number): Node | null {
    return this.nthChild(position, true);
  }

  /** The child at `position` among all children, or among the named ones; no list is built. */
  private nthChild(position: number, named: boolean): Node | null {
    const { subtreeEnds } = this.tree.arrays;
    const end = subtreeEnds[this.index] ?? 0;
    let seen = 0;
    for (let child = this.index + 1; child < end; child = subtreeEnds[child] ?? end)
      if ((!named || this.tree.isNamedIndex(child)) && seen++ === position) return new Node(this.tree, child);
    return null;
  }

  childForFieldName(name: string): Node | null {
    const field = this.tree.grammar.fieldIds.get(name);
    if (field === undefined) return null;
    const { fields, subtreeEnds } = this.tree.arrays;
    const end = subtreeEnds[this.index] ?? 0;
    for (let child = this.index + 1; child < end; child = subtreeEnds[child] ?? end)
      if (fields[child] === field) return new Node(this.tree, child);
    return null;
  }

  childrenForFieldName(name: string): (Node | null)[] {
    const field = this.tree.grammar.fieldIds.get(name);
    if (field === undefined) return [];
    const { fields, subtreeEnds } = this.tree.arrays;
    const end = subtreeEnds[this.index] ?? 0;
    const out: Node[] = [];
    for (let child = this.index + 1; child < end; child = subtreeEnds[child] ?? end)
      if (fields[child] === field) out.push(new Node(this.tree, child));
    return out;
  }

  get nextSibling(): Node | null {
    const next = this.tree.nextSiblingIndex(this.index);
    return next < 0 ? null : new Node(this.tree, next);
  }

  get previousSibling(): Node | null {
    const previous = this.tree.previousSiblingIndex(this.index);
    return previous < 0 ? null : new Node(this.tree, previous);
  }

  get nextNamedSibling(): Node | null {
    return this.namedSibling((index) => this.tree.nextSiblingIndex(index));
  }

  get previousNamedSibling(): Node | null {
    return this.namedSibling((index) => this.tree.previousSiblingIndex(index));
  }

  /** The first named node met stepping from this one with `step` (to the next or the previous sibling). */
  private namedSibling(step: (index: number) => number): Node | null {
    let index = step(this.index);
    while (index >= 0 && !this.tree.isNamedIndex(index)) index = step(index);
    return index < 0 ? null : new Node(this.tree, index);
  }

  /** The smallest node spanning [start, end), descending from this one (tree-sitter's descendant_for_index). */
  descendantForIndex(start: number, end = start): Node {
    const { starts, ends, subtreeEnds } = this.tree.arrays;
    let node = this.index;
    for (;;) {
      const last = subtreeEnds[node] ?? 0;
      let next = -1;
      for (let child = node + 1; child < last; child = subtreeEnds[child] ?? last) {
        const childEnd = ends[child] ?? 0;
        const childStart = starts[child] ?? 0;
        if (childEnd < end) continue;
        if (childEnd <= start && childStart < childEnd) continue;
        if (start < childStart) break;
        next = child;
        break;
      }
      if (next < 0) return new Node(this.tree, node);
      node = next;
    }
  }

  /**
   * Calls `visit` for every named descendant in source order, not entering function literals when
   * `skipFuncLits`; returning false from `visit` skips that node's children. Runs over the arrays: no child lists.
   */
  walkNamed(visit: (node: Node) => boolean | void, skipFuncLits: boolean): void {
    const tree = this.tree;
    const { types, subtreeEnds } = tree.arrays;
    const named = tree.grammar.namedTypes;
    const funcLit = skipFuncLits ? tree.grammar.funcLiteralTypeId : -1;
    const end = subtreeEnds[this.index] ?? 0;
    let i = this.index + 1;
    while (i < end) {
      const type = types[i] ?? ERROR_TYPE_ID;
      // Anonymous tokens are not visited, nor is anything below them (a named walk never reaches it).
      if (named[type] !== 1 || type === funcLit) i = subtreeEnds[i] ?? end;
      else if (visit(new Node(tree, i)) === false) i = subtreeEnds[i] ?? end;
      else i++;
    }
  }
}
