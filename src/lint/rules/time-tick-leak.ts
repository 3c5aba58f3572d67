// time.Tick in a function that can return, in a module whose go.mod says go 1.22 or older built by a toolchain
// before Go 1.27: the ticker can never be stopped, and with the old timers (asynctimerchan=1, removed in Go 1.27)
// it is never garbage collected either.
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import type { Node } from '../load/tree-sitter-go.js';
import { enclosingFunction, FUNCTION_TYPES, insideLoop, statementOf, unparen } from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';

/** `time.Tick(...)` with package time under any import name. */
function isTimeTick(call: Node, file: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn === null || fn.type !== 'selector_expression') return false;
  const pkg = fn.childForFieldName('operand');
  return (
    pkg !== null &&
    pkg.type === 'identifier' &&
    file.imports.get(pkg.text) === 'time' &&
    fn.childForFieldName('field')?.text === 'Tick'
  );
}

/** Whether control can leave `loop` (a for statement): a condition, a return, a goto, or a break that targets it. */
function loopCanEnd(loop: Node, tickNames: Set<string>): boolean {
  const body = loop.childForFieldName('body');
  for (const child of loop.namedChildren) {
    if (child === null || child.id === body?.id) continue;
    // `for cond {}` and three-clause loops end; `for range ch` ends when the channel is closed (a ticker's never is).
    if (child.type === 'for_clause') return true;
    if (child.type === 'range_clause') {
      const right = child.childForFieldName('right');
      const overTick =
        right !== null &&
        ((right.type === 'call_expression' &&
          right.childForFieldName('function')?.childForFieldName('field')?.text === 'Tick') ||
          (right.type === 'identifier' && tickNames.has(right.text)));
      if (!overTick) return true;
      continue;
    }
    if (child.type !== 'comment') return true;
  }
  const label = loop.parent?.type === 'labeled_statement' ? loop.parent.childForFieldName('label')?.text : undefined;
  let ends = false;
  const visit = (node: Node, depth: number): void => {
    for (const child of node.namedChildren) {
      if (child === null || ends || FUNCTION_TYPES.has(child.type)) continue;
      if (child.type === 'return_statement' || child.type === 'goto_statement') ends = true;
      else if (child.type === 'break_statement') {
        const target = child.namedChild(0)?.text;
        if ((target === undefined && depth === 0) || (target !== undefined && target === label)) ends = true;
      } else {
        // An unlabelled break inside a nested loop, switch or select leaves that statement, not this loop.
        const nests =
          child.type === 'for_statement' ||
          child.type === 'expression_switch_statement' ||
          child.type === 'type_switch_statement' ||
          child.type === 'select_statement';
        visit(child, nests ? depth + 1 : depth);
      }
    }
  };
  if (body !== null) visit(body, 0);
  return ends;
}

/** Whether the function never returns after `statement`: the statement, or a later one in the same list, is a
 * loop that cannot end. The ticker then lives exactly as long as it is used. */
function neverReturnsAfter(statement: Node): boolean {
  // `c := time.Tick(d)` followed by `for range c`: the channel in c is never closed.
  const tickNames = new Set<string>();
  if (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') {
    const left = statement.childForFieldName('left');
    const first = left?.type === 'expression_list' ? left.namedChild(0) : left;
    if (first !== null && first !== undefined && first.type === 'identifier') tickNames.add(first.text);
  }
  let current: Node | null = statement;
  while (current !== null) {
    if (current.type === 'for_statement' && !loopCanEnd(current, tickNames)) return true;
    if (current.type === 'labeled_statement') {
      const inner = current.namedChildren.find((child) => child !== null && child.type === 'for_statement');
      if (inner !== undefined && inner !== null && !loopCanEnd(inner, tickNames)) return true;
    }
    if (current.type === 'return_statement') return false;
    current = current.nextNamedSibling;
  }
  return false;
}

export const timeTickLeak: Rule = {
  meta: {
    name: 'time-tick-leak',
    title: 'time.Tick leaks its ticker (go line before 1.23, toolchain before Go 1.27)',
    severity: 'warning',
    summary:
      'time.Tick is called in a function that returns; with go.mod below 1.23 and a toolchain before Go 1.27 the ' +
      'ticker is never stopped nor garbage collected.',
    explanation:
      "`time.Tick` returns only the ticker's channel, so the ticker can never be stopped. The time package " +
      'documentation (`$(go env GOROOT)/src/time/tick.go`) says: "Before Go 1.23, this documentation warned that the ' +
      'underlying Ticker would never be recovered by the garbage collector ... As of Go 1.23, the garbage collector ' +
      'can recover unreferenced tickers, even if they haven\'t been stopped." Which behaviour a program gets depends ' +
      'on two things. The go line: from Go 1.23 to Go 1.26 the `asynctimerchan` GODEBUG setting ' +
      '(`internal/godebugs/table.go`: `Changed: 23, Old: "1"`) defaults to `1`, the old timers, when the main ' +
      "module's go.mod says `go 1.22` or older. The toolchain: Go 1.27 removed the setting " +
      '(`Removed: 27` in the same table) and with it the old timers, whatever the go line says; asking for them ' +
      '(`godebug asynctimerchan=1` in go.mod, `GODEBUG=asynctimerchan=1`) is an error. Measured here with a ' +
      '`go 1.22` module making 200000 `time.Tick(time.Hour)` tickers and dropping them: after GC about 41 MB stayed ' +
      'on the heap with Go 1.22.12, 52 MB with Go 1.23.12 and 1.26.8, and at most 10 KB with Go 1.27.3 (the timer ' +
      'channel had capacity 1 with the first three, 0 with Go 1.27.3); at `go 1.23` it was at most 4 KB with every ' +
      'toolchain (`scripts/toolchain-timers.sh`). So goroscope reports only for a module whose go line is 1.22 or older and built by a toolchain ' +
      "before Go 1.27. The toolchain it assumes: `--go-toolchain` or the config's `lint.goToolchain` when set, else " +
      "the newer of go.mod's `toolchain` line (with the default `GOTOOLCHAIN=auto` the go command switches to it " +
      'when the installed go is older) and the installed go (`go env GOVERSION`); with neither it reports. A ' +
      '`GOTOOLCHAIN` setting in the environment that forces another release is not seen: pass `--go-toolchain`. ' +
      'goroscope goes by the go line of the module it lints, which decides when that module is the program; a ' +
      'library at `go 1.22` built into a program at `go 1.23` or later gets the new behaviour, and a ' +
      '`godebug asynctimerchan=1` line that brings the old timers back to a newer module is not read. A ' +
      'function that never returns (`main`, `init`, a `for range time.Tick(d)` loop without a way out) uses its ' +
      'ticker for the life of the program and is not reported.',
    fix:
      'Use a ticker you can stop, or move the module to `go 1.23` or later:\n\n```go\nticker := ' +
      'time.NewTicker(time.Second)\ndefer ticker.Stop()\nfor {\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn\n\tcase ' +
      '<-ticker.C:\n\t\tpoll()\n\t}\n}\n```',
    runtimeEffect: 'static',
    onlyBeforeGo: 23,
    onlyBeforeToolchain: 27,
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      if (![...file.imports.values()].includes('time')) continue;
      for (const call of file.nodes('call_expression')) {
        if (!isTimeTick(call, file)) continue;
        const fn = enclosingFunction(call);
        // A package-level ticker lives as long as the program.
        if (fn === null) continue;
        const name = fn.type === 'function_declaration' ? fn.childForFieldName('name')?.text : undefined;
        if (name === 'init' || (name === 'main' && file.packageName === 'main')) continue;
        // A function that main calls once, outside any loop: its ticker lives as long as the process does.
        if (name !== undefined && file.packageName === 'main' && calledOnceFromMain(name, context.pkg)) continue;
        const statement = statementOf(call);
        if (statement === null) continue;
        // `for range time.Tick(d)` is the statement itself; `c := time.Tick(d)` is followed by the loop.
        if (neverReturnsAfter(statement)) continue;
        // Inside a loop body every iteration makes a new ticker, whether or not the function returns.
        const perIteration = insideLoop(statement, fn);
        context.report(file, {
          node: call,
          message: perIteration
            ? `${unparen(call).text} makes a new ticker on every iteration of the loop and none is ever stopped; ` +
              `with this module's go.mod below 1.23 and a toolchain before Go 1.27 they are never garbage collected ` +
              `either, so each iteration leaks one`
            : `${unparen(call).text} makes a ticker that is never stopped; this function returns, and with this ` +
              `module's go.mod below 1.23 and a toolchain before Go 1.27 the ticker is never garbage collected ` +
              `either, so every call leaks one`,
          fix: {
            description:
              'use t := time.NewTicker(d) with defer t.Stop(), or raise the go line in go.mod to 1.23 or later ' +
              '(or build with Go 1.27 or later)',
          },
        });
      }
    }
  },
};

/** Whether the only uses of function `name` in the package are calls made once by main (not in a loop or literal). */
function calledOnceFromMain(name: string, pkg: PackageFacts): boolean {
  let calls = 0;
  for (const file of pkg.files)
    for (const id of file.nodes('identifier')) {
      if (id.text !== name || id.parent?.type === 'function_declaration') continue;
      const call = id.parent;
      if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== id.id) return false;
      const fn = enclosingFunction(call);
      if (fn?.type !== 'function_declaration' || fn.childForFieldName('name')?.text !== 'main') return false;
      if (insideLoop(call, fn)) return false;
      calls++;
    }
  return calls === 1;
}
