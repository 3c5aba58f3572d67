// `npm run bench:identical` (also the first part of `npm run bench`): peak RSS of `goroscope explain --format json`
// on a log holding the same real crash many times over, the shape of a service that crashed and restarted in a
// loop. Identical crashes fold into one entry while streaming, so memory must not grow with the count.
//
// The log is one recorded crash (testdata/logs, GOTRACEBACK=all, four goroutines) repeated N times, generated on
// the fly and piped into the real CLI: 1,000,000 copies are 550 MB that never touch the disk. Peak RSS comes from
// GNU time (-f %M) when installed, else from sampling VmHWM in /proc/<pid>/status.
//
// Options: --counts 10000,1000000   --log testdata/logs/.../x.log

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gnuTime, outDir, root } from './lib.mjs';

const options = {
  counts: [10_000, 1_000_000],
  log: join(root, 'testdata', 'logs', 'go1.25.14', 'all', 'concurrent_map_writes--plain.log'),
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[++i];
  if (v === undefined) throw new Error(`${a} needs a value`);
  if (a === '--counts') options.counts = v.split(',').map((n) => Number.parseInt(n, 10));
  else if (a === '--log') options.log = v;
  else throw new Error(`unknown option ${a} (see the header of bench/identical-crashes.mjs)`);
}

const cli = join(root, 'bin', 'goroscope');
if (!existsSync(join(root, 'dist', 'src', 'explain.js'))) throw new Error('build first: npx tsc -p .');
mkdirSync(outDir, { recursive: true });
const crash = readFileSync(options.log);
const separated = Buffer.concat([crash, crash[crash.length - 1] === 10 ? Buffer.alloc(0) : Buffer.from('\n')]);

/** Pipes `count` copies of the crash into the CLI; returns peak RSS (MB), seconds and the parsed report. */
async function run(count) {
  const rssFile = join(outDir, `.rss-identical-${process.pid}`);
  const args = [cli, 'explain', '--format', 'json', '--no-src', '-'];
  const argv =
    gnuTime === undefined
      ? [process.execPath, ...args]
      : [gnuTime, '-f', '%M', '-o', rssFile, '--', process.execPath, ...args];
  const started = process.hrtime.bigint();
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], cwd: root });
  let hwmKB = 0;
  const timer =
    gnuTime === undefined
      ? setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m !== null) hwmKB = Math.max(hwmKB, Number(m[1]));
          } catch {
            // the process is gone
          }
        }, 5)
      : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
  const closed = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  // A thousand copies per write, waiting for the pipe to drain: the generator never holds more than one batch.
  const perWrite = 1000;
  const batch = Buffer.concat(Array.from({ length: perWrite }, () => separated));
  for (let written = 0; written < count; written += perWrite) {
    const n = Math.min(perWrite, count - written);
    const data = n === perWrite ? batch : batch.subarray(0, n * separated.length);
    if (!child.stdin.write(data)) await new Promise((resolve) => child.stdin.once('drain', resolve));
  }
  child.stdin.end();
  const code = await closed;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (timer !== undefined) clearInterval(timer);
  let peakRssMB = hwmKB / 1024;
  if (gnuTime !== undefined) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    peakRssMB = Number(lines[lines.length - 1]) / 1024;
    rmSync(rssFile, { force: true });
  }
  if (code !== 1)
    throw new Error(`goroscope exited with ${code} (want 1, crash found): ${stderr.trim().split('\n')[0]}`);
  return { peakRssMB, seconds, report: JSON.parse(stdout), bytes: count * separated.length };
}

console.log(`identical crashes: ${options.log.slice(root.length + 1)} (${separated.length} bytes) repeated`);
console.log('copies      input MB   entries  occurrences  peak RSS MB  seconds');
const rows = [];
for (const count of options.counts) {
  const { peakRssMB, seconds, report, bytes } = await run(count);
  const occurrences = report.crashes.reduce((sum, c) => sum + (c.occurrences ?? 1), 0);
  if (occurrences !== count) throw new Error(`${count} copies reported as ${occurrences} occurrences`);
  rows.push({ count, peakRssMB });
  console.log(
    `${String(count).padEnd(11)} ${(bytes / 1e6).toFixed(0).padStart(8)}  ` +
      `${String(report.crashes.length).padStart(8)}  ${String(occurrences).padStart(11)}  ` +
      `${peakRssMB.toFixed(0).padStart(11)}  ${seconds.toFixed(1).padStart(7)}`,
  );
}
if (rows.length >= 2) {
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log(
    `peak RSS ratio ${last.count}/${first.count} copies: ${(last.peakRssMB / first.peakRssMB).toFixed(2)}x for ` +
      `${(last.count / first.count).toFixed(0)}x the crashes`,
  );
}
