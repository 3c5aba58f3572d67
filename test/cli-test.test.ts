// End to end: `goroscope test` on the racy module in testdata/races/module with the real Go toolchain, and
// `goroscope stress` on commands whose output is known. Expected races come from the `// race: <id>` marks in
// the module's source, expected tests from its `// race-test: <id>` marks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { run } from '../src/cli/main.js';
import type { CliContext } from '../src/cli/context.js';
import { repoRoot } from './helpers.js';

// Failing runs keep their output in a new directory under the temporary directory: keep those in one scratch
// directory that is removed afterwards.
const scratch = mkdtempSync(join(tmpdir(), 'goroscope-test-'));
process.env.TMPDIR = scratch;
after(() => rmSync(scratch, { recursive: true, force: true }));

const ROOT = repoRoot;
const MODULE = join(ROOT, 'testdata', 'races', 'module');

function goInstalled(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function goroscope(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  const context: CliContext = {
    stdout,
    stderr,
    stdin: process.stdin,
    env: options.env ?? { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', GITHUB_STEP_SUMMARY: '' },
    cwd: options.cwd ?? MODULE,
    stdoutIsTTY: false,
    exitCode: 0,
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await run(argv, context);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface JsonSide {
  op: string;
  culprit: { function: string; file: string; line: number } | null;
}
interface JsonRace {
  current: JsonSide;
  previous: JsonSide;
  object: string;
  occurrences: number;
  tests: string[];
  fixes: { title: string; code: string }[];
  firstRun: number;
  runs: number;
  explanation: string;
}
interface JsonReport {
  runs: number;
  interrupted: boolean;
  tests: { package: string; name: string; runs: number; failures: number }[];
  races: JsonRace[];
  crashes: { kind: string; firstRun: number; occurrences: number }[];
}

function parseReport(text: string): JsonReport {
  const parsed: unknown = JSON.parse(text);
  assert.ok(
    typeof parsed === 'object' && parsed !== null && 'races' in parsed && 'tests' in parsed && 'runs' in parsed,
  );
  return parsed as JsonReport; // shape checked field by field by the assertions below
}

/** id -> marked "file.go:line" set, and id -> expected tests. */
function marks(): { lines: Map<string, Set<string>>; tests: Map<string, string[]> } {
  const lines = new Map<string, Set<string>>();
  const tests = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (!entry.name.endsWith('.go')) continue;
      let currentTest = '';
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const fn = /^func (Test\w+)\(/.exec(text);
          if (fn?.[1] !== undefined) currentTest = fn[1];
          const race = /\/\/ race: (\w+)/.exec(text);
          if (race?.[1] !== undefined)
            lines.set(race[1], (lines.get(race[1]) ?? new Set()).add(`${entry.name}:${i + 1}`));
          const raceTest = /\/\/ race-test: (\w+)/.exec(text);
          if (raceTest?.[1] !== undefined) {
            const sub = /t\.Run\("([^"]+)"/.exec(text);
            const name = sub?.[1] !== undefined ? `${currentTest}/${sub[1]}` : currentTest;
            tests.set(raceTest[1], name === 'TestMain' ? [] : [name]);
          }
        });
    }
  };
  walk(MODULE);
  return { lines, tests };
}

const at = (side: JsonSide): string =>
  side.culprit === null ? '?' : `${basename(side.culprit.file)}:${side.culprit.line}`;

const hasGo = goInstalled();

describe('goroscope test', { skip: hasGo ? false : 'go is not installed' }, () => {
  it('finds each race of the racy module once, with its lines, tests and fix (--count 3)', async () => {
    const started = Date.now();
    // --retry-raced: every run runs every test, so the failure rates below are over all three runs.
    const { code, stdout, stderr } = await goroscope(['test', '--count', '3', '--retry-raced', '--format', 'json']);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(code, 1, stderr);
    const report = parseReport(stdout);
    assert.equal(report.runs, 3);
    const expected = marks();
    assert.equal(
      report.races.length,
      expected.lines.size,
      report.races.map((r) => `${at(r.current)} ${at(r.previous)}`).join('; '),
    );
    const found = new Set<string>();
    for (const race of report.races) {
      const id = [...expected.lines].find(([, set]) => set.has(at(race.current)) && set.has(at(race.previous)))?.[0];
      assert.ok(id !== undefined, `unexpected race ${at(race.current)} / ${at(race.previous)}`);
      found.add(id);
      assert.deepEqual(race.tests, expected.tests.get(id), `tests of ${id}`);
      assert.equal(race.firstRun, 1);
      assert.ok(race.runs === 3 && race.occurrences >= race.runs, 'reported in every run');
      assert.ok(race.fixes.length > 0 && race.fixes.every((f) => f.code.length > 0));
    }
    assert.equal(found.size, expected.lines.size);
    // Failure rate per test: the racing tests fail every run; the others pass every run.
    const racing = new Set([...expected.tests.values()].flat().map((name) => name.split('/')[0]));
    for (const test of report.tests) {
      assert.equal(test.runs, 3, test.name);
      const racy = racing.has(test.name.split('/')[0] ?? '');
      assert.equal(test.failures, racy ? 3 : 0, test.name);
    }
    assert.ok(report.tests.some((t) => t.name === 'TestCounter' && t.failures === 0));
    // Off a terminal, progress is a line every few seconds, never one line per run.
    assert.doesNotMatch(stderr, /^run \d+ done/m);
    assert.ok(seconds < 60, `took ${seconds}s`);
  });

  it('prints every race once in text, with the fix', async () => {
    const { code, stdout } = await goroscope(['test', '--count', '1', '--no-color', './cache', './config']);
    assert.equal(code, 1);
    const headlines = stdout.match(/Data race on /g) ?? [];
    assert.equal(headlines.length, 3);
    assert.match(stdout, /Data race on a map \(read\/write\)/);
    assert.match(stdout, /Fix: Lock both sides with the same mutex/);
    assert.match(stdout, /TestRetries\/defaults/);
  });

  it('exits 0 when every run is clean', async () => {
    const { code, stdout } = await goroscope(['test', '--count', '2', './clean']);
    assert.equal(code, 0);
    assert.match(stdout, /All 2 run\(s\) clean/);
  });

  it('passes flags after -- to go test', async () => {
    const { code, stdout } = await goroscope(['test', '--format', 'json', './config', '--', '-run', 'TestReload']);
    assert.equal(code, 1);
    const report = parseReport(stdout);
    assert.deepEqual(
      report.races.map((r) => r.tests),
      [['TestReload']],
    );
  });
});

describe('goroscope test and stress: usage', () => {
  it('says clearly when go is missing (exit 2)', async () => {
    const { code, stderr } = await goroscope(['test'], { env: { PATH: join(ROOT, 'no-such-dir') } });
    assert.equal(code, 2);
    assert.match(stderr, /cannot run go: it is not installed or not on PATH/);
  });

  it('rejects bad options with exit 2', async () => {
    for (const argv of [
      ['test', '--count', '0'],
      ['test', '--duration', 'soon'],
      ['test', '--format', 'xml'],
      ['stress', '--count', '2'],
    ]) {
      const { code, stderr } = await goroscope(argv);
      assert.equal(code, 2, argv.join(' '));
      assert.match(stderr, /goroscope: /);
    }
  });

  it('needs a Go module for test', async () => {
    const { code, stderr } = await goroscope(['test'], { cwd: '/' });
    assert.equal(code, 2);
    assert.match(stderr, /no go\.mod/);
  });
});

describe('goroscope stress', () => {
  const logs = join(ROOT, 'testdata', 'race-logs');

  it('repeats a command and de-duplicates its races across runs', async () => {
    const log = join(logs, 'go1.26.8', 'adjacent.log');
    const { code, stdout } = await goroscope([
      'stress',
      '--count',
      '3',
      '--parallel',
      '2',
      '--format',
      'json',
      '--',
      'cat',
      log,
    ]);
    assert.equal(code, 1);
    const report = parseReport(stdout);
    assert.equal(report.runs, 3);
    const reportsPerRun = (readFileSync(log, 'utf8').match(/WARNING: DATA RACE/g) ?? []).length;
    assert.equal(report.races.length, reportsPerRun, 'the two races of adjacent/main.go');
    for (const race of report.races) {
      assert.equal(race.occurrences, 3);
      assert.equal(race.runs, 3);
      assert.equal(race.firstRun, 1);
    }
  });

  it('explains crashes in the output through the explain pipeline', async () => {
    const log = join(logs, 'go1.21.13', 'map-fatal.log');
    const { code, stdout } = await goroscope(['stress', '--count', '2', '--format', 'json', '--', 'cat', log]);
    assert.equal(code, 1);
    const report = parseReport(stdout);
    assert.equal(report.crashes.length, 1);
    assert.equal(report.crashes[0]?.kind, 'concurrent_map_writes');
    assert.equal(report.crashes[0]?.occurrences, 2);
    assert.ok(report.races.length >= 1);
    assert.ok(report.races.every((r) => r.object === 'map'));
  });

  it('reports a test timeout as a crash', { skip: hasGo ? false : 'go is not installed' }, async () => {
    const dir = join(ROOT, 'testdata', 'crashes', 'test_timeout', 'chan_recv');
    const env = { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' };
    const { code, stdout } = await goroscope(
      ['stress', '--count', '1', '--format', 'json', '--', 'go', 'test', '-count=1', '-timeout', '1s', '.'],
      { cwd: dir, env },
    );
    assert.equal(code, 1);
    const report = parseReport(stdout);
    assert.deepEqual(
      report.crashes.map((c) => c.kind),
      ['test_timeout'],
    );
  });

  it('exits 0 for a clean command', async () => {
    const { code, stdout } = await goroscope(['stress', '--count', '2', '--', 'true']);
    assert.equal(code, 0);
    assert.match(stdout, /All 2 run\(s\) clean/);
  });

  it('stops the children on Ctrl-C and still reports', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 300);
    const { code, stdout } = await goroscope(['stress', '--duration', '1m', '--format', 'json', '--', 'sleep', '20'], {
      signal: abort.signal,
    });
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 5, `took ${seconds}s to stop`);
    const report = parseReport(stdout);
    assert.equal(report.interrupted, true);
    assert.equal(report.runs, 1);
    // Interrupted is its own exit status (130), whatever was found before it.
    assert.equal(code, 130);
  });
});
