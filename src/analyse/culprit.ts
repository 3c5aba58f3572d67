// Which goroutine failed and the first line of the user's code on its stack.

import type { CrashKind, Frame, Goroutine, Location, Traceback } from '../model.js';
import { Grouper } from './goroutine-groups.js';
import { fatalPanic } from './classify.js';
import {
  firstUserFrame,
  isRuntimeFrame,
  isStdlibFrame,
  learnGoroots,
  type StdHints,
  stdDirOfFile,
  toLocation,
} from '../knowledge/std-frames.js';

export interface CulpritResult {
  goroutine: number | null;
  culprit: Location | null;
  /** The culprit is the `created by` line: no frame of the goroutine itself is user code. */
  fromCreatedBy: boolean;
}

const NONE: CulpritResult = { goroutine: null, culprit: null, fromCreatedBy: false };

function isPanicFrame(frame: Frame): boolean {
  // Go >= 1.17 prints runtime.gopanic as `panic(...)`; older releases print `panic(0x..., 0x...)` too.
  // Go <= 1.4 printed it as `runtime.panic(0x.., 0x..)` from panic.c.
  return frame.function === 'panic' || frame.function === 'runtime.gopanic' || frame.function === 'runtime.panic';
}

/**
 * The user frame of one goroutine. When `belowLastPanic` is set, the frames above the deepest `panic(` call
 * are skipped: they are deferred functions that recovered and panicked again, and the bug is where the first
 * panic was raised.
 */
export function goroutineCulprit(
  g: Goroutine,
  hints: StdHints,
  belowLastPanic = false,
): { culprit: Location | null; fromCreatedBy: boolean } {
  let from = 0;
  if (belowLastPanic) {
    for (let i = g.frames.length - 1; i >= 0; i--) {
      const frame = g.frames[i];
      if (frame !== undefined && isPanicFrame(frame)) {
        from = i + 1;
        break;
      }
    }
  }
  const frame = firstUserFrame(g.frames, hints, from) ?? (from > 0 ? firstUserFrame(g.frames, hints) : null);
  if (frame !== null) return { culprit: toLocation(frame), fromCreatedBy: false };
  if (g.createdBy !== undefined && !isStdlibFrame(g.createdBy, hints)) {
    return { culprit: toLocation(g.createdBy), fromCreatedBy: true };
  }
  return { culprit: null, fromCreatedBy: false };
}

/**
 * The goroutine a panic or fatal error header belongs to: Go prints the failing goroutine first. With
 * GOTRACEBACK=all, goroutines running on other threads are also `[running]` but print
 * `goroutine running on other thread; stack unavailable`, so the first one with a stack is taken.
 */
export function crashingGoroutine(tb: Traceback): Goroutine | undefined {
  for (const g of tb.goroutines) {
    if (g.state.startsWith('running') && !g.stackUnavailable && g.frames.length > 0) return g;
  }
  return tb.goroutines[0];
}

function result(g: Goroutine, hints: StdHints, belowLastPanic = false): CulpritResult {
  const { culprit, fromCreatedBy } = goroutineCulprit(g, hints, belowLastPanic);
  return { goroutine: g.id, culprit, fromCreatedBy };
}

function isBubbleMember(g: Goroutine): boolean {
  for (const flag of g.flags) if (flag.startsWith('synctest')) return true;
  return false;
}

/** Deadlock: main (goroutine 1) when it is stuck in user code, else the first stuck goroutine in user code. */
function deadlockCulprit(tb: Traceback, hints: StdHints): CulpritResult {
  const main = tb.goroutines.find((g) => g.id === 1);
  if (main !== undefined) {
    const r = result(main, hints);
    if (r.culprit !== null && !r.fromCreatedBy) return r;
  }
  for (const g of tb.goroutines) {
    const r = result(g, hints);
    if (r.culprit !== null) return r;
  }
  return main === undefined ? NONE : result(main, hints);
}

/**
 * synctest deadlock: the goroutine that panics is the test's own (it re-panics the bubble's deadlock), which
 * says nothing. The bubble's goroutines carry `synctest bubble N` in their header (Go >= 1.25); the one that
 * runs the function given to synctest.Test/Run is created by the synctest package, so it is preferred.
 */
function synctestCulprit(tb: Traceback, hints: StdHints): CulpritResult {
  let firstWithUser: CulpritResult | undefined;
  for (const g of tb.goroutines) {
    if (!isBubbleMember(g)) continue;
    const r = result(g, hints);
    if (r.culprit === null || r.fromCreatedBy) continue;
    if (g.createdBy !== undefined && isStdlibFrame(g.createdBy, hints)) return r;
    firstWithUser ??= r;
  }
  if (firstWithUser !== undefined) return firstWithUser;
  const crashing = crashingGoroutine(tb);
  return crashing === undefined ? NONE : result(crashing, hints, true);
}

/**
 * Whether a frame runs the test `name`: a top-level test runs in `pkg.TestX`; a subtest `TestX/sub` runs in a
 * function literal of its parent, `pkg.TestX.func1` (nested subtests: `TestX.func1.1`).
 */
function runsTest(fn: string, name: string): boolean {
  const parts = name.split('/');
  const top = parts[0] ?? name;
  if (parts.length === 1) return fn.endsWith('.' + top);
  return fn.includes('.' + top + '.func');
}

/** `pkg.TestXxx` or one of its function literals, but not TestMain. */
function isTestFunction(fn: string): boolean {
  return /\.Test(?!Main\b)[^./]*(?:\.func[\d.]+)?$/.test(fn);
}

function isAlarm(g: Goroutine): boolean {
  // testing.(*M).startAlarm.func1 (testing.startAlarm.func1 before Go 1.10) raises the timeout panic; it is
  // the messenger, not the culprit.
  return g.frames.some((f) => /^testing\.(\(\*M\)\.)?startAlarm/.test(f.function));
}

/**
 * A parent test parked in t.Run while its subtests run: it waits, but it is not what hangs. With
 * GOTRACEBACK=system/crash the runtime's park frames come first, so they are skipped.
 */
function waitsForSubtest(g: Goroutine, hints: StdHints): boolean {
  for (const f of g.frames) {
    if (isRuntimeFrame(f, hints)) continue;
    return f.function === 'testing.(*T).Run';
  }
  return false;
}

/**
 * Test timeout: the goroutine that runs the deepest of the `running tests:` (Go >= 1.20 lists them; a
 * parent and its hung subtest are both listed). Without the list, the first non-alarm goroutine running user
 * code under testing.tRunner that is not a parent waiting in t.Run.
 */
function timeoutCulprit(tb: Traceback, hints: StdHints): CulpritResult {
  const names = (tb.testTimeout?.runningTests.map((t) => t.name) ?? []).sort(
    (a, b) => b.split('/').length - a.split('/').length,
  );
  // Goroutine 1 runs TestMain/m.Run and waits for the tests: it is never the one that hangs.
  const candidates = tb.goroutines.filter(
    (g) => !isAlarm(g) && !g.frames.some((f) => f.function === 'testing.(*M).Run'),
  );
  for (const name of names) {
    for (const g of candidates) {
      if (waitsForSubtest(g, hints)) continue;
      if (g.frames.some((f) => !isStdlibFrame(f, hints) && runsTest(f.function, name))) return result(g, hints);
    }
  }
  for (const pass of [true, false]) {
    for (const g of candidates) {
      if (pass && waitsForSubtest(g, hints)) continue;
      // The tRunner frame may be cut off in a paste; a TestXxx frame says the same.
      if (!g.frames.some((f) => f.function === 'testing.tRunner' || isTestFunction(f.function))) continue;
      const r = result(g, hints);
      if (r.culprit !== null && !r.fromCreatedBy) return r;
    }
  }
  return NONE;
}

/**
 * Stack overflow: the top frame is the function's entry (where the stack check fires); the frame below it in
 * the same function is the recursive call, which is the line to change.
 */
function stackOverflowCulprit(tb: Traceback, hints: StdHints): CulpritResult {
  const g = crashingGoroutine(tb);
  if (g === undefined) return runtimeStackCulprit(tb, hints, NONE);
  const r = result(g, hints);
  if (r.culprit === null || r.fromCreatedBy) return r;
  const at = g.frames.findIndex((f) => f.function === r.culprit?.function && f.line === r.culprit.line);
  const next = g.frames[at + 1];
  if (at >= 0 && next !== undefined && next.function === r.culprit.function) {
    return { goroutine: g.id, culprit: toLocation(next), fromCreatedBy: false };
  }
  return r;
}

const STUCK_STATE = /^(chan send|chan receive|select|sync\.|semacquire|sleep|IO wait|syscall|sync\.Cond\.Wait)/;

/** A plain dump: the culprit of the largest group of stuck goroutines that reaches user code. */
function dumpCulprit(tb: Traceback, hints: StdHints): CulpritResult {
  const grouper = new Grouper('ignore-args', hints);
  for (const g of tb.goroutines) grouper.add(g);
  let fallback: CulpritResult | undefined;
  // Goroutines the runtime proved leaked (Go >= 1.27) outrank the largest stuck group.
  const groups = grouper.groups();
  const ordered = [...groups.filter((b) => b.leaked === true), ...groups.filter((b) => b.leaked !== true)];
  for (const group of ordered) {
    const id = group.goroutineIds[0] ?? null;
    if (group.culprit === null) continue;
    const r: CulpritResult = { goroutine: id, culprit: group.culprit, fromCreatedBy: group.culpritFromCreatedBy };
    if (STUCK_STATE.test(group.state) && !group.culpritFromCreatedBy) return r;
    fallback ??= r;
  }
  return fallback ?? NONE;
}

/**
 * Thread exhaustion is usually thrown by the scheduler (sysmon, under `runtime stack:`), not by a user
 * goroutine. The threads are held by goroutines blocked in system calls or locked to their thread, so the
 * largest such group that reaches user code is the culprit; a `[running]` goroutine comes second.
 */
function threadCulprit(tb: Traceback, hints: StdHints): CulpritResult {
  const grouper = new Grouper('ignore-wait', hints);
  for (const g of tb.goroutines) if (g.state.startsWith('syscall') || g.lockedToThread) grouper.add(g);
  for (const group of grouper.groups()) {
    if (group.culprit !== null && !group.culpritFromCreatedBy) {
      return { goroutine: group.goroutineIds[0] ?? null, culprit: group.culprit, fromCreatedBy: false };
    }
  }
  const g = crashingGoroutine(tb);
  return g === undefined ? NONE : result(g, hints);
}

/**
 * A deferred call recovered a panic and panicked again with the same value, or a wrapped one (testing.tRunner
 * does this for every failing test; so do logging middlewares). Then the frames above the panic( call are
 * that deferred call and the bug is below it. A different panic raised inside the deferred call (say a nil
 * dereference while cleaning up) is a bug of the deferred call itself, so its frames are kept.
 */
function isRepanic(tb: Traceback): boolean {
  const killer = fatalPanic(tb.panics);
  if (killer === undefined) return false;
  if (killer.repanicked) return true;
  for (const p of tb.panics) {
    if (p === killer || !p.recovered) continue;
    if (killer.message === p.message || killer.message.includes(p.message)) return true;
  }
  return false;
}

export function findCulprit(tb: Traceback, kind: CrashKind, hints?: StdHints): CulpritResult {
  const effective: StdHints = hints?.goroots !== undefined ? hints : { goroots: learnGoroots(tb) };
  switch (kind) {
    case 'deadlock_all_asleep':
      return deadlockCulprit(tb, effective);
    case 'synctest_deadlock':
      return synctestCulprit(tb, effective);
    case 'test_timeout':
      return timeoutCulprit(tb, effective);
    case 'goroutine_dump':
      return dumpCulprit(tb, effective);
    case 'thread_exhaustion':
      return threadCulprit(tb, effective);
    case 'stack_overflow':
      return stackOverflowCulprit(tb, effective);
    default: {
      const g = crashingGoroutine(tb);
      const found = g === undefined ? NONE : result(g, effective, isRepanic(tb) || tb.panics.length === 1);
      return found.culprit === null ? runtimeStackCulprit(tb, effective, found) : found;
    }
  }
}

/**
 * A user frame printed only under `runtime stack:` (a throw on the system stack, e.g. a stack overflow whose
 * goroutine section was not pasted) is still where the program was.
 */
function runtimeStackCulprit(tb: Traceback, hints: StdHints, otherwise: CulpritResult): CulpritResult {
  const logged = loggedStackCulprit(tb);
  if (logged !== null) return { goroutine: otherwise.goroutine, culprit: logged, fromCreatedBy: false };
  const frame = firstUserFrame(tb.runtimeStack, hints);
  return frame === null
    ? otherwise
    : { goroutine: otherwise.goroutine, culprit: toLocation(frame), fromCreatedBy: false };
}

/**
 * A framework's own stack (no function names): the frames above the runtime's panic machinery are the
 * recovering handler, so the culprit is the first file below the last runtime frame that is not the standard
 * library's.
 */
function loggedStackCulprit(tb: Traceback): Location | null {
  const frames = tb.loggedStack ?? [];
  let from = 0;
  frames.forEach((f, i) => {
    const dir = stdDirOfFile(f.file);
    if (dir !== undefined && (dir === 'runtime' || dir.startsWith('runtime/'))) from = i + 1;
  });
  for (let i = from; i < frames.length; i++) {
    const f = frames[i];
    if (f !== undefined && stdDirOfFile(f.file) === undefined) return toLocation(f);
  }
  return null;
}
