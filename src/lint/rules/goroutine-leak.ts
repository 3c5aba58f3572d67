// A goroutine that sends its result on an unbuffered channel while the receiver selects between that channel
// and a timeout or cancellation: when the other case wins, nobody ever receives, and the sender blocks forever.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, calleeName, insideLoop, unparen, walk } from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';

/** `make(chan T)` or `make(chan T, 0)`. */
function unbufferedMake(value: Node): boolean {
  const inner = unparen(value);
  if (inner.type !== 'call_expression' || calleeName(inner) !== 'make') return false;
  const args = callArguments(inner);
  if (args[0]?.type !== 'channel_type') return false;
  return args.length === 1 || (args.length === 2 && args[1]?.text === '0');
}

const FAILS_TEST = /\b\w+\.(Fatal|Fatalf|FailNow|Error|Errorf|Fail|Skip|Skipf|SkipNow)\(/;

/** The select's cases other than the one receiving from `channel`: the received expression text (null for a
 * default or a send case). With `channel` null, every receive case. */
function otherCasesOf(
  select: Node | null | undefined,
  channel: string | null,
): { clause: Node; operand: string | null }[] {
  if (select === null || select === undefined || select.type !== 'select_statement') return [];
  const out: { clause: Node; operand: string | null }[] = [];
  for (const clause of select.namedChildren) {
    if (clause === null || (clause.type !== 'communication_case' && clause.type !== 'default_case')) continue;
    const communication = clause.childForFieldName('communication');
    let operand: string | null = null;
    const receive =
      communication?.type === 'receive_statement' ? communication.childForFieldName('right') : communication;
    if (
      receive !== null &&
      receive !== undefined &&
      receive.type === 'unary_expression' &&
      receive.text.startsWith('<-')
    )
      operand = receive.childForFieldName('operand')?.text ?? null;
    if (channel !== null && operand === channel) continue;
    if (channel === null && operand === null) continue;
    out.push({ clause, operand });
  }
  return out;
}

/** Whether `literal` sends on the channel written `channel`. */
function sendsOn(literal: Node, channel: string): boolean {
  let found = false;
  walk(literal, (node) => {
    if (node.type === 'send_statement' && unparen(node.childForFieldName('channel') ?? node).text === channel)
      found = true;
    return found ? false : undefined;
  });
  return found;
}

export const goroutineLeak: Rule = {
  meta: {
    name: 'goroutine-leak',
    title: 'Goroutine blocked forever on an unbuffered send',
    severity: 'warning',
    summary:
      'A goroutine sends on an unbuffered channel whose receiver can return first (timeout, cancellation), so the ' +
      'sender blocks forever.',
    explanation:
      'A send on an unbuffered channel completes only when another goroutine receives. When the function that ' +
      'started the goroutine waits in a `select` that can also pick a timeout, `ctx.Done()` or another channel, ' +
      'and returns, nobody will ever receive: the goroutine stays blocked in `chan send` for the life of the ' +
      'process, holding everything it references. Each call leaks one goroutine.',
    fix:
      'Give the channel a buffer of 1 so the single send always completes:\n\n```go\nresult := make(chan string, ' +
      '1)\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      for (const decl of file.nodes('short_var_declaration')) {
        const names = decl.childForFieldName('left')?.namedChildren ?? [];
        const values = decl.childForFieldName('right')?.namedChildren ?? [];
        if (names.length !== 1 || values.length !== 1) continue;
        const nameNode = names[0];
        const value = values[0];
        if (
          nameNode === null ||
          nameNode === undefined ||
          value === null ||
          value === undefined ||
          !unbufferedMake(value)
        )
          continue;
        const name = nameNode.text;
        const scope = decl.parent?.parent;
        if (scope === null || scope === undefined) continue;
        // Every use of the channel after its declaration, classified.
        const senders: Node[] = [];
        const goStatements: Node[] = [];
        let selectReceives = 0;
        let receivingSelect: Node | null = null;
        let otherUses = 0;
        let escapes = false;
        walk(
          scope,
          (node) => {
            if (node.startIndex < decl.endIndex) return node.endIndex > decl.endIndex ? undefined : false;
            if (node.type === 'go_statement') {
              goStatements.push(node);
              return undefined;
            }
            if (node.type === 'send_statement' && unparen(node.childForFieldName('channel') ?? node).text === name) {
              senders.push(node);
              return false;
            }
            if (
              node.type === 'unary_expression' &&
              node.text.startsWith('<-') &&
              node.childForFieldName('operand')?.text === name
            ) {
              // A receive inside a select case with at least one other case is the racy receiver.
              const communication = node.parent?.type === 'receive_statement' ? node.parent.parent : node.parent;
              const select = communication?.type === 'communication_case' ? communication.parent : null;
              // A select in a loop comes back to the receive after the other case.
              if (
                select !== null &&
                select !== undefined &&
                select.type === 'select_statement' &&
                !insideLoop(select, scope) &&
                select.namedChildren.filter(
                  (c) => c !== null && (c.type === 'communication_case' || c.type === 'default_case'),
                ).length >= 2
              ) {
                selectReceives++;
                receivingSelect = select;
              } else {
                otherUses++;
              }
              return false;
            }
            if (node.type === 'identifier' && node.text === name) {
              // Any other mention (passed along, stored, closed, ranged) could add a receiver.
              escapes = true;
            }
            return undefined;
          },
          false,
        );
        if (escapes || otherUses > 0 || selectReceives === 0 || senders.length !== 1 || goStatements.length !== 1)
          continue;
        const sender = senders[0];
        const goStatement = goStatements[0];
        if (sender === undefined || goStatement === undefined) continue;
        // The one send runs once, inside the one goroutine literal.
        const literal = goStatement.namedChild(0)?.childForFieldName('function');
        if (literal === null || literal === undefined || literal.type !== 'func_literal') continue;
        if (
          sender.startIndex < literal.startIndex ||
          sender.endIndex > literal.endIndex ||
          insideLoop(sender, literal) ||
          insideLoop(goStatement, scope)
        )
          continue;
        // The other ways out of the receiving select, and whether any of them leaves the sender stuck.
        const otherCases = otherCasesOf(receivingSelect, name);
        if (otherCases.length === 0) continue;
        // The send is itself a select case next to the receiver's own way out (`case <-ctx.Done()`): when the
        // receiver leaves that way, so can the sender.
        const senderCases =
          sender.parent?.type === 'communication_case' ? otherCasesOf(sender.parent.parent, null) : [];
        const guards = new Set(senderCases.map((c) => c.operand).filter((t) => t !== null));
        if (otherCases.every((c) => c.operand !== null && guards.has(c.operand))) continue;
        // The other cases receive from channels this same goroutine sends on instead (one send per path): the
        // receiver leaves only after taking one of its sends.
        if (otherCases.every((c) => c.operand !== null && sendsOn(literal, c.operand))) continue;
        // Every other way out fails the test first: the leak only happens in a test run that already failed.
        const afterFailure = file.path.endsWith('_test.go') && otherCases.every((c) => FAILS_TEST.test(c.clause.text));
        const makeCall = unparen(value);
        const closing = makeCall.childForFieldName('arguments');
        const args = callArguments(makeCall);
        const channelType = args[0];
        if (closing === null || channelType === undefined) continue;
        context.report(file, {
          node: makeCall,
          severity: afterFailure ? 'info' : undefined,
          message: afterFailure
            ? `${name} is unbuffered: the goroutine started at line ${goStatement.startPosition.row + 1} sends on ` +
              `it at line ${sender.startPosition.row + 1}, and blocks forever if the select takes its other case, ` +
              `which fails the test first: a leak only in a test run that has already failed`
            : `${name} is unbuffered: the goroutine started at line ${goStatement.startPosition.row + 1} sends on ` +
              `it at line ${sender.startPosition.row + 1}, but the receiving select can take another case (line ` +
              `${(otherCases[0]?.clause.startPosition.row ?? 0) + 1}) and return, leaving the sender blocked forever`,
          related: [{ node: sender, message: 'this send blocks forever when nobody receives' }],
          fix: {
            description: `make(${channelType.text}, 1): a buffer of 1 lets the single send complete`,
            edits: [{ node: makeCall, newText: `make(${channelType.text}, 1)` }],
          },
        });
      }
    }
  },
};
