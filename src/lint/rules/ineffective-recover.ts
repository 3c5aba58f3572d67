// recover() only stops a panic when the deferred function itself calls it. `defer recover()` and a helper
// that calls recover() from inside a deferred closure both return nil and let the panic through.
import type { Node } from '../load/tree-sitter-go.js';
import { calleeName, enclosingFunction, walk } from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';

function isRecoverCall(node: Node): boolean {
  return (
    node.type === 'call_expression' &&
    calleeName(node) === 'recover' &&
    (node.childForFieldName('arguments')?.namedChildCount ?? 0) === 0
  );
}

/** The func literal deferred by `defer func() {...}()`, if `literal` is one. */
function isDeferredLiteral(literal: Node): boolean {
  const call = literal.parent;
  return (
    call !== null &&
    call.type === 'call_expression' &&
    call.childForFieldName('function')?.id === literal.id &&
    call.parent?.type === 'defer_statement'
  );
}

function callsRecoverDirectly(body: Node): Node | null {
  let found: Node | null = null;
  walk(body, (node) => {
    if (found !== null) return false;
    if (isRecoverCall(node)) found = node;
    return undefined;
  });
  return found;
}

export const ineffectiveRecover: Rule = {
  meta: {
    name: 'ineffective-recover',
    title: 'recover() that cannot stop a panic',
    severity: 'error',
    summary: 'recover() is not called directly by a deferred function, so it returns nil and the panic continues.',
    explanation:
      'The Go specification says `recover` returns nil when it is not called directly by a deferred function. ' +
      '`defer recover()` defers recover itself (no deferred function calls it), and a helper such as `handlePanic()` ' +
      'called from inside `defer func() { ... }()` is one call too deep. In both cases the panic is not stopped and ' +
      'the program crashes as if there were no recover at all.',
    fix:
      'Call recover directly in the deferred function, or defer the helper itself:\n\n```go\ndefer func() {\n\tif ' +
      'r := recover(); r != nil {\n\t\tlog.Print(r)\n\t}\n}()\n// or\ndefer handlePanic()\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    // Package functions whose own body calls recover(): deferring them works, calling them does not.
    const recoveringFunctions = new Map<string, Node>();
    for (const file of pkg.files) {
      if (!file.source.includes('recover()')) continue;
      for (const call of file.nodes('call_expression')) {
        if (!isRecoverCall(call)) continue;
        const decl = enclosingFunction(call);
        const name = decl?.type === 'function_declaration' ? decl.childForFieldName('name')?.text : undefined;
        if (name !== undefined && !recoveringFunctions.has(name)) recoveringFunctions.set(name, call);
      }
    }
    for (const file of pkg.files) {
      for (const statement of file.nodes('defer_statement')) {
        const call = statement.namedChild(0);
        if (call !== null && isRecoverCall(call)) {
          context.report(file, {
            node: statement,
            message:
              'defer recover() does not stop a panic: recover must be called by the deferred function, not deferred ' +
              'itself',
            fix: {
              description:
                'defer a function that calls recover: defer func() { if r := recover(); r != nil { /* handle */ } }()',
            },
          });
        }
      }
      if (recoveringFunctions.size === 0 && !file.source.includes('recover()')) continue;
      for (const call of file.nodes('call_expression')) {
        if (call.parent?.type === 'defer_statement' || call.parent?.type === 'go_statement') continue;
        const fn = enclosingFunction(call);
        if (fn === null || fn.type !== 'func_literal' || !isDeferredLiteral(fn)) continue;
        const callee = call.childForFieldName('function');
        if (callee === null) continue;
        if (callee.type === 'func_literal') {
          const body = callee.childForFieldName('body');
          const inner = body === null ? null : callsRecoverDirectly(body);
          if (inner !== null) {
            context.report(file, {
              node: inner,
              message:
                `recover() here runs in a function called by the deferred function (line ` +
                `${fn.startPosition.row + 1}), not by the deferred function itself, so it returns nil and the panic ` +
                `continues`,
              related: [{ node: fn, message: 'the deferred function' }],
              fix: { description: 'move the recover() call into the deferred function body' },
            });
          }
          continue;
        }
        const name = calleeName(call);
        const target = name === null ? undefined : recoveringFunctions.get(name);
        if (name === null || target === undefined) continue;
        const targetFile = pkg.files.find(
          (other) =>
            other.root.startIndex <= target.startIndex &&
            other
              .nodes('function_declaration')
              .some(
                (decl) =>
                  decl.childForFieldName('name')?.text === name &&
                  decl.startIndex <= target.startIndex &&
                  decl.endIndex >= target.endIndex,
              ),
        );
        context.report(file, {
          node: call,
          message:
            `${name}() calls recover() but is called by the deferred function, not deferred itself, so ` +
            `recover returns nil and the panic continues`,
          related: targetFile ? [{ node: target, message: `recover() in ${name}`, file: targetFile }] : [],
          fix: { description: `defer ${name}() directly instead of calling it from a deferred closure` },
        });
      }
    }
  },
};
