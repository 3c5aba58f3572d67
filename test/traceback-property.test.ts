// Property tests: whatever the input, the parser returns (never throws, never hangs) and its output is
// self-consistent; damage that a log pipeline does (tabs to spaces) does not change what it finds.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Traceback } from '../src/model.js';
import { parseTracebacks } from '../src/parse/traceback.js';
import { SAMPLES } from './parser-samples-support.js';

const REAL = Object.values(SAMPLES);

/** Invariants every result must satisfy for an input of `lineCount` lines. */
function checkInvariants(tbs: Traceback[], lineCount: number): void {
  let previousEnd = 0;
  for (const tb of tbs) {
    assert.ok(tb.startLine >= 1 && tb.startLine <= tb.endLine && tb.endLine <= lineCount, 'line range');
    assert.ok(tb.startLine > previousEnd, 'tracebacks do not overlap');
    previousEnd = tb.endLine;
    assert.ok(tb.goroutineCount >= tb.goroutines.length, 'goroutineCount counts every goroutine');
    for (const s of tb.skipped) assert.ok(s.inputLine >= 1 && s.inputLine <= lineCount, 'skipped line in range');
    for (const g of tb.goroutines) {
      assert.ok(Number.isSafeInteger(g.id) && g.id >= 0);
      for (const f of g.frames) assert.ok(Number.isFinite(f.line));
    }
  }
}

const FRAGMENTS = [
  'panic: ',
  '\tpanic: ',
  'fatal error: ',
  'goroutine 1 [running]:',
  'goroutine 0 [idle]:',
  'goroutine 18 [chan receive, 5 minutes, locked to thread]:',
  'goroutine 2 gp=0xc m=nil [select labels:{"a": "b"}]:',
  'main.main()',
  'main.(*T[...]).M({0x1, 0x2}, ...)',
  '\t/x/main.go:12 +0x1d',
  '        /x/main.go:12 +0x1d fp=0x1 sp=0x2 pc=0x3',
  'created by main.main in goroutine 1',
  '[originating from goroutine 3]:',
  '...additional frames elided...',
  '...12 frames elided...',
  '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]',
  'SIGQUIT: quit',
  'PC=0x1 m=0 sigcode=0',
  '-----',
  'rax    0x0',
  'runtime stack:',
  'runtime: goroutine stack exceeds 1000000000-byte limit',
  'unexpected fault address 0x1',
  '\tgoroutine running on other thread; stack unavailable',
  'exit status 2',
  '=== RUN   TestX',
  '',
  '(',
  ')',
  ':',
  '\t',
  ' labels:{"',
];

const lineArb = fc.oneof(
  fc.constantFrom(...FRAGMENTS),
  fc.tuple(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

test('random lines never throw and give consistent results', () => {
  fc.assert(
    fc.property(fc.array(lineArb, { maxLength: 80 }), (lines) => {
      const text = lines.join('\n');
      checkInvariants(parseTracebacks(text), text.split('\n').length);
    }),
    { numRuns: 3000 },
  );
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), chars: fc.nat() }),
  fc.record({ kind: fc.constant('spaces' as const), at: fc.nat(), width: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: lineArb }),
);

test('random mutations of real tracebacks never throw', () => {
  fc.assert(
    fc.property(fc.nat(REAL.length - 1), fc.array(mutation, { maxLength: 12 }), fc.boolean(), (which, muts, cutEnd) => {
      const lines = (REAL[which] as string).split('\n');
      for (const m of muts) {
        if (lines.length === 0) break;
        const i = m.at % lines.length;
        if (m.kind === 'drop') lines.splice(i, 1);
        else if (m.kind === 'duplicate') lines.splice(i, 0, lines[i] as string);
        else if (m.kind === 'swap') {
          const j = m.to % lines.length;
          const t = lines[i] as string;
          lines[i] = lines[j] as string;
          lines[j] = t;
        } else if (m.kind === 'truncate')
          lines[i] = (lines[i] as string).slice(0, m.chars % ((lines[i] as string).length + 1));
        else if (m.kind === 'spaces') lines[i] = (lines[i] as string).replaceAll('\t', ' '.repeat(m.width));
        else lines.splice(i, 0, m.text);
      }
      // A log cut in the middle of its last line.
      if (cutEnd && lines.length > 0) lines[lines.length - 1] = (lines[lines.length - 1] as string).slice(0, 5);
      const text = lines.join('\n');
      checkInvariants(parseTracebacks(text), text.split('\n').length);
    }),
    { numRuns: 1500 },
  );
});

/** What must survive tabs turning into spaces: everything but the panic text's own indentation. */
function frames(tbs: Traceback[]): unknown {
  return tbs.map((tb) => ({
    range: [tb.startLine, tb.endLine],
    n: tb.goroutineCount,
    skipped: tb.skipped,
    goroutines: tb.goroutines,
  }));
}

test('tabs to spaces gives the same goroutines and frames for every real sample', () => {
  fc.assert(
    fc.property(fc.nat(REAL.length - 1), fc.integer({ min: 1, max: 8 }), (which, width) => {
      const text = REAL[which] as string;
      const spaced = text.replaceAll('\t', ' '.repeat(width));
      assert.deepEqual(frames(parseTracebacks(spaced)), frames(parseTracebacks(text)));
    }),
    { numRuns: 300 },
  );
});

test('pathological lines are handled in linear time', () => {
  const shapes = [
    (n: number) => ':'.repeat(n),
    (n: number) => `main.f(${'('.repeat(n)})`,
    (n: number) => `goroutine 1 [${' labels:{"a": "'.repeat(n / 16)}]:`,
    (n: number) => `\t${' +0x'.repeat(n / 4)}:1`,
    (n: number) => `panic: x\n${'\t\n'.repeat(n / 2)}`,
    (n: number) => `goroutine 1 [running]:\n${'main.f()\n'.repeat(n / 9)}`,
    (n: number) => `goroutine 1 [running]:\n${'x\n'.repeat(n / 2)}`,
  ];
  for (const make of shapes) {
    const text = make(1 << 21);
    const t0 = performance.now();
    parseTracebacks(text);
    const ms = performance.now() - t0;
    // 2 MB: linear work takes milliseconds; anything quadratic would take hours.
    assert.ok(ms < 1000, `${make.toString()}: ${ms.toFixed(1)}ms`);
  }
});
