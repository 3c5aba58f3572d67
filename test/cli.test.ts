// The CLI as a user meets it: a real process, real exit codes, one-line errors with no stack trace.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, runCli, tempDir } from './helpers.js';

const example = join(repoRoot, 'examples', 'store-crash.log');

describe('goroscope explain (CLI)', () => {
  it('diagnoses the bundled example and exits 1', async () => {
    const run = await runCli(['explain', example]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /concurrent_map_writes/);
    assert.match(run.stdout, /cannot catch this/);
    assert.doesNotMatch(run.stdout, new RegExp(String.fromCharCode(27) + '\\['), 'NO_COLOR output has no escape codes');
    assert.equal(run.stderr, '');
  });

  it('prints the documented JSON contract', async () => {
    const run = await runCli(['explain', '--format', 'json', example]);
    assert.equal(run.code, 1, run.stderr);
    const result = JSON.parse(run.stdout) as Record<string, unknown> & { crashes: Record<string, unknown>[] };
    assert.equal(result['schemaVersion'], 2);
    assert.ok(Array.isArray(result['races']));
    const crash = result.crashes[0];
    assert.ok(crash);
    for (const field of [
      'kind',
      'message',
      'recoverable',
      'goroutine',
      'culprit',
      'goVersion',
      'goroutineCount',
      'groups',
      'leaks',
      'explanation',
      'fixes',
    ]) {
      assert.ok(field in crash, `crash.${field}`);
    }
    assert.equal(crash['kind'], 'concurrent_map_writes');
    assert.equal(crash['recoverable'], false);
  });

  it('reads standard input and writes Markdown', async () => {
    const run = await runCli(['explain', '--format', 'markdown', '-'], { stdin: readFileSync(example, 'utf8') });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^# goroscope diagnosis/);
    assert.match(run.stdout, /```go/);
  });

  it('writes the report to a file with -o', async () => {
    const out = join(tempDir('goroscope-'), 'report.json');
    const run = await runCli(['explain', '--format', 'json', '-o', out, example]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number }).schemaVersion, 2);
  });

  it('exits 0 and says so when a log holds no crash', async () => {
    const dir = tempDir('goroscope-');
    writeFileSync(join(dir, 'ok.log'), '=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\nok  \texample.com/a\t0.01s\n');
    const run = await runCli(['explain', join(dir, 'ok.log')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /No Go panic/);
  });

  it('a missing file is one line on stderr and exit 2, no stack trace', async () => {
    const run = await runCli(['explain', '/no/such/file.log']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^goroscope: .*\/no\/such\/file\.log/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('an unknown format is a usage error (exit 2)', async () => {
    const run = await runCli(['explain', '--format', 'yaml', example]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /yaml/);
  });

  it('--help and --version exit 0', async () => {
    assert.equal((await runCli(['--help'])).code, 0);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
  });
});

describe('goroscope explain on a map corrupted by a race (observed log)', () => {
  it('classifies the fault, blames the racing write and says it is likely a map race', async () => {
    const run = await runCli([
      'explain',
      '--format',
      'json',
      '--no-src',
      join(repoRoot, 'testdata', 'observed', 'map-corruption-fault.log'),
    ]);
    assert.equal(run.code, 1, run.stderr);
    const [crash] = (
      JSON.parse(run.stdout) as {
        crashes: { kind: string; culprit: { line: number }; recoverable: boolean; advice: string[] }[];
      }
    ).crashes;
    assert.ok(crash);
    assert.equal(crash.kind, 'unexpected_signal');
    assert.equal(crash.culprit.line, 48, 'recover.go:48 is the racing write in testdata/rules/recover-cannot-catch');
    assert.equal(crash.recoverable, false);
    assert.ok(crash.advice.some((a) => a.includes('inside the Go map implementation')));
  });
});

describe('goroscope explain on a goroutine dump', () => {
  it('does not talk about recover(): a pprof debug=2 dump is not a failure and the program goes on', async () => {
    const log = join(repoRoot, 'testdata', 'logs', 'go1.26.8', 'all', 'goroutine_dump--pprof_debug2.log');
    for (const format of ['text', 'markdown']) {
      const run = await runCli(['explain', '--no-src', '--format', format, log]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /goroutine_dump/);
      assert.doesNotMatch(run.stdout, /recover\(\)(:\*\*|: )/, `${format}: no recover() verdict`);
    }
  });
});
