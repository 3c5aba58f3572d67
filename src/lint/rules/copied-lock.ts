// Values that hold a sync lock (sync.Mutex, RWMutex, WaitGroup, Once, Cond, Map, Pool, the atomic types, or a
// struct/array containing one by value) copied: by-value receivers and parameters, assignments, range
// variables, returns and call arguments. The copy has its own lock state, so it no longer guards anything.
import type { Node } from '../load/tree-sitter-go.js';
import { FUNCTION_TYPES, callArguments, unparen, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';

/** Declared types of the names in a function (params, receiver, var specs, `x := T{}`); null when declared twice. */
function localTypes(fn: Node): Map<string, Node | null> {
  const types = new Map<string, Node | null>();
  const declare = (name: string, type: Node | null): void => {
    types.set(name, types.has(name) ? null : type);
  };
  for (const field of ['receiver', 'parameters']) {
    const list = fn.childForFieldName(field);
    if (list === null) continue;
    for (const param of list.namedChildren) {
      if (param === null || param.type !== 'parameter_declaration') continue;
      const type = param.childForFieldName('type');
      for (const name of param.childrenForFieldName('name')) if (name !== null) declare(name.text, type);
    }
  }
  const body = fn.childForFieldName('body');
  if (body === null) return types;
  walk(body, (node) => {
    if (node.type === 'var_spec') {
      const type = node.childForFieldName('type');
      for (const name of node.childrenForFieldName('name')) if (name !== null) declare(name.text, type);
    } else if (node.type === 'short_var_declaration') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const names = left?.namedChildren ?? [];
      const values = right?.namedChildren ?? [];
      names.forEach((name, index) => {
        if (name === null) return;
        const value = values.length === names.length ? values[index] : undefined;
        declare(name.text, value?.type === 'composite_literal' ? value.childForFieldName('type') : null);
      });
    } else if (node.type === 'range_clause' || node.type === 'type_switch_statement') {
      const left = node.childForFieldName('left') ?? node.childForFieldName('alias');
      for (const name of left?.namedChildren ?? []) if (name !== null) declare(name.text, null);
    }
    return undefined;
  });
  return types;
}

function elementType(type: Node | null): Node | null {
  if (type === null) return null;
  if (type.type === 'slice_type' || type.type === 'array_type') return type.childForFieldName('element');
  if (type.type === 'map_type') return type.childForFieldName('value');
  return null;
}

/** The lock a value expression holds when it is copied: `x` of a lock type, or `*p` with p a pointer to one. */
function heldLock(expr: Node, types: Map<string, Node | null>, pkg: PackageFacts, file: FileFacts): string | null {
  const inner = unparen(expr);
  if (inner.type === 'identifier') {
    const type = types.get(inner.text);
    return type === undefined || type === null ? null : pkg.lockTypeName(type, file);
  }
  if (inner.type === 'unary_expression' && inner.text.startsWith('*')) {
    const operand = inner.childForFieldName('operand');
    if (operand === null || unparen(operand).type !== 'identifier') return null;
    const type = types.get(unparen(operand).text);
    if (type === undefined || type === null || type.type !== 'pointer_type') return null;
    return pkg.lockTypeName(type.namedChild(0), file);
  }
  return null;
}

const SYNC_LOCKS = new Set(['Mutex', 'RWMutex', 'WaitGroup', 'Once', 'Cond', 'Map', 'Pool']);
const ATOMIC_LOCKS = new Set(['Int32', 'Int64', 'Uint32', 'Uint64', 'Uintptr', 'Bool', 'Pointer']);

/**
 * A test whether a text names a lock type: a local type holding a lock, or `sync.Mutex` etc. under the file's
 * import names; null when nothing could. It looks each identifier up in a set, so its cost is the text's
 * length whatever the number of lock types (one regexp alternative per type made generated packages with
 * thousands of them quadratic).
 */
function lockMentions(lockTypes: Set<string>, file: FileFacts): ((text: string) => boolean) | null {
  const packages = new Map<string, Set<string>>();
  for (const [alias, path] of file.imports) {
    if (path === 'sync') packages.set(alias, SYNC_LOCKS);
    if (path === 'sync/atomic') packages.set(alias, ATOMIC_LOCKS);
  }
  if (lockTypes.size === 0 && packages.size === 0) return null;
  return (text: string): boolean => {
    const identifier = /[\p{L}\p{N}_]+/gu;
    let previous: string | undefined;
    let previousEnd = -1;
    for (let match = identifier.exec(text); match !== null; match = identifier.exec(text)) {
      const name = match[0];
      if (lockTypes.has(name)) return true;
      // `sync.Mutex`: a lock name right after an import name and a dot.
      if (previous !== undefined && match.index === previousEnd + 1 && text.charCodeAt(previousEnd) === 46) {
        if (packages.get(previous)?.has(name)) return true;
      }
      previous = name;
      previousEnd = match.index + name.length;
    }
    return false;
  };
}

function describe(typeName: string, lock: string): string {
  return typeName === lock ? lock : `${typeName} (contains ${lock})`;
}

export const copiedLock: Rule = {
  meta: {
    name: 'copied-lock',
    title: 'Lock copied by value',
    severity: 'error',
    summary: 'A value containing a sync lock is copied, so the copy and the original no longer share the lock.',
    explanation:
      'sync.Mutex, sync.RWMutex, sync.WaitGroup, sync.Once, sync.Cond, sync.Map, sync.Pool and the sync/atomic types ' +
      'must not be copied after first use: the copy carries its own state, so locking the copy does not exclude ' +
      'the original (and copying a locked mutex copies it locked). goroscope reports by-value receivers and ' +
      'parameters, assignments, range variables, returns and call arguments that copy such a value, including ' +
      'structs that contain one.',
    fix:
      'Pass and store a pointer instead:\n\n```go\nfunc (c *Counter) Inc() { c.mu.Lock(); c.n++; c.mu.Unlock() ' +
      '}\n```\n\nRange by index (`for i := range items { it := &items[i] }`).',
    runtimeEffect: 'static',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    // A function can only copy a lock value if its text names a lock type (its locals' types come from its
    // own parameters, var specs and literals), so the body walk is skipped for every other function.
    for (const file of pkg.files) {
      const mentionsLock = lockMentions(pkg.lockTypes, file);
      const functions = file.functions();
      for (const fn of functions) {
        // Receivers and parameters by value.
        for (const field of ['receiver', 'parameters']) {
          const list = fn.childForFieldName(field);
          if (list === null) continue;
          for (const param of list.namedChildren) {
            if (param === null || param.type !== 'parameter_declaration') continue;
            const type = param.childForFieldName('type');
            const lock = pkg.lockTypeName(type, file);
            if (type === null || lock === null) continue;
            const what = field === 'receiver' ? 'receiver' : 'parameter';
            context.report(file, {
              node: type,
              message: `${what} passes ${describe(type.text, lock)} by value: the function works on a copy of the lock`,
              fix: { description: `take a pointer: *${type.text}` },
            });
          }
        }
        const body = fn.childForFieldName('body');
        if (body === null || mentionsLock === null || !mentionsLock(fn.text)) continue;
        const types = localTypes(fn);
        walk(body, (node) => {
          if (FUNCTION_TYPES.has(node.type)) return false;
          const report = (value: Node, how: string): void => {
            const lock = heldLock(value, types, pkg, file);
            if (lock === null) return;
            context.report(file, {
              node: value,
              message: `${how} copies ${value.text}, which holds ${lock}: the copy has its own lock state`,
              fix: { description: 'use a pointer to the value instead of copying it' },
            });
          };
          if (
            node.type === 'assignment_statement' ||
            node.type === 'short_var_declaration' ||
            node.type === 'var_spec'
          ) {
            const left = node.childForFieldName(node.type === 'var_spec' ? 'name' : 'left');
            const right = node.childForFieldName(node.type === 'var_spec' ? 'value' : 'right');
            if (right === null) return undefined;
            const targets = left?.type === 'expression_list' ? left.namedChildren : [left];
            right.namedChildren.forEach((value, index) => {
              if (value === null || targets[index]?.text === '_') return;
              report(value, 'assignment');
            });
          } else if (node.type === 'return_statement') {
            const list = node.namedChild(0);
            for (const value of list?.type === 'expression_list' ? list.namedChildren : [list])
              if (value !== null) report(value, 'return');
          } else if (node.type === 'call_expression') {
            const callee = node.childForFieldName('function')?.text ?? '';
            if (callee === 'len' || callee === 'cap' || callee === 'new' || callee === 'unsafe.Sizeof')
              return undefined;
            for (const arg of callArguments(node)) report(arg, `call of ${callee}`);
          } else if (node.type === 'range_clause') {
            const left = node.childForFieldName('left');
            const value = left?.namedChildren[1];
            const right = node.childForFieldName('right');
            if (
              value === null ||
              value === undefined ||
              value.text === '_' ||
              right === null ||
              unparen(right).type !== 'identifier'
            )
              return undefined;
            const element = elementType(types.get(unparen(right).text) ?? null);
            const lock = element === null ? null : pkg.lockTypeName(element, file);
            if (lock !== null && element !== null) {
              context.report(file, {
                node: value,
                message: `range variable ${value.text} copies each ${describe(element.text, lock)} element`,
                fix: {
                  description:
                    `range over the index and take a pointer: for i := range ${right.text} { ` +
                    `${value.text} := &${right.text}[i] }`,
                },
              });
            }
          }
          return undefined;
        });
      }
    }
  },
};
