// close(ch) twice on one path: a close that always runs before a second close of the same channel in the
// same function, or a `defer close(ch)` plus an explicit close(ch). The second close panics.
import type { Node } from '../load/tree-sitter-go.js';
import {
  callArguments,
  calleeName,
  dominates,
  enclosingFunction,
  isSimpleRef,
  reassignedBetween,
  statementOf,
} from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';

interface Close {
  call: Node;
  channel: Node;
  statement: Node;
  deferred: boolean;
}

export const doubleClose: Rule = {
  meta: {
    name: 'double-close',
    title: 'Channel closed twice',
    severity: 'error',
    summary: 'A channel is closed a second time on the same path; the second close panics.',
    explanation:
      'Closing a channel that is already closed panics with `panic: close of closed channel`. goroscope reports a ' +
      '`close(ch)` that always runs before another `close(ch)` of the same channel in the same function, and an ' +
      'explicit ' +
      '`close(ch)` in a function that also has `defer close(ch)`: the deferred close runs at return and panics.',
    fix:
      'Close a channel exactly once, in the goroutine that owns (sends on) it. Keep either the deferred close or the ' +
      'explicit one. When several paths may close it, guard the close with `sync.Once`:\n\n```go\nvar once ' +
      'sync.Once\nstop := func() { once.Do(func() { close(done) }) }\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      const byFunction = new Map<number, { fn: Node; closes: Close[] }>();
      for (const call of file.nodes('call_expression')) {
        if (calleeName(call) !== 'close') continue;
        const args = callArguments(call);
        const channel = args[0];
        if (args.length !== 1 || channel === undefined || !isSimpleRef(channel)) continue;
        const parent = call.parent;
        if (parent === null || (parent.type !== 'expression_statement' && parent.type !== 'defer_statement')) continue;
        const statement = statementOf(call);
        const fn = enclosingFunction(call);
        if (statement === null || fn === null) continue;
        const entry = byFunction.get(fn.id) ?? { fn, closes: [] };
        entry.closes.push({ call, channel, statement, deferred: parent.type === 'defer_statement' });
        byFunction.set(fn.id, entry);
      }
      for (const { fn, closes } of byFunction.values()) {
        if (closes.length < 2) continue;
        for (const second of closes) {
          if (second.deferred) continue;
          for (const first of closes) {
            if (first === second || first.channel.text !== second.channel.text) continue;
            if (!dominates(first.statement, second.statement)) continue;
            if (reassignedBetween(fn, second.channel, first.statement.startIndex, second.statement.startIndex))
              continue;
            const line = first.statement.startPosition.row + 1;
            context.report(file, {
              node: second.call,
              message: first.deferred
                ? `close(${second.channel.text}) here, and the close deferred at line ${line} closes it again when ` +
                  `the function returns: close of closed channel panics`
                : `close(${second.channel.text}) again: it was already closed at line ${line} on this path, so this ` +
                  `close panics (close of closed channel)`,
              related: [{ node: first.call, message: first.deferred ? 'deferred close' : 'first close' }],
              fix: {
                description: first.deferred
                  ? `remove this close(${second.channel.text}) and rely on the deferred one, or the other way round`
                  : `remove the second close(${second.channel.text}); close a channel once, or guard it with sync.Once`,
              },
            });
            break;
          }
        }
      }
    }
  },
};
