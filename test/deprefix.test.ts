import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { createDeprefixer } from '../src/input/deprefix.js';
import type { LineContext } from '../src/input/lines.js';

// Real output of a Go 1.26.8 program (a nil map write in main while two goroutines wait on a channel), run as
// `go build -o crash . && GOTRACEBACK=all ./crash 2>out.txt`. The first line came from log.Printf("starting").
const CRASH_STDERR = [
  '2026/11/22 00:10:54 starting',
  'panic: assignment to entry in nil map',
  '',
  'goroutine 1 [running]:',
  'main.main()',
  '\t/tmp/inp-go/crash/main.go:21 +0x115',
  '',
  'goroutine 7 [chan receive]:',
  'main.(*T).M(...)',
  '\t/tmp/inp-go/crash/main.go:11',
  'created by main.main in goroutine 1',
  '\t/tmp/inp-go/crash/main.go:18 +0x8f',
  '',
  'goroutine 8 [chan receive]:',
  'main.(*T).M(...)',
  '\t/tmp/inp-go/crash/main.go:11',
  'created by main.main in goroutine 1',
  '\t/tmp/inp-go/crash/main.go:18 +0x8f',
];
/** What the Go runtime printed: everything after the log.Printf line. */
const TRACEBACK = CRASH_STDERR.slice(1);

// Real `go test -json` events (Go 1.26.8) from a package whose TestB writes to a nil map.
const GO_TEST_JSON = [
  '{"Time":"2026-11-22T00:09:19.628539986Z","Action":"start","Package":"example.com/tst"}',
  '{"Time":"2026-11-22T00:09:19.631734699Z","Action":"run","Package":"example.com/tst","Test":"TestA"}',
  '{"Time":"2026-11-22T00:09:19.631787828Z","Action":"output","Package":"example.com/tst","Test":"TestA","Output":"=' +
    '== RUN   TestA\\n"}',
  '{"Time":"2026-11-22T00:09:19.631887375Z","Action":"output","Package":"example.com/tst","Test":"TestA","Output":"  ' +
    '  x_test.go:5: hello from A\\n"}',
  '{"Time":"2026-11-22T00:09:19.632291624Z","Action":"output","Package":"example.com/tst","Test":"TestB","Output":"-' +
    '-- FAIL: TestB (0.00s)\\n"}',
  '{"Time":"2026-11-22T00:09:19.634652833Z","Action":"output","Package":"example.com/tst","Test":"TestB","Output":"p' +
    'anic: assignment to entry in nil map [recovered, repanicked]\\n"}',
  '{"Time":"2026-11-22T00:09:19.6347051Z","Action":"output","Package":"example.com/tst","Test":"TestB","Output":"\\n"}',
  '{"Time":"2026-11-22T00:09:19.634775725Z","Action":"output","Package":"example.com/tst","Test":"TestB","Output":"g' +
    'oroutine 20 [running]:\\n"}',
  '{"Time":"2026-11-22T00:09:19.634957003Z","Action":"output","Package":"example.com/tst","Test":"TestB","Output":"e' +
    'xample.com/tst.TestB(0xb11aed9c6c8?)\\n"}',
  '{"Time":"2026-11-22T00:09:19.634959727Z","Action":"output","Package":"example.com/tst","Test":"TestB","Output":"' +
    '\\t/tmp/inp-go/tst/x_test.go:9 +0x2d\\n"}',
  '{"Time":"2026-11-22T00:09:19.635388883Z","Action":"fail","Package":"example.com/tst","Test":"TestB","Elapsed":0}',
  '{"Time":"2026-11-22T00:09:19.635397676Z","Action":"output","Package":"example.com/tst","Output":"FAIL\\texample.c' +
    'om/tst\\t0.006s\\n"}',
  '{"Time":"2026-11-22T00:09:19.635413329Z","Action":"fail","Package":"example.com/tst","Elapsed":0.007}',
];

interface Seen {
  text: string;
  lineNo: number;
  package?: string;
  test?: string;
}

/** Runs raw lines through a fresh de-prefixer and returns what a parser would see. */
function deprefix(raw: readonly string[]): Seen[] {
  const seen: Seen[] = [];
  let ended = 0;
  const stage = createDeprefixer({
    line(text: string, lineNo: number, context: LineContext): void {
      const entry: Seen = { text, lineNo };
      if (context.package !== undefined) entry.package = context.package;
      if (context.test !== undefined) entry.test = context.test;
      seen.push(entry);
    },
    end(): void {
      ended++;
    },
  });
  const context: LineContext = { source: 'test.log' };
  raw.forEach((line, index) => stage.line(line, index + 1, context));
  stage.end(context);
  assert.equal(ended, 1, 'end is passed on exactly once');
  return seen;
}

function texts(raw: readonly string[]): string[] {
  return deprefix(raw).map((entry) => entry.text);
}

/** Real Go output recorded by the fixtures helper, when present: every line of every log. */
function recordedLines(): string[] {
  const root = join(process.cwd(), 'testdata', 'logs');
  if (!existsSync(root)) return [];
  const lines: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith('.log')) lines.push(...readFileSync(path, 'utf8').split('\n'));
    }
  };
  visit(root);
  return lines.filter((line) => !line.includes('\r'));
}

describe('lines without a prefix', () => {
  test('real Go traceback text passes through unchanged', () => {
    assert.deepEqual(texts(TRACEBACK), TRACEBACK);
  });

  test('Go text that starts like a prefix is not stripped', () => {
    const goText = [
      'main.main()',
      'github.com/a/b.(*T).M(...)',
      '2 goroutines',
      'panic: 2024-05-01T12:00:00Z bad',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f0a6]',
      '[originating from goroutine 1]:',
      'fatal error: all goroutines are asleep - deadlock!',
      'exit status 2',
      'Found 1 data race(s)',
      'WARNING: DATA RACE',
      'May be a prefix, but no',
    ];
    assert.deepEqual(texts(goText), goText);
  });

  test('Go traceback lines never reach a regular expression or JSON.parse', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored on the prototype below
    const originalExec = RegExp.prototype.exec;
    const originalParse = JSON.parse;
    let calls = 0;
    RegExp.prototype.exec = function exec(this: RegExp, text: string): RegExpExecArray | null {
      calls++;
      return originalExec.call(this, text);
    };
    JSON.parse = (text: string): unknown => {
      calls++;
      return originalParse(text);
    };
    let seen: string[];
    try {
      seen = texts([
        ...TRACEBACK,
        '2 goroutines',
        'fatal error: all goroutines are asleep - deadlock!',
        'github.com/a/b.(*T).M(...)',
      ]);
    } finally {
      RegExp.prototype.exec = originalExec;
      JSON.parse = originalParse;
    }
    assert.equal(seen.length, TRACEBACK.length + 3);
    assert.equal(calls, 0);
  });

  test('every line of the recorded Go logs passes through unchanged', (t) => {
    const lines = recordedLines();
    if (lines.length === 0) {
      t.skip('testdata/logs not recorded yet');
      return;
    }
    assert.deepEqual(texts(lines), lines);
  });
});

describe('recorded Go logs in every wrapper', () => {
  const wrappers: Record<string, (line: string, index: number) => string[]> = {
    'RFC 3339': (line) => [`2024-05-01T12:00:00.123456789Z ${line}`],
    'GitHub Actions': (line) => [`2024-05-01T12:00:00.1234567Z ${line}`],
    'RFC 3339 with offset': (line) => [`2024-05-01T14:00:00.123+02:00 ${line}`],
    'Go log package': (line) => [`2024/05/01 12:00:00 ${line}`],
    journald: (line) => [`May 01 12:00:00 host app[123]: ${line}`],
    'CRI, long lines split': (line) => {
      const cut = Math.floor(line.length / 2);
      return cut === 0
        ? [`2024-05-01T12:00:00.1Z stderr F ${line}`]
        : [
            `2024-05-01T12:00:00.1Z stderr P ${line.slice(0, cut)}`,
            `2024-05-01T12:00:00.2Z stderr F ${line.slice(cut)}`,
          ];
    },
    'Docker json-file': (line) => [
      JSON.stringify({ log: `${line}\n`, stream: 'stderr', time: '2024-05-01T12:00:00Z' }),
    ],
    'go test -json': (line) => [JSON.stringify({ Action: 'output', Package: 'p', Test: 'TestX', Output: `${line}\n` })],
    'kubectl --prefix --timestamps': (line) => [`[pod/api-7d9f/app] 2024-05-01T12:00:00.123456789Z ${line}`],
    'docker compose': (line) => [`api-1  | ${line}`],
  };
  for (const [name, wrapLine] of Object.entries(wrappers)) {
    test(name, (t) => {
      const lines = [...TRACEBACK, ...recordedLines()];
      if (lines.length === TRACEBACK.length)
        t.diagnostic('testdata/logs not recorded yet: only the embedded traceback');
      assert.deepEqual(texts(lines.flatMap(wrapLine)), lines);
    });
  }
});

describe('timestamps', () => {
  test('RFC 3339 with nanoseconds, offsets and the CI runner format', () => {
    const raw = [
      '2024-05-01T12:00:00.123456789Z panic: assignment to entry in nil map',
      '2024-05-01T12:00:00+02:00 goroutine 1 [running]:',
      '2024-05-01T12:00:00.5-07:00 main.main()',
      '2024-05-01T12:00:00.1234567Z \t/tmp/inp-go/crash/main.go:21 +0x115',
      '2024-05-01 12:00:00 exit status 2',
    ];
    assert.deepEqual(texts(raw), [
      'panic: assignment to entry in nil map',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/tmp/inp-go/crash/main.go:21 +0x115',
      'exit status 2',
    ]);
  });

  test('the Go log package prefix (the real first line of the crash output)', () => {
    assert.deepEqual(texts([CRASH_STDERR[0] ?? '', '2024/05/01 12:00:00.123456 micro']), ['starting', 'micro']);
  });

  test('a timestamp before an empty line, with or without the trailing space', () => {
    assert.deepEqual(texts(['2024-05-01T12:00:00Z ', '2024-05-01T12:00:00Z']), ['', '']);
  });

  test('only the separator space goes: a leading tab stays, tabs turned into spaces stay', () => {
    assert.deepEqual(
      texts(['2024-05-01T12:00:00Z \t/path/file.go:12 +0x1d', '2024-05-01T12:00:00Z         /path/file.go:12']),
      ['\t/path/file.go:12 +0x1d', '        /path/file.go:12'],
    );
  });

  test('a timestamp inside Go text survives after the prefix is removed', () => {
    assert.deepEqual(texts(['2024-05-01T12:00:00Z panic: 2024-05-01T12:00:00Z bad']), [
      'panic: 2024-05-01T12:00:00Z bad',
    ]);
  });

  test('journald short and short-precise', () => {
    const raw = [
      'May 01 12:00:00 host app[123]: panic: assignment to entry in nil map',
      'May 01 12:00:00 host app[123]: ',
      'May  1 12:00:00.123456 host app[123]: goroutine 1 [running]:',
      'Nov 22 00:10:54 build-7 crash[4711]: \t/tmp/inp-go/crash/main.go:21 +0x115',
    ];
    assert.deepEqual(texts(raw), [
      'panic: assignment to entry in nil map',
      '',
      'goroutine 1 [running]:',
      '\t/tmp/inp-go/crash/main.go:21 +0x115',
    ]);
  });
});

describe('Kubernetes CRI container logs', () => {
  test('full lines of both streams', () => {
    const raw = TRACEBACK.map(
      (line, i) => `2024-05-01T12:00:00.${String(i).padStart(9, '0')}Z ${i % 2 === 0 ? 'stderr' : 'stdout'} F ${line}`,
    );
    assert.deepEqual(texts(raw), TRACEBACK);
  });

  test('partial lines are joined with the following line of the same stream', () => {
    const raw = [
      '2024-05-01T12:00:00.000000001Z stderr P github.com/acme/widgets/internal/',
      '2024-05-01T12:00:00.000000002Z stdout F unrelated stdout line',
      '2024-05-01T12:00:00.000000003Z stderr P store.(*Store).',
      '2024-05-01T12:00:00.000000004Z stderr F waitForFlush(...)',
      '2024-05-01T12:00:00.000000005Z stderr F \t/src/store.go:412 +0x1d5',
    ];
    assert.deepEqual(deprefix(raw), [
      { text: 'unrelated stdout line', lineNo: 2 },
      { text: 'github.com/acme/widgets/internal/store.(*Store).waitForFlush(...)', lineNo: 1 },
      { text: '\t/src/store.go:412 +0x1d5', lineNo: 5 },
    ]);
  });

  test('a partial line at the end of the input is still delivered', () => {
    assert.deepEqual(texts(['2024-05-01T12:00:00Z stderr P goroutine 1 [run']), ['goroutine 1 [run']);
  });

  test('a partial line that never ends is capped and reported', () => {
    const seen: string[] = [];
    const long: Array<[number, number]> = [];
    const stage = createDeprefixer(
      { line: (text) => seen.push(text), end: () => undefined },
      { maxLineLength: 10, onLongLine: (lineNo, dropped) => long.push([lineNo, dropped]) },
    );
    const context: LineContext = { source: 'pod.log' };
    for (let i = 1; i <= 3; i++) stage.line('2024-05-01T12:00:00Z stderr P ......', i, context);
    stage.line('2024-05-01T12:00:00Z stderr F done', 4, context);
    stage.end(context);
    assert.deepEqual(seen, ['..........']);
    assert.deepEqual(long, [[1, 3 * 6 + 4 - 10]]);
  });

  test('a Go log line inside a container', () => {
    assert.deepEqual(texts([`2024-05-01T12:00:00.1Z stderr F ${CRASH_STDERR[0] ?? ''}`]), ['starting']);
  });
});

describe('Docker json-file', () => {
  const docker = (log: string, stream = 'stderr'): string =>
    JSON.stringify({ log, stream, time: '2024-05-01T12:00:00.123456789Z' });

  test('every line decoded', () => {
    assert.deepEqual(texts(TRACEBACK.map((line) => docker(`${line}\n`))), TRACEBACK);
  });

  test('fragments without a newline are joined per stream; CRLF is stripped', () => {
    const raw = [
      docker('goroutine 1 '),
      docker('noise\n', 'stdout'),
      docker('[running]:\r\n'),
      docker('main.main()\n'),
    ];
    assert.deepEqual(deprefix(raw), [
      { text: 'noise', lineNo: 2 },
      { text: 'goroutine 1 [running]:', lineNo: 1 },
      { text: 'main.main()', lineNo: 4 },
    ]);
  });

  test('JSON that is not a known log format is left as it is', () => {
    const raw = ['{"level":"error","msg":"boom"}', '{"log": 3}', '{not json'];
    assert.deepEqual(texts(raw), raw);
  });
});

describe('go test -json', () => {
  test('real events: output lines carry their package and test; other actions are not lines', () => {
    assert.deepEqual(deprefix(GO_TEST_JSON), [
      { text: '=== RUN   TestA', lineNo: 3, package: 'example.com/tst', test: 'TestA' },
      { text: '    x_test.go:5: hello from A', lineNo: 4, package: 'example.com/tst', test: 'TestA' },
      { text: '--- FAIL: TestB (0.00s)', lineNo: 5, package: 'example.com/tst', test: 'TestB' },
      {
        text: 'panic: assignment to entry in nil map [recovered, repanicked]',
        lineNo: 6,
        package: 'example.com/tst',
        test: 'TestB',
      },
      { text: '', lineNo: 7, package: 'example.com/tst', test: 'TestB' },
      { text: 'goroutine 20 [running]:', lineNo: 8, package: 'example.com/tst', test: 'TestB' },
      { text: 'example.com/tst.TestB(0xb11aed9c6c8?)', lineNo: 9, package: 'example.com/tst', test: 'TestB' },
      { text: '\t/tmp/inp-go/tst/x_test.go:9 +0x2d', lineNo: 10, package: 'example.com/tst', test: 'TestB' },
      { text: 'FAIL\texample.com/tst\t0.006s', lineNo: 12, package: 'example.com/tst' },
    ]);
  });

  test('output split over several events and interleaved with another test is reassembled per test', () => {
    const event = (test: string, output: string): string =>
      JSON.stringify({
        Time: '2026-11-22T00:09:19.6Z',
        Action: 'output',
        Package: 'example.com/tst',
        Test: test,
        Output: output,
      });
    const raw = [
      event('TestB', 'gorout'),
      event('TestA', '=== RUN   TestA\n'),
      event('TestB', 'ine 20 [running]:\nexample.com/tst.TestB('),
      event('TestA', '    x_test.go:5: hello'),
      event('TestB', '0xb11aed9c6c8?)\n'),
      event('TestA', ' from A\n'),
    ];
    assert.deepEqual(deprefix(raw), [
      { text: '=== RUN   TestA', lineNo: 2, package: 'example.com/tst', test: 'TestA' },
      { text: 'goroutine 20 [running]:', lineNo: 1, package: 'example.com/tst', test: 'TestB' },
      { text: 'example.com/tst.TestB(0xb11aed9c6c8?)', lineNo: 3, package: 'example.com/tst', test: 'TestB' },
      { text: '    x_test.go:5: hello from A', lineNo: 4, package: 'example.com/tst', test: 'TestA' },
    ]);
  });

  test('output that never ends a line is capped and reported', () => {
    const seen: string[] = [];
    const long: Array<[number, number]> = [];
    const stage = createDeprefixer(
      { line: (text) => seen.push(text), end: () => undefined },
      { maxLineLength: 8, onLongLine: (lineNo, dropped) => long.push([lineNo, dropped]) },
    );
    const context: LineContext = { source: 'test.json' };
    for (let i = 1; i <= 5; i++)
      stage.line(JSON.stringify({ Action: 'output', Package: 'p', Test: 'TestDots', Output: '...' }), i, context);
    stage.end(context);
    assert.deepEqual(seen, ['........']);
    assert.deepEqual(long, [[1, 15 - 8]]);
  });

  test('non-JSON lines between events (build errors) pass through without a test', () => {
    const seen = deprefix(['# example.com/tst', GO_TEST_JSON[2] ?? '']);
    assert.deepEqual(seen, [
      { text: '# example.com/tst', lineNo: 1 },
      { text: '=== RUN   TestA', lineNo: 2, package: 'example.com/tst', test: 'TestA' },
    ]);
  });
});

describe('wrappers', () => {
  test('kubectl logs --prefix, with and without --timestamps', () => {
    const raw = [
      '[pod/api-7d9f/app] panic: assignment to entry in nil map',
      '[pod/api-7d9f/app] 2024-05-01T12:00:00.123456789Z goroutine 1 [running]:',
      '[pod/api-7d9f/app] \t/tmp/inp-go/crash/main.go:21 +0x115',
    ];
    assert.deepEqual(texts(raw), [
      'panic: assignment to entry in nil map',
      'goroutine 1 [running]:',
      '\t/tmp/inp-go/crash/main.go:21 +0x115',
    ]);
  });

  test('docker compose, with and without timestamps', () => {
    const raw = [
      'api-1     | panic: assignment to entry in nil map',
      'api-1     | 2024-05-01T12:00:00.123456789Z goroutine 1 [running]:',
      'api-1     | \t/tmp/inp-go/crash/main.go:21 +0x115',
      'api-1     |',
      'db_2  | 2024/05/01 12:00:00 starting',
    ];
    assert.deepEqual(texts(raw), [
      'panic: assignment to entry in nil map',
      'goroutine 1 [running]:',
      '\t/tmp/inp-go/crash/main.go:21 +0x115',
      '',
      'starting',
    ]);
  });

  test('mixed styles in one input each get stripped', () => {
    const raw = [
      '2024-05-01T12:00:00Z stderr F panic: assignment to entry in nil map',
      'May 01 12:00:00 host app[1]: goroutine 1 [running]:',
      'main.main()',
      '[pod/p/c] \t/tmp/inp-go/crash/main.go:21 +0x115',
    ];
    assert.deepEqual(texts(raw), [
      'panic: assignment to entry in nil map',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/tmp/inp-go/crash/main.go:21 +0x115',
    ]);
  });
});

describe('properties', () => {
  /** Lines shaped like Go runtime output, including values that look like prefixes inside Go text. */
  const goLine = fc.oneof(
    fc.constantFrom(...TRACEBACK, ...recordedLines().slice(0, 2000)),
    fc.nat(100000).map((id) => `goroutine ${id} [chan receive]:`),
    fc.stringMatching(
      /^[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,6}){0,2}\/[a-z]{1,6}\.\(\*[A-Z][a-z]{0,5}\)\.[A-Z][a-z]{0,6}\(\.\.\.\)$/,
    ),
    fc.tuple(fc.stringMatching(/^[a-z/._-]{1,30}$/), fc.nat(5000)).map(([path, line]) => `\t/${path}.go:${line} +0x1d`),
    fc
      .string({ unit: 'grapheme-ascii' })
      .filter((s) => !/[\r\n]/.test(s))
      .map((s) => `panic: ${s}`),
    fc.constant('panic: 2024-05-01T12:00:00Z bad'),
    fc.constant(''),
  );
  const time = fc.constantFrom(
    '2024-05-01T12:00:00Z',
    '2024-05-01T12:00:00.123456789Z',
    '2024-05-01T12:00:00.1234567Z',
    '2024-05-01T14:00:00+02:00',
  );

  type Wrap = (lines: string[]) => string[];
  const wrap = fc.oneof(
    fc.constant<Wrap>((lines) => lines),
    time.map<Wrap>((ts) => (lines) => lines.map((l) => `${ts} ${l}`)),
    fc.constant<Wrap>((lines) => lines.map((l) => `2024/05/01 12:00:00 ${l}`)),
    fc.constant<Wrap>((lines) => lines.map((l) => `May 01 12:00:00 host app[123]: ${l}`)),
    fc.constant<Wrap>((lines) => lines.map((l) => `[pod/api-1/app] ${l}`)),
    time.map<Wrap>((ts) => (lines) => lines.map((l) => `[pod/api-1/app] ${ts} ${l}`)),
    fc.constant<Wrap>((lines) => lines.map((l) => `api-1  | ${l}`)),
    fc.constant<Wrap>((lines) => lines.map((l) => `api-1  | 2024-05-01T12:00:00Z ${l}`)),
    // CRI and Docker split long lines; split each line at a seeded position into a P/partial fragment.
    fc.nat().map<Wrap>(
      (seed) => (lines) =>
        lines.flatMap((l, i) => {
          const cut = (seed + i) % (l.length + 1);
          const parts = cut > 0 && cut < l.length ? [l.slice(0, cut), l.slice(cut)] : [l];
          return parts.map((part, k) => `2024-05-01T12:00:00.1Z stderr ${k < parts.length - 1 ? 'P' : 'F'} ${part}`);
        }),
    ),
    fc.nat().map<Wrap>(
      (seed) => (lines) =>
        lines.flatMap((l, i) => {
          const cut = (seed + i) % (l.length + 1);
          const parts = cut > 0 && cut < l.length ? [l.slice(0, cut), `${l.slice(cut)}\n`] : [`${l}\n`];
          return parts.map((log) => JSON.stringify({ log, stream: 'stderr', time: '2024-05-01T12:00:00Z' }));
        }),
    ),
    fc.constant<Wrap>((lines) =>
      lines.map((l) =>
        JSON.stringify({
          Time: '2024-05-01T12:00:00Z',
          Action: 'output',
          Package: 'p',
          Test: 'TestX',
          Output: `${l}\n`,
        }),
      ),
    ),
  );

  test('prefixing Go lines with any supported prefix and de-prefixing returns them', () => {
    fc.assert(
      fc.property(fc.array(goLine, { maxLength: 20 }), wrap, (lines, wrapLines) => {
        assert.deepEqual(texts(wrapLines(lines)), lines);
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary text never throws and yields at most one line per input line', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 30 }), (raw) => {
        const lines = raw.map((s) => s.replace(/\n/g, ' '));
        assert.ok(deprefix(lines).length <= lines.length + lines.join('').length);
      }),
      { numRuns: 200 },
    );
  });
});
