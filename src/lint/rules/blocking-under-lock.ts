// A goroutine blocks (channel send or receive, a select without default, wg.Wait) while it holds a lock, and
// every goroutine that could unblock it (the receiver, the sender, the closer, the one calling Done) must take
// that same lock before it gets there: neither can proceed, and Go never breaks the tie.
import type { Node } from '../load/tree-sitter-go.js';
import { FUNCTION_TYPES, dominates, statementOf, walk } from '../load/syntax.js';
import type { FileFacts, PackageFacts } from '../facts/package-facts.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import { lockFacts, directCalls, calledFunctions, otherInstance } from '../facts/lock-summary.js';
import type { LockFacts, LockSite } from '../facts/lock-summary.js';
import { channelFacts, declarationOf } from '../facts/channel-ends.js';
import type { ChannelEnd, ChannelFacts } from '../facts/channel-ends.js';
import { localTypeName } from '../model/package-model.js';
import type { FunctionInfo } from '../model/package-model.js';

/** A place a goroutine can block: one channel operation or WaitGroup wait, or a select without default. */
interface BlockingPoint {
  node: Node;
  file: FileFacts;
  fn: Node;
  /** The channel operations it waits on (one, or one per case of a select). */
  ends: ChannelEnd[];
}

/** A blocking point reached from a function, through the calls on `path` (empty: in the function itself). */
interface Reach {
  point: BlockingPoint;
  path: FunctionInfo[];
}

/** Where a counterpart takes the lock on its way to the operation that would unblock us. */
interface Need {
  site: LockSite;
  /** `before`: on every path to the operation; `again`: in the loop that repeats it, after the previous one. */
  how: 'before' | 'again';
  counterpart: ChannelEnd;
}

const isLock = (s: LockSite): boolean => !s.deferred && (s.method === 'Lock' || s.method === 'RLock');
const isUnlock = (s: LockSite): boolean => !s.deferred && (s.method === 'Unlock' || s.method === 'RUnlock');

/** A lock's key: its (owner type, field) identity, or its declaration for a local lock variable. */
function lockKey(site: LockSite, pkg: PackageFacts): string | null {
  if (site.identity !== null) return site.identity;
  if (site.receiver.type !== 'identifier') return null;
  const d = declarationOf(site.receiver, site.file, pkg);
  return d === null || d.fn === null ? null : `local.${site.file.path}:${d.decl.startIndex}.${site.receiver.text}`;
}

function innermostLoop(node: Node, fn: Node): Node | null {
  for (let n = node.parent; n !== null && n.id !== fn.id; n = n.parent) {
    if (n.type === 'for_statement') return n;
    if (FUNCTION_TYPES.has(n.type)) return null;
  }
  return null;
}

function within(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The communication of a select case (`case ch <- v:`, `case <-ch:`, `case v := <-ch:`). */
function inSelectCase(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'communication_case') return true;
  return parent?.type === 'receive_statement' && parent.parent?.type === 'communication_case';
}

function hasDefault(select: Node): boolean {
  return select.namedChildren.some((c) => c?.type === 'default_case');
}

function describeEnd(end: ChannelEnd): string {
  const value = end.value.text;
  switch (end.kind) {
    case 'send':
      return `the send on ${value}`;
    case 'receive':
      return `the receive from ${value}`;
    case 'close':
      return `close(${value})`;
    case 'wait':
      return `${value}.Wait()`;
    case 'done':
      return `${value}.Done()`;
    case 'cond-wait':
      return `${value}.Wait()`;
    case 'signal':
      return `${value}.${end.node.childForFieldName('function')?.childForFieldName('field')?.text ?? 'Signal'}()`;
  }
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

class Analysis {
  readonly lf: LockFacts;
  private readonly cf: ChannelFacts;
  private readonly endByNode = new Map<number, ChannelEnd>();
  private readonly reachMemo = new Map<number, Reach[]>();
  private readonly acquiringMemo = new Map<string, { call: Node; site: LockSite }[]>();

  constructor(private readonly pkg: PackageFacts) {
    this.lf = lockFacts(pkg);
    this.cf = channelFacts(pkg);
  }

  endAt(node: Node, file: FileFacts, fn: Node, kind: ChannelEnd['kind'], value: Node, select: Node | null): ChannelEnd {
    const known = this.endByNode.get(node.id);
    if (known !== undefined) return known;
    const end: ChannelEnd = { kind, node, value, file, fn, select, deferred: false };
    this.endByNode.set(node.id, end);
    return end;
  }

  /** The blocking points `fn` itself runs (not in function literals, go or defer statements). */
  points(fn: Node, file: FileFacts): BlockingPoint[] {
    const body = fn.childForFieldName('body');
    const out: BlockingPoint[] = [];
    if (body === null) return out;
    walk(body, (node) => {
      switch (node.type) {
        case 'go_statement':
        case 'defer_statement':
          return false;
        case 'select_statement': {
          if (hasDefault(node)) return undefined; // never blocks; its cases' bodies may
          const ends: ChannelEnd[] = [];
          for (const clause of node.namedChildren) {
            const communication =
              clause?.type === 'communication_case' ? clause.childForFieldName('communication') : null;
            if (communication === null || communication === undefined) continue;
            if (communication.type === 'send_statement') {
              const channel = communication.childForFieldName('channel');
              if (channel !== null) ends.push(this.endAt(communication, file, fn, 'send', channel, node));
            } else {
              const receive =
                communication.type === 'receive_statement' ? communication.namedChildren.at(-1) : communication;
              const operand = receive?.type === 'unary_expression' ? receive.childForFieldName('operand') : null;
              if (receive !== null && receive !== undefined && operand !== null)
                ends.push(this.endAt(receive, file, fn, 'receive', operand, node));
            }
          }
          out.push({ node, file, fn, ends });
          return undefined;
        }
        case 'send_statement': {
          if (inSelectCase(node)) return undefined;
          const channel = node.childForFieldName('channel');
          if (channel !== null) out.push({ node, file, fn, ends: [this.endAt(node, file, fn, 'send', channel, null)] });
          return undefined;
        }
        case 'unary_expression': {
          if (inSelectCase(node)) return undefined;
          const operand = node.childForFieldName('operand');
          if (node.child(0)?.type === '<-' && operand !== null)
            out.push({ node, file, fn, ends: [this.endAt(node, file, fn, 'receive', operand, null)] });
          return undefined;
        }
        case 'range_clause': {
          const right = node.childForFieldName('right');
          // Only ranges the inventory knows as channel receives.
          if (right !== null && this.cf.endAt(node) !== undefined)
            out.push({ node, file, fn, ends: [this.endAt(node, file, fn, 'receive', right, null)] });
          return undefined;
        }
        case 'call_expression': {
          const end = this.cf.endAt(node);
          if (end !== undefined && (end.kind === 'wait' || end.kind === 'cond-wait'))
            out.push({ node, file, fn, ends: [end] });
          return undefined;
        }
        default:
          return undefined;
      }
    });
    return out;
  }

  /** Blocking points `fn` reaches in its own goroutine, directly or through calls within the package. */
  reaches(info: FunctionInfo, depth = 0, visiting = new Set<number>()): Reach[] {
    const known = this.reachMemo.get(info.node.id);
    if (known !== undefined) return known;
    if (depth > 3 || visiting.has(info.node.id)) return [];
    visiting.add(info.node.id);
    const out: Reach[] = this.points(info.node, info.file).map((point) => ({ point, path: [] }));
    for (const call of directCalls(info.node))
      for (const { callee } of calledFunctions(call, info.file, this.lf.model)) {
        if (callee.node.id === info.node.id) continue;
        for (const inner of this.reaches(callee, depth + 1, visiting))
          out.push({ point: inner.point, path: [callee, ...inner.path] });
      }
    visiting.delete(info.node.id);
    this.reachMemo.set(info.node.id, out);
    return out;
  }

  /** Lock sites of key `key` in `fn` that conflict with a held lock taken by `held`. */
  private conflicting(fn: Node, key: string, held: LockSite): LockSite[] {
    return (this.lf.sitesByFunction.get(fn.id) ?? []).filter(
      (s) => isLock(s) && lockKey(s, this.pkg) === key && (held.method === 'Lock' || s.method === 'Lock'),
    );
  }

  /** Acquisitions of the lock by calls `fn` makes in its goroutine: the call and the lock site reached. */
  private acquiringCalls(fn: Node, file: FileFacts, key: string, held: LockSite): { call: Node; site: LockSite }[] {
    const memoKey = `${fn.id}:${key}:${held.method}`;
    const known = this.acquiringMemo.get(memoKey);
    if (known !== undefined) return known;
    const out: { call: Node; site: LockSite }[] = [];
    this.acquiringMemo.set(memoKey, out);
    const info = this.lf.model.infoOf(fn);
    for (const call of directCalls(fn))
      for (const { callee, receiver } of calledFunctions(call, file, this.lf.model)) {
        // A method of its own type run on another value (`s.it.Next()` on a source that is itself a mixer)
        // takes that value's lock, not the one this goroutine's own value holds.
        if (info !== undefined && otherInstance(info, callee, receiver)) continue;
        const hit = this.lf
          .acquires(callee)
          .find((a) => a.site.identity === key && (held.method === 'Lock' || a.site.method === 'Lock'));
        if (hit !== undefined) out.push({ call, site: hit.site });
      }
    return out;
  }

  /** Where `end`'s goroutine takes the lock before reaching `end`, or null when nothing says it must. */
  needs(end: ChannelEnd, key: string, held: LockSite): Need | null {
    const fn = end.fn;
    const at = end.select ?? end.node;
    let takes: { node: Node; site: LockSite }[] = [
      ...this.conflicting(fn, key, held).map((site) => ({ node: site.statement, site })),
      ...this.acquiringCalls(fn, end.file, key, held).map(({ call, site }) => ({ node: call, site })),
    ];
    if (end.kind === 'done') {
      // A Wait waits only for Done calls whose Add has been made: a lock taken before that Add (`mu.Lock();
      // wg.Add(1); mu.Unlock(); defer wg.Done()`) is behind the goroutine already.
      const adds = directCalls(fn).filter((call) => {
        const callee = call.childForFieldName('function');
        return (
          callee?.childForFieldName('field')?.text === 'Add' &&
          callee.childForFieldName('operand')?.text === end.value.text &&
          (end.deferred || call.startIndex < end.node.startIndex)
        );
      });
      takes = takes.filter((t) => !adds.some((add) => t.node.startIndex < add.startIndex));
    }
    // A Done in a later round matches a later Add: only the Done calls already owed can release a Wait, so a lock
    // taken in the loop that repeats them does not block it.
    const repeats = end.kind !== 'done';
    if (takes.length === 0 && !end.deferred) return repeats ? this.neededByLoopingCaller(end, key, held) : null;
    // A lock taken before this goroutine starts another one may be taken before the blocked goroutine exists:
    // only acquisitions after the last go statement on the way count.
    const starts = goStatements(fn);
    const startsBetween = (from: Node, to: number): boolean =>
      starts.some((g) => g.startIndex > from.endIndex && g.startIndex < to);
    for (const take of takes) {
      const statement = statementOf(take.node) ?? take.node;
      if (dominates(statement, at) && !startsBetween(take.node, at.startIndex))
        return { site: take.site, how: 'before', counterpart: end };
    }
    if (end.deferred) {
      const defer = statementOf(end.node);
      const after = takes.find(
        (t) => defer !== null && t.node.startIndex > defer.endIndex && !startsBetween(t.node, fn.endIndex),
      );
      if (after !== undefined) return { site: after.site, how: 'before', counterpart: end };
    }
    if (!repeats) return null;
    const loop = innermostLoop(at, fn);
    // A loop that starts a goroutine each round meets a new counterpart each round, not the one blocked before.
    if (loop !== null && !goStatements(fn).some((g) => within(loop, g))) {
      const inLoop = takes.find((t) => within(loop, t.node));
      if (inLoop !== undefined) return { site: inLoop.site, how: 'again', counterpart: end };
    }
    if (takes.length > 0) {
      // Taken after the operation: it matters when a caller repeats this function in a loop.
      const repeated = this.neededByLoopingCaller(end, key, held);
      if (repeated !== null) return repeated;
      const first = takes[0];
      if (first !== undefined && this.repeatedByCaller(fn)) return { site: first.site, how: 'again', counterpart: end };
    }
    return null;
  }

  /** Whether some caller in the package calls `fn` inside a loop. */
  private repeatedByCaller(fn: Node): boolean {
    const info = this.lf.model.infoOf(fn);
    if (info === undefined) return false;
    for (const { call } of this.cf.callersOf(fn)) {
      const caller = enclosing(call);
      if (caller !== null && innermostLoop(call, caller) !== null) return true;
    }
    return false;
  }

  /** A caller that calls `end`'s function in a loop whose body takes the lock. */
  private neededByLoopingCaller(end: ChannelEnd, key: string, held: LockSite): Need | null {
    const info = this.lf.model.infoOf(end.fn);
    if (info === undefined) return null;
    for (const { call, file } of this.cf.callersOf(end.fn)) {
      const caller = enclosing(call);
      const loop = caller === null ? null : innermostLoop(call, caller);
      if (caller === null || loop === null) continue;
      const site = this.conflicting(caller, key, held).find((s) => within(loop, s.call));
      if (site !== undefined) return { site, how: 'again', counterpart: end };
      const viaCall = this.acquiringCalls(caller, file, key, held).find((c) => within(loop, c.call));
      if (viaCall !== undefined) return { site: viaCall.site, how: 'again', counterpart: end };
    }
    return null;
  }

  /** The counterparts of one end, each needing the lock; null when one of them does not, or some may be unseen. */
  blockedEnd(end: ChannelEnd, key: string, held: LockSite): Need[] | null {
    const ids = this.cf.identities(end.value, end.file);
    if (ids === null || ids.length === 0) return null;
    const needs: Need[] = [];
    for (const id of ids) {
      const escape = this.cf.escape(id);
      const ends = this.cf.ends(id);
      const capacities = this.cf.capacities(id);
      let counterparts: ChannelEnd[];
      if (end.kind === 'send') {
        if (escape.receive || capacities.length === 0 || capacities.some((c) => c !== 0)) return null;
        counterparts = ends.filter((e) => e.kind === 'receive' || e.kind === 'close');
      } else if (end.kind === 'receive') {
        if (escape.send || capacities.length === 0) return null;
        counterparts = ends.filter((e) => e.kind === 'send' || e.kind === 'close');
      } else if (end.kind === 'wait') {
        if (escape.send) return null;
        counterparts = ends.filter((e) => e.kind === 'done');
      } else if (end.kind === 'cond-wait') {
        // Wait releases the Cond's own lock; only another lock held across it can block the signaller.
        const lockers = this.cf.condLockers(id);
        if (escape.send || lockers.length === 0 || lockers.some((l) => l === null || l === key)) return null;
        if (held.mutex === `${end.value.text}.L`) return null;
        counterparts = ends.filter((e) => e.kind === 'signal');
      } else return null;
      if (counterparts.length === 0) return null;
      for (const counterpart of counterparts) {
        if (counterpart.node.id === end.node.id) return null;
        const need = this.needs(counterpart, key, held);
        if (need === null) return null;
        needs.push(need);
      }
    }
    return needs;
  }

  /** Every counterpart of every end of the point needs the lock: the needs, or null. */
  blocked(point: BlockingPoint, key: string, held: LockSite): Need[] | null {
    if (point.ends.length === 0) return null;
    const all: Need[] = [];
    for (const end of point.ends) {
      const needs = this.blockedEnd(end, key, held);
      if (needs === null) return null;
      all.push(...needs);
    }
    return all;
  }

  /** Whether a function on the path releases the lock (`mu.Unlock(); <-ch; mu.Lock()`). */
  releasedOnPath(path: FunctionInfo[], key: string): boolean {
    return path.some((f) =>
      (this.lf.sitesByFunction.get(f.node.id) ?? []).some((s) => isUnlock(s) && lockKey(s, this.pkg) === key),
    );
  }

  heldAt(node: Node, fn: Node): LockSite[] {
    return this.lf.heldAt(node, fn).filter((s) => isLock(s));
  }

  /**
   * Whether a goroutine started while `held` is held, before `at`, releases that lock: a sync.Mutex belongs to no
   * goroutine, so the lock is handed over and the counterparts get it once that goroutine runs.
   */
  handedOff(held: LockSite, key: string, at: Node, fn: Node, file: FileFacts): boolean {
    for (const start of goStatements(fn)) {
      if (start.startIndex < held.call.endIndex || start.startIndex > at.startIndex) continue;
      const call = start.namedChild(0);
      if (call?.type !== 'call_expression') continue;
      const literal = call.childForFieldName('function');
      const bodies =
        literal?.type === 'func_literal'
          ? [literal]
          : calledFunctions(call, file, this.lf.model).map(({ callee }) => callee.node);
      // Its first use of the lock is a release: one that locks first waits like any other counterpart.
      for (const body of bodies) {
        const first = (this.lf.sitesByFunction.get(body.id) ?? [])
          .filter((s) => !s.deferred && lockKey(s, this.pkg) === key)
          .sort((a, b) => a.call.startIndex - b.call.startIndex)[0];
        if (first !== undefined && isUnlock(first)) return true;
      }
    }
    return false;
  }

  /**
   * Whether a receive runs only once a boolean field says the senders are done: it sits under `if x.f` (or in the
   * else of `if !x.f`), and every assignment of the field in the package sets it to true while holding the lock,
   * in a function that closes the channel under that lock too. Read under the same lock, a true flag means that
   * critical section, close included, is over: the receive cannot block.
   */
  receivesAfterClosingFlag(point: BlockingPoint, key: string): boolean {
    const [end] = point.ends;
    if (point.ends.length !== 1 || end === undefined || end.kind !== 'receive') return false;
    const flag = guardingFlag(point.node, point.fn);
    if (flag === null) return false;
    const ids = this.cf.identities(end.value, end.file);
    if (ids === null || ids.length === 0) return false;
    const closesUnderLock = (fn: Node): boolean =>
      ids.every((id) =>
        this.cf
          .ends(id)
          .some(
            (e) =>
              e.kind === 'close' &&
              e.fn.id === fn.id &&
              this.heldAt(e.node, fn).some((h) => lockKey(h, this.pkg) === key),
          ),
      );
    const owner = this.lf.model.typeOf(flag.operand, point.file);
    if (owner === null) return false;
    let assignments = 0;
    for (const file of this.pkg.files)
      for (const assignment of file.nodes('assignment_statement')) {
        const left = assignment.childForFieldName('left')?.namedChildren ?? [];
        const right = assignment.childForFieldName('right')?.namedChildren ?? [];
        for (let i = 0; i < left.length; i++) {
          const target = left[i];
          if (target?.type !== 'selector_expression' || target.childForFieldName('field')?.text !== flag.field)
            continue;
          const operand = target.childForFieldName('operand');
          if (operand === null || this.lf.model.typeOf(operand, file) !== owner) continue;
          const fn = enclosing(assignment);
          if (
            right[i]?.text !== 'true' ||
            fn === null ||
            !this.heldAt(assignment, fn).some((h) => lockKey(h, this.pkg) === key) ||
            !closesUnderLock(fn)
          )
            return false;
          assignments++;
        }
      }
    // A value built with the flag already set (`T{done: true}`) has not been through the closing code.
    for (const file of this.pkg.files)
      for (const literal of file.nodes('composite_literal')) {
        if (localTypeName(literal.childForFieldName('type')) !== owner) continue;
        for (const element of literal.childForFieldName('body')?.namedChildren ?? [])
          if (element?.type === 'keyed_element' && element.namedChild(0)?.text === flag.field) return false;
      }
    return assignments > 0;
  }
}

/** The boolean field `x.f` whose truth the innermost `if` around `node` in `fn` requires, if it is that simple. */
function guardingFlag(node: Node, fn: Node): { operand: Node; field: string } | null {
  for (let child = node, n = node.parent; n !== null && n.id !== fn.id; child = n, n = n.parent) {
    if (FUNCTION_TYPES.has(n.type)) return null;
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition');
    const inThen = n.childForFieldName('consequence')?.id === child.id;
    const inElse = n.childForFieldName('alternative')?.id === child.id;
    if (condition === null || (!inThen && !inElse)) continue;
    let test = condition;
    while (test.type === 'parenthesized_expression' && test.namedChild(0) !== null) test = test.namedChild(0) ?? test;
    const negated = test.type === 'unary_expression' && test.child(0)?.type === '!';
    const selector = negated ? test.childForFieldName('operand') : test;
    if (selector?.type !== 'selector_expression' || negated === inThen) return null;
    const operand = selector.childForFieldName('operand');
    const field = selector.childForFieldName('field')?.text;
    return operand === null || field === undefined ? null : { operand, field };
  }
  return null;
}

/** The go statements `fn` itself runs (not those in nested function literals). */
function goStatements(fn: Node): Node[] {
  const out: Node[] = [];
  const body = fn.childForFieldName('body');
  if (body !== null)
    walk(body, (node) => {
      if (node.type === 'go_statement') out.push(node);
      return undefined;
    });
  return out;
}

function enclosing(node: Node): Node | null {
  for (let n = node.parent; n !== null; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return n;
  return null;
}

function what(point: BlockingPoint): string {
  const [first] = point.ends;
  if (point.node.type === 'select_statement') return 'this select (no default case) waits';
  if (first === undefined) return 'this blocks';
  switch (first.kind) {
    case 'send':
      return `this send on ${first.value.text} blocks until a receiver takes the value`;
    case 'receive':
      return `this receive from ${first.value.text} waits for a sender`;
    case 'wait':
      return `${first.value.text}.Wait() waits for the matching Done calls`;
    case 'cond-wait':
      return `${first.value.text}.Wait() releases only the Cond's own lock and waits for a Signal or Broadcast`;
    default:
      return 'this blocks';
  }
}

function counterpartNoun(point: BlockingPoint): string {
  const [first] = point.ends;
  if (point.node.type === 'select_statement') return 'every goroutine that could complete one of its cases';
  switch (first?.kind) {
    case 'send':
      return 'every goroutine that receives from it or closes it';
    case 'receive':
      return 'every goroutine that sends on it or closes it';
    case 'wait':
      return 'every goroutine that calls Done on it';
    case 'cond-wait':
      return 'every goroutine that signals it';
    default:
      return 'every goroutine that could unblock it';
  }
}

export const blockingUnderLock: Rule = {
  meta: {
    name: 'blocking-under-lock',
    title: 'Blocking while holding a lock the other side needs',
    severity: 'error',
    summary:
      'A channel send or receive, a select without default, wg.Wait or cond.Wait made while holding a lock that ' +
      'every goroutine able to unblock it must take first: both wait forever.',
    explanation:
      'A goroutine that blocks on a channel operation, a `select` without `default`, `wg.Wait()` or ' +
      "`cond.Wait()` keeps every lock it holds while it waits (`cond.Wait()` releases only the Cond's own " +
      '`L`). When the only goroutines that could unblock it (the receivers of its send, the senders or closers ' +
      'of its receive, the callers of `Done`, `Signal` or `Broadcast`) must take that same lock on their way to ' +
      'the unblocking operation, they wait for the lock and it waits for them: a deadlock. Go does not detect it ' +
      'while any other goroutine can run; when every goroutine is stuck the runtime stops with "fatal error: all ' +
      'goroutines are asleep - deadlock!", otherwise the goroutines simply hang.\n\n' +
      'goroscope reports it when the lock is the same field of the same type (or the same variable) on both ' +
      'sides, the blocking operation is in the function or in a function it calls within the package, the ' +
      'channel is unbuffered for a send, every counterpart in the package takes the lock before its operation ' +
      '(or again before its next one, in the loop that repeats it), and the channel, WaitGroup or Cond is not ' +
      'handed to code it cannot see (exported, stored elsewhere, passed to another package). A `select` is ' +
      'reported only when every case is blocked that way: a case such as `<-ctx.Done()` or a stop channel closed ' +
      'without the lock lets it go on. Both sides holding only read locks is not reported, nor a lock handed to a ' +
      'goroutine started while it is held that releases it (a `sync.Mutex` belongs to no goroutine), nor a receive ' +
      'under `if x.done` where every `x.done = true` is set, under the same lock, by code that closes the channel ' +
      'under that lock: once the flag reads true the channel is closed.',
    fix:
      'Release the lock before blocking, or let the other side proceed without it:\n\n```go\ns.mu.Lock()\n' +
      'v := s.pending\ns.mu.Unlock()\ns.updates <- v // no lock held while waiting for the receiver\n```\n\n' +
      'Alternatives: a buffered channel drained without the lock, a `select` with a `default` or a stop case, ' +
      'or a receiver that takes the lock only after it has received.',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    const pkg = context.pkg;
    const lf = lockFacts(pkg);
    // Cheap filter: only packages that lock and use channels or WaitGroups.
    let locks = false;
    for (const sites of lf.sitesByFunction.values()) if (sites.some(isLock)) locks = true;
    if (!locks) return;
    if (
      !pkg.files.some(
        (f) =>
          f.nodes('send_statement').length > 0 ||
          f.nodes('unary_expression').some((u) => u.child(0)?.type === '<-') ||
          /\.Wait\(\)/.test(f.source),
      )
    )
      return;
    const analysis = new Analysis(pkg);
    const reported = new Set<number>();
    for (const [fnId, sites] of lf.sitesByFunction) {
      const first = sites[0];
      if (first === undefined || first.fn.id !== fnId || !sites.some(isLock)) continue;
      const fn = first.fn;
      const file = first.file;
      const candidates: { at: Node; reach: Reach }[] = analysis
        .points(fn, file)
        .map((point) => ({ at: point.node, reach: { point, path: [] } }));
      for (const call of directCalls(fn))
        for (const { callee } of calledFunctions(call, file, lf.model))
          for (const reach of analysis.reaches(callee))
            candidates.push({ at: call, reach: { point: reach.point, path: [callee, ...reach.path] } });
      for (const { at, reach } of candidates) {
        if (reported.has(at.id)) continue;
        for (const held of analysis.heldAt(at, fn)) {
          const key = lockKey(held, pkg);
          if (key === null || analysis.releasedOnPath(reach.path, key)) continue;
          if (analysis.handedOff(held, key, at, fn, file)) continue;
          if (analysis.receivesAfterClosingFlag(reach.point, key)) continue;
          const needs = analysis.blocked(reach.point, key, held);
          const need = needs?.[0];
          if (needs === null || need === undefined) continue;
          reported.add(at.id);
          const lock = held.mutex;
          const via =
            reach.path.length === 0
              ? ''
              : `the call to ${reach.path.map((f) => f.name).join(' -> ')} reaches line ${line(reach.point.node)}, where `;
          const inner = analysis.lf.model.infoOf(need.site.fn);
          const through =
            need.site.fn.id === need.counterpart.fn.id || inner === undefined ? '' : ` (in ${inner.name})`;
          const where =
            need.how === 'before' ? 'before it gets there' : 'again before its next one, in the loop that repeats it';
          const counterFn =
            analysis.lf.model.infoOf(need.counterpart.fn)?.name ??
            `the function literal at line ${line(need.counterpart.fn)}`;
          context.report(file, {
            node: at,
            message:
              `${via}${what(reach.point)} while holding ${lock} (locked at line ${line(held.call)}), but ` +
              `${counterpartNoun(reach.point)} must take the same lock first: ${counterFn} locks it at line ` +
              `${line(need.site.call)}${through} ${where} (to reach ${describeEnd(need.counterpart)} at line ${line(need.counterpart.node)}); ` +
              'each waits for the other forever',
            fix: {
              description:
                `Release ${lock} before ${reach.path.length === 0 ? 'this operation' : `calling ${reach.path[0]?.name ?? 'it'}`} ` +
                `(copy what you need while holding it), or let ${counterFn} reach ${describeEnd(need.counterpart)} ` +
                'without taking it',
            },
            related: [
              { node: need.site.call, file: need.site.file, message: `${counterFn} takes ${need.site.mutex} here` },
              {
                node: need.counterpart.node,
                file: need.counterpart.file,
                message: `${describeEnd(need.counterpart)}, which would unblock it`,
              },
              ...(reach.path.length > 0
                ? [{ node: reach.point.node, file: reach.point.file, message: 'where the goroutine blocks' }]
                : []),
            ],
          });
          break;
        }
      }
    }
  },
};
