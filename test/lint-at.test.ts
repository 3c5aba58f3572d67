// Crash -> hazard link: the lint findings on a crash's culprit line, found through the printed path of the
// crash log mapped onto the local source tree (what `explain --src` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingsAt } from '../src/lint/findings-at.js';
import type { FindingsCache } from '../src/lint/findings-at.js';
import { indexSourceTree, resolvePrintedPath, sourceContext } from '../src/source/source-tree.js';
import { ROOT } from './rules-support.js';

const CRASHES = join(ROOT, 'testdata', 'crashes');
const STORE = join(CRASHES, 'concurrent_map_writes', 'store', 'main.go');

/** The 1-based line of the first source line matching `pattern` (the program marks its culprit `// culprit`). */
function lineOf(path: string, pattern: RegExp): number {
  const index = readFileSync(path, 'utf8')
    .split('\n')
    .findIndex((text) => pattern.test(text));
  assert.ok(index >= 0, `no line matching ${pattern} in ${path}`);
  return index + 1;
}

/** The first user frame the runtime printed for the crashing goroutine: path and line. */
function crashFrame(log: string): { printed: string; line: number } {
  const match = /^\t(\S+\/main\.go):(\d+)/m.exec(log);
  assert.ok(match?.[1] !== undefined && match[2] !== undefined, 'the crash log names no main.go frame');
  return { printed: match[1], line: Number(match[2]) };
}

test('the culprit line of the store crash carries a concurrent-map-access finding', async () => {
  const culprit = lineOf(STORE, /\/\/ culprit$/);
  const frame = crashFrame(readFileSync(join(ROOT, 'examples', 'store-crash.log'), 'utf8'));
  assert.equal(frame.line, culprit, 'the recorded crash stops at the marked line');
  const local = resolvePrintedPath(indexSourceTree(CRASHES), frame.printed);
  assert.equal(local, 'concurrent_map_writes/store/main.go');
  const findings = await findingsAt(CRASHES, local ?? '', frame.line);
  const hazard = findings.find((finding) => finding.rule === 'concurrent-map-access');
  assert.ok(
    hazard !== undefined,
    `no concurrent-map-access finding at line ${frame.line}: ${JSON.stringify(findings)}`,
  );
  assert.equal(hazard.file, STORE);
  assert.equal(hazard.line, culprit);
  // The finding names the field map and the goroutines that write it: worker started in the loop in main.
  assert.match(hazard.message, /s\.sessions/);
  assert.match(hazard.message, new RegExp(`loop at line ${lineOf(STORE, /go worker\(s, jobs\)/)}\\b`));
});

test('a locked access and a line without code carry no concurrent-map-access finding', async () => {
  const cache: FindingsCache = new Map();
  const lockedRead = lineOf(STORE, /return s\.sessions\[id\]/);
  assert.deepEqual(
    (await findingsAt(CRASHES, STORE, lockedRead, { cache })).filter((f) => f.rule === 'concurrent-map-access'),
    [],
  );
  assert.deepEqual(await findingsAt(CRASHES, STORE, 1, { cache }), []);
  // Both look-ups linted the package once.
  assert.equal(cache.size, 1);
});

test('a file that is not there, or not Go, gives no findings instead of an error', async () => {
  assert.deepEqual(await findingsAt(CRASHES, 'no/such/main.go', 10), []);
  assert.deepEqual(await findingsAt(ROOT, 'examples/store-crash.log', 7), []);
});

test(
  'the local file explain --src attaches to the culprit (SourceContext.localFile) finds the same ' + 'finding',
  async () => {
    const frame = crashFrame(readFileSync(join(ROOT, 'examples', 'store-crash.log'), 'utf8'));
    const context = sourceContext(indexSourceTree(CRASHES), frame.printed, frame.line);
    assert.ok(context !== undefined);
    const findings = await findingsAt(CRASHES, context.localFile, frame.line);
    assert.deepEqual(
      findings.filter((f) => f.rule === 'concurrent-map-access').map((f) => f.line),
      [lineOf(STORE, /\/\/ culprit$/)],
    );
  },
);
