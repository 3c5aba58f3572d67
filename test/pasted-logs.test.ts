// The shapes that crash logs take when people paste them into issues (measured on 150 public logs by
// scripts/score-real-logs.mjs; the texts are not ours, so each shape is rebuilt here). Every transform below is
// applied by code to logs that our own programs printed (testdata/logs, testdata/race-logs); the expected kind
// and culprit come from the program (its directory and its `// culprit` / `// race:` marks), never from
// goroscope's output. Inputs marked "reconstructed" imitate formats of Go releases we cannot run here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './helpers.js';
import { entries, sample, linesOf, explainText, check, assertTransform, isFunctionLine } from './pasted-support.js';

const pad = (n: number): string => String(n % 60).padStart(2, '0');

// Prefixes on every line that the de-prefixer has no rule for; each is learned from the line that starts the
// crash. The styles are those seen in the measured logs.
const prefixes: Record<string, (i: number) => string> = {
  'date time | app - ': (i) => `2026-11-22 10:00:${pad(i)} | api - `,
  '[hh:mm:ss] ': (i) => `[10:00:${pad(i)}] `,
  '» d Mon yyyy time ': (i) => `» 2 Nov 2026 10:00:${pad(i)}.${String(i * 7).padStart(3, '0')} `,
  'host tag: ': () => 'web-1 worker: ',
  'Android logcat': (i) => `11-22 10:00:${pad(i)}.123  4242  4250 E GoLog   : `,
  'Airflow / Python logging': (i) => `[2026-11-22, 10:00:${pad(i)} UTC] {subprocess.py:93} INFO - `,
  'journald prefix cut to ]: ': () => ']: ',
  'Jenkins timestamps': (i) => `10:00:${pad(i)}  `,
  'a Markdown quote': () => '> ',
  'indented by 2 spaces': () => '  ',
  'indented by 4 spaces': () => '    ',
};

describe('pasted logs: an unknown prefix on every line is learned from the line that starts the crash', () => {
  for (const [name, prefix] of Object.entries(prefixes)) {
    it(`${name}: same diagnosis on ${sample.length} logs`, async () => {
      await assertTransform(sample, (lines) => lines.map((l, i) => prefix(i) + l).join('\n'));
    });
  }
});

describe('pasted logs: damage from terminals, editors and Markdown', () => {
  const damage: Record<string, (lines: string[]) => string> = {
    'a spinner before panic: on its line': (lines) => ['⠋ building… ' + (lines[0] ?? ''), ...lines.slice(1)].join('\n'),
    'a backtick before the first line (inline code)': (lines) => '`' + lines.join('\n') + '`',
    'a literal ^M at each line end': (lines) => lines.map((l) => l + '^M').join('\n'),
    'blank lines between function and file lines': (lines) =>
      lines.flatMap((l, i) => (isFunctionLine(lines, i) ? [l, ''] : [l])).join('\n'),
    'a stray space before function lines': (lines) =>
      lines.map((l, i) => (isFunctionLine(lines, i) ? ' ' + l : l)).join('\n'),
    // The user's files only: -trimpath prints the standard library's as `runtime/panic.go`.
    'file lines printed bare by -trimpath, unindented': (lines) =>
      lines.map((l) => l.replace(/^\t\/tmp\/goroscope-gopath\/.*\/([a-z_]+\.go:\d+ \+0x[0-9a-f]+)$/, '$1')).join('\n'),
    '> where a tab was': (lines) => lines.map((l) => l.replace(/^\t\//, '>/')).join('\n'),
  };
  for (const [name, transform] of Object.entries(damage)) {
    it(`${name}: same diagnosis on ${sample.length} logs`, async () => {
      await assertTransform(sample, transform);
    });
  }

  it('the panic value glued to the goroutine header (lost line breaks)', async () => {
    // One-line panic values; a chain of nested panics is several lines by nature.
    const panics = sample.filter((e) => linesOf(e)[0]?.startsWith('panic: ') === true && linesOf(e)[1] === '');
    assert.ok(panics.length > 10);
    await assertTransform(panics, (lines) => {
      const header = lines.findIndex((l) => l.startsWith('goroutine '));
      return [
        lines.slice(0, header).join(' ').replace(/ +$/, '') + ' ' + lines[header],
        ...lines.slice(header + 1),
      ].join('\n');
    });
  });

  it('a framework-style panic line with no stack after it is not taken for a crash', async () => {
    const result = await explainText(
      ['[Macaron] PANIC: template not found', 'INFO request done', 'Recovered from panic: nothing to see', 'bye'].join(
        '\n',
      ),
    );
    assert.deepEqual(result.crashes, []);
  });

  it('a log message that quotes a panic is not taken for a crash', async () => {
    const result = await explainText(
      ['2026/11/22 10:00:00 retrying: panic: connection reset by peer', 'next request ok', 'done'].join('\n'),
    );
    assert.deepEqual(result.crashes, []);
  });
});

/** net/http's conn.serve: `c.server.logf("http: panic serving %v: %v\n%s", c.remoteAddr, err, buf)` with buf
 * from runtime.Stack; the recovering deferred call and panic( sit above the frames that panicked. */
function httpServed(lines: string[]): string {
  const value = (lines[0] ?? '').slice('panic: '.length);
  const header = lines.findIndex((l) => l.startsWith('goroutine '));
  return [
    `2026/11/22 10:00:00 http: panic serving 10.0.0.7:53412: ${value}`,
    lines[header] ?? '',
    'net/http.(*conn).serve.func1()',
    '\t/usr/local/go/src/net/http/server.go:1898 +0xbe',
    'panic({0x6a1b40?, 0x8e2f30?})',
    '\t/usr/local/go/src/runtime/panic.go:791 +0x132',
    ...lines.slice(header + 1),
  ].join('\n');
}

/** testify's suite.failOnPanic: `t.Errorf("test panicked: %v\n%s", r, debug.Stack())`, indented by testing. */
function testifyReported(lines: string[]): string {
  const value = (lines[0] ?? '').slice('panic: '.length);
  const header = lines.findIndex((l) => l.startsWith('goroutine '));
  const stack = [
    lines[header] ?? '',
    'runtime/debug.Stack()',
    '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e',
    'github.com/stretchr/testify/suite.failOnPanic(0xc000102000, {0x6a1b40, 0x8e2f30})',
    '\t/home/u/go/pkg/mod/github.com/stretchr/testify@v1.9.0/suite/suite.go:89 +0x37',
    'panic({0x6a1b40?, 0x8e2f30?})',
    '\t/usr/local/go/src/runtime/panic.go:791 +0x132',
    ...lines.slice(header + 1),
  ];
  return [
    '--- FAIL: TestSuite/TestIt (0.00s)',
    `    suite.go:89: test panicked: ${value}`,
    ...stack.map((l) => '        ' + l),
  ].join('\n');
}

/** k8s.io/apimachinery's HandleCrash: klog prints `Observed a panic:` and the stack with logPanic on top. */
function klogObserved(lines: string[]): string {
  const value = (lines[0] ?? '').slice('panic: '.length);
  const header = lines.findIndex((l) => l.startsWith('goroutine '));
  return [
    `E1122 10:00:00.123456       1 runtime.go:79] Observed a panic: ${JSON.stringify(value)} (${value})`,
    lines[header] ?? '',
    'k8s.io/apimachinery/pkg/util/runtime.logPanic({0x1d3a1c0, 0x3290a30})',
    '\t/go/pkg/mod/k8s.io/apimachinery@v0.29.0/pkg/util/runtime/runtime.go:75 +0x85',
    'k8s.io/apimachinery/pkg/util/runtime.HandleCrash({0x0, 0x0, 0x0})',
    '\t/go/pkg/mod/k8s.io/apimachinery@v0.29.0/pkg/util/runtime/runtime.go:49 +0x6b',
    'panic({0x1d3a1c0?, 0x3290a30?})',
    '\t/usr/local/go/src/runtime/panic.go:791 +0x132',
    ...lines.slice(header + 1),
  ].join('\n');
}

describe('pasted logs: panics a framework recovered and printed in its own words', () => {
  // Panics from the user's code (not runtime throws, which no framework can recover).
  // Frameworks print the one value they recovered, so chains of nested panics are left out.
  const recoverable = sample.filter((e) => linesOf(e)[0]?.startsWith('panic: ') === true && linesOf(e)[1] === '');
  it(`net/http's "http: panic serving": ${recoverable.length} logs`, async () => {
    assert.ok(recoverable.length > 10);
    await assertTransform(recoverable, httpServed);
  });
  it(`testify's "test panicked:" with debug.Stack above panic(: ${recoverable.length} logs`, async () => {
    await assertTransform(recoverable, testifyReported);
  });
  it(`klog's "Observed a panic:" with HandleCrash above panic(: ${recoverable.length} logs`, async () => {
    await assertTransform(recoverable, klogObserved);
  });
});

describe('pasted logs: a logger printed the panic value in its own line', () => {
  const runtimeErrors = sample.filter(
    (e) => linesOf(e)[0]?.startsWith('panic: runtime error: ') === true && linesOf(e)[1] === '',
  );
  it(`"... runtime error: X" then the stack: ${runtimeErrors.length} logs`, async () => {
    assert.ok(runtimeErrors.length > 5);
    await assertTransform(runtimeErrors, (lines) =>
      ['level=error msg="worker died" err=' + (lines[0] ?? '').slice('panic: '.length), ...lines.slice(1)].join('\n'),
    );
  });
});

/** The user's file lines of a recorded log in the `file:line (0xPC)` form of gin and macaron. */
function fileOnlyStack(lines: string[]): string[] {
  return lines.flatMap((l, i) => {
    const m = /^\t(\/.*\.go:\d+)(?: \+0x[0-9a-f]+)?$/.exec(l);
    return m === null ? [] : [`${m[1]} (0x4${String(i).padStart(5, '0')})`];
  });
}

describe("pasted logs: recovered panics in a framework's own stack format", () => {
  const values = sample.filter(
    (e) => linesOf(e)[0]?.startsWith('panic: runtime error: ') === true && linesOf(e)[1] === '',
  );
  const shapes: Record<string, (value: string, lines: string[]) => string> = {
    "gin's Recovery (value on the next line)": (value, lines) =>
      [
        '[GIN-debug] Listening on :8080',
        '[Recovery] 2026/11/22 - 10:00:00 panic recovered:',
        value,
        ...fileOnlyStack(lines),
      ].join('\n'),
    "macaron's PANIC:": (value, lines) =>
      ['[Macaron] Started GET / for 127.0.0.1', `[Macaron] PANIC: ${value}`, ...fileOnlyStack(lines)].join('\n'),
    "klog's Recovered from panic:": (value, lines) =>
      [
        `E1122 10:00:00.123456    2596 util.go:82] Recovered from panic: ${JSON.stringify(value)} (${value})`,
        ...fileOnlyStack(lines),
      ].join('\n'),
  };
  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: the kind, the exact value and the culprit on ${values.length} logs`, async () => {
      assert.ok(values.length > 5);
      const wrong: string[] = [];
      for (const entry of values) {
        const lines = linesOf(entry);
        const value = (lines[0] ?? '').slice('panic: '.length);
        const crash = (await explainText(shape(value, lines))).crashes[0];
        const problem = crash === undefined ? 'no crash' : check([crash], entry, lines.join('\n') + '\n');
        if (problem !== '') wrong.push(problem);
        if (crash?.kind !== entry.kind || crash.message !== value)
          wrong.push(`${entry.log}: ${crash?.kind} ${crash?.message}`);
      }
      assert.deepEqual(wrong, []);
    });
  }
});

describe('pasted logs: the message line is missing', () => {
  // Go prints the runtime's map frames under the throw up to Go 1.23; swiss maps (1.24) throw from inside them.
  const mapFaults = entries.filter(
    (e) =>
      e.kind.startsWith('concurrent_map_') &&
      /\n(runtime\.throw|runtime\.fatal)\(.*\n.*\n(runtime\.map\w+)\(/.test(linesOf(e).join('\n')),
  );
  it(`a throw over the runtime's map code names the map fault: ${mapFaults.length} logs`, async () => {
    assert.ok(mapFaults.length > 20);
    await assertTransform(mapFaults, (lines) => lines.filter((l) => !l.startsWith('fatal error: ')).join('\n'));
  });
  const outOfMemory = entries.filter((e) => e.kind === 'out_of_memory' && e.gotraceback === 'all');
  it(`a throw over the allocator names the out-of-memory crash: ${outOfMemory.length} logs`, async () => {
    assert.ok(outOfMemory.length >= 10);
    await assertTransform(outOfMemory, (lines) =>
      lines.filter((l) => !l.startsWith('fatal error: ') && !l.startsWith('runtime: out of memory')).join('\n'),
    );
  });
  it('the first lines cut off too: the stack starts at runtime.throw', async () => {
    const cut = mapFaults.filter((e) => e.goVersion === '1.21.13');
    assert.ok(cut.length > 3);
    await assertTransform(cut, (lines) => {
      const header = lines.findIndex((l) => l.startsWith('goroutine '));
      return lines.slice(header).join('\n');
    });
  });
});

describe('pasted logs: Go 1.0-1.4 formats (reconstructed)', () => {
  // Go <= 1.3 kept the standard library under src/pkg/ and implemented the runtime in C; Go <= 1.4 raised
  // channel errors through runtime.panicstring (`runtime error: send on closed channel`) and printed the panic
  // frame as runtime.panic(0x.., 0x..) from panic.c.
  const channel = entries.filter(
    (e) =>
      e.goVersion === '1.9.7' &&
      e.gotraceback === 'all' &&
      (e.kind === 'send_on_closed_channel' || e.kind === 'close_closed_channel' || e.kind === 'close_nil_channel'),
  );
  it(`channel panics as Go 1.2-1.4 printed them: ${channel.length} logs`, async () => {
    assert.ok(channel.length >= 4);
    await assertTransform(channel, (lines) => {
      const out: string[] = [];
      for (const l of lines) {
        if (l.startsWith('panic: ')) out.push('panic: runtime error: ' + l.slice(7));
        else if (l.startsWith('goroutine ') && l.includes('[running]')) {
          out.push(l, 'runtime.panic(0x4a5c60, 0xc2080001d0)', '\t/usr/local/go/src/pkg/runtime/panic.c:279 +0xf5');
        } else out.push(l.replace('/usr/local/go/src/', '/usr/local/go/src/pkg/'));
      }
      return out.join('\n');
    });
  });
});

describe('pasted logs: test timeouts', () => {
  const timeouts = entries.filter((e) => e.kind === 'test_timeout' && e.gotraceback === 'all');
  it(`a hung test is found even when its tRunner frame was cut off: ${timeouts.length} logs`, async () => {
    assert.ok(timeouts.length > 5);
    await assertTransform(timeouts, (lines) => lines.filter((l) => !l.startsWith('testing.tRunner(')).join('\n'));
  });
  it('goroutine 1 (TestMain / m.Run) is never the culprit', async () => {
    const text = [
      'panic: test timed out after 10m0s',
      '',
      'goroutine 7 [running]:',
      'testing.(*M).startAlarm.func1()',
      '\t/usr/local/go/src/testing/testing.go:2484 +0x394',
      'created by time.goFunc',
      '\t/usr/local/go/src/time/sleep.go:215 +0x2d',
      '',
      'goroutine 1 [chan receive, 10 minutes]:',
      'testing.(*T).Run(0xc000003c00, {0x5c0a8e?, 0x0?}, 0x5cb830)',
      '\t/usr/local/go/src/testing/testing.go:1859 +0x431',
      'testing.runTests.func1(0xc000003a40)',
      '\t/usr/local/go/src/testing/testing.go:2279 +0x37',
      'testing.tRunner(0xc000003a40, 0xc00009dc18)',
      '\t/usr/local/go/src/testing/testing.go:1792 +0xf4',
      'testing.runTests(0xc000010018, {0x6d9b40, 0x1, 0x1}, {0x0?, 0x0?, 0x0?})',
      '\t/usr/local/go/src/testing/testing.go:2277 +0x4b4',
      'testing.(*M).Run(0xc0000c6000)',
      '\t/usr/local/go/src/testing/testing.go:2142 +0x64a',
      'example.com/app.TestMain(0xc0000c6000)',
      '\t/src/app/main_test.go:12 +0x2b',
      'main.main()',
      '\t_testmain.go:47 +0x9b',
    ].join('\n');
    const result = await explainText(text);
    assert.equal(result.crashes[0]?.kind, 'test_timeout');
    assert.equal(result.crashes[0]?.culprit, null, 'only the alarm and TestMain were pasted: no culprit');
  });
});

// Race reports: the program's `// race:` marks name both access sites.
const raceLog = join(repoRoot, 'testdata', 'race-logs', 'go1.26.8', 'field.log');
const raceProgram = join(repoRoot, 'testdata', 'races', 'field', 'main.go');
const raceMarks = readFileSync(raceProgram, 'utf8')
  .split('\n')
  .flatMap((l, i) => (/\/\/ race:/.test(l) ? [`main.go:${i + 1}`] : []));

async function raceSites(text: string): Promise<string[]> {
  const { races } = await explainText(text);
  const race = races[0];
  if (race === undefined) return [];
  return [race.current.culprit, race.previous.culprit]
    .map((c) => (c === null ? '-' : `${basename(c.file)}:${c.line}`))
    .sort();
}

describe('pasted logs: race reports', () => {
  const lines = readFileSync(raceLog, 'utf8').split('\n');
  const want = [...raceMarks].sort();
  it('the program marks two access sites', () => {
    assert.equal(want.length, 2);
  });
  const shapes: Record<string, (lines: string[]) => string> = {
    'as printed': (ls) => ls.join('\n'),
    'Go 1.0-1.4 headers without addresses (reconstructed)': (ls) =>
      ls.map((l) => l.replace(/^(Previous )?(read|write|Read|Write) at 0x[0-9a-f]+ by/, '$1$2 by')).join('\n'),
    'no ================== lines': (ls) => ls.filter((l) => l !== '==================').join('\n'),
    'the separator glued to test progress dots': (ls) =>
      ls.map((l, i) => (i === ls.indexOf('==================') ? '•••••' + l : l)).join('\n'),
    'indented by one space, stray spaces before headers': (ls) => ls.map((l) => ' ' + l).join('\n'),
    'behind a learned prefix': (ls) => ls.map((l, i) => `[10:00:${pad(i)}] ${l}`).join('\n'),
  };
  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: both access sites`, async () => {
      assert.deepEqual(await raceSites(shape(lines)), want);
    });
  }
});
