// Where does explain spend its time? Times the in-process stages cumulatively on one dump, each stage in a
// fresh node process (so peak RSS is per stage), using the compiled modules in dist/src. Wall and CPU time
// (all threads, GC included) are both shown: on a busy machine the CPU column is the steadier one.
//   read     fs read and counting "\n" bytes: the I/O floor, no goroscope code
//   input    readInputs() into a sink that counts lines (split, de-prefix)
//   parse    + TracebackParser (goroutines counted by a listener, not retained)
//   group   + Grouper('ignore-wait').add() for every goroutine
//   explain  + everything else Explainer does (classify, culprit, leaks, races), no rendering
//   json     explain() + explainToJson(): what `explain --format json` does minus process start and stdout
// Stages whose modules are not built yet are reported as unavailable.
//
// Usage: node bench/parse-only.mjs [--file FILE] [--iterations N] [--dist DIR] [--stages a,b]
// Default file: bench/out/dump-200k-panic.log (make it with `npm run bench` or node bench/explain.mjs).

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DUMPS, median, readMeta, root } from './lib.mjs';

const STAGES = ['read', 'input', 'parse', 'group', 'explain', 'json'];

async function load(dist, rel) {
  const path = join(dist, rel);
  if (!existsSync(path)) throw new Error(`${rel} is not built in ${dist}`);
  return import(pathToFileURL(path).href);
}

/** Runs one stage once in this process; returns what it counted. */
async function runStage(stage, file, dist) {
  if (stage === 'read') {
    let lines = 0;
    let bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    return { lines, bytes };
  }
  const { readInputs } = await load(dist, 'src/input/read.js');
  if (stage === 'input') {
    let lines = 0;
    let chars = 0;
    await readInputs([file], {
      line(text) {
        lines++;
        chars += text.length;
      },
      end() {},
    });
    return { lines, chars };
  }
  if (stage === 'parse' || stage === 'group') {
    const { TracebackParser } = await load(dist, 'src/parse/traceback.js');
    let grouper;
    if (stage === 'group') {
      const { Grouper } = await load(dist, 'src/analyse/goroutine-groups.js');
      grouper = new Grouper('ignore-wait');
    }
    let goroutines = 0;
    let tracebacks = 0;
    const parser = new TracebackParser(
      {
        goroutine(g) {
          goroutines++;
          if (grouper !== undefined) grouper.add(g);
        },
        traceback() {
          tracebacks++;
        },
      },
      { retainGoroutines: 1 },
    );
    await readInputs([file], parser);
    return { tracebacks, goroutines, ...(grouper === undefined ? {} : { groups: grouper.size }) };
  }
  if (stage === 'explain') {
    const { Explainer } = await load(dist, 'src/explain.js');
    const explainer = new Explainer();
    await readInputs([file], explainer);
    const { crashes, races } = explainer.result();
    return {
      crashes: crashes.length,
      goroutines: crashes.reduce((n, c) => n + c.goroutineCount, 0),
      races: races.length,
    };
  }
  if (stage === 'json') {
    const { explain } = await load(dist, 'src/explain.js');
    const { explainToJson } = await load(dist, 'src/render/explain-json.js');
    const result = await explain([file], { srcDir: false });
    const json = explainToJson(result);
    return { goroutines: result.crashes.reduce((n, c) => n + c.goroutineCount, 0), jsonChars: json.length };
  }
  throw new Error(`unknown stage ${stage}`);
}

async function child(stage, file, dist) {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const counts = await runStage(stage, file, dist);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    JSON.stringify({ seconds, cpuSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024, counts }) + '\n',
  );
}

async function main(argv) {
  if (argv[0] === '--child') return child(argv[1], argv[2], argv[3]);
  let file = DUMPS.panic.file;
  let iterations = 3;
  let dist = join(root, 'dist');
  let stages = STAGES;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--file') file = resolve(argv[++i]);
    else if (a === '--iterations') iterations = Number.parseInt(argv[++i], 10);
    else if (a === '--dist') dist = resolve(argv[++i]);
    else if (a === '--stages') stages = argv[++i].split(',');
    else throw new Error(`unknown option ${a}`);
  }
  if (!existsSync(file)) throw new Error(`${file} does not exist: run node bench/explain.mjs first, or pass --file`);
  const mb = statSync(file).size / 1e6;
  const meta = readMeta(file);
  process.stdout.write(
    `${file}: ${mb.toFixed(1)} ` +
      `MB${meta?.headers === undefined ? '' : `, ${meta.headers} goroutines`}; modules from ${dist}\n`,
  );
  process.stdout.write(
    `  ${'stage'.padEnd(8)} ${'median s'.padStart(9)} ${'MB/s'.padStart(7)} ${'+s vs prev'.padStart(10)} ` +
      `${'cpu s'.padStart(7)} ${'+cpu'.padStart(6)} ${'peak RSS MB'.padStart(12)}  counts\n`,
  );
  const self = fileURLToPath(import.meta.url);
  let previous;
  for (const stage of stages) {
    const seconds = [];
    const cpus = [];
    let last;
    let failure;
    for (let i = 0; i < iterations; i++) {
      const r = spawnSync(process.execPath, [self, '--child', stage, file, dist], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0) {
        failure = (
          r.stderr
            .trim()
            .split('\n')
            .find((l) => /Error/.test(l)) ??
          r.stderr.trim().split('\n')[0] ??
          `status ${r.status}`
        ).slice(0, 160);
        break;
      }
      last = JSON.parse(r.stdout.trim());
      seconds.push(last.seconds);
      cpus.push(last.cpuSeconds);
    }
    if (failure !== undefined) {
      process.stdout.write(`  ${stage.padEnd(8)} unavailable: ${failure}\n`);
      continue;
    }
    const m = median(seconds);
    const c = median(cpus);
    const delta = previous === undefined ? '' : (m - previous.wall).toFixed(2);
    const cpuDelta = previous === undefined ? '' : (c - previous.cpu).toFixed(2);
    previous = { wall: m, cpu: c };
    process.stdout.write(
      `  ${stage.padEnd(8)} ${m.toFixed(2).padStart(9)} ${(mb / m).toFixed(1).padStart(7)} ${delta.padStart(10)} ` +
        `${c.toFixed(2).padStart(7)} ${cpuDelta.padStart(6)} ` +
        `${last.maxRssMB.toFixed(0).padStart(12)}  ${JSON.stringify(last.counts)}\n`,
    );
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`parse-only: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
