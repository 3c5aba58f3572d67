// Cases that could not be recorded here (other OSes, races in the runtime, damaged logs). Each input is
// CONSTRUCTED by hand from the print statements of the named runtime source (Go 1.26 unless stated), or made
// by editing a real sample from parser-samples-support.ts in the way a log pipeline damages text.

import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { Goroutine, Traceback } from '../src/model.js';
import { parseTracebacks } from '../src/parse/traceback.js';
import { lineOf, sample } from './parser-samples-support.js';

function only(text: string): Traceback {
  const tbs = parseTracebacks(text, 't');
  assert.equal(tbs.length, 1);
  return tbs[0] as Traceback;
}

function first(tb: Traceback): Goroutine {
  const g = tb.goroutines[0];
  assert.ok(g !== undefined);
  return g;
}

/** The goroutines and frames, without input line numbers (which editing a sample shifts). */
function shape(tbs: Traceback[]): unknown {
  return tbs.map((tb) => ({
    panics: tb.panics,
    fatalError: tb.fatalError,
    goroutines: tb.goroutines.map((g) => ({ ...g, inputLine: 0 })),
    goroutineCount: tb.goroutineCount,
    skipped: tb.skipped.length,
  }));
}

describe('frames (constructed from runtime/traceback.go traceback2, printcreatedby1)', () => {
  test('Windows paths keep the drive letter colon', () => {
    const tb = only(
      [
        'panic: boom',
        '',
        'goroutine 1 [running]:',
        'main.main()',
        '\tC:/Users/x/go/src/app/main.go:12 +0x1d',
        'created by app.start in goroutine 7',
        '\tC:/Users/x/go/src/app/start.go:3 +0x2e',
      ].join('\n'),
    );
    const g = first(tb);
    assert.deepEqual(g.frames[0], {
      function: 'main.main',
      file: 'C:/Users/x/go/src/app/main.go',
      line: 12,
      args: '',
      inlined: false,
      pcOffset: '+0x1d',
    });
    assert.deepEqual(g.createdBy, {
      function: 'app.start',
      file: 'C:/Users/x/go/src/app/start.go',
      line: 3,
      parentGoroutine: 7,
    });
  });

  test('function names with dots, slashes, %2e escapes, generics; args forms; paths with spaces', () => {
    const tb = only(
      [
        'goroutine 3 [select]:',
        'example.com/a%2eb/pkg.(*T[...]).Run.func1({0x4b0d20, 0xc0000a0000}, ...)',
        '\t/home/me/my project/pkg/t.go:40 +0x1d',
        'example.com/pkg.F[...](_, 0x1?)',
        '\t/home/me/my project/pkg/f.go:7',
        'main.main()',
        '\t/x/main.go:9 +0x1d fp=0xc000 sp=0xc001 pc=0x4010',
      ].join('\n'),
    );
    const g = first(tb);
    assert.deepEqual(
      g.frames.map((f) => [f.function, f.args, f.file, f.line, f.pcOffset]),
      [
        [
          'example.com/a%2eb/pkg.(*T[...]).Run.func1',
          '{0x4b0d20, 0xc0000a0000}, ...',
          '/home/me/my project/pkg/t.go',
          40,
          '+0x1d',
        ],
        ['example.com/pkg.F[...]', '_, 0x1?', '/home/me/my project/pkg/f.go', 7, undefined],
        ['main.main', '', '/x/main.go', 9, '+0x1d fp=0xc000 sp=0xc001 pc=0x4010'],
      ],
    );
  });

  test('cgo frames: `non-Go function at pc=` and symbolised `name` + `\\tfile:N pc=`', () => {
    // traceback2 prints `non-Go function at pc=0x..` without a symbolizer; printOneCgoTraceback prints the
    // symbol name alone, then `\t[file:line ]pc=0x..`.
    const tb = only(
      [
        'goroutine 1 [syscall]:',
        'non-Go function at pc=0x7f0012',
        '??',
        '\tpc=0x7f0013',
        'myfunc',
        '\t/src/lib.c:12 pc=0x7f0014',
        'runtime.cgocall(0x4a1b20, 0xc000052f50)',
        '\t/usr/local/go/src/runtime/cgocall.go:167 +0x4b',
      ].join('\n'),
    );
    assert.deepEqual(
      first(tb).frames.map((f) => [f.function, f.file, f.line, f.pcOffset]),
      [
        ['non-Go function', '', 0, 'pc=0x7f0012'],
        ['??', '', 0, 'pc=0x7f0013'],
        ['myfunc', '/src/lib.c', 12, 'pc=0x7f0014'],
        ['runtime.cgocall', '/usr/local/go/src/runtime/cgocall.go', 167, '+0x4b'],
      ],
    );
    assert.deepEqual(tb.skipped, []);
  });

  test('goroutine running on other thread, then created by', () => {
    // tracebacksomeothers prints this for a running goroutine on another M, then printcreatedby.
    const tb = only(
      [
        'fatal error: concurrent map writes',
        '',
        'goroutine 5 [running]:',
        '\tgoroutine running on other thread; stack unavailable',
        'created by main.main in goroutine 1',
        '\t/x/main.go:20 +0x3c',
      ].join('\n'),
    );
    const g = first(tb);
    assert.equal(g.stackUnavailable, true);
    assert.equal(g.frames.length, 0);
    assert.equal(g.createdBy?.line, 20);
    assert.deepEqual(tb.skipped, []);
  });

  test('ancestor with `...additional frames elided...` (printAncestorTraceback)', () => {
    const tb = only(
      [
        'goroutine 9 [chan send]:',
        'main.w()',
        '\t/x/main.go:5 +0x1',
        '[originating from goroutine 4]:',
        'main.spawn(...)',
        '\t/x/main.go:9 +0x2',
        '...additional frames elided...',
        'created by main.main',
        '\t/x/main.go:30 +0x3',
      ].join('\n'),
    );
    const g = first(tb);
    assert.equal(g.elidedFrames, 0, 'the elision belongs to the ancestor');
    assert.deepEqual(g.ancestors, [
      {
        goroutine: 4,
        frames: [{ function: 'main.spawn', file: '/x/main.go', line: 9, args: '...', inlined: true, pcOffset: '+0x2' }],
      },
    ]);
  });
});

describe('goroutine headers (constructed from runtime/traceback.go goroutineheader)', () => {
  const cases: [string, Partial<Goroutine>][] = [
    [
      'goroutine 7 [chan receive, 12 minutes]:',
      { id: 7, state: 'chan receive', waitMinutes: 12, lockedToThread: false, flags: [] },
    ],
    [
      'goroutine 8 [IO wait, 3 minutes, locked to thread]:',
      { state: 'IO wait', waitMinutes: 3, lockedToThread: true, flags: [] },
    ],
    ['goroutine 9 [sync.Mutex.Lock (leaked)]:', { state: 'sync.Mutex.Lock', flags: ['leaked'] }],
    ['goroutine 10 [running (scan)]:', { state: 'running', flags: ['scan'] }],
    [
      'goroutine 11 gp=0xc000007c00 m=nil [GC worker (idle)]:',
      { state: 'GC worker (idle)', flags: ['gp=0xc000007c00', 'm=nil'] },
    ],
    [
      'goroutine 12 gp=0xc0001 m=3 mp=0xc0002 [syscall, 2 minutes]:',
      { state: 'syscall', waitMinutes: 2, flags: ['gp=0xc0001', 'm=3', 'mp=0xc0002'] },
    ],
    ['goroutine 13 [sleep (durable), synctest bubble 4]:', { state: 'sleep', flags: ['durable', 'synctest bubble 4'] }],
    ['goroutine 14 [chan send (synctest)]:', { state: 'chan send (synctest)', flags: [] }],
    ['goroutine 15 [select (no cases), 61 minutes]:', { state: 'select (no cases)', waitMinutes: 61 }],
    // printquoted escapes \n, \t, \\, " and non-ASCII as \x / \u.
    [
      'goroutine 16 [semacquire labels:{"a\\nb": "c\\\\d", "e": "\\u00e9]"}]:',
      { state: 'semacquire', labels: { 'a\nb': 'c\\d', e: 'é]' } },
    ],
  ];
  for (const [header, want] of cases) {
    test(header, () => {
      const g = first(only(`${header}\nmain.f()\n\t/x/f.go:1 +0x1`));
      for (const [k, v] of Object.entries(want)) assert.deepEqual(g[k as keyof Goroutine], v, k);
    });
  }
});

describe('crash headers (constructed)', () => {
  test('fatal signal in cgo code: SIGSEGV header, PC= line with addr (signal_unix.go fatalsignal)', () => {
    const tb = only(
      [
        'SIGSEGV: segmentation violation',
        'PC=0x7f33a1 m=0 sigcode=1 addr=0x0',
        'signal arrived during cgo execution',
        '',
        'goroutine 1 gp=0xc000002380 m=0 mp=0x5a1f40 [syscall]:',
        'runtime.cgocall(0x4a1b20, 0xc000052f50)',
        '\t/usr/local/go/src/runtime/cgocall.go:167 +0x4b fp=0xc000052f28 sp=0xc000052ef0 pc=0x40572b',
        '',
        'rax    0x0',
        'rip    0x7f33a1',
        'eflags 0x10246',
        'cs     0x33',
        'fs     0x0',
        'gs     0x0',
      ].join('\n'),
    );
    assert.deepEqual(tb.signal, {
      name: 'SIGSEGV',
      description: 'segmentation violation',
      pc: '0x7f33a1',
      code: '1',
      addr: '0x0',
    });
    assert.deepEqual(tb.runtimeMessages, ['signal arrived during cgo execution']);
    assert.equal(tb.hasRegisters, true);
    assert.equal(tb.endLine, 14);
  });

  test('[signal] with an unnamed signal number (panic.go dopanic_m prints hex(gp.sig))', () => {
    const tb = only(
      [
        'panic: runtime error: x',
        '[signal 0x1f code=0x0 addr=0x0 pc=0x0]',
        '',
        'goroutine 1 [running]:',
        'main.main()',
        '\t/x.go:1 +0x1',
      ].join('\n'),
    );
    assert.deepEqual(tb.signal, { name: '0x1f', code: '0x0', addr: '0x0', pc: '0x0' });
  });

  test('Go <= 1.17 recovered chain with a multi-line first value', () => {
    const tb = only(
      [
        'panic: bad thing',
        'second line [recovered]',
        '\tpanic: again',
        '',
        'goroutine 1 [running]:',
        'main.main()',
        '\t/x.go:1 +0x1',
      ].join('\n'),
    );
    assert.deepEqual(
      tb.panics.map((p) => [p.message, p.recovered]),
      [
        ['bad thing\nsecond line', true],
        ['again', false],
      ],
    );
  });

  test('runtime: lines go with the crash they precede, even after another traceback', () => {
    const text = [
      'panic: one',
      '',
      'goroutine 1 [running]:',
      'main.a()',
      '\t/x.go:1 +0x1',
      'runtime: program exceeds 10000-thread limit',
      'fatal error: thread exhaustion',
      '',
      'goroutine 2 [running]:',
      'main.b()',
      '\t/x.go:2 +0x1',
    ].join('\n');
    const tbs = parseTracebacks(text);
    assert.equal(tbs.length, 2);
    assert.deepEqual(tbs[0]?.runtimeMessages, []);
    assert.equal(tbs[0]?.endLine, 5);
    assert.deepEqual(tbs[1]?.runtimeMessages, ['runtime: program exceeds 10000-thread limit']);
    assert.equal(tbs[1]?.startLine, 6);
  });

  test('the same fatal error printed twice by racing goroutines is one crash (panic.go fatalthrow per M)', () => {
    const tb = only(
      [
        'fatal error: concurrent map writes',
        'fatal error: concurrent map writes',
        '',
        'goroutine 5 [running]:',
        'main.w()',
        '\t/x.go:1 +0x1',
      ].join('\n'),
    );
    assert.equal(tb.fatalError, 'concurrent map writes');
    assert.equal(tb.goroutineCount, 1);
  });

  test('a logged `panic:` line with no goroutine after it does not swallow the log', () => {
    const log = Array.from({ length: 400 }, (_, i) => `level=info msg="request ${i}"`);
    const text = [
      'panic: looks like a crash',
      ...log,
      'panic: real',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/x.go:1 +0x1',
    ].join('\n');
    const tbs = parseTracebacks(text);
    assert.deepEqual(
      tbs.map((t) => [t.panics[0]?.message, t.truncated, t.goroutineCount]),
      [
        ['looks like a crash', true, 0],
        ['real', false, 1],
      ],
    );
    assert.equal(tbs[1]?.startLine, 402);
  });

  test('several crashes with no exit status between them', () => {
    const text = [
      'panic: a',
      '',
      'goroutine 1 [running]:',
      'main.a()',
      '\t/x.go:1 +0x1',
      'panic: b',
      '',
      'goroutine 1 [running]:',
      'main.b()',
      '\t/x.go:2 +0x1',
    ].join('\n');
    const tbs = parseTracebacks(text);
    assert.deepEqual(
      tbs.map((t) => [t.panics[0]?.message, t.startLine, t.endLine]),
      [
        ['a', 1, 5],
        ['b', 6, 10],
      ],
    );
  });
});

describe('damaged and interleaved input (real samples, edited)', () => {
  const deadlock = sample('1.21.13/deadlock');

  test('tabs turned into spaces give the same goroutines and frames', () => {
    for (const width of [1, 4, 8]) {
      const spaced = deadlock.replaceAll('\t', ' '.repeat(width));
      assert.deepEqual(shape(parseTracebacks(spaced)), shape(parseTracebacks(deadlock)));
    }
  });

  test('indentation lost entirely still pairs file lines with functions', () => {
    const flat = deadlock
      .split('\n')
      .map((l) => l.trimStart())
      .join('\n');
    assert.deepEqual(shape(parseTracebacks(flat)), shape(parseTracebacks(deadlock)));
  });

  test('test output and JSON log lines between goroutines and between frames do not split the dump', () => {
    const lines = deadlock.split('\n');
    const noisy: string[] = [];
    for (const l of lines) {
      noisy.push(l);
      if (l === '') noisy.push('=== RUN   TestOther', '{"level":"info","msg":"tick(1)"}');
      if (l.startsWith('main.deadlock.func1(')) noisy.push('--- FAIL: TestX (0.00s)');
    }
    const tbs = parseTracebacks(noisy.join('\n'));
    assert.deepEqual(shape(tbs), shape(parseTracebacks(deadlock)));
  });

  test('unrelated text after a goroutine ends the traceback before it', () => {
    const dump = sample('1.21.13/stackdump').split('\n').slice(1, 8); // one debug.Stack() dump, no exit status
    const log = Array.from(
      { length: 20 },
      (_, i) => `2026/01/01 10:00:${String(i).padStart(2, '0')} request served in 3ms`,
    );
    const tbs = parseTracebacks([...dump, ...log, 'main.later()', '\t/x.go:5 +0x1'].join('\n'));
    assert.equal(tbs.length, 1);
    assert.equal(tbs[0]?.endLine, 7);
    assert.deepEqual(tbs[0]?.skipped, []);
    assert.equal(tbs[0]?.goroutines[0]?.frames.at(-1)?.function, 'main.main');
  });

  test('exit status ends the traceback', () => {
    const tbs = parseTracebacks(`${sample('1.21.13/nilderef')}\nmain.stray()\n\t/x.go:1 +0x1`);
    assert.equal(tbs.length, 1);
    assert.equal(tbs[0]?.exitStatus, 2);
  });

  test('a truncated last goroutine is kept and marked', () => {
    const lines = deadlock.split('\n');
    const cut = lines.findIndex((l) => l.startsWith('main.deadlock.func5('));
    const tb = only(lines.slice(0, cut + 1).join('\n'));
    const last = tb.goroutines.at(-1);
    assert.equal(last?.truncated, true);
    assert.equal(last?.lockedToThread, true);
    assert.equal(tb.truncated, true);
    assert.equal(tb.goroutines.filter((g) => g.truncated).length, 1);
  });

  test('a crash header with nothing after it is a truncated traceback', () => {
    const tb = only('fatal error: all goroutines are asleep - deadlock!');
    assert.equal(tb.truncated, true);
    assert.equal(tb.goroutineCount, 0);
  });

  test('header then garbage, function without file line, file line without function: skipped and reported', () => {
    const text = [
      'goroutine 1 [running]:',
      '%%% garbage %%%',
      '',
      'goroutine 2 [chan receive]:',
      'main.lost()',
      'main.found()',
      '\t/x/main.go:3 +0x1',
      '\t/x/main.go:4 +0x1',
      'created by main.main',
      '',
      'exit status 2',
    ].join('\n');
    const tb = only(text);
    assert.deepEqual(
      tb.goroutines.map((g) => [g.id, g.frames.map((f) => f.function)]),
      [
        [1, []],
        [2, ['main.found']],
      ],
    );
    assert.deepEqual(
      tb.skipped.map((s) => s.inputLine),
      [1, 5, 8, 9],
    );
  });

  test('the first real frame line is found by lineOf from the program', () => {
    // Guards the sample/program pairing the other tests rely on.
    const g = only(deadlock).goroutines.find((x) => x.id === 1);
    assert.equal(g?.frames.find((f) => f.function === 'main.deadlock')?.line, lineOf('wg.Wait()'));
  });
});
