// Attribution by creation stack on the runs of testdata/attribution recorded with several Go versions
// (scripts/record-attribution.sh). Each race or panic line in the module is marked `// blame: TestX` (the test
// that started the goroutine) and `// bystander: TestY` (the test running when it is reported); a mark
// `// blame-needs: tracebackancestors` says only a GODEBUG=tracebackancestors run can name the responsible test.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { groupRaces } from '../src/analyse/race-groups.js';
import { outermostTest, testOfFunction } from '../src/analyse/attribution.js';
import { Explainer } from '../src/explain.js';
import { createDeprefixer } from '../src/input/deprefix.js';
import type { LineContext, LineSink } from '../src/input/lines.js';
import type { Location } from '../src/model.js';
import { RaceParser, type RaceReport } from '../src/parse/race.js';
import { RunningTest } from '../src/parse/running-test.js';
import { repoRoot } from './helpers.js';

const MODULE = join(repoRoot, 'testdata', 'attribution');
const LOGS = join(repoRoot, 'testdata', 'attribution-logs');

interface Mark {
  blame: string;
  bystander?: string;
  needsAncestors: boolean;
}

function readMarks(): Map<string, Mark> {
  const marks = new Map<string, Mark>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.go')) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((text, i) => {
            const blame = /\/\/ blame: (\w+)/.exec(text)?.[1];
            if (blame === undefined) return;
            const mark: Mark = { blame, needsAncestors: text.includes('// blame-needs: tracebackancestors') };
            const bystander = /\/\/ bystander: (\w+)/.exec(text)?.[1];
            if (bystander !== undefined) mark.bystander = bystander;
            marks.set(`${entry.name}:${i + 1}`, mark);
          });
      }
    }
  };
  walk(MODULE);
  return marks;
}

function feed(path: string, sinks: LineSink[]): void {
  const fan: LineSink = {
    line: (text, lineNo, context) => sinks.forEach((s) => s.line(text, lineNo, context)),
    end: (context) => sinks.forEach((s) => s.end(context)),
  };
  const sink = createDeprefixer(fan);
  const context: LineContext = { source: path };
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => sink.line(line, i + 1, context));
  sink.end(context);
}

const at = (loc: Location | null): string => (loc === null ? '?' : `${basename(loc.file)}:${loc.line}`);

const marks = readMarks();
const versions = readdirSync(LOGS)
  .filter((v) => v.startsWith('go'))
  .sort();

describe('attribution by creation stack, on recorded runs', () => {
  it('has the marks and the versions the issue asks for', () => {
    assert.ok(marks.size >= 5, `${marks.size} marks`);
    for (const minor of [21, 23, 25, 26, 27]) {
      assert.ok(
        versions.some((v) => v.startsWith(`go1.${minor}.`)),
        `no recording for go1.${minor}`,
      );
    }
  });

  for (const version of versions) {
    for (const log of readdirSync(join(LOGS, version)).sort()) {
      const path = join(LOGS, version, log);
      const withAncestors = log === 'ancestors.log';
      // Only -v and -json output say which test is running; plain output names a test once it fails.
      const runningKnown = log !== 'plain.log';
      it(`${version}/${log}: every race names the test that started the goroutine`, () => {
        const reports: RaceReport[] = [];
        const parser = new RaceParser((r) => reports.push(r));
        feed(path, [parser]);
        const races = groupRaces(reports);
        assert.equal(races.length, 2, 'the spawn and helper races');
        for (const race of races) {
          const sides = [at(race.current.culprit), at(race.previous.culprit)];
          const mark = marks.get(sides[0] ?? '') ?? marks.get(sides[1] ?? '');
          assert.ok(mark !== undefined, `race at ${sides.join(' / ')} is not marked`);
          for (const side of sides) assert.equal(marks.get(side)?.blame, mark.blame, `mark of ${side}`);
          assert.deepEqual(race.tests, [mark.blame], `responsible test of the race at ${sides.join(' / ')}`);
          // The race fails the running test, so even plain output names it (`--- FAIL: TestWait`).
          assert.deepEqual(race.bystanders, [mark.bystander]);
        }
      });
      it(`${version}/${log}: every panic names the test that started the goroutine`, () => {
        const explainer = new Explainer({ races: false });
        feed(path, [explainer]);
        const crashes = explainer.result().crashes.filter((c) => c.kind === 'user_panic');
        assert.equal(crashes.length, 2, 'the crash and ancestry panics');
        for (const crash of crashes) {
          const mark = marks.get(at(crash.culprit));
          assert.ok(mark !== undefined, `panic at ${at(crash.culprit)} is not marked`);
          const test = crash.test;
          if (mark.needsAncestors && !withAncestors) {
            // `created by` names a function that is not a test: the goroutines cannot say who started them.
            if (test !== undefined) {
              assert.equal(test.via, 'running', 'no responsible test may be claimed from the frames');
              assert.deepEqual(test.responsible, [mark.bystander]);
            }
            assert.equal(test !== undefined, runningKnown);
            continue;
          }
          assert.ok(test !== undefined, `no attribution for the panic at ${at(crash.culprit)}`);
          assert.deepEqual(test.responsible, [mark.blame]);
          assert.equal(test.via, mark.needsAncestors ? 'ancestors' : 'created-by');
          assert.equal(test.bystander, runningKnown ? mark.bystander : undefined);
        }
      });
    }
  }
});

describe('test names from function names', () => {
  it('takes tests, their function literals and go wrappers, in either test package', () => {
    assert.equal(testOfFunction('example.com/m/pkg.TestSpawn'), 'TestSpawn');
    assert.equal(testOfFunction('example.com/m/pkg.TestSpawn.func1.2'), 'TestSpawn');
    assert.equal(testOfFunction('example.com/m/pkg.TestSpawn.gowrap1'), 'TestSpawn');
    assert.equal(testOfFunction('example.com/m/pkg_test.BenchmarkGet'), 'BenchmarkGet');
    assert.equal(testOfFunction('example.com/m/pkg.FuzzParse.func1'), 'FuzzParse');
    assert.equal(testOfFunction('example.com/m/pkg.Example_second'), 'Example_second');
    assert.equal(testOfFunction('gopkg.in/yaml%2ev2.Test_x'), 'Test_x');
  });
  it('refuses what go test would not run as a test', () => {
    assert.equal(testOfFunction('example.com/m/pkg.Testify'), undefined);
    assert.equal(testOfFunction('example.com/m/pkg.(*Suite).TestX'), undefined);
    assert.equal(testOfFunction('testing.tRunner'), undefined);
    assert.equal(testOfFunction('example.com/m/pkg.TestMain'), undefined);
    assert.equal(testOfFunction('main.main'), undefined);
  });
  it('counts a test frame only in a _test.go file, and takes the outermost', () => {
    const frame = (fn: string, file: string): Location => ({ function: fn, file, line: 1 });
    assert.equal(outermostTest([frame('m/pkg.TestX', '/m/pkg/x.go')]), undefined);
    assert.equal(
      outermostTest([frame('m/pkg.TestA.func1', '/m/pkg/a_test.go'), frame('m/pkg.TestB', '/m/pkg/b_test.go')]),
      'TestB',
    );
  });
});

describe('the running test by line', () => {
  it('follows === RUN/CONT/NAME and -json events, ends at the package result, and answers by line', () => {
    const running = new RunningTest();
    const context: LineContext = { source: 'log' };
    const lines = ['=== RUN   TestA', 'x', '=== RUN   TestB', 'panic: boom', 'ok  \texample.com/p\t0.1s', 'y'];
    lines.forEach((text, i) => running.line(text, i + 1, context));
    assert.equal(running.at('log', 2), 'TestA');
    assert.equal(running.at('log', 4), 'TestB');
    assert.equal(running.at('log', 6), undefined);
    running.line('output', 7, { source: 'json', test: 'TestC' });
    assert.equal(running.at('json', 7), 'TestC');
  });
  it('keeps memory bounded on a log of many tests', () => {
    const running = new RunningTest();
    const context: LineContext = { source: 'log' };
    for (let i = 1; i <= 100_000; i++) running.line(`=== RUN   Test${i}`, i, context);
    assert.equal(running.at('log', 100_000), 'Test100000');
  });
});
