// A map written in one goroutine and read, written or ranged in another with no lock and no synchronisation
// between them. Goroutines are `go` statements with function literals and literals passed to `X.Go(...)`
// (errgroup.Group, sync.WaitGroup) or time.AfterFunc. Precision first: an access in a function that takes
// any lock before it, or an access after a Wait, a channel receive or a select, is not reported.
import type { Node } from '../../../parse/gosource/treesitter.js';
import { FUNCTION_TYPES, assignedTargets, callArguments, calleeName, dominates, enclosingFunction, insideLoop, isSimpleRef, methodCall, rootIdentifier, statementOf, unparen, walk } from '../ast.js';
import type { FileFacts } from '../facts.js';
import type { Rule, RuleContext } from '../types.js';

type AccessKind = 'write' | 'read' | 'range';

interface Access {
  name: string;
  kind: AccessKind;
  node: Node;
  /** Locks held at the access (see locksHeld); filled in by the caller that knows the scope. */
  locks?: Set<string>;
}

function isMapValue(value: Node | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  const inner = unparen(value);
  if (inner.type === 'composite_literal') return inner.childForFieldName('type')?.type === 'map_type';
  if (inner.type === 'call_expression' && calleeName(inner) === 'make') return callArguments(inner)[0]?.type === 'map_type';
  return false;
}

/** Names declared as maps by a var spec, short declaration or parameter directly under `scope`. */
function declaredMaps(scope: Node, out: Set<string>, others: Set<string>): void {
  const declare = (name: string, isMap: boolean): void => {
    if (isMap && !others.has(name)) out.add(name);
    else {
      out.delete(name);
      others.add(name);
    }
  };
  const visit = (node: Node): boolean | void => {
    if (node.type === 'var_spec') {
      const type = node.childForFieldName('type');
      const values = node.childForFieldName('value')?.namedChildren ?? [];
      node.childrenForFieldName('name').forEach((name, index) => {
        if (name !== null) declare(name.text, type !== null ? type.type === 'map_type' : isMapValue(values[index]));
      });
    } else if (node.type === 'short_var_declaration') {
      const names = node.childForFieldName('left')?.namedChildren ?? [];
      const values = node.childForFieldName('right')?.namedChildren ?? [];
      names.forEach((name, index) => {
        if (name !== null) declare(name.text, names.length === values.length && isMapValue(values[index]));
      });
    } else if (node.type === 'parameter_declaration') {
      const type = node.childForFieldName('type');
      for (const name of node.childrenForFieldName('name')) if (name !== null) declare(name.text, type?.type === 'map_type');
    } else if (node.type === 'range_clause') {
      for (const name of node.childForFieldName('left')?.namedChildren ?? []) if (name !== null) declare(name.text, false);
    }
    return undefined;
  };
  for (const field of ['receiver', 'parameters']) {
    const list = scope.childForFieldName(field);
    if (list !== null) walk(list, visit);
  }
  const body = scope.type === 'source_file' ? scope : scope.childForFieldName('body');
  if (body !== null) walk(body, visit, true);
}

function accessesIn(scope: Node, names: Set<string>, skip: (literal: Node) => boolean): Access[] {
  const out: Access[] = [];
  const writeTargets = new Set<number>();
  const visit = (node: Node): boolean | void => {
    if (node.type === 'func_literal' && skip(node)) return false;
    if (node.type === 'assignment_statement' || node.type === 'inc_statement' || node.type === 'dec_statement') {
      for (const target of assignedTargets(node)) {
        const inner = unparen(target);
        const operand = inner.type === 'index_expression' ? inner.childForFieldName('operand') : null;
        if (operand !== null && names.has(unparen(operand).text) && unparen(operand).type === 'identifier') {
          out.push({ name: unparen(operand).text, kind: 'write', node: inner });
          writeTargets.add(inner.id);
        }
      }
    } else if (node.type === 'call_expression') {
      const callee = calleeName(node);
      const first = callArguments(node)[0];
      if ((callee === 'delete' || callee === 'clear') && first !== undefined && unparen(first).type === 'identifier' && names.has(unparen(first).text)) {
        out.push({ name: unparen(first).text, kind: 'write', node });
      }
    } else if (node.type === 'index_expression' && !writeTargets.has(node.id)) {
      const operand = node.childForFieldName('operand');
      if (operand !== null && unparen(operand).type === 'identifier' && names.has(unparen(operand).text)) out.push({ name: unparen(operand).text, kind: 'read', node });
    } else if (node.type === 'range_clause') {
      const right = node.childForFieldName('right');
      if (right !== null && unparen(right).type === 'identifier' && names.has(unparen(right).text)) out.push({ name: unparen(right).text, kind: 'range', node: right });
    }
    return undefined;
  };
  const body = scope.childForFieldName('body');
  if (body !== null) walk(body, visit, false);
  return out;
}

/**
 * The locks held at `node` in its function, by the text of the locked expression (`mu`, `s.mu`, `s` for an
 * embedded mutex): a Lock/RLock call earlier in the function, unless an Unlock of the same expression that
 * surely runs first (not deferred, in a statement list around `node`) releases it. A Lock anywhere earlier
 * counts, so a lock taken on one branch protects (precision first); only an Unlock on every path releases.
 * `*Locked` functions say by convention that their caller holds the lock: "*" (matches any lock).
 */
function locksHeld(node: Node, root: Node): Map<string, Node> {
  const fn = enclosingFunction(node) ?? root;
  const held = new Map<string, Node>();
  if (/Locked$/.test(fn.childForFieldName('name')?.text ?? '')) held.set('*', fn);
  walk(
    fn,
    (inner) => {
      if (inner.startIndex >= node.startIndex) return false;
      const m = inner.type === 'call_expression' ? methodCall(inner) : null;
      if (m === null) return undefined;
      if (m.method === 'Lock' || m.method === 'RLock' || m.method === 'TryLock' || m.method === 'TryRLock') held.set(m.receiver.text, m.receiver);
      else if ((m.method === 'Unlock' || m.method === 'RUnlock') && inner.parent?.type !== 'defer_statement') {
        const statement = statementOf(inner);
        if (statement !== null && statement.type === 'expression_statement' && dominates(statement, node)) held.delete(m.receiver.text);
      }
      return undefined;
    },
    false,
  );
  return held;
}

/** Whether the function around `node` holds some lock at `node`. */
function guarded(node: Node, root: Node): boolean {
  return locksHeld(node, root).size > 0;
}

/**
 * Whether two sets of held locks share one mutex, so the two accesses exclude each other. Keys are the
 * locked expressions; "*" is a lock we cannot name (it may be the same one).
 */
function commonLock(a: Set<string>, b: Set<string>): boolean {
  if (a.has('*') || b.has('*')) return a.size > 0 && b.size > 0;
  for (const key of a) if (b.has(key)) return true;
  return false;
}

/** A synchronising operation: Wait(), Do(), a channel receive, a select, or a range over a non-map. Locks are
 * not: two sides are protected only when they hold the same mutex (commonLock). */
function isSyncPoint(node: Node, maps: Set<string>): boolean {
  if (node.type === 'select_statement') return true;
  if (node.type === 'unary_expression' && node.text.startsWith('<-')) return true;
  if (node.type === 'call_expression') {
    const m = methodCall(node);
    if (m !== null && (m.method === 'Wait' || m.method === 'Do')) return true;
  }
  if (node.type === 'range_clause') {
    const right = node.childForFieldName('right');
    if (right !== null && !maps.has(unparen(right).text)) return true;
  }
  return false;
}

/** Offset of the first sync point after `from` in `fn` (outside function literals), or the function's end. */
function firstSyncAfter(fn: Node, from: number, maps: Set<string>): number {
  let found = fn.endIndex;
  walk(fn, (node) => {
    if (node.endIndex <= from || node.startIndex >= found) return false;
    if (node.startIndex >= from && isSyncPoint(node, maps)) {
      found = node.startIndex;
      return false;
    }
    return undefined;
  });
  return found;
}

/** Function literals that run as goroutines: go func(){}(), g.Go(func(){}), time.AfterFunc(d, func(){}). */
function goroutineLiteral(literal: Node, file: FileFacts): Node | null {
  const parent = literal.parent;
  if (parent === null) return null;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === literal.id && parent.parent?.type === 'go_statement') return parent.parent;
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    if (call === null || call.type !== 'call_expression') return null;
    const m = methodCall(call);
    if (m === null) return null;
    if (m.method === 'Go' && callArguments(call).length === 1) return call;
    if (m.method === 'AfterFunc' && file.imports.get(m.receiver.text) === 'time') return call;
  }
  return null;
}

const VARIANT: Record<string, string> = {
  'write/write': 'fatal error: concurrent map writes',
  'write/read': 'fatal error: concurrent map read and map write',
  'write/range': 'fatal error: concurrent map iteration and map write',
};

/** `func(w http.ResponseWriter, r *http.Request)` under any alias of net/http. */
function isHandler(fn: Node, file: FileFacts): boolean {
  const params = fn.childForFieldName('parameters');
  if (params === null) return false;
  for (const [alias, path] of file.imports) {
    if (path !== 'net/http') continue;
    const text = params.text.replace(/\s+/g, ' ');
    if (text.includes(`${alias}.ResponseWriter`) && text.includes(`*${alias}.Request`)) return true;
  }
  return false;
}

/**
 * net/http serves each request in its own goroutine, so a handler that writes a package-level map without a
 * lock races with itself as soon as two requests overlap.
 */
function checkHandlers(context: RuleContext): void {
  const pkg = context.pkg;
  const maps = new Set<string>();
  const others = new Set<string>();
  for (const file of pkg.files) {
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue; // package level only (also inside var ( ... ) groups)
      const type = spec.childForFieldName('type');
      const values = spec.childForFieldName('value')?.namedChildren ?? [];
      spec.childrenForFieldName('name').forEach((name, index) => {
        if (name === null) return;
        if (type !== null ? type.type === 'map_type' : isMapValue(values[index])) maps.add(name.text);
        else others.add(name.text);
      });
    }
  }
  for (const other of others) maps.delete(other);
  if (maps.size === 0) return;
  for (const file of pkg.files) {
    if (![...file.imports.values()].includes('net/http')) continue;
    for (const fn of [...file.nodes('function_declaration'), ...file.nodes('method_declaration'), ...file.nodes('func_literal')]) {
      if (!isHandler(fn, file)) continue;
      const shadowed = new Set<string>();
      const local = new Set<string>();
      declaredMaps(fn, local, shadowed);
      const visible = new Set([...maps].filter((name) => !shadowed.has(name) && !local.has(name)));
      const write = accessesIn(fn, visible, () => false).find((a) => a.kind === 'write' && !guarded(a.node, fn));
      if (write === undefined) continue;
      context.report(file, {
        node: write.node,
        message: `package-level map ${write.name} is written in an HTTP handler with no lock; net/http runs every request in its own goroutine, so two overlapping requests write it at once: the runtime reports "fatal error: concurrent map writes"`,
        fix: { description: `guard ${write.name} with a sync.Mutex held around every access (or use sync.Map)` },
      });
    }
  }
}

export const concurrentMapAccess: Rule = {
  meta: {
    name: 'concurrent-map-access',
    title: 'Map used by two goroutines without a lock',
    severity: 'error',
    summary: 'A map is written in one goroutine and read, written or ranged in another with no common lock or synchronisation.',
    explanation:
      'Go maps are not safe for concurrent use. When one goroutine writes a map while another reads, writes or ' +
      'iterates it, the runtime may detect it and stop the whole program with `fatal error: concurrent map writes`, ' +
      '`concurrent map read and map write` or `concurrent map iteration and map write`; these fatal errors cannot ' +
      'be recovered. The race detector reports the same pairs. Goroutines are `go` statements, functions passed to ' +
      '`errgroup.Group.Go`, `sync.WaitGroup.Go` and `time.AfterFunc`, and HTTP handlers (net/http runs each request ' +
      'in its own goroutine, so a handler writing a package-level map races with itself). Accesses made before the `go` statement, or after ' +
      '`wg.Wait()` or a channel receive, are ordered and safe; deleting from a map while ranging over it in one ' +
      'goroutine is legal.',
    fix:
      'Guard every access with the same mutex, or use sync.Map for a key/value cache:\n\n```go\nvar mu sync.Mutex\ngo func() {\n\tmu.Lock()\n\tm[k] = v\n\tmu.Unlock()\n}()\nmu.Lock()\n_ = m[k]\nmu.Unlock()\n```',
    runtimeEffect: 'race',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    checkHandlers(context);
    const packageMaps = new Set<string>();
    const packageOthers = new Set<string>();
    for (const file of pkg.files) {
      for (const spec of file.nodes('var_spec')) {
        if (enclosingFunction(spec) !== null) continue; // package level only (also inside var ( ... ) groups)
        const type = spec.childForFieldName('type');
        const values = spec.childForFieldName('value')?.namedChildren ?? [];
        spec.childrenForFieldName('name').forEach((name, index) => {
          if (name === null) return;
          if (type !== null ? type.type === 'map_type' : isMapValue(values[index])) packageMaps.add(name.text);
          else packageOthers.add(name.text);
        });
      }
    }
    for (const other of packageOthers) packageMaps.delete(other);
    const reported = new Set<number>();
    for (const file of pkg.files) {
      const spawners = new Map<number, { fn: Node; goroutines: { literal: Node; start: Node }[] }>();
      for (const literal of file.nodes('func_literal')) {
        const start = goroutineLiteral(literal, file);
        if (start === null) continue;
        const fn = enclosingFunction(start);
        if (fn === null) continue;
        const entry = spawners.get(fn.id) ?? { fn, goroutines: [] };
        entry.goroutines.push({ literal, start });
        spawners.set(fn.id, entry);
      }
      for (const { fn, goroutines } of spawners.values()) {
        // Maps visible in the spawning function: its own map variables plus package-level maps it does not shadow.
        const maps = new Set<string>();
        const others = new Set<string>();
        declaredMaps(fn, maps, others);
        for (const name of packageMaps) if (!others.has(name) && !maps.has(name)) maps.add(name);
        if (maps.size === 0) continue;
        const literalIds = new Set(goroutines.map((g) => g.literal.id));
        const withLocks = (a: Access): Access => ({ ...a, locks: new Set(locksHeld(a.node, fn).keys()) });
        const parentAccesses = accessesIn(fn, maps, (literal) => literalIds.has(literal.id) || FUNCTION_TYPES.has(literal.type)).map(withLocks);
        const perGoroutine = goroutines.map((g) => {
          const shadowed = new Set<string>();
          const ownMaps = new Set<string>();
          declaredMaps(g.literal, ownMaps, shadowed);
          const visible = new Set([...maps].filter((name) => !shadowed.has(name) && !ownMaps.has(name)));
          return { ...g, accesses: accessesIn(g.literal, visible, () => false).map(withLocks) };
        });
        const report = (write: Access, other: Access, where: string, goLine: number): void => {
          if (reported.has(write.node.id)) return;
          reported.add(write.node.id);
          const variant = VARIANT[`write/${other.kind}`] ?? VARIANT['write/write'];
          const otherLine = other.node.startPosition.row + 1;
          context.report(file, {
            node: write.node,
            message:
              other.node.id === write.node.id
                ? `map ${write.name} is written here by every goroutine started in the loop at line ${goLine}, with no lock: the runtime reports "${variant}"`
                : `map ${write.name} is written here in the goroutine started at line ${goLine} and ${other.kind === 'range' ? 'ranged over' : other.kind === 'read' ? 'read' : 'written'} at line ${otherLine} in ${where} with no common lock or synchronisation: the runtime reports "${variant}"`,
            related: other.node.id === write.node.id ? [] : [{ node: other.node, message: `${other.kind} of ${write.name} in ${where}` }],
            fix: { description: `guard every access to ${write.name} with one sync.Mutex (or use sync.Map), or wait for the goroutine (wg.Wait, channel receive) before touching ${write.name}` },
          });
        };
        for (const g of perGoroutine) {
          const goLine = g.start.startPosition.row + 1;
          const writes = g.accesses.filter((a) => a.kind === 'write');
          if (writes.length === 0) continue;
          // The same literal started many times in a loop races with itself.
          if (insideLoop(g.start, fn)) {
            const first = writes.find((w) => w.locks?.size === 0);
            if (first !== undefined) report(first, first, 'another instance of this goroutine', goLine);
          }
          // The spawning function between the go statement and the next synchronising operation.
          const until = firstSyncAfter(fn, g.start.endIndex, maps);
          for (const write of writes) {
            const other = parentAccesses.find((a) => a.name === write.name && a.node.startIndex >= g.start.endIndex && a.node.startIndex < until && !commonLock(write.locks ?? new Set(), a.locks ?? new Set()));
            if (other !== undefined) report(write, other, 'the spawning function', goLine);
          }
          // Other goroutines started by the same function before the next synchronising operation.
          for (const h of perGoroutine) {
            if (h === g) continue;
            const [a, b] = g.start.startIndex < h.start.startIndex ? [g, h] : [h, g];
            if (firstSyncAfter(fn, a.start.endIndex, maps) < b.start.startIndex) continue;
            for (const write of writes) {
              const other = h.accesses.find((x) => x.name === write.name && !commonLock(write.locks ?? new Set(), x.locks ?? new Set()));
              if (other !== undefined) report(write, other, `the goroutine started at line ${h.start.startPosition.row + 1}`, goLine);
            }
          }
        }
      }
    }
  },
};
