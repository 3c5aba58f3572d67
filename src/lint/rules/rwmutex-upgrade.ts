// Upgrading a read lock: Lock while this goroutine holds RLock on the same sync.RWMutex waits for all readers
// to leave, including itself, so it blocks forever. A second RLock while holding one blocks as soon as a writer
// is waiting in between (a waiting writer stops new readers).
import { dominates, reassignedBetween } from '../load/syntax.js';
import type { Rule, RuleContext } from '../framework/rule.js';
import { nestedLocks } from '../facts/lock-summary.js';
import { lockCalls, mutexKind } from '../facts/lock-calls.js';

export const rwmutexUpgrade: Rule = {
  meta: {
    name: 'rwmutex-upgrade',
    title: 'RWMutex read lock upgraded or taken twice',
    severity: 'error',
    summary: 'Lock, or a second RLock, on a sync.RWMutex this goroutine already read-locks: a deadlock.',
    explanation:
      'sync.RWMutex has no upgrade. `Lock` waits until every reader has called `RUnlock`, so calling it while the ' +
      'same goroutine still holds `RLock` blocks forever. Taking `RLock` a second time is not safe either: once a ' +
      'writer is blocked in `Lock`, new readers wait for it, and the writer waits for the first read lock, which is ' +
      'never released (the sync documentation forbids recursive read locking for this reason). goroscope also ' +
      'follows calls within the package, including the `String` method `fmt` calls on a printed value: a call made ' +
      'while holding the read lock that reaches `Lock` or `RLock` on the same field of the same type is reported.',
    fix:
      'Release the read lock before taking the write lock, then re-check the condition:\n\n```go\nmu.RLock()\nv, ' +
      'ok := cache[k]\nmu.RUnlock()\nif !ok {\n\tmu.Lock()\n\tif v, ok = cache[k]; !ok {\n\t\tv = ' +
      'load(k)\n\t\tcache[k] = v\n\t}\n\tmu.Unlock()\n}\n```',
    runtimeEffect: 'block',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      for (const { fn, calls } of lockCalls(file).values()) {
        for (const call of calls) {
          if (call.deferred || (call.method !== 'Lock' && call.method !== 'RLock')) continue;
          for (const first of calls) {
            if (first === call || first.deferred || first.method !== 'RLock' || first.mutex !== call.mutex) continue;
            if (!dominates(first.statement, call.statement)) continue;
            const released = calls.some(
              (other) =>
                other.mutex === call.mutex &&
                !other.deferred &&
                other.method === 'RUnlock' &&
                other.statement.startIndex > first.statement.startIndex &&
                other.statement.startIndex < call.statement.startIndex,
            );
            if (released || reassignedBetween(fn, call.receiver, first.statement.startIndex, call.statement.startIndex))
              continue;
            if (mutexKind(call.receiver, file, context.pkg) !== 'RWMutex') continue;
            const line = first.statement.startPosition.row + 1;
            context.report(file, {
              node: call.call,
              message:
                call.method === 'Lock'
                  ? `${call.mutex}.Lock() while this goroutine holds ${call.mutex}.RLock() from line ${line}: Lock ` +
                    `waits for all readers, including this one, so it blocks forever`
                  : `${call.mutex}.RLock() again while this goroutine holds the read lock from line ${line}: if a ` +
                    `writer calls Lock in between, both wait for each other forever`,
              related: [{ node: first.call, message: 'read lock taken here' }],
              fix: {
                description:
                  call.method === 'Lock'
                    ? `call ${call.mutex}.RUnlock() before ${call.mutex}.Lock() and re-check what you read`
                    : `do not read-lock twice: pass the fact that the lock is held to the inner code (a *Locked ` +
                      `helper)`,
              },
            });
            break;
          }
        }
      }
    }
    for (const nested of nestedLocks(context.pkg)) {
      const { held, again } = nested;
      if (held.method !== 'RLock') continue;
      const callee = again.path.map((fn) => fn.name);
      const where =
        `${again.site.mutex}.${again.site.method}() at line ` +
        `${again.site.call.startPosition.row + 1}${callee.length > 0 ? ` (in ${callee.join(' -> ')})` : ''}`;
      const line = held.call.startPosition.row + 1;
      context.report(nested.file, {
        node: nested.call,
        message:
          again.site.method === 'Lock'
            ? `this call reaches ${where} while this goroutine holds the read lock from line ${line}: Lock waits ` +
              `for all readers, including this one, so it blocks forever`
            : `this call reaches ${where}, a second read lock while this goroutine holds the read lock from line ` +
              `${line}: if a writer calls Lock in between, both wait for each other forever`,
        related: [
          { node: held.call, message: 'read lock taken here' },
          { node: again.site.call, message: 'locked again here', file: again.site.file },
        ],
        fix: {
          description:
            `release the read lock before the call, or pass the fact that it is held to the inner code ` +
            `(a *Locked helper)`,
        },
      });
    }
  },
};
