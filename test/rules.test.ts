import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../src/lint/driver/rule-registry.js';
import { RULES_TESTDATA, checkRule, readCases } from './rules-support.js';
import { tempDir } from './helpers.js';

for (const rule of rules) {
  test(`rule ${rule.meta.name}: findings equal the // want markers`, async () => {
    const dir = join(RULES_TESTDATA, rule.meta.name);
    assert.ok(existsSync(dir), `missing testdata ${dir}`);
    const { problems, findings } = await checkRule(rule.meta.name, dir);
    assert.deepEqual(problems, []);
    assert.ok(findings.length > 0);
    for (const finding of findings) {
      assert.ok(
        finding.message.length > 0 && finding.fix !== undefined,
        `${finding.rule} finding needs a message and a fix suggestion`,
      );
    }
  });
}

function scratch(source: string): string {
  const dir = tempDir('goroscope-tester-');
  writeFileSync(join(dir, 'x.go'), source);
  return dir;
}

test('tester refuses a positive case without an expectation', async () => {
  const dir = scratch('package x\n\nfunc PosA() {\n\tvar m map[int]int\n\tm[1] = 1\n}\n\nfunc NegA() {}\n');
  const { problems } = await readCases(dir);
  assert.deepEqual(problems, ['PosA: positive case has no // want expectation']);
});

test('tester refuses duplicate cases', async () => {
  const dir = scratch(
    'package x\n\nfunc PosA() {\n\tvar m map[int]int\n\tm[1] = 1 // want "nil-map-write"\n}\n\nfunc PosB() {\n\tvar ' +
      'm map[int]int\n\tm[1] = 1 // want "nil-map-write"\n}\n\nfunc NegA() {}\n',
  );
  const { problems } = await readCases(dir);
  assert.deepEqual(problems, ['PosB: duplicate of case PosA']);
});

test('tester refuses a negative case with an expectation and a package without negatives', async () => {
  const dir = scratch('package x\n\nfunc NegA() {\n\tvar m map[int]int\n\tm[1] = 1 // want "nil-map-write"\n}\n');
  const { problems } = await readCases(dir);
  assert.deepEqual(problems, [
    'NegA: negative case carries or reaches a // want expectation',
    'no positive case (Pos*)',
  ]);
});

test('tester reports a missing and an unexpected finding', async () => {
  const dir = scratch(
    'package x\n\nfunc PosA() {\n\tvar m map[int]int\n\tm[1] = 1\n\t_ = 0 // want "nil-map-write"\n}\n\nfunc NegA() ' +
      '{}\n',
  );
  const { problems } = await checkRule('nil-map-write', dir);
  assert.equal(problems.length, 2);
  assert.match(problems[0] ?? '', /^unexpected finding .*x\.go:5: nil-map-write/);
  assert.match(problems[1] ?? '', /^missing finding .*x\.go:6: nil-map-write/);
});
