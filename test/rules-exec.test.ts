// Execution tier: the positive cases of rules whose bugs show at run time are run, and the crash, the race
// report or the goroutine dump of a blocked program must point at a line marked `// want`. Negative cases run
// clean under -race. Static rules are checked against `go vet` where vet has the same check.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { rules } from '../src/lint/driver/rule-registry.js';
import { RULES_TESTDATA, runProgram, readCases } from './rules-support.js';
import { goMissing, tempDir } from './helpers.js';

/** Copies a rule's testdata package to a scratch module and adds a test that runs one case by name. */
function prepare(dir: string, names: string[]): string {
  const work = tempDir('goroscope-exec-');
  let packageName = 'main';
  for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.go'))) {
    copyFileSync(join(dir, name), join(work, name));
    const match = /^package\s+(\w+)/m.exec(readFileSync(join(dir, name), 'utf8'));
    if (match?.[1] && !name.endsWith('_test.go')) packageName = match[1];
  }
  // A rule folder with its own go.mod (an older language version) keeps it.
  const goMod = existsSync(join(dir, 'go.mod')) ? join(dir, 'go.mod') : join(RULES_TESTDATA, 'go.mod');
  writeFileSync(join(work, 'go.mod'), readFileSync(goMod, 'utf8').replace(/^module .*$/m, 'module exectest'));
  const table = names.map((name) => `\t\t{${JSON.stringify(name)}, ${name}},\n`).join('');
  writeFileSync(
    join(work, 'zz_exec_test.go'),
    `package ${packageName}\n\nimport "testing"\n\nfunc TestExec(t *testing.T) {\n\tfor _, c := range []struct ` +
      `{\n\t\tname string\n\t\tfn   func()\n\t}{\n${table}\t} {\n\t\tt.Run(c.name, func(t *testing.T) { c.fn() ` +
      `})\n\t}\n}\n`,
  );
  return work;
}

const dynamic = rules.filter((rule) => rule.meta.runtimeEffect !== 'static');

describe(
  'positives fail at the marked line; negatives run clean under -race',
  { concurrency: 4, skip: goMissing },
  () => {
    for (const rule of dynamic) {
      it(rule.meta.name, async () => {
        const dir = join(RULES_TESTDATA, rule.meta.name);
        const { cases } = await readCases(dir);
        const work = prepare(
          dir,
          cases.map((c) => c.name),
        );
        const build = await runProgram('go', ['test', '-c', '-race', '-o', 'cases.test', '.'], work);
        assert.equal(build.code, 0, build.output);
        const binary = join(work, 'cases.test');
        const positives = cases.filter((c) => c.positive);
        await Promise.all(
          positives.map(async (c) => {
            const outcome = await runProgram(
              binary,
              ['-test.run', `^TestExec$/^${c.name}$`, '-test.timeout', '3s'],
              work,
            );
            assert.notEqual(outcome.code, 0, `${c.name} should fail at run time:\n${outcome.output}`);
            const marks = [...c.wants, ...c.fires].map((want) => `${basename(want.file)}:${want.line}`);
            assert.ok(
              marks.some((mark) => new RegExp(`${mark.replace('.', '\\.')}\\b`).test(outcome.output)),
              `${c.name}: run-time report does not point at ${marks.join(' or ')}:\n${outcome.output.slice(0, 3000)}`,
            );
          }),
        );
        const negatives = await runProgram(
          binary,
          ['-test.run', '^TestExec$/^Neg', '-test.timeout', '20s', '-test.v'],
          work,
        );
        assert.equal(negatives.code, 0, negatives.output);
        assert.doesNotMatch(negatives.output, /DATA RACE/);
        const ran = negatives.output.match(/--- PASS: TestExec\/Neg/g)?.length ?? 0;
        assert.equal(ran, cases.filter((c) => !c.positive).length);
      });
    }
  },
);

/** Static rules whose check `go vet` also has: vet is the independent truth for their positives. */
const VET_ANALYZER: Record<string, string> = { 'copied-lock': 'copylocks', 'lost-cancel': 'lostcancel' };

describe('static rules agree with go vet on their testdata', { concurrency: 2, skip: goMissing }, () => {
  for (const rule of rules.filter(
    (r) => r.meta.runtimeEffect === 'static' && VET_ANALYZER[r.meta.name] !== undefined,
  )) {
    it(rule.meta.name, async () => {
      const dir = join(RULES_TESTDATA, rule.meta.name);
      const { cases, allWants } = await readCases(dir);
      const work = prepare(dir, []);
      const vet = await runProgram('go', ['vet', `-${VET_ANALYZER[rule.meta.name]}`, '.'], work);
      const vetLines = new Set(
        [...vet.output.matchAll(/^(?:\.\/)?([\w.-]+\.go):(\d+):\d+:/gm)].map((m) => `${m[1]}:${m[2]}`),
      );
      for (const want of allWants)
        assert.ok(
          vetLines.has(`${basename(want.file)}:${want.line}`),
          `go vet does not confirm ${basename(want.file)}:${want.line}:\n${vet.output}`,
        );
      for (const c of cases.filter((x) => !x.positive)) {
        for (let line = c.startLine; line <= c.endLine; line++)
          assert.ok(
            !vetLines.has(`${basename(c.file)}:${line}`),
            `go vet reports negative case ${c.name} at line ${line}`,
          );
      }
    });
  }
});
