// A send on a channel that this function has certainly closed already: close(ch) runs before `ch <- v` on
// every path that reaches the send. The send panics with "send on closed channel".
import type { Node } from '../load/tree-sitter-go.js';
import {
  callArguments,
  calleeName,
  dominates,
  enclosingFunction,
  isSimpleRef,
  methodCall,
  reassignedBetween,
  statementOf,
  unparen,
  walk,
} from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import { channelFieldFacts, lockedBefore, ordersBefore, type ChannelFieldOp } from '../facts/channel-fields.js';
import { deferred, goroutineReach, synchronisesBetween, type ReachEvent } from '../facts/goroutine-reach.js';
import type { PackageModel } from '../model/package-model.js';
import type { FileFacts } from '../facts/package-facts.js';

function declarationName(declaration: Node): string {
  const name = declaration.childForFieldName('name')?.text ?? 'function';
  if (declaration.type !== 'method_declaration') return name;
  const receiver = declaration
    .childForFieldName('receiver')
    ?.text.replace(/^\(\s*(\w+\s+)?\*?/, '')
    .replace(/\)$/, '');
  return receiver === undefined ? name : `${receiver}.${name}`;
}

/**
 * A send on a struct's channel field that can run after a close of the same field, shown by one function: it
 * calls something that closes the field and later something that sends on it (same goroutine, in that order), or
 * it starts a goroutine that closes (sends) and then, with nothing in between that waits, sends (closes) itself.
 */
function checkAcrossFunctions(context: RuleContext): void {
  const facts = channelFieldFacts(context.pkg);
  const ops: { key: string; node: Node; file: FileFacts }[] = [];
  const opOf = new Map<number, ChannelFieldOp>();
  for (const [key, list] of facts.ops) {
    if (!list.some((op) => op.kind === 'close') || !list.some((op) => op.kind === 'send')) continue;
    for (const op of list) {
      ops.push({ key: `${op.kind}:${key}`, node: op.node, file: op.file });
      opOf.set(op.node.id, op);
    }
  }
  if (ops.length === 0) return;
  const reach = goroutineReach(context.pkg, ops);
  const reported = new Set<number>();
  const guarded = (close: ChannelFieldOp, send: ChannelFieldOp): boolean =>
    lockedBefore(send.declaration, send.node.startIndex) ||
    lockedBefore(close.declaration, close.node.startIndex) ||
    remadeAfter(close);
  const line = (node: Node): number => node.startPosition.row + 1;
  for (const file of context.pkg.files)
    for (const fn of file.functions()) {
      const events = reach.eventsOf(fn, file);
      if (events.length < 2) continue;
      const name = fn.type === 'func_literal' ? 'the function literal' : declarationName(fn);
      for (const [i, first] of events.entries()) {
        if (deferred(first.node)) continue;
        for (const second of events.slice(i + 1)) {
          for (const [sameKey, reached] of second.same) {
            const [kind, field] = sameKey.split(':') as [string, string];
            // Same goroutine, close then send.
            const closeFirst = kind === 'send' ? first.same.get(`close:${field}`) : undefined;
            if (closeFirst !== undefined && !(first.kind === 'op' && second.kind === 'op')) {
              const statement = statementOf(first.node);
              const close = opOf.get(closeFirst.node.id);
              const send = opOf.get(reached.node.id);
              if (statement === null || close === undefined || send === undefined || !dominates(statement, second.node))
                continue;
              if (!sameValue(fn, first, second, close, send, reach.model, file)) continue;
              if (guarded(close, send) || reported.has(send.node.id)) continue;
              // Closing sets a flag that the sender checks first: in one goroutine the later send sees it and returns.
              if (checkedBefore(send, flagsSetBefore(close))) continue;
              reported.add(send.node.id);
              context.report(send.file, {
                node: send.node,
                message:
                  `send on ${send.channel.text} (channel field ${field}) after it is closed: ${name} runs the ` +
                  `close at line ${line(close.node)} (through line ${line(first.node)}) and then this send ` +
                  `(through line ${line(second.node)}) in the same goroutine, and a send on a closed channel panics`,
                related: [
                  { node: close.node, message: 'closed here', file: close.file },
                  { node: first.node, message: 'reaches the close', file },
                  { node: second.node, message: 'then reaches the send', file },
                ],
                fix: { description: FIX },
              });
              continue;
            }
            // A goroutine started before does the other half, and nothing in between waits for it.
            const other = kind === 'send' ? `close:${field}` : `send:${field}`;
            const inGoroutine = first.started.get(other);
            if (inGoroutine === undefined) continue;
            const close = opOf.get((kind === 'close' ? reached : inGoroutine).node.id);
            const send = opOf.get((kind === 'send' ? reached : inGoroutine).node.id);
            if (close === undefined || send === undefined || guarded(close, send) || reported.has(send.node.id))
              continue;
            if (synchronisesBetween(fn, first.node.endIndex, second.node.startIndex) !== null) continue;
            // This goroutine's half, reached through a method call, must act on that method's own receiver: a
            // method that makes a fresh value and closes (sends on) its field touches another channel.
            if (!ownReceiverStep(second, kind === 'close' ? close : send, reach.model, file)) continue;
            if (ordersBefore(close.declaration, close.node.startIndex) !== null) continue;
            reported.add(send.node.id);
            // Through a plain function call the value it works on is not known: maybe another value of the type.
            const untied = second.kind === 'call' && methodCall(second.node) === null;
            const started =
              first.kind === 'go'
                ? `starts a goroutine at line ${line(first.node)}`
                : `starts a goroutine (through line ${line(first.node)})`;
            context.report(send.file, {
              node: send.node,
              message:
                kind === 'send'
                  ? `send on ${send.channel.text} (channel field ${field}) may run after it is closed: ${name} ` +
                    `${started} that closes it at line ${line(close.node)}, then sends (through line ` +
                    `${line(second.node)}) without waiting for that goroutine; a send on a closed channel panics` +
                    (untied
                      ? ` (a note: the call at line ${line(second.node)} is a function, not a method of the value, ` +
                        'so whether it works on the same value of the type the rule cannot tell)'
                      : '')
                  : `send on ${send.channel.text} (channel field ${field}) may run after it is closed: ${name} ` +
                    `${started} that sends on it, then closes it (through line ${line(second.node)}) without ` +
                    `waiting for that goroutine; a send on a closed channel panics` +
                    (untied
                      ? ` (a note: the call at line ${line(second.node)} is a function, not a method of the value, ` +
                        'so whether it works on the same value of the type the rule cannot tell)'
                      : ''),
              ...(untied ? { severity: 'info' as const } : {}),
              related: [
                { node: close.node, message: 'closed here', file: close.file },
                { node: first.node, message: 'goroutine started here', file },
              ],
              fix: { description: FIX },
            });
          }
        }
      }
    }
}

/** The value a step works on: the channel's operand for an operation, the receiver for a method call. */
function stepValue(event: ReachEvent): Node | null {
  if (event.kind === 'op') {
    const channel =
      event.node.type === 'send_statement' ? event.node.childForFieldName('channel') : callArguments(event.node)[0];
    return channel?.childForFieldName('operand') ?? null;
  }
  return methodCall(event.node)?.receiver ?? null;
}

/** The channel's operand is the receiver of the method it is written in (`func (s *T) m() { close(s.ch) }`). */
function onOwnReceiver(op: ChannelFieldOp): boolean {
  const operand = op.channel.childForFieldName('operand');
  const receiver = op.declaration
    .childForFieldName('receiver')
    ?.namedChildren.find((c) => c?.type === 'parameter_declaration')
    ?.childForFieldName('name')?.text;
  return operand !== null && receiver !== undefined && unparen(operand).text === receiver;
}

/**
 * Whether the close and the send of the same-goroutine order act on one value: both steps work on the same
 * expression, not reassigned in between, and a step that calls a method reaches an operation on that method's
 * own receiver (a close on another value of the type, or on a fresh one made by a constructor, does not count).
 */
function sameValue(
  fn: Node,
  first: ReachEvent,
  second: ReachEvent,
  close: ChannelFieldOp,
  send: ChannelFieldOp,
  model: PackageModel,
  file: FileFacts,
): boolean {
  const a = stepValue(first);
  const b = stepValue(second);
  if (a === null || b === null || unparen(a).text !== unparen(b).text) return false;
  if (reassignedBetween(fn, a, first.node.endIndex, second.node.startIndex)) return false;
  const owner = model.typeOf(a, file);
  for (const [event, op] of [
    [first, close],
    [second, send],
  ] as const)
    if (event.kind === 'call' && (!onOwnReceiver(op) || model.infoOf(op.declaration)?.receiverType !== owner))
      return false;
  return true;
}

/** A method-call step reaches `op` on the method's own receiver, of the receiver's type (or the type is unknown). */
function ownReceiverStep(step: ReachEvent, op: ChannelFieldOp, model: PackageModel, file: FileFacts): boolean {
  if (step.kind !== 'call') return true;
  const receiver = methodCall(step.node)?.receiver;
  const owner = receiver === undefined ? null : model.typeOf(receiver, file);
  // Through an interface the method is an implementation's, on its own receiver when onOwnReceiver says so.
  if (owner === null || model.pkg.namedTypes.get(owner)?.type === 'interface_type') return true;
  return onOwnReceiver(op) && model.infoOf(op.declaration)?.receiverType === owner;
}

const FIX =
  'close a channel only after its last send: let the sending goroutine close it, or wait for the senders ' +
  '(WaitGroup) before closing; or signal with a separate done channel and never close the data channel';

const FLAG_SETTERS = new Set(['Store', 'Swap', 'CompareAndSwap', 'Add']);

/**
 * The fields the close's function sets before closing, as a "closed" flag: `x.closed.Store(1)` (an atomic),
 * `x.closed = true`.
 */
function flagsSetBefore(close: ChannelFieldOp): Set<string> {
  const flags = new Set<string>();
  walk(close.declaration, (node) => {
    if (node.startIndex >= close.node.startIndex) return false;
    if (node.type === 'call_expression') {
      const m = methodCall(node);
      const receiver = m === null ? null : unparen(m.receiver);
      const field = receiver?.type === 'selector_expression' ? receiver.childForFieldName('field')?.text : undefined;
      if (m !== null && FLAG_SETTERS.has(m.method) && field !== undefined) flags.add(field);
    }
    if (node.type === 'assignment_statement') {
      const left = node.childForFieldName('left')?.namedChildren ?? [];
      const right = node.childForFieldName('right')?.namedChildren ?? [];
      left.forEach((target, i) => {
        const value = right[i];
        if (target?.type === 'selector_expression' && (value?.type === 'true' || value?.type === 'int_literal')) {
          const field = target.childForFieldName('field')?.text;
          if (field !== undefined) flags.add(field);
        }
      });
    }
    return undefined;
  });
  return flags;
}

/**
 * Whether the send's function first returns when one of `flags` is set: `if db.closed.Load() == 1 { return }`
 * before the send. The close's function sets the flag before closing, so a send after the close sees it.
 */
function checkedBefore(send: ChannelFieldOp, flags: Set<string>): boolean {
  if (flags.size === 0) return false;
  let found = false;
  walk(send.declaration, (node) => {
    if (found || node.startIndex >= send.node.startIndex) return false;
    if (node.type !== 'if_statement' || node.endIndex > send.node.startIndex) return undefined;
    const condition = node.childForFieldName('condition');
    const consequence = node.childForFieldName('consequence');
    if (condition === null || consequence === null) return undefined;
    let mentions = false;
    walk(condition, (inner) => {
      if (inner.type === 'field_identifier' && flags.has(inner.text)) mentions = true;
      return mentions ? false : undefined;
    });
    if (!mentions) return undefined;
    walk(consequence, (inner) => {
      if (inner.type === 'return_statement') found = true;
      return found ? false : undefined;
    });
    return undefined;
  });
  return found;
}

/** `close(s.ch); s.ch = make(chan T)`: later sends go to the new channel. */
function remadeAfter(close: ChannelFieldOp): boolean {
  const text = close.channel.text;
  const field = text.slice(text.lastIndexOf('.'));
  let found = false;
  const visit = (node: Node): void => {
    if (found) return;
    for (const child of node.namedChildren) {
      if (child === null) continue;
      if (child.startIndex > close.node.endIndex && child.type === 'assignment_statement') {
        const left = child.childForFieldName('left');
        if (left?.namedChildren.some((target) => target !== null && target.text.endsWith(field))) found = true;
      }
      visit(child);
    }
  };
  visit(close.declaration);
  return found;
}

export const sendAfterClose: Rule = {
  meta: {
    name: 'send-after-close',
    title: 'Send on a closed channel',
    severity: 'error',
    summary: 'A value is sent on a channel after the same function closed it; the send panics.',
    explanation:
      'Sending on a closed channel panics with `panic: send on closed channel` (also when the send is a `select` ' +
      'case). goroscope reports a send that can only be reached after `close(ch)` of the same channel in the same ' +
      "function, with no new channel assigned in between. Across functions it follows a struct's channel field " +
      '(`s.out`, identified by the struct that declares the field, so `w.out` in another method of the same type is ' +
      'the same channel) and needs one function of the package that shows the order: it calls something that ' +
      'closes the field and later, on every path, something that sends on it, in the same goroutine; or it starts ' +
      'a goroutine that closes it (sends on it) and then, with nothing in between that waits (a `Wait`, lock, ' +
      'channel operation, `select` or `sync.Once`), sends on it (closes it) itself. Calls are followed through the ' +
      "package's functions and methods, function values, and interface calls to the package's types that implement " +
      'the interface. Not reported: a send or close made under a lock (the usual `closed` flag checked under the ' +
      'mutex), a send in one goroutine after the close when the closing function first sets a flag ' +
      '(`closed.Store(1)`, `closed = true`) that the sending function checks and returns on before it sends, a ' +
      'goroutine-started half reached in this goroutine through a method that works on another value than its own ' +
      'receiver (a fresh value it makes), a ' +
      'close followed by a new channel stored in the field, and a close that its function makes only after waiting ' +
      '(a `Wait`, a receive or a `select` before it) while the senders run in a goroutine. When that half is ' +
      'reached through a plain function call, which may work on another value of the type, the finding is a note.',
    fix:
      'Close a channel only after the last send, in the sending goroutine:\n\n```go\nfor _, v := range values ' +
      '{\n\tout <- v\n}\nclose(out)\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    checkAcrossFunctions(context);
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
