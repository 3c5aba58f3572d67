// Scale: a ~1 GB goroutine dump streamed through `goroscope explain - --format json` must finish with bounded
// memory and count every goroutine. Its time is printed, not asserted (speed is measured by npm run bench).
//
// The dump is made here, never stored: bench/gen-dump (a Go program) starts a few thousand goroutines in a few
// dozen realistic stacks and raises SIGQUIT, so the Go runtime prints a real dump (the template); then
// bench/big-dump.mjs repeats the template's goroutine blocks with renumbered ids into goroscope's standard
// input until about 1 GB went through. The expected goroutine count is computed from the runtime's own
// `goroutine N ...` header lines in the template and the number of copies, never from goroscope's output.
//
// Needs `go` on PATH (skipped otherwise). GOROSCOPE_SCALE_BYTES overrides the size (0 skips the test);
// GOROSCOPE_BIN overrides the CLI (default bin/goroscope).

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempDir } from './helpers.js';

const root = repoRoot;
const cli = process.env['GOROSCOPE_BIN'] ?? join(root, 'bin', 'goroscope');
const targetBytes = Number(process.env['GOROSCOPE_SCALE_BYTES'] ?? 1e9);
/**
 * Peak RSS allowed for the goroscope process. Memory must not grow with the input: on 2026-11-22 (Node 20,
 * 2 cores) a 1 GB stream peaked at 126 MB. gostackparse, which keeps every goroutine, peaked at 747 MB on a
 * dump a quarter this size (bench/), so 300 MB catches a pipeline that starts keeping goroutines.
 */
const MAX_RSS_MB = 300;
/** Far beyond any plausible run (about 30 s here); only a hang gets there. */
const HANG_MS = 8 * 60_000;

const haveGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const skip = targetBytes === 0 ? 'GOROSCOPE_SCALE_BYTES=0' : haveGo ? false : 'needs go on PATH';
const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

interface ExplainJson {
  schemaVersion: number;
  crashes: { kind: string; goroutineCount: number; groups: { count: number; state: string }[] }[];
  races: unknown[];
}

/**
 * Makes a real SIGQUIT dump of about `n` goroutines with bench/gen-dump; returns its text and the runtime's own count.
 */
function makeTemplate(dir: string, n: number): { text: string; numGoroutine: number } {
  const genDump = join(dir, 'gen-dump');
  const build = spawnSync('go', ['build', '-o', genDump, '.'], {
    cwd: join(root, 'bench', 'gen-dump'),
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `go build bench/gen-dump failed: ${build.stderr}`);
  const file = join(dir, 'template.log');
  const err = openSync(file, 'w');
  const run = spawnSync(genDump, ['-n', String(n), '-via', 'quit', '-http', '20', '-tcp', '50', '-pipes', '10'], {
    stdio: ['ignore', 'pipe', err],
    env: { ...process.env, GOTRACEBACK: 'all' },
    encoding: 'utf8',
  });
  closeSync(err);
  // A Go program killed by SIGQUIT exits with status 2 after printing the dump.
  assert.equal(run.status, 2, `gen-dump should die of SIGQUIT with status 2, got ${run.status}`);
  const summary = JSON.parse(run.stdout.trim()) as { goroutines: number };
  return { text: readFileSync(file, 'utf8'), numGoroutine: summary.goroutines };
}

/** Goroutine ids in the order the runtime printed their `goroutine N ...` headers. */
function headerIds(text: string): number[] {
  const ids: number[] = [];
  for (const m of text.matchAll(/^goroutine (\d+) /gm)) ids.push(Number(m[1]));
  return ids;
}

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMB: number | undefined;
  cpuSeconds: number | undefined;
  generator: { goroutines: number; bytes: number; copies: number; templateGoroutines: number; complete: boolean };
}

/** Streams the big dump from bench/big-dump.mjs into `goroscope explain - --format json`, measuring the latter. */
function streamThroughExplain(templateFile: string, dir: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const generator = spawn(
      process.execPath,
      [join(root, 'bench', 'big-dump.mjs'), '--template', templateFile, '--bytes', String(targetBytes)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const rssFile = join(dir, 'rss');
    const command = [process.execPath, cli, 'explain', '-', '--format', 'json'];
    const argv = gnuTime === undefined ? command : [gnuTime, '-f', '%M %U %S', '-o', rssFile, '--', ...command];
    const started = process.hrtime.bigint();
    // Its own process group, so a run over the limit can be killed together with the node under GNU time.
    const child = spawn(argv[0] ?? process.execPath, argv.slice(1), {
      stdio: [generator.stdout, 'pipe', 'pipe'],
      cwd: root,
      detached: true,
    });
    // The child has its own copy of the pipe's read end; this process must not read from it.
    generator.stdout.destroy();
    // Without GNU time, sample the kernel's high-water mark of the child's resident set.
    let hwmKB = 0;
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'));
        if (m?.[1] !== undefined && Number(m[1]) > hwmKB) hwmKB = Number(m[1]);
      } catch {
        // the process has exited
      }
    };
    const timer = gnuTime === undefined ? setInterval(sample, 5) : undefined;
    // A hang is a failure, not a slow run: stop it rather than block the suite.
    const killer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, HANG_MS);
    let stdout = '';
    let stderr = '';
    let generatorErr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    generator.stderr.setEncoding('utf8').on('data', (s: string) => (generatorErr += s));
    child.on('error', reject);
    generator.on('error', reject);
    let childDone: { code: number | null; seconds: number } | undefined;
    let generatorDone = false;
    const finish = (): void => {
      if (childDone === undefined || !generatorDone) return;
      clearTimeout(killer);
      if (timer !== undefined) clearInterval(timer);
      let peakRssMB = hwmKB > 0 ? hwmKB / 1024 : undefined;
      let cpuSeconds: number | undefined;
      if (gnuTime !== undefined && existsSync(rssFile)) {
        // The last line is "%M %U %S"; a failed command adds a line before it.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        const [kb, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
        if (kb !== undefined && Number.isFinite(kb)) peakRssMB = kb / 1024;
        if (user !== undefined && sys !== undefined && Number.isFinite(user + sys)) cpuSeconds = user + sys;
      }
      const summaryLine = generatorErr.trim().split('\n').pop() ?? '';
      let generatorSummary: Measured['generator'];
      try {
        generatorSummary = JSON.parse(summaryLine) as Measured['generator'];
      } catch {
        reject(new Error(`big-dump.mjs failed: ${generatorErr}`));
        return;
      }
      resolve({
        code: childDone.code,
        stdout,
        stderr,
        seconds: childDone.seconds,
        peakRssMB,
        cpuSeconds,
        generator: generatorSummary,
      });
    };
    child.on('close', (code) => {
      childDone = { code, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
      finish();
    });
    generator.on('close', () => {
      generatorDone = true;
      finish();
    });
  });
}

test(
  'explain streams a 1 GB goroutine dump in bounded memory and counts every goroutine',
  { skip, timeout: 10 * 60_000 },
  async () => {
    const dir = tempDir('goroscope-scale-');
    try {
      const template = makeTemplate(dir, 3000);
      const ids = headerIds(template.text);
      // At SIGQUIT the runtime prints system goroutines and each idle thread's goroutine 0 besides the ones
      // runtime.NumGoroutine counts, so the dump has at least that many.
      assert.ok(
        ids.length >= template.numGoroutine,
        `template has ${ids.length} goroutines, NumGoroutine said ${template.numGoroutine}`,
      );
      // big-dump.mjs repeats every block except the first and goroutine 0 blocks.
      const repeated = ids.filter((id, i) => i > 0 && id !== 0).length;

      const templateFile = join(dir, 'template.log');
      const run = await streamThroughExplain(templateFile, dir);
      // explain exits 1 when it diagnosed something; a dump is always diagnosed.
      assert.equal(run.code, 1, `goroscope explain exited with ${run.code}: ${run.stderr.slice(0, 500)}`);
      assert.ok(run.generator.complete, 'goroscope stopped reading before the end of the dump');
      const expected = ids.length + (run.generator.copies - 1) * repeated;
      assert.equal(run.generator.goroutines, expected, 'big-dump.mjs and this test disagree on the goroutine count');
      assert.ok(run.generator.bytes >= targetBytes, `only ${run.generator.bytes} bytes were generated`);

      const result = JSON.parse(run.stdout) as ExplainJson;
      assert.equal(result.schemaVersion, 2);
      assert.deepEqual(result.races, []);
      assert.equal(result.crashes.length, 1, 'one SIGQUIT dump is one crash entry');
      const crash = result.crashes[0];
      assert.ok(crash !== undefined);
      assert.equal(crash.kind, 'goroutine_dump');
      assert.equal(crash.goroutineCount, expected);
      let inGroups = 0;
      for (const b of crash.groups) inGroups += b.count;
      assert.equal(inGroups, expected, 'every goroutine is in exactly one group');
      // Copies have the same stacks as the template, so the groups must not multiply with the input size.
      assert.ok(
        crash.groups.length <= repeated,
        `${crash.groups.length} groups for ${repeated} distinct template goroutines`,
      );

      const mb = run.generator.bytes / 1e6;
      const rss = run.peakRssMB === undefined ? 'unknown' : run.peakRssMB.toFixed(0);
      const cpu = run.cpuSeconds === undefined ? 'unknown' : run.cpuSeconds.toFixed(1);
      const summary =
        `${mb.toFixed(0)} MB, ${expected} goroutines in ${run.seconds.toFixed(1)} s wall ` +
        `(${(mb / run.seconds).toFixed(1)} MB/s), ${cpu} s CPU, peak RSS ${rss} MB`;
      console.log(`scale: ${summary}`);
      assert.ok(run.peakRssMB !== undefined, 'peak RSS could not be measured');
      assert.ok(run.peakRssMB < MAX_RSS_MB, `peak RSS ${rss} MB; the limit is ${MAX_RSS_MB} MB`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
