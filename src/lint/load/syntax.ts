// Small helpers over tree-sitter-go nodes shared by the rules.
import type { Node } from './tree-sitter-go.js';

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The nearest function (declaration, method or literal) around a node, or null at package level. */
export function enclosingFunction(node: Node): Node | null {
  let current = node.parent;
  while (current !== null) {
    if (FUNCTION_TYPES.has(current.type)) return current;
    current = current.parent;
  }
  return null;
}

/** Whether `inner` lies within `outer` (or is it). */
export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The statements of a block, in order (tree-sitter-go wraps them in a statement_list). */
export function statementsOf(block: Node | null): Node[] {
  if (block === null) return [];
  const out: Node[] = [];
  for (const child of block.namedChildren) {
    if (child === null) continue;
    if (child.type === 'statement_list') {
      for (const statement of child.namedChildren)
        if (statement !== null && statement.type !== 'comment') out.push(statement);
    } else if (child.type !== 'comment') {
      out.push(child);
    }
  }
  return out;
}

/** Calls `visit` for every named descendant of `node` in source order, not entering nested function literals
 * when `skipFuncLits`; returning false from `visit` skips that node's children. */
export function walk(node: Node, visit: (node: Node) => boolean | void, skipFuncLits = true): void {
  node.walkNamed(visit, skipFuncLits);
}

/** Strips parentheses: `(x)` -> `x`. */
export function unparen(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChild(0) !== null) {
    const inner = current.namedChild(0);
    if (inner === null) break;
    current = inner;
  }
  return current;
}

/** A simple reference we can compare by text: `x`, `s.f`, `s.f.g`, `*p` is not one. */
export function isSimpleRef(node: Node): boolean {
  if (node.type === 'identifier') return true;
  if (node.type === 'selector_expression') {
    const operand = node.childForFieldName('operand');
    return operand !== null && isSimpleRef(operand);
  }
  return false;
}

/** For a call `x.y.M(...)`: [receiver text, method name]; null for other calls. */
export function methodCall(call: Node): { receiver: Node; method: string } | null {
  if (call.type !== 'call_expression') return null;
  const fn = call.childForFieldName('function');
  if (fn === null || fn.type !== 'selector_expression') return null;
  const receiver = fn.childForFieldName('operand');
  const field = fn.childForFieldName('field');
  if (receiver === null || field === null) return null;
  return { receiver, method: field.text };
}

/** For a call `f(a, b)` to a plain identifier: the name; null otherwise. */
export function calleeName(call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (fn === null) return null;
  const inner = unparen(fn);
  return inner.type === 'identifier' ? inner.text : null;
}

export function callArguments(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (args === null) return [];
  const out: Node[] = [];
  for (const child of args.namedChildren) if (child !== null && child.type !== 'comment') out.push(child);
  return out;
}

/** The expression of an expression statement / defer / go, or null. */
export function statementCall(statement: Node): Node | null {
  if (
    statement.type !== 'expression_statement' &&
    statement.type !== 'defer_statement' &&
    statement.type !== 'go_statement'
  )
    return null;
  const inner = statement.namedChild(0);
  return inner !== null && inner.type === 'call_expression' ? inner : null;
}

/** Names written by an assignment, short declaration, inc/dec or range clause: the left-hand sides. */
export function assignedTargets(statement: Node): Node[] {
  if (statement.type === 'inc_statement' || statement.type === 'dec_statement') {
    const target = statement.namedChild(0);
    return target === null ? [] : [target];
  }
  const left = statement.childForFieldName('left');
  if (left === null) return [];
  if (left.type !== 'expression_list') return [left];
  const out: Node[] = [];
  for (const child of left.namedChildren) if (child !== null) out.push(child);
  return out;
}

/** Whether a node sits inside a loop body between itself and `stop` (exclusive). */
export function insideLoop(node: Node, stop: Node): boolean {
  let current = node.parent;
  while (current !== null && current.id !== stop.id) {
    if (current.type === 'for_statement') return true;
    if (FUNCTION_TYPES.has(current.type)) return false;
    current = current.parent;
  }
  return false;
}

/** The statement that directly holds `node` (its ancestor whose parent is a statement list or block). */
export function statementOf(node: Node): Node | null {
  let current: Node | null = node;
  while (current !== null) {
    const parent: Node | null = current.parent;
    if (parent === null) return null;
    if (parent.type === 'statement_list' || parent.type === 'block') return current;
    if (FUNCTION_TYPES.has(current.type)) return null;
    current = parent;
  }
  return null;
}

/**
 * Whether statement `first` runs before `node` whenever `node` runs in the same call: `first` sits in a
 * statement list that encloses `node` (without a function literal between) and comes earlier, or is the statement
 * of a label there.
 */
export function dominates(first: Node, node: Node): boolean {
  // A labelled statement (`done: mu.Lock()`) runs before what follows its label in the list, like any other.
  let statement = first;
  while (statement.parent?.type === 'labeled_statement') statement = statement.parent;
  const list = statement.parent;
  if (list === null || node.startIndex < first.endIndex) return false;
  let current: Node | null = node.parent;
  while (current !== null) {
    if (current.id === list.id) return true;
    if (FUNCTION_TYPES.has(current.type)) return false;
    current = current.parent;
  }
  return false;
}

/** The identifier at the root of `x`, `x.f.g`, `x[i].f`, `*x`. */
export function rootIdentifier(node: Node): string | null {
  let current: Node | null = unparen(node);
  while (current !== null) {
    if (current.type === 'identifier') return current.text;
    if (current.type === 'selector_expression' || current.type === 'index_expression')
      current = current.childForFieldName('operand');
    else if (current.type === 'unary_expression') current = current.childForFieldName('operand');
    else return null;
    if (current !== null) current = unparen(current);
  }
  return null;
}

/** Whether anything assigns `ref` or its root variable in [from, to) under `scope` (assignments, &x, range). */
export function reassignedBetween(scope: Node, ref: Node, from: number, to: number): boolean {
  const root = rootIdentifier(ref);
  const text = ref.text;
  let found = false;
  walk(
    scope,
    (node) => {
      if (found || node.endIndex <= from || node.startIndex >= to) return false;
      if (
        node.type === 'assignment_statement' ||
        node.type === 'short_var_declaration' ||
        node.type === 'range_clause' ||
        node.type === 'receive_statement'
      ) {
        for (const target of assignedTargets(node)) {
          const t = unparen(target).text;
          if (t === text || t === root || text.startsWith(`${t}.`)) found = true;
        }
      }
      if (node.type === 'unary_expression' && node.text.startsWith('&')) {
        const operand = node.childForFieldName('operand');
        if (operand !== null && (operand.text === root || operand.text === text)) found = true;
      }
      return undefined;
    },
    false,
  );
  return found;
}
