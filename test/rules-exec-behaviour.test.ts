// Execution proof for waitgroup-misuse's "Wait inside the loop that Adds": no crash to point at, so the claim is
// measured. The cases in testdata/rules/waitgroup-misuse/serial record in `peak` how many workers ran at once;
// a generated test runs each case under -race and prints that peak. Each positive must peak at 1 (the loop is
// sequential), each NegConcurrent* above 1 (the fixed or deliberate shapes do run goroutines together), and
// every case must finish cleanly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLintConfig } from '../src/lint/driver/lint-config.js';
import { lintPackages } from '../src/lint/driver/lint-packages.js';
import { loadPackages } from '../src/lint/load/go-packages.js';
import { RULES_TESTDATA, runProgram, checkRule, readCases } from './rules-support.js';
import { goMissing, tempDir } from './helpers.js';

const DIR = join(RULES_TESTDATA, 'waitgroup-misuse', 'serial');
const RUNS = 3;

describe('waitgroup-misuse: a Wait inside the loop that Adds makes the goroutines run one at a time', () => {
  it("a severity set in the config wins over the finding's own", async () => {
    const packages = loadPackages([DIR], DIR);
    const result = await lintPackages(
      packages,
      parseLintConfig('{"lint":{"rules":{"waitgroup-misuse":"error"}}}', 'c.json'),
    );
    assert.ok(result.findings.length > 0);
    for (const finding of result.findings) assert.equal(finding.severity, 'error');
  });

  it('reports exactly the marked lines of the serial cases', async () => {
    const { problems, findings } = await checkRule('waitgroup-misuse', DIR);
    assert.deepEqual(problems, []);
    assert.ok(findings.length > 0);
    for (const finding of findings) {
      assert.match(finding.message, /run one at a time/);
      // Slow, not wrong: milder than the rule's crash findings.
      assert.equal(finding.severity, 'warning');
    }
  });

  it(
    'positives peak at one running worker, NegConcurrent* above one, all clean under -race',
    { skip: goMissing },
    async () => {
      const { cases } = await readCases(DIR);
      const work = tempDir('goroscope-serial-');
      let packageName = 'main';
      for (const name of readdirSync(DIR).filter((entry) => entry.endsWith('.go'))) {
        copyFileSync(join(DIR, name), join(work, name));
        packageName = /^package\s+(\w+)/m.exec(readFileSync(join(DIR, name), 'utf8'))?.[1] ?? packageName;
      }
      writeFileSync(
        join(work, 'go.mod'),
        readFileSync(join(RULES_TESTDATA, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module exectest'),
      );
      const table = cases.map((c) => `\t\t{${JSON.stringify(c.name)}, ${c.name}},\n`).join('');
      writeFileSync(
        join(work, 'zz_peak_test.go'),
        `package ${packageName}\n\nimport (\n\t"fmt"\n\t"testing"\n)\n\nfunc TestPeak(t *testing.T) {\n\tfor _, c ` +
          `:= range []struct {\n\t\tname string\n\t\tfn   func()\n\t}{\n${table}\t} {\n` +
          `\t\trunning.Store(0)\n\t\tpeak.Store(0)\n\t\tc.fn()\n\t\tfmt.Printf("PEAK %s %d\\n", c.name, ` +
          `peak.Load())\n\t}\n}\n`,
      );
      const build = await runProgram('go', ['test', '-c', '-race', '-o', 'cases.test', '.'], work);
      assert.equal(build.code, 0, build.output);
      for (let i = 0; i < RUNS; i++) {
        const outcome = await runProgram(
          join(work, 'cases.test'),
          ['-test.run', '^TestPeak$', '-test.timeout', '60s'],
          work,
        );
        assert.equal(outcome.code, 0, outcome.output);
        assert.doesNotMatch(outcome.output, /DATA RACE/);
        const peaks = new Map(
          [...outcome.output.matchAll(/^PEAK (\w+) (\d+)$/gm)].map((m) => [m[1] ?? '', Number(m[2])]),
        );
        for (const c of cases) {
          const seen = peaks.get(c.name);
          assert.ok(seen !== undefined, `no peak for ${c.name}:\n${outcome.output}`);
          if (c.positive) assert.equal(seen, 1, `${c.name}: ${seen} workers ran at once, expected one at a time`);
          else if (c.name.startsWith('NegConcurrent'))
            assert.ok(seen > 1, `${c.name}: only ${seen} worker ran at once, expected several`);
        }
        assert.ok(cases.some((c) => c.positive) && cases.some((c) => c.name.startsWith('NegConcurrent')));
      }
    },
  );
});
