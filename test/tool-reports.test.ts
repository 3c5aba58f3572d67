// Reports of other Go tools, recorded from our own programs in testdata/tools/ by scripts/record-tool-reports.sh:
// goleak (go.uber.org/goleak v1.3.0), go-deadlock (github.com/sasha-s/go-deadlock v0.3.9) and
// x/tools/cmd/stress (v0.52.0). Each program marks with `// culprit` the line the report must be traced to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { explain } from '../src/explain.js';
import { repoRoot, runCli } from './helpers.js';

const toolsDir = join(repoRoot, 'testdata', 'tools');
const logs = join(toolsDir, 'logs');

function culpritLine(program: string): number {
  const lines = readFileSync(join(toolsDir, program), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.endsWith('// culprit'));
  assert.ok(i >= 0, `${program} marks a culprit`);
  return i + 1;
}

const cases: { log: string; tool: string; finding: string; program: string }[] = [
  { log: 'goleak-verify-none.log', tool: 'goleak', finding: 'goroutine_leak', program: 'goleak/leak_test.go' },
  { log: 'go-deadlock-lock-order.log', tool: 'go-deadlock', finding: 'lock_order', program: 'deadlock/main.go' },
  {
    log: 'go-deadlock-panic.log',
    tool: 'go-deadlock',
    finding: 'recursive_lock',
    program: 'deadlock_panic/main.go',
  },
  {
    log: 'go-deadlock-timeout.log',
    tool: 'go-deadlock',
    finding: 'lock_timeout',
    program: 'deadlock_timeout/main.go',
  },
];

describe('other tools’ reports are diagnosed', () => {
  for (const c of cases) {
    it(`${c.log}: ${c.tool} ${c.finding} at the marked line`, async () => {
      const result = await explain([join(logs, c.log)], { srcDir: false });
      const [report] = result.toolReports ?? [];
      assert.ok(report, 'a tool report');
      assert.equal(result.toolReports?.length, 1);
      assert.equal(report.tool, c.tool);
      assert.equal(report.finding, c.finding);
      assert.ok(report.culprit, 'a culprit');
      assert.equal(basename(report.culprit.file), basename(c.program));
      assert.equal(report.culprit.line, culpritLine(c.program));
    });
  }

  it(
    'stress: runs and failures from the status line, one ERROR line per failed run, every crash ' + 'diagnosed',
    async () => {
      const path = join(logs, 'stress-flaky.log');
      const text = readFileSync(path, 'utf8');
      const result = await explain([path], { srcDir: false });
      const [report] = result.toolReports ?? [];
      assert.equal(report?.tool, 'stress');
      const status = /(\d+) runs total, (\d+) failures/.exec(text);
      assert.ok(status);
      assert.equal(report.runs, Number(status[1]));
      assert.equal(report.failures, Number(status[2]));
      assert.equal(report.errors?.length, text.match(/^ERROR: /gm)?.length);
      // stress keeps 2 KiB of each failure: every complete panic it printed is a crash at the marked line.
      const complete = text.match(/^main\.main\(\)$/gm)?.length ?? 0;
      assert.ok(complete > 0);
      const line = culpritLine('flaky/main.go');
      const atMarked = result.crashes.filter((c) => c.kind === 'user_panic' && c.culprit?.line === line);
      // Identical crashes fold into one entry that counts them.
      assert.equal(
        atMarked.reduce((n, c) => n + (c.occurrences ?? 1), 0),
        complete,
      );
    },
  );

  it('a goleak failure is no longer "nothing found, exit 0"', async () => {
    const run = await runCli(['explain', join(logs, 'goleak-verify-none.log')]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^goleak: unexpected goroutines/m);
  });
});
