// The CLI contract, command by command: the exit code (0 nothing found, 1 found, 2 usage or input error, 3 a bug,
// 130 interrupted), the one-line message and its hint, and that no input file is changed (sha256 before and after).
// Every input is generated in a temporary directory that is removed afterwards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { run } from '../src/cli/main.js';
import { wordsAfterDashDash } from '../src/cli/options.js';
import type { CliContext } from '../src/cli/context.js';
import { cliPath, repoRoot } from './helpers.js';

// A crash log recorded from a real Go program (testdata/crashes/concurrent_map_writes).
const RECORDED_CRASH = join(repoRoot, 'testdata', 'logs', 'go1.22.12', 'single', 'concurrent_map_writes--store.log');
const RECORDED_PROFILE = join(repoRoot, 'testdata', 'profiles', 'go1.26.8', 'mutex.pb.gz');

const DOUBLE_CLOSE_GO = `package p

func Stop() {
	done := make(chan struct{})
	close(done)
	close(done)
}
`;
const CLEAN_GO = `package p

func One() int { return 1 }
`;

let scratch = '';
let caseNumber = 0;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'goroscope-contract-'));
});
after(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

/** A fresh directory for one case, holding a crash log, a clean log and a binary file. */
function workspace(): string {
  const dir = join(scratch, `case-${++caseNumber}`);
  mkdirSync(dir);
  copyFileSync(RECORDED_CRASH, join(dir, 'crash.log'));
  writeFileSync(join(dir, 'clean.log'), 'starting\nlistening on :8080\nshutting down\n');
  // A NUL byte at the start: a file no text reader should treat as a log.
  writeFileSync(join(dir, 'data.bin'), Buffer.from([0, 1, 2, 3, 0, 255, 254, 0]));
  return dir;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Hashes of every file under dir (relative names), to prove a command changed none of them. */
function snapshot(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const visit = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const name = join(sub, entry.name);
      if (entry.isDirectory()) visit(name);
      else if (entry.isFile()) hashes.set(name, sha256(join(dir, name)));
    }
  };
  visit('');
  return hashes;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** bin/goroscope as a user runs it, in `cwd`; `onStderr` may signal the process once it has said something. */
function goroscope(
  args: string[],
  cwd: string,
  options: {
    env?: NodeJS.ProcessEnv;
    onStderr?: (text: string, child: { kill(signal: NodeJS.Signals): void }) => void;
  } = {},
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', GOROSCOPE_DEBUG: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs a command that must fail with exit 2 before touching anything: one message line, one hint line, no stack,
 * every file in the workspace unchanged and no file added.
 */
async function assertUsageError(args: string[], cwd: string, message: RegExp): Promise<Outcome> {
  const before = snapshot(cwd);
  const outcome = await goroscope(args, cwd);
  assert.equal(outcome.code, 2, `${args.join(' ')}\n${outcome.stderr}`);
  const lines = outcome.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, `one message and one hint:\n${outcome.stderr}`);
  assert.match(lines[0] ?? '', /^goroscope: /);
  assert.match(lines[0] ?? '', message);
  assert.match(lines[1] ?? '', /^hint: /);
  assert.doesNotMatch(outcome.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(outcome.stdout, '', 'no report');
  assert.deepEqual(snapshot(cwd), before, 'no file changed, added or removed');
  return outcome;
}

/** Runs a command that must succeed with `code`, leaving every input unchanged and no temporary file behind. */
async function assertReport(args: string[], cwd: string, code: number): Promise<Outcome> {
  const before = snapshot(cwd);
  const outcome = await goroscope(args, cwd);
  assert.equal(outcome.code, code, `${args.join(' ')}\n${outcome.stderr}`);
  const after = snapshot(cwd);
  for (const [name, hash] of before) {
    const outputIndex = args.indexOf('-o');
    if (outputIndex !== -1 && args[outputIndex + 1] === name) continue;
    assert.equal(after.get(name), hash, `${name} unchanged`);
  }
  assert.deepEqual(
    [...after.keys()].filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file left behind',
  );
  return outcome;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

function inProcessContext(
  cwd: string,
  overrides: Partial<CliContext> = {},
): CliContext & { out: Collect; err: Collect } {
  const out = new Collect();
  const err = new Collect();
  return {
    stdout: out,
    stderr: err,
    stdin: new PassThrough(),
    env: { NO_COLOR: '1' },
    cwd,
    stdoutIsTTY: false,
    exitCode: 0,
    signal: new AbortController().signal,
    ...overrides,
    out,
    err,
  };
}

describe('explain: exit codes and messages', () => {
  it('exits 1 when it finds a crash and 0 when it finds nothing, leaving the logs unchanged', async () => {
    const dir = workspace();
    const found = await assertReport(['explain', 'crash.log'], dir, 1);
    assert.match(found.stdout, /concurrent map writes/);
    const clean = await assertReport(['explain', 'clean.log'], dir, 0);
    assert.equal(clean.stderr, '');
  });

  it('reports a bad option value before reading any input (the input does not even exist)', async () => {
    const dir = workspace();
    await assertUsageError(['explain', '--max-groups', 'x', 'no-such.log'], dir, /--max-groups.*'x' is invalid/);
    await assertUsageError(['explain', '-f', 'yaml', 'no-such.log'], dir, /--format.*'yaml' is invalid/);
    await assertUsageError(['explain', '--group', 'nope', 'crash.log'], dir, /--group.*'nope' is invalid/);
    await assertUsageError(['explain', '--bogus', 'crash.log'], dir, /unknown option '--bogus'/);
    await assertUsageError(
      ['explain', '--src', 'no-such-dir', 'no-such.log'],
      dir,
      /--src no-such-dir: no such directory/,
    );
    await assertUsageError(['explain', '--src', 'clean.log', 'no-such.log'], dir, /--src clean\.log: not a directory/);
  });

  it('refuses -o naming the input, by path or through a symbolic link', async () => {
    const dir = workspace();
    await assertUsageError(['explain', '-o', 'crash.log', 'crash.log'], dir, /-o crash\.log: is also an input/);
    await assertUsageError(['explain', '-o', './crash.log', 'crash.log'], dir, /is also an input/);
    symlinkSync('crash.log', join(dir, 'link.log'));
    await assertUsageError(['explain', '-o', 'link.log', 'crash.log'], dir, /-o link\.log: is also an input/);
    await assertUsageError(['explain', '-o', 'crash.log', 'link.log'], dir, /is also an input/);
  });

  it('refuses -o naming a directory, a missing directory or a place it cannot write', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'reports'));
    await assertUsageError(['explain', '-o', 'reports', 'crash.log'], dir, /-o reports: is a directory/);
    await assertUsageError(['explain', '-o', 'missing/r.json', 'crash.log'], dir, /missing does not exist/);
    await assertUsageError(['explain', '-o', 'crash.log/r.json', 'crash.log'], dir, /crash\.log is not a directory/);
    // root may write anywhere chmod allows nothing, but not into /proc.
    const unwritable = process.getuid?.() === 0 ? '/proc' : join(dir, 'locked');
    if (unwritable !== '/proc') {
      mkdirSync(unwritable);
      chmodSync(unwritable, 0o555);
    }
    try {
      await assertUsageError(
        ['explain', '-o', join(unwritable, 'r.json'), 'crash.log'],
        dir,
        /cannot create a file in/,
      );
    } finally {
      if (unwritable !== '/proc') chmodSync(unwritable, 0o755);
    }
  });

  it('exits 2 when every input was skipped (a binary file, /dev/zero)', async () => {
    const dir = workspace();
    await assertUsageError(['explain', 'data.bin'], dir, /every input was skipped: data\.bin: .*binary/);
    if (existsSync('/dev/zero'))
      await assertUsageError(['explain', '/dev/zero'], dir, /every input was skipped: \/dev\/zero/);
    // One readable input is enough to report.
    await assertReport(['explain', 'data.bin', 'crash.log'], dir, 1);
  });

  it('replaces the -o file atomically: concurrent writers never leave invalid JSON', async () => {
    const dir = workspace();
    const out = join(dir, 'report.json');
    for (let round = 0; round < 2; round++) {
      const runs = await Promise.all(
        Array.from({ length: 6 }, () => goroscope(['explain', '-f', 'json', '-o', 'report.json', 'crash.log'], dir)),
      );
      for (const outcome of runs) assert.equal(outcome.code, 1, outcome.stderr);
      const report = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number; crashes: unknown[] };
      assert.equal(report.schemaVersion, 2);
      assert.equal(report.crashes.length, 1);
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.endsWith('.tmp')),
        [],
      );
    }
  });

  it('exits 130 when interrupted, after reporting what it read so far', async () => {
    const dir = workspace();
    const abort = new AbortController();
    const stdin = new PassThrough();
    const context = inProcessContext(dir, { stdin, signal: abort.signal });
    // The log arrives and the pipe stays open, like `kubectl logs -f | goroscope explain` before Ctrl-C.
    stdin.write(readFileSync(join(dir, 'crash.log')));
    const exit = run(['explain', '-'], context);
    while (stdin.readableLength > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    abort.abort();
    assert.equal(await exit, 130, context.err.text);
    assert.match(context.out.text, /concurrent map writes/);
  });
});

describe('the program', () => {
  it('exits 2 on an unknown command and 0 for --help and --version', async () => {
    const dir = workspace();
    await assertUsageError(['frobnicate'], dir, /unknown command 'frobnicate'/);
    const help = await goroscope(['--help'], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit status: 0 nothing found, 1 something found, 2 usage or input error/);
    assert.equal((await goroscope(['--version'], dir)).code, 0);
  });
});

describe('errors goroscope did not expect', () => {
  /** A stream whose writes fail (main() listens for stream errors on the real stdout; here the listener is ours). */
  class Broken extends Writable {
    constructor() {
      super();
      this.on('error', () => undefined);
    }
    override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
      callback(new Error('the terminal went away'));
    }
  }

  it('print one line and a bug-report hint, exit 3, and show the stack only with GOROSCOPE_DEBUG=1', async () => {
    const dir = workspace();
    const quiet = inProcessContext(dir, { stdout: new Broken() });
    // In-process, input paths are read relative to the process, not context.cwd: name the log absolutely.
    const log = join(dir, 'crash.log');
    assert.equal(await run(['explain', log], quiet), 3);
    const lines = quiet.err.text.trimEnd().split('\n');
    assert.equal(lines.length, 2, quiet.err.text);
    assert.match(lines[0] ?? '', /^goroscope: internal error: Error: the terminal went away$/);
    assert.match(lines[1] ?? '', /^hint: this is a bug in goroscope; .*GOROSCOPE_DEBUG=1/);

    const debug = inProcessContext(dir, { stdout: new Broken(), env: { GOROSCOPE_DEBUG: '1' } });
    assert.equal(await run(['explain', log], debug), 3);
    assert.match(debug.err.text, /\n\s+at /, 'the stack is printed');
  });
});

describe('profile: exit codes and messages', () => {
  it('exits 0 with a report, and refuses -o naming the profile or a --explain log', async () => {
    const dir = workspace();
    copyFileSync(RECORDED_PROFILE, join(dir, 'mutex.pb.gz'));
    const report = await assertReport(['profile', 'mutex.pb.gz'], dir, 0);
    assert.notEqual(report.stdout, '');
    await assertUsageError(['profile', '-o', 'mutex.pb.gz', 'mutex.pb.gz'], dir, /-o mutex\.pb\.gz: is also an input/);
    await assertUsageError(
      ['profile', '-o', 'crash.log', 'mutex.pb.gz', '--explain', 'crash.log'],
      dir,
      /-o crash\.log: is also an input/,
    );
    await assertUsageError(['profile', '--top', '0', 'mutex.pb.gz'], dir, /--top.*'0' is invalid/);
    await assertUsageError(['profile', '--src', 'no-such-dir', 'mutex.pb.gz'], dir, /--src no-such-dir: no such/);
  });

  it('exits 2 on a file that is not a profile', async () => {
    const dir = workspace();
    const outcome = await goroscope(['profile', 'clean.log'], dir);
    assert.equal(outcome.code, 2, outcome.stderr);
    assert.match(outcome.stderr, /^goroscope: .*clean\.log/);
    assert.doesNotMatch(outcome.stderr, /\n\s+at /);
  });
});

describe('lint: exit codes and messages', () => {
  function goWorkspace(): string {
    const dir = workspace();
    writeFileSync(join(dir, 'go.mod'), 'module example.com/contract\n\ngo 1.22\n');
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'stop.go'), DOUBLE_CLOSE_GO);
    mkdirSync(join(dir, 'good'));
    writeFileSync(join(dir, 'good', 'one.go'), CLEAN_GO);
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'README.md'), '# not Go\n');
    return dir;
  }

  it('exits 1 on findings, 0 on clean code, leaving the sources unchanged', async () => {
    const dir = goWorkspace();
    const found = await assertReport(['lint', './bad'], dir, 1);
    assert.match(found.stdout, /double-close/);
    await assertReport(['lint', './good'], dir, 0);
  });

  it('exits 2 for a directory with no Go files, or a pattern that matches none', async () => {
    const dir = goWorkspace();
    await assertUsageError(['lint', 'docs'], dir, /^goroscope: no Go files in docs$/);
    await assertUsageError(['lint', 'docs/...'], dir, /no Go files in docs\/\.\.\. or below/);
    await assertUsageError(['lint', 'missing'], dir, /no such file or directory: missing/);
  });

  it('exits 0 for a directory whose Go files are all generated, naming them as skipped, not as excluded', async () => {
    const dir = goWorkspace();
    mkdirSync(join(dir, 'pb'));
    writeFileSync(
      join(dir, 'pb', 'api.pb.go'),
      `// Code generated by protoc-gen-go. DO NOT EDIT.\n\n${DOUBLE_CLOSE_GO}`,
    );
    const run = await assertReport(['lint', 'pb'], dir, 0);
    assert.match(run.stdout, /no findings in 0 files \(0 packages\); 1 generated file skipped/);
    assert.doesNotMatch(run.stderr, /build constraints/);
    assert.match((await assertReport(['lint', '--include-generated', 'pb'], dir, 1)).stdout, /double-close/);
  });

  it('counts notes in the exit status unless --min-severity leaves them out, and says how many it left out', async () => {
    const dir = goWorkspace();
    mkdirSync(join(dir, 'notes'));
    // A send that blocks only after the test has failed: goroutine-leak reports it as a note (info).
    writeFileSync(
      join(dir, 'notes', 'leak_test.go'),
      'package notes\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestLeak(t *testing.T) {\n\tch := make(chan int)\n' +
        '\tgo func() { ch <- 1 }()\n\tselect {\n\tcase <-ch:\n\tcase <-time.After(time.Second):\n' +
        '\t\tt.Fatal("timed out")\n\t}\n}\n',
    );
    const all = await assertReport(['lint', '-f', 'json', 'notes'], dir, 1);
    const findings = (JSON.parse(all.stdout) as { findings: { rule: string; severity: string }[] }).findings;
    assert.deepEqual(
      findings.map((finding) => `${finding.rule} ${finding.severity}`),
      ['goroutine-leak info'],
    );
    const text = await assertReport(['lint', 'notes'], dir, 1);
    assert.match(text.stdout, /^1 finding \(a note: --min-severity warning leaves it out\) in 1 file \(1 package\)$/m);
    const quiet = await assertReport(['lint', '--min-severity', 'warning', '-f', 'json', 'notes'], dir, 0);
    assert.deepEqual((JSON.parse(quiet.stdout) as { findings: unknown[] }).findings, []);
    assert.match(quiet.stderr, /^goroscope: 1 finding below warning not shown \(--min-severity\)$/m);
    // Errors stay whatever the level.
    assert.match((await assertReport(['lint', '--min-severity', 'error', 'bad'], dir, 1)).stdout, /double-close/);
    await assertUsageError(['lint', '--min-severity', 'note', 'bad'], dir, /--min-severity.*'note' is invalid/);
  });

  it('refuses -o naming a .go file it lints, named or found in a package', async () => {
    const dir = goWorkspace();
    await assertUsageError(['lint', '-o', 'bad/stop.go', 'bad/stop.go'], dir, /is also an input/);
    await assertUsageError(['lint', '-o', 'bad/stop.go', './...'], dir, /-o bad\/stop\.go: is also an input/);
    await assertUsageError(['lint', '-f', 'yaml', './...'], dir, /--format.*'yaml' is invalid/);
  });

  it('exits 2 for a named .go file it cannot read', async (t) => {
    const dir = goWorkspace();
    const file = join(dir, 'bad', 'private.go');
    if (process.getuid?.() !== 0) {
      writeFileSync(file, CLEAN_GO);
      chmodSync(file, 0o000);
    } else if (existsSync('/proc/self/mem')) {
      // root reads any mode; /proc/self/mem fails at offset 0 with EIO.
      symlinkSync('/proc/self/mem', file);
    } else {
      t.skip('running as root without /proc: no file root cannot read');
      return;
    }
    try {
      await assertUsageError(['lint', 'bad/private.go'], dir, /cannot read .*private\.go/);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('says how many nested modules ./... skipped, and lints them with --all-modules', async () => {
    const dir = goWorkspace();
    for (const name of ['tools', 'plugin']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'go.mod'), `module example.com/${name}\n\ngo 1.22\n`);
      writeFileSync(join(dir, name, 'stop.go'), DOUBLE_CLOSE_GO);
    }
    const skipped = await assertReport(['lint', '-f', 'json', './good/...', './tools/...', './...'], dir, 1);
    // tools was named by its own pattern; only plugin was skipped.
    assert.match(skipped.stderr, /^goroscope: skipped 1 nested module .*\nhint: add --all-modules to lint them too\n$/);
    const files = (JSON.parse(skipped.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
    assert.ok(
      files.some((file) => file.startsWith('tools')),
      files.join(', '),
    );
    assert.ok(!files.some((file) => file.startsWith('plugin')), files.join(', '));
    const root = await assertReport(['lint', './...'], dir, 1);
    assert.match(root.stderr, /^goroscope: skipped 2 nested modules /);

    const all = await assertReport(['lint', '-f', 'json', '--all-modules', './...'], dir, 1);
    assert.equal(all.stderr, '');
    const allFiles = (JSON.parse(all.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
    for (const name of ['bad', 'tools', 'plugin'])
      assert.ok(
        allFiles.some((file) => file.startsWith(name)),
        `${name}: ${allFiles.join(', ')}`,
      );

    // At a root holding only nested modules, ./... matches nothing: say why and how to include them.
    const onlyNested = join(dir, 'tools');
    rmSync(join(dir, 'go.mod'));
    for (const name of ['bad', 'good', 'docs']) rmSync(join(dir, name), { recursive: true });
    rmSync(join(onlyNested, 'stop.go'));
    writeFileSync(join(onlyNested, 'README.md'), '# tools\n');
    await assertUsageError(['lint', './...'], dir, /\.\/\.\.\. matched no packages outside the 2 nested module/);
  });
});

describe('test and stress: exit codes and messages', () => {
  it('take the same short options as explain and check every value before the first run', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'go.mod'), 'module example.com/contract\n\ngo 1.22\n');
    const marker = 'ran';
    const command = ['--', 'sh', '-c', `echo > ${marker}`];
    await assertUsageError(['stress', '-f', 'yaml', ...command], dir, /--format.*'yaml' is invalid/);
    await assertUsageError(['stress', '--count', '0', ...command], dir, /--count.*'0' is invalid/);
    await assertUsageError(['stress', '--parallel', 'two', ...command], dir, /--parallel.*'two' is invalid/);
    await assertUsageError(['stress', '--duration', '5 minutes', ...command], dir, /--duration.*is invalid/);
    await assertUsageError(['stress', '-o', 'missing/r.json', ...command], dir, /missing does not exist/);
    await assertUsageError(['stress', '-o', '.', ...command], dir, /-o \.: is a directory/);
    await assertUsageError(['test', '-f', 'yaml', './...'], dir, /--format.*'yaml' is invalid/);
    await assertUsageError(['test', '-o', 'missing/r.json', './...'], dir, /missing does not exist/);
    await assertUsageError(['test', '-o', 'go.mod', './...'], dir, /-o go\.mod: is also an input/);
    assert.equal(existsSync(join(dir, marker)), false, 'no run happened');
  });

  it('exit 2 outside a Go module (test) and without a command (stress)', async () => {
    const dir = workspace();
    await assertUsageError(['test', '--count', '2'], dir, /no go\.mod in .* or any parent directory/);
    await assertUsageError(['stress', '--count', '2'], dir, /stress needs a command to run/);
  });

  it('refuses -o naming the program stress runs', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'server.test'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await assertUsageError(['stress', '-o', 'server.test', '--', './server.test'], dir, /is also an input/);
  });

  it('exits 0 when every run is clean and 1 when a run failed, with -f and -o', async () => {
    const dir = workspace();
    const clean = await assertReport(['stress', '--count', '2', '--', 'true'], dir, 0);
    assert.match(clean.stdout, /All 2 run\(s\) clean/);
    const failed = await assertReport(['stress', '--count', '2', '-f', 'json', '-o', 'r.json', '--', 'false'], dir, 1);
    assert.equal(failed.stdout, '');
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { runs: number };
    assert.equal(report.runs, 2);
  });

  it('exits 130 on Ctrl-C, says it was interrupted and how many runs completed, never "clean"', async () => {
    const dir = workspace();
    let signalled = false;
    const outcome = await goroscope(['stress', '--count', '100000', '--', 'sh', '-c', 'sleep 0.05'], dir, {
      onStderr: (text, child) => {
        // Off a terminal a progress line comes every few seconds: interrupt after the first.
        if (!signalled && /[1-9]\d*\/\d+ run\(s\) done/.test(text)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(outcome.code, 130, outcome.stderr);
    assert.match(outcome.stdout, /Interrupted after [1-9]\d* completed run\(s\); nothing found so far\./);
    assert.doesNotMatch(outcome.stdout, /clean/);
  });

  it('exits 130 and says 0 runs completed when interrupted before the first run ended', async () => {
    const dir = workspace();
    const abort = new AbortController();
    abort.abort();
    const context = inProcessContext(dir, { signal: abort.signal });
    assert.equal(await run(['stress', '--count', '3', '--', 'true'], context), 130);
    assert.match(context.out.text, /Interrupted after 0 completed run\(s\); nothing found so far\./);
    assert.doesNotMatch(context.out.text, /clean/);
  });
});

describe('the words after --', () => {
  it('are what commander left at the end of the operands', () => {
    assert.deepEqual(wordsAfterDashDash(['test', './a', '--', '-run', 'X'], ['./a', '-run', 'X']), ['-run', 'X']);
    assert.deepEqual(wordsAfterDashDash(['test', './a'], ['./a']), []);
    assert.deepEqual(wordsAfterDashDash(['test', '--'], []), []);
    // `-o --` takes the -- as a value: the operands do not end with what follows it.
    assert.deepEqual(wordsAfterDashDash(['test', '-o', '--', './a'], []), []);
  });
});
