// A goroutine that sends its result on an unbuffered channel while the receiver selects between that channel
// and a timeout or cancellation: when the other case wins, nobody ever receives, and the sender blocks forever.
import type { Node } from '../load/tree-sitter-go.js';
import {
  callArguments,
  calleeName,
  contains,
  enclosingFunction,
  insideLoop,
  statementsOf,
  unparen,
  walk,
} from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import { type ChannelInfo, type ChannelOp, channelInventory, constantValue } from '../facts/channel-inventory.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';

/** `make(chan T)` or `make(chan T, 0)`. */
function unbufferedMake(value: Node): boolean {
  const inner = unparen(value);
  if (inner.type !== 'call_expression' || calleeName(inner) !== 'make') return false;
  const args = callArguments(inner);
  if (args[0]?.type !== 'channel_type') return false;
  return args.length === 1 || (args.length === 2 && args[1]?.text === '0');
}

// `t.Fatal(`, `s.T().Fatal(` (suites), `require.NoError(` (testify stops the test).
const FAILS_TEST = /(\b\w+|\))\.(Fatal|Fatalf|FailNow|Error|Errorf|Fail|Skip|Skipf|SkipNow)\(|\brequire\.\w+\(/;

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

/** Whether the statement after `send` (in its own statement list) is a `return`. */
function returnsAfter(send: Node): boolean {
  const list = send.parent;
  if (list === null) return false;
  const statements = statementsOf(list.type === 'statement_list' ? list.parent : list);
  const index = statements.findIndex((statement) => statement.id === send.id);
  return statements[index + 1]?.type === 'return_statement';
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

const line = (node: Node): number => node.startPosition.row + 1;

/** `line N`, with the file's name when it is not the file of the finding. */
function where(node: Node, file: FileFacts, findingFile: FileFacts): string {
  return file.path === findingFile.path
    ? `line ${line(node)}`
    : `line ${line(node)} of ${file.path.slice(file.path.lastIndexOf('/') + 1)}`;
}

/** Every message the rule prints, by id: each names the mechanism that strands the goroutine. */
const MESSAGES = {
  selectOtherCase: (d: { name: string; started: number; sent: number; other: number }): string =>
    `${d.name} is unbuffered: the goroutine started at line ${d.started} sends on it at line ${d.sent}, but the ` +
    `receiving select can take another case (line ${d.other}) and return, leaving the sender blocked forever`,
  selectOtherCaseNextIteration: (d: { name: string; started: number; sent: number; other: number }): string =>
    `${d.name} is unbuffered and made anew in each iteration: the goroutine started at line ${d.started} sends ` +
    `on it at line ${d.sent}, but the receiving select can take another case (line ${d.other}) and leave that ` +
    `channel behind, leaving the sender blocked forever`,
  selectOtherCaseFailsTest: (d: { name: string; started: number; sent: number }): string =>
    `${d.name} is unbuffered: the goroutine started at line ${d.started} sends on it at line ${d.sent}, and ` +
    `blocks forever if the select takes its other case, which fails the test first: a leak only in a test run ` +
    `that has already failed`,
  noReceiver: (d: { name: string; buffer: string }): string =>
    `nothing in this package ever receives from ${d.name}${d.buffer}: this send blocks forever and its goroutine ` +
    `never ends`,
  noReceiverClosed: (d: { name: string; buffer: string; closed: number }): string =>
    `nothing in this package ever receives from ${d.name}${d.buffer}: this send blocks until the close at line ` +
    `${d.closed} (which then makes it panic: send on closed channel), or forever if that close never runs`,
  noReceiverClosedEarlier: (d: { name: string; buffer: string; closed: number }): string =>
    `nothing in this package ever receives from ${d.name}${d.buffer}: when the close at line ${d.closed} has ` +
    `already run, this send panics at once (send on closed channel); when it has not, the send blocks forever`,
  noSender: (d: { name: string }): string =>
    `nothing in this package ever sends on or closes ${d.name}: this receive blocks forever and its goroutine ` +
    `never ends`,
  sendBeforeShared: (d: { name: string; made: number }): string =>
    `${d.name} is unbuffered and no other goroutine can hold it yet (made at line ${d.made}, not passed to anyone ` +
    `before this line): this send blocks forever`,
  sendBeforeReceiverStarts: (d: { name: string; loop: string; capacity: number }): string =>
    `${d.name} is received only by the loop at ${d.loop}, which this function starts after this send: when ` +
    `the ${d.capacity === 1 ? 'one slot of its buffer is' : `${d.capacity} slots of its buffer are`} already ` +
    `taken, this send blocks forever and the loop never starts`,
  receiverLoopExits: (d: { name: string; loop: string; exit: string; exitLine: number; buffer: string }): string =>
    `${d.name} is received only by the loop at ${d.loop}, which stops receiving when ${d.exit} ` +
    `(line ${d.exitLine}); a send here after that blocks forever${d.buffer}, since this send has no case to leave by` +
    (d.buffer === '' ? '' : ' (a note: how many sends can follow, the rule cannot count)'),
};

/** The buffer a channel is made with, when every make agrees on a constant: 0 for unbuffered. */
function capacityOf(channel: ChannelInfo): number | null {
  const first = channel.makes[0]?.capacity;
  if (first === undefined || first === null) return null;
  return channel.makes.every((make) => make.capacity === first) ? first : null;
}

/** An operation that waits until its counterpart comes: not a case of a select that has anything else to do. */
function blocksAlone(op: ChannelOp): boolean {
  if (op.select === null) return true;
  const cases = op.select.namedChildren.filter(
    (c) => c !== null && (c.type === 'communication_case' || c.type === 'default_case'),
  );
  return cases.length === 1;
}

/** The loop around `node` within its own function, or null. */
function loopAround(node: Node, fn: Node | null): Node | null {
  for (let current = node.parent; current !== null && current.id !== fn?.id; current = current.parent) {
    if (current.type === 'for_statement') return current;
    if (current.type === 'func_literal') return null;
  }
  return null;
}

/** `for i := 0; i < N; i++` with a constant N: the number of iterations, else null. */
function constantTrips(loop: Node, pkg: PackageFacts): number | null {
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause');
  const condition = clause?.childForFieldName('condition');
  const init = clause?.childForFieldName('initializer');
  if (condition?.type !== 'binary_expression' || init === null || init === undefined) return null;
  const start = constantValue(init.childForFieldName('right')?.namedChild(0), pkg);
  const bound = constantValue(condition.childForFieldName('right'), pkg);
  const operator = condition.childForFieldName('operator')?.text;
  if (start === null || bound === null) return null;
  if (operator === '<') return bound - start;
  if (operator === '<=') return bound - start + 1;
  return null;
}

/** Whether sends inside a counted loop can never exceed the buffer (and so never block on it). */
function boundedByBuffer(send: ChannelOp, capacity: number, pkg: PackageFacts): boolean {
  if (capacity === 0) return false;
  const loop = loopAround(send.node, send.fn);
  if (loop === null) return false;
  const trips = constantTrips(loop, pkg);
  return trips !== null && trips <= capacity && loopAround(loop, send.fn) === null;
}

/** A loop that receives from the channel and can stop receiving while it is still open: where and why. */
interface ExitingLoop {
  loop: Node;
  exit: string;
  exitLine: number;
  /** The channels whose receive ends the loop, as written (`c.quit`); empty when the body returns by itself. */
  exitChannels: string[];
}

function returnsOrBreaksOut(body: Node, loop: Node): Node | null {
  // Breaking out of a loop nested in another loop comes back round to the receive: only a return leaves then.
  const nested = loopAround(loop, enclosingFunctionOf(loop)) !== null;
  const label =
    loop.parent?.type === 'labeled_statement' && !nested ? loop.parent.childForFieldName('label')?.text : undefined;
  let found: Node | null = null;
  walk(body, (node) => {
    if (found !== null) return false;
    if (node.type === 'return_statement') found = node;
    if (node.type === 'break_statement' && label !== undefined && node.namedChild(0)?.text === label) found = node;
    return undefined;
  });
  return found;
}

/** Whether a go statement runs in a loop that does not also make the channel anew each time. */
function startedInLoop(goStatement: Node, make: Node): boolean {
  const loop = loopAround(goStatement, enclosingFunctionOf(goStatement));
  return loop !== null && !contains(loop, make);
}

/** Whether the received expression names the same channel in every iteration (`s.ch`, not `tasks[i].ch`). */
function sameChannelEachIteration(receive: Node, loop: Node): boolean {
  const operand = receive.childForFieldName('operand');
  if (operand === null) return false;
  let root: Node | null = unparen(operand);
  while (root !== null && root.type === 'selector_expression') root = root.childForFieldName('operand');
  if (root === null || root.type !== 'identifier') return root?.type === 'call_expression';
  // A name the loop (re)declares or assigns is a different value in each iteration.
  let varies = false;
  const name = root.text;
  walk(loop, (node) => {
    if (varies) return false;
    if (node.type === 'range_clause' || node.type === 'short_var_declaration' || node.type === 'assignment_statement')
      for (const target of node.childForFieldName('left')?.namedChildren ?? [])
        if (target?.text === name) varies = true;
    return undefined;
  });
  return !varies;
}

/** How the loop holding receive `op` stops receiving without the channel being closed, or null if it does not. */
function exitingLoop(op: ChannelOp): ExitingLoop | null {
  if (op.kind === 'range') {
    const loop = op.node.parent;
    const body = loop?.childForFieldName('body');
    if (loop?.type !== 'for_statement' || body === null || body === undefined) return null;
    const exit = returnsOrBreaksOut(body, loop);
    return exit === null
      ? null
      : { loop, exit: 'its body returns or breaks out', exitLine: line(exit), exitChannels: [] };
  }
  if (op.kind !== 'receive' || op.select === null) return null;
  const loop = loopAround(op.select, op.fn);
  if (loop === null || !sameChannelEachIteration(op.node, loop)) return null;
  let found: ExitingLoop | null = null;
  for (const clause of op.select.namedChildren) {
    if (clause?.type !== 'communication_case' || contains(clause, op.node)) continue;
    const communication = clause.childForFieldName('communication');
    const receive =
      communication?.type === 'receive_statement' ? communication.childForFieldName('right') : communication;
    if (receive?.type !== 'unary_expression' || !receive.text.startsWith('<-')) continue;
    if (returnsOrBreaksOut(clause, loop) === null) continue;
    found ??= { loop, exit: `${receive.text} is ready`, exitLine: line(clause), exitChannels: [] };
    found.exitChannels.push(receive.childForFieldName('operand')?.text ?? receive.text);
  }
  return found;
}

/** Whether `fn` sends on a channel written `channel` (its own completion signal). */
function functionSendsOn(fn: Node | null, channel: string): boolean {
  if (fn === null) return false;
  let found = false;
  walk(fn, (node) => {
    if (found) return false;
    if (node.type === 'send_statement' && unparen(node.childForFieldName('channel') ?? node).text === channel)
      found = true;
    return undefined;
  });
  return found;
}

function checkInventory(context: RuleContext): void {
  const pkg = context.pkg;
  const inventory = channelInventory(pkg);
  for (const channel of inventory.channels) {
    if (channel.escape !== null || channel.makes.length === 0) continue;
    const capacity = capacityOf(channel);
    const name = channel.kind === 'field' ? `field ${channel.name}` : channel.name;
    const buffer =
      capacity === 0 ? '' : capacity === null ? ' once its buffer is full' : ` once its buffer of ${capacity} is full`;
    const sends = channel.ops.filter((op) => op.kind === 'send');
    const receives = channel.ops.filter((op) => op.kind === 'receive' || op.kind === 'range');
    const closes = channel.ops.filter((op) => op.kind === 'close');
    const reported = new Set<number>();
    const report = (
      op: ChannelOp,
      message: string,
      related: { node: Node; message: string; file?: FileFacts }[],
      fix: string,
      note = false,
    ): void => {
      if (reported.has(op.node.id)) return;
      reported.add(op.node.id);
      // In test code the goroutine that blocks is usually the test's own: the test hangs and fails by timeout
      // instead of leaking in a running program. A note, not a warning.
      // So too when the channel is made in test code and handed to the package's functions.
      const inTest =
        op.file.path.endsWith('_test.go') ||
        (channel.makes.length > 0 && channel.makes.every((m) => m.file.path.endsWith('_test.go')));
      context.report(op.file, {
        node: op.node,
        message: inTest
          ? `${message} (in test code: only the test binary is affected; the test hangs, or a goroutine stays blocked until the tests end)`
          : message,
        severity: inTest || note ? 'info' : undefined,
        related,
        fix: { description: fix },
      });
    };
    const made = channel.makes[0];
    const madeAt =
      made === undefined ? [] : [{ node: made.node, file: made.file, message: `${channel.name} is made here` }];

    // A local channel sent on before any other goroutine can have it (the most specific mechanism first).
    if (channel.kind === 'local' && capacity === 0 && made !== undefined) sendsBeforeShared(context, channel, report);

    // Sends nobody receives.
    if (receives.length === 0)
      for (const send of sends)
        if (
          blocksAlone(send) &&
          (capacity === 0 ||
            (capacity === null
              ? inventory.repeats(send, channel)
              : inventory.repeats(send, channel) && !boundedByBuffer(send, capacity, pkg)))
        )
          report(
            send,
            closes[0] === undefined
              ? MESSAGES.noReceiver({ name, buffer })
              : closedEarlier(closes[0], send)
                ? MESSAGES.noReceiverClosedEarlier({ name, buffer, closed: line(closes[0].node) })
                : MESSAGES.noReceiverClosed({ name, buffer, closed: line(closes[0].node) }),
            madeAt,
            `receive from ${channel.name} where the value is wanted, or send in a select with a case that leaves ` +
              `when nobody will receive (<-ctx.Done(), a done channel)`,
          );

    // Receives nobody sends to or closes.
    if (sends.length === 0 && closes.length === 0)
      for (const receive of receives)
        if (blocksAlone(receive))
          report(
            receive,
            MESSAGES.noSender({ name }),
            madeAt,
            `close ${channel.name} (or send on it) when what the receiver waits for happens, or wait in a select ` +
              `that can also leave`,
          );

    // Every receiver is a loop that can stop while the channel is open; plain sends from elsewhere then block.
    if (receives.length > 0 && sends.length > 0 && capacity !== null) {
      const loops = receives.map((receive) => {
        const loop = exitingLoop(receive);
        return loop === null ? null : { ...loop, file: receive.file };
      });
      if (loops.some((l) => l === null)) continue;
      const first = loops[0];
      if (first === null || first === undefined) continue;
      if (made !== undefined && contains(first.loop, made.node)) continue;
      // A channel made per call with a slot for each of its sends, none repeated: no send ever waits.
      const repeated = (send: ChannelOp): boolean =>
        (!returnsAfter(send.node) && inventory.repeats(send)) ||
        (send.startedBy !== null && startedInLoop(send.startedBy, made?.node ?? send.startedBy));
      // Sends followed at once by a return are exclusive: one execution makes one of them.
      const perRun =
        sends.filter((send) => !returnsAfter(send.node)).length +
        (sends.some((send) => returnsAfter(send.node)) ? 1 : 0);
      if (channel.kind === 'local' && capacity >= perRun && !sends.some(repeated)) continue;
      for (const send of sends) {
        if (!blocksAlone(send) || boundedByBuffer(send, capacity, pkg)) continue;
        if (loops.some((l) => l !== null && contains(l.loop, send.node))) continue;
        // A receiving loop that ends only on the sender's own completion signal outlives the sender's sends.
        if (
          loops.some(
            (l) =>
              l !== null && l.exitChannels.length > 0 && l.exitChannels.every((exit) => functionSendsOn(send.fn, exit)),
          )
        )
          continue;
        if (receives.some((r) => r.fn !== null && send.fn?.id === r.fn.id)) continue;
        // The send comes before the function it is in starts the receiving loop (a literal handed to a goroutine
        // later on): with the buffer already full, nothing can receive yet.
        const loopFn = enclosingFunctionOf(first.loop);
        if (
          capacity > 0 &&
          send.fn !== null &&
          loopFn?.type === 'func_literal' &&
          contains(send.fn, loopFn) &&
          loopFn.startIndex > send.node.endIndex &&
          enclosingFunctionOf(loopFn)?.id === send.fn.id
        ) {
          report(
            send,
            MESSAGES.sendBeforeReceiverStarts({ name, loop: where(first.loop, first.file, send.file), capacity }),
            [
              {
                node: first.loop,
                file: first.file,
                message: `the only loop receiving from ${channel.name}, started after the send`,
              },
            ],
            `start the receiving loop before sending, or send in a select with a default case when a pending ` +
              `value is enough`,
          );
          continue;
        }
        report(
          send,
          MESSAGES.receiverLoopExits({
            name,
            loop: where(first.loop, first.file, send.file),
            exit: first.exit,
            exitLine: first.exitLine,
            buffer,
          }),
          [{ node: first.loop, file: first.file, message: `the only loop receiving from ${channel.name}` }],
          `send in a select with a case on the receiver's way out (the channel or context whose case ends the ` +
            `loop at line ${first.exitLine}), so the sender leaves when the receiver has stopped`,
          // With a buffer, whether a send after the loop stopped can block depends on how many come: a note.
          capacity > 0,
        );
      }
    }
  }
}

function sendsBeforeShared(
  context: RuleContext,
  channel: ChannelInfo,
  report: (
    op: ChannelOp,
    message: string,
    related: { node: Node; message: string; file?: FileFacts }[],
    fix: string,
  ) => void,
): void {
  const made = channel.makes[0];
  if (made === undefined) return;
  let statement: Node | null = made.node;
  while (statement !== null && statement.parent?.type !== 'statement_list' && statement.parent?.type !== 'block')
    statement = statement.parent;
  const fn = statement === null ? null : enclosingFunctionOf(statement);
  if (statement === null || fn === null) return;
  const mentions: Node[] = [];
  walk(
    fn,
    (node) => {
      if (node.type === 'identifier' && node.text === channel.name && node.startIndex >= statement.endIndex)
        mentions.push(node);
      return undefined;
    },
    false,
  );
  for (const send of channel.ops) {
    if (send.kind !== 'send' || send.fn?.id !== fn.id || send.select !== null) continue;
    // Nothing names the channel between its make and this send, and no loop brings the send round again.
    if (mentions.some((m) => m.startIndex < send.node.startIndex)) continue;
    if (loopAround(send.node, fn) !== null && !contains(loopAround(send.node, fn) ?? send.node, statement)) continue;
    report(
      send,
      MESSAGES.sendBeforeShared({ name: channel.name, made: line(made.node) }),
      [{ node: made.node, message: `${channel.name} is made here` }],
      `make ${channel.name} with a buffer for the values sent before it is handed on (make(chan T, 1) for one), ` +
        `or send from a goroutine that runs once the receiver has the channel`,
    );
  }
}

function enclosingFunctionOf(node: Node): Node | null {
  for (let current = node.parent; current !== null; current = current.parent)
    if (
      current.type === 'function_declaration' ||
      current.type === 'method_declaration' ||
      current.type === 'func_literal'
    )
      return current;
  return null;
}

export const goroutineLeak: Rule = {
  meta: {
    name: 'goroutine-leak',
    title: 'Goroutine blocked forever on a channel whose counterpart is gone',
    severity: 'warning',
    summary:
      'A send or receive that nothing will ever match: the receiver returned first (timeout, cancellation, a stop ' +
      'case), nothing in the package receives, sends or closes, or the buffer is full before the receiver starts.',
    explanation:
      'A send on a channel completes only when another goroutine receives (or, on a buffered channel, when the ' +
      'buffer has room), and a receive only when another goroutine sends or closes the channel. When the ' +
      'counterpart is gone the goroutine stays blocked in `chan send` or `chan receive` for the life of the ' +
      'process, holding everything it references. The rule keeps an inventory of every channel of the package (per ' +
      '`make`, per struct field, per package variable; through assignments, getters, returned channels and one ' +
      'level of parameters) and reports, naming the mechanism:\n\n' +
      '- a goroutine that sends on an unbuffered channel while the receiver waits in a `select` that can take ' +
      'another case (a timeout, `ctx.Done()`) and leave;\n' +
      '- a send that nothing in the package ever receives from, or a receive that nothing ever sends on or ' +
      'closes (a channel returned to or reachable by other packages is never counted on);\n' +
      '- a send on an unbuffered channel before any other goroutine can hold it;\n' +
      '- a plain send on a channel whose only receiver is a loop that stops on another case (`<-ctx.Done()`, ' +
      '`<-stop`) while the channel is still open: every send after that blocks;\n' +
      '- a send that fills the buffer before the function starts the only receiving loop.\n\n' +
      'In `_test.go` files, and on a channel that only test code makes, the counterpart findings are notes: the ' +
      'test hangs or a goroutine of the test binary stays blocked, nothing leaks in a running program. A send in a ' +
      'function called in a loop counts as repeated for a local channel only when the function that makes the ' +
      'channel makes that call (the same function called in a loop elsewhere sends on other channels).',
    fix:
      'Give the single send of a goroutine a buffer of 1 so it always completes:\n\n```go\nresult := ' +
      'make(chan string, 1)\n```\n\nFor a sender that can outlive its receiver, send in a `select` with the ' +
      "receiver's way out:\n\n```go\nselect {\ncase s.events <- ev:\ncase <-s.stop:\n}\n```",
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
        const otherReceives: Node[] = [];
        const closes: Node[] = [];
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
                otherReceives.push(node);
              }
              return false;
            }
            if (node.type === 'identifier' && node.text === name) {
              // A close after the goroutine's own send adds no receiver; any other mention (passed along,
              // stored, ranged) could.
              const call = node.parent?.parent;
              if (call?.type === 'call_expression' && calleeName(call) === 'close') closes.push(call);
              else escapes = true;
            }
            return undefined;
          },
          false,
        );
        if (escapes || selectReceives === 0 || senders.length === 0 || goStatements.length !== 1) continue;
        const goStatement = goStatements[0];
        if (goStatement === undefined) continue;
        // Each path of the one goroutine literal sends once: every send but the last returns right after.
        const literal = goStatement.namedChild(0)?.childForFieldName('function');
        if (literal === null || literal === undefined || literal.type !== 'func_literal') continue;
        if (!senders.every((send, i) => i === senders.length - 1 || returnsAfter(send))) continue;
        const sender = senders[senders.length - 1];
        if (
          sender === undefined ||
          senders.some((send) => !contains(literal, send) || insideLoop(send, literal)) ||
          closes.some((close) => !contains(literal, close)) ||
          insideLoop(goStatement, scope)
        )
          continue;
        // The other ways out of the receiving select, and whether any of them leaves the sender stuck: a case
        // that receives from the channel itself (drains it) does not.
        const drains = (clause: Node): boolean => otherReceives.some((receive) => contains(clause, receive));
        if (otherReceives.some((receive) => !(receivingSelect !== null && contains(receivingSelect, receive))))
          continue;
        const otherCases = otherCasesOf(receivingSelect, name).filter((c) => !drains(c.clause));
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
        const started = line(goStatement);
        const sent = line(sender);
        const other = line(otherCases[0]?.clause ?? sender);
        context.report(file, {
          node: makeCall,
          severity: afterFailure ? 'info' : undefined,
          message: afterFailure
            ? MESSAGES.selectOtherCaseFailsTest({ name, started, sent })
            : insideLoop(decl, file.root)
              ? MESSAGES.selectOtherCaseNextIteration({ name, started, sent, other })
              : MESSAGES.selectOtherCase({ name, started, sent, other }),
          related: [{ node: sender, message: 'this send blocks forever when nobody receives' }],
          fix: {
            description: `make(${channelType.text}, 1): a buffer of 1 lets the single send complete`,
            edits: [{ node: makeCall, newText: `make(${channelType.text}, 1)` }],
          },
        });
      }
    }
    checkInventory(context);
  },
};

/** A close earlier in the same function body: the send does not wait for it, it may come after it. */
function closedEarlier(close: ChannelOp, send: ChannelOp): boolean {
  return (
    close.file === send.file &&
    enclosingFunction(close.node)?.id === enclosingFunction(send.node)?.id &&
    close.node.endIndex <= send.node.startIndex
  );
}
