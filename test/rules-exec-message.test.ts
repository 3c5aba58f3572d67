// Execution proof with the exact runtime message, for rules whose claim is about *which* failure happens:
// built without -race (so the runtime, not the race detector, reports), every positive must die with the
// message from the Go source (runtime/internal maps fatal(), sync/waitgroup.go panic) at a marked line, and
// for recover-cannot-catch the deferred recover must not have run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RULES_TESTDATA, runProgram, checkRule, readCases } from './rules-support.js';
import { goMissing, tempDir } from './helpers.js';

/** Rule -> the message the Go runtime prints for its positives (strings from $(go env GOROOT)/src). */
const MESSAGE: Record<string, RegExp> = {
  // internal/runtime/maps: fatal("concurrent map writes"); fatal errors print "fatal error: " and skip defers.
  // Seen here on Go 1.26.8 (about 1 run in 15): the colliding writes corrupt the map before the check fires and
  // the runtime dies of a fault inside mapassign instead; that is just as fatal, and recover() misses it too.
  'recover-cannot-catch': /^fatal error: (concurrent map writes|fault)$/m,
  // sync/waitgroup.go: Add panics "sync: negative WaitGroup counter" after storing the negative count; a Wait
  // woken by the first Done that then reads that count panics "sync: WaitGroup is reused before previous Wait has
  // returned", and either goroutine can be the one that ends the process (seen here about 1 run in 15).
  'waitgroup-misuse':
    /^panic: sync: (negative WaitGroup counter|WaitGroup is reused before previous Wait has returned)/m,
};

const RUNS = 5;

describe(
  'positives die with the runtime message the rule names, at a marked line',
  { concurrency: 2, skip: goMissing },
  () => {
    for (const [rule, message] of Object.entries(MESSAGE)) {
      it(rule, async () => {
        const dir = join(RULES_TESTDATA, rule);
        const { cases } = await readCases(dir);
        const positives = cases.filter((c) => c.positive);
        const work = tempDir('goroscope-msg-');
        let packageName = 'main';
        for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.go'))) {
          copyFileSync(join(dir, name), join(work, name));
          packageName = /^package\s+(\w+)/m.exec(readFileSync(join(dir, name), 'utf8'))?.[1] ?? packageName;
        }
        writeFileSync(
          join(work, 'go.mod'),
          readFileSync(join(RULES_TESTDATA, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module exectest'),
        );
        // Each case also proves the recover did not run: a recover that ran would print its log line and return.
        const table = positives.map((c) => `\t\t{${JSON.stringify(c.name)}, ${c.name}},\n`).join('');
        writeFileSync(
          join(work, 'zz_msg_test.go'),
          `package ${packageName}\n\nimport "testing"\n\nfunc TestMsg(t *testing.T) {\n\tfor _, c := range []struct ` +
            `{\n\t\tname string\n\t\tfn   func()\n\t}{\n${table}\t} {\n\t\tt.Run(c.name, func(t *testing.T) { ` +
            `c.fn() })\n\t}\n}\n`,
        );
        const build = await runProgram('go', ['test', '-c', '-o', 'cases.test', '.'], work);
        assert.equal(build.code, 0, build.output);
        for (const c of positives) {
          const marks = [...c.wants, ...c.fires].map((want) => `${basename(want.file)}:${want.line}`);
          for (let i = 0; i < RUNS; i++) {
            const outcome = await runProgram(
              join(work, 'cases.test'),
              ['-test.run', `^TestMsg$/^${c.name}$`, '-test.timeout', '20s'],
              work,
            );
            assert.notEqual(outcome.code, 0, `${c.name} should fail:\n${outcome.output}`);
            assert.match(outcome.output, message, `${c.name} run ${i + 1}:\n${outcome.output.slice(0, 2000)}`);
            // The cases log "recovered: ..."; testing's own "[recovered, repanicked]" is not a recover of ours.
            assert.doesNotMatch(outcome.output, /\brecovered( from|:)/, `${c.name}: the recover ran`);
            assert.ok(
              marks.some((mark) => new RegExp(`${mark.replace('.', '\\.')}\\b`).test(outcome.output)),
              `${c.name}: not at ${marks.join(' or ')}:\n${outcome.output.slice(0, 3000)}`,
            );
          }
        }
      });
    }
  },
);

// time-tick-leak has no crash to show; its claim is that with go.mod below 1.23 the ticker of a returning
// time.Tick call is never garbage collected, and from 1.23 it is (time/tick.go, time/sleep.go: asynctimerchan).
// Each positive is called CALLS times in a module at go 1.22 and again at go 1.23; live heap after GC is compared.
const CALLS = 20000;

describe(
  'time-tick-leak: the tickers of returned time.Tick calls stay in the heap at go 1.22, not at go 1.23',
  { skip: goMissing },
  () => {
    it('measures heap growth per call for every positive case', async () => {
      const dir = join(RULES_TESTDATA, 'time-tick-leak');
      const { cases } = await readCases(dir);
      const positives = cases.filter((c) => c.positive);
      assert.ok(positives.length >= 2);
      const table = positives.map((c) => `\t\t{${JSON.stringify(c.name)}, ${c.name}},\n`).join('');
      const harness =
        `package timetick\n\nimport (\n\t"fmt"\n\t"runtime"\n\t"testing"\n)\n\nfunc TestHeap(t *testing.T) {\n\tfor ` +
        `_, c := range []struct {\n\t\tname string\n\t\tfn   func()\n\t}{\n${table}\t} {\n` +
        `\t\tvar before, after runtime.MemStats\n\t\truntime.GC()\n\t\truntime.ReadMemStats(&before)\n\t\tfor i := ` +
        `0; i < ${CALLS}; i++ ` +
        `{\n\t\t\tc.fn()\n\t\t}\n\t\truntime.GC()\n\t\truntime.GC()\n\t\truntime.ReadMemStats(&after)\n` +
        `\t\tfmt.Printf("HEAP %s %d\\n", c.name, (int64(after.HeapAlloc)-int64(before.HeapAlloc))/${CALLS})\n\t}\n}\n`;
      const perCall = async (goLine: string): Promise<Map<string, number>> => {
        const work = tempDir('goroscope-tick-');
        copyFileSync(join(dir, 'tick.go'), join(work, 'tick.go'));
        writeFileSync(join(work, 'go.mod'), `module exectest\n\ngo ${goLine}\n`);
        writeFileSync(join(work, 'zz_heap_test.go'), harness);
        const outcome = await runProgram('go', ['test', '-count=1', '-run', '^TestHeap$', '-v', '.'], work);
        assert.equal(outcome.code, 0, outcome.output);
        return new Map([...outcome.output.matchAll(/^HEAP (\w+) (-?\d+)$/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
      };
      const old = await perCall('1.22');
      const current = await perCall('1.23');
      for (const c of positives) {
        const kept = old.get(c.name);
        const collected = current.get(c.name);
        assert.ok(kept !== undefined && collected !== undefined, `no measurement for ${c.name}`);
        // A *time.Ticker with its channel is a few hundred bytes; well under 100 means it was collected.
        assert.ok(kept >= 100, `${c.name}: ${kept} bytes/call kept at go 1.22, expected the ticker to stay`);
        assert.ok(
          collected < 20,
          `${c.name}: ${collected} bytes/call kept at go 1.23, expected the ticker to be collected`,
        );
      }
    });

    it('reports nothing for the same shapes in a go 1.23 module', async () => {
      const dir = join(RULES_TESTDATA, 'time-tick-leak', 'go123');
      const { cases } = await readCases(dir);
      assert.ok(cases.length >= 3);
      const { findings } = await checkRule('time-tick-leak', dir);
      assert.deepEqual(findings, []);
      // The same shapes one level up (go 1.22) are reported: the difference is the go line alone.
      const { findings: old } = await checkRule('time-tick-leak', join(RULES_TESTDATA, 'time-tick-leak'));
      assert.ok(old.length >= cases.length);
    });
  },
);
