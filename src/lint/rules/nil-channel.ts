// A channel declared with `var ch chan T` and never assigned is nil: closing it panics, and a send or receive
// outside a select (or a range over it) blocks forever.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, calleeName, enclosingFunction, unparen, walk } from '../load/syntax.js';
import { identifierEscapes } from '../facts/escapes.js';
import type { FileFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';

function usesOf(
  scope: Node,
  name: string,
  after: number,
): { node: Node; kind: 'close' | 'send' | 'receive' | 'range' }[] {
  const out: { node: Node; kind: 'close' | 'send' | 'receive' | 'range' }[] = [];
  const isName = (node: Node | null): boolean =>
    node !== null && unparen(node).type === 'identifier' && unparen(node).text === name;
  walk(
    scope,
    (node) => {
      if (node.startIndex < after) return undefined;
      // A nil channel in a select is the idiom for disabling a case.
      if (node.type === 'select_statement') return false;
      if (
        node.type === 'call_expression' &&
        calleeName(node) === 'close' &&
        callArguments(node).length === 1 &&
        isName(callArguments(node)[0] ?? null)
      )
        out.push({ node, kind: 'close' });
      else if (node.type === 'send_statement' && isName(node.childForFieldName('channel')))
        out.push({ node, kind: 'send' });
      else if (
        node.type === 'unary_expression' &&
        node.text.startsWith('<-') &&
        isName(node.childForFieldName('operand'))
      )
        out.push({ node, kind: 'receive' });
      else if (node.type === 'range_clause' && isName(node.childForFieldName('right')))
        out.push({ node, kind: 'range' });
      return undefined;
    },
    false,
  );
  return out;
}

const MESSAGE = {
  close: 'close of nil channel panics',
  send: 'send on a nil channel blocks forever',
  receive: 'receive from a nil channel blocks forever',
  range: 'range over a nil channel blocks forever',
};

function check(
  context: RuleContext,
  file: FileFacts,
  spec: Node,
  name: Node,
  scopes: { file: FileFacts; scope: Node }[],
): void {
  for (const { file: useFile, scope } of scopes) {
    for (const use of usesOf(scope, name.text, useFile === file ? spec.endIndex : 0)) {
      context.report(useFile, {
        node: use.node,
        message:
          `${name.text} is declared at line ${name.startPosition.row + 1} without make and never assigned, ` +
          `so it is nil: ${MESSAGE[use.kind]}`,
        related: [{ node: name, message: `${name.text} declared here (nil)`, file }],
        fix: { description: `create it: ${name.text} := make(${spec.childForFieldName('type')?.text ?? 'chan T'})` },
      });
    }
  }
}

export const nilChannel: Rule = {
  meta: {
    name: 'nil-channel',
    title: 'Nil channel used',
    severity: 'error',
    summary: 'A channel that is never made is closed (panic) or used outside a select (blocks forever).',
    explanation:
      'The zero value of a channel type is `nil`. `close` of a nil channel panics with `panic: close of nil ' +
      'channel`; a ' +
      'send or receive on a nil channel, or `for range` over one, blocks forever (the goroutine leaks, or the ' +
      'program dies with `all goroutines are asleep - deadlock!`). A nil channel inside `select` is a deliberate ' +
      'idiom for disabling a case and is not reported.',
    fix: 'Create the channel with make before using it:\n\n```go\ndone := make(chan struct{})\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    for (const file of pkg.files) {
      for (const spec of file.nodes('var_spec')) {
        const type = spec.childForFieldName('type');
        if (type === null || type.type !== 'channel_type' || spec.childForFieldName('value') !== null) continue;
        const fn = enclosingFunction(spec);
        for (const name of spec.childrenForFieldName('name')) {
          if (name === null || name.text === '_') continue;
          if (fn !== null) {
            if (identifierEscapes(file, fn, name.text, spec)) continue;
            check(context, file, spec, name, [{ file, scope: fn }]);
          } else {
            if (pkg.files.some((other) => identifierEscapes(other, other.root, name.text, spec))) continue;
            // Only files that mention the name need a walk.

            check(
              context,
              file,
              spec,
              name,
              pkg.files
                .filter((other) => other.source.includes(name.text))
                .map((other) => ({ file: other, scope: other.root })),
            );
          }
        }
      }
    }
  },
};
