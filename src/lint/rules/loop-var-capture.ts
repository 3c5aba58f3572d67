// Before Go 1.22 a `for` loop has one variable for the whole loop, not one per iteration. A goroutine started
// in the loop that uses the variable reads it while the loop keeps writing it: a data race, and usually every
// goroutine sees the last value. Reported only for modules whose go.mod says go 1.21 or older.
import { walk, statementsOf, unparen } from '../load/syntax.js';
import type { Node } from '../load/tree-sitter-go.js';
import type { Rule, RuleContext } from '../framework/rule.js';

function loopVariables(loop: Node): Node[] {
  const clause = loop.namedChildren.find(
    (child) => child !== null && (child.type === 'for_clause' || child.type === 'range_clause'),
  );
  if (clause === undefined || clause === null) return [];
  if (clause.type === 'for_clause') {
    const init = clause.childForFieldName('initializer');
    if (init === null || init.type !== 'short_var_declaration') return [];
    return (init.childForFieldName('left')?.namedChildren ?? []).filter((n): n is Node => n !== null && n.text !== '_');
  }
  // `for k, v := range x` declares; `for k, v = range x` reuses outer variables (not per-iteration either way).
  if (!clause.text.includes(':=')) return [];
  return (clause.childForFieldName('left')?.namedChildren ?? []).filter((n): n is Node => n !== null && n.text !== '_');
}

/**
 * The language version a file's `//go:build` line implies when it requires a Go release (`go1.22`, `go1.22 &&
 * linux`); 0 when it does not or the expression is not a plain conjunction.
 */
function fileLanguageMinor(source: string): number {
  const line = /^\/\/go:build (.+)$/m.exec(source.slice(0, 4096))?.[1];
  if (line === undefined || /\|\||!/.test(line)) return 0;
  let minor = 0;
  for (const match of line.matchAll(/\bgo1\.(\d+)\b/g)) minor = Math.max(minor, Number(match[1]));
  return minor;
}

export const loopVarCapture: Rule = {
  meta: {
    name: 'loop-var-capture',
    title: 'Loop variable shared with goroutines (Go < 1.22)',
    severity: 'error',
    summary:
      'A goroutine started in a loop uses the loop variable, which before Go 1.22 is one variable for all iterations.',
    explanation:
      'Until Go 1.22 the variables declared by a `for` statement are created once and updated on every iteration. A ' +
      'function literal started with `go` inside the loop captures that single variable, so it reads it while the ' +
      'loop ' +
      'writes the next value: a data race, and in practice many goroutines see the same (often the last) value. The ' +
      'language version comes from the `go` line of go.mod, so the rule only runs for modules at go 1.21 or older, ' +
      "and not in a file whose `//go:build` line requires `go1.22` or later (such a line raises that file's " +
      'language version). The toolchain does not matter: a `go 1.21` module shares the variable when built with Go ' +
      '1.22.12, 1.26.8 and 1.27.3 alike, and has one per iteration in a `//go:build go1.22` file with each of them ' +
      '(checked by running a loop that collects closures).',
    fix:
      'Pass the value as an argument or copy it inside the loop (or move the module to go 1.22+):\n\n```go\nfor i ' +
      ':= 0; i < n; i++ {\n\ti := i\n\tgo func() { work(i) }()\n}\n```',
    runtimeEffect: 'race',
    onlyBeforeGo: 22,
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      if (fileLanguageMinor(file.source) >= 22) continue;
      for (const goStatement of file.nodes('go_statement')) {
        const literal = goStatement.namedChild(0)?.childForFieldName('function');
        if (literal === null || literal === undefined || literal.type !== 'func_literal') continue;
        // Every loop around the go statement in the same function.
        for (
          let loop = goStatement.parent;
          loop !== null &&
          loop.type !== 'func_literal' &&
          loop.type !== 'function_declaration' &&
          loop.type !== 'method_declaration';
          loop = loop.parent
        ) {
          if (loop.type !== 'for_statement') continue;
          const body = loop.childForFieldName('body');
          if (body === null) continue;
          for (const variable of loopVariables(loop)) {
            const name = variable.text;
            // Shadowed in the loop body before the go statement (`i := i`) or in the literal (parameter, local).
            let shadowed = false;
            walk(
              body,
              (node) => {
                if (shadowed) return false;
                if (
                  (node.type === 'short_var_declaration' ||
                    node.type === 'var_spec' ||
                    node.type === 'parameter_declaration' ||
                    node.type === 'range_clause') &&
                  node.startIndex < literal.endIndex
                ) {
                  const names =
                    node.type === 'var_spec' || node.type === 'parameter_declaration'
                      ? node.childrenForFieldName('name')
                      : (node.childForFieldName('left')?.namedChildren ?? []);
                  if (
                    names.some((n) => n !== null && n.text === name) &&
                    (node.startIndex < goStatement.startIndex || node.startIndex > literal.startIndex)
                  )
                    shadowed = true;
                }
                return undefined;
              },
              false,
            );
            if (shadowed) continue;
            let use: Node | null = null;
            walk(
              literal,
              (node) => {
                if (use !== null) return false;
                if (node.type === 'identifier' && node.text === name) use = node;
                return undefined;
              },
              false,
            );
            if (use === null) continue;
            const useNode: Node = use;
            if (readBeforeHandshake(literal, goStatement, name)) continue;
            context.report(file, {
              node: useNode,
              message:
                `${name} is the loop's single variable (go.mod is before go 1.22): the goroutine started at ` +
                `line ${goStatement.startPosition.row + 1} reads it while the loop at line ` +
                `${loop.startPosition.row + 1} writes the next value`,
              related: [{ node: variable, message: `${name} declared once for the whole loop` }],
              fix: {
                description:
                  `copy it per iteration (${name} := ${name} before the go statement) or pass it as an ` + `argument`,
              },
            });
          }
        }
      }
    }
  },
};

/**
 * The goroutine reads the variable only before it sends on a channel that the loop receives from right after
 * the go statement, in the same iteration: the loop cannot move to the next value until the read is done.
 */
function readBeforeHandshake(literal: Node, goStatement: Node, name: string): boolean {
  const statements = statementsOf(literal.childForFieldName('body'));
  const sendIndex = statements.findIndex((st) => st.type === 'send_statement');
  const send = statements[sendIndex];
  if (send === undefined) return false;
  const channel = send.childForFieldName('channel')?.text;
  // Every mention of the variable comes before the send.
  let lateUse = false;
  walk(
    literal,
    (node) => {
      if (lateUse) return false;
      if (node.type === 'identifier' && node.text === name && node.startIndex > send.startIndex) lateUse = true;
      return undefined;
    },
    false,
  );
  if (lateUse || channel === undefined) return false;
  // The loop body receives on that channel after the go statement, at its own level, every iteration.
  let next = goStatement.nextNamedSibling;
  while (next !== null) {
    const value =
      next.type === 'expression_statement'
        ? next.namedChild(0)
        : next.type === 'short_var_declaration' || next.type === 'assignment_statement'
          ? (next.childForFieldName('right')?.namedChild(0) ?? null)
          : null;
    const receive = value === null ? null : unparen(value);
    if (
      receive !== null &&
      receive.type === 'unary_expression' &&
      receive.text.startsWith('<-') &&
      receive.childForFieldName('operand')?.text === channel
    )
      return true;
    next = next.nextNamedSibling;
  }
  return false;
}
