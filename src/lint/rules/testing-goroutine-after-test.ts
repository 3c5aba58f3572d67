// A *testing.T (or B, F, TB) used from a goroutine the test does not wait for: Error/Fail after the test has
// completed panics, Log output goes to a parent test or panics once every parent is done, and FailNow/Fatal/Skip
// from any goroutine but the test's own stop only that goroutine.
import type { Node } from '../load/tree-sitter-go.js';
import { enclosingFunction, methodCall, unparen, walk } from '../load/syntax.js';
import type { FileFacts } from '../facts/package-facts.js';
import { goroutineReach, type ReachedOp } from '../facts/goroutine-reach.js';
import { packageModel, type PackageModel } from '../model/package-model.js';
import type { Rule, RuleContext } from '../framework/rule.js';

const STOP = new Set(['FailNow', 'Fatal', 'Fatalf', 'SkipNow', 'Skip', 'Skipf']);
const FAIL = new Set(['Error', 'Errorf', 'Fail']);
const LOG = new Set(['Log', 'Logf']);
const TESTING_TYPES = new Set(['T', 'B', 'F', 'TB']);

/** Whether a declared type is testing.T/B/F/TB (through a pointer) or a local interface named like one. */
function testingType(type: Node | null, file: FileFacts, method: string, model: PackageModel): boolean {
  if (type === null) return false;
  const inner = type.type === 'pointer_type' ? type.namedChild(0) : type;
  if (inner === null) return false;
  if (inner.type === 'qualified_type') {
    const pkg = inner.childForFieldName('package')?.text;
    const name = inner.childForFieldName('name')?.text;
    return pkg !== undefined && file.imports.get(pkg) === 'testing' && TESTING_TYPES.has(name ?? '');
  }
  if (inner.type !== 'type_identifier' || !/^(Testing\w*|TB|TestReporter)$/.test(inner.text)) return false;
  const declared = model.pkg.namedTypes.get(inner.text);
  return declared?.type === 'interface_type' && new RegExp(`\\b${method}\\b`).test(declared.text);
}

/** The declared type of identifier `name` at `at`: a parameter or typed var of an enclosing function. */
function declaredType(name: string, at: Node): Node | null {
  for (let fn = enclosingFunction(at); fn !== null; fn = enclosingFunction(fn)) {
    let found: Node | null = null;
    for (const part of [fn.childForFieldName('receiver'), fn.childForFieldName('parameters')])
      for (const decl of part?.namedChildren ?? [])
        if (decl?.type === 'parameter_declaration' && decl.childrenForFieldName('name').some((n) => n?.text === name))
          found = decl.childForFieldName('type');
    if (found !== null) return found;
  }
  return null;
}

/** `t.Fatal(...)` on a testing value: the kind of call, or null. */
function testingCall(call: Node, file: FileFacts, model: PackageModel): 'stop' | 'fail' | 'log' | null {
  const m = methodCall(call);
  if (m === null) return null;
  const kind = STOP.has(m.method) ? 'stop' : FAIL.has(m.method) ? 'fail' : LOG.has(m.method) ? 'log' : null;
  if (kind === null) return null;
  const receiver = unparen(m.receiver);
  if (receiver.type === 'identifier')
    return testingType(declaredType(receiver.text, call), file, m.method, model) ? kind : null;
  if (receiver.type === 'selector_expression') {
    const operand = receiver.childForFieldName('operand');
    const field = receiver.childForFieldName('field')?.text;
    const owner = operand === null ? null : model.typeOf(operand, file);
    const found = owner === null || field === undefined ? null : model.fieldType(owner, field);
    return found !== null && testingType(found.type, found.file, m.method, model) ? kind : null;
  }
  return null;
}

/** A function literal whose own parameter is a testing value (`t.Run("x", func(t *testing.T) {...})`). */
function ownTestBody(call: Node, file: FileFacts, model: PackageModel): boolean {
  const fn = enclosingFunction(call);
  const receiver = methodCall(call)?.receiver;
  if (fn?.type !== 'func_literal' || receiver === undefined || unparen(receiver).type !== 'identifier') return false;
  const params = fn.childForFieldName('parameters');
  return (params?.namedChildren ?? []).some(
    (decl) =>
      decl?.type === 'parameter_declaration' &&
      decl.childrenForFieldName('name').some((n) => n?.text === unparen(receiver).text) &&
      testingType(decl.childForFieldName('type'), file, methodCall(call)?.method ?? '', model),
  );
}

/** A step after `offset` in `fn` (deferred ones and Cleanup functions too) that waits for other goroutines. */
function waitsAfter(fn: Node, offset: number): boolean {
  let found = false;
  walk(
    fn,
    (node) => {
      if (found || node.endIndex <= offset) return false;
      if (node.type === 'go_statement') return false;
      if (node.startIndex < offset) return undefined;
      if (node.type === 'call_expression' && methodCall(node)?.method === 'Wait') found = true;
      if (
        (node.type === 'unary_expression' && node.text.startsWith('<-')) ||
        node.type === 'select_statement' ||
        node.type === 'receive_statement'
      )
        found = true;
      return undefined;
    },
    false,
  );
  return found;
}

const MESSAGES = {
  stop: (call: string, where: string) =>
    `${call} runs in ${where}, not in the goroutine running the test: FailNow (and ` +
    `Fatal, Skip) only stops the goroutine that calls it (runtime.Goexit), so the test goes on as if nothing ` +
    `happened after marking itself failed`,
  fail: (call: string, where: string) =>
    `${call} runs in ${where}, which nothing waits for: when it runs after the test has ` +
    `returned, it panics with "Fail in goroutine after <Test> has completed" and ends the whole test binary`,
  log: (call: string, where: string) =>
    `${call} runs in ${where}, which nothing waits for: after the test has returned ` +
    `its output goes to a parent test's log (or is lost), and once the test and all its parents have completed ` +
    `it panics with "Log in goroutine after <Test> has completed"`,
};

/** The file name of a path, as messages name another file. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `t.Fatal` for a call `t.Fatal("...")`. */
function callText(call: Node): string {
  return call.childForFieldName('function')?.text ?? call.text;
}

export const testingGoroutineAfterTest: Rule = {
  meta: {
    name: 'testing-goroutine-after-test',
    title: 'Test reporting from a goroutine the test does not wait for',
    severity: 'error',
    summary:
      'A *testing.T is used from a goroutine: FailNow/Fatal there stop only that goroutine, and Error/Log after ' +
      'the test returned panic or land in another test.',
    explanation:
      'The testing package says FailNow "must be called from the goroutine running the test or benchmark ' +
      'function, not from other goroutines created during the test". `FailNow`, `Fatal`, `Fatalf`, `SkipNow`, ' +
      '`Skip` and `Skipf` call `runtime.Goexit`, which ends only the calling goroutine: from another goroutine the ' +
      "test is marked failed but goes on (checked with Go 1.26.8: the line after the goroutine's `t.Fatal` still " +
      'runs). `Error`, `Errorf` and `Fail` in a goroutine that runs after the test returned panic with `panic: Fail ' +
      'in goroutine after TestX has completed`, which ends the test binary; `Log` and `Logf` then write to the ' +
      'closest parent test that is still running and panic with `Log in goroutine after TestX has completed` once ' +
      'every parent is done (`$(go env GOROOT)/src/testing/testing.go`, `common.Fail` and `common.destination`). ' +
      'goroscope follows the calls a goroutine makes through the package (methods by receiver type, interface ' +
      "calls to the package's types that implement the interface, function values) to a `*testing.T`, `B`, `F` or `TB`, or to a local interface " +
      'named like one (`TestingT`) that declares the method. It reports FailNow and friends from any goroutine, ' +
      'and Error/Fail/Log from a goroutine that nothing waits for: neither the function that starts it nor (in the ' +
      'same goroutine) its callers wait afterwards (`Wait`, a receive or `select`, also deferred or in a ' +
      "`t.Cleanup` function). go vet's testinggoroutine analyzer reports only the first kind, and only for calls " +
      "written in the goroutine's function or in a function the `go` statement names; it does not follow further " +
      'calls or interfaces, and does not report Error or Log in goroutines that outlive the test. FailNow from ' +
      'another goroutine is a warning; Error and Log from a goroutine nothing waits for are notes, because in real ' +
      'test code the late call mostly runs on a path where the test has already failed or timed out.',
    fix:
      'Report from the test goroutine: send the error back, or wait for the goroutine before the test returns:\n\n' +
      '```go\nerrc := make(chan error, 1)\ngo func() { errc <- work() }()\nif err := <-errc; err != nil {\n' +
      '\tt.Fatal(err)\n}\n```',
    runtimeEffect: 'static',
    runtimeNote:
      'Error/Fail after the test returned panics and ends the test binary; Fatal from another goroutine lets the ' +
      'test go on; proofs in `test/rules-testing.test.ts` run each positive with `go test`.',
  },
  check(context: RuleContext): void {
    const model = packageModel(context.pkg);
    const ops: { key: string; node: Node; file: FileFacts }[] = [];
    for (const file of context.pkg.files) {
      if (
        ![...file.imports.values()].includes('testing') &&
        ![...context.pkg.namedTypes.keys()].some((n) => /^Testing/.test(n))
      )
        continue;
      for (const call of file.nodes('call_expression')) {
        const kind = testingCall(call, file, model);
        if (kind !== null && !ownTestBody(call, file, model)) ops.push({ key: kind, node: call, file });
      }
    }
    if (ops.length === 0) return;
    const reach = goroutineReach(context.pkg, ops);
    // Same-goroutine callers of each function, with the call.
    const callers = new Map<number, { fn: Node; call: Node }[]>();
    for (const file of context.pkg.files)
      for (const call of file.nodes('call_expression')) {
        if (call.parent?.type === 'go_statement') continue;
        const fn = enclosingFunction(call);
        if (fn === null) continue;
        for (const callee of reach.calleesOf(call, file)) {
          const list = callers.get(callee.node.id) ?? [];
          list.push({ fn, call });
          callers.set(callee.node.id, list);
        }
      }
    /** Whether, after `offset` in `fn` or after a call to `fn` in its callers, something waits. */
    const waited = (fn: Node, offset: number, depth: number): boolean => {
      if (waitsAfter(fn, offset)) return true;
      if (depth > 4) return true;
      return (callers.get(fn.id) ?? []).some(({ fn: caller, call }) => waited(caller, call.endIndex, depth + 1));
    };
    const reported = new Set<number>();
    for (const file of context.pkg.files)
      for (const go of file.nodes('go_statement')) {
        const fn = enclosingFunction(go);
        if (fn === null) continue;
        const event = reach.eventsOf(fn, file).find((e) => e.node.id === go.id);
        if (event === undefined) continue;
        const pick = (kind: string): ReachedOp | undefined => event.started.get(kind);
        const stop = pick('stop');
        const line = go.startPosition.row + 1;
        if (stop !== undefined && !reported.has(stop.node.id)) {
          reported.add(stop.node.id);
          context.report(stop.file, {
            node: stop.node,
            severity: 'warning',
            message: MESSAGES.stop(
              callText(stop.node),
              `the goroutine started at ${stop.file.path === file.path ? 'line ' : `${baseName(file.path)}:`}${line}`,
            ),
            related: [{ node: go, message: 'goroutine started here', file }],
            fix: { description: 'send the failure to the test goroutine and call t.Fatal there' },
          });
        }
        const late = pick('fail') ?? pick('log');
        if (late === undefined || waited(fn, go.endIndex, 0)) continue;
        const kind = pick('fail') !== undefined ? 'fail' : 'log';
        if (reported.has(go.id)) continue;
        reported.add(go.id);
        context.report(file, {
          node: go,
          // In test code a late Error or Log mostly follows a test that already failed or timed out: a note.
          severity: 'info',
          message: MESSAGES[kind](
            `${callText(late.node)} (line ${late.node.startPosition.row + 1}${late.file.path === file.path ? '' : ` of ${baseName(late.file.path)}`})`,
            'this goroutine',
          ),
          related: [{ node: late.node, message: 'uses the test here', file: late.file }],
          fix: { description: 'wait for the goroutine before the test returns (WaitGroup, a done channel, t.Cleanup)' },
        });
      }
  },
};
