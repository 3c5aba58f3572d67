// cond.Wait() on a sync.Cond that nothing in the package ever signals: the waiting goroutine sleeps forever.
import type { Node } from '../load/tree-sitter-go.js';
import { callArguments, enclosingFunction, methodCall, unparen } from '../load/syntax.js';
import { qualifiedType } from '../facts/package-facts.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';

function isCondType(type: Node | null, file: FileFacts): boolean {
  const base = type?.type === 'pointer_type' ? type.namedChild(0) : type;
  const q = base === null || base === undefined ? null : qualifiedType(base, file);
  return q !== null && q[0] === 'sync' && q[1] === 'Cond';
}

function isNewCond(value: Node | null, file: FileFacts): boolean {
  if (value === null || value.type !== 'call_expression') return false;
  const m = methodCall(value);
  return m !== null && m.method === 'NewCond' && file.imports.get(m.receiver.text) === 'sync';
}

/** The name a cond is known by across the package: an unexported struct field or a local/package variable. */
function condName(
  receiver: Node,
  file: FileFacts,
  pkg: PackageFacts,
): { name: string; field: boolean; pointer: boolean } | null {
  const r = unparen(receiver);
  if (r.type === 'selector_expression') {
    const field = r.childForFieldName('field')?.text;
    if (field === undefined || /^[A-Z]/.test(field)) return null;
    const fields = [...pkg.structs.values()].flatMap((info) =>
      info.fields.filter((f) => f.name === field).map((f) => ({ f, info })),
    );
    return fields.length > 0 && fields.every(({ f, info }) => isCondType(f.type, info.file))
      ? { name: field, field: true, pointer: fields.every(({ f }) => f.type?.type === 'pointer_type') }
      : null;
  }
  if (r.type !== 'identifier' || /^[A-Z]/.test(r.text)) return null;
  for (const spec of [...file.nodes('var_spec'), ...file.nodes('short_var_declaration')]) {
    if (spec.type === 'var_spec') {
      if (!spec.childrenForFieldName('name').some((n) => n?.text === r.text)) continue;
      const value = spec.childForFieldName('value')?.namedChild(0) ?? null;
      if (isCondType(spec.childForFieldName('type'), file) || isNewCond(value, file))
        return { name: r.text, field: false, pointer: false };
    } else {
      const left = spec.childForFieldName('left')?.namedChildren ?? [];
      const right = spec.childForFieldName('right')?.namedChildren ?? [];
      const index = left.findIndex((n) => n?.text === r.text);
      if (index >= 0 && left.length === right.length && isNewCond(right[index] ?? null, file))
        return { name: r.text, field: false, pointer: false };
    }
  }
  return null;
}

/** The name at the end of an expression: `c` of `x.c`, `c` of `c`. */
function lastName(node: Node): string | null {
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'selector_expression') return n.childForFieldName('field')?.text ?? null;
  if (n.type === 'unary_expression' && n.text.startsWith('&')) {
    const operand = n.childForFieldName('operand');
    return operand === null ? null : lastName(operand);
  }
  return null;
}

/** Field and variable names given a value somewhere: assigned, or set in a composite literal (by key or position). */
function givenNames(pkg: PackageFacts): Set<string> {
  const given = new Set<string>();
  for (const file of pkg.files) {
    for (const node of file.nodes('assignment_statement'))
      for (const target of node.childForFieldName('left')?.namedChildren ?? []) {
        const name = target === null ? null : lastName(target);
        if (name !== null) given.add(name);
      }
    for (const node of file.nodes('keyed_element')) {
      const key = node.namedChild(0);
      if (key !== null) given.add(key.text);
    }
    for (const literal of file.nodes('composite_literal')) {
      const info = pkg.structs.get(literal.childForFieldName('type')?.text ?? '');
      if (info === undefined) continue;
      const body = literal.childForFieldName('body');
      if (body?.namedChildren.some((element) => element?.type === 'literal_element') === true)
        for (const field of info.fields) given.add(field.name);
    }
  }
  return given;
}

export const condNeverSignalled: Rule = {
  meta: {
    name: 'cond-never-signalled',
    title: 'sync.Cond waited on but never signalled',
    severity: 'error',
    summary:
      'cond.Wait() on a sync.Cond that no code in the package signals or broadcasts, so the waiter sleeps forever.',
    explanation:
      '`cond.Wait()` unlocks `cond.L` and suspends the goroutine until another goroutine calls `cond.Signal()` or ' +
      '`cond.Broadcast()` on the same Cond (the sync documentation: "Wait cannot return unless awoken by Broadcast ' +
      'or Signal"). When nothing ever signals it, the waiter never wakes up: a goroutine leak, or a deadlock when ' +
      'the program waits for that goroutine. goroscope reports a Wait on an unexported struct field or a variable ' +
      'of type sync.Cond when no Signal or Broadcast on a Cond of that name appears anywhere in the package and ' +
      'the Cond is not handed to other code (passed as an argument, stored elsewhere or returned), which could ' +
      'signal it. A `*sync.Cond` field that nothing in the package ever sets is nil, so a Wait on it cannot run ' +
      '(it sits behind a nil check) and is not reported.',
    fix:
      'Signal the Cond wherever the condition it waits for changes, with the lock ' +
      'held:\n\n```go\np.mu.Lock()\np.activated = true\np.cond.Broadcast()\np.mu.Unlock()\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    const signalled = new Set<string>();
    const escaped = new Set<string>();
    const waits: { call: Node; file: FileFacts; name: string; unset: boolean }[] = [];
    let given: Set<string> | undefined;
    for (const file of context.pkg.files) {
      for (const call of file.nodes('call_expression')) {
        const m = methodCall(call);
        if (m !== null && (m.method === 'Signal' || m.method === 'Broadcast') && callArguments(call).length === 0) {
          const name = lastName(m.receiver);
          if (name !== null) signalled.add(name);
        }
        // Handed to other code that might signal it: an argument (`go worker(c)`, `run(&s.cond)`).
        for (const arg of callArguments(call)) {
          const name = lastName(arg);
          if (name !== null) escaped.add(name);
        }
        if (m === null || m.method !== 'Wait' || callArguments(call).length !== 0) continue;
        const cond = condName(m.receiver, file, context.pkg);
        if (cond === null || enclosingFunction(call) === null) continue;
        // A *sync.Cond field nothing ever sets is nil: its Wait cannot run (it sits behind a nil check).
        waits.push({ call, file, name: cond.name, unset: cond.field && cond.pointer });
      }
      // Stored in another variable or field, or returned: another name may signal it.
      for (const type of ['assignment_statement', 'short_var_declaration', 'keyed_element'])
        for (const node of file.nodes(type)) {
          const right = node.type === 'keyed_element' ? node.namedChild(1) : node.childForFieldName('right');
          for (const value of right?.type === 'expression_list' ? right.namedChildren : [right]) {
            if (value === null || value === undefined) continue;
            const name = lastName(value);
            if (name !== null) escaped.add(name);
          }
        }
      for (const ret of file.nodes('return_statement'))
        for (const value of ret.namedChildren) {
          const list = value?.type === 'expression_list' ? value.namedChildren : [value];
          for (const v of list)
            if (v !== null && v !== undefined && lastName(v) !== null) escaped.add(lastName(v) ?? '');
        }
    }
    for (const wait of waits) {
      if (signalled.has(wait.name) || escaped.has(wait.name)) continue;
      // Computed only when needed: most packages wait on no Cond at all.
      if (wait.unset && !(given ??= givenNames(context.pkg)).has(wait.name)) continue;
      context.report(wait.file, {
        node: wait.call,
        message:
          `${wait.call.text} waits on ${wait.name}, but nothing in the package ever calls Signal or ` +
          `Broadcast on it: the goroutine sleeps here forever`,
        fix: { description: `call ${wait.name}.Broadcast() (or Signal) where the awaited condition becomes true` },
      });
    }
  },
};
