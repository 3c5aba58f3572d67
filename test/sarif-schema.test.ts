// The SARIF that `goroscope lint --format sarif` writes, validated against the official SARIF 2.1.0 JSON schema
// (sarif-2.1.0-rtm.5.json, as shipped in the @microsoft/jest-sarif package; no network is needed).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { repoRoot, runCli } from './helpers.js';

const require = createRequire(import.meta.url);
const schemaPath = join(dirname(require.resolve('@microsoft/jest-sarif')), 'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

// Both packages are CommonJS with the class on `default`.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;

function validator(): (data: unknown) => string[] {
  // The schema's language-tag pattern is not valid with the u flag (a stray `]`), so patterns compile without it.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

describe('SARIF output against the official 2.1.0 schema', () => {
  const validate = validator();

  it('the schema rejects a broken log (the check can fail)', () => {
    assert.ok(
      validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] }).length > 0,
    );
  });

  it('lint of every rule testdata package is a valid SARIF log with results and rule help', async () => {
    const run = await runCli(['lint', '--format', 'sarif', 'testdata/rules/...'], { cwd: repoRoot });
    assert.equal(run.code, 1, run.stderr);
    const log = JSON.parse(run.stdout) as {
      runs: { results: unknown[]; tool: { driver: { rules: { help?: unknown }[] } } }[];
    };
    assert.deepEqual(validate(log), []);
    const [first] = log.runs;
    assert.ok(first && first.results.length > 40, 'findings for the marked bugs');
    assert.ok(
      first.tool.driver.rules.every((rule) => rule.help !== undefined),
      'every rule carries help from its metadata',
    );
  });

  it('a clean package gives a valid SARIF log with no results', async () => {
    const run = await runCli(['lint', '--format', 'sarif', 'testdata/races/fixed/map-mutex'], { cwd: repoRoot });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(validate(JSON.parse(run.stdout)), []);
  });
});
