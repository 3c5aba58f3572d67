// Shared helpers of the benchmarks: paths, building the Go tools, generating the dumps, counting goroutines
// in a dump, and running a command while measuring its wall time and peak memory.

import { spawn, spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  openSync,
  closeSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = dirname(benchDir);
export const outDir = join(benchDir, 'out');
export const binDir = join(outDir, 'bin');

/** The dumps the benchmark times. `via` is how gen-dump makes the runtime print them. */
export const DUMPS = {
  quit: {
    file: join(outDir, 'dump-200k.log'),
    via: 'quit',
    what: 'SIGQUIT, GOTRACEBACK=all (the runtime prints SIGQUIT dumps at system level)',
  },
  panic: {
    file: join(outDir, 'dump-200k-panic.log'),
    via: 'panic',
    what: 'panic in main, GOTRACEBACK=all',
  },
  short: {
    file: join(outDir, 'dump-200k-short.log'),
    via: 'panic',
    args: ['-short'],
    what: 'panic in main, GOTRACEBACK=all, mostly short stacks (about 90 MB)',
  },
};

export const GOROUTINES = 200_000;

/** GNU time, for the peak RSS of a child; undefined when not installed. */
export const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

export function log(message) {
  process.stderr.write(message + '\n');
}

/** Runs a command to completion with inherited stderr; returns its status. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.error) return { ok: false, reason: r.error.message };
  return { ok: r.status === 0, reason: `exit status ${r.status}` };
}

export function haveGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Builds bench/gen-dump and bench/gostackparse into bench/out/bin (go build is incremental). */
export function buildGoTools() {
  mkdirSync(binDir, { recursive: true });
  const result = {};
  for (const [name, dir] of [
    ['gen-dump', 'gen-dump'],
    ['gostackparse-bench', 'gostackparse'],
  ]) {
    const r = run('go', ['build', '-o', join(binDir, name), '.'], { cwd: join(benchDir, dir) });
    result[name] = r.ok ? join(binDir, name) : undefined;
    if (!r.ok) log(`bench: building ${name} failed (${r.reason})`);
  }
  return result;
}

/** Installs panicparse's pp into bench/out/bin unless it is already there. */
export function ensurePanicparse() {
  const pp = join(binDir, 'pp');
  if (existsSync(pp)) return pp;
  log('bench: installing github.com/maruel/panicparse/v2/cmd/pp@latest into bench/out/bin');
  const r = run('go', ['install', 'github.com/maruel/panicparse/v2/cmd/pp@latest'], {
    env: { ...process.env, GOBIN: binDir },
  });
  if (!r.ok) log(`bench: installing pp failed (${r.reason})`);
  return r.ok && existsSync(pp) ? pp : undefined;
}

/** The module version a Go binary was built from, e.g. "v2.5.0"; undefined if unknown. */
export function goBinaryVersion(binary, modulePath) {
  const r = spawnSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  for (const line of r.stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if ((f[0] === 'mod' || f[0] === 'dep') && f[1] === modulePath) return f[2];
  }
  return undefined;
}

/**
 * Runs gen-dump so the Go runtime prints `n` goroutines into `file`; writes gen-dump's JSON summary plus the
 * number of goroutine headers in the dump to `file` with .json instead of .log. Returns that summary.
 */
export async function generateDump(genDump, file, { n = GOROUTINES, via = 'quit', extraArgs = [] } = {}) {
  mkdirSync(dirname(file), { recursive: true });
  const err = openSync(file, 'w');
  const started = Date.now();
  const r = spawnSync(genDump, ['-n', String(n), '-via', via, ...extraArgs], {
    stdio: ['ignore', 'pipe', err],
    env: { ...process.env, GOTRACEBACK: 'all' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  closeSync(err);
  // The runtime exits with status 2 after printing a fatal signal or panic.
  if (r.status !== 2) throw new Error(`gen-dump exited with ${r.status ?? r.signal}, not 2: ${file} is not a dump`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop());
  summary.headers = await countGoroutineHeaders(file);
  summary.bytes = statSync(file).size;
  summary.generateSeconds = (Date.now() - started) / 1000;
  writeFileSync(metaPath(file), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

export function metaPath(file) {
  return file.replace(/\.log$/, '.json');
}

export function readMeta(file) {
  const p = metaPath(file);
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : undefined;
}

/**
 * Counts the `goroutine N [` / `goroutine N gp=` header lines the Go runtime printed: the true number of
 * goroutines in the dump, independent of any parser under test.
 */
export async function countGoroutineHeaders(file) {
  const header = /^goroutine \d+ /;
  let count = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      if (text.startsWith('goroutine ', start) && header.test(text.slice(start, Math.min(nl, start + 40)))) count++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (header.test(rest)) count++;
  return count;
}

/** Reads a file once so that every timed command finds it in the page cache. */
export async function warmCache(file) {
  // eslint-disable-next-line no-unused-vars -- reading is the point
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 22 })) {
    // nothing: reading is the point
  }
}

/**
 * Runs `command args`, stdin from `stdinFile` (or none), stdout to `stdoutFile` (or /dev/null). Measures wall
 * time around the process and its peak RSS: with GNU time (-f %M) when installed, else by sampling VmHWM
 * in /proc/<pid>/status every 5 ms (the high-water mark, so only growth in the last few ms can be missed).
 * With GNU time it also reports user + system CPU seconds, which the load of other processes disturbs less.
 * Returns { seconds, cpuSeconds, peakRssMB, code, signal, stderr, rssMethod }.
 */
export async function measure(command, args, { stdoutFile, stdinFile, env, cwd = root } = {}) {
  const stdout = openSync(stdoutFile ?? '/dev/null', 'w');
  const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
  const rssFile = join(outDir, `.rss-${process.pid}`);
  const argv =
    gnuTime === undefined ? [command, ...args] : [gnuTime, '-f', '%M %U %S', '-o', rssFile, '--', command, ...args];
  const started = process.hrtime.bigint();
  const child = spawn(argv[0], argv.slice(1), { stdio: [stdin, stdout, 'pipe'], env: env ?? process.env, cwd });
  let hwmKB = 0;
  let timer;
  if (gnuTime === undefined) {
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m !== null && Number(m[1]) > hwmKB) hwmKB = Number(m[1]);
      } catch {
        // the process is gone
      }
    };
    timer = setInterval(sample, 5);
    sample();
  }
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s) => {
    if (stderr.length < 1 << 16) stderr += s;
  });
  const { code, signal } = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (timer !== undefined) clearInterval(timer);
  closeSync(stdout);
  if (typeof stdin === 'number') closeSync(stdin);
  let peakRssMB;
  let cpuSeconds;
  let childCode = code;
  if (gnuTime !== undefined) {
    // GNU time writes "Command exited with non-zero status N" before its line when the command failed.
    const lines = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n') : [];
    const [kb, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
    if (Number.isFinite(kb) && lines.length > 0) peakRssMB = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user + sys;
    const m = /Command terminated by signal (\d+)/.exec(lines.join('\n'));
    if (m !== null) childCode = null;
  } else {
    peakRssMB = hwmKB > 0 ? hwmKB / 1024 : undefined;
  }
  return {
    seconds,
    cpuSeconds,
    peakRssMB,
    code: childCode,
    signal,
    stderr,
    rssMethod: gnuTime === undefined ? 'VmHWM sampling' : 'GNU time %M',
  };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
