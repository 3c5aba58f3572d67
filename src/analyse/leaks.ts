// Leak suspects: groups of goroutines parked on a channel, select or lock for long enough, in large enough
// numbers, that an on-call engineer would agree they are stuck rather than idle.
//
// What a demanding SRE accepts as evidence (and so the defaults):
// - A goroutine blocked on a nil channel or in `select {}` (no cases) can never wake: always a suspect,
//   except a single `select {}` in main.main, the idiom for "serve forever".
// - A healthy server has idle goroutines parked for hours (worker pools on `chan receive`, a few lock
//   waiters): one idle worker is not a leak. So a group must both have waited >= minMinutes (default 1; the
//   runtime prints `, N minutes` only from 1 minute on) and hold >= minCount goroutines (default 10).
// - Without any wait time, a group is only claimed when it is huge relative to the dump: at least
//   hugeCount goroutines (default 1000) and at least hugeFraction (default 0.5) of all goroutines.
// - Without any wait time, a group of at least orphanCount goroutines (default 100) parked at one user line on a
//   channel operation is claimed when the function that created them is on no goroutine's stack (in a dump that
//   holds the main goroutine, so that the absence means something): the call that
//   started them has returned and left them waiting, which a healthy program rarely does by the hundred (a
//   worker pool's creator has usually returned too, but its workers number a few, not hundreds). This catches
//   the classic leak of a handler that gives up on a goroutine it started, in a dump taken seconds after start.
// - Go >= 1.27's leak detector (the goroutineleak profile) marks goroutines `(leaked)` when the garbage collector
//   proves that what they wait on is unreachable from every goroutine that can still run: those are proven
//   leaks, listed before every heuristic suspect whatever their count or wait time. The detector misses some
//   leaks (a goroutine blocked on a channel its own closure captured was not reported in our Go 1.27.3 runs),
//   so a dump without `(leaked)` still gets the heuristics below.
// Ranking: proven first, then can-never-wake, then count x minutes (minutes counted as at least 1), then the state
// (channels and select, then locks, then WaitGroup/Cond).

import type { GoroutineGroup, Leak } from '../model.js';

export interface LeakOptions {
  minMinutes?: number;
  minCount?: number;
  hugeCount?: number;
  hugeFraction?: number;
  orphanCount?: number;
  /** All goroutines in the dump; defaults to the sum of the group counts. */
  totalGoroutines?: number;
}

interface BlockedState {
  rank: number;
  what: string;
}

/** Maps a printed wait reason (with `(durable)`/`(synctest)` suffixes removed) to how it blocks. */
function blockedState(state: string): BlockedState | undefined {
  const s = state.replace(/ \((durable|synctest)\)$/, '');
  if (s.startsWith('chan send')) return { rank: 0, what: 'sending on a channel that nothing receives from' };
  if (s.startsWith('chan receive'))
    return { rank: 0, what: 'receiving from a channel that nothing sends on or closes' };
  if (s.startsWith('select')) return { rank: 0, what: 'in a select whose cases never become ready' };
  if (s === 'sync.Mutex.Lock' || s === 'sync.RWMutex.Lock' || s === 'sync.RWMutex.RLock') {
    return { rank: 1, what: `waiting for a lock (${s}) that is never released` };
  }
  // Go <= 1.19 printed Mutex waits, and Go <= 1.23 WaitGroup.Wait, as `semacquire`.
  if (s === 'semacquire') return { rank: 1, what: 'waiting on a sync primitive (semacquire) that is never released' };
  if (s === 'sync.WaitGroup.Wait') return { rank: 2, what: 'in WaitGroup.Wait for Done calls that never come' };
  if (s === 'sync.Cond.Wait') return { rank: 2, what: 'in Cond.Wait for a Signal or Broadcast that never comes' };
  return undefined;
}

function isForever(state: string): boolean {
  return state.includes('(nil chan)') || state.startsWith('select (no cases)');
}

function where(b: GoroutineGroup): string {
  if (b.culprit === null) return 'in runtime or standard library code only';
  const base = b.culprit.file.slice(b.culprit.file.lastIndexOf('/') + 1);
  return `at ${b.culprit.function} (${base}:${b.culprit.line})`;
}

function minutesText(w: [number, number]): string {
  if (w[1] === 0) return 'less than a minute';
  if (w[0] === w[1]) return `${w[0]} minute${w[0] === 1 ? '' : 's'}`;
  return `${w[0]}-${w[1]} minutes`;
}

function goroutinesText(n: number): string {
  // Digits grouped by hand: the first toLocaleString call loads ICU data (tens of milliseconds).
  return n === 1 ? '1 goroutine is' : `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} goroutines are`;
}

export function findLeaks(groups: readonly GoroutineGroup[], opts: LeakOptions = {}): Leak[] {
  const minMinutes = opts.minMinutes ?? 1;
  const minCount = opts.minCount ?? 10;
  const hugeCount = opts.hugeCount ?? 1000;
  const hugeFraction = opts.hugeFraction ?? 0.5;
  const orphanCount = opts.orphanCount ?? 100;
  let total = opts.totalGoroutines ?? 0;
  if (opts.totalGoroutines === undefined) for (const b of groups) total += b.count;
  let onStacks: Set<string> | undefined;
  /**
   * Whether `fn` is on no goroutine's stack in the dump (computed once, only when a group needs it). Only a whole
   * dump can tell: one that holds the main goroutine (main.main, also in a test binary's generated main).
   */
  const returned = (fn: string): boolean => {
    if (onStacks === undefined) {
      onStacks = new Set();
      for (const g of groups) for (const f of g.frames) onStacks.add(f.function);
    }
    return onStacks.has('main.main') && !onStacks.has(fn);
  };

  const found: { leak: Leak; rank: number; score: number }[] = [];
  for (const b of groups) {
    if (b.leaked === true) {
      const how = blockedState(b.state)?.what ?? `blocked (${b.state})`;
      const leak: Leak = {
        count: b.count,
        state: b.state,
        waitMinutes: b.waitMinutes,
        culprit: b.culprit,
        forever: true,
        proven: true,
        reason:
          `${goroutinesText(b.count)} leaked, as proven by the Go runtime's leak detector: ${how}, ${where(b)}, ` +
          'and no goroutine that can still run holds a reference to it, so they can never wake.',
      };
      if (b.labels !== undefined) leak.labels = b.labels;
      found.push({ leak, rank: -2, score: b.count * Math.max(1, b.waitMinutes[1]) });
      continue;
    }
    const forever = isForever(b.state);
    const blocked = blockedState(b.state);
    if (!forever && blocked === undefined) continue;
    if (forever) {
      const serveForever =
        b.count === 1 && b.state.startsWith('select (no cases)') && b.culprit?.function === 'main.main';
      if (serveForever) continue;
      const why = b.state.includes('(nil chan)')
        ? 'a nil channel, which blocks forever'
        : 'an empty select {}, which blocks forever';
      found.push({
        leak: {
          count: b.count,
          state: b.state,
          waitMinutes: b.waitMinutes,
          culprit: b.culprit,
          forever: true,
          proven: false,
          reason: `${goroutinesText(b.count)} blocked on ${why}, ${where(b)}.`,
        },
        rank: -1,
        score: b.count * Math.max(1, b.waitMinutes[1]),
      });
      continue;
    }
    if (blocked === undefined) continue;
    const longEnough = b.waitMinutes[1] >= minMinutes && b.count >= minCount;
    const huge = b.count >= hugeCount && b.count >= hugeFraction * total;
    const creator = b.createdBy?.function;
    const orphaned =
      !longEnough &&
      !huge &&
      blocked.rank === 0 &&
      b.count >= orphanCount &&
      b.culprit !== null &&
      b.culpritFromCreatedBy !== true &&
      creator !== undefined &&
      returned(creator);
    if (!longEnough && !huge && !orphaned) continue;
    const startedBy = orphaned
      ? `; ${creator} started them and is on no goroutine's stack any more: the call that started them has ` +
        'returned and left them waiting'
      : '';
    found.push({
      leak: {
        count: b.count,
        state: b.state,
        waitMinutes: b.waitMinutes,
        culprit: b.culprit,
        forever: false,
        proven: false,
        reason: `${goroutinesText(b.count)} ${blocked.what}, ${where(b)}, for ${minutesText(b.waitMinutes)}${
          huge && !longEnough ? ` (${Math.round((100 * b.count) / Math.max(1, total))}% of all goroutines)` : ''
        }${startedBy}.`,
      },
      rank: blocked.rank,
      score: b.count * Math.max(1, b.waitMinutes[1]),
    });
  }
  found.sort((a, b) => {
    if (a.rank === -2 || b.rank === -2) {
      if (a.rank !== b.rank) return a.rank === -2 ? -1 : 1;
      return b.score - a.score;
    }
    if (a.rank < 0 !== b.rank < 0) return a.rank < 0 ? -1 : 1;
    if (a.score !== b.score) return b.score - a.score;
    return a.rank - b.rank;
  });
  return found.map((f) => f.leak);
}
