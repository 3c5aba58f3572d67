// Two misuses of a WaitGroup:
// - More Done than Add: `wg.Add(n)` right before `go func() {...}()`, and a path through the goroutine that
//   calls Done (or Add with a negative constant) more than n times. The extra Done drives the counter below zero.
// - Wait inside the loop that Adds: `for ... { wg.Add(1); go work(); wg.Wait() }` runs the goroutines one at a
//   time. Reported only when nothing visible in the loop makes that deliberate (see serialWait).
import type { Node } from '../load/tree-sitter-go.js';
import {
  FUNCTION_TYPES,
  callArguments,
  dominates,
  insideLoop,
  methodCall,
  rootIdentifier,
  statementCall,
  walk,
} from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';

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
    title: 'WaitGroup counter driven below zero, or Wait inside the loop that Adds',
    severity: 'error',
    summary:
      'A goroutine calls wg.Done (or wg.Add with a negative constant) more often than the wg.Add before its go ' +
      'statement counted, so the counter goes negative and panics; or wg.Wait sits in the loop that Adds and ' +
      'starts the goroutine, so the goroutines run one at a time.',
    explanation:
      'A WaitGroup counter must never go below zero: `Add` with a delta that makes it negative panics with ' +
      '`panic: sync: negative WaitGroup counter`, and `Done` is `Add(-1)`. goroscope reports a goroutine started ' +
      'right after `wg.Add(n)` (n a constant) in which one path calls `wg.Done()` or `wg.Add(-k)` more than n times, ' +
      'counting the Adds of that path: typically a `defer wg.Done()` plus an explicit `wg.Done()` on an early-return ' +
      'path. The first Done lets `wg.Wait()` return too early; the second one panics and ends the program (when ' +
      'the waiter wakes after the counter went negative, `Wait` may panic first with `sync: WaitGroup is reused ' +
      'before previous Wait has returned`). Calls in ' +
      'loops, in nested function literals and with non-constant deltas are not counted, so the rule stays silent ' +
      'rather than guess.\n\n' +
      'The rule also reports `wg.Wait()` inside the loop iteration that calls `wg.Add` and starts the goroutine ' +
      '(`for ... { wg.Add(1); go work(); wg.Wait() }`). Nothing crashes, but each iteration waits for its own ' +
      'goroutine before starting the next, so at most one runs at a time and the concurrency the code was written ' +
      'for never happens. It stays silent when the wait looks deliberate: the loop starts more than one goroutine ' +
      'per iteration (or starts them in an inner loop: batches), the spawner does other work between `go` and ' +
      '`Wait`, the loop runs once (`i < 1`, `range 1`) or is left with `break`, `return` or `goto` after the Wait, ' +
      'the WaitGroup is declared inside the loop body (a fresh group per iteration says the wait is per iteration), ' +
      'the goroutine calls `recover` (it exists to contain a panic or `runtime.Goexit`), or the Wait is in a ' +
      'function literal of its own. It is reported as a warning: the code is correct, only slow.\n\n' +
      'The opposite shape deadlocks: `wg.Add(len(items))` before the loop and `wg.Wait()` inside it. The first ' +
      "Wait waits for every goroutine the Add counted, but only the first iteration's has started, so with two or " +
      'more iterations it never returns. That is reported as an error.',
    fix:
      "Call Done exactly once per counted goroutine, preferably deferred as the goroutine's first statement, and " +
      'remove the explicit calls:\n\n```go\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tif err := step(); err != ' +
      'nil {\n\t\treturn // the deferred Done runs\n\t}\n\tmore()\n}()\n```\n\n' +
      'For a Wait inside the loop, move it after the loop so all goroutines run at once:\n\n```go\nfor _, job := ' +
      'range jobs {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\twork(job)\n\t}()\n}\nwg.Wait()\n```',
    runtimeEffect: 'crash',
    runtimeNote:
      'A `Wait` inside the loop that `Add`s does not crash: each goroutine finishes before the next starts, so the ' +
      'work runs one at a time (proved by running `testdata/rules/waitgroup-misuse/serial`: the positives peak at ' +
      'one running worker, the fixed negatives at more). The Add-before-the-loop shape blocks forever at its ' +
      'Wait (proved by running `testdata/rules/waitgroup-misuse/waitloop`).',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      for (const goStatement of file.nodes('go_statement')) {
        const serial = serialWait(goStatement);
        if (serial !== null) {
          const { wait, add, group } = serial;
          context.report(file, {
            node: wait,
            message:
              `${wait.text} inside the loop that calls ${add.text} and starts the goroutine: each iteration ` +
              `waits for its own goroutine, so the goroutines run one at a time (the loop is sequential)`,
            related: [
              { node: add, message: `${group}.Add in the same iteration` },
              { node: goStatement, message: 'the goroutine this iteration waits for' },
            ],
            fix: { description: `move ${wait.text} after the loop so the goroutines run concurrently` },
            severity: 'warning',
          });
        }
      }
      for (const goStatement of file.nodes('go_statement')) {
        const early = waitBeforeAllStarted(goStatement);
        if (early === null) continue;
        const { wait, add, group } = early;
        context.report(file, {
          node: wait,
          message:
            `${wait.text} inside the loop waits for everything ${add.text} before the loop counted, but only ` +
            `this iteration's goroutine has started: when the loop runs twice or more, the first Wait never returns ` +
            `(deadlock)`,
          related: [
            { node: add, message: `${group}.Add before the loop counts every iteration's goroutine` },
            { node: goStatement, message: 'the only goroutine started before the Wait' },
          ],
          fix: { description: `move ${wait.text} after the loop (or Add(1) inside the loop before each go statement)` },
        });
      }
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
            if (statement.type === 'expression_statement' || statement.type === 'defer_statement')
              changes.push({ statement, call: node, delta, deferred: statement.type === 'defer_statement' });
            else unknown = true;
            return undefined;
          },
          false,
        );
        if (unknown) continue;
        // The spawner Adds to the group again after starting the goroutine (a re-arm after Wait): the count the
        // goroutine's Dones are matched against is not only the Add before it.
        const spawner = nearestFunction(goStatement);
        let reAdded = false;
        if (spawner !== null)
          walk(spawner, (node) => {
            if (reAdded || node.endIndex <= goStatement.endIndex)
              return node.endIndex > goStatement.startIndex ? undefined : false;
            if (node.startIndex >= goStatement.endIndex && node.type === 'call_expression') {
              const m = methodCall(node);
              if (m !== null && m.method === 'Add' && m.receiver.text === group) reAdded = true;
            }
            return undefined;
          });
        if (reAdded) continue;
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
          const how = first.deferred
            ? `the deferred ${first.call.text} at line ${first.statement.startPosition.row + 1} runs as well when ` +
              `the goroutine returns`
            : `${first.call.text} at line ${first.statement.startPosition.row + 1} already ran on this path`;
          context.report(file, {
            node: change.call,
            message:
              `${change.call.text} here drives ${group}'s counter below zero: ${group}.Add(${counted}) at ` +
              `line ${addCall.startPosition.row + 1} counted this goroutine ` +
              `${counted === 1 ? 'once' : `${counted} times`}, and ${how}; panic: sync: negative WaitGroup counter`,
            related: [
              { node: addCall, message: `${group}.Add(${counted}) for this goroutine` },
              { node: first.call, message: 'earlier Done on the same path' },
            ],
            fix: {
              description:
                `call ${group}.Done() once per goroutine (keep the deferred one and remove the explicit ` + `call)`,
            },
          });
        }
      }
    }
  },
};

function nearestFunction(node: Node): Node | null {
  let current = node.parent;
  while (current !== null && !['func_literal', 'function_declaration', 'method_declaration'].includes(current.type))
    current = current.parent;
  return current;
}

function nearestLiteral(node: Node): Node | null {
  let current = node.parent;
  while (current !== null && current.type !== 'func_literal') current = current.parent;
  return current;
}

function nextStatement(statement: Node): Node | null {
  let current = statement.nextNamedSibling;
  while (current !== null && current.type === 'comment') current = current.nextNamedSibling;
  return current;
}

/** Whether a statement can take time or hand work over: it calls something, starts a goroutine or uses a channel. */
function doesWork(statement: Node): boolean {
  if (statement.type === 'go_statement' || statement.type === 'send_statement' || statement.type === 'select_statement')
    return true;
  let found = false;
  walk(
    statement,
    (node) => {
      if (found) return false;
      if (
        node.type === 'call_expression' ||
        node.type === 'send_statement' ||
        (node.type === 'unary_expression' && node.text.startsWith('<-'))
      )
        found = true;
      return undefined;
    },
    false,
  );
  return found;
}

/** The innermost for statement around `node` within the same function, or null. */
function innermostLoop(node: Node): Node | null {
  let current = node.parent;
  while (current !== null) {
    if (current.type === 'for_statement') return current;
    if (FUNCTION_TYPES.has(current.type)) return null;
    current = current.parent;
  }
  return null;
}

/** `for i := 0; i < 1; i++`, `for range 1`, `for i := range 1`: a loop written to run once. */
function runsOnce(loop: Node): boolean {
  for (const child of loop.namedChildren) {
    if (child === null) continue;
    if (child.type === 'for_clause') {
      const condition = child.childForFieldName('condition');
      if (condition?.type !== 'binary_expression') return false;
      const operator = condition.childForFieldName('operator')?.text;
      const right = condition.childForFieldName('right')?.text;
      return (operator === '<' && right === '1') || (operator === '<=' && right === '0');
    }
    if (child.type === 'range_clause') return child.childForFieldName('right')?.text === '1';
  }
  return false;
}

/**
 * Whether `jump` (a break) leaves `loop`: unlabelled and not inside an inner for/switch/select, or labelled with the
 * loop's label.
 */
function breaksOut(jump: Node, loop: Node): boolean {
  const label = jump.namedChild(0)?.text;
  if (label !== undefined)
    return loop.parent?.type === 'labeled_statement' && loop.parent.childForFieldName('label')?.text === label;
  let current = jump.parent;
  while (current !== null && current.id !== loop.id) {
    if (
      current.type === 'for_statement' ||
      current.type.endsWith('switch_statement') ||
      current.type === 'select_statement'
    )
      return false;
    current = current.parent;
  }
  return true;
}

/**
 * `go` followed in its statement list (possibly after statements that do no work) by `X.Wait()`, inside a loop
 * whose body, in the same iteration and before the go statement, calls `X.Add`, and that starts no other
 * goroutine. Returns null whenever the waiting may be deliberate.
 */
function serialWait(goStatement: Node): { wait: Node; add: Node; group: string } | null {
  const loop = innermostLoop(goStatement);
  const body = loop?.childForFieldName('body');
  if (loop === null || body === null || body === undefined || runsOnce(loop)) return null;
  let wait: Node | null = null;
  let group = '';
  for (let next = nextStatement(goStatement); next !== null; next = nextStatement(next)) {
    const call = next.type === 'expression_statement' ? statementCall(next) : null;
    const m = call === null ? null : methodCall(call);
    if (call !== null && m !== null && m.method === 'Wait' && callArguments(call).length === 0) {
      wait = call;
      group = m.receiver.text;
      break;
    }
    if (doesWork(next)) return null;
  }
  if (wait === null) return null;
  const found: { add: Node | null } = { add: null };
  let goroutines = 0;
  let leaves = false;
  // Nested function literals are entered: a goroutine that starts goroutines of its own makes the loop concurrent.
  walk(
    body,
    (node) => {
      if (node.type === 'go_statement') goroutines++;
      const inLiteral = innermostFunction(node, loop) !== null;
      if (inLiteral) return undefined;
      if (
        (node.type === 'return_statement' || node.type === 'goto_statement') &&
        wait !== null &&
        node.startIndex > wait.endIndex
      )
        leaves = true;
      if (node.type === 'break_statement' && breaksOut(node, loop)) leaves = true;
      if (
        node.type === 'call_expression' &&
        found.add === null &&
        node.endIndex <= goStatement.startIndex &&
        innermostLoop(node)?.id === loop.id
      ) {
        const m = methodCall(node);
        if (m !== null && m.method === 'Add' && m.receiver.text === group) found.add = node;
      }
      return undefined;
    },
    false,
  );
  if (found.add === null || goroutines !== 1 || leaves) return null;
  const root = rootIdentifier(receiverOf(wait));
  if (root !== null && declaresIn(body, root)) return null;
  if (recovers(goStatement)) return null;
  return { wait, add: found.add, group };
}

/** The nearest function literal between `node` and `stop`, or null. */
function innermostFunction(node: Node, stop: Node): Node | null {
  let current = node.parent;
  while (current !== null && current.id !== stop.id) {
    if (current.type === 'func_literal') return current;
    current = current.parent;
  }
  return null;
}

/** The receiver of a method call (`wg` of `wg.Wait()`); the call itself when it has none. */
function receiverOf(call: Node): Node {
  return methodCall(call)?.receiver ?? call;
}

/** Whether `name` is declared in `body` outside function literals: a group made fresh for each iteration. */
function declaresIn(body: Node, name: string): boolean {
  let found = false;
  walk(body, (node) => {
    if (found) return false;
    if (node.type === 'var_spec' || node.type === 'short_var_declaration') {
      const names =
        node.type === 'var_spec'
          ? node.childrenForFieldName('name')
          : (node.childForFieldName('left')?.namedChildren ?? []);
      for (const declared of names) if (declared?.text === name) found = true;
    }
    return undefined;
  });
  return found;
}

/** Whether the started goroutine recovers: it exists to contain a panic or Goexit, so waiting for it is the point. */
function recovers(goStatement: Node): boolean {
  let found = false;
  walk(
    goStatement,
    (node) => {
      if (found) return false;
      if (node.type === 'call_expression' && node.childForFieldName('function')?.text === 'recover') found = true;
      return undefined;
    },
    false,
  );
  return found;
}

/**
 * `wg.Add(n)` before a loop (n not the constant 1) whose body starts one goroutine that calls `wg.Done()` and then
 * calls `wg.Wait()`, with no Add in the loop: the first Wait waits for goroutines later iterations would start.
 */
function waitBeforeAllStarted(goStatement: Node): { wait: Node; add: Node; group: string } | null {
  const loop = innermostLoop(goStatement);
  const body = loop?.childForFieldName('body');
  if (loop === null || body === null || body === undefined || runsOnce(loop)) return null;
  const list = goStatement.parent;
  if (list === null || (list.id !== body.id && list.parent?.id !== body.id)) return null;
  let wait: Node | null = null;
  for (let next = nextStatement(goStatement); next !== null && wait === null; next = nextStatement(next)) {
    const call = next.type === 'expression_statement' ? statementCall(next) : null;
    const m = call === null ? null : methodCall(call);
    if (call !== null && m !== null && m.method === 'Wait' && callArguments(call).length === 0) wait = call;
  }
  if (wait === null) return null;
  const group = receiverOf(wait).text;
  let goroutines = 0;
  let addInLoop = false;
  let leaves = false;
  let done = false;
  walk(
    body,
    (node) => {
      if (node.type === 'go_statement') goroutines++;
      if (node.type === 'return_statement' || node.type === 'goto_statement' || node.type === 'break_statement')
        leaves = true;
      if (node.type !== 'call_expression') return undefined;
      const m = methodCall(node);
      if (m === null || m.receiver.text !== group) return undefined;
      if (m.method === 'Add') addInLoop = true;
      if (m.method === 'Done' && node.startIndex > goStatement.startIndex && node.endIndex <= goStatement.endIndex)
        done = true;
      return undefined;
    },
    false,
  );
  if (goroutines !== 1 || addInLoop || leaves || !done) return null;
  // The Add is a statement before the loop in the same list, with a count other than the constant 1.
  let add: Node | null = null;
  for (let before = loop.previousNamedSibling; before !== null && add === null; before = before.previousNamedSibling) {
    const call = before.type === 'expression_statement' ? statementCall(before) : null;
    const m = call === null ? null : methodCall(call);
    if (call !== null && m !== null && m.method === 'Add' && m.receiver.text === group) add = call;
  }
  if (add === null) return null;
  const count = callArguments(add)[0];
  if (count === undefined || count.text === '1' || count.text === '0') return null;
  return { wait, add, group };
}
