// Which Go release printed a traceback, from format features. Each feature's first release was checked by
// running programs under go1.9.7, 1.10.8, 1.11.13, 1.12.17, 1.16.15, 1.17.13, 1.18.10, 1.19.13, 1.20.14,
// 1.21.13, 1.23.12, 1.24.13, 1.25.9, 1.26.8 and 1.27.3 and, where no run separates two releases, by reading that
// release's runtime source (marked "source": 1.13.15 for bounds errors, 1.22.12 for gp= headers).

import type { CrashKind, Traceback } from '../model.js';
import { packagePath } from '../knowledge/std-frames.js';
import { MAP_RACE_KINDS } from './classify.js';

export interface GoVersionGuess {
  /** ">=1.21", "1.17-1.20", "<=1.16", "1.25" or "unknown". */
  range: string;
  evidence: string[];
}

/** Minor versions of Go 1.x that goroscope knows about. */
const OLDEST = 9;
const NEWEST = 27;

interface Bounds {
  lo: number;
  hi: number;
  evidence: string[];
}

function atLeast(b: Bounds, minor: number, why: string): void {
  if (minor > b.lo) b.lo = minor;
  b.evidence.push(`${why} => Go >= 1.${minor}`);
}

function atMost(b: Bounds, minor: number, why: string): void {
  if (minor < b.hi) b.hi = minor;
  b.evidence.push(`${why} => Go <= 1.${minor}`);
}

/** Functions whose first argument is a string: printed as two raw words before 1.17, `{...}` since. */
const STRING_ARG_FUNCS = new Set(['runtime.throw', 'runtime.fatal', 'sync.fatal', 'panic', 'runtime.gopanic']);

/**
 * User-caused fatal errors: Go <= 1.18 threw them with runtime.throw, Go >= 1.19 with fatal(), which hides runtime
 * frames.
 */
const USER_FATALS = /^(concurrent map |sync: (unlock|Unlock|RUnlock) of unlocked)/;

export function inferGoVersion(tb: Traceback): GoVersionGuess {
  const b: Bounds = { lo: OLDEST, hi: NEWEST, evidence: [] };
  let createdIn = false;
  let braces = false;
  let question = false;
  let rawStringArgs = false;
  let swiss = false;
  let internalSync = false;
  let syncFatal = false;
  let gpHeader = false;
  let numberedElision = false;
  let syncStates = false;
  let waitGroupState = false;
  let semacquireMutex = false;
  let bubble = false;
  let oldHeap = false;
  let leaked = false;
  let headerLabels = false;

  for (const g of tb.goroutines) {
    if (g.createdBy?.parentGoroutine !== undefined) createdIn = true;
    if (g.elidedFrames > 0) numberedElision = true;
    for (const flag of g.flags) {
      if (flag.startsWith('gp=')) gpHeader = true;
      if (flag.startsWith('synctest bubble')) bubble = true;
      if (flag === 'leaked') leaked = true;
    }
    if (g.labels !== undefined) headerLabels = true;
    if (/^sync\.(Mutex|RWMutex|Cond)\./.test(g.state)) syncStates = true;
    if (g.state.startsWith('sync.WaitGroup.Wait')) waitGroupState = true;
    for (const f of g.frames) {
      const a = f.args;
      if (a.includes('{')) braces = true;
      if (a.includes('?')) question = true;
      // Go 1.11 moved the heap arena from 0xc42... to 0xc000...
      if (/\b0xc4[0-9a-f]{7}\b/.test(a)) oldHeap = true;
      if (STRING_ARG_FUNCS.has(f.function) && a !== '' && a !== '...' && !a.startsWith('{')) rawStringArgs = true;
      const pkg = packagePath(f.function);
      if (pkg === 'internal/runtime/maps') swiss = true;
      if (pkg === 'internal/sync') internalSync = true;
      if (f.function === 'sync.fatal') syncFatal = true;
      if (f.function === 'sync.runtime_SemacquireMutex' && g.state === 'semacquire') semacquireMutex = true;
    }
  }

  if (createdIn) atLeast(b, 21, '`created by ... in goroutine N`');
  if (numberedElision) atLeast(b, 21, '`...N frames elided...`');
  if (braces) atLeast(b, 17, 'arguments printed as `{...}` (register ABI)');
  if (question) atLeast(b, 18, 'arguments marked `?` (possibly inaccurate)');
  if (rawStringArgs) atMost(b, 16, 'string arguments of throw/panic printed as raw words');
  if (oldHeap) atMost(b, 10, 'heap addresses 0xc4........ (pre-1.11 arena layout)');
  if (swiss) atLeast(b, 24, 'swiss-map frames `internal/runtime/maps.*`');
  if (internalSync) atLeast(b, 24, '`internal/sync.*` frames');
  if (syncFatal) atLeast(b, 19, '`sync.fatal` frame');
  // Go 1.22 source prints gp=/m= for runtime throws and GOTRACEBACK>=system; 1.21 runs do not.
  if (gpHeader) atLeast(b, 22, '`gp=... m=...` in goroutine headers');
  if (syncStates) atLeast(b, 20, 'wait reasons such as `sync.Mutex.Lock`');
  // runtime/sema.go: WaitGroup.Wait parked as `semacquire` until 1.24 (source: 1.23.12 vs 1.24.13).
  if (waitGroupState) atLeast(b, 24, 'the `sync.WaitGroup.Wait` wait reason');
  if (semacquireMutex) atMost(b, 19, 'a Mutex wait shown as `semacquire`');
  if (bubble) atLeast(b, 25, '`synctest bubble N` in goroutine headers');
  // runtime/traceback.go: `(leaked)` from 1.26 (behind GOEXPERIMENT=goroutineleakprofile; default in 1.27);
  // labels in headers from 1.27 (GODEBUG tracebacklabels, on by default for go >= 1.27 modules).
  if (leaked) atLeast(b, 26, '`(leaked)` in goroutine headers');
  if (headerLabels) atLeast(b, 27, 'pprof labels in goroutine headers');

  for (const p of tb.panics) {
    if (p.repanicked) atLeast(b, 25, '`[recovered, repanicked]`');
    if (/^runtime error: (index out of range|slice bounds out of range) \[/.test(p.message)) {
      atLeast(b, 13, 'bounds errors with `[i] with length n` (source: 1.13)');
    } else if (
      p.message === 'runtime error: index out of range' ||
      p.message === 'runtime error: slice bounds out of range'
    ) {
      atMost(b, 12, 'bounds errors without the index and length');
    }
    if (p.message === 'sync: unlock of unlocked mutex') atMost(b, 9, '`panic: sync: unlock of unlocked mutex`');
  }
  // Go >= 1.25 prints a re-panic of the same value as one `[recovered, repanicked]` entry.
  for (let i = 0; i + 1 < tb.panics.length; i++) {
    const a = tb.panics[i];
    const next = tb.panics[i + 1];
    if (a !== undefined && next !== undefined && a.recovered && !a.repanicked && a.message === next.message) {
      atMost(b, 24, 'a recovered panic re-panicked with the same value printed twice');
      break;
    }
  }
  if (tb.fatalError === 'runtime: out of memory') atMost(b, 10, '`fatal error: runtime: out of memory`');
  if (tb.testTimeout !== undefined && tb.testTimeout.runningTests.length > 0) {
    atLeast(b, 20, '`running tests:` after a test timeout');
  }
  // User-caused fatals: Go <= 1.18 shows runtime.throw on top of the failing goroutine, 1.19+ does not.
  if (tb.fatalError !== undefined && USER_FATALS.test(tb.fatalError)) {
    const top = tb.goroutines[0]?.frames[0]?.function;
    if (top === 'runtime.throw') atMost(b, 18, '`runtime.throw` on top of a user-caused fatal error');
    else if (top !== undefined && top !== 'runtime.fatal')
      atLeast(b, 19, 'no `runtime.throw` frame on a user-caused fatal error');
  }

  return { range: formatRange(b), evidence: b.evidence };
}

function formatRange(b: Bounds): string {
  if (b.lo > b.hi) return 'unknown';
  if (b.lo === OLDEST && b.hi === NEWEST) return 'unknown';
  // The newest release known here may not be the newest there is.
  if (b.lo === b.hi && b.hi !== NEWEST) return `1.${b.lo}`;
  if (b.hi === NEWEST) return `>=1.${b.lo}`;
  if (b.lo === OLDEST) return `<=1.${b.hi}`;
  return `1.${b.lo}-1.${b.hi}`;
}

/** [lo, hi] minor versions of a range string from inferGoVersion; unknown gives the whole span. */
export function parseRange(range: string): [number, number] {
  let m = /^>=1\.(\d+)$/.exec(range);
  if (m?.[1] !== undefined) return [Number(m[1]), NEWEST];
  m = /^<=1\.(\d+)$/.exec(range);
  if (m?.[1] !== undefined) return [OLDEST, Number(m[1])];
  m = /^1\.(\d+)-1\.(\d+)$/.exec(range);
  if (m?.[1] !== undefined && m[2] !== undefined) return [Number(m[1]), Number(m[2])];
  m = /^1\.(\d+)$/.exec(range);
  if (m?.[1] !== undefined) return [Number(m[1]), Number(m[1])];
  return [OLDEST, NEWEST];
}

/** Advice that depends on the Go release and on what the traceback setting let the runtime print. */
export function versionAdvice(kind: CrashKind, tb: Traceback, range: string): string[] {
  const [, hi] = parseRange(range);
  const advice: string[] = [];
  // goroutineCount also counts goroutines the parser saw but did not keep.
  const printed = Math.max(tb.goroutineCount, tb.goroutines.length);
  if (MAP_RACE_KINDS.has(kind) && printed <= 1) {
    // Verified: go1.25.9 prints the other map user too, go1.26.8 only the failing one (runtime1.go:
    // `all = gp.m.throwing > throwTypeUser`, was `>=`).
    advice.push(
      'Only the failing goroutine was printed (Go >= 1.26 does this for fatal errors); run with GOTRACEBACK=all to ' +
        'also see the goroutine it raced with, or run the tests with -race.',
    );
  }
  if ((MAP_RACE_KINDS.has(kind) || kind === 'unlock_of_unlocked') && hi <= 18) {
    advice.push(
      'Go <= 1.18 prints runtime frames (runtime.throw, runtime.mapassign...) on top of this error; the culprit is ' +
        'the first frame below them.',
    );
  }
  if (kind === 'test_timeout' && (tb.testTimeout?.runningTests.length ?? 0) === 0) {
    advice.push(
      'Go >= 1.20 lists the tests that were running when the timeout fired; upgrade or run the tests one at a time ' +
        '(-run) to find the hung test.',
    );
  }
  if (kind === 'deadlock_all_asleep' && Math.max(tb.goroutineCount, tb.goroutines.length) === 0) {
    advice.push(
      'main called runtime.Goexit and no goroutine is left to run; the program must return from main instead.',
    );
  }
  if (kind === 'synctest_deadlock' && !tb.goroutines.some((g) => g.flags.some((f) => f.startsWith('synctest')))) {
    // runtime/panic.go prints the deadlocked bubble's goroutines from Go 1.25 on (source: 1.24.13 vs 1.25.9).
    advice.push(
      "The bubble's blocked goroutines were not printed (Go <= 1.24 shows only the test goroutine); Go >= 1.25 " +
        'prints each of them with `synctest bubble N`, or run with GOTRACEBACK=all.',
    );
  }
  if ((kind === 'goroutine_dump' || kind === 'test_timeout') && hi < 21) {
    advice.push(
      'Go >= 1.21 prints which goroutine created each goroutine (`created by ... in goroutine N`), which helps trace ' +
        'leaks to their origin.',
    );
  }
  return advice;
}
