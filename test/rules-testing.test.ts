// testing-goroutine-after-test is static for the generic execution tier (its cases need a *testing.T), so its
// proof is here: each case runs inside a real test through the package's `runner` hook; positives must fail the
// test binary at a marked line, negatives must pass under -race.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RULES_TESTDATA, runProgram, readCases } from './rules-support.js';
import { goMissing, tempDir } from './helpers.js';

describe('testing-goroutine-after-test: positives fail the test at the marked line', { skip: goMissing }, () => {
  it('runs every case inside a real test', async () => {
    const dir = join(RULES_TESTDATA, 'testing-goroutine-after-test');
    const { cases } = await readCases(dir);
    assert.ok(cases.filter((c) => c.positive).length >= 2);
    const work = tempDir('goroscope-testing-');
    for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.go')))
      copyFileSync(join(dir, name), join(work, name));
    writeFileSync(
      join(work, 'go.mod'),
      readFileSync(join(RULES_TESTDATA, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module exectest'),
    );
    const tests = cases
      .map(
        (c) =>
          `func Test${c.name}(t *testing.T) {\n\trunner = func(body func(t *testing.T)) { t.Run("case", body) }\n\t${c.name}()\n}\n`,
      )
      .join('\n');
    writeFileSync(join(work, 'zz_cases_test.go'), `package testinggoroutineaftertest\n\nimport "testing"\n\n${tests}`);
    const build = await runProgram('go', ['test', '-c', '-race', '-o', 'cases.test', '.'], work);
    assert.equal(build.code, 0, build.output);
    for (const c of cases) {
      const outcome = await runProgram(
        join(work, 'cases.test'),
        ['-test.run', `^Test${c.name}$`, '-test.timeout', '20s'],
        work,
      );
      if (!c.positive) {
        assert.equal(outcome.code, 0, `${c.name} should pass:\n${outcome.output}`);
        assert.doesNotMatch(outcome.output, /DATA RACE/);
        continue;
      }
      assert.notEqual(outcome.code, 0, `${c.name} should fail:\n${outcome.output}`);
      const marks = [...c.wants, ...c.fires].map((want) => `${basename(want.file)}:${want.line}`);
      assert.ok(
        marks.some((mark) => new RegExp(`${mark.replace('.', '\\.')}\\b`).test(outcome.output)),
        `${c.name}: the failure does not point at ${marks.join(' or ')}:\n${outcome.output.slice(0, 3000)}`,
      );
      if (c.name.startsWith('PosError'))
        assert.match(outcome.output, /panic: Fail in goroutine after \S+ has completed/);
      if (c.name.startsWith('PosFatal')) assert.match(outcome.output, /--- FAIL/);
    }
  });
});
