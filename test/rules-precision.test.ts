// Correct programs that lint reported on real code (false alarms): each is rebuilt here as a whole program that
// must lint clean and run clean under -race. Cases that fit a rule's Neg* functions live in that rule's testdata;
// these need their own main package or go.mod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RULES_TESTDATA, checkRule, runProgram } from './rules-support.js';

const PROGRAMS: { rule: string; dir: string }[] = [{ rule: 'time-tick-leak', dir: 'time-tick-leak/runonce' }];

for (const { rule, dir } of PROGRAMS) {
  test(`${dir}: no ${rule} finding, and the program runs clean under -race`, async () => {
    const path = join(RULES_TESTDATA, dir);
    const { findings } = await checkRule(rule, path);
    assert.deepEqual(
      findings.map((f) => `${f.line}: ${f.message}`),
      [],
    );
    const run = await runProgram('go', ['run', '-race', '.'], path);
    assert.equal(run.code, 0, run.output);
    assert.doesNotMatch(run.output, /DATA RACE/);
  });
}
