// A send on a channel that this function has certainly closed already: close(ch) runs before `ch <- v` on
// every path that reaches the send. The send panics with "send on closed channel".
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

export const sendAfterClose: Rule = {
  meta: {
    name: 'send-after-close',
    title: 'Send on a closed channel',
    severity: 'error',
    summary: 'A value is sent on a channel after the same function closed it; the send panics.',
    explanation:
      'Sending on a closed channel panics with `panic: send on closed channel` (also when the send is a `select` ' +
      'case). goroscope reports a send that can only be reached after `close(ch)` of the same channel in the same ' +
      'function, with no new channel assigned in between.',
    fix:
      'Close a channel only after the last send, in the sending goroutine:\n\n```go\nfor _, v := range values ' +
      '{\n\tout <- v\n}\nclose(out)\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      const closes: { call: Node; channel: Node; statement: Node; fn: Node }[] = [];
      for (const call of file.nodes('call_expression')) {
        if (calleeName(call) !== 'close' || call.parent?.type !== 'expression_statement') continue;
        const args = callArguments(call);
        const channel = args[0];
        const statement = statementOf(call);
        const fn = enclosingFunction(call);
        if (args.length !== 1 || channel === undefined || !isSimpleRef(channel) || statement === null || fn === null)
          continue;
        closes.push({ call, channel, statement, fn });
      }
      if (closes.length === 0) continue;
      for (const send of file.nodes('send_statement')) {
        const channel = send.childForFieldName('channel');
        const fn = enclosingFunction(send);
        if (channel === null || fn === null) continue;
        for (const close of closes) {
          if (close.fn.id !== fn.id || close.channel.text !== channel.text || !dominates(close.statement, send))
            continue;
          if (reassignedBetween(fn, channel, close.statement.startIndex, send.startIndex)) continue;
          context.report(file, {
            node: send,
            message:
              `send on ${channel.text}, which was closed at line ${close.statement.startPosition.row + 1} on ` +
              `every path to here: send on closed channel panics`,
            related: [{ node: close.call, message: 'closed here' }],
            fix: { description: `move close(${channel.text}) after the last send` },
          });
          break;
        }
      }
    }
  },
};
