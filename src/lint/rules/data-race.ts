// Data races on struct fields and package variables: a field that the package reads and writes under one lock
// almost everywhere, touched without it in code a goroutine runs; a field written while holding only the read
// lock of its RWMutex; a package variable written by one goroutine and used by another with no lock. Go's
// memory model gives a racy program no guarantees; the race detector reports each pair as a DATA RACE.
import type { Node } from '../load/tree-sitter-go.js';
import type { FileFacts } from '../facts/package-facts.js';
import { accessFacts } from '../facts/field-accesses.js';
import type { FieldAccess, HeldLock } from '../facts/field-accesses.js';
import { goroutineFacts } from '../facts/goroutine-starts.js';
import type { GoroutineFacts, GoroutineStart } from '../facts/goroutine-starts.js';
import {
  FUNCTION_TYPES,
  dominates,
  enclosingFunction,
  methodCall,
  statementOf,
  unparen,
  walk,
} from '../load/syntax.js';
import { packageModel } from '../model/package-model.js';
import { lockFacts } from '../facts/lock-summary.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import type { Severity } from '../../model.js';

/** A named lock (not one we only know a caller holds). */
function named(lock: HeldLock): boolean {
  return lock.identity !== '*' && !lock.identity.startsWith('?');
}

/** How a lock identity reads in a message: `T.mu` -> "T.mu", `var.mu` -> "mu". */
function lockName(identity: string): string {
  return identity.startsWith('var.') ? identity.slice(4) : identity;
}

function keyName(key: string): string {
  return key.startsWith('var.') ? `package variable ${key.slice(4)}` : `field ${key}`;
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

/** Whether two accesses exclude each other by a lock: one both hold, at least one of them for writing. */
function commonLock(a: HeldLock[], b: HeldLock[]): boolean {
  if (a.some((l) => l.identity === '*') || b.some((l) => l.identity === '*')) return a.length > 0 && b.length > 0;
  return a.some((x) => b.some((y) => x.identity === y.identity && !(x.read && y.read)));
}

/** The goroutines that can run an access: the starts reaching its function. */
function runners(goroutines: GoroutineFacts, access: FieldAccess): GoroutineStart[] {
  return goroutines.reaching(access.fn).map((run) => run.start);
}

/**
 * The locks held at an access: its own, and those that every goroutine reaching it holds on the way down (a
 * caller several calls up that locks around the call).
 */
function effectiveLocks(goroutines: GoroutineFacts, access: FieldAccess): HeldLock[] {
  const runs = goroutines.reaching(access.fn);
  if (runs.length === 0 || runs.some((run) => run.held.size === 0)) return access.locks;
  const [first, ...rest] = runs;
  const common = new Set(first?.held ?? []);
  for (const run of rest) for (const l of common) if (!run.held.has(l)) common.delete(l);
  const out = [...access.locks];
  // Held by every path, though not always the same one: some lock orders the access (precision first).
  if (common.size === 0) out.push({ identity: '*', read: false });
  else
    for (const identity of common) if (!out.some((l) => l.identity === identity)) out.push({ identity, read: false });
  return out;
}

/** Whether two sets of goroutines can hold one access each at the same moment. */
function overlap(goroutines: GoroutineFacts, a: GoroutineStart[], b: GoroutineStart[]): boolean {
  // Two starts of the same function (`go db.doWrites()` in Open and again after a pause) are taken as one
  // goroutine restarted, not two at once: programs restart a single writer that way.
  const same = (x: GoroutineStart, y: GoroutineStart): boolean =>
    x === y || (x.entries.length > 0 && x.entries[0] === y.entries[0]) || x.entries[0]?.id === y.entries[0]?.id;
  for (const x of a)
    for (const y of b) {
      if (same(x, y)) {
        if (x.selfConcurrent) return true;
      } else if (!goroutines.inSeparateSequentialTests(x, y)) return true;
    }
  return false;
}

function goroutineWords(starts: GoroutineStart[], at?: FileFacts): string {
  if (starts.length === 0) return 'its caller';
  const first = starts[0];
  if (first === undefined) return 'its caller';
  // A start in another file than the finding's is named with its file.
  const label =
    at !== undefined && first.file.path !== at.path && first.label.includes(' at line ')
      ? first.label.replace(' at line ', ` at ${first.file.path.slice(first.file.path.lastIndexOf('/') + 1)}:`)
      : first.label;
  return starts.length === 1 ? label : `${label} (and ${starts.length - 1} more)`;
}

/**
 * The standard library's runtime packages: the compiler gives them no race instrumentation
 * (cmd/internal/objabi/pkgspecial.go, NoInstrument) and they do not use sync's locks.
 */
const RUNTIME_PACKAGE = /^(runtime|internal\/runtime\/.+)$/;

/**
 * Package booleans declared `= false` that nothing in the package writes or takes the address of (`if
 * alwaysFalse { sink += x }`, which keeps the compiler from removing the work): the code they guard never runs.
 */
function falseFlags(pkg: RuleContext['pkg'], byKey: Map<string, FieldAccess[]>): Set<number> {
  // The reads of such a flag (identifier nodes the accesses resolved to the package variable, not a local).
  const out = new Set<number>();
  for (const file of pkg.files)
    for (const spec of file.nodes('var_spec')) {
      if (enclosingFunction(spec) !== null) continue;
      const names = spec.childrenForFieldName('name');
      const values = spec.childForFieldName('value')?.namedChildren ?? [];
      names.forEach((name, i) => {
        if (name === null || values.length !== names.length || values[i]?.text !== 'false') return;
        const uses = byKey.get(`var.${name.text}`) ?? [];
        if (uses.every((u) => u.kind === 'read' && u.node.parent?.type !== 'unary_expression'))
          for (const u of uses) out.add(u.node.id);
      });
    }
  return out;
}

/** Whether `node` sits in the body of an `if flag {` inside `fn`, with `flag` one of the reads in `flags`. */
function underFalseFlag(node: Node, fn: Node, flags: Set<number>): boolean {
  for (let child = node, n = node.parent; n !== null && n.id !== fn.id; child = n, n = n.parent) {
    if (n.type !== 'if_statement' || n.childForFieldName('consequence')?.id !== child.id) continue;
    const condition = n.childForFieldName('condition');
    if (condition !== null && flags.has(condition.id)) return true;
  }
  return false;
}

/** Functions that set a value up before it is shared, or tear it down after: their accesses are not counted. */
const SETUP = /^(new|New|init|Init|provision|Provision|setup|Setup|configure|Configure|load|Load|validate|Validate)/;

function functionName(fn: Node): string {
  let current: Node | null = fn;
  while (current !== null && current.type === 'func_literal') current = enclosingFunction(current);
  return current?.childForFieldName('name')?.text ?? '';
}

/**
 * Whether an access is `s.f` in a method of the owner type on its own receiver `s` (or a literal inside one):
 * the struct's own code skipping the struct's own lock.
 */
function onReceiver(access: FieldAccess, owner: string): boolean {
  let fn: Node | null = access.fn;
  while (fn !== null && fn.type === 'func_literal') fn = enclosingFunction(fn);
  if (fn === null || fn.type !== 'method_declaration') return false;
  const receiver = fn.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const type = receiver?.childForFieldName('type');
  if (type === null || type === undefined || type.type !== 'pointer_type') return false;
  const base = type.namedChild(0);
  const typeName = base?.type === 'generic_type' ? base.childForFieldName('type')?.text : base?.text;
  const name = receiver?.childForFieldName('name')?.text;
  const operand = access.node.childForFieldName('operand');
  return typeName === owner && name !== undefined && operand !== null && unparen(operand).text === name;
}

export const dataRace: Rule = {
  meta: {
    name: 'data-race',
    title: 'Field or package variable used by two goroutines without a common lock',
    severity: 'warning',
    summary:
      'A field that is otherwise accessed under a lock is read or written without it where a goroutine runs, ' +
      'written under only a read lock, or a package variable is written by one goroutine and used by another.',
    explanation:
      'Two goroutines that access the same variable at once, at least one of them writing, with no ' +
      'happens-before between them (a lock both hold, a channel operation, `wg.Wait`, `Once`) make a data race: ' +
      'Go gives the program no guarantees (torn values, stale reads, broken invariants), and `go test -race` ' +
      'reports it as a DATA RACE. The rule infers which lock guards a field from how the package uses it: when ' +
      'most accesses to `T.f` (by owner type and field, whatever the expression) hold the same mutex, an access ' +
      'without any lock in code that a goroutine runs (a `go` statement, `errgroup.Go`, `wg.Go`, ' +
      '`time.AfterFunc`, an HTTP handler, and what they call in the package) is reported. A write made while ' +
      'holding only `RLock` races with the other readers, which hold the read lock at the same time. A package ' +
      'variable written without a lock by one goroutine and read or written by another is reported too. Not ' +
      'reported: accesses on a value the function built itself before starting a goroutine (a constructor), in ' +
      '`init`, before the `go` statement, after a `Wait`, a channel receive or a `select` in the same function, ' +
      'in functions whose callers all hold the lock (or that say so: `fooLocked`, "must be called with mu held"), ' +
      'and fields of `sync` and `sync/atomic` types; for a package variable also a use in a function that the ' +
      'writing function hands out only after the write (a function literal written after it, a handler or ' +
      'callback used nowhere else), and a use behind `if flag.Load()` when only the writer sets the flag, after ' +
      'the write; and for a variable written before a signal, a use that the starter reaches only after ' +
      'receiving that signal (also after a `select` that could give up on it). An unlocked read in a goroutine ' +
      'that itself writes the field ' +
      'under the lock is only an `info` finding: a single writer may read its own writes without the lock. The ' +
      'inferred-lock and read-lock shapes are notes (`info`) as a whole: every one read on the repositories of ' +
      '`npm run bench:precision` was set-up code before the value is shared, or one writer that its callers ' +
      'serialise, which the source alone does not show. Package variables shared by goroutines, goroutines ' +
      'started in a loop on one object, and a variable used after a wait that timed out stay warnings. Goroutines ' +
      'started only from different `Test` or `Benchmark` functions that never call `t.Parallel` are not paired: ' +
      '`go test` runs those tests one after another (a goroutine that outlives its test is a leak of its own). The Go ' +
      "runtime's own packages (`runtime`, `internal/runtime/...`) are not checked: their goroutines synchronise " +
      "through the runtime's internal locks, semaphores and stopping the world, which the compiler never " +
      'instruments for the race detector.',
    fix:
      'Hold the mutex that guards the field around every access, and take the write lock to write:\n\n```go\n' +
      'func (c *Cache) Len() int {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\treturn len(c.items)\n}\n```\n\n' +
      'Or make the value an atomic (`atomic.Int64`), or hand it over through a channel.',
    runtimeEffect: 'race',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    // The runtime's own files, not its external tests (package runtime_test), which use sync like any program.
    const runtime = RUNTIME_PACKAGE.test(pkg.importPath);
    const { byKey } = accessFacts(pkg);
    const goroutines = goroutineFacts(pkg);
    const off = falseFlags(pkg, byKey);
    const dead = (access: FieldAccess): boolean => off.size > 0 && underFalseFlag(access.node, access.fn, off);
    const reported = new Set<number>();
    const report = (
      access: FieldAccess,
      message: string,
      other: FieldAccess | null,
      otherMessage: string,
      severity?: Severity,
    ): void => {
      if (reported.has(access.node.id) || dead(access) || (other !== null && dead(other))) return;
      if (runtime && !access.file.packageName.endsWith('_test')) return;
      reported.add(access.node.id);
      const related: { node: Node; message: string; file?: FileFacts }[] =
        other === null ? [] : [{ node: other.node, message: otherMessage, file: other.file }];
      context.report(access.file, {
        node: access.node,
        message,
        related,
        ...(severity === undefined ? {} : { severity }),
        fix: {
          description:
            `hold the same mutex around every access to ${access.node.text} (the write lock to write), or make it ` +
            `an atomic value`,
        },
      });
    };
    for (const [key, list] of byKey) {
      const live = list
        .filter((a) => !a.unpublished)
        .map((a) => ({ ...a, own: a.locks, locks: effectiveLocks(goroutines, a) }));
      if (!live.some((a) => a.kind === 'write')) continue;
      if (key.startsWith('var.')) {
        checkPackageVariable(key, live, goroutines, report, pkg);
        continue;
      }
      // The guarding lock: the named lock most accesses hold.
      const counts = new Map<string, number>();
      // Counted over the locks each access takes itself, and only locks that are fields of the owner type: a
      // struct guarding its own fields (a package lock or a caller's guards whole phases, such as loading).
      const owner = key.slice(0, key.indexOf('.'));
      for (const a of live)
        for (const identity of new Set(
          a.own.filter((l) => named(l) && l.identity.startsWith(`${owner}.`)).map((l) => l.identity),
        ))
          counts.set(identity, (counts.get(identity) ?? 0) + 1);
      let guard: string | null = null;
      let guarded = 0;
      for (const [identity, count] of counts)
        if (count > guarded) {
          guard = identity;
          guarded = count;
        }
      const unguarded = live.filter((a) => a.locks.length === 0);
      const holds = (a: FieldAccess): boolean => a.locks.some((l) => l.identity === guard);
      if (guard !== null) {
        // A write under the read lock only: the other readers hold it at the same time.
        for (const w of live) {
          if (w.kind !== 'write' || w.locks.length === 0 || !w.locks.every((l) => l.read) || !onReceiver(w, owner))
            continue;
          const lock = w.locks.find((l) => l.identity === guard);
          if (lock === undefined) continue;
          const other = live.find((a) => a !== w && holds(a)) ?? null;
          report(
            w,
            `${keyName(key)} is written here while holding only the read lock of ${lockName(guard)}: every other ` +
              `reader holds that lock at the same time${other === null ? '' : `, such as the access at line ${line(other.node)}`}` +
              `, so this write races with them (${goroutineWords(runners(goroutines, w), w.file)}) unless its callers ` +
              `serialise it (a note: on real code this is often a single writer by design)`,
            other,
            `${other?.kind === 'write' ? 'written' : 'read'} holding ${lockName(guard)}`,
            'info',
          );
        }
      }
      if (guard === null || guarded < 2 || guarded <= unguarded.length) continue;
      const writes = live.filter((a) => a.kind === 'write').length;
      for (const u of unguarded) {
        if (u.beforeStart || u.ordered || !onReceiver(u, owner) || SETUP.test(functionName(u.fn))) continue;
        // Checked under the lock earlier in the same function, and written only once: the check saw the one
        // write (`mu.Lock(); ok := s.f != nil; mu.Unlock(); if ok { s.f.Use() }`), so the use comes after it.
        if (
          writes === 1 &&
          u.kind === 'read' &&
          live.some((a) => a.fn.id === u.fn.id && holds(a) && a.node.startIndex < u.node.startIndex)
        )
          continue;
        const uRunners = runners(goroutines, u);
        // The partner write must run in a goroutine that can overlap this one: a goroutine that writes a field under
        // the lock and reads it without (its own writes) is the only writer, and teardown code is not one.
        const concurrentWith = (a: FieldAccess): boolean => {
          const r = runners(goroutines, a);
          return r.length > 0 && overlap(goroutines, uRunners, r);
        };
        const partner =
          live.find(
            (a) =>
              a !== u &&
              holds(a) &&
              a.kind === 'write' &&
              a.locks.some((l) => !l.read) &&
              concurrentWith(a) &&
              !SETUP.test(functionName(a.fn)),
          ) ?? (u.kind === 'write' ? live.find((a) => a !== u && holds(a) && concurrentWith(a)) : undefined);
        if (partner === undefined) continue;
        const pRunners = runners(goroutines, partner);
        // A goroutine must run the unguarded access itself, holding no lock on the way.
        if (uRunners.length === 0) continue;
        // The partner must run in another goroutine (or another instance of the same one): a goroutine that reads a
        // field and later writes it under the lock does not race with itself.
        if (partner.fn.id === u.fn.id && !uRunners.some((r) => r.selfConcurrent)) continue;
        if (pRunners.length > 0 && !overlap(goroutines, uRunners, pRunners)) continue;
        const total = live.length - 1;
        // A goroutine that runs this read also writes the field (under the lock): it may be the only writer,
        // reading its own writes, which needs no lock. Which one it is cannot be told from the source: a note.
        const entryIds = new Set(uRunners.map((r) => r.entries[0]?.id));
        const ownWriter =
          u.kind === 'read' &&
          live.some(
            (a) => a.kind === 'write' && holds(a) && runners(goroutines, a).some((r) => entryIds.has(r.entries[0]?.id)),
          );
        report(
          u,
          `${keyName(key)} is ${u.kind === 'write' ? 'written' : 'read'} here with no lock, but ${guarded} of its ` +
            `${total} other accesses hold ${lockName(guard)}, among them the ${partner.kind} at line ` +
            `${line(partner.node)}; ${goroutineWords(uRunners.length > 0 ? uRunners : pRunners, u.file)} runs ` +
            `${uRunners.length > 0 ? 'this access' : 'that one'}, so the two can overlap: a data race` +
            (ownWriter
              ? ' (unless the goroutine running this read is the only writer: reading its own writes needs no lock)'
              : ' (a note: the guarding lock is inferred from the other accesses, and set-up before the value is ' +
                'shared or a lock held by every caller would make this safe)'),
          partner,
          `${partner.kind === 'write' ? 'written' : 'read'} holding ${lockName(guard)}`,
          'info',
        );
      }
    }
    checkLoopGoroutines(pkg, byKey, goroutines, report);
    for (const file of pkg.files) checkAbandonedWrites(context, file);
  },
};

function checkPackageVariable(
  key: string,
  live: FieldAccess[],
  goroutines: GoroutineFacts,
  report: (access: FieldAccess, message: string, other: FieldAccess | null, otherMessage: string) => void,
  pkg: RuleContext['pkg'],
): void {
  for (const w of live) {
    if (w.kind !== 'write' || w.locks.length > 0) continue;
    const wRunners = runners(goroutines, w);
    if (wRunners.length === 0) continue;
    const other = live.find((a) => {
      if (a === w && !wRunners.some((s) => s.selfConcurrent)) return false;
      if (commonLock(w.locks, a.locks) || a.locks.length > 0) return false;
      const aRunners = runners(goroutines, a);
      if (aRunners.length === 0 || !overlap(goroutines, wRunners, aRunners)) return false;
      if (wRunners.some((s) => s.selfConcurrent)) return true;
      return !handedOutAfter(w, a, pkg) && !publishedByFlag(w, a, pkg);
    });
    if (other === undefined) continue;
    const oRunners = runners(goroutines, other);
    report(
      w,
      other === w
        ? `${keyName(key)} is written here with no lock by ${goroutineWords(wRunners, w.file)}, which runs many times at ` +
            `once: a data race`
        : `${keyName(key)} is written here with no lock by ${goroutineWords(wRunners, w.file)} and ` +
            `${other.kind === 'write' ? 'written' : 'read'} at line ${line(other.node)} by ` +
            `${goroutineWords(oRunners, w.file)}, also with no lock: a data race`,
      other === w ? null : other,
      `${other.kind === 'write' ? 'written' : 'read'} by ${goroutineWords(oRunners, other.file)}`,
    );
  }
}

/**
 * Whether the function that makes access `a` exists for other goroutines only after write `w`: a function literal
 * written after the write in the writing function, or a package function used only as a value (a handler, a
 * callback) there, after the write. Handing a function to another goroutine (a go statement, registering an HTTP
 * handler and serving) orders what the writer did before.
 */
function handedOutAfter(w: FieldAccess, a: FieldAccess, pkg: RuleContext['pkg']): boolean {
  const statement = statementOf(w.node);
  if (statement === null) return false;
  for (let fn: Node | null = a.fn; fn !== null; fn = enclosingFunction(fn)) {
    if (fn.type === 'func_literal' && contains(w.fn, fn) && dominates(statement, fn)) return true;
    if (fn.type !== 'function_declaration') continue;
    const name = fn.childForFieldName('name')?.text;
    if (name === undefined) return false;
    let values = 0;
    for (const file of pkg.files) {
      if (!file.source.includes(name)) continue;
      for (const id of file.nodes('identifier')) {
        if (id.text !== name || id.id === fn.childForFieldName('name')?.id) continue;
        const parent = id.parent;
        if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id) return false;
        if (!contains(w.fn, id) || !dominates(statement, id)) return false;
        values++;
      }
    }
    return values > 0;
  }
  return false;
}

const FLAG_SETTERS = new Set(['Store', 'Swap', 'CompareAndSwap']);

/**
 * Whether access `a` runs only once an atomic flag is set (`if ready.Load() { use(v) }`) that nothing sets but the
 * writing function after the write (`v = ...; ready.Store(true)`), or that is only ever reset to false/0:
 * the load that sees the flag set orders the write before the use.
 */
function publishedByFlag(w: FieldAccess, a: FieldAccess, pkg: RuleContext['pkg']): boolean {
  const statement = statementOf(w.node);
  if (statement === null) return false;
  const flags: string[] = [];
  for (let child = a.node, parent = a.node.parent; parent !== null; child = parent, parent = parent.parent) {
    if (FUNCTION_TYPES.has(parent.type)) break;
    if (parent.type !== 'if_statement' || child.id !== parent.childForFieldName('consequence')?.id) continue;
    // The condition's conjuncts: `flag.Load()`, `flag.Load() && more`.
    const conjuncts: Node[] = [];
    const split = (node: Node): void => {
      const n = unparen(node);
      if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '&&') {
        for (const side of [n.childForFieldName('left'), n.childForFieldName('right')]) if (side !== null) split(side);
      } else conjuncts.push(n);
    };
    const condition = parent.childForFieldName('condition');
    if (condition !== null) split(condition);
    for (const c of conjuncts) {
      const m = methodCall(c);
      if (m !== null && m.method === 'Load' && callArgumentCount(c) === 0) flags.push(unparen(m.receiver).text);
    }
  }
  if (flags.length === 0) return false;
  return flags.some((flag) => {
    for (const file of pkg.files) {
      if (!file.source.includes(flag)) continue;
      for (const call of file.nodes('call_expression')) {
        const m = methodCall(call);
        if (m === null || !FLAG_SETTERS.has(m.method) || unparen(m.receiver).text !== flag) continue;
        const args = call.childForFieldName('arguments')?.namedChildren ?? [];
        const stored = args[args.length - 1];
        if (stored?.type === 'false' || stored?.text === '0') continue;
        if (!contains(w.fn, call) || !dominates(statement, call)) return false;
      }
    }
    return true;
  });
}

function callArgumentCount(call: Node): number {
  return call.childForFieldName('arguments')?.namedChildCount ?? 0;
}

/** Whether the loop around `start` waits (Wait, receive, select) after starting it, before the next iteration. */
function waitsEachIteration(start: Node, spawner: Node): boolean {
  let loop: Node | null = start.parent;
  while (loop !== null && loop.id !== spawner.id && loop.type !== 'for_statement') loop = loop.parent;
  const body = loop?.type === 'for_statement' ? loop.childForFieldName('body') : null;
  if (body === null || body === undefined) return false;
  let waits = false;
  walk(body, (node) => {
    if (waits || node.endIndex <= start.endIndex) return node.endIndex > start.endIndex ? undefined : false;
    if (node.type === 'select_statement' || (node.type === 'unary_expression' && node.text.startsWith('<-')))
      waits = true;
    if (node.type === 'call_expression' && methodCall(node)?.method === 'Wait') waits = true;
    return waits ? false : undefined;
  });
  return waits;
}

/** Names declared in the `for` statements around `node` inside `spawner`: each iteration's own (Go 1.22). */
function loopDeclared(node: Node, spawner: Node): Set<string> {
  const out = new Set<string>();
  for (let current = node.parent; current !== null && current.id !== spawner.id; current = current.parent) {
    if (current.type !== 'for_statement') continue;
    walk(current, (inner) => {
      if (inner.type === 'short_var_declaration' || inner.type === 'range_clause')
        for (const name of inner.childForFieldName('left')?.namedChildren ?? []) if (name !== null) out.add(name.text);
      if (inner.type === 'var_spec')
        for (const name of inner.childrenForFieldName('name')) if (name !== null) out.add(name.text);
      return undefined;
    });
  }
  return out;
}

/**
 * Goroutines started in a loop that call a method on one object they all share (`go p.LazyProvide()`, or
 * `go func() { a.Update() }()` with `a` declared outside the loop): a field of that object written there with no
 * lock is written by every one of them at once.
 */
function checkLoopGoroutines(
  pkg: RuleContext['pkg'],
  byKey: Map<string, FieldAccess[]>,
  goroutines: GoroutineFacts,
  report: (access: FieldAccess, message: string, other: FieldAccess | null, otherMessage: string) => void,
): void {
  const model = packageModel(pkg);
  const writesIn = new Map<number, FieldAccess[]>();
  for (const list of byKey.values())
    for (const a of list) {
      if (a.kind !== 'write' || a.key.startsWith('var.') || a.locks.length > 0 || a.ordered || a.unpublished) continue;
      const owner = a.key.slice(0, a.key.indexOf('.'));
      if (!onReceiver(a, owner)) continue;
      const writes = writesIn.get(a.fn.id) ?? [];
      writes.push(a);
      writesIn.set(a.fn.id, writes);
    }
  if (writesIn.size === 0) return;
  for (const start of goroutines.starts) {
    const spawner = start.spawner;
    if (spawner === null || !start.selfConcurrent || waitsEachIteration(start.start, spawner)) continue;
    const perIteration = loopDeclared(start.start, spawner);
    // The method calls the goroutine makes on a shared object: the go statement's own call, or calls in the literal.
    const calls: Node[] = [];
    const call = start.start.type === 'go_statement' ? start.start.namedChild(0) : null;
    const literal = call?.childForFieldName('function');
    if (
      call !== null &&
      call !== undefined &&
      literal !== null &&
      literal !== undefined &&
      unparen(literal).type === 'func_literal'
    )
      walk(unparen(literal), (node) => {
        if (node.type === 'call_expression') calls.push(node);
        return undefined;
      });
    else if (call !== null && call !== undefined) calls.push(call);
    for (const c of calls) {
      const m = methodCall(c);
      if (m === null || unparen(m.receiver).type !== 'identifier' || perIteration.has(m.receiver.text)) continue;
      // Declared in the literal itself: each goroutine's own value.
      if (
        literal !== null &&
        literal !== undefined &&
        c.startIndex > literal.startIndex &&
        declaresIn(unparen(literal), m.receiver.text)
      )
        continue;
      const caller = enclosingFunction(c);
      if (caller === null || lockFacts(pkg).heldAt(c, caller).length > 0) continue;
      const target = model.callee(c, start.file);
      if (target === null) continue;
      const write = writesIn.get(target.node.id)?.[0];
      if (write === undefined) continue;
      report(
        write,
        `${keyName(write.key)} is written here with no lock by every goroutine started in the loop at line ` +
          `${line(start.start)}: they all call ${m.receiver.text}.${m.method} on the same ${m.receiver.text}, so two of ` +
          `them write it at once: a data race`,
        null,
        '',
      );
    }
  }
}

function declaresIn(fn: Node, name: string): boolean {
  let found = false;
  walk(
    fn,
    (node) => {
      if (found) return false;
      if (node.type === 'short_var_declaration' || node.type === 'range_clause')
        for (const n of node.childForFieldName('left')?.namedChildren ?? []) if (n?.text === name) found = true;
      if (node.type === 'var_spec' || node.type === 'parameter_declaration')
        for (const n of node.childrenForFieldName('name')) if (n?.text === name) found = true;
      return undefined;
    },
    false,
  );
  return found;
}

/** The names a function declares in its own scope: receiver, parameters, named results, locals outside literals. */
function ownScope(fn: Node): Set<string> {
  const out = new Set<string>();
  const visit = (node: Node): boolean | void => {
    if (node.type === 'parameter_declaration' || node.type === 'var_spec')
      for (const name of node.childrenForFieldName('name')) if (name !== null) out.add(name.text);
    if (node.type === 'short_var_declaration' || node.type === 'range_clause')
      for (const name of node.childForFieldName('left')?.namedChildren ?? []) if (name !== null) out.add(name.text);
    return undefined;
  };
  for (const field of ['receiver', 'parameters', 'result', 'body']) {
    const part = fn.childForFieldName(field);
    if (part !== null) walk(part, visit);
  }
  return out;
}

function namedResults(fn: Node): Set<string> {
  const out = new Set<string>();
  const result = fn.childForFieldName('result');
  if (result?.type === 'parameter_list')
    for (const decl of result.namedChildren)
      for (const name of decl?.childrenForFieldName('name') ?? []) if (name !== null) out.add(name.text);
  return out;
}

/** The channel a select case receives from (`case v = <-ch:`, `case <-ch:`), as written. */
function caseChannel(clause: Node): string | null {
  const communication = clause.childForFieldName('communication');
  if (communication === null) return null;
  let found: string | null = null;
  walk(communication, (node) => {
    if (found === null && node.type === 'unary_expression' && node.text.startsWith('<-'))
      found = unparen(node.childForFieldName('operand') ?? node).text;
    return found === null ? undefined : false;
  });
  if (found === null && communication.type === 'unary_expression' && communication.text.startsWith('<-'))
    found = unparen(communication.childForFieldName('operand') ?? communication).text;
  return found;
}

/**
 * A goroutine that writes a variable of its starter and then signals on a channel, while the starter waits for
 * that signal in a select that can also stop waiting (a timeout, a cancellation, a default) and then uses the
 * variable, or returns it as a named result: on that path nothing orders the write before the use.
 */
function checkAbandonedWrites(context: RuleContext, file: FileFacts): void {
  for (const statement of file.nodes('go_statement')) {
    const call = statement.namedChild(0);
    const literal = call?.childForFieldName('function');
    const starter = enclosingFunction(statement);
    if (literal === null || literal === undefined || unparen(literal).type !== 'func_literal' || starter === null)
      continue;
    const body = unparen(literal).childForFieldName('body');
    if (body === null) continue;
    const captured = ownScope(starter);
    const local = ownScope(unparen(literal));
    const results = namedResults(starter);
    // Writes of the starter's variables in the goroutine, each followed by a send or close on a channel.
    const writes: { node: Node; name: string }[] = [];
    const signals: { node: Node; channel: string; deferred: boolean }[] = [];
    walk(body, (node) => {
      if (node.type === 'assignment_statement' || node.type === 'inc_statement' || node.type === 'dec_statement') {
        const left = node.type === 'assignment_statement' ? node.childForFieldName('left') : node;
        for (const target of left?.type === 'expression_list' ? left.namedChildren : [node.namedChild(0)])
          if (target !== null && target !== undefined && unparen(target).type === 'identifier') {
            const name = unparen(target).text;
            if (captured.has(name) && !local.has(name)) writes.push({ node: unparen(target), name });
          }
      }
      if (node.type === 'send_statement') {
        const channel = node.childForFieldName('channel');
        if (channel !== null) signals.push({ node, channel: unparen(channel).text, deferred: false });
      }
      if (node.type === 'call_expression' && node.childForFieldName('function')?.text === 'close') {
        const arg = node.childForFieldName('arguments')?.namedChild(0);
        if (arg !== null && arg !== undefined)
          signals.push({ node, channel: unparen(arg).text, deferred: node.parent?.type === 'defer_statement' });
      }
      return undefined;
    });
    if (writes.length === 0 || signals.length === 0) continue;
    const starterBody = starter.childForFieldName('body');
    if (starterBody === null) continue;
    walk(starterBody, (select) => {
      if (select.type !== 'select_statement' || select.startIndex < statement.endIndex) return undefined;
      const clauses = select.namedChildren.filter(
        (c) => c !== null && (c.type === 'communication_case' || c.type === 'default_case'),
      );
      for (const write of writes) {
        const signal = signals.find((sg) => sg.node.startIndex > write.node.startIndex);
        if (signal === undefined) continue;
        const waits = clauses.some(
          (c) => c !== null && c.type === 'communication_case' && caseChannel(c) === signal.channel,
        );
        const other = clauses.find(
          (c) => c !== null && (c.type === 'default_case' || caseChannel(c) !== signal.channel),
        );
        if (!waits || other === undefined || other === null) continue;
        // A case that ends the goroutine or returns does not fall through to the code after the select.
        const ends =
          /\b(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow|Goexit|Exit)\(|\bpanic\(|\breturn\b|\bcontinue\b|\bgoto\b/.test(
            other.text,
          );
        // The first use of the variable after the select stopped waiting, or a return of it as a named result.
        let use: Node | null = null;
        walk(starterBody, (node) => {
          if (ends && !contains(other, node) && node.startIndex >= other.startIndex) return false;
          if (use !== null || node.endIndex <= other.startIndex) return use === null ? undefined : false;
          if (
            node.startIndex >= other.startIndex &&
            !(node.startIndex >= select.startIndex && node.endIndex <= select.endIndex && !contains(other, node))
          ) {
            if (node.type === 'identifier' && node.text === write.name) use = node;
            else if (node.type === 'return_statement' && results.has(write.name) && node.namedChildCount === 0)
              use = node;
          }
          return use === null ? undefined : false;
        });
        if (use === null) continue;
        const useNode: Node = use;
        // Signals that come after the write: a later send or close, or a close deferred by the goroutine.
        const completions = new Set(
          signals.filter((sg) => sg.deferred || sg.node.startIndex > write.node.startIndex).map((sg) => sg.channel),
        );
        if (receivedBefore(starterBody, completions, other, useNode)) continue;
        context.report(file, {
          node: write.node,
          message:
            `${write.name} is written here by the goroutine started at line ${line(statement)}, which then signals on ` +
            `${signal.channel}; the select at line ${line(select)} can stop waiting for that signal (line ` +
            `${line(other)}) and ${useNode.type === 'return_statement' ? `return ${write.name}` : `use ${write.name}`} at line ` +
            `${line(useNode)} while the goroutine may still write it: a data race`,
          related: [{ node: useNode, message: `${write.name} used after the select gave up waiting`, file }],
          fix: {
            description: `give the goroutine its own variable and hand the value over through ${signal.channel}`,
          },
        });
        return false;
      }
      return undefined;
    });
  }
}

/** The case clauses and branches whose code may not run on the way to what follows them. */
const CASES = new Set(['expression_case', 'type_case', 'default_case', 'communication_case']);

/**
 * Whether the starter, once the select took `other`, receives from one of `channels` on every path to `use` (in
 * that case, or after the select): the receive waits for the goroutine's signal that follows its write.
 */
function receivedBefore(body: Node, channels: Set<string>, other: Node, use: Node): boolean {
  if (channels.size === 0) return false;
  let found = false;
  walk(body, (node) => {
    if (found || node.startIndex >= use.startIndex) return false;
    if (node.endIndex <= other.startIndex) return false;
    if (node.type !== 'unary_expression' || !node.text.startsWith('<-')) return undefined;
    const operand = node.childForFieldName('operand');
    if (operand === null || !channels.has(unparen(operand).text)) return undefined;
    if (onEveryPathTo(node, use, other)) found = true;
    return undefined;
  });
  return found;
}

/** Whether `node` runs before `use` whenever `use` runs: no branch, loop body or other case lies between. */
function onEveryPathTo(node: Node, use: Node, clause: Node): boolean {
  for (let child = node, parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    if (contains(parent, use)) return true;
    if (parent.type === 'func_literal') return false;
    if (parent.type === 'select_statement' && child.id !== clause.id) return false;
    if (CASES.has(parent.type) && parent.id !== clause.id) return false;
    if (CASES.has(parent.type) && child.id === parent.childForFieldName('communication')?.id) return false;
    if (
      parent.type === 'if_statement' &&
      (child.id === parent.childForFieldName('consequence')?.id ||
        child.id === parent.childForFieldName('alternative')?.id)
    )
      return false;
    if (parent.type === 'for_statement' && child.id === parent.childForFieldName('body')?.id) return false;
  }
  return false;
}

function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}
