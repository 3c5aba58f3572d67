// A deferred recover() in a goroutine whose body writes a map that other goroutines write too. Concurrent map
// writes end the program with a fatal error, which no recover stops, so the guard does not do what it is for.
import type { Node } from '../load/tree-sitter-go.js';
import { calleeName, callArguments, enclosingFunction, unparen, walk } from '../load/syntax.js';
import type { FileFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';

function isRecoverCall(node: Node): boolean {
  return node.type === 'call_expression' && calleeName(node) === 'recover' && callArguments(node).length === 0;
}

/** The recover() a deferred statement makes effective: `defer func() { recover() }()` or `defer helper()`. */
function deferredRecover(statement: Node, recovering: Map<string, Node>): Node | null {
  const call = statement.namedChild(0);
  if (call === null || call.type !== 'call_expression') return null;
  const fn = call.childForFieldName('function');
  if (fn !== null && fn.type === 'func_literal') {
    let found: Node | null = null;
    const body = fn.childForFieldName('body');
    if (body !== null) {
      walk(body, (node) => {
        if (found !== null) return false;
        if (isRecoverCall(node)) found = node;
        return undefined;
      });
    }
    return found;
  }
  const name = calleeName(call);
  return name === null ? null : recovering.get(name) !== undefined ? call : null;
}

/** Map writes `m[k] = v`, `m[k] op= v`, `m[k]++` and `delete(m, k)` on a plain identifier, outside nested literals. */
function mapWrites(body: Node): { node: Node; name: string }[] {
  const out: { node: Node; name: string }[] = [];
  const indexed = (target: Node | null): string | null => {
    if (target === null) return null;
    const inner = unparen(target);
    if (inner.type !== 'index_expression') return null;
    const operand = inner.childForFieldName('operand');
    return operand !== null && operand.type === 'identifier' ? operand.text : null;
  };
  walk(body, (node) => {
    if (node.type === 'assignment_statement') {
      const left = node.childForFieldName('left');
      for (const target of left === null ? [] : left.type === 'expression_list' ? left.namedChildren : [left]) {
        const name = indexed(target);
        if (name !== null && target !== null) out.push({ node: target, name });
      }
    } else if (node.type === 'inc_statement' || node.type === 'dec_statement') {
      const target = node.namedChild(0);
      const name = indexed(target);
      if (name !== null && target !== null) out.push({ node: target, name });
    } else if (node.type === 'call_expression' && calleeName(node) === 'delete') {
      const first = callArguments(node)[0];
      if (first !== undefined && unparen(first).type === 'identifier') out.push({ node, name: unparen(first).text });
    }
    return undefined;
  });
  return out;
}

function isMapValue(value: Node | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  const inner = unparen(value);
  if (inner.type === 'composite_literal') return inner.childForFieldName('type')?.type === 'map_type';
  if (inner.type === 'call_expression' && calleeName(inner) === 'make')
    return callArguments(inner)[0]?.type === 'map_type';
  return false;
}

interface Declaration {
  node: Node;
  isMap: boolean;
}

/** The last declaration of `name` in `scope` before offset `before` (not looking into nested literals). */
function declarationIn(scope: Node, name: string, before: number): Declaration | null {
  let found: Declaration | null = null;
  walk(scope, (node) => {
    if (node.startIndex >= before) return false;
    if (node.type === 'short_var_declaration') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const names = left === null ? [] : left.type === 'expression_list' ? left.namedChildren : [left];
      const values = right === null ? [] : right.type === 'expression_list' ? right.namedChildren : [right];
      names.forEach((n, i) => {
        if (n !== null && n.text === name)
          found = { node, isMap: names.length === values.length && isMapValue(values[i]) };
      });
    } else if (node.type === 'var_spec' || node.type === 'parameter_declaration') {
      for (const n of node.childrenForFieldName('name')) {
        if (n === null || n.text !== name) continue;
        found = {
          node,
          isMap:
            node.childForFieldName('type')?.type === 'map_type' ||
            isMapValue(node.childForFieldName('value')?.namedChild(0)),
        };
      }
    } else if (node.type === 'range_clause') {
      const left = node.childForFieldName('left');
      if (left !== null && (left.text === name || left.namedChildren.some((n) => n !== null && n.text === name)))
        found = { node, isMap: false };
    }
    return undefined;
  });
  return found;
}

/** The declaration of `name`, written inside goroutine `literal`, when it is a map declared outside it: in an
 * enclosing function (before the write) or at package level. A declaration inside the goroutine makes the map the
 * goroutine's own (null). */
function sharedMapDeclaration(name: string, at: Node, literal: Node, files: FileFacts[]): Node | null {
  if (declarationIn(literal, name, at.startIndex) !== null) return null;
  let scope = enclosingFunction(literal);
  while (scope !== null) {
    const found = declarationIn(scope, name, at.startIndex);
    if (found !== null) return found.isMap ? found.node : null;
    scope = enclosingFunction(scope);
  }
  for (const file of files) {
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue;
      for (const n of spec.childrenForFieldName('name')) {
        if (n === null || n.text !== name) continue;
        return spec.childForFieldName('type')?.type === 'map_type' ||
          isMapValue(spec.childForFieldName('value')?.namedChild(0))
          ? spec
          : null;
      }
    }
  }
  return null;
}

/** The innermost loop around `node` inside `stop`, or null. */
function innermostLoop(node: Node, stop: Node): Node | null {
  let current = node.parent;
  while (current !== null && current.id !== stop.id) {
    if (current.type === 'for_statement') return current;
    current = current.parent;
  }
  return null;
}

/** Any Lock/RLock call or channel operation in the body: the writes may be serialised, so stay silent. */
function maySynchronise(body: Node): boolean {
  let found = false;
  walk(
    body,
    (node) => {
      if (found) return false;
      if (node.type === 'call_expression') {
        const fn = node.childForFieldName('function');
        const field = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
        if (field === 'Lock' || field === 'RLock' || field === 'TryLock' || field === 'Do') found = true;
      }
      if (
        node.type === 'send_statement' ||
        node.type === 'select_statement' ||
        (node.type === 'unary_expression' && node.text.startsWith('<-'))
      )
        found = true;
      return undefined;
    },
    false,
  );
  return found;
}

/** The func literal started by `go func() {...}()`, or null. */
function goLiteral(statement: Node): Node | null {
  const call = statement.namedChild(0);
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return fn !== null && fn !== undefined && fn.type === 'func_literal' ? fn : null;
}

export const recoverCannotCatch: Rule = {
  meta: {
    name: 'recover-cannot-catch',
    title: 'recover() guarding a fatal error',
    severity: 'warning',
    summary:
      'A deferred recover() guards a goroutine that writes a map other goroutines write; concurrent map writes are ' +
      'fatal and cannot be recovered.',
    explanation:
      'Some runtime failures are not panics but fatal errors: `fatal error: concurrent map writes`, ' +
      '`fatal error: sync: unlock of unlocked mutex`, `fatal error: all goroutines are asleep - deadlock!`. The ' +
      'runtime ' +
      'ends the whole program at once; deferred functions do not run and `recover` never sees them. goroscope ' +
      'reports a ' +
      '`recover()` deferred in a goroutine whose body writes a map (`m[k] = v`, `m[k]++`, `delete(m, k)`) that is ' +
      'declared outside the goroutine and written by another goroutine as well (the same `go` statement in a loop, ' +
      'or ' +
      'a second `go` statement), with no lock, `sync.Once` or channel operation in the goroutine that could ' +
      'serialise ' +
      'the writes. The recover gives a false sense of safety: when the writes collide the program dies anyway. (A ' +
      'second `Unlock` of a mutex, the other common fatal error, is reported by `unlock-misuse`, which names it.)',
    fix:
      'Make the map access safe instead of trying to recover from it: guard the map with a mutex, give each ' +
      'goroutine its own map and merge after Wait, or use `sync.Map`:\n\n```go\nvar mu sync.Mutex\ngo func() ' +
      '{\n\tmu.Lock()\n\tcounts[key]++\n\tmu.Unlock()\n}()\n```',
    runtimeEffect: 'crash',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    if (!pkg.files.some((file) => file.source.includes('recover()'))) return;
    // Package functions whose own body calls recover(): `defer helper()` makes that recover effective.
    const recovering = new Map<string, Node>();
    for (const file of pkg.files) {
      if (!file.source.includes('recover()')) continue;
      for (const call of file.nodes('call_expression')) {
        if (!isRecoverCall(call)) continue;
        const decl = enclosingFunction(call);
        const name = decl?.type === 'function_declaration' ? decl.childForFieldName('name')?.text : undefined;
        if (name !== undefined) recovering.set(name, call);
      }
    }
    for (const file of pkg.files) {
      const goStatements = file.nodes('go_statement');
      for (const goStatement of goStatements) {
        const literal = goLiteral(goStatement);
        const body = literal?.childForFieldName('body') ?? null;
        if (literal === null || body === null) continue;
        let recover: Node | null = null;
        for (const statement of file.nodes('defer_statement')) {
          if (enclosingFunction(statement)?.id !== literal.id) continue;
          recover = deferredRecover(statement, recovering);
          if (recover !== null) break;
        }
        if (recover === null || maySynchronise(body)) continue;
        const spawner = enclosingFunction(goStatement);
        for (const write of mapWrites(body)) {
          const declaration = sharedMapDeclaration(write.name, write.node, literal, pkg.files);
          if (declaration === null) continue;
          // Another goroutine writes the same map: this go statement runs in a loop (and the map is not made
          // afresh in each iteration), or a second go statement in the same spawning function writes it.
          const loop = spawner === null ? null : innermostLoop(goStatement, spawner);
          let other: Node | null =
            loop !== null && !(declaration.startIndex >= loop.startIndex && declaration.endIndex <= loop.endIndex)
              ? goStatement
              : null;
          for (const second of goStatements) {
            if (other !== null) break;
            if (second.id === goStatement.id || spawner === null || enclosingFunction(second)?.id !== spawner.id)
              continue;
            const secondLiteral = goLiteral(second);
            const secondBody = secondLiteral?.childForFieldName('body') ?? null;
            if (secondBody === null || maySynchronise(secondBody)) continue;
            if (
              secondLiteral !== null &&
              mapWrites(secondBody).some(
                (w) =>
                  w.name === write.name &&
                  sharedMapDeclaration(w.name, w.node, secondLiteral, pkg.files)?.id === declaration.id,
              )
            )
              other = second;
          }
          if (other === null) continue;
          context.report(file, {
            node: recover,
            message:
              other.id === goStatement.id
                ? `this recover cannot catch the fatal error it guards against: the goroutine writes map ` +
                  `${write.name} at line ${write.node.startPosition.row + 1}, and the go statement at line ` +
                  `${goStatement.startPosition.row + 1} runs in a loop, so several goroutines write it at once; ` +
                  `concurrent map writes are a fatal error, not a panic`
                : `this recover cannot catch the fatal error it guards against: the goroutine writes map ` +
                  `${write.name} at line ${write.node.startPosition.row + 1}, and the goroutine started at line ` +
                  `${other.startPosition.row + 1} writes it too; concurrent map writes are a fatal error, not a ` +
                  `panic`,
            related: [{ node: write.node, message: `unsynchronised write to ${write.name}` }],
            fix: {
              description:
                `protect ${write.name} with a sync.Mutex (or give each goroutine its own map); recover ` +
                `cannot stop a fatal error`,
            },
          });
          break;
        }
      }
    }
  },
};
