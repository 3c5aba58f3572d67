// The cancel function from context.WithCancel/WithTimeout/WithDeadline (and the Cause variants) assigned to
// `_`: the context and its timer stay alive until the parent is cancelled. (A named cancel that is never
// used does not compile; return paths that skip cancel are not judged yet.)
import type { Node } from '../load/tree-sitter-go.js';
import type { Rule, RuleContext } from '../framework/rule.js';

const CONSTRUCTORS = new Set([
  'WithCancel',
  'WithTimeout',
  'WithDeadline',
  'WithCancelCause',
  'WithTimeoutCause',
  'WithDeadlineCause',
]);

export const lostCancel: Rule = {
  meta: {
    name: 'lost-cancel',
    title: 'Context cancel function lost',
    severity: 'warning',
    summary: 'The cancel function of context.WithCancel/WithTimeout/WithDeadline is discarded.',
    explanation:
      "context.WithCancel, WithTimeout and WithDeadline return a cancel function that releases the context's " +
      'resources (its entry in the parent and, for timeouts, a timer). When it is assigned to `_`, ' +
      'those resources live until the parent context ends, which for `context.Background()` is never.',
    fix:
      'Call cancel when the work is done, usually with defer:\n\n```go\nctx, cancel := context.WithTimeout(ctx, ' +
      'time.Second)\ndefer cancel()\n```',
    runtimeEffect: 'static',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      const contextAliases = [...file.imports].filter(([, path]) => path === 'context').map(([alias]) => alias);
      if (contextAliases.length === 0) continue;
      for (const type of ['short_var_declaration', 'assignment_statement', 'var_spec']) {
        for (const decl of file.nodes(type)) {
          const left = decl.childForFieldName(type === 'var_spec' ? 'name' : 'left');
          const right = decl.childForFieldName(type === 'var_spec' ? 'value' : 'right');
          const call = right?.namedChildren[0];
          if (
            left === null ||
            right === null ||
            call === null ||
            call === undefined ||
            right.namedChildren.length !== 1 ||
            call.type !== 'call_expression'
          )
            continue;
          const callee = call.childForFieldName('function');
          if (callee === null || callee.type !== 'selector_expression') continue;
          const pkgName = callee.childForFieldName('operand')?.text ?? '';
          const fnName = callee.childForFieldName('field')?.text ?? '';
          if (!contextAliases.includes(pkgName) || !CONSTRUCTORS.has(fnName)) continue;
          const names =
            type === 'var_spec'
              ? decl.childrenForFieldName('name').filter((n): n is Node => n !== null)
              : left.namedChildren.filter((n): n is Node => n !== null);
          const cancel = names[1];
          if (cancel === undefined) continue;
          if (cancel.text === '_') {
            context.report(file, {
              node: cancel,
              message:
                `the cancel function returned by ${pkgName}.${fnName} is discarded; the context is never ` + `released`,
              fix: { description: 'keep it and defer cancel()' },
            });
            continue;
          }
        }
      }
    }
  },
};
