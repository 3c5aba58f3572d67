// The race report parser on recorded output (testdata/race-logs) and on recorded output cut, split or
// interleaved the ways real logs are.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { groupRaces } from '../src/analyse/race-groups.js';
import { createDeprefixer } from '../src/input/deprefix.js';
import type { LineContext, LineSink } from '../src/input/lines.js';
import { parseAccessHeader, parseRaceReports, RaceParser, type RaceReport } from '../src/parse/race.js';
import { repoRoot } from './helpers.js';

const LOGS = join(repoRoot, 'testdata', 'race-logs');
const lines = (version: string, name: string): string[] => readFileSync(join(LOGS, version, name), 'utf8').split('\n');

function feed(sink: LineSink, input: string[], source = 'x'): void {
  const context: LineContext = { source };
  input.forEach((line, i) => sink.line(line, i + 1, context));
  sink.end(context);
}

function parseJson(input: string[]): RaceReport[] {
  const reports: RaceReport[] = [];
  feed(createDeprefixer(new RaceParser((r) => reports.push(r))), input);
  return reports;
}

/** What a report says, without where in the input it was. */
function essence(r: RaceReport): unknown {
  const side = (s: RaceReport['current'] | null): unknown =>
    s === null
      ? null
      : {
          op: s.op,
          goroutine: s.goroutine,
          frames: s.frames.map((f) => `${f.function} ${f.file}:${f.line}`),
          lost: s.stackLost,
        };
  return {
    current: side(r.current),
    previous: side(r.previous),
    creations: r.creations.map((c) => `${c.goroutine} ${c.state} ${c.frames.length}`),
    test: r.test,
  };
}

describe('race report parser', () => {
  it('reads the access headers the race detector prints', () => {
    assert.deepEqual(parseAccessHeader('Write at 0x00c0000a4cf0 by goroutine 8:'), {
      previous: false,
      op: 'write',
      atomic: false,
      address: '0x00c0000a4cf0',
      goroutine: 8,
    });
    assert.deepEqual(parseAccessHeader('Previous read at 0x000000620518 by main goroutine:'), {
      previous: true,
      op: 'read',
      atomic: false,
      address: '0x000000620518',
      goroutine: null,
    });
    assert.equal(parseAccessHeader('Write at 0x1 by goroutine x:'), null);
  });

  it('parses both stacks and the creation sites of a report (go1.26.8 map-read-write)', () => {
    const input = lines('go1.26.8', 'map-read-write.log');
    const [report, ...rest] = parseRaceReports(input);
    assert.equal(rest.length, 0);
    assert.ok(report !== undefined);
    const sides = [report.current, report.previous];
    const read = sides.find((side) => side?.op === 'read');
    const write = sides.find((side) => side?.op === 'write');
    assert.equal(read?.frames[0]?.function, 'runtime.mapaccess1_faststr');
    assert.equal(write?.frames[0]?.function, 'runtime.mapassign_faststr');
    assert.deepEqual(
      read?.frames.slice(1).map((f) => `${f.function}:${f.line}`),
      ['main.lookup:12', 'main.main.func1:23'],
    );
    assert.deepEqual(
      write?.frames.slice(1).map((f) => `${f.function}:${f.line}`),
      ['main.store:16', 'main.main.func2:24'],
    );
    // The goroutine making the current access is running; both were created by main.main.
    assert.equal(report.creations[0]?.goroutine, report.current.goroutine);
    assert.equal(report.creations[0]?.state, 'running');
    assert.equal(report.creations[1]?.goroutine, report.previous?.goroutine);
    for (const creation of report.creations) assert.equal(creation.frames[0]?.function, 'main.main');
    // The report spans from the opening to the closing separator.
    assert.equal(input[report.startLine - 1], '==================');
    assert.equal(input[report.startLine], 'WARNING: DATA RACE');
    assert.equal(input[report.endLine - 1], '==================');
  });

  it('parses adjacent reports (two separators in a row)', () => {
    for (const version of ['go1.17.13', 'go1.21.13', 'go1.26.8']) {
      const input = lines(version, 'adjacent.log');
      const reports = parseRaceReports(input);
      assert.equal(reports.length, 2, version);
      const [a, b] = reports;
      assert.ok(a !== undefined && b !== undefined);
      assert.equal(b.startLine, a.endLine + 1, 'the second report starts on the line after the first ends');
    }
  });

  it('marks a side whose stack the race detector lost (go1.17.13 lost-stack)', () => {
    const [report] = parseRaceReports(lines('go1.17.13', 'lost-stack.log'));
    assert.ok(report !== undefined);
    assert.equal(report.previous?.stackLost, true);
    assert.equal(report.previous?.frames.length, 0);
    const [race] = groupRaces([report]);
    assert.equal(race?.previous.culprit, null);
    assert.match(race?.explanation ?? '', /lost the stack/);
  });

  it('ignores a fatal error printed in the middle of a report', () => {
    const input = lines('go1.21.13', 'map-fatal.log');
    const clean = parseRaceReports(input);
    const first = input.findIndex((line) => line.startsWith('Previous write at'));
    assert.ok(first > 0);
    const crash = [
      'fatal error: concurrent map writes',
      '',
      'goroutine 7 [running]:',
      'main.main.func1(0x0)',
      '\t/x/main.go:15 +0xb8',
    ];
    const mixed = [...input.slice(0, first), ...crash, ...input.slice(first)];
    assert.deepEqual(parseRaceReports(mixed).map(essence), clean.map(essence));
    // In the middle of a stack: after the first frame of the current access, and between a function and its file.
    const header = input.findIndex((line) => /^(Read|Write) at /.test(line));
    for (const cut of [header + 3, header + 2]) {
      const inStack = [...input.slice(0, cut), ...crash, ...input.slice(cut)];
      assert.deepEqual(parseRaceReports(inStack).map(essence), clean.map(essence), `crash inserted at line ${cut + 1}`);
    }
  });

  it('reads Heap block and Global var location blocks', () => {
    // Go's race runtime (runtime/race.go racemalloc, raceSymbolizeData) gives ThreadSanitizer no allocation
    // stacks or global names, so no recorded version prints these blocks; the lines below follow the Go branch
    // of compiler-rt's tsan_report.cpp and are inserted into a recorded report.
    const input = lines('go1.26.8', 'global.log');
    const close = input.lastIndexOf('==================');
    const heap = [
      '',
      'Heap block of size 16 at 0x00c000012345 allocated by main goroutine:',
      '  main.newStats()',
      '      /x/main.go:9 +0x2c',
    ];
    const [withHeap] = parseRaceReports([...input.slice(0, close), ...heap, ...input.slice(close)]);
    assert.equal(withHeap?.location, 'Heap block of size 16 at 0x00c000012345 allocated by main goroutine:');
    assert.deepEqual(
      withHeap?.locationFrames?.map((f) => `${f.function}:${f.line}`),
      ['main.newStats:9'],
    );
    const global = ['', 'Global var lastUser of size 16 at 0x000000602190 declared at /x/main.go:9'];
    const reports = parseRaceReports([...input.slice(0, close), ...global, ...input.slice(close)]);
    assert.equal(reports[0]?.location, global[1]);
    assert.equal(groupRaces(reports)[0]?.object, 'variable');
    // The creation stacks before the block are untouched.
    assert.deepEqual(reports.map(essence), parseRaceReports(input).map(essence));
  });

  it('keeps a report cut off by the end of the input, marked truncated', () => {
    const input = lines('go1.26.8', 'field.log');
    const cut = input.findIndex((line) => line.startsWith('Previous read')) + 2;
    const [report] = parseRaceReports(input.slice(0, cut));
    assert.ok(report !== undefined);
    assert.equal(report.truncated, true);
    assert.equal(report.previous?.op, 'read');
    assert.equal(report.previous?.frames.length, 1);
  });

  it('reassembles go test -json output split over many events', () => {
    for (const version of ['go1.17.13', 'go1.26.8']) {
      const input = lines(version, 'module.json');
      const whole = parseJson(input);
      // Re-cut every Output event into 7-character pieces, as test2json does with long or unflushed lines.
      const split: string[] = [];
      for (const line of input) {
        if (!line.startsWith('{')) continue;
        const event: unknown = JSON.parse(line);
        if (typeof event !== 'object' || event === null || !('Output' in event) || typeof event.Output !== 'string') {
          split.push(line);
          continue;
        }
        const output = event.Output;
        for (let i = 0; i < output.length; i += 7)
          split.push(JSON.stringify({ ...event, Output: output.slice(i, i + 7) }));
      }
      assert.ok(split.length > input.length * 3);
      const pieces = parseJson(split);
      assert.equal(whole.length, 4, version);
      assert.deepEqual(pieces.map(essence), whole.map(essence), version);
    }
  });

  it('attributes reports from plain, -v and -json go test output alike', () => {
    for (const version of ['go1.17.13', 'go1.20.14', 'go1.26.8']) {
      const plain = parseRaceReports(lines(version, 'module.log')).map((r) => r.test ?? '-');
      const verbose = parseRaceReports(lines(version, 'module-v.log')).map((r) => r.test ?? '-');
      const json = parseJson(lines(version, 'module.json')).map((r) => r.test ?? '-');
      const distinct = (list: string[]): string[] => [...new Set(list)].sort();
      assert.deepEqual(distinct(verbose), distinct(plain), version);
      assert.deepEqual(distinct(json), distinct(plain), version);
    }
  });

  it('counts "Found N data race(s)"', () => {
    const parser = new RaceParser(() => {});
    feed(parser, lines('go1.26.8', 'adjacent.log'));
    assert.deepEqual(parser.foundTotals, [2]);
  });

  it('never throws on arbitrary mixes of report lines', () => {
    const fragments = [
      '==================',
      'WARNING: DATA RACE',
      'Write at 0x1 by goroutine 3:',
      'Previous read at 0x1 by main goroutine:',
      '  main.f()',
      '      /x/main.go:3 +0x1',
      '  [failed to restore the stack]',
      'Goroutine 3 (running) created at:',
      'Heap block of size 8 at 0x1 allocated by goroutine 2:',
      '    testing.go:1465: race detected during execution of test',
      'testing: race detected outside of test execution',
      '--- FAIL: TestX (0.00s)',
      '=== RUN   TestX',
      '=== CONT  ',
      'FAIL\tpkg\t0.1s',
      '',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 30 })), { maxLength: 60 }),
        (input) => {
          const reports = parseRaceReports(input);
          groupRaces(reports);
          for (const r of reports) assert.ok(r.startLine <= r.endLine);
        },
      ),
      { numRuns: 300 },
    );
  });
});
