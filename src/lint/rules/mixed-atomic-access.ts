// A variable or field updated with sync/atomic functions and also read or written plainly while the atomic
// accesses can run: the plain access races with the atomic one (the race detector reports the pair).
import type { Node } from '../load/tree-sitter-go.js';
import {
  callArguments,
  enclosingFunction,
  insideLoop,
  methodCall,
  rootIdentifier,
  unparen,
  walk,
} from '../load/syntax.js';
import type { FileFacts } from '../facts/package-facts.js';
import { lockedBefore } from '../facts/channel-fields.js';
import { goroutineReach, synchronisesBetween as waitsBetween, type ReachedOp } from '../facts/goroutine-reach.js';
import { localTypeName, packageModel, type PackageModel } from '../model/package-model.js';
import type { Rule, RuleContext } from '../framework/rule.js';

const ATOMIC_FUNCTION = /^(Add|Load|Store|Swap|CompareAndSwap|And|Or)(Int32|Int64|Uint32|Uint64|Uintptr|Pointer)$/;

interface Access {
  file: FileFacts;
  /** The identifier or selector expression accessed. */
  node: Node;
  write: boolean;
}

/** `atomic.AddInt64(&x, 1)` with sync/atomic under any import name: the `x` node. */
function atomicTarget(call: Node, file: FileFacts): Node | null {
  const fn = call.childForFieldName('function');
  if (fn === null || fn.type !== 'selector_expression') return null;
  const pkg = fn.childForFieldName('operand');
  const name = fn.childForFieldName('field')?.text;
  if (
    pkg === null ||
    pkg.type !== 'identifier' ||
    file.imports.get(pkg.text) !== 'sync/atomic' ||
    name === undefined ||
    !ATOMIC_FUNCTION.test(name)
  )
    return null;
  const first = callArguments(call)[0];
  if (first === undefined) return null;
  const pointer = unparen(first);
  if (pointer.type !== 'unary_expression' || !pointer.text.startsWith('&')) return null;
  const operand = pointer.childForFieldName('operand');
  if (operand === null) return null;
  const target = unparen(operand);
  return target.type === 'identifier' || target.type === 'selector_expression' ? target : null;
}

/** Whether a plain occurrence writes (assignment target, ++/--) rather than reads. */
function isWrite(node: Node): boolean {
  const parent = node.parent;
  if (parent === null) return false;
  if (parent.type === 'inc_statement' || parent.type === 'dec_statement') return true;
  if (parent.type === 'expression_list') {
    const statement = parent.parent;
    return (
      statement !== null &&
      (statement.type === 'assignment_statement' || statement.type === 'short_var_declaration') &&
      statement.childForFieldName('left')?.id === parent.id
    );
  }
  return parent.type === 'assignment_statement' && parent.childForFieldName('left')?.id === node.id;
}

/** The go statement whose func literal holds `node` (directly, within `stop`), or null. */
function goLiteralOf(node: Node, stop: Node | null): { go: Node; literal: Node } | null {
  let current = node.parent;
  while (current !== null && current.id !== stop?.id) {
    if (current.type === 'func_literal') {
      const call = current.parent;
      const go = call?.parent;
      if (call?.type === 'call_expression' && go?.type === 'go_statement') return { go, literal: current };
    }
    current = current.parent;
  }
  return null;
}

/** Something between two offsets of `fn` (outside goroutine bodies) that may order the two accesses. */
function synchronisesBetween(fn: Node, from: number, to: number): boolean {
  let found = false;
  walk(
    fn,
    (node) => {
      if (found || node.endIndex <= from || node.startIndex >= to) return false;
      if (node.type === 'go_statement') return false;
      if (node.type === 'call_expression') {
        const m = methodCall(node);
        if (m !== null && (m.method === 'Wait' || m.method === 'Lock' || m.method === 'RLock' || m.method === 'Do'))
          found = true;
      }
      if (node.type === 'unary_expression' && node.text.startsWith('<-')) found = true;
      if (node.type === 'select_statement' || node.type === 'send_statement' || node.type === 'receive_statement')
        found = true;
      if (node.type === 'range_clause') found = true;
      return undefined;
    },
    false,
  );
  return found;
}

/** Whether the function itself (not a nested literal) declares `name`: parameter, receiver, var, :=, range. */
function declaresDirectly(fn: Node, name: string): boolean {
  let found = false;
  walk(fn, (node) => {
    if (found) return false;
    if (node.type === 'parameter_declaration' || node.type === 'var_spec' || node.type === 'const_spec') {
      if (node.childrenForFieldName('name').some((n) => n !== null && n.text === name)) found = true;
    } else if (node.type === 'short_var_declaration' || node.type === 'range_clause') {
      const left = node.childForFieldName('left');
      if (left !== null && (left.text === name || left.namedChildren.some((n) => n !== null && n.text === name)))
        found = true;
    }
    return undefined;
  });
  return found;
}

/** The function that declares the variable `name` seen at `node` (null: package level), so two occurrences of
 * one name can be told apart when a goroutine declares its own. */
function declaringFunction(node: Node, name: string): Node | null {
  let current = enclosingFunction(node);
  while (current !== null) {
    if (declaresDirectly(current, name)) return current;
    current = enclosingFunction(current);
  }
  return null;
}

/** The outermost function declaration around a node (a method or function, not a literal). */
function declarationOf(node: Node): Node | null {
  let current = enclosingFunction(node);
  while (current !== null && current.type === 'func_literal') current = enclosingFunction(current);
  return current;
}

/**
 * Whether an access sits in code that sets a value up before it is shared: a function or method named init,
 * reset or new... (`func (w *quota) init(n int32) { w.n = n }`), called on a value no other goroutine holds yet.
 */
function initialises(node: Node): boolean {
  const name = declarationOf(node)?.childForFieldName('name')?.text ?? '';
  return /^(init|reset|new|New)([A-Z_]|$)/.test(name);
}

/**
 * A plain read that follows, in the same function, a load of another field of the same value through a Load
 * function (`s := runtime_LoadAcquintptr(&p.localSize)` then `l := p.local` in sync.Pool): the publish pattern,
 * where the writer stores that field last with release semantics, so the load orders the plain read.
 */
function acquiredBefore(read: Node): boolean {
  const operand = read.childForFieldName('operand')?.text;
  const fn = declarationOf(read);
  if (operand === undefined || fn === null) return false;
  let found = false;
  walk(fn, (node) => {
    if (found || node.startIndex >= read.startIndex) return false;
    if (node.type !== 'call_expression' || !/Load/.test(node.childForFieldName('function')?.text ?? ''))
      return undefined;
    const first = callArguments(node)[0];
    const target = first === undefined ? null : unparen(first);
    if (target?.type === 'unary_expression' && target.text.startsWith(`&${operand}.`)) found = true;
    return undefined;
  });
  return found;
}

/** `T.f` for a selector `E.f` whose operand's local type the declarations tell. */
function fieldKey(selector: Node, file: FileFacts, model: PackageModel): string | null {
  if (selector.type !== 'selector_expression') return null;
  const operand = selector.childForFieldName('operand');
  const field = selector.childForFieldName('field')?.text;
  if (operand === null || field === undefined) return null;
  const owner = model.typeOf(operand, file);
  return owner === null ? null : `${owner}.${field}`;
}

/**
 * Fields updated atomically in one goroutine and accessed plainly in another, where one function shows that the
 * two goroutines overlap: it starts a goroutine that reaches one access (through calls, also through the
 * package's implementations of a local interface) and, with nothing in between that waits, reaches the other
 * itself, or it starts two goroutines (or one in a loop) that reach them. Reading a whole struct value copies its
 * atomically updated fields too.
 */
function checkAcrossFunctions(
  context: RuleContext,
  atomics: Access[],
  atomicTargets: Set<number>,
  report: (plain: Access, atomic: Access, why: string) => void,
): void {
  const model = packageModel(context.pkg);
  const atomicByKey = new Map<string, Access[]>();
  for (const atomic of atomics) {
    const key = fieldKey(atomic.node, atomic.file, model);
    if (key === null) continue;
    const list = atomicByKey.get(key) ?? [];
    list.push(atomic);
    atomicByKey.set(key, list);
  }
  if (atomicByKey.size === 0) return;
  const fieldNames = new Set<string>();
  const owners = new Set<string>();
  for (const key of atomicByKey.keys()) {
    owners.add(key.slice(0, key.indexOf('.')));
    fieldNames.add(key.slice(key.indexOf('.') + 1));
  }
  // Fields holding (by value) a struct with atomically updated fields: reading them copies those fields.
  for (const info of context.pkg.structs.values())
    for (const field of info.fields)
      if (!field.embedded && field.type.type !== 'pointer_type' && owners.has(localTypeName(field.type) ?? ''))
        fieldNames.add(field.name);
  // A plain read under a lock cannot race with atomic writes that all hold a lock too (sync.Pool's pinSlow).
  const lockedAt = (node: Node): boolean => {
    const fn = declarationOf(node);
    return fn !== null && lockedBefore(fn, node.startIndex);
  };
  const writesLocked = (key: string): boolean =>
    (atomicByKey.get(key) ?? []).every((atomic) => !atomic.write || lockedAt(atomic.node));
  const ops: { key: string; node: Node; file: FileFacts }[] = [];
  const plainOf = new Map<number, Access>();
  const atomicOf = new Map<number, Access>();
  for (const [key, list] of atomicByKey)
    for (const atomic of list) {
      ops.push({ key: `${atomic.write ? 'aw' : 'ar'}:${key}`, node: atomic.node, file: atomic.file });
      atomicOf.set(atomic.node.id, atomic);
    }
  for (const file of context.pkg.files)
    for (const selector of file.nodes('selector_expression')) {
      if (!fieldNames.has(selector.childForFieldName('field')?.text ?? '') || atomicTargets.has(selector.id)) continue;
      const parent = selector.parent;
      if (
        parent === null ||
        (parent.type === 'unary_expression' && parent.text.startsWith('&')) ||
        (parent.type === 'selector_expression' && parent.childForFieldName('operand')?.id === selector.id) ||
        parent.type === 'call_expression'
      )
        continue;
      const key = fieldKey(selector, file, model);
      if (key === null || initialises(selector)) continue;
      if (!isWrite(selector) && (acquiredBefore(selector) || (writesLocked(key) && lockedAt(selector)))) continue;
      const declared = model.fieldType(key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1));
      const whole = declared === null || declared.type.type === 'pointer_type' ? null : model.typeOf(selector, file);
      const keys = atomicByKey.has(key) ? [key] : [];
      if (whole !== null && owners.has(whole)) keys.push(`${whole}.*`);
      if (keys.length === 0) continue;
      const plain: Access = { file, node: selector, write: isWrite(selector) };
      plainOf.set(selector.id, plain);
      for (const k of keys) ops.push({ key: `${plain.write ? 'pw' : 'pr'}:${k}`, node: selector, file });
    }
  if (plainOf.size === 0) return;
  const reach = goroutineReach(context.pkg, ops);
  /**
   * The atomic operations of `reached` by the field they touch, in the map's order; also under `Owner.*` for
   * every field of Owner (a plain access to a whole value races with any of them).
   */
  type AtomicIndex = Map<string, { kind: string; op: ReachedOp }[]>;
  const indexAtomics = (reached: Map<string, ReachedOp>): AtomicIndex => {
    const index: AtomicIndex = new Map();
    const add = (field: string, entry: { kind: string; op: ReachedOp }): void => {
      const list = index.get(field);
      if (list === undefined) index.set(field, [entry]);
      else list.push(entry);
    };
    for (const [key, op] of reached) {
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon);
      if (kind !== 'aw' && kind !== 'ar') continue;
      const field = key.slice(colon + 1);
      add(field, { kind, op });
      const dot = field.indexOf('.');
      if (dot >= 0) add(`${field.slice(0, dot)}.*`, { kind, op });
    }
    return index;
  };
  /** The atomic access a plain one (by key) races with in `reached`, or undefined. */
  const conflict = (plainKey: string, reached: Map<string, ReachedOp>, indexes: Map<object, AtomicIndex>) => {
    let index = indexes.get(reached);
    if (index === undefined) {
      index = indexAtomics(reached);
      indexes.set(reached, index);
    }
    const colon = plainKey.indexOf(':');
    const kind = plainKey.slice(0, colon);
    for (const entry of index.get(plainKey.slice(colon + 1)) ?? [])
      if (entry.kind === 'aw' || kind === 'pw') return atomicOf.get(entry.op.node.id);
    return undefined;
  };
  const line = (node: Node): number => node.startPosition.row + 1;
  for (const file of context.pkg.files)
    for (const fn of file.functions()) {
      const events = reach.eventsOf(fn, file);
      const starts = events.filter((event) => event.started.size > 0);
      if (starts.length === 0) continue;
      // The maps of reached operations are complete once eventsOf returns: index each once for this function.
      const indexes = new Map<object, AtomicIndex>();
      const name = fn.type === 'func_literal' ? 'the function literal' : (fn.childForFieldName('name')?.text ?? '');
      const plainIn = (map: Map<string, ReachedOp>): [string, Access][] => {
        const out: [string, Access][] = [];
        for (const [key, op] of map) {
          const plain = key.startsWith('p') ? plainOf.get(op.node.id) : undefined;
          if (plain !== undefined) out.push([key, plain]);
        }
        return out;
      };
      for (const start of starts) {
        const startText = start.kind === 'go' ? `line ${line(start.node)}` : `a call at line ${line(start.node)}`;
        // Two goroutines of one start in a loop, or two starts.
        const looped = insideLoop(start.node, fn);
        for (const other of starts) {
          if (other === start && !looped) continue;
          for (const [key, plain] of plainIn(other.started)) {
            const atomic = conflict(key, start.started, indexes);
            if (atomic === undefined) continue;
            report(
              plain,
              atomic,
              other === start
                ? `${name} starts the goroutines at ${startText} in a loop, so several do both at once`
                : `${name} starts goroutines at ${startText} and line ${line(other.node)} that run at the same time`,
            );
          }
        }
        // The starting goroutine goes on to the other access without waiting.
        for (const later of events) {
          if (later.node.startIndex < start.node.endIndex) continue;
          if (waitsBetween(fn, start.node.endIndex, later.node.startIndex) !== null) break;
          for (const [key, plain] of plainIn(later.same)) {
            const atomic = conflict(key, start.started, indexes);
            if (atomic !== undefined)
              report(
                plain,
                atomic,
                `${name} starts a goroutine (${startText}) that makes the atomic update, then reaches this ` +
                  `access itself (line ${line(later.node)}) without waiting for that goroutine`,
              );
          }
          for (const [key, plain] of plainIn(start.started)) {
            const atomic = conflict(key, later.same, indexes);
            if (atomic !== undefined)
              report(
                plain,
                atomic,
                `${name} starts a goroutine (${startText}) that makes this access, then makes the atomic ` +
                  `update itself (line ${line(later.node)}) without waiting for that goroutine`,
              );
          }
        }
      }
    }
}

export const mixedAtomicAccess: Rule = {
  meta: {
    name: 'mixed-atomic-access',
    title: 'Atomic and plain access to the same variable',
    severity: 'error',
    summary:
      'A variable or field is updated with sync/atomic functions and also read or written plainly while those atomic ' +
      'updates can run.',
    explanation:
      'The sync/atomic functions only synchronise with other atomic accesses. A plain read `x` or write `x = 0` / ' +
      '`x++` of a variable that other goroutines update with `atomic.AddInt64(&x, 1)` is a data race: the race ' +
      'detector reports the plain access against the atomic one, and the plain read may see a stale or torn value. ' +
      'goroscope reports a plain access when it can see that it overlaps the atomic ones: in the function that ' +
      'starts ' +
      'the goroutines, after the `go` statement and before any `Wait`, lock, channel operation or `sync.Once`; in ' +
      'another goroutine of that function; or in the same goroutine when its `go` statement runs in a loop. Across ' +
      'functions (a field updated atomically in one method and read in another, `func (s *stats) snapshot() ' +
      'int64 { return s.hits }` next to an atomic `hit`) it needs the same evidence from one function of the ' +
      'package: that function starts a goroutine that reaches one access through calls (methods resolved by ' +
      "receiver type, calls on a local interface to the package's methods of that name) and then, with nothing " +
      'in between that waits, reaches the other itself; or it starts two goroutines, or one in a loop, that reach ' +
      'them. Those findings are notes: the accesses are matched by type and field, so that both reach the same ' +
      'value at once is likely but not shown. Reading a whole struct value (`return c.stats`) reads its ' +
      'atomically updated fields too. Accesses in ' +
      'functions named `init`, `reset` or `new...` are taken to set up a value no other goroutine holds yet, and a ' +
      'plain read that follows a Load of another field of the same value in the same function is the publish ' +
      'pattern (sync.Pool reads `p.local` after a load-acquire of `p.localSize`); a plain read under a lock is ' +
      'not reported when every atomic write of the field also holds a lock. A plain ' +
      'access in a method that no goroutine of the package is seen to overlap is not reported: without that ' +
      'evidence goroscope cannot tell it from initialisation or from code that owns the value exclusively, which ' +
      'the Go standard library does on purpose (internal/poll, internal/sync).',
    fix:
      'Access the variable only through sync/atomic, or better, give it an atomic type so a plain access cannot be ' +
      'written:\n\n```go\ntype stats struct {\n\thits atomic.Int64\n}\n\nfunc (s *stats) hit()            { ' +
      's.hits.Add(1) }\nfunc (s *stats) snapshot() int64 { return s.hits.Load() }\n```',
    runtimeEffect: 'race',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    if (!pkg.files.some((file) => [...file.imports.values()].includes('sync/atomic'))) return;
    const atomicTargets = new Set<number>();
    const atomics: Access[] = [];
    for (const file of pkg.files) {
      if (![...file.imports.values()].includes('sync/atomic')) continue;
      for (const call of file.nodes('call_expression')) {
        const target = atomicTarget(call, file);
        if (target === null) continue;
        atomicTargets.add(target.id);
        atomics.push({
          file,
          node: target,
          write: !/^Load/.test(call.childForFieldName('function')?.childForFieldName('field')?.text ?? ''),
        });
      }
    }
    if (atomics.length === 0) return;
    const reported = new Set<number>();
    // Across functions the two accesses are matched by type and field, not by value: that they touch the same
    // value at once is likely but not shown, so those findings are notes (seen on nats-server: per-instance
    // state reached from tests that build separate values).
    const report = (plain: Access, atomic: Access, why: string, note = false): void => {
      if (reported.has(plain.node.id)) return;
      reported.add(plain.node.id);
      context.report(plain.file, {
        node: plain.node,
        severity: note ? 'info' : undefined,
        message:
          `plain ${plain.write ? 'write to' : 'read of'} ${plain.node.text}, which is updated atomically at ` +
          `line ${atomic.node.startPosition.row + 1}` +
          (atomic.file.path === plain.file.path
            ? ''
            : ` of ${atomic.file.path.slice(atomic.file.path.lastIndexOf('/') + 1)}`) +
          `; ${why}, so this access races with the atomic one` +
          (note ? ' if both reach the same value (a note: matched by type and field across functions)' : ''),
        related: [{ node: atomic.node, message: 'atomic access', file: atomic.file }],
        fix: {
          description:
            `use atomic.Load/Store for every access to ${plain.node.text}, or make it an atomic.Int64 ` +
            `(or similar) so plain access cannot compile`,
        },
      });
    };

    // Variables (local or package-level) and selector paths, within the function that starts the goroutines.
    for (const atomic of atomics) {
      const text = atomic.node.text;
      const file = atomic.file;
      const root = rootIdentifier(atomic.node);
      if (root === null) continue;
      // The variable's own function when it is local, else the function around the atomic access.
      const owner = declaringFunction(atomic.node, root);
      const home = owner ?? declarationOf(atomic.node);
      if (home === null) continue;
      walk(
        home,
        (node) => {
          if (node.text !== text || (node.type !== 'identifier' && node.type !== 'selector_expression'))
            return undefined;
          if (atomicTargets.has(node.id)) return false;
          const parent = node.parent;
          // &x handed on, x.f (a different path), a field name in a literal key: not a plain access of x.
          if (
            parent !== null &&
            ((parent.type === 'unary_expression' && parent.text.startsWith('&')) ||
              (parent.type === 'selector_expression' && parent.childForFieldName('operand')?.id === node.id) ||
              parent.type === 'keyed_element' ||
              parent.type === 'literal_element')
          )
            return false;
          if (
            node.type === 'identifier' &&
            parent !== null &&
            (parent.type === 'parameter_declaration' ||
              parent.type === 'var_spec' ||
              parent.type === 'short_var_declaration')
          )
            return false;
          if (declaringFunction(node, root)?.id !== owner?.id) return false;
          const plain: Access = { file, node, write: isWrite(node) };
          const atomicGo = goLiteralOf(atomic.node, home);
          const plainGo = goLiteralOf(node, home);
          if (atomicGo !== null && plainGo !== null) {
            if (atomicGo.go.id !== plainGo.go.id)
              report(
                plain,
                atomic,
                `the goroutines started at lines ${atomicGo.go.startPosition.row + 1} and ` +
                  `${plainGo.go.startPosition.row + 1} run at the same time`,
              );
            else if (insideLoop(atomicGo.go, home))
              report(
                plain,
                atomic,
                `the go statement at line ${atomicGo.go.startPosition.row + 1} runs in a loop, so several ` +
                  `goroutines do both at once`,
              );
          } else if (
            atomicGo !== null &&
            plainGo === null &&
            node.startIndex > atomicGo.go.endIndex &&
            !synchronisesBetween(home, atomicGo.go.endIndex, node.startIndex)
          ) {
            report(
              plain,
              atomic,
              `the goroutine started at line ${atomicGo.go.startPosition.row + 1} may still be running here ` +
                `(nothing waits for it in between)`,
            );
          } else if (
            atomicGo === null &&
            plainGo !== null &&
            atomic.node.startIndex > plainGo.go.endIndex &&
            !synchronisesBetween(home, plainGo.go.endIndex, atomic.node.startIndex)
          ) {
            report(
              plain,
              atomic,
              `the goroutine started at line ${plainGo.go.startPosition.row + 1} may still be running when the ` +
                `atomic update runs`,
            );
          }
          return undefined;
        },
        false,
      );
    }

    checkAcrossFunctions(context, atomics, atomicTargets, (plain, atomic, why) => report(plain, atomic, why, true));
  },
};
