// Whether a local variable escapes the code that declared it (passed, returned, stored, captured): then a nil
// value seen there may be assigned a made map or channel elsewhere, and rules stay quiet.
import type { Node } from '../load/tree-sitter-go.js';
import { assignedTargets, unparen } from '../load/syntax.js';
import type { FileFacts } from './package-facts.js';

/** Statements that assign to their left-hand side. */
const ASSIGNING = new Set([
  'assignment_statement',
  'short_var_declaration',
  'inc_statement',
  'dec_statement',
  'receive_statement',
]);

const NAMED = ['var_spec', 'const_spec', 'parameter_declaration', 'variadic_parameter_declaration'];

/**
 * Whether an identifier named `name` is assigned, declared again, or has its address taken under `scope`.
 * Uses the file's per-type node lists (compiled queries) rather than walking the tree from JavaScript.
 */
export function identifierEscapes(file: FileFacts, scope: Node, name: string, declaration: Node): boolean {
  const within = (node: Node): boolean => node.startIndex >= scope.startIndex && node.endIndex <= scope.endIndex;
  for (const type of ASSIGNING) {
    for (const node of file.nodes(type)) {
      if (!within(node)) continue;
      for (const target of assignedTargets(node))
        if (unparen(target).type === 'identifier' && unparen(target).text === name) return true;
    }
  }
  for (const node of file.nodes('range_clause')) {
    if (!within(node)) continue;
    const left = node.childForFieldName('left');
    if (left !== null && left.namedChildren.some((child) => child !== null && child.text === name)) return true;
  }
  for (const node of file.nodes('unary_expression')) {
    if (!within(node) || !node.text.startsWith('&')) continue;
    const operand = node.childForFieldName('operand');
    if (operand !== null && unparen(operand).text === name) return true;
  }
  for (const type of NAMED) {
    for (const node of file.nodes(type)) {
      if (!within(node) || node.id === declaration.id) continue;
      if (node.childrenForFieldName('name').some((child) => child !== null && child.text === name)) return true;
    }
  }
  return false;
}
