// Diagnoses that need more than the traceback's own lines: a second Unlock or Done raised by a deferred call at
// function exit (named from the source with --src), and leak suspects in a dump taken seconds after start. Every
// log is one our programs in testdata/crashes printed (scripts/record-crashes.mjs); the expected lines are the
// programs' markers (`// culprit`, `// deferred`, `// released`), never goroscope's output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { explain } from '../src/explain.js';
import { findLeaks } from '../src/analyse/leaks.js';
import { findDeferredRelease } from '../src/source/deferred-release.js';
import { deferredReleaseSentence } from '../src/render/deferred-sentence.js';
import type { GoroutineGroup } from '../src/model.js';
import { repoRoot } from './helpers.js';

interface Entry {
  log: string;
  program: string;
  kind: string;
  shape: string;
  culprits: { file: string; line: number }[];
  goVersion: string;
  gotraceback: string;
}

const logsDir = join(repoRoot, 'testdata', 'logs');
const entries = (JSON.parse(readFileSync(join(logsDir, 'manifest.json'), 'utf8')) as { recordings: Entry[] })
  .recordings;

/** The 1-based lines of a program that carry the marker `// <name>`, with their code. */
function marked(program: string, name: string): { line: number; code: string }[] {
  const lines = readFileSync(join(repoRoot, program), 'utf8').split('\n');
  const found = lines.flatMap((l, i) =>
    new RegExp(`// ${name}$`).test(l) ? [{ line: i + 1, code: l.replace(/\/\/.*$/, '').trim() }] : [],
  );
  assert.ok(found.length > 0, `${program} marks a ${name} line`);
  return found;
}

function marker(program: string, name: string): number {
  return marked(program, name)[0]?.line ?? 0;
}

describe('a second Unlock or Done raised by a deferred call at function exit', () => {
  const shapes = ['unlock_of_unlocked/deferred_unlock', 'negative_waitgroup/deferred_done'];
  const recorded = entries.filter((e) => shapes.includes(`${e.kind}/${e.shape}`));
  it(`recorded on ${new Set(recorded.map((e) => e.goVersion)).size} toolchains`, () => {
    assert.ok(new Set(recorded.map((e) => e.goVersion)).size >= 5);
    assert.ok(recorded.some((e) => e.goVersion === '1.27.3'));
  });
  it(`the culprit is the return or closing brace; --src names the defer and the earlier release: ${recorded.length} logs`, async () => {
    const wrong: string[] = [];
    for (const entry of recorded) {
      const result = await explain([join(logsDir, entry.log)], { srcDir: join(repoRoot, 'testdata', 'crashes') });
      const crash = result.crashes[0];
      // Both the exit and the defer are marked culprits: the exit is what Go reports, the defer line shows only
      // as the wrapper frame of Go 1.21 with GOTRACEBACK=system or crash.
      const culprits = marked(entry.program, 'culprit');
      const exit = culprits.find((c) => c.code === '}' || c.code.startsWith('return'))?.line;
      const deferLine = culprits.find((c) => c.code.startsWith('defer '))?.line;
      const wrapperShown =
        entry.goVersion === '1.21.13' && entry.gotraceback !== 'single' && entry.gotraceback !== 'all';
      const want = {
        culprit: wrapperShown ? deferLine : exit,
        exitLine: exit,
        deferLine,
        releaseLine: marker(entry.program, 'released'),
      };
      const got = {
        culprit: crash?.culprit?.line,
        exitLine: crash?.deferredRelease?.exitLine,
        deferLine: crash?.deferredRelease?.deferLine,
        releaseLine: crash?.deferredRelease?.releaseLine,
      };
      if (crash?.kind !== entry.kind || JSON.stringify(got) !== JSON.stringify(want))
        wrong.push(`${entry.log}: ${crash?.kind} ${JSON.stringify(got)}`);
      // unlock-misuse reports the early Unlock; waitgroup-misuse reports nothing on the early Done.
      const rules = (crash?.deferredRelease?.hazards ?? []).map((h) => `${h.rule}:${h.line}`);
      const wantRules = entry.kind === 'unlock_of_unlocked' ? [`unlock-misuse:${want.releaseLine}`] : [];
      if (JSON.stringify(rules) !== JSON.stringify(wantRules)) wrong.push(`${entry.log}: lint ${rules.join(' ')}`);
    }
    assert.deepEqual(wrong, []);
  });
  it('the sentence names the deferred call, the exit and the earlier call', () => {
    const text = deferredReleaseSentence(
      {
        file: 'main.go',
        exit: 'end',
        exitLine: 13,
        deferLine: 8,
        deferText: 'defer wg.Done()',
        releaseLine: 11,
        releaseText: 'wg.Done()',
      },
      (s) => `\`${s}\``,
    );
    assert.equal(
      text,
      '`wg.Done()`, deferred at line 8, ran at the end of the function (line 13); line 11 had already called `wg.Done()`, so the deferred call was one too many.',
    );
  });
  it('no claim when the line is not an exit, or the defer is inside a closure', () => {
    const lines = [
      'package main', // 1
      '', // 2
      'func f(mu *sync.Mutex, ok bool) {', // 3
      '\tmu.Lock()', // 4
      '\tgo func() {', // 5
      '\t\tdefer mu.Unlock()', // 6
      '\t}()', // 7
      '\tmu.Unlock()', // 8
      '\tif ok {', // 9
      '\t\treturn', // 10
      '\t}', // 11
      '}', // 12
    ];
    assert.equal(findDeferredRelease(lines, 8, 'Unlock'), null, 'not a return or a closing brace');
    assert.equal(findDeferredRelease(lines, 10, 'Unlock'), null, "the closure's defer runs at the closure's exit");
    assert.equal(findDeferredRelease(lines, 12, 'Done'), null, 'no deferred Done');
    assert.deepEqual(findDeferredRelease(lines, 7, 'Unlock')?.deferLine, 6, "the closure's own closing brace");
  });
  it('a `}` or `//` inside a string or comment does not move the function bounds', () => {
    const lines = [
      'func g(mu *sync.RWMutex) string {', // 1
      '\tmu.RLock()', // 2
      '\tdefer mu.RUnlock() // unlock { here', // 3
      '\ts := "}" + `}`', // 4
      "\tr := '}'", // 5
      '\tmu.RUnlock() /* } */', // 6
      '\treturn s + string(r)', // 7
      '}', // 8
    ];
    const site = findDeferredRelease(lines, 7, 'RUnlock');
    assert.deepEqual(site && { exit: site.exit, deferLine: site.deferLine, releaseLine: site.releaseLine }, {
      exit: 'return',
      deferLine: 3,
      releaseLine: 6,
    });
  });
});

describe('leak suspects in a dump taken seconds after start', () => {
  const recorded = entries.filter((e) => e.kind === 'goroutine_dump' && e.shape === 'orphaned_senders');
  it(`the senders a returned handler left behind, and only them: ${recorded.length} logs`, async () => {
    assert.ok(new Set(recorded.map((e) => e.goVersion)).size >= 5);
    const wrong: string[] = [];
    for (const entry of recorded) {
      const crash = (await explain([join(logsDir, entry.log)], { srcDir: false })).crashes[0];
      const leaks = (crash?.leaks ?? []).map((l) => `${l.count} ${l.state} :${l.culprit?.line}`);
      const want = [`300 chan send :${marker(entry.program, 'culprit')}`];
      if (JSON.stringify(leaks) !== JSON.stringify(want)) wrong.push(`${entry.log}: ${leaks.join(', ')}`);
      if (!/main\.handle started them and is on no goroutine's stack/.test(crash?.leaks[0]?.reason ?? ''))
        wrong.push(`${entry.log}: ${crash?.leaks[0]?.reason}`);
    }
    assert.deepEqual(wrong, []);
  });

  const group = (count: number, createdBy: string, onStack: string[] = []): GoroutineGroup => ({
    count,
    state: 'chan receive',
    waitMinutes: [0, 0],
    culprit: { function: 'main.work.func1', file: '/src/main.go', line: 12 },
    frames: [
      { function: 'main.work.func1', file: '/src/main.go', line: 12 },
      ...onStack.map((f) => ({ function: f, file: '/src/main.go', line: 1 })),
    ],
    createdBy: { function: createdBy, file: '/src/main.go', line: 10 },
    goroutineIds: [],
    crashing: false,
  });
  it('not a suspect: fewer than 100, a creator still on a stack, or a dump without the main goroutine', () => {
    const main = group(1, 'runtime.main', ['main.main']);
    assert.equal(findLeaks([group(99, 'main.work'), main]).length, 0);
    assert.equal(findLeaks([group(100, 'main.work'), main]).length, 1);
    assert.equal(findLeaks([group(500, 'main.work'), group(1, 'runtime.main', ['main.work', 'main.main'])]).length, 0);
    assert.equal(
      findLeaks([group(500, 'main.work')]).length,
      0,
      'a part of a dump cannot show that main.work returned',
    );
  });
});
