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
import type { StressLeak } from '../src/run/stress.js';
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

const where = (leak: StressLeak): string =>
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
