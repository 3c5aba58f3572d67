// Mutex call sequences that crash or hang in one goroutine: `defer mu.Lock()` after Lock (meant Unlock), a
// second Unlock with no Lock between (fatal error: sync: unlock of unlocked mutex), a second Lock with no
// Unlock between (deadlock), and a return between Lock and its Unlock that skips the Unlock.
import { dominates, reassignedBetween, statementsOf, walk } from '../load/syntax.js';
import type { Node } from '../load/tree-sitter-go.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import { nestedLocks, lockFacts } from '../facts/lock-summary.js';
import type { NestedLock } from '../facts/lock-summary.js';
import { callersOf, handsUnlockToCaller, lockFlow, releasingClosures } from '../facts/lock-flow.js';

import { lockCalls, mutexKind, touchedBetween, type LockCall, type MutexKind } from '../facts/lock-calls.js';

const unlockOf = { Lock: 'Unlock', RLock: 'RUnlock', Unlock: 'Lock', RUnlock: 'RLock' } as const;

/** Returns under `scope` after `from`, not in nested function literals nor in dead `if false { ... }` code. */
function returnsIn(scope: Node, from: number, to: number): Node[] {
  const out: Node[] = [];
  walk(scope, (node) => {
    if (node.endIndex <= from || node.startIndex >= to) return false;
    if (node.type === 'block' && node.parent?.type === 'if_statement') {
      const condition = node.parent.childForFieldName('condition');
      const dead = condition?.type === 'false' && node.parent.childForFieldName('consequence')?.id === node.id;
      if (dead) return false;
    }
    if (node.type === 'return_statement') out.push(node);
    return undefined;
  });
  return out;
}

/** `return mu.Unlock, true`: the return hands the unlock to the caller as a method value. */
function handsUnlock(ret: Node, mutex: string, unlock: string): boolean {
  const text = `${mutex}.${unlock}`;
  let hands = false;
  walk(
    ret,
    (node) => {
      if (node.type === 'selector_expression' && node.text === text && node.parent?.type !== 'call_expression')
        hands = true;
      return undefined;
    },
    false,
  );
  return hands;
}

/** Whether `node` is or contains the call `text` (a call node, not a comment that mentions it). */
function callsIn(node: Node, text: string): boolean {
  if (node.type === 'comment') return false;
  if (node.type === 'call_expression') return node.text === text;
  let found = false;
  walk(node, (inner) => {
    if (found || inner.type === 'comment') return false;
    if (inner.type === 'call_expression' && inner.text === text) found = true;
    return undefined;
  });
  return found;
}

/**
 * `defer func() { if !unlocked { mu.Unlock() } }()` registered between the Lock and `ret`: the closure releases
 * the lock at return (its condition is the function's own bookkeeping of an early Unlock).
 */
function deferredClosureUnlocks(fn: Node, lock: LockCall, ret: Node, unlock: string): boolean {
  let found = false;
  walk(fn, (node) => {
    if (found || node.startIndex >= ret.startIndex) return false;
    if (node.type !== 'defer_statement') return undefined;
    const callee = node.namedChild(0)?.childForFieldName('function');
    if (node.startIndex > lock.statement.endIndex && callee?.type === 'func_literal')
      found = callsIn(callee, `${lock.mutex}.${unlock}()`);
    return false;
  });
  return found;
}

/**
 * Whether an `mutex.Unlock()` call (or a deferred one, or a call of a local closure that makes it) runs on the
 * way from the Lock to `ret`.
 */
function unlockedBefore(lock: LockCall, ret: Node, unlock: string, closures: Map<string, Set<string>>): boolean {
  let current: Node | null = ret;
  const list = lock.statement.parent;
  const releasing = [...closures].filter(([, mutexes]) => mutexes.has(lock.mutex)).map(([name]) => `${name}()`);
  while (current !== null && current.parent !== null) {
    const parent: Node = current.parent;
    for (const sibling of parent.namedChildren) {
      if (sibling === null || sibling.startIndex >= current.startIndex) break;
      if (sibling.startIndex < lock.statement.endIndex) continue;
      if (callsIn(sibling, `${lock.mutex}.${unlock}()`)) return true;
      if (releasing.some((call) => callsIn(sibling, call))) return true;
    }
    if (list !== null && parent.id === list.id) return false;
    current = parent;
  }
  return false;
}

export const unlockMisuse: Rule = {
  meta: {
    name: 'unlock-misuse',
    title: 'Mutex locked or unlocked the wrong way',
    severity: 'error',
    summary:
      'A mutex is unlocked twice, locked twice, deferred with Lock instead of Unlock, or left locked on a return path.',
    explanation:
      'sync.Mutex is not reentrant. Unlocking an unlocked mutex is a fatal error (`fatal error: sync: unlock of ' +
      'unlocked mutex`) that recover cannot stop; locking a mutex the same goroutine already holds blocks forever; ' +
      '`defer mu.Lock()` (a typo for Unlock) blocks at return; and a `return` between `Lock` and `Unlock` leaves the ' +
      'mutex locked, so the next `Lock` blocks forever. goroscope follows the lock along `break`, `continue` and ' +
      'loop back-edges (a `continue` that skips the Unlock locks again on the next iteration), and through calls ' +
      'within the package: a call made while holding a lock that reaches a method taking the same lock (the same ' +
      'field of the same type, as in `s.mu` and `r.store.mu`) blocks forever. A method called on another value of ' +
      "the caller's own type (a child node) is another instance and is not judged; neither is a return that hands " +
      '`mu.Unlock` to the caller, nor a retry loop that returns with the lock held when a caller in the package ' +
      'releases it.',
    fix:
      'Pair every Lock with exactly one Unlock, preferably right away with defer:\n\n```go\nmu.Lock()\ndefer ' +
      'mu.Unlock()\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      for (const { fn, calls: allCalls } of lockCalls(file).values()) {
        // Only receivers the package shows to be a sync.Mutex or sync.RWMutex: an RLocker or a custom
        // Locker may be reentrant.
        const kinds = new Map<string, MutexKind | null>();
        const calls = allCalls.filter((call) => {
          if (!kinds.has(call.mutex)) kinds.set(call.mutex, mutexKind(call.receiver, file, context.pkg));
          return kinds.get(call.mutex) !== null;
        });
        for (const call of calls) {
          // defer mu.Lock() right after mu.Lock(): the deferred call is meant to be Unlock.
          if (call.deferred && (call.method === 'Lock' || call.method === 'RLock')) {
            // Not the deliberate `mu.RUnlock(); defer mu.RLock()` that re-takes a lock a deferred unlock releases.
            const earlier = calls.find(
              (other) =>
                !other.deferred &&
                other.mutex === call.mutex &&
                other.method === call.method &&
                dominates(other.statement, call.statement) &&
                !calls.some(
                  (u) =>
                    u.mutex === call.mutex &&
                    !u.deferred &&
                    u.method === unlockOf[call.method] &&
                    u.statement.startIndex > other.statement.startIndex &&
                    u.statement.startIndex < call.statement.startIndex,
                ),
            );
            if (earlier !== undefined) {
              const field = call.call.childForFieldName('function')?.childForFieldName('field');
              context.report(file, {
                node: call.call,
                message:
                  `defer ${call.mutex}.${call.method}() after ${call.mutex}.${call.method}() at line ` +
                  `${earlier.statement.startPosition.row + 1}: the deferred call locks again at return and blocks ` +
                  `forever; it should be ${unlockOf[call.method]}`,
                related: [{ node: earlier.call, message: 'locked here' }],
                fix: field
                  ? {
                      description: `defer ${call.mutex}.${unlockOf[call.method]}()`,
                      edits: [{ node: field, newText: unlockOf[call.method] }],
                    }
                  : { description: `defer ${call.mutex}.${unlockOf[call.method]}()` },
              });
            }
            continue;
          }
          if (call.deferred) continue;
          for (const first of calls) {
            if (first === call || first.mutex !== call.mutex) continue;
            // Only an unlock after the same unlock, or a Lock after a Lock, is judged (checked first: cheap).
            const twiceUnlocked =
              (call.method === 'Unlock' || call.method === 'RUnlock') && first.method === call.method;
            const twiceLocked = call.method === 'Lock' && first.method === 'Lock' && !first.deferred;
            if (!twiceUnlocked && !twiceLocked) continue;
            if (!dominates(first.statement, call.statement)) continue;
            if (reassignedBetween(fn, call.receiver, first.statement.startIndex, call.statement.startIndex)) continue;
            const line = first.statement.startPosition.row + 1;
            // Unlock after Unlock (or after a deferred Unlock registered earlier, which runs again at return).
            if ((call.method === 'Unlock' || call.method === 'RUnlock') && first.method === call.method) {
              const from = first.deferred ? call.statement.endIndex : first.statement.endIndex;
              const to = first.deferred ? fn.endIndex : call.statement.startIndex;
              const relock = calls.some(
                (other) =>
                  other.mutex === call.mutex &&
                  other.method === unlockOf[call.method] &&
                  other.statement.startIndex >= from &&
                  other.statement.startIndex < to,
              );
              if (relock || touchedBetween(fn, call.mutex, from, to)) continue;
              context.report(file, {
                node: call.call,
                message: first.deferred
                  ? `${call.mutex}.${call.method}() here, and the ${call.method} deferred at line ${line} runs ` +
                    `again at return: fatal error: sync: unlock of unlocked mutex`
                  : `${call.mutex}.${call.method}() again: already unlocked at line ${line} with no Lock between; ` +
                    `this is a fatal error (sync: unlock of unlocked mutex)`,
                related: [{ node: first.call, message: first.deferred ? 'deferred unlock' : 'first unlock' }],
                fix: {
                  description: first.deferred
                    ? `remove this ${call.method}() or the deferred one`
                    : `remove the second ${call.method}()`,
                },
              });
              break;
            }
            // Lock after Lock with no Unlock between: blocks forever.
            if (call.method === 'Lock' && first.method === 'Lock' && !first.deferred) {
              const between = calls.some(
                (other) =>
                  other.mutex === call.mutex &&
                  (other.method === 'Unlock' || other.method === 'RUnlock') &&
                  !other.deferred &&
                  other.statement.startIndex > first.statement.startIndex &&
                  other.statement.startIndex < call.statement.startIndex,
              );
              if (between || touchedBetween(fn, call.mutex, first.statement.endIndex, call.statement.startIndex))
                continue;
              context.report(file, {
                node: call.call,
                message:
                  `${call.mutex}.Lock() again while this goroutine already holds it (locked at line ` +
                  `${line}); sync.Mutex is not reentrant, so this blocks forever`,
                related: [{ node: first.call, message: 'first lock' }],
                fix: { description: `unlock before locking again, or do not lock twice` },
              });
              break;
            }
          }
        }
        // A return between Lock and its Unlock in the same block that skips the Unlock.
        const closures = releasingClosures(fn);
        for (const lock of calls) {
          if (lock.deferred || (lock.method !== 'Lock' && lock.method !== 'RLock')) continue;
          const unlock = unlockOf[lock.method];
          const list = lock.statement.parent;
          if (list === null) continue;
          const siblings = statementsOf(list.type === 'statement_list' ? list.parent : list);
          const release = siblings.find(
            (s) =>
              s.startIndex > lock.statement.startIndex &&
              s.type === 'expression_statement' &&
              s.text === `${lock.mutex}.${unlock}()`,
          );
          if (release === undefined) continue;
          // `for { mu.Lock(); if ok { return }; mu.Unlock() }`: returning with the lock held is the point.
          // ... unless the package's callers of this function show they never release it.
          if (
            siblings[siblings.length - 1]?.id === release.id &&
            list.parent?.parent?.type === 'for_statement' &&
            callersOf(context.pkg, fn, lock.mutex.slice(lock.mutex.lastIndexOf('.') + 1)) !== 'keep'
          )
            continue;
          if (calls.some((other) => other.deferred && other.mutex === lock.mutex && other.method === unlock)) continue;
          if (
            touchedBetween(fn, lock.mutex, lock.statement.endIndex, release.startIndex) &&
            returnsIn(list, lock.statement.endIndex, release.startIndex).length === 0
          )
            continue;
          for (const ret of returnsIn(list, lock.statement.endIndex, release.startIndex)) {
            if (
              unlockedBefore(lock, ret, unlock, closures) ||
              handsUnlock(ret, lock.mutex, unlock) ||
              deferredClosureUnlocks(fn, lock, ret, unlock)
            )
              continue;
            context.report(file, {
              node: lock.call,
              message:
                `${lock.mutex}.${lock.method}() is not released on the return at line ` +
                `${ret.startPosition.row + 1} (the ${unlock} at line ${release.startPosition.row + 1} is skipped), ` +
                (lock.method === 'RLock'
                  ? 'so the next Lock (a writer) blocks forever'
                  : 'so the next Lock blocks forever'),
              related: [
                { node: ret, message: `returns with ${lock.mutex} locked` },
                { node: release, message: 'the unlock that is skipped' },
              ],
              fix: {
                description:
                  `call ${lock.mutex}.${unlock}() before that return, or use defer ` +
                  `${lock.mutex}.${unlock}() right after the lock`,
              },
            });
            break;
          }
        }
      }
    }
    for (const nested of nestedLocks(context.pkg)) if (nested.held.method === 'Lock') reportNested(context, nested);
    // Paths through break and continue: a lock left held when the loop is left, or taken again next iteration.
    for (const sites of lockFacts(context.pkg).sitesByFunction.values()) {
      const first = sites[0];
      if (first === undefined) continue;
      for (const issue of lockFlow(first.fn, sites)) {
        const { lock, via } = issue;
        const viaLine = via.startPosition.row + 1;
        const jump = via.type === 'break_statement' ? 'break' : 'continue';
        if (issue.kind === 'relock') {
          context.report(lock.file, {
            node: lock.call,
            message:
              `${lock.mutex}.${lock.method}() runs again on the next iteration with the lock still held: the ` +
              `${jump} at line ${viaLine} skips the ${lock.method === 'RLock' ? 'RUnlock' : 'Unlock'}, so this ` +
              `blocks forever`,
            related: [{ node: via, message: `${jump} with ${lock.mutex} locked` }],
            fix: {
              description: `call ${lock.mutex}.${lock.method === 'RLock' ? 'RUnlock' : 'Unlock'}() before the ${jump}`,
            },
          });
          continue;
        }
        if (handsUnlockToCaller(first.fn, lock.mutex)) continue;
        if (callersOf(context.pkg, first.fn, lock.mutex.slice(lock.mutex.lastIndexOf('.') + 1)) === 'unlock') continue;
        context.report(lock.file, {
          node: lock.call,
          message:
            `${lock.mutex}.${lock.method}() is still held when the function returns through the ${jump} at ` +
            `line ${viaLine} (the ${lock.method === 'RLock' ? 'RUnlock' : 'Unlock'} is skipped on that path), ` +
            (lock.method === 'RLock'
              ? 'so the next Lock (a writer) blocks forever'
              : 'so the next Lock blocks forever'),
          related: [{ node: via, message: `${jump} with ${lock.mutex} locked` }],
          fix: {
            description:
              `call ${lock.mutex}.${lock.method === 'RLock' ? 'RUnlock' : 'Unlock'}() before the ` +
              `${jump}, or use defer right after the lock`,
          },
        });
      }
    }
  },
};

/** A call made while holding a lock that takes the same lock again further down. */
function reportNested(context: RuleContext, nested: NestedLock): void {
  const { held, again } = nested;
  const callee = again.path.map((fn) => fn.name);
  const where =
    `${again.site.mutex}.${again.site.method}() at line ` +
    `${again.site.call.startPosition.row + 1}${callee.length > 0 ? ` (in ${callee.join(' -> ')})` : ''}`;
  context.report(nested.file, {
    node: nested.call,
    message:
      `this call reaches ${where} while this goroutine holds ${held.mutex} (locked at line ` +
      `${held.call.startPosition.row + 1}); the lock is not reentrant, so it blocks forever`,
    related: [
      { node: held.call, message: 'lock held here' },
      { node: again.site.call, message: 'locked again here', file: again.site.file },
    ],
    fix: { description: `release ${held.mutex} before the call, or call a variant that expects the lock to be held` },
  });
}
