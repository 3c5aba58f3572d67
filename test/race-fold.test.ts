// One bug, one race: the counter in testdata/races/counter (`c.total++` outside the lock) is reported by the
// race detector as a read/write and a write/write race on the same line; they fold into one race listing both
// pairs, whose first fix is atomic.Int64 (testdata/races/fixed/counter-atomic runs clean under -race, see
// race-knowledge.test.ts). Logs recorded by scripts/record-races.sh (RACE_PROGRAMS=counter).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { groupRaces } from '../src/analyse/race-groups.js';
import { counterFix } from '../src/knowledge/race-advice.js';
import { parseRaceReports } from '../src/parse/race.js';
import { repoRoot } from './helpers.js';

const LOGS = join(repoRoot, 'testdata', 'race-logs');
const PROGRAM = join(repoRoot, 'testdata', 'races', 'counter', 'main.go');
const programLines = readFileSync(PROGRAM, 'utf8').split('\n');
const markedLine = programLines.findIndex((l) => l.includes('// race: counter')) + 1;
// The logs were printed with the repository elsewhere: any path ending in races/counter/main.go is the program.
const readSourceLine = (file: string, line: number): string | undefined =>
  file.endsWith('/races/counter/main.go') ? programLines[line - 1] : undefined;

const logs = readdirSync(LOGS)
  .filter((v) => existsSync(join(LOGS, v, 'counter.log')))
  .sort();

describe('a counter updated outside its lock is one race', () => {
  it('is recorded with several Go versions', () => {
    assert.ok(logs.length >= 3, logs.join(', '));
  });
  for (const version of logs) {
    it(`${version}: read/write and write/write on c.total++ fold into one race with the atomic fix first`, () => {
      const text = readFileSync(join(LOGS, version, 'counter.log'), 'utf8');
      const reports = parseRaceReports(text.split('\n'));
      const pairs = new Set(reports.map((r) => `${r.current.op}/${r.previous?.op ?? '?'}`));
      // The recording script reruns the program until both shapes are in the log.
      assert.ok(reports.length >= 2 && pairs.size >= 2, `${version}: ${[...pairs].join(', ')}`);
      const races = groupRaces(reports, { readSourceLine });
      assert.equal(races.length, 1);
      const race = races[0];
      assert.ok(race !== undefined);
      assert.equal(race.occurrences, reports.length);
      assert.deepEqual(race.accessPairs, ['read/write', 'write/write']);
      assert.equal(race.current.culprit?.line, markedLine);
      assert.equal(race.previous.culprit?.line, markedLine);
      assert.equal(race.object, 'struct field');
      assert.equal(race.fixes[0], counterFix);
      assert.equal(race.fixes.filter((f) => f.code.includes('atomic.')).length, 1, 'one atomic fix, not two');
      assert.match(race.explanation, /read\/write and write\/write/);
    });
  }
  it('without the source line, still one race, with the kind-neutral fixes', () => {
    const text = readFileSync(join(LOGS, logs[0] ?? '', 'counter.log'), 'utf8');
    const races = groupRaces(parseRaceReports(text.split('\n')));
    assert.equal(races.length, 1);
    assert.notEqual(races[0]?.fixes[0], counterFix);
  });
});
