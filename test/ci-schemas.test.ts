// The published schemas in docs/schemas/, checked against real output: every JSON goroscope writes (explain,
// test/stress, profile, lint, codeclimate, the lint baseline) validates against its JSON Schema (draft 2020-12,
// strict: an undocumented field fails), .goroscope.json files against the config schema, and JUnit XML against
// docs/schemas/junit.xsd with xmllint. Each schema is also shown to reject a broken document.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv2020Module from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parseLintConfig } from '../src/lint/driver/lint-config.js';
import { rules } from '../src/lint/driver/rule-registry.js';
import { DIRECTIVE_RULE } from '../src/lint/driver/suppressions.js';
import { hasGo, hasXmllint, inModule, junitSchemaErrors, markedLines, scratchDir } from './ci-support.js';
import { repoRoot, runCli } from './helpers.js';

// Both packages are CommonJS with the class on `default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = ajvFormats.default;

const SCHEMAS = join(repoRoot, 'docs', 'schemas');
const NAMES = ['explain', 'stress', 'profile', 'lint', 'config', 'codeclimate', 'baseline'] as const;
type SchemaName = (typeof NAMES)[number];

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const ids = new Map<SchemaName, string>();
for (const name of NAMES) {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, `${name}.schema.json`), 'utf8')) as { $id: string };
  ajv.addSchema(schema);
  ids.set(name, schema.$id);
}

function errors(name: SchemaName, data: unknown): string[] {
  const validate = ajv.getSchema(ids.get(name) ?? '');
  assert.ok(validate, `schema ${name} compiles`);
  return validate(data)
    ? []
    : (validate.errors ?? [])
        .slice(0, 10)
        .map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function valid(name: SchemaName, json: string): unknown {
  const data: unknown = JSON.parse(json);
  assert.deepEqual(errors(name, data), []);
  return data;
}

const scratch = scratchDir('goroscope-schemas-');
after(scratch.remove);

describe('docs/schemas: every file is a schema the tests load', () => {
  it('lists exactly the schemas checked here, and each declares draft 2020-12', () => {
    const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'));
    assert.deepEqual(files.sort(), NAMES.map((n) => `${n}.schema.json`).sort());
    for (const file of files) {
      const schema = JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as { $schema: string };
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', file);
    }
  });
});

describe('explain --format json', () => {
  it('every recorded crash log of one Go version, the race logs and the README example validate', async () => {
    for (const args of [
      ['testdata/logs/go1.26.8'],
      ['testdata/logs/go1.12.17'],
      ['testdata/race-logs'],
      ['--src', 'testdata/crashes', 'examples/store-crash.log'],
    ]) {
      const run = await runCli(['explain', '--format', 'json', ...args]);
      assert.equal(run.code, 1, run.stderr);
      const result = valid('explain', run.stdout) as { crashes: unknown[]; races: unknown[] };
      assert.ok(result.crashes.length + result.races.length > 0, args.join(' '));
    }
  });

  it('the schema rejects a crash without a kind and a field it does not document', () => {
    assert.ok(errors('explain', { schemaVersion: 2, crashes: [{}], races: [], inputs: [], skipped: [] }).length > 0);
    assert.ok(
      errors('explain', { schemaVersion: 2, crashes: [], races: [], inputs: [], skipped: [], x: 1 }).length > 0,
    );
  });
});

describe('test and stress --format json', () => {
  it('a stress run over recorded crash and race logs validates', async () => {
    const run = await runCli([
      'stress',
      '--count',
      '2',
      '--format',
      'json',
      '--',
      'cat',
      'examples/store-crash.log',
      'testdata/race-logs/go1.26.8/map-write-write.log',
    ]);
    assert.equal(run.code, 1, run.stderr);
    const result = valid('stress', run.stdout) as { crashes: unknown[]; races: unknown[] };
    assert.ok(result.crashes.length > 0 && result.races.length > 0);
  });

  it('the schema rejects a race without firstRun', async () => {
    const run = await runCli([
      'stress',
      '--count',
      '1',
      '--format',
      'json',
      '--',
      'cat',
      'testdata/race-logs/go1.26.8/map-write-write.log',
    ]);
    const result = JSON.parse(run.stdout) as { races: Record<string, unknown>[] };
    delete result.races[0]?.['firstRun'];
    assert.ok(errors('stress', result).length > 0);
  });

  it(
    'goroscope test on the sample module validates, and its JUnit report validates against the XSD',
    { skip: hasGo ? false : 'go is not installed' },
    async (t) => {
      const counter = join(scratch.dir, 'counter');
      const json = await inModule(['test', '--count', '2', '--format', 'json'], { GOROSCOPE_FLAKY_COUNTER: counter });
      assert.equal(json.code, 1, json.stderr);
      const result = valid('stress', json.stdout) as { tests: unknown[]; crashes: unknown[] };
      assert.ok(result.tests.length >= 2 && result.crashes.length === 1);
      if (!hasXmllint) {
        t.skip('xmllint is not installed (Debian: libxml2-utils); the JUnit XSD check did not run');
        return;
      }
      const racy = await inModule(['test', '--format', 'junit'], {}, join(repoRoot, 'testdata', 'races', 'module'));
      assert.equal(racy.code, 1, racy.stderr);
      assert.equal(junitSchemaErrors(racy.stdout), '');
      // The race in TestMain (no test: `race-test: warm` in startup_test.go) goes to the goroscope suite.
      const orphans = [...racy.stdout.matchAll(/<testcase classname="goroscope" name="([^"]*)"/g)].map((m) => m[1]);
      const marked = markedLines('race: warm', join(repoRoot, 'testdata', 'races', 'module', 'startup'));
      assert.deepEqual(orphans, [`data race at ${marked.join(' and ')}`]);
    },
  );
});

describe('JUnit XSD', { skip: hasXmllint ? false : 'xmllint is not installed (Debian: libxml2-utils)' }, () => {
  it('stress reports of a crash log, a race log and a clean command validate', async () => {
    for (const command of [
      ['cat', 'examples/store-crash.log'],
      ['cat', 'testdata/race-logs/go1.26.8/map-write-write.log'],
      ['true'],
    ]) {
      const run = await runCli(['stress', '--count', '2', '--format', 'junit', '--', ...command]);
      assert.equal(junitSchemaErrors(run.stdout), '', command.join(' '));
      assert.match(run.stdout, /<testcase /);
    }
  });

  it('rejects a testcase without a name (the check can fail)', () => {
    const xml =
      '<?xml version="1.0"?><testsuites tests="1" failures="0" errors="0"><testsuite name="p" tests="1" failures="0" ' +
      'errors="0"><testcase classname="p"/></testsuite></testsuites>';
    assert.match(junitSchemaErrors(xml), /attribute 'name' is required/);
  });
});

describe('profile --format json', () => {
  it('every recorded profile of two Go versions validates', async () => {
    for (const version of ['go1.21.13', 'go1.26.8']) {
      const dir = join('testdata', 'profiles', version);
      const files = readdirSync(join(repoRoot, dir)).map((f) => join(dir, f));
      const run = await runCli(['profile', '--format', 'json', ...files]);
      assert.ok(run.code === 0 || run.code === 1, run.stderr);
      const result = valid('profile', run.stdout) as { profiles: unknown[] };
      assert.equal(result.profiles.length, files.length);
    }
  });
});

describe('lint --format json, codeclimate and the baseline', () => {
  it('lint of every rule testdata package validates in all three', async () => {
    const json = await runCli(['lint', '--format', 'json', 'testdata/rules/...']);
    assert.equal(json.code, 1, json.stderr);
    const report = valid('lint', json.stdout) as { findings: { fix?: unknown }[] };
    assert.ok(report.findings.some((f) => f.fix !== undefined));
    const codeclimate = await runCli(['lint', '--format', 'codeclimate', 'testdata/rules/...']);
    const issues = valid('codeclimate', codeclimate.stdout) as { fingerprint: string }[];
    assert.equal(issues.length, report.findings.length);
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length, 'fingerprints are unique');
    const baseline = join(scratch.dir, 'baseline.json');
    await runCli(['lint', '--write-baseline', baseline, 'testdata/rules/...']);
    const written = valid('baseline', readFileSync(baseline, 'utf8')) as { findings: unknown[] };
    assert.equal(written.findings.length, report.findings.length);
  });

  it('the codeclimate schema rejects an issue without a fingerprint', () => {
    const issue = { type: 'issue', check_name: 'x', description: 'd', categories: ['Bug Risk'], severity: 'major' };
    assert.ok(
      errors('codeclimate', [{ ...issue, location: { path: 'a.go', lines: { begin: 1, end: 1 } } }]).length > 0,
    );
  });
});

describe('.goroscope.json', () => {
  it('names exactly the rules goroscope knows', () => {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, 'config.schema.json'), 'utf8')) as {
      properties: { lint: { properties: { rules: { propertyNames: { enum: string[] } } } } };
    };
    const known = [...rules.map((rule) => rule.meta.name), DIRECTIVE_RULE].sort();
    assert.deepEqual(schema.properties.lint.properties.rules.propertyNames.enum, known);
  });

  it('accepts what goroscope accepts and rejects what it rejects', () => {
    const accepted = [
      '{}',
      '{ "lint": {} }',
      '{ "lint": { "rules": { "copied-lock": "off", "goroutine-leak": "error", "goroscope-directive": "info" } } }',
      '{ "lint": { "goToolchain": "go1.27.3" } }',
    ];
    const rejected = [
      '[]',
      '{ "lint": 3 }',
      '{ "lint": { "rules": { "no-such-rule": "off" } } }',
      '{ "lint": { "rules": { "copied-lock": "loud" } } }',
      '{ "lint": { "goToolchain": "latest" } }',
    ];
    for (const text of accepted) {
      assert.doesNotThrow(() => parseLintConfig(text, 'config'));
      assert.deepEqual(errors('config', JSON.parse(text)), [], text);
    }
    for (const text of rejected) {
      assert.throws(() => parseLintConfig(text, 'config'));
      assert.ok(errors('config', JSON.parse(text)).length > 0, text);
    }
  });

  it('a config written next to a module is read by lint and validates', async () => {
    const dir = join(scratch.dir, 'configured');
    const config = {
      $schema: './node_modules/goroscope/docs/schemas/config.schema.json',
      lint: { rules: { 'nil-map-write': 'off' } },
    };
    assert.deepEqual(errors('config', config), []);
    mkdirSync(dir);
    writeFileSync(join(dir, '.goroscope.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/c\n\ngo 1.22\n');
    writeFileSync(join(dir, 'c.go'), 'package c\n\nfunc F() {\n\tvar m map[string]int\n\tm["a"] = 1\n}\n');
    const run = await runCli(['lint', '--format', 'json', './...'], { cwd: dir });
    assert.deepEqual([run.code, (JSON.parse(run.stdout) as { findings: unknown[] }).findings], [0, []]);
  });
});
