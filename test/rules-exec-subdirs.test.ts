// Execution proof for rule cases kept in a subfolder of a rule's testdata (a shape whose run-time failure differs
// from the rest of the rule's cases): the findings equal the // want markers, every Pos* fails at run time with
// the marked line in its output, and every Neg* runs clean under -race.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { RULES_TESTDATA, checkRule, readCases, runProgram } from './rules-support.js';

const SUBDIRS: { rule: string; dir: string }[] = [
  { rule: 'waitgroup-misuse', dir: 'waitgroup-misuse/waitloop' },
  { rule: 'concurrent-map-access', dir: 'concurrent-map-access/unserved' },
];

for (const { rule, dir } of SUBDIRS) {
  test(`${dir}: ${rule} findings match, positives fail at the marked line, negatives run clean`, async () => {
    const path = join(RULES_TESTDATA, dir);
    const { problems } = await checkRule(rule, path);
    assert.deepEqual(problems, []);
    const { cases } = await readCases(path);
    const work = mkdtempSync(join(tmpdir(), 'goroscope-subdir-'));
    let packageName = 'main';
    for (const name of readdirSync(path).filter((entry) => entry.endsWith('.go'))) {
      copyFileSync(join(path, name), join(work, name));
      packageName = /^package\s+(\w+)/m.exec(readFileSync(join(path, name), 'utf8'))?.[1] ?? packageName;
    }
    writeFileSync(
      join(work, 'go.mod'),
      readFileSync(join(RULES_TESTDATA, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module exectest'),
    );
    const table = cases.map((c) => `\t\t{${JSON.stringify(c.name)}, ${c.name}},\n`).join('');
    writeFileSync(
      join(work, 'zz_exec_test.go'),
      `package ${packageName}\n\nimport "testing"\n\nfunc TestExec(t *testing.T) {\n\tfor _, c := range []struct ` +
        `{\n\t\tname string\n\t\tfn   func()\n\t}{\n${table}\t} {\n\t\tt.Run(c.name, func(t *testing.T) { c.fn() ` +
        `})\n\t}\n}\n`,
    );
    const build = await runProgram('go', ['test', '-c', '-race', '-o', 'cases.test', '.'], work);
    assert.equal(build.code, 0, build.output);
    for (const c of cases) {
      const run = await runProgram(
        join(work, 'cases.test'),
        ['-test.run', `^TestExec$/^${c.name}$`, '-test.timeout', c.positive ? '3s' : '20s'],
        work,
      );
      if (!c.positive) {
        assert.equal(run.code, 0, run.output);
        assert.doesNotMatch(run.output, /DATA RACE/);
        continue;
      }
      assert.notEqual(run.code, 0, `${c.name} should fail at run time:\n${run.output}`);
      const marks = [...c.wants, ...c.fires].map((want) => `${basename(want.file)}:${want.line}`);
      assert.ok(
        marks.some((mark) => run.output.includes(`${mark} `) || run.output.includes(`${mark}\n`)),
        `${c.name}: run-time report does not point at ${marks.join(' or ')}:\n${run.output.slice(0, 3000)}`,
      );
    }
  });
}

// Cases that are tests themselves (goroutines of `Test` functions): the folder's own tests are the program.
test('data-race/sequentialtests: goroutines of tests that run in turn are not paired, of parallel tests they are', async () => {
  const path = join(RULES_TESTDATA, 'data-race', 'sequentialtests');
  const { problems, findings } = await checkRule('data-race', path);
  // The cases are Test functions, not Pos*/Neg* ones: the findings must still equal the // want markers.
  assert.deepEqual(
    problems.filter((problem) => !/^no (positive|negative) case/.test(problem)),
    [],
  );
  assert.equal(findings.length, 2);
  const work = mkdtempSync(join(tmpdir(), 'goroscope-subdir-'));
  for (const name of readdirSync(path).filter((entry) => entry.endsWith('.go')))
    copyFileSync(join(path, name), join(work, name));
  writeFileSync(
    join(work, 'go.mod'),
    readFileSync(join(RULES_TESTDATA, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module exectest'),
  );
  const inTurn = await runProgram('go', ['test', '-race', '-count=1', '-run', '^TestInTurn', '.'], work);
  assert.equal(inTurn.code, 0, inTurn.output);
  assert.doesNotMatch(inTurn.output, /DATA RACE/);
  // The parallel tests wait for each other (bothRunning), so -parallel 2 is what lets them run.
  const atOnce = await runProgram(
    'go',
    ['test', '-race', '-count=1', '-parallel', '2', '-timeout', '60s', '-run', '^TestAtOnce', '.'],
    work,
  );
  assert.notEqual(atOnce.code, 0, atOnce.output);
  assert.match(atOnce.output, /WARNING: DATA RACE/);
  for (const line of [52, 64]) assert.match(atOnce.output, new RegExp(`hooks_test\\.go:${line} `));
});
