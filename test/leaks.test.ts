// `goroscope test --leaks` on testdata/leaks: each goroutine a test leaves behind is found at its marked line
// (`// leak: TestX (unreachable|reachable)`) and attributed to TestX; `clean` reports nothing; the user's files
// are untouched (the TestMain comes in through -overlay). With Go 1.27 the runtime's goroutineleak verdict
// reports only the unreachable goroutine; without it (the local toolchain, 1.26) every leftover goroutine counts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { run } from '../src/cli/main.js';
import type { CliContext } from '../src/cli/context.js';
import type { StressLeak } from '../src/model.js';
import { LeakCollector, withLeaks } from '../src/run/test-leaks.js';
import { type TestLeak } from '../src/model.js';
import { createDeprefixer } from '../src/input/deprefix.js';
import type { LineContext } from '../src/input/lines.js';
import { repoRoot } from './helpers.js';

const MODULE = join(repoRoot, 'testdata', 'leaks');

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function leaksWith(toolchain: string): Promise<{ code: number; leaks: StressLeak[]; checked: string[] }> {
  const stdout = new Collect();
  const context: CliContext = {
    stdout,
    stderr: new Collect(),
    stdin: process.stdin,
    env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: toolchain },
    cwd: MODULE,
    stdoutIsTTY: false,
    exitCode: 0,
    signal: new AbortController().signal,
  };
  const code = await run(['test', '--leaks', '--no-race', '--format', 'json'], context);
  const parsed: unknown = JSON.parse(stdout.text);
  assert.ok(typeof parsed === 'object' && parsed !== null && 'leaks' in parsed && 'leakCheckedPackages' in parsed);
  const report = parsed as { leaks: StressLeak[]; leakCheckedPackages: string[] }; // checked field by field below
  return { code, leaks: report.leaks, checked: report.leakCheckedPackages };
}

function works(toolchain: string): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore', env: { ...process.env, GOTOOLCHAIN: toolchain } });
    return true;
  } catch {
    return false;
  }
}

/** "file.go:line" -> { test, reachable } from the marks. */
function marks(): Map<string, { test: string; unreachable: boolean }> {
  const out = new Map<string, { test: string; unreachable: boolean }>();
  for (const pkg of readdirSync(MODULE, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    for (const file of readdirSync(join(MODULE, pkg.name))) {
      if (!file.endsWith('.go')) continue;
      readFileSync(join(MODULE, pkg.name, file), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const m = /\/\/ leak: (\w+) \((unreachable|reachable)\)/.exec(text);
          if (m?.[1] !== undefined) out.set(`${file}:${i + 1}`, { test: m[1], unreachable: m[2] === 'unreachable' });
        });
    }
  }
  return out;
}

const where = (leak: TestLeak): string =>
  leak.culprit === null ? '?' : `${basename(leak.culprit.file)}:${leak.culprit.line}`;

describe('test --leaks', () => {
  const expected = marks();

  it(
    'without goroutineleak (local toolchain): every leftover goroutine, attributed',
    { skip: !works('local') },
    async () => {
      const { code, leaks, checked } = await leaksWith('local');
      assert.equal(code, 1);
      assert.deepEqual(checked, ['example.com/leaks/clean', 'example.com/leaks/worker']);
      assert.deepEqual(leaks.map(where).sort(), [...expected.keys()].sort());
      for (const leak of leaks) {
        assert.equal(leak.verdict, 'still-running');
        assert.equal(leak.test, expected.get(where(leak))?.test, where(leak));
        assert.equal(leak.package, 'example.com/leaks/worker');
      }
    },
  );

  it('with Go 1.27 goroutineleak: only the unreachable goroutine', { skip: !works('go1.27.3') }, async () => {
    const { code, leaks, checked } = await leaksWith('go1.27.3');
    assert.equal(code, 1);
    assert.equal(checked.length, 2);
    const unreachable = [...expected].filter(([, m]) => m.unreachable).map(([at]) => at);
    assert.deepEqual(leaks.map(where), unreachable);
    for (const leak of leaks) {
      assert.equal(leak.verdict, 'unreachable');
      assert.equal(leak.test, expected.get(where(leak))?.test);
      assert.equal(leak.via, 'ancestors');
    }
  });

  it("leaves the user's files as they were", () => {
    for (const pkg of ['worker', 'clean']) {
      assert.ok(!readdirSync(join(MODULE, pkg)).some((f) => f.startsWith('zz_goroscope')), pkg);
    }
    const status = execFileSync('git', ['status', '--porcelain', '--ignored', MODULE], { encoding: 'utf8' });
    assert.equal(status, '');
  });
});

describe('test --leaks on runs recorded with several Go versions (scripts/record-leaks.sh)', () => {
  const expected = marks();
  const LOGS = join(repoRoot, 'testdata', 'leak-logs');
  const versions = readdirSync(LOGS).sort();

  it('has recordings from Go 1.21 to 1.27', () => {
    for (const minor of [21, 23, 25, 26, 27])
      assert.ok(
        versions.some((v) => v.startsWith(`go1.${minor}.`)),
        `go1.${minor}`,
      );
  });

  for (const version of versions) {
    for (const log of readdirSync(join(LOGS, version))) {
      it(`${version}/${log}: every leftover goroutine at its marked line, attributed to its test`, () => {
        const collector = new LeakCollector();
        const rest = { line: () => {}, end: () => {} };
        const sink = createDeprefixer(withLeaks(collector, rest));
        const context: LineContext = { source: log };
        readFileSync(join(LOGS, version, log), 'utf8')
          .split('\n')
          .forEach((line, i) => sink.line(line, i + 1, context));
        sink.end(context);
        assert.deepEqual(collector.checked.sort(), ['example.com/leaks/clean', 'example.com/leaks/worker']);
        const runtimeVerdict = collector.leaks.some((l) => l.verdict === 'unreachable');
        // The runtime's verdict exists from Go 1.27, and in Go 1.26 built with GOEXPERIMENT=goroutineleakprofile.
        assert.equal(runtimeVerdict, version.startsWith('go1.27.') || log === 'goroutineleak-experiment.log');
        const want = [...expected].filter(([, m]) => m.unreachable || !runtimeVerdict).map(([at]) => at);
        assert.deepEqual(collector.leaks.map(where).sort(), want.sort());
        for (const leak of collector.leaks) {
          assert.equal(leak.test, expected.get(where(leak))?.test, where(leak));
          assert.equal(leak.via, 'ancestors');
          assert.equal(leak.package, 'example.com/leaks/worker');
        }
      });
    }
  }
});
