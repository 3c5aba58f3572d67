// wg.Add inside the goroutine it counts: the spawning function's wg.Wait() can run before the Add, see a zero
// counter and return while the goroutine is still working.
import type { Node } from '../load/tree-sitter-go.js';
import { enclosingFunction, methodCall, statementsOf, walk } from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';

export const waitgroupAddInGoroutine: Rule = {
  meta: {
    name: 'waitgroup-add-in-goroutine',
    title: 'WaitGroup.Add called inside the goroutine',
    severity: 'error',
    summary: 'wg.Add runs inside the new goroutine, so wg.Wait in the spawning function may return before it.',
    explanation:
      'The `go` statement only starts the goroutine; nothing guarantees it has run its first statement before the ' +
      'spawning function reaches `wg.Wait()`. If Wait sees a zero counter it returns at once, and the work the ' +
      'goroutine does afterwards races with whatever follows Wait. The sync documentation requires calls with a ' +
      'positive delta that start when the counter is zero to happen before Wait.',
    fix:
      'Call Add before the go statement (or use `wg.Go` in Go 1.25+):\n\n```go\nwg.Add(1)\ngo func() {\n\tdefer ' +
      'wg.Done()\n\twork()\n}()\n```',
    runtimeEffect: 'race',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      for (const goStatement of file.nodes('go_statement')) {
        const call = goStatement.namedChild(0);
        const literal = call?.childForFieldName('function');
        if (literal === null || literal === undefined || literal.type !== 'func_literal') continue;
        const spawner = enclosingFunction(goStatement);
        if (spawner === null) continue;
        // An Add that counts this goroutine comes before its Done; an Add after `defer wg.Done()` is made
        // while this goroutine's own count keeps the counter above zero (it counts a nested goroutine).
        const counted = new Set<string>();
        for (const statement of statementsOf(literal.childForFieldName('body'))) {
          const inner = statement.namedChild(0);
          const m = inner === null || inner.type !== 'call_expression' ? null : methodCall(inner);
          if (m !== null && m.method === 'Done') counted.add(m.receiver.text);
          if (statement.type !== 'expression_statement' || m === null || m.method !== 'Add' || inner === null) continue;
          const add = m;
          const group = add.receiver.text;
          if (counted.has(group)) continue;
          // The goroutine is itself counted (`wg.Add(1); go func() { wg.Add(1); ...; wg.Done() }()`): its own
          // count keeps the counter above zero until its Done, which comes after this Add.
          let before = goStatement.previousNamedSibling;
          while (before !== null && before.type === 'comment') before = before.previousNamedSibling;
          const beforeCall = before?.type === 'expression_statement' ? before.namedChild(0) : null;
          const beforeAdd = beforeCall?.type === 'call_expression' ? methodCall(beforeCall) : null;
          const laterDone = statementsOf(literal.childForFieldName('body')).some((later) => {
            if (later.startIndex <= statement.startIndex) return false;
            const c = later.namedChild(0);
            const lm = c !== null && c.type === 'call_expression' ? methodCall(c) : null;
            return lm !== null && lm.method === 'Done' && lm.receiver.text === group;
          });
          if (beforeAdd !== null && beforeAdd.method === 'Add' && beforeAdd.receiver.text === group && laterDone)
            continue;
          // The spawning function waits on the same group after starting the goroutine.
          let wait: Node | null = null;
          walk(spawner, (node) => {
            if (wait !== null) return false;
            if (node.startIndex < goStatement.endIndex) return node.endIndex > goStatement.endIndex ? undefined : false;
            const m = node.type === 'call_expression' ? methodCall(node) : null;
            if (m !== null && m.method === 'Wait' && m.receiver.text === group) wait = node;
            return undefined;
          });
          if (wait === null) continue;
          const waitNode: Node = wait;
          context.report(file, {
            node: inner,
            message:
              `${group}.Add runs inside the goroutine started at line ${goStatement.startPosition.row + 1}; ` +
              `${group}.Wait() at line ${waitNode.startPosition.row + 1} may run first, see a zero counter and ` +
              `return early`,
            related: [{ node: waitNode, message: 'Wait that may return before the Add' }],
            fix: { description: `move ${inner.text} before the go statement` },
          });
        }
      }
    }
  },
};
