// once.Do(f) where f itself calls once.Do on the same sync.Once: the inner Do waits for the outer one to
// finish, which waits for f: a deadlock.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, methodCall, walk } from '../load/syntax.js';
import { qualifiedType } from '../facts/package-facts.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';

/** Whether `receiver` names a sync.Once: a var or parameter declared with that type, or a struct field of it. */
function isOnce(receiver: Node, file: FileFacts, pkg: PackageFacts): boolean {
  const once = (type: Node | null): boolean => {
    const base = type?.type === 'pointer_type' ? type.namedChild(0) : type;
    const q = base === null || base === undefined ? null : qualifiedType(base, file);
    return q !== null && q[0] === 'sync' && q[1] === 'Once';
  };
  if (receiver.type === 'selector_expression') {
    const field = receiver.childForFieldName('field')?.text;
    const fields = [...pkg.structs.values()].flatMap((info) => info.fields.filter((f) => f.name === field));
    return fields.length > 0 && fields.every((f) => once(f.type));
  }
  if (receiver.type === 'identifier') {
    const specs = [...file.nodes('var_spec'), ...file.nodes('parameter_declaration')].filter((spec) =>
      spec.childrenForFieldName('name').some((n) => n !== null && n.text === receiver.text),
    );
    return specs.length > 0 && specs.every((spec) => once(spec.childForFieldName('type')));
  }
  return false;
}

export const onceRecursion: Rule = {
  meta: {
    name: 'once-recursion',
    title: 'sync.Once.Do called from its own function',
    severity: 'error',
    summary: 'The function passed to once.Do calls once.Do on the same Once, which deadlocks.',
    explanation:
      "`once.Do(f)` holds the Once's internal mutex while f runs, and every other call to `once.Do` waits until f " +
      'has ' +
      'returned. When f itself calls `once.Do` on the same Once, that inner call waits for f, which waits for the ' +
      'inner call: the goroutine blocks forever (the sync documentation warns about exactly this).',
    fix:
      'Do not re-enter the Once; move the shared work into a plain function that both paths call:\n\n```go\nfunc ' +
      '(c *Client) init() { c.conn = dial() }\nfunc (c *Client) Conn() *Conn { c.once.Do(c.init); return c.conn }\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      if (!file.source.includes('.Do(')) continue;
      for (const call of file.nodes('call_expression')) {
        const outer = methodCall(call);
        const literal = callArguments(call)[0];
        if (outer === null || outer.method !== 'Do' || literal === undefined || literal.type !== 'func_literal')
          continue;
        const body = literal.childForFieldName('body');
        if (body === null) continue;
        let inner: Node | null = null;
        walk(body, (node) => {
          if (inner !== null) return false;
          const m = node.type === 'call_expression' ? methodCall(node) : null;
          if (m !== null && m.method === 'Do' && m.receiver.text === outer.receiver.text) inner = node;
          return undefined;
        });
        if (inner === null || !isOnce(outer.receiver, file, context.pkg)) continue;
        const innerCall: Node = inner;
        context.report(file, {
          node: innerCall,
          message:
            `${outer.receiver.text}.Do inside the function passed to ${outer.receiver.text}.Do at line ` +
            `${call.startPosition.row + 1}: the inner Do waits for the outer one to return, so this blocks forever`,
          related: [{ node: call, message: 'outer Do' }],
          fix: { description: 'call the initialisation work directly instead of going through the Once again' },
        });
      }
    }
  },
};
