#!/usr/bin/env node
// Records real crash output from the programs in testdata/crashes with real Go toolchains.
//
//   node scripts/record-crashes.mjs                 record everything (10-20 minutes)
//   node scripts/record-crashes.mjs --only nil_map_write,user_panic/string --versions 1.26.8
//
// For each program and toolchain it builds once in GOPATH mode (the program copied to
// /tmp/goroscope-gopath/src/example.com/crashes/<kind>/<shape>/ so that logs carry realistic
// paths), then runs it under each GOTRACEBACK setting with `ulimit -c 0`, capturing stdout and
// stderr into one file in the order they were printed. A run whose output does not show the
// failure its directory names is left out and listed under `skipped` in the manifest.
// Logs are written exactly as the program printed them; this script never edits one.
// Run by hand, not by tests. Needs scripts/toolchain.sh (and so a `go` and the module proxy).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const crashesDir = join(repo, 'testdata', 'crashes');
const logsDir = join(repo, 'testdata', 'logs');
const gopath = '/tmp/goroscope-gopath';
const importRoot = 'example.com/crashes';
const printedPaths = `${gopath}/src/${importRoot}/`;
const buildDir = '/tmp/goroscope-build';

const ALL = ['single', 'all', 'system', 'crash'];
const TWO = ['single', 'all'];
// Every GOTRACEBACK setting on three pivot versions, single and all elsewhere, to keep the repo small.
const TOOLCHAINS = [
  ['1.9.7', TWO],
  ['1.12.17', TWO],
  ['1.16.15', TWO],
  ['1.17.13', ALL],
  ['1.18.10', TWO],
  ['1.20.14', TWO],
  ['1.21.13', ALL],
  ['1.22.12', TWO],
  ['1.23.12', TWO],
  ['1.24.13', TWO],
  ['1.25.14', TWO],
  ['1.26.8', ALL],
  ['1.27.3', TWO],
];

// What each kind's output must contain for the run to count as that failure.
const EXPECT = {
  concurrent_map_writes: /^fatal error: concurrent map writes$/m,
  concurrent_map_read_write: /^fatal error: concurrent map read and map write$/m,
  concurrent_map_iteration_write: /^fatal error: concurrent map iteration and map write$/m,
  concurrent_map_clone_write: /^fatal error: concurrent map clone and map write$/m,
  nil_map_write: /^panic: assignment to entry in nil map/m,
  send_on_closed_channel: /^panic: send on closed channel/m,
  close_closed_channel: /^panic: close of closed channel/m,
  close_nil_channel: /^panic: close of nil channel/m,
  negative_waitgroup: /^panic: sync: negative WaitGroup counter/m,
  waitgroup_reuse: /^panic: sync: WaitGroup is reused before previous Wait has returned/m,
  waitgroup_add_during_wait: /^panic: sync: WaitGroup misuse: Add called concurrently with Wait/m,
  // Go 1.9 panics (recoverably) for a Mutex; later versions make all three fatal.
  unlock_of_unlocked:
    /^(fatal error|panic): sync: (unlock of unlocked mutex|Unlock of unlocked RWMutex|RUnlock of unlocked RWMutex)$/m,
  deadlock_all_asleep:
    /^fatal error: (all goroutines are asleep - deadlock!|no goroutines \(main called runtime\.Goexit\) - deadlock!)$/m,
  synctest_deadlock:
    /^panic: deadlock: (all goroutines in bubble are blocked|main bubble goroutine has exited but blocked goroutines remain)/m,
  synctest_outside_bubble:
    /^fatal error: (send on|receive on|close of|select on) synctest channel from outside bubble$/m,
  nil_pointer_deref: /invalid memory address or nil pointer dereference/,
  index_out_of_range: /^panic: runtime error: index out of range/m,
  slice_bounds_out_of_range: /^panic: runtime error: slice bounds out of range/m,
  divide_by_zero: /^panic: runtime error: integer divide by zero/m,
  type_assertion: /^panic: interface conversion: /m,
  stack_overflow: /^fatal error: stack overflow$/m,
  out_of_memory: /out of memory/,
  thread_exhaustion: /^fatal error: thread exhaustion$/m,
  test_timeout: /^panic: test timed out after 3s/m,
  unexpected_signal: /^(unexpected fault address|fatal error: unexpected signal during runtime execution)/m,
  goroutine_dump: /^(SIGQUIT: quit|goroutine \d+ \[running\]:)$/m,
  user_panic: /^panic: /m,
};

// Per-program run settings that differ from the default.
const SPECIAL = {
  'goroutine_dump/sigquit_server': { sigquitAfter: /^ready$/m },
  'goroutine_dump/pprof_debug2': { exitZero: true },
  'goroutine_dump/orphaned_senders': { exitZero: true },
  // 1.5 GiB of address space: enough for every runtime version to start, far less than the program wants.
  'out_of_memory/growing_buffers': { ulimitV: 1536 * 1024 },
};

const RUN_TIMEOUT_MS = 30_000;

function parseArgs(argv) {
  const opts = { only: null, versions: null };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--only') opts.only = argv[++i].split(',');
    else if (argv[i] === '--versions') opts.versions = argv[++i].split(',');
    else throw new Error(`unknown argument ${argv[i]}; use --only kind[/shape],... and --versions 1.x.y,...`);
  }
  return opts;
}

function listPrograms() {
  const programs = [];
  for (const kind of readdirSync(crashesDir).sort()) {
    if (!statSync(join(crashesDir, kind)).isDirectory()) continue;
    for (const shape of readdirSync(join(crashesDir, kind)).sort()) {
      const dir = join(crashesDir, kind, shape);
      const files = readdirSync(dir).filter((f) => f.endsWith('.go'));
      const main = files.find((f) => f.endsWith('_test.go')) ?? files.find((f) => f === 'main.go');
      if (main === undefined) throw new Error(`${dir}: no main.go or _test.go`);
      const text = readFileSync(join(dir, main), 'utf8');
      const minGo = /^\/\/ min-go: (1\.\d+)/.exec(text);
      const culprits = [];
      for (const file of files) {
        const lines = readFileSync(join(dir, file), 'utf8').split('\n');
        for (let i = 0; i < lines.length; i++) {
          if (/\/\/ culprit\s*$/.test(lines[i])) culprits.push({ file, line: i + 1 });
        }
      }
      if (culprits.length === 0) throw new Error(`${dir}: no // culprit marker`);
      programs.push({
        kind,
        shape,
        dir,
        main,
        isTest: main.endsWith('_test.go'),
        minGo: minGo ? minGo[1] : null,
        culprits,
        pkg: `${importRoot}/${kind}/${shape}`,
      });
    }
  }
  return programs;
}

function minor(version) {
  return Number(version.split('.')[1]);
}

function toolchainRoot(version) {
  const r = spawnSync(join(repo, 'scripts', 'toolchain.sh'), [`go${version}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`toolchain.sh go${version} failed: ${r.stderr}`);
  return r.stdout.trim();
}

function goEnv(goroot, version, gotraceback) {
  const env = {
    PATH: `${goroot}/bin:/usr/local/bin:/usr/bin:/bin`,
    HOME: process.env.HOME ?? '/root',
    GOROOT: goroot,
    GOPATH: gopath,
    GO111MODULE: 'off',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
    // Ignore a user's 'go env -w' settings, which older toolchains may not understand.
    GOENV: 'off',
    GOCACHE: `/tmp/goroscope-gocache/${version}`,
    CGO_ENABLED: '0',
    LANG: 'C',
  };
  if (gotraceback !== undefined) env.GOTRACEBACK = gotraceback;
  return env;
}

function build(p, version, goroot) {
  const out = join(buildDir, version, `${p.kind}--${p.shape}`);
  mkdirSync(dirname(out), { recursive: true });
  const args = p.isTest ? ['test', '-c', '-o', out, p.pkg] : ['build', '-o', out, p.pkg];
  const r = spawnSync('go', args, { env: goEnv(goroot, version), encoding: 'utf8', cwd: join(gopath, 'src', p.pkg) });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ') };
  return { binary: out };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Runs one recording; resolves with { code, signal, timedOut }.
async function runOnce(p, version, goroot, binary, gotraceback, logPath) {
  const special = SPECIAL[`${p.kind}/${p.shape}`] ?? {};
  const limits = ['ulimit -c 0'];
  if (special.ulimitV !== undefined) limits.push(`ulimit -v ${special.ulimitV}`);
  // Test programs are run through `go test`, as a developer would see them.
  const command = p.isTest ? ['go', 'test', '-count=1', '-timeout', '3s', p.pkg] : [binary];
  const fd = openSync(logPath, 'w');
  const child = spawn('bash', ['-c', `${limits.join('; ')}; exec "$@"`, 'record', ...command], {
    env: goEnv(goroot, version, gotraceback),
    cwd: join(gopath, 'src', p.pkg),
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let timedOut = false;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, RUN_TIMEOUT_MS);
  if (special.sigquitAfter !== undefined) {
    let done = false;
    exited.then(() => {
      done = true;
    });
    while (!done && !timedOut) {
      if (special.sigquitAfter.test(readFileSync(logPath, 'utf8'))) {
        child.kill('SIGQUIT');
        break;
      }
      await sleep(50);
    }
  }
  const { code, signal } = await exited;
  clearTimeout(timer);
  return { code, signal, timedOut };
}

async function main() {
  const opts = parseArgs(process.argv);
  const started = Date.now();
  let programs = listPrograms();
  if (opts.only !== null) {
    programs = programs.filter((p) => opts.only.some((o) => o === p.kind || o === `${p.kind}/${p.shape}`));
  }
  const toolchains = opts.versions === null ? TOOLCHAINS : TOOLCHAINS.filter(([v]) => opts.versions.includes(v));

  // Place every program at its realistic GOPATH path.
  rmSync(join(gopath, 'src', importRoot), { recursive: true, force: true });
  for (const p of listPrograms()) cpSync(p.dir, join(gopath, 'src', p.pkg), { recursive: true });

  const manifestPath = join(logsDir, 'manifest.json');
  // A partial re-recording keeps the entries it did not touch.
  let previous = { recordings: [], skipped: [] };
  if ((opts.only !== null || opts.versions !== null) && existsSync(manifestPath)) {
    previous = JSON.parse(readFileSync(manifestPath, 'utf8'));
  }
  const touched = (kind, shape, version) =>
    programs.some((p) => p.kind === kind && p.shape === shape) && toolchains.some(([v]) => v === version);
  if (opts.only === null && opts.versions === null) {
    // A full recording starts from nothing, so logs of removed programs do not linger.
    for (const d of existsSync(logsDir) ? readdirSync(logsDir) : []) {
      if (d.startsWith('go')) rmSync(join(logsDir, d), { recursive: true, force: true });
    }
  }
  const dropLogs = (p, version, settings) => {
    for (const g of settings) rmSync(join(logsDir, `go${version}`, g, `${p.kind}--${p.shape}.log`), { force: true });
  };
  const recordings = previous.recordings.filter((r) => !touched(r.kind, r.shape, r.goVersion));
  const skipped = previous.skipped.filter((s) => !touched(s.kind, s.shape, s.goVersion));

  for (const [version, settings] of toolchains) {
    const goroot = toolchainRoot(version);
    console.error(`== go${version} (${goroot})`);
    for (const p of programs) {
      const base = { kind: p.kind, shape: p.shape, goVersion: version };
      if (p.minGo !== null && minor(version) < minor(p.minGo)) {
        skipped.push({ ...base, gotraceback: settings, reason: `needs go >= ${p.minGo}` });
        dropLogs(p, version, settings);
        continue;
      }
      const b = build(p, version, goroot);
      if (b.error !== undefined) {
        skipped.push({ ...base, gotraceback: settings, reason: `build failed: ${b.error}` });
        console.error(`   build failed ${p.kind}/${p.shape}: ${b.error}`);
        dropLogs(p, version, settings);
        continue;
      }
      for (const gotraceback of settings) {
        const rel = join(`go${version}`, gotraceback, `${p.kind}--${p.shape}.log`);
        const logPath = join(logsDir, rel);
        mkdirSync(dirname(logPath), { recursive: true });
        const t0 = Date.now();
        const r = await runOnce(p, version, goroot, b.binary, gotraceback, logPath);
        const text = readFileSync(logPath, 'utf8');
        // A death by signal is reported as a shell would: 128 + the signal number.
        const exitCode = r.code ?? 128 + (constants.signals[r.signal] ?? 0);
        const special = SPECIAL[`${p.kind}/${p.shape}`] ?? {};
        let reason = null;
        if (r.timedOut) reason = `no failure within ${RUN_TIMEOUT_MS / 1000}s (killed)`;
        else if (!EXPECT[p.kind].test(text)) reason = `output does not show ${p.kind}: ${firstFailureLine(text)}`;
        else if (special.exitZero === true ? exitCode !== 0 : exitCode === 0)
          reason = `unexpected exit code ${exitCode}`;
        const ms = Date.now() - t0;
        if (reason !== null) {
          rmSync(logPath);
          skipped.push({ ...base, gotraceback: [gotraceback], reason });
          console.error(`   skip ${rel}: ${reason}`);
          continue;
        }
        const entry = {
          log: rel,
          program: relative(repo, join(p.dir, p.main)),
          kind: p.kind,
          shape: p.shape,
          culprits: p.culprits,
          goVersion: version,
          gotraceback,
          exitCode,
          printedPaths,
        };
        if (r.signal !== null) entry.signal = r.signal;
        recordings.push(entry);
        console.error(`   ok ${rel} exit=${exitCode}${r.signal ? ' ' + r.signal : ''} ${ms}ms ${text.length}B`);
      }
    }
  }

  const order = (a, b) =>
    a.goVersion.localeCompare(b.goVersion, 'en', { numeric: true }) ||
    a.kind.localeCompare(b.kind) ||
    a.shape.localeCompare(b.shape) ||
    String(a.gotraceback).localeCompare(String(b.gotraceback));
  recordings.sort(order);
  skipped.sort(order);
  writeFileSync(manifestPath, JSON.stringify({ recordings, skipped }, null, 2) + '\n');
  console.error(
    `recorded ${recordings.length}, skipped ${skipped.length}, ${Math.round((Date.now() - started) / 1000)}s`,
  );
}

function firstFailureLine(text) {
  const line = text.split('\n').find((l) => /^(panic|fatal error|SIGQUIT|FAIL|unexpected)/.test(l));
  return JSON.stringify((line ?? text.split('\n')[0] ?? '').slice(0, 120));
}

await main();
