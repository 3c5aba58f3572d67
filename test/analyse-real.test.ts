// classify, findCulprit, findWaiters, inferGoVersion and versionAdvice over real Go output.
// Every output in testdata/analyse-samples/logs was printed by the Go programs beside it (crash/ is PROGRAM, tt/,
// tp/, c2/, tt2/, run2/, st24/), run under the toolchain named by the key: `126` = go1.26.8, `go1.X.Y` = that release,
// `all` = with
// GOTRACEBACK=all, `trim126` = go1.26.8 -trimpath build, `gopath116` = go1.16.15 GOPATH build.
// Expected culprit lines come from `// culprit: <case>` / `// waiter: <case>` markers in the programs, never from
// our own output.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './rules-support.js';
import { classify } from '../src/analyse/classify.js';
import { findCulprit } from '../src/analyse/culprit.js';
import { findWaiters } from '../src/analyse/deadlock.js';
import { inferGoVersion, parseRange, versionAdvice } from '../src/analyse/goversion.js';
import type { CrashKind, Traceback } from '../src/model.js';
import { parseTracebacks } from '../src/parse/traceback.js';

const SAMPLES_DIR = join(ROOT, 'testdata', 'analyse-samples');
const program = (path: string): string => readFileSync(join(SAMPLES_DIR, path), 'utf8');
const PROGRAM = program('crash/main.go');
const TEST_PROGRAM = program('tt/tt_test.go');
const THIRD_PARTY = program('tp/internal/store/store.go');
const PROGRAM2 = program('c2/main.go');
const TEST_PROGRAM2 = program('tt2/hang_test.go');
/** Run with GOMAXPROCS=4 GODEBUG=asyncpreemptoff=1 GOTRACEBACK=all so the spinners cannot be stopped. */
const BUSY_PROGRAM = program('run2/main.go');
/** go1.24.13 with GOEXPERIMENT=synctest. */
const SYNCTEST_124 = program('st24/st_test.go');

export const OUTPUTS: Record<string, string> = {};
for (const file of readdirSync(join(SAMPLES_DIR, 'logs')).sort()) {
  OUTPUTS[file.replace(/\.txt$/, '')] = program(join('logs', file));
}

/** Line numbers of `// <tag>: <name>` markers in a program. */
function markers(source: string, tag: string): Map<string, number> {
  const found = new Map<string, number>();
  source.split('\n').forEach((line, i) => {
    const m = new RegExp(`// ${tag}: ([A-Za-z-]+)`).exec(line);
    if (m?.[1] !== undefined) found.set(m[1], i + 1);
  });
  return found;
}

const CULPRIT = markers(PROGRAM, 'culprit');
const WAITER = markers(PROGRAM, 'waiter');

/** What each case of PROGRAM does, in the catalogue's words. */
const KIND_OF_CASE: Record<string, CrashKind[]> = {
  mapwrites: ['concurrent_map_writes'],
  mapreadwrite: ['concurrent_map_read_write'],
  // Iterating while another goroutine writes: whichever check trips first reports it (go1.26.8 saw the read).
  mapiter: ['concurrent_map_iteration_write', 'concurrent_map_read_write'],
  nilmap: ['nil_map_write'],
  sendclosed: ['send_on_closed_channel'],
  closeclosed: ['close_closed_channel'],
  closenil: ['close_nil_channel'],
  negwg: ['negative_waitgroup'],
  unlock: ['unlock_of_unlocked'],
  rwunlock: ['unlock_of_unlocked'],
  runlock: ['unlock_of_unlocked'],
  deadlock: ['deadlock_all_asleep'],
  nilptr: ['nil_pointer_deref'],
  index: ['index_out_of_range'],
  slice: ['slice_bounds_out_of_range'],
  div: ['divide_by_zero'],
  typeassert: ['type_assertion'],
  stack: ['stack_overflow'],
  oom: ['out_of_memory'],
  threads: ['thread_exhaustion'],
  userpanic: ['user_panic'],
  repanic: ['user_panic'],
  repanicsame: ['user_panic'],
  fault: ['unexpected_signal'],
  goroutinepanic: ['nil_pointer_deref'],
  dump: ['goroutine_dump'],
};

function minorOf(key: string): number {
  const m = /^go1\.(\d+)\./.exec(key);
  if (m?.[1] !== undefined) return Number(m[1]);
  if (key.startsWith('gopath116')) return 16;
  return 26;
}

function caseOf(key: string): string {
  return key.slice(key.indexOf('-') + 1);
}

function only(text: string, source: string): Traceback {
  const tbs = parseTracebacks(text, source);
  assert.equal(tbs.length, 1, `${source}: one traceback expected`);
  const tb = tbs[0];
  assert.ok(tb !== undefined);
  return tb;
}

const PROGRAM_KEYS = Object.keys(OUTPUTS).filter((k) => !/^(tt|tt2|tp|c2|r2|st)-/.test(k));

describe('classify + findCulprit on real crashes of PROGRAM (go1.9.7 ... go1.26.8)', () => {
  for (const key of PROGRAM_KEYS) {
    it(key, () => {
      const text = OUTPUTS[key] ?? '';
      const tb = only(text, key);
      const c = caseOf(key);
      const kinds = KIND_OF_CASE[c];
      assert.ok(kinds !== undefined, `no expected kind for case ${c}`);
      const { kind, message } = classify(tb);
      assert.ok(kinds.includes(kind), `${key}: kind ${kind}, want one of ${kinds.join(', ')}`);
      // A dump has no message of its own; everything else reports text the runtime printed.
      if (c !== 'dump') assert.ok(message.length > 0 && text.includes(message), `${key}: message ${message}`);
      const r = findCulprit(tb, kind);
      if (c === 'dump') {
        // The largest stuck group: the five goroutines parked in blockForever (`ch <- 1`).
        assert.equal(r.culprit?.function, 'main.blockForever');
        assert.equal(r.culprit?.line, WAITER.get('send'));
        return;
      }
      const want = CULPRIT.get(c);
      assert.ok(want !== undefined, `no CULPRIT marker for ${c}`);
      assert.ok(r.culprit !== null, `${key}: no culprit`);
      assert.ok(r.culprit.file.endsWith('main.go'), `${key}: culprit file ${r.culprit.file}`);
      assert.equal(r.culprit.line, want, `${key}: culprit ${r.culprit.function}:${r.culprit.line}`);
      assert.equal(r.fromCreatedBy, false);
      assert.ok(r.goroutine !== null);
    });
  }
});

describe('inferGoVersion on real crashes', () => {
  for (const key of Object.keys(OUTPUTS)) {
    it(`${key}: the inferred range holds the release that printed it`, () => {
      const tb = only(OUTPUTS[key] ?? '', key);
      const guess = inferGoVersion(tb);
      const [lo, hi] = parseRange(guess.range);
      const named = /(\d)(\d\d)$/.exec(key);
      const minor = /^(tt|tt2|tp|c2|r2|st)-/.test(key) && named?.[2] !== undefined ? Number(named[2]) : minorOf(key);
      assert.ok(lo <= minor && minor <= hi, `${key}: ${guess.range} (${guess.evidence.join('; ')})`);
      if (guess.range !== 'unknown') assert.ok(guess.evidence.length > 0);
    });
  }

  it('narrows releases from distinctive features', () => {
    const range = (key: string): string => inferGoVersion(only(OUTPUTS[key] ?? '', key)).range;
    assert.equal(range('126-repanicsame'), '>=1.25'); // [recovered, repanicked]
    assert.equal(range('go1.24.13-mapwrites'), '>=1.24'); // internal/runtime/maps frames
    assert.equal(range('go1.21.13-deadlock'), '>=1.21'); // created by ... in goroutine N
    assert.equal(range('go1.18.10-mapwrites'), '1.18'); // `?` args, runtime.throw on top
    assert.equal(range('go1.17.13-mapwrites'), '1.17-1.18'); // {..} args, runtime.throw on top
    assert.equal(range('go1.16.15-mapwrites'), '<=1.16'); // throw(0x.., 0x15)
    assert.equal(range('go1.12.17-index'), '<=1.12'); // no [i] with length n
  });
});

describe('versionAdvice', () => {
  it('go1.26.8 printed only the failing goroutine of a map race: advise GOTRACEBACK=all', () => {
    const tb = only(OUTPUTS['126-mapwrites'] ?? '', '126-mapwrites');
    assert.equal(tb.goroutines.length, 1);
    const advice = versionAdvice('concurrent_map_writes', tb, inferGoVersion(tb).range);
    assert.ok(advice.some((a) => a.includes('GOTRACEBACK=all') && a.includes('1.26')));
  });
  it('go1.25.9 printed both map users: no GOTRACEBACK advice', () => {
    const tb = only(OUTPUTS['go1.25.9-mapwrites'] ?? '', 'go1.25.9-mapwrites');
    assert.ok(tb.goroutines.length >= 2);
    const advice = versionAdvice('concurrent_map_writes', tb, inferGoVersion(tb).range);
    assert.ok(!advice.some((a) => a.includes('GOTRACEBACK=all')));
  });
  it('go1.16.15 shows runtime frames on top of a map race', () => {
    const tb = only(OUTPUTS['go1.16.15-mapwrites'] ?? '', 'go1.16.15-mapwrites');
    assert.equal(tb.goroutines[0]?.frames[0]?.function, 'runtime.throw');
    const advice = versionAdvice('concurrent_map_writes', tb, inferGoVersion(tb).range);
    assert.ok(advice.some((a) => a.includes('<= 1.18')));
  });
});

describe('findWaiters on real deadlocks', () => {
  for (const key of PROGRAM_KEYS.filter((k) => caseOf(k) === 'deadlock')) {
    it(key, () => {
      const tb = only(OUTPUTS[key] ?? '', key);
      const waiters = findWaiters(tb, 'deadlock_all_asleep');
      assert.equal(waiters.length, 3);
      assert.equal(waiters[0]?.goroutine, 1);
      assert.equal(waiters[0]?.state, 'chan receive');
      assert.equal(waiters[0]?.culprit?.line, CULPRIT.get('deadlock'));
      const lines = waiters.slice(1).map((w) => w.culprit?.line);
      assert.deepEqual(lines.sort(), [WAITER.get('lock'), WAITER.get('send')].sort());
      const lockState = waiters.find((w) => w.culprit?.line === WAITER.get('lock'))?.state;
      // Go <= 1.19 printed every sync wait as `semacquire`.
      assert.equal(lockState, minorOf(key) >= 20 ? 'sync.Mutex.Lock' : 'semacquire');
    });
  }
});

describe('tests, synctest and third-party modules (go1.26.8)', () => {
  const testMarks = markers(TEST_PROGRAM, 'culprit');
  it('test timeout: the hung test, not the alarm goroutine', () => {
    const tb = only(OUTPUTS['tt-timeout126'] ?? '', 'timeout');
    const { kind } = classify(tb);
    assert.equal(kind, 'test_timeout');
    const r = findCulprit(tb, kind);
    assert.equal(r.culprit?.function, 'example.com/tt.waitForever');
    assert.equal(r.culprit?.line, testMarks.get('timeout'));
    const hung = tb.goroutines.find((g) => g.id === r.goroutine);
    assert.ok(hung?.frames.some((f) => f.function === 'example.com/tt.TestHang'));
  });
  it('synctest deadlock: the bubble goroutine running the test function', () => {
    const tb = only(OUTPUTS['tt-synctest126'] ?? '', 'synctest');
    const { kind, message } = classify(tb);
    assert.equal(kind, 'synctest_deadlock');
    assert.equal(message, 'deadlock: all goroutines in bubble are blocked');
    const r = findCulprit(tb, kind);
    assert.equal(r.culprit?.line, testMarks.get('synctest'));
    const waiters = findWaiters(tb, kind);
    const lines = waiters.map((w) => w.culprit?.line);
    assert.ok(lines.includes(testMarks.get('synctest')));
    assert.ok(lines.includes(testMarks.get('synctest-helper')));
    // The crashing goroutine (the test re-panicking) is not in the bubble, so it is not a waiter.
    assert.ok(waiters.every((w) => w.goroutine !== tb.goroutines[0]?.id));
  });
  it('third-party frames and a dotless module path are user code', () => {
    const tb = only(OUTPUTS['tp-thirdparty126'] ?? '', 'thirdparty');
    const { kind } = classify(tb);
    assert.equal(kind, 'nil_map_write');
    const r = findCulprit(tb, kind);
    assert.equal(r.culprit?.function, 'myapp/internal/store.(*Store).Put');
    assert.equal(r.culprit?.line, markers(THIRD_PARTY, 'culprit').get('thirdparty'));
  });

  it('synctest: main bubble goroutine exited with blocked goroutines', () => {
    const tb = only(OUTPUTS['tt-synctestexit126'] ?? '', 'synctestexit');
    const { kind, message } = classify(tb);
    assert.equal(kind, 'synctest_deadlock');
    assert.equal(message, 'deadlock: main bubble goroutine has exited but blocked goroutines remain');
    assert.equal(findCulprit(tb, kind).culprit?.line, testMarks.get('synctest-exit'));
  });
  for (const key of ['tt2-timeout116', 'tt2-timeout121']) {
    it(`${key}: test timeout ${key.endsWith('116') ? 'without' : 'with'} the running tests list`, () => {
      const tb = only(OUTPUTS[key] ?? '', key);
      const { kind } = classify(tb);
      assert.equal(kind, 'test_timeout');
      const r = findCulprit(tb, kind);
      // go1.16.15 in GOPATH mode outside GOPATH names the package `_/tmp/az/tt2`.
      assert.ok(r.culprit?.function.endsWith('tt2.waitForever'), r.culprit?.function);
      assert.equal(r.culprit?.line, markers(TEST_PROGRAM2, 'culprit').get('timeout'));
      const advice = versionAdvice(kind, tb, inferGoVersion(tb).range);
      assert.equal(
        advice.some((a) => a.includes('Go >= 1.20 lists the tests')),
        key.endsWith('116'),
      );
    });
  }
});

describe('more kinds from real runs (go1.26.8)', () => {
  const marks = markers(PROGRAM2, 'culprit');
  it('main called runtime.Goexit: deadlock with no goroutine to blame', () => {
    const tb = only(OUTPUTS['c2-goexit126'] ?? '', 'goexit');
    const { kind, message } = classify(tb);
    assert.equal(kind, 'deadlock_all_asleep');
    assert.equal(message, 'no goroutines (main called runtime.Goexit) - deadlock!');
    assert.equal(findCulprit(tb, kind).culprit, null);
    assert.ok(versionAdvice(kind, tb, inferGoVersion(tb).range).some((a) => a.includes('Goexit')));
  });
  it('maps.Clone racing a write', () => {
    const tb = only(OUTPUTS['c2-clone126'] ?? '', 'clone');
    const { kind } = classify(tb);
    assert.equal(kind, 'concurrent_map_clone_write');
    assert.equal(findCulprit(tb, kind).culprit?.line, marks.get('clone'));
  });
  it('WaitGroup reused before Wait returned', () => {
    const tb = only(OUTPUTS['c2-wgreuse126'] ?? '', 'wgreuse');
    const { kind } = classify(tb);
    assert.equal(kind, 'waitgroup_reuse');
    assert.equal(findCulprit(tb, kind).culprit?.line, marks.get('wgreuse'));
  });
});

describe('GOTRACEBACK=all and old synctest', () => {
  it('goroutines running on other threads (stack unavailable) are not the crashing one', () => {
    const tb = only(OUTPUTS['r2-busy126'] ?? '', 'busy');
    assert.ok(tb.goroutines.filter((g) => g.stackUnavailable).length >= 2);
    const { kind } = classify(tb);
    assert.equal(kind, 'nil_map_write');
    const r = findCulprit(tb, kind);
    assert.equal(r.goroutine, 1);
    assert.equal(r.culprit?.line, markers(BUSY_PROGRAM, 'culprit').get('busy'));
  });
  it('go1.24 synctest deadlock prints only the test goroutine: blame the synctest.Run call and say why', () => {
    const tb = only(OUTPUTS['st-synctest124'] ?? '', 'synctest124');
    const { kind } = classify(tb);
    assert.equal(kind, 'synctest_deadlock');
    assert.equal(findCulprit(tb, kind).culprit?.line, markers(SYNCTEST_124, 'culprit').get('run'));
    const range = inferGoVersion(tb).range;
    const [lo, hi] = parseRange(range);
    assert.ok(lo <= 24 && 24 <= hi, range);
    assert.ok(versionAdvice(kind, tb, range).some((a) => a.includes('Go >= 1.25')));
  });
});
