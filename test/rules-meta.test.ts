// Meta-tests over the rule catalogue: the registry equals the rules/ directory, every rule has complete
// metadata, a testdata package with positives and negatives, and an up-to-date docs page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../src/lint/driver/rule-registry.js';
import { renderRuleDoc, renderRuleIndex } from '../scripts/rule-docs.js';
import { ROOT, RULES_TESTDATA, readCases } from './rules-support.js';

test('registry equals the rule files in src/lint/rules', () => {
  const files = readdirSync(join(ROOT, 'src', 'lint', 'rules'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.slice(0, -3))
    .sort();
  assert.deepEqual(rules.map((rule) => rule.meta.name).sort(), files);
});

test('rule names are unique kebab-case and metadata is complete', () => {
  const names = new Set<string>();
  for (const { meta } of rules) {
    assert.match(meta.name, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(!names.has(meta.name), `duplicate rule ${meta.name}`);
    names.add(meta.name);
    for (const field of ['title', 'summary', 'explanation', 'fix'] as const)
      assert.ok(meta[field].trim().length > 10, `${meta.name}.${field} is empty`);
    assert.ok(meta.fix.includes('```go'), `${meta.name}.fix shows no Go code`);
  }
});

for (const { meta } of rules) {
  test(`rule ${meta.name} has testdata with positives and negatives`, async () => {
    const dir = join(RULES_TESTDATA, meta.name);
    assert.ok(existsSync(dir), `missing ${dir}`);
    const { cases, problems } = await readCases(dir);
    assert.deepEqual(problems, []);
    assert.ok(cases.filter((c) => c.positive).length >= 2, 'at least two positive cases');
    assert.ok(cases.filter((c) => !c.positive).length >= 2, 'at least two negative cases');
  });

  test(`rule ${meta.name} has an up-to-date docs page`, () => {
    const page = join(ROOT, 'docs', 'rules', `${meta.name}.md`);
    assert.ok(existsSync(page), `missing ${page}; run node scripts/gen-rule-docs.mjs`);
    assert.equal(
      readFileSync(page, 'utf8'),
      renderRuleDoc(meta, '//goroscope:ignore'),
      'docs page is stale; run node scripts/gen-rule-docs.mjs',
    );
  });
}

test('docs index lists every rule', () => {
  const index = join(ROOT, 'docs', 'rules', 'README.md');
  assert.ok(existsSync(index));
  assert.equal(readFileSync(index, 'utf8'), renderRuleIndex(rules.map((rule) => rule.meta)));
});
