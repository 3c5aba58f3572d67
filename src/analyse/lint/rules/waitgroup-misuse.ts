// More Done than Add: `wg.Add(n)` right before `go func() {...}()`, and a path through the goroutine that
// calls Done (or Add with a negative constant) more than n times. The extra Done drives the counter below zero.
import type { Node } from '../../../parse/gosource/treesitter.js';
import { callArguments, dominates, insideLoop, methodCall, statementCall, walk } from '../ast.js';
import type { Rule, RuleContext } from '../types.js';

interface CounterChange {
  statement: Node;
  call: Node;
  /** +n for Add(n), -1 for Done, -n for Add(-n). */
  delta: number;
  deferred: boolean;
}

/** The integer constant of `n`, `-n`, `(n)`; null when it is not a plain decimal literal. */
function constantOf(node: Node | undefined): number | null {
  if (node === undefined) return null;
  const text = node.text.replace(/[()\s]/g, '');
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

/** Add/Done calls on `group`: their change to the counter, or undefined when the change is not a constant. */
function changeOf(call: Node, group: string): number | null | undefined {
  const m = methodCall(call);
  if (m === null || m.receiver.text !== group) return undefined;
  if (m.method === 'Done') return callArguments(call).length === 0 ? -1 : undefined;
  if (m.method === 'Add') return constantOf(callArguments(call)[0]);
  return undefined;
}

/** The named sibling before `statement` in its statement list, skipping comments. */
function previousStatement(statement: Node): Node | null {
  let current = statement.previousNamedSibling;
  while (current !== null && current.type === 'comment') current = current.previousNamedSibling;
  return current;
}

export const waitgroupMisuse: Rule = {
  meta: {
    name: 'waitgroup-misuse',
    title: 'WaitGroup counter driven below zero',
    severity: 'error',
    summary: 'A goroutine calls wg.Done (or wg.Add with a negative constant) more often than the wg.Add before its go statement counted; the counter goes negative and panics.',
    explanation:
      'A WaitGroup counter must never go below zero: `Add` with a delta that makes it negative panics with ' +
      '`panic: sync: negative WaitGroup counter`, and `Done` is `Add(-1)`. goroscope reports a goroutine started ' +
      'right after `wg.Add(n)` (n a constant) in which one path calls `wg.Done()` or `wg.Add(-k)` more than n times, ' +
      'counting the Adds of that path: typically a `defer wg.Done()` plus an explicit `wg.Done()` on an early-return ' +
      'path. The first Done lets `wg.Wait()` return too early; the second one panics and ends the program. Calls in ' +
      'loops, in nested function literals and with non-constant deltas are not counted, so the rule stays silent ' +
      'rather than guess.',
    fix:
      'Call Done exactly once per counted goroutine, preferably deferred as the goroutine\'s first statement, and ' +
      'remove the explicit calls:\n\n```go\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tif err := step(); err != nil {\n\t\treturn // the deferred Done runs\n\t}\n\tmore()\n}()\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      for (const goStatement of file.nodes('go_statement')) {
        const call = goStatement.namedChild(0);
        const literal = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
        const body = literal?.type === 'func_literal' ? literal.childForFieldName('body') : null;
        if (literal === null || literal === undefined || body === null || body === undefined) continue;
        const before = previousStatement(goStatement);
        const addCall = before === null ? null : statementCall(before);
        const add = addCall === null || before?.type !== 'expression_statement' ? null : methodCall(addCall);
        if (addCall === null || add === null || add.method !== 'Add') continue;
        const counted = constantOf(callArguments(addCall)[0]);
        if (counted === null || counted <= 0) continue;
        const group = add.receiver.text;
        // Every Add/Done of the group inside the goroutine body (nested literals included) must be understood.
        const changes: CounterChange[] = [];
        let unknown = false;
        walk(
          body,
          (node) => {
            if (unknown) return false;
            if (node.type !== 'call_expression') return undefined;
            const delta = changeOf(node, group);
            if (delta === undefined) return undefined;
            const statement = node.parent;
            const nested = literal.id !== nearestLiteral(node)?.id;
            if (nested) {
              // A nested goroutine or callback does its own counting; only Adds there (unknown count) matter.
              if (delta === null || delta > 0) unknown = true;
              return undefined;
            }
            if (delta === null || statement === null || insideLoop(node, literal)) {
              unknown = true;
              return undefined;
            }
            if (statement.type === 'expression_statement' || statement.type === 'defer_statement') changes.push({ statement, call: node, delta, deferred: statement.type === 'defer_statement' });
            else unknown = true;
            return undefined;
          },
          false,
        );
        if (unknown) continue;
        for (const change of changes) {
          if (change.delta >= 0) continue;
          // The path through this change runs every change whose statement dominates it.
          let count = counted + change.delta;
          const earlier: CounterChange[] = [];
          for (const other of changes) {
            if (other === change || !dominates(other.statement, change.statement)) continue;
            count += other.delta;
            if (other.delta < 0) earlier.push(other);
          }
          if (count >= 0 || earlier.length === 0) continue;
          const first = earlier[0];
          if (first === undefined) continue;
          const how = first.deferred ? `the deferred ${first.call.text} at line ${first.statement.startPosition.row + 1} runs as well when the goroutine returns` : `${first.call.text} at line ${first.statement.startPosition.row + 1} already ran on this path`;
          context.report(file, {
            node: change.call,
            message: `${change.call.text} here drives ${group}'s counter below zero: ${group}.Add(${counted}) at line ${addCall.startPosition.row + 1} counted this goroutine ${counted === 1 ? 'once' : `${counted} times`}, and ${how}; panic: sync: negative WaitGroup counter`,
            related: [
              { node: addCall, message: `${group}.Add(${counted}) for this goroutine` },
              { node: first.call, message: 'earlier Done on the same path' },
            ],
            fix: { description: `call ${group}.Done() once per goroutine (keep the deferred one and remove the explicit call)` },
          });
        }
      }
    }
  },
};

function nearestLiteral(node: Node): Node | null {
  let current = node.parent;
  while (current !== null && current.type !== 'func_literal') current = current.parent;
  return current;
}
