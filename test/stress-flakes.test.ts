// Flake hunting in `goroscope stress` and `goroscope test`: a per-run timeout whose SIGQUIT goroutine dump is
// explained (testdata/stress/hang hangs one run in ten, at the line marked `// hang`), --keep-hung, --failure
// and --ignore, kept output of failing runs, --perturb, runs until stopped, and raced tests skipped in later
// runs (testdata/attribution/spawn).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { run } from '../src/cli/main.js';
import type { CliContext } from '../src/cli/context.js';
import type { RunRecord, SettingStat, StressCrash } from '../src/model.js';
import { skipArgs } from '../src/cli/commands/test-command.js';
import { repoRoot } from './helpers.js';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

// Failing runs keep their output in a new directory under the temporary directory: keep those in one scratch
// directory that is removed afterwards.
const scratch = mkdtempSync(join(tmpdir(), 'goroscope-test-'));
process.env.TMPDIR = scratch;
after(() => rmSync(scratch, { recursive: true, force: true }));

const goEnv = { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local' };

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
    env: options.env ?? goEnv,
    cwd: options.cwd ?? repoRoot,
    stdoutIsTTY: false,
    exitCode: 0,
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await run(argv, context);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface Report {
  runs: number;
  interrupted: boolean;
  runResults: RunRecord[];
  crashes: StressCrash[];
  tests: { name: string; runs: number; failures: number }[];
  races: { tests: string[] }[];
  unexplainedFailures: unknown[];
  outputDir?: string;
  settings?: SettingStat[];
  skippedAfterRace?: string[];
}

function parse(text: string): Report {
  const value: unknown = JSON.parse(text);
  assert.ok(typeof value === 'object' && value !== null && 'runResults' in value);
  return value as Report; // fields checked by the assertions that use them
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HANG = join(repoRoot, 'testdata', 'stress', 'hang');
const hangLine = readFileSync(join(HANG, 'main.go'), 'utf8')
  .split('\n')
  .findIndex((l) => l.includes('// hang'));

describe('stress hunts a hang', { skip: hasGo() ? false : 'go is not installed' }, () => {
  let dir = '';
  let binary = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'goroscope-hang-'));
    binary = join(dir, 'hang');
    execFileSync('go', ['build', '-o', binary, '.'], { cwd: HANG, env: { ...goEnv, GO111MODULE: 'off' } });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a program that hangs one run in ten ends with an explained goroutine dump of the hang', async () => {
    const counter = join(dir, 'count');
    const output = join(dir, 'out');
    const { code, stdout, stderr } = await goroscope(
      ['stress', '--count', '10', '--timeout', '3s', '--output-dir', output, '--format', 'json', '--', binary],
      { env: { ...goEnv, HANG_COUNTER: counter } },
    );
    assert.equal(code, 1, stderr);
    const report = parse(stdout);
    assert.equal(report.runs, 10);
    const hung = report.runResults.filter((r) => r.timedOut === true);
    assert.deepEqual(
      hung.map((r) => r.run),
      [3],
      'run 3 of 10 hangs (the program counts its runs)',
    );
    assert.equal(report.crashes.length, 1);
    const dump = report.crashes[0];
    assert.ok(dump !== undefined);
    assert.equal(dump.hang, true);
    assert.equal(dump.kind, 'goroutine_dump');
    assert.match(dump.message, /SIGQUIT/);
    // The dump is explained: the stuck goroutine is found at the marked line.
    assert.equal(dump.culprit?.line, hangLine + 1);
    assert.ok(dump.groups.some((b) => b.state === 'chan receive' && b.culprit?.line === hangLine + 1));
    // Only the failing run's output is kept.
    assert.equal(report.outputDir, output);
    assert.deepEqual(readdirSync(output), ['run-3.log']);
    assert.match(readFileSync(join(output, 'run-3.log'), 'utf8'), /^SIGQUIT: quit/m);
    assert.match(stderr, /Output of the 1 failing run\(s\) kept in /);
  });

  it('the text report says which run hung and where its goroutines were stuck', async () => {
    const { stdout } = await goroscope(['stress', '--count', '1', '--timeout', '2s', '--', binary]);
    assert.match(stdout, /1 run\(s\) hung past --timeout \(1\)/);
    assert.match(
      stdout,
      new RegExp(`stuck: 1 goroutine\\(s\\) in \\[chan receive\\] at main\\.main \\S+main\\.go:${hangLine + 1}`),
    );
  });

  it('under go test, the test binary (not the go command) gets SIGQUIT, and its dump is explained', async () => {
    const dir = join(repoRoot, 'testdata', 'crashes', 'test_timeout', 'chan_recv');
    const culprit = readFileSync(join(dir, 'main_test.go'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('// culprit'));
    const { stdout } = await goroscope(
      ['stress', '--count', '1', '--timeout', '4s', '--format', 'json', '--', 'go', 'test', '-count=1', '.'],
      { cwd: dir, env: { ...goEnv, GO111MODULE: 'off' } },
    );
    const report = parse(stdout);
    assert.equal(report.runResults[0]?.timedOut, true);
    assert.deepEqual(
      report.crashes.map((c) => [c.kind, c.hang, c.culprit?.line]),
      [['goroutine_dump', true, culprit + 1]],
    );
  });

  it('--keep-hung leaves the hung process for a debugger and prints its pid', async () => {
    const { code, stdout, stderr } = await goroscope([
      'stress',
      '--count',
      '1',
      '--timeout',
      '1s',
      '--keep-hung',
      '--format',
      'json',
      '--',
      binary,
    ]);
    const report = parse(stdout);
    const pid = report.runResults[0]?.leftRunning?.pid;
    assert.ok(pid !== undefined, stderr);
    try {
      assert.equal(code, 1);
      assert.match(stderr, new RegExp(`left running for a debugger: process group ${pid}: ${pid} \\(hang\\)`));
      process.kill(pid, 0); // still alive: throws otherwise
      assert.equal(report.crashes.length, 0, 'no dump was asked for');
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });
});

describe('stress options', () => {
  const failing = ['sh', '-c', 'echo "boom: $GOMAXPROCS"; exit 1'];

  it('--failure: a failed run counts only when its output matches', async () => {
    const miss = await goroscope([
      'stress',
      '--count',
      '2',
      '--failure',
      'DATA RACE',
      '--format',
      'json',
      '--',
      ...failing,
    ]);
    assert.equal(miss.code, 0);
    assert.ok(parse(miss.stdout).runResults.every((r) => !r.failed));
    const hit = await goroscope(['stress', '--count', '2', '--failure', '^boom', '--format', 'json', '--', ...failing]);
    assert.equal(hit.code, 1);
    assert.ok(parse(hit.stdout).runResults.every((r) => r.failed));
  });

  it('--ignore: a failed run whose output matches is ignored', async () => {
    const { code, stdout } = await goroscope([
      'stress',
      '--count',
      '2',
      '--ignore',
      'boom',
      '--format',
      'json',
      '--',
      ...failing,
    ]);
    assert.equal(code, 0);
    const report = parse(stdout);
    assert.ok(report.runResults.every((r) => r.ignored === true && !r.failed));
    assert.equal(report.unexplainedFailures.length, 0);
  });

  it('--perturb varies the settings and reports which ones reproduce the failure', async () => {
    const onlyOne = ['sh', '-c', 'test "$GOMAXPROCS" = 1 && exit 1; exit 0'];
    const { code, stdout } = await goroscope([
      'stress',
      '--count',
      '8',
      '--perturb',
      '--format',
      'json',
      '--',
      ...onlyOne,
    ]);
    assert.equal(code, 1);
    const report = parse(stdout);
    const bySetting = new Map((report.settings ?? []).map((s) => [s.setting, s]));
    assert.deepEqual(bySetting.get('GOMAXPROCS=1'), { setting: 'GOMAXPROCS=1', runs: 2, failedRuns: 2 });
    assert.equal(bySetting.get('GOMAXPROCS=2')?.failedRuns, 0);
    assert.equal(report.settings?.[0]?.setting, 'GOMAXPROCS=1', 'the most reproducing setting comes first');
    for (const setting of ['GORACE=default', 'GORACE=atexit_sleep_ms=0', 'GORACE=halt_on_error=1']) {
      assert.ok(bySetting.has(setting), `${setting} never tried in 8 runs`);
    }
  });

  it('runs until stopped without --count or --duration', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1500);
    const { code, stdout } = await goroscope(['stress', '--format', 'json', '--', 'true'], { signal: abort.signal });
    // Stopped by Ctrl-C: exit 130 with the report of the runs so far (the exit-code contract).
    assert.equal(code, 130);
    const report = parse(stdout);
    assert.equal(report.interrupted, true);
    assert.ok(report.runs > 1, `${report.runs} run(s)`);
  });

  it('rejects bad flake-hunting options with a usage error', async () => {
    for (const argv of [
      ['stress', '--keep-hung', '--', 'true'],
      ['stress', '--timeout', 'soon', '--', 'true'],
      ['stress', '--failure', '(', '--', 'true'],
    ]) {
      const { code, stderr } = await goroscope(argv);
      assert.equal(code, 2, argv.join(' '));
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    }
  });
});

describe('test stops retrying a test once it raced', { skip: hasGo() ? false : 'go is not installed' }, () => {
  it('skips the responsible test in later runs, so the bystander passes', async () => {
    const { stdout, stderr } = await goroscope(['test', '--count', '2', '--format', 'json', './spawn'], {
      cwd: join(repoRoot, 'testdata', 'attribution'),
    });
    const report = parse(stdout);
    assert.deepEqual(report.skippedAfterRace, ['TestSpawn'], stderr);
    assert.deepEqual(
      report.races.map((r) => r.tests),
      [['TestSpawn']],
    );
    const spawn = report.tests.find((t) => t.name === 'TestSpawn');
    const wait = report.tests.find((t) => t.name === 'TestWait');
    assert.deepEqual(spawn && { runs: spawn.runs, failures: spawn.failures }, { runs: 1, failures: 0 });
    assert.deepEqual(wait && { runs: wait.runs, failures: wait.failures }, { runs: 2, failures: 1 });
  });

  it('builds a -skip pattern of top-level names', () => {
    assert.deepEqual(skipArgs(['TestSpawn', 'TestRetries/defaults', 'TestSpawn']), [
      '-skip',
      '^(TestSpawn|TestRetries)$',
    ]);
  });
});
