// Execution proof with the exact runtime message, for rules whose claim is about *which* failure happens:
// built without -race (so the runtime, not the race detector, reports), every positive must die with the
// message from the Go source (runtime/internal maps fatal(), sync/waitgroup.go panic) at a marked line, and
// for recover-cannot-catch the deferred recover must not have run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { RULES_TESTDATA, readCases } from './rules-support.js';

const run = promisify(execFile);

async function runProgram(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 60_000, maxBuffer: 64 << 20, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const field = (name: string): unknown => (typeof error === 'object' && error !== null && name in error ? (error as Record<string, unknown>)[name] : undefined);
    const code = field('code');
    return { code: typeof code === 'number' ? code : -1, output: `${String(field('stdout') ?? '')}${String(field('stderr') ?? '')}` };
  }
}

/** Rule -> the message the Go runtime prints for its positives (strings from $(go env GOROOT)/src). */
const MESSAGE: Record<string, RegExp> = {
  // internal/runtime/maps: fatal("concurrent map writes"); fatal errors print "fatal error: " and skip defers.
  'recover-cannot-catch': /^fatal error: concurrent map writes$/m,
  // sync/waitgroup.go: panic("sync: negative WaitGroup counter").
  'waitgroup-misuse': /^panic: sync: negative WaitGroup counter/m,
};

const RUNS = 3;

describe('positives die with the runtime message the rule names, at a marked line', { concurrency: 2 }, () => {
  for (const [rule, message] of Object.entries(MESSAGE)) {
    it(rule, async () => {
      const dir = join(RULES_TESTDATA, rule);
      const { cases } = await readCases(dir);
      const positives = cases.filter((c) => c.positive);
      const work = mkdtempSync(join(tmpdir(), 'goroscope-msg-'));
      let packageName = 'main';
      for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.go'))) {
        copyFileSync(join(dir, name), join(work, name));
        packageName = /^package\s+(\w+)/m.exec(readFileSync(join(dir, name), 'utf8'))?.[1] ?? packageName;
      }
      writeFileSync(join(work, 'go.mod'), readFileSync(join(RULES_TESTDATA, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module exectest'));
      // Each case also proves the recover did not run: a recover that ran would print its log line and return.
      const table = positives.map((c) => `\t\t{${JSON.stringify(c.name)}, ${c.name}},\n`).join('');
      writeFileSync(
        join(work, 'zz_msg_test.go'),
        `package ${packageName}\n\nimport "testing"\n\nfunc TestMsg(t *testing.T) {\n\tfor _, c := range []struct {\n\t\tname string\n\t\tfn   func()\n\t}{\n${table}\t} {\n\t\tt.Run(c.name, func(t *testing.T) { c.fn() })\n\t}\n}\n`,
      );
      const build = await runProgram('go', ['test', '-c', '-o', 'cases.test', '.'], work);
      assert.equal(build.code, 0, build.output);
      for (const c of positives) {
        const marks = [...c.wants, ...c.fires].map((want) => `${basename(want.file)}:${want.line}`);
        for (let i = 0; i < RUNS; i++) {
          const outcome = await runProgram(join(work, 'cases.test'), ['-test.run', `^TestMsg$/^${c.name}$`, '-test.timeout', '20s'], work);
          assert.notEqual(outcome.code, 0, `${c.name} should fail:\n${outcome.output}`);
          assert.match(outcome.output, message, `${c.name} run ${i + 1}:\n${outcome.output.slice(0, 2000)}`);
          assert.doesNotMatch(outcome.output, /recovered/, `${c.name}: the recover ran`);
          assert.ok(marks.some((mark) => new RegExp(`${mark.replace('.', '\\.')}\\b`).test(outcome.output)), `${c.name}: not at ${marks.join(' or ')}:\n${outcome.output.slice(0, 3000)}`);
        }
      }
    });
  }
});
