// What each goroutine of a deadlock waits on, main first.

import type { CrashKind, Goroutine, Traceback, Waiter } from '../model.js';
import { goroutineCulprit } from './culprit.js';
import { isStdlibFrame, learnGoroots, type StdHints } from '../knowledge/std-frames.js';

function inBubble(g: Goroutine): boolean {
  for (const flag of g.flags) if (flag.startsWith('synctest')) return true;
  return false;
}

/**
 * The stuck goroutines of a deadlock. Goroutines that are running or runnable are not waiting, and the
 * runtime's own helpers (GC workers, finalizer goroutine: no user frame and not created by user code, shown
 * with GOTRACEBACK=all) are left out. For a synctest deadlock only the bubble's goroutines count.
 */
export function findWaiters(tb: Traceback, kind: CrashKind, hints?: StdHints): Waiter[] {
  if (kind !== 'deadlock_all_asleep' && kind !== 'synctest_deadlock') return [];
  const effective: StdHints = hints?.goroots !== undefined ? hints : { goroots: learnGoroots(tb) };
  const anyBubble = kind === 'synctest_deadlock' && tb.goroutines.some(inBubble);
  const waiters: Waiter[] = [];
  for (const g of tb.goroutines) {
    if (g.state.startsWith('running') || g.state === 'runnable') continue;
    if (anyBubble && !inBubble(g)) continue;
    const { culprit } = goroutineCulprit(g, effective);
    const runtimeHelper =
      culprit === null && g.id !== 1 && (g.createdBy === undefined || isStdlibFrame(g.createdBy, effective));
    if (runtimeHelper && !anyBubble) continue;
    waiters.push({ goroutine: g.id, state: g.state, culprit });
  }
  // Main first, then in goroutine id order (the order Go creates them).
  waiters.sort((a, b) => (a.goroutine === 1 ? -1 : b.goroutine === 1 ? 1 : a.goroutine - b.goroutine));
  return waiters;
}
