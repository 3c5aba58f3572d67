// classify on texts that no program here could trigger on demand. Each message is quoted from the Go source
// named next to it ($(go env GOROOT)/src of go1.26.8 unless said otherwise); the Traceback shapes are those
// the parser produces for the real runs in analyse-real.test.ts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, fatalPanic } from '../src/analyse/classify.js';
import { findCulprit } from '../src/analyse/culprit.js';
import type { Goroutine, PanicValue, Traceback } from '../src/model.js';

function traceback(fields: Partial<Traceback>): Traceback {
  return {
    source: 'test',
    startLine: 1,
    endLine: 1,
    panics: [],
    runtimeMessages: [],
    runtimeStack: [],
    goroutines: [],
    hasRegisters: false,
    skipped: [],
    truncated: false,
    ...fields,
    goroutineCount: fields.goroutines?.length ?? 0,
  };
}

const panicValue = (message: string, extra: Partial<PanicValue> = {}): PanicValue => ({
  message,
  recovered: false,
  repanicked: false,
  goexit: false,
  ...extra,
});

function goroutine(
  id: number,
  state: string,
  frames: [string, string, number][],
  extra: Partial<Goroutine> = {},
): Goroutine {
  return {
    id,
    state,
    waitMinutes: 0,
    lockedToThread: false,
    flags: [],
    frames: frames.map(([fn, file, line]) => ({ function: fn, file, line, args: '', inlined: false })),
    elidedFrames: 0,
    stackUnavailable: false,
    truncated: false,
    inputLine: 1,
    ...extra,
  };
}

describe('classify: texts from the Go source', () => {
  const cases: [Partial<Traceback>, string][] = [
    // internal/runtime/maps/runtime_fast64.go (swiss maps, Go >= 1.24)
    [{ fatalError: 'small map with no empty slot (concurrent map writes?)' }, 'concurrent_map_writes'],
    // sync/waitgroup.go
    [
      { panics: [panicValue('sync: WaitGroup misuse: Add called concurrently with Wait')] },
      'waitgroup_add_during_wait',
    ],
    // runtime/proc.go checkmcount / newosproc, runtime/cgo/gcc_libinit.c
    [
      { fatalError: 'thread exhaustion', runtimeMessages: ['runtime: program exceeds 10000-thread limit'] },
      'thread_exhaustion',
    ],
    [
      {
        fatalError: 'newosproc',
        runtimeMessages: ['runtime: failed to create new OS thread (have 9 already; errno=11)'],
      },
      'thread_exhaustion',
    ],
    [
      {
        signal: { name: 'SIGABRT', description: 'abort' },
        runtimeMessages: ['runtime/cgo: pthread_create failed: Resource temporarily unavailable'],
      },
      'thread_exhaustion',
    ],
    // runtime/signal_unix.go: a signal in non-Go code or the runtime
    [
      {
        fatalError: 'unexpected signal during runtime execution',
        signal: { name: 'SIGSEGV', description: 'segmentation violation' },
      },
      'unexpected_signal',
    ],
    // A signal with no fatal error and no panic (GOTRACEBACK=crash after an external SIGBUS)
    [{ signal: { name: 'SIGBUS', description: 'bus error' } }, 'unexpected_signal'],
    // kill -QUIT and bare goroutine dumps (debug.Stack, pprof ?debug=2)
    [{ signal: { name: 'SIGQUIT', description: 'quit' }, goroutines: [goroutine(1, 'select', [])] }, 'goroutine_dump'],
    [{ goroutines: [goroutine(1, 'running', [])] }, 'goroutine_dump'],
    // runtime/time.go, chan.go (Go >= 1.25): a bubble's timer or channel used from outside it
    [{ fatalError: 'synctest timer accessed from outside bubble' }, 'synctest_outside_bubble'],
    [{ fatalError: 'select on synctest channel from outside bubble' }, 'synctest_outside_bubble'],
    // An unmatched runtime throw keeps its text
    [{ fatalError: 'schedule: holding locks' }, 'user_panic'],
    // testing/testing.go, Go < 1.20 (no running tests list): the panic value carries it
    [{ panics: [panicValue('test timed out after 10m0s')] }, 'test_timeout'],
  ];
  for (const [fields, kind] of cases) {
    it(`${fields.fatalError ?? fields.panics?.[0]?.message ?? fields.signal?.name ?? 'bare dump'} -> ${kind}`, () => {
      assert.equal(classify(traceback(fields)).kind, kind);
    });
  }
});

describe('the panic that killed the program', () => {
  it('is the newest entry of the chain (Go prints oldest first)', () => {
    // `panic: first [recovered]` / `panic: second: first`, as go1.9.7-go1.26.8 printed for PROGRAM's repanic case.
    const chain = [panicValue('first', { recovered: true }), panicValue('second: first')];
    assert.equal(fatalPanic(chain)?.message, 'second: first');
  });
  it('a runtime error raised while a user panic unwinds decides the kind', () => {
    const chain = [panicValue('boom'), panicValue('runtime error: invalid memory address or nil pointer dereference')];
    assert.equal(classify(traceback({ panics: chain })).kind, 'nil_pointer_deref');
  });
  it('a panic ended by runtime.Goexit is passed over', () => {
    const chain = [panicValue('send on closed channel'), panicValue('ignored', { goexit: true })];
    assert.equal(classify(traceback({ panics: chain })).kind, 'send_on_closed_channel');
  });
});

describe('findCulprit details', () => {
  it('with GOTRACEBACK=all, a [running] goroutine without a stack is not the crashing one', () => {
    const tb = traceback({
      panics: [panicValue('boom')],
      goroutines: [
        goroutine(7, 'running', [], { stackUnavailable: true }),
        goroutine(9, 'running', [['main.work', '/src/app/main.go', 12]]),
      ],
    });
    assert.deepEqual(findCulprit(tb, 'user_panic').goroutine, 9);
  });
  it('falls back to the `created by` line, and says so, when no frame is user code', () => {
    const g = goroutine(5, 'running', [['runtime.throw', '/usr/local/go/src/runtime/panic.go', 1]], {
      createdBy: { function: 'main.main', file: '/src/app/main.go', line: 40, parentGoroutine: 1 },
    });
    const r = findCulprit(traceback({ fatalError: 'concurrent map writes', goroutines: [g] }), 'concurrent_map_writes');
    assert.equal(r.culprit?.line, 40);
    assert.equal(r.fromCreatedBy, true);
  });
  it('a panic inside a deferred call during an unrecovered panic blames the deferred call', () => {
    const g = goroutine(1, 'running', [
      ['main.cleanup', '/src/app/main.go', 20],
      ['panic', '/usr/local/go/src/runtime/panic.go', 1],
      ['main.main', '/src/app/main.go', 30],
    ]);
    const chain = [panicValue('boom'), panicValue('runtime error: invalid memory address or nil pointer dereference')];
    assert.equal(findCulprit(traceback({ panics: chain, goroutines: [g] }), 'nil_pointer_deref').culprit?.line, 20);
  });
  it('a nil dereference inside a recovering deferred call blames the deferred call, not the first panic', () => {
    const g = goroutine(1, 'running', [
      ['main.cleanup.func1', '/src/app/main.go', 21],
      ['panic', '/usr/local/go/src/runtime/panic.go', 1],
      ['main.cleanup', '/src/app/main.go', 30],
    ]);
    const chain = [
      panicValue('boom', { recovered: true }),
      panicValue('runtime error: invalid memory address or nil pointer dereference'),
    ];
    assert.equal(findCulprit(traceback({ panics: chain, goroutines: [g] }), 'nil_pointer_deref').culprit?.line, 21);
  });
  it('a recovered panic wrapped and raised again blames where the first one was raised', () => {
    const g = goroutine(1, 'running', [
      ['main.main.func1', '/src/app/main.go', 12],
      ['panic', '/usr/local/go/src/runtime/panic.go', 1],
      ['main.main', '/src/app/main.go', 15],
    ]);
    const chain = [panicValue('first', { recovered: true }), panicValue('handler failed: first')];
    assert.equal(findCulprit(traceback({ panics: chain, goroutines: [g] }), 'user_panic').culprit?.line, 15);
  });
});
