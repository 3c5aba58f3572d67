// Parser tests on real output. The samples in parser-samples-support.ts were recorded by building PROGRAM with
// each toolchain (1.26.8: `go build`; older ones with GOROOT=<toolchain> GOTOOLCHAIN=local GO111MODULE=off
// GOENV=off go build) and running `./prog <scenario>` with the environment in ENVIRONMENT. Expected line numbers
// come from the `// LN` markers of PROGRAM via lineOf(); format differences between versions are cited from
// the runtime source of that version.

import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { Goroutine, Traceback } from '../src/model.js';
import { parseTracebacks, TracebackParser } from '../src/parse/traceback.js';
import {
  lineOf,
  PROGRAM2,
  sample,
  SAMPLES,
  SYNCTEST_PROGRAM,
  TEST_PROGRAM,
  VERSIONS,
} from './parser-samples-support.js';

function one(key: string): Traceback {
  const tbs = parseTracebacks(sample(key), key);
  assert.equal(tbs.length, 1, `${key}: one traceback`);
  return tbs[0] as Traceback;
}

function goroutine(tb: Traceback, pred: (g: Goroutine) => boolean): Goroutine {
  const g = tb.goroutines.find(pred);
  assert.ok(g !== undefined, 'goroutine not found');
  return g;
}

function frameAt(g: Goroutine, fn: string): { line: number; args: string; inlined: boolean; pcOffset?: string } {
  const f = g.frames.find((x) => x.function === fn);
  assert.ok(f !== undefined, `no frame ${fn}`);
  return f;
}

function major(v: string): number {
  return Number(v.split('.')[1]);
}

describe('panic headers', () => {
  for (const v of VERSIONS) {
    test(`nested panic, multi-line second value (go${v})`, () => {
      const tb = one(`${v}/nested`);
      // runtime.printpanics prints the chain oldest first, nested ones after a tab.
      assert.deepEqual(
        tb.panics.map((p) => [p.message, p.recovered, p.repanicked]),
        [
          ['first', false, false],
          ['second\nline two', false, false],
        ],
      );
      const g = tb.goroutines[0] as Goroutine;
      assert.equal(g.id, 1);
      assert.equal(g.state, 'running');
      assert.equal(frameAt(g, 'main.nested.func1').line, lineOf('panic(errors.New("second'));
      assert.equal(frameAt(g, 'main.nested').line, lineOf('panic("first")'));
      // Go 1.17 changed argument printing from raw words to `{...}` with `?` for unsure values (traceback.go
      // printArgs).
      const p = frameAt(g, 'panic');
      if (major(v) >= 17) assert.match(p.args, /^\{0x[0-9a-f]+\??, 0x[0-9a-f]+\??\}$/);
      else assert.match(p.args, /^0x[0-9a-f]+, 0x[0-9a-f]+$/);
      assert.match(p.pcOffset ?? '', /^\+0x[0-9a-f]+$/);
      assert.equal(tb.exitStatus, 2);
      assert.equal(tb.startLine, 1);
    });

    test(`recovered and re-panicked value (go${v})`, () => {
      const tb = one(`${v}/repanic`);
      // Go 1.23 prints a re-panic of the recovered value once, as `[recovered, repanicked]` (panic.go printpanics).
      const expected =
        major(v) >= 23
          ? [['again', true, true]]
          : [
              ['again', true, false],
              ['again', false, false],
            ];
      assert.deepEqual(
        tb.panics.map((p) => [p.message, p.recovered, p.repanicked]),
        expected,
      );
      assert.equal(frameAt(tb.goroutines[0] as Goroutine, 'main.repanic.func1').line, lineOf('panic(r)'));
    });

    test(`multi-line panic value with an empty line inside (go${v})`, () => {
      const tb = one(`${v}/multiline`);
      assert.deepEqual(
        tb.panics.map((p) => p.message),
        ['line1\nline2\n\nline4'],
      );
      const f = frameAt(tb.goroutines[0] as Goroutine, 'main.multiline');
      assert.equal(f.line, lineOf('panic(errors.New("line1'));
    });

    test(`panic interrupted by runtime.Goexit (go${v})`, () => {
      const tb = one(`${v}/goexit`);
      // printpanics prints nothing for the Goexit entry itself, so the text cannot show it: goexit stays false.
      assert.deepEqual(
        tb.panics.map((p) => [p.message, p.goexit]),
        [
          ['before goexit', false],
          ['after goexit', false],
        ],
      );
      const g = tb.goroutines[0] as Goroutine;
      assert.equal(frameAt(g, 'main.goexitp.func1').line, lineOf('panic("after goexit")'));
      assert.equal(frameAt(g, 'main.goexitp').line, lineOf('panic("before goexit")'));
      assert.ok(g.frames.some((f) => f.function === 'runtime.Goexit'));
    });

    test(`nil pointer dereference with [signal] line (go${v})`, () => {
      const tb = one(`${v}/nilderef`);
      assert.equal(tb.panics[0]?.message, 'runtime error: invalid memory address or nil pointer dereference');
      assert.equal(tb.signal?.name, 'SIGSEGV');
      assert.equal(tb.signal?.description, 'segmentation violation');
      assert.equal(tb.signal?.addr, '0x0');
      assert.equal(tb.signal?.code, '0x1');
      assert.match(tb.signal?.pc ?? '', /^0x[0-9a-f]+$/);
      assert.equal(frameAt(tb.goroutines[0] as Goroutine, 'main.nilderef').line, lineOf('p.x = 1'));
    });

    test(`unexpected fault address, fatal error: fault (go${v})`, () => {
      const tb = one(`${v}/fault`);
      assert.equal(tb.unexpectedFaultAddress, '0xdead0000');
      assert.equal(tb.fatalError, 'fault');
      assert.equal(tb.signal?.addr, '0xdead0000');
      assert.deepEqual(tb.panics, []);
      const f = frameAt(tb.goroutines[0] as Goroutine, 'main.fault');
      assert.equal(f.line, lineOf('fmt.Println(*p)'));
      // A runtime throw prints fp/sp/pc on the crashing goroutine's frames (traceback2: m.throwing >=
      // throwTypeRuntime).
      assert.match(f.pcOffset ?? '', /^\+0x[0-9a-f]+ fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+$/);
    });

    test(`deadlock: states, locked thread, created by (go${v})`, () => {
      const tb = one(`${v}/deadlock`);
      assert.equal(tb.fatalError, 'all goroutines are asleep - deadlock!');
      assert.equal(tb.goroutineCount, 6);
      assert.equal(tb.goroutines.length, 6);
      const byLine = (marker: string): Goroutine =>
        goroutine(tb, (g) => g.createdBy?.line === lineOf(marker) && g.createdBy.function === 'main.deadlock');
      assert.equal(byLine('<-ch }()     // L').state, 'chan receive');
      assert.equal(byLine('<-nilch }()').state, 'chan receive (nil chan)');
      assert.equal(byLine('select {} }()').state, 'select (no cases)');
      // sync.Mutex.Lock became a wait reason in Go 1.20 (runtime2.go waitReasonSyncMutexLock); before: semacquire.
      assert.equal(byLine('go func() { mu.Lock() }()').state, major(v) >= 20 ? 'sync.Mutex.Lock' : 'semacquire');
      const locked = byLine('go func() {               // L52');
      assert.equal(locked.state, 'chan send');
      assert.equal(locked.lockedToThread, true);
      assert.equal(locked.frames[0]?.line, lineOf('ch2 <- 1'));
      // `created by X in goroutine N` since Go 1.21 (traceback.go printcreatedby1).
      assert.equal(locked.createdBy?.parentGoroutine, major(v) >= 21 ? 1 : undefined);
      const main = goroutine(tb, (g) => g.id === 1);
      assert.equal(frameAt(main, 'main.deadlock').line, lineOf('wg.Wait()'));
      assert.equal(main.createdBy, undefined);
    });

    test(`debug.Stack then pprof debug=2 output with program output around them (go${v})`, () => {
      const tbs = parseTracebacks(sample(`${v}/stackdump`), 'x');
      assert.equal(tbs.length, 2, 'the repeated goroutine 1 starts a second dump');
      const [a, b] = tbs as [Traceback, Traceback];
      for (const tb of tbs) {
        assert.deepEqual(tb.panics, []);
        assert.equal(tb.fatalError, undefined);
        assert.equal(tb.goroutines[0]?.state, 'running');
      }
      assert.equal(
        frameAt(a.goroutines[0] as Goroutine, 'main.stackdump').line,
        lineOf('os.Stdout.Write(debug.Stack())'),
      );
      assert.equal(frameAt(b.goroutines[0] as Goroutine, 'main.stackdump').line, lineOf('pprof.Lookup("goroutine")'));
      const lines = sample(`${v}/stackdump`).split('\n');
      assert.equal(lines[a.startLine - 1], 'goroutine 1 [running]:');
      assert.equal(lines[a.endLine], 'between', 'the first dump ends before the program output');
      assert.equal(a.exitStatus, undefined);
      assert.equal(b.exitStatus, 0);
    });

    test(`go test timeout with running tests (go${v})`, () => {
      const tb = one(`${v}/testtimeout`);
      assert.equal(tb.panics[0]?.message, 'test timed out after 1s');
      // testing.go lists the running tests since Go 1.20 (`running tests:` then `\tName (duration)`).
      assert.deepEqual(tb.testTimeout, {
        after: '1s',
        runningTests: major(v) >= 20 ? [{ name: 'TestSlow', duration: '1s' }] : [],
      });
      const lines = sample(`${v}/testtimeout`).split('\n');
      assert.equal(lines[tb.startLine - 1], 'panic: test timed out after 1s');
      const slow = goroutine(tb, (g) => g.frames.some((f) => f.function.endsWith('.TestSlow')));
      assert.equal(slow.state, 'sleep');
      assert.equal(slow.frames.find((f) => f.function.endsWith('.TestSlow'))?.line, lineOf('time.Sleep', TEST_PROGRAM));
    });
  }
});

describe('goroutine details', () => {
  for (const v of ['1.16.15', '1.17.13', '1.21.13', '1.26.8']) {
    test(`tracebackancestors blocks (go${v})`, () => {
      const tb = one(`${v}/ancestors`);
      const g = tb.goroutines[0] as Goroutine;
      assert.equal(frameAt(g, 'main.child').line, lineOf('panic("in child")'));
      assert.equal(g.createdBy?.function, 'main.parent');
      assert.equal(g.createdBy?.line, lineOf('go child()'));
      assert.equal(g.ancestors?.length, 2);
      assert.deepEqual(
        g.ancestors?.map((a) => a.frames.map((f) => [f.function, f.inlined])),
        [
          [['main.parent', true]],
          [
            ['main.ancestors', true],
            ['main.main', true],
          ],
        ],
      );
      assert.equal(g.ancestors?.[1]?.goroutine, 1);
      assert.equal(g.ancestors?.[0]?.goroutine, g.createdBy?.parentGoroutine ?? g.ancestors?.[0]?.goroutine);
    });
  }

  test('deep recursion: 50 inner + 50 outer frames and `...52 frames elided...` (go1.26.8)', () => {
    // deep(150) makes 151 deep frames plus main.main = 152 (runtime frames hidden); Go >= 1.21 prints the first
    // tracebackInnerFrames=50 and last tracebackOuterFrames=50 and counts the rest.
    const g = one('1.26.8/deep').goroutines[0] as Goroutine;
    assert.equal(g.frames.length, 100);
    assert.equal(g.elidedFrames, 152 - 100);
    assert.equal(g.frames[0]?.line, lineOf('panic("deep")'));
    assert.equal(g.frames[99]?.function, 'main.main');
  });

  for (const v of ['1.9.7', '1.17.13']) {
    test(`deep recursion is cut short, without an elision marker (go${v})`, () => {
      // Before Go 1.21 at most _TracebackMaxFrames (100) frames are printed from the top, main.main is lost.
      const text = sample(`${v}/deep`);
      const g = one(`${v}/deep`).goroutines[0] as Goroutine;
      assert.ok(g.frames.length <= 100);
      assert.equal(g.frames.length, text.split('\n').filter((l) => l.startsWith('main.deep(')).length);
      assert.ok(g.frames.every((f) => f.function === 'main.deep'));
      assert.equal(g.elidedFrames, 0);
    });
  }

  for (const v of ['1.9.7', '1.17.13', '1.21.13']) {
    test(`stack overflow: runtime messages, runtime stack, elided frames (go${v})`, () => {
      const tb = one(`${v}/overflow`);
      assert.equal(tb.fatalError, 'stack overflow');
      assert.equal(tb.runtimeMessages[0], 'runtime: goroutine stack exceeds 1000000000-byte limit');
      assert.deepEqual(
        tb.runtimeStack.slice(0, 2).map((f) => f.function),
        ['runtime.throw', 'runtime.newstack'],
      );
      const g = tb.goroutines[0] as Goroutine;
      assert.ok(g.frames.length >= 50);
      assert.ok(
        g.frames
          .slice(1, 50)
          .every((f) => f.function === 'main.recurse' && f.line === lineOf('return recurse(n+1) + 1')),
      );
      if (major(v) >= 21) assert.ok(g.elidedFrames > 1000);
      else assert.equal(g.elidedFrames, -1);
      assert.equal(tb.startLine, 1);
    });
  }

  for (const v of ['1.9.7', '1.26.8']) {
    test(`SIGQUIT with GOTRACEBACK=crash: registers, ----- and every M (go${v})`, () => {
      const text = sample(`${v}/sigquit_crash`);
      const tb = one(`${v}/sigquit_crash`);
      assert.equal(tb.signal?.name, 'SIGQUIT');
      assert.equal(tb.signal?.description, 'quit');
      assert.equal(tb.signal?.code, '0');
      assert.equal(tb.hasRegisters, true);
      const separators = text.split('\n').filter((l) => l === '-----').length;
      assert.equal(tb.goroutines.filter((g) => g.id === 0 && g.state === 'idle').length, separators);
      const main = goroutine(tb, (g) => g.id === 1);
      assert.equal(frameAt(main, 'main.sigquit').line, lineOf('syscall.Kill('));
      const waiting = tb.goroutines.filter((g) => g.createdBy?.line === lineOf('go func() { <-ch }() // L76'));
      assert.equal(waiting.length, 3);
      assert.ok(waiting.every((g) => g.state === 'chan receive'));
      // Go >= 1.23 adds gp=/m= to headers when level >= 2 (goroutineheader).
      if (v === '1.26.8')
        assert.ok(waiting.every((g) => g.flags.includes('m=nil') && g.flags.some((f) => f.startsWith('gp=0x'))));
      assert.equal(tb.exitStatus, 134);
    });
  }

  test('SIGQUIT with default GOTRACEBACK (go1.16.15)', () => {
    const tb = one('1.16.15/sigquit');
    assert.equal(tb.signal?.name, 'SIGQUIT');
    assert.equal(tb.hasRegisters, true);
    assert.equal(tb.goroutines.filter((g) => g.createdBy?.line === lineOf('go func() { <-ch }() // L76')).length, 3);
  });

  test('pprof labels in the goroutine header (go1.26.8, GODEBUG=tracebacklabels=1)', () => {
    const tb = one('1.26.8/labelled_all');
    const g = goroutine(tb, (x) => x.createdBy?.line === lineOf('go func() { <-ch }() // L114'));
    assert.equal(g.state, 'chan receive');
    assert.deepEqual(g.labels, { k: 'v', 'a b': 'c"d' });
    assert.equal(tb.goroutines[0]?.labels, undefined);
  });

  test('GOTRACEBACK=system frames carry fp/sp/pc (go1.17.13)', () => {
    const tb = one('1.17.13/nilderef_system');
    const g = tb.goroutines[0] as Goroutine;
    const f = frameAt(g, 'main.main');
    assert.match(f.pcOffset ?? '', / fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+$/);
    assert.ok(tb.goroutines.some((x) => x.state === 'force gc (idle)'));
  });

  test('concurrent map writes (go1.21.13)', () => {
    const tb = one('1.21.13/mapwrites');
    assert.equal(tb.fatalError, 'concurrent map writes');
    assert.ok(
      tb.goroutines.some((g) =>
        g.frames.some((f) => f.function === 'main.mapwrites.func1' && f.line === lineOf('m[j%100] = j')),
      ),
    );
  });
});

describe('more real output (go1.26.8)', () => {
  test('generic function and method frames', () => {
    const g = one('1.26.8/generic').goroutines[0] as Goroutine;
    assert.deepEqual(
      g.frames.map((f) => [f.function, f.line]),
      [
        ['main.(*Box[...]).Get', lineOf('panic("generic")', PROGRAM2)],
        ['main.F[...]', lineOf('b.Get()', PROGRAM2)],
        ['main.main', lineOf('F(1)', PROGRAM2)],
      ],
    );
  });

  test('<autogenerated> wrapper frame', () => {
    const tb = one('1.26.8/nilwrap');
    assert.equal(tb.panics[0]?.message, 'value method main.V.Value called using nil *V pointer');
    const g = tb.goroutines[0] as Goroutine;
    assert.equal(g.frames[0]?.function, 'main.(*V).Value');
    assert.equal(g.frames[0]?.file, '<autogenerated>');
    assert.equal(g.frames[0]?.line, 1);
    assert.equal(g.frames[1]?.line, lineOf('i.Value()', PROGRAM2));
  });

  test('thread exhaustion: runtime message, runtime stack, then goroutines', () => {
    const tb = one('1.26.8/threads');
    assert.equal(tb.fatalError, 'thread exhaustion');
    assert.deepEqual(tb.runtimeMessages, ['runtime: program exceeds 5-thread limit']);
    assert.equal(tb.runtimeStack[0]?.function, 'runtime.throw');
    assert.ok(
      tb.goroutines.filter((g) => g.frames.some((f) => f.line === lineOf('syscall.Nanosleep', PROGRAM2))).length >= 1,
    );
    assert.equal(tb.startLine, 1);
  });

  test('out of memory', () => {
    const tb = one('1.26.8/oom');
    assert.equal(tb.fatalError, 'out of memory');
    assert.match(
      tb.runtimeMessages[0] ?? '',
      /^runtime: out of memory: cannot allocate 67108864-byte block \(\d+ in use\)$/,
    );
    const g = tb.goroutines[0] as Goroutine;
    assert.ok(g.frames.some((f) => f.function === 'main.oom' && f.line === lineOf('make([]byte, 64<<20)', PROGRAM2)));
  });

  test('synctest bubble deadlock: (durable) and synctest bubble in headers', () => {
    const tb = one('1.26.8/synctest');
    assert.deepEqual(
      tb.panics.map((p) => [p.message, p.recovered, p.repanicked]),
      [['deadlock: all goroutines in bubble are blocked', true, true]],
    );
    const g = goroutine(tb, (x) => x.frames.some((f) => f.line === lineOf('<-ch // L13', SYNCTEST_PROGRAM)));
    // goroutineheader prints ` (durable)` and `, synctest bubble N` after the wait reason.
    assert.equal(g.state, 'chan receive');
    assert.deepEqual(g.flags, ['durable', 'synctest bubble 1']);
    assert.equal(tb.goroutineCount, 3);
  });
});

describe('streams and options', () => {
  test('all samples of every version in one input: each traceback found where it was', () => {
    const keys = Object.keys(SAMPLES);
    const parts: string[] = [];
    const expected: { start: number; key: string }[] = [];
    let line = 1;
    for (const key of keys) {
      const text = sample(key);
      for (const tb of parseTracebacks(text, key)) expected.push({ start: line + tb.startLine - 1, key });
      parts.push(text);
      line += text.split('\n').length;
    }
    const all = parseTracebacks(parts.join('\n'), 'all');
    assert.deepEqual(
      all.map((tb) => tb.startLine),
      expected.map((e) => e.start),
    );
  });

  test('retainGoroutines keeps the first goroutines but reports all of them', () => {
    const text = sample('1.26.8/sigquit_crash');
    const seen: number[] = [];
    const done: Traceback[] = [];
    const p = new TracebackParser(
      {
        goroutine: (g, tb) => {
          assert.equal(tb.signal?.name, 'SIGQUIT', 'header fields are set before goroutines are reported');
          seen.push(g.id);
        },
        traceback: (tb) => done.push(tb),
      },
      { retainGoroutines: 2 },
    );
    const ctx = { source: 'dump.txt' };
    text.split('\n').forEach((l, i) => p.line(l, i + 1, ctx));
    p.end(ctx);
    const full = one('1.26.8/sigquit_crash');
    assert.equal(done.length, 1);
    assert.deepEqual(
      seen,
      full.goroutines.map((g) => g.id),
    );
    assert.deepEqual(
      done[0]?.goroutines.map((g) => g.id),
      seen.slice(0, 2),
    );
    assert.equal(done[0]?.goroutineCount, full.goroutines.length);
    assert.equal(done[0]?.source, 'dump.txt');
  });

  test('retainGoroutines: 0 still keeps the first goroutine', () => {
    const tb = parseTracebacks(sample('1.21.13/deadlock'), '-', { retainGoroutines: 0 })[0];
    assert.equal(tb?.goroutines.length, 1);
    assert.equal(tb?.goroutineCount, 6);
  });

  test('CRLF line ends and trailing spaces change nothing', () => {
    const text = sample('1.21.13/deadlock');
    const a = parseTracebacks(text);
    const b = parseTracebacks(
      text
        .split('\n')
        .map((l) => `${l}  \r`)
        .join('\n'),
    );
    assert.deepEqual(b, a);
  });
});
