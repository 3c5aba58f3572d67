// Distinct-race grouping on the logs recorded from testdata/races with every Go version in
// testdata/race-logs. The expected races come from the `// race: <id>` marks in the Go programs: each id names
// one race between its marked lines. The tests a race is attributed to come from `// race-test: <id>` marks.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { groupRaces } from '../src/analyse/race-groups.js';
import { createDeprefixer } from '../src/input/deprefix.js';
import type { LineContext } from '../src/input/lines.js';
import type { Race } from '../src/model.js';
import { RaceParser, type RaceReport } from '../src/parse/race.js';
import { filesUnder, repoRoot } from './helpers.js';

const ROOT = repoRoot;
const PROGRAMS = join(ROOT, 'testdata', 'races');
const LOGS = join(ROOT, 'testdata', 'race-logs');

interface Marks {
  /** id -> "file.go:line" of each marked line. */
  lines: Map<string, Set<string>>;
  /** id -> tests the race must be attributed to (empty for TestMain). */
  tests: Map<string, string[]>;
}

function readMarks(dir: string): Marks {
  const lines = new Map<string, Set<string>>();
  const tests = new Map<string, string[]>();
  for (const file of filesUnder(dir, '.go')) {
    let currentTest = '';
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const fn = /^func (Test\w+)\(/.exec(text);
        if (fn?.[1] !== undefined) currentTest = fn[1];
        const race = /\/\/ race: (\w+)/.exec(text);
        if (race?.[1] !== undefined) {
          const set = lines.get(race[1]) ?? new Set<string>();
          set.add(`${basename(file)}:${i + 1}`);
          lines.set(race[1], set);
        }
        const raceTest = /\/\/ race-test: (\w+)/.exec(text);
        if (raceTest?.[1] !== undefined) {
          const sub = /t\.Run\("([^"]+)"/.exec(text);
          const name = sub?.[1] !== undefined ? `${currentTest}/${sub[1]}` : currentTest;
          tests.set(raceTest[1], name === 'TestMain' ? [] : [name]);
        }
      });
  }
  return { lines, tests };
}

function where(race: Race, side: 'current' | 'previous'): string | null {
  const culprit = race[side].culprit;
  return culprit === null ? null : `${basename(culprit.file)}:${culprit.line}`;
}

/** The mark id whose lines contain both culprits (a lost stack matches any id holding the other side). */
function idOf(race: Race, marks: Marks): string | undefined {
  const a = where(race, 'current');
  const b = where(race, 'previous');
  for (const [id, lines] of marks.lines) {
    const okA = a === null || lines.has(a);
    const okB = b === null || lines.has(b);
    if (okA && okB && (a !== null || b !== null)) return id;
  }
  return undefined;
}

function parseFile(path: string): RaceReport[] {
  const reports: RaceReport[] = [];
  const parser = new RaceParser((report) => reports.push(report));
  const sink = path.endsWith('.json') ? createDeprefixer(parser) : parser;
  const context: LineContext = { source: path };
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => sink.line(line, i + 1, context));
  sink.end(context);
  return reports;
}

const versions = existsSync(LOGS)
  ? readdirSync(LOGS)
      .filter((v) => v.startsWith('go'))
      .sort()
  : [];

describe('race fixtures recorded with every Go version', () => {
  it('has recordings from several Go versions', () => {
    assert.ok(versions.length >= 3, `only ${versions.length} version(s) in ${LOGS}`);
  });

  for (const version of versions) {
    describe(version, () => {
      const dir = join(LOGS, version);
      for (const log of readdirSync(dir).sort()) {
        const program = log.replace(/(-v)?\.(log|json)$/, '');
        const marks = readMarks(join(PROGRAMS, program));
        it(`${log}: every distinct race is a marked pair, and every mark is found`, () => {
          const text = readFileSync(join(dir, log), 'utf8');
          const reports = parseFile(join(dir, log));
          const races = groupRaces(reports);
          // The race detector's own count, printed at exit by programs (not by go test).
          const found = /Found (\d+) data race\(s\)/.exec(text);
          if (found !== null && !text.includes('fatal error:'))
            assert.equal(reports.length, Number(found[1]), 'reports vs "Found N data race(s)"');
          const warnings = text.split('WARNING: DATA RACE').length - 1;
          assert.equal(reports.length, warnings, 'one report per WARNING: DATA RACE');
          assert.ok(races.length <= reports.length);
          const seen = new Set<string>();
          for (const race of races) {
            const id = idOf(race, marks);
            assert.ok(
              id !== undefined,
              `race at ${where(race, 'current')} / ${where(race, 'previous')} is not a marked pair`,
            );
            seen.add(id);
          }
          // Every marked race is reported, except in a program whose run stops early on a fatal error.
          if (!text.includes('fatal error:') && program !== 'lost-stack') {
            assert.deepEqual([...seen].sort(), [...marks.lines.keys()].sort());
          }
          // Grouping: reports with the same pair of (operation, culprit line) land in exactly one race.
          const pairs = new Set(
            races.map((r) =>
              [`${r.current.op}@${where(r, 'current')}`, `${r.previous.op}@${where(r, 'previous')}`].sort().join('|'),
            ),
          );
          assert.equal(pairs.size, races.length, 'two races share a pair of accesses');
          assert.equal(
            races.reduce((sum, r) => sum + r.occurrences, 0),
            reports.length,
          );
        });
        if (program === 'module') {
          it(`${log}: each race is attributed to the test it was reported in`, () => {
            const races = groupRaces(parseFile(join(dir, log)));
            for (const race of races) {
              const id = idOf(race, marks);
              assert.ok(id !== undefined);
              assert.deepEqual(race.tests, marks.tests.get(id), `tests of race "${id}"`);
            }
          });
        }
      }
    });
  }
});

describe('what raced, by the programs', () => {
  // The object kind each program was written to race on (see the comment at the top of each main.go).
  const expected: Record<string, string> = {
    'map-write-write': 'map',
    'map-read-write': 'map',
    field: 'struct field',
    global: 'variable',
    slice: 'slice',
    heap: 'struct field',
  };
  const readSourceLine = (file: string, line: number): string | undefined => {
    try {
      return readFileSync(file, 'utf8').split('\n')[line - 1];
    } catch {
      return undefined;
    }
  };
  for (const version of versions) {
    for (const [program, kind] of Object.entries(expected)) {
      it(`${version} ${program}: ${kind}`, () => {
        const races = groupRaces(parseFile(join(LOGS, version, `${program}.log`)), { readSourceLine });
        assert.ok(races.length > 0);
        for (const race of races) assert.equal(race.object, kind);
      });
    }
  }

  it('map races on Go >= 1.24 carry internal/runtime/maps files; older ones runtime/map*.go', () => {
    for (const version of versions) {
      const reports = parseFile(join(LOGS, version, 'map-write-write.log'));
      const top = reports[0]?.current.frames[0];
      assert.ok(top !== undefined);
      assert.match(top.function, /^runtime\.map/);
      const minor = Number(/^go1\.(\d+)/.exec(version)?.[1]);
      if (minor >= 24) assert.match(top.file, /\/internal\/runtime\/maps\//);
      else assert.match(top.file, /\/runtime\/map[_a-z0-9]*\.go$/);
    }
  });
});
