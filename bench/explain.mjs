// `npm run bench`: times `goroscope explain FILE --format json` against DataDog/gostackparse and
// maruel/panicparse (pp) on the same large, real goroutine dumps, in one run.
//
// Builds what is missing (bench/out/bin/gen-dump, gostackparse-bench, pp; dist/ if absent), generates the dumps
// if absent (about two minutes each: the runtime writes a dump in many small writes), then runs every tool
// --iterations times on each dump, checks each tool's goroutine count against the dump's own headers, and
// prints median wall time, MB/s, CPU time and peak RSS, and the ratios goroscope/gostackparse and goroscope/pp.
//
// Options:
//   --iterations N     timed runs per tool and dump (default 3)
//   --dumps panic,short,quit which dumps (default all three; gostackparse cannot read the SIGQUIT format, see
//                      README.md)
//   --tools goroscope,gostackparse,pp
//   --cli PATH         the goroscope entry point to time, run with node (default bin/goroscope)
//   --regenerate       make the dumps again
// Results are also written to bench/out/results.json.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  DUMPS,
  buildGoTools,
  countGoroutineHeaders,
  ensurePanicparse,
  generateDump,
  gnuTime,
  goBinaryVersion,
  haveGo,
  log,
  measure,
  median,
  outDir,
  readMeta,
  root,
  warmCache,
} from './lib.mjs';

function parseArgs(argv) {
  const options = {
    iterations: 3,
    dumps: ['panic', 'short', 'quit'],
    tools: ['goroscope', 'gostackparse', 'pp'],
    cli: join(root, 'bin', 'goroscope'),
    regenerate: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--iterations') options.iterations = Number.parseInt(value(), 10);
    else if (a === '--dumps') options.dumps = value().split(',');
    else if (a === '--tools') options.tools = value().split(',');
    else if (a === '--cli') options.cli = value();
    else if (a === '--regenerate') options.regenerate = true;
    else throw new Error(`unknown option ${a} (see the header of bench/explain.mjs)`);
  }
  if (!(options.iterations >= 1)) throw new Error('--iterations takes a whole number >= 1');
  for (const d of options.dumps) if (!(d in DUMPS)) throw new Error(`--dumps: unknown dump ${d}`);
  return options;
}

/** Why goroscope cannot be timed, or undefined when it can: it must turn a small real dump into explain JSON.
 * (Whether its answer is right is checked on the big dump, against the runtime's own goroutine headers.) */
function goroscopeProblem(cli, sampleFile) {
  if (!existsSync(cli)) return `${cli} does not exist`;
  const r = spawnSync(process.execPath, [cli, 'explain', sampleFile, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    cwd: root,
  });
  if (r.error) return r.error.message;
  if (r.status !== 0 && r.status !== 1)
    return `exit status ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`;
  try {
    const result = JSON.parse(r.stdout);
    if (result.schemaVersion !== 2 || !Array.isArray(result.crashes))
      return 'its output is not explain JSON (schemaVersion 2)';
  } catch {
    return `its output is not JSON: ${r.stdout.slice(0, 80)}`;
  }
  return undefined;
}

/** Checks one tool's output against the true goroutine count; returns a short note. */
function verify(tool, stdoutFile, expected) {
  if (tool === 'goroscope') {
    const result = JSON.parse(readFileSync(stdoutFile, 'utf8'));
    const goroutines = result.crashes.reduce((n, c) => n + c.goroutineCount, 0);
    const groups = result.crashes.reduce((n, c) => n + c.groups.length, 0);
    const ok = goroutines === expected;
    return { ok, note: `${goroutines} goroutines, ${groups} groups${ok ? '' : ` (WRONG: the dump has ${expected})`}` };
  }
  if (tool === 'gostackparse') {
    const text = readFileSync(stdoutFile, 'utf8');
    const m = /goroutines (\d+) frames (\d+) groups (\d+) errors (\d+)/.exec(text);
    if (m === null) return { ok: false, note: `unexpected output: ${text.slice(0, 80)}` };
    const goroutines = Number(m[1]);
    const ok = goroutines === expected;
    const firstError = /first error: (.*)/.exec(text)?.[1];
    return {
      ok,
      note:
        `${goroutines} goroutines, ${m[3]} groups, ${m[4]} ` +
        `errors${ok ? '' : ` (WRONG: the dump has ${expected}; ${firstError ?? ''})`}`,
    };
  }
  // pp prints one line "N: state ..." per group (the count is omitted when it is 1).
  const text = readFileSync(stdoutFile, 'utf8');
  let groups = 0;
  let goroutines = 0;
  for (const line of text.split('\n')) {
    const m = /^(\d+): /.exec(line);
    if (m !== null) {
      groups++;
      goroutines += Number(m[1]);
    }
  }
  const ok = goroutines === expected;
  return { ok, note: `${goroutines} goroutines, ${groups} groups${ok ? '' : ` (WRONG: the dump has ${expected})`}` };
}

function fmt(n, digits = 1) {
  return n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function pad(s, n, right = false) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!haveGo()) throw new Error('bench needs the go command (Go >= 1.22) on PATH');
  const tools = buildGoTools();
  if (tools['gen-dump'] === undefined) throw new Error('cannot build bench/gen-dump');
  const pp = options.tools.includes('pp') ? ensurePanicparse() : undefined;

  // goroscope: build dist/ if it was never built, then check that explain works at all.
  if (
    options.tools.includes('goroscope') &&
    options.cli === join(root, 'bin', 'goroscope') &&
    !existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))
  ) {
    log('bench: dist/ is missing, running tsc -p .');
    spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], {
      cwd: root,
      stdio: 'inherit',
    });
  }

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    go: spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim(),
    cpus: (await import('node:os')).cpus().length,
    rss: gnuTime === undefined ? 'VmHWM sampling' : 'GNU time %M',
    dumps: [],
  };
  results.versions = {
    gostackparse:
      tools['gostackparse-bench'] && goBinaryVersion(tools['gostackparse-bench'], 'github.com/DataDog/gostackparse'),
    pp: pp && goBinaryVersion(pp, 'github.com/maruel/panicparse/v2'),
  };

  for (const name of options.dumps) {
    const dump = DUMPS[name];
    let meta = readMeta(dump.file);
    if (options.regenerate || !existsSync(dump.file) || meta === undefined) {
      log(`bench: generating ${dump.file} (${dump.what}); this takes a few minutes`);
      meta = await generateDump(tools['gen-dump'], dump.file, { via: dump.via, extraArgs: dump.args ?? [] });
    }
    if (meta.headers === undefined) meta.headers = await countGoroutineHeaders(dump.file);
    const bytes = statSync(dump.file).size;
    const mb = bytes / 1e6;
    log(`bench: ${dump.file}: ${fmt(mb)} MB, ${meta.headers} goroutines`);
    await warmCache(dump.file);

    const commands = [];
    for (const tool of options.tools) {
      if (tool === 'goroscope') {
        // A small real dump of the same kind, to tell "not runnable yet" from slow.
        const sample = join(outDir, `sample-${name}.log`);
        if (!existsSync(sample) || readMeta(sample) === undefined) {
          await generateDump(tools['gen-dump'], sample, {
            n: 500,
            via: dump.via,
            extraArgs: [...(dump.args ?? []), '-http', '5', '-tcp', '5', '-pipes', '2'],
          });
        }
        const problem = goroscopeProblem(options.cli, sample);
        if (problem !== undefined) {
          commands.push({ tool, skip: `goroscope: not runnable yet (${problem})` });
          continue;
        }
        commands.push({
          tool,
          command: process.execPath,
          args: [options.cli, 'explain', dump.file, '--format', 'json'],
          shown: `node ${options.cli} explain ${dump.file} --format json`,
        });
      } else if (tool === 'gostackparse') {
        if (tools['gostackparse-bench'] === undefined)
          commands.push({ tool, skip: 'gostackparse: could not be built' });
        else
          commands.push({
            tool,
            command: tools['gostackparse-bench'],
            args: [dump.file],
            shown: `bench/out/bin/gostackparse-bench ${dump.file}`,
          });
      } else if (tool === 'pp') {
        // -aggressive groups goroutines whose stacks match ignoring argument values, as goroscope does;
        // -parse=false skips reading Go sources to guess argument types (goroscope does not do that either).
        if (pp === undefined) commands.push({ tool, skip: 'pp: could not be installed' });
        else
          commands.push({
            tool,
            command: pp,
            args: ['-no-color', '-aggressive', '-parse=false', dump.file],
            shown: `bench/out/bin/pp -no-color -aggressive -parse=false ${dump.file}`,
          });
      } else {
        throw new Error(`unknown tool ${tool}`);
      }
    }

    // Rounds: every tool once per round, so load from other processes on this machine hits all tools alike.
    const live = commands.filter((c) => c.skip === undefined);
    const state = new Map(live.map((c) => [c, { runs: [], check: undefined, failed: false }]));
    for (let i = 0; i < options.iterations; i++) {
      for (const c of live) {
        const st = state.get(c);
        if (st.failed) continue;
        // The first run's output is kept to check the goroutine count.
        const stdoutFile = i === 0 ? join(outDir, `out-${c.tool}-${name}.txt`) : undefined;
        log(`bench: ${c.shown}  [${i + 1}/${options.iterations}]`);
        const r = await measure(c.command, c.args, { stdoutFile });
        // explain exits 1 when it diagnosed something, which a dump always is.
        const okStatus = c.tool === 'goroscope' ? r.code === 0 || r.code === 1 : r.code === 0;
        if (!okStatus) {
          log(
            `bench: ${c.tool} failed (status ${r.code ?? r.signal}): ` +
              `${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
          );
          st.failed = true;
          st.check = { ok: false, note: `failed with status ${r.code ?? r.signal}` };
          continue;
        }
        st.runs.push(r);
        if (i === 0) st.check = verify(c.tool, stdoutFile, meta.headers);
      }
    }
    const rows = [];
    for (const c of commands) {
      if (c.skip !== undefined) {
        log(`bench: ${c.skip}`);
        rows.push({ tool: c.tool, skipped: c.skip });
        continue;
      }
      const { runs, check, failed } = state.get(c);
      const ok = !failed && runs.length > 0;
      const m = ok ? median(runs.map((r) => r.seconds)) : undefined;
      const cpu =
        ok && runs.every((r) => r.cpuSeconds !== undefined) ? median(runs.map((r) => r.cpuSeconds)) : undefined;
      rows.push({
        tool: c.tool,
        command: c.shown,
        seconds: ok ? runs.map((r) => r.seconds) : [],
        medianSeconds: m,
        medianCpuSeconds: cpu,
        mbPerSecond: m === undefined ? undefined : mb / m,
        peakRssMB: ok ? Math.max(...runs.map((r) => r.peakRssMB ?? NaN)) : undefined,
        correct: check?.ok,
        result: check?.note,
      });
    }
    results.dumps.push({ name, file: dump.file, what: dump.what, bytes, goroutines: meta.headers, rows });
  }

  // The table.
  const lines = [];
  lines.push(
    `goroscope explain benchmark  ${results.date}  node ${results.node}, ${results.go}, ${results.cpus} CPUs, peak ` +
      `RSS by ${results.rss}`,
  );
  lines.push(
    `peers: gostackparse ${results.versions.gostackparse ?? '?'}, panicparse pp ${results.versions.pp ?? '?'}`,
  );
  for (const d of results.dumps) {
    lines.push('');
    lines.push(`${d.file}: ${fmt(d.bytes / 1e6)} MB, ${d.goroutines} goroutines (${d.what})`);
    lines.push(
      `  ${pad('tool', 13)} ${pad('median s', 9, true)} ${pad('MB/s', 7, true)} ${pad('cpu s', 7, true)} ` +
        `${pad('peak RSS MB', 12, true)}  ${pad('runs (s)', 24)} result`,
    );
    for (const r of d.rows) {
      if (r.skipped !== undefined) {
        lines.push(`  ${r.skipped}`);
        continue;
      }
      lines.push(
        `  ${pad(r.tool, 13)} ${pad(fmt(r.medianSeconds, 2), 9, true)} ${pad(fmt(r.mbPerSecond), 7, true)} ` +
          `${pad(fmt(r.medianCpuSeconds, 2), 7, true)} ${pad(fmt(r.peakRssMB, 0), 12, true)}  ` +
          `${pad(r.seconds.map((s) => s.toFixed(2)).join(' '), 24)} ${r.result ?? ''}`,
      );
    }
    const row = (tool) => d.rows.find((r) => r.tool === tool && r.medianSeconds !== undefined);
    const g = row('goroscope');
    for (const [peer, target] of [
      ['gostackparse', 'target <= 1x'],
      ['pp', 'target: far below 1x'],
    ]) {
      const p = row(peer);
      if (g === undefined || p === undefined) continue;
      if (p.correct === false) {
        lines.push(`  goroscope/${peer}: no ratio: ${peer} did not parse this dump correctly (see its row)`);
        continue;
      }
      const note = g.correct === false ? '; goroscope miscounted, see above' : '';
      const ratio = g.medianSeconds / p.medianSeconds;
      const cpuRatio = g.medianCpuSeconds / p.medianCpuSeconds;
      d[`goroscope/${peer}`] = { wall: ratio, cpu: cpuRatio, rss: g.peakRssMB / p.peakRssMB };
      lines.push(
        `  goroscope/${peer}: ${ratio.toFixed(2)}x wall time, ${fmt(cpuRatio, 2)}x CPU time, ` +
          `${(g.peakRssMB / p.peakRssMB).toFixed(2)}x peak RSS (${target}${note})`,
      );
    }
  }
  const table = lines.join('\n');
  process.stdout.write(table + '\n');
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
