// The lint pipeline around the rules: loading like `go vet ./...`, build constraints, syntax errors,
// suppression directives, config, the output formats (SARIF checked against the 2.1.0 required structure),
// --fix and the CLI's exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { evalGoBuild, fileNameMatches, headerMatches } from '../src/lint/load/build-constraints.js';
import type { BuildContext } from '../src/lint/load/build-constraints.js';
import { loadPackages } from '../src/lint/load/go-packages.js';
import { parseGoMod } from '../src/source/go-mod.js';
import { lintPackages } from '../src/lint/driver/lint-packages.js';
import { lintParallel } from '../src/lint/driver/lint-parallel.js';
import { parseLintConfig } from '../src/lint/driver/lint-config.js';
import { rules } from '../src/lint/driver/rule-registry.js';
import { renderLintJson } from '../src/render/lint-json.js';
import { renderLintText } from '../src/render/lint-text.js';
import { renderSarif } from '../src/render/lint-sarif.js';
import { renderLintMarkdown } from '../src/render/lint-markdown.js';
import { lintCommand } from '../src/cli/commands/lint-command.js';
import type { CliContext } from '../src/cli/context.js';
import { ConfigError } from '../src/errors.js';
import { RULES_TESTDATA } from './rules-support.js';
import { tempDir } from './helpers.js';

const linux: BuildContext = { goos: 'linux', goarch: 'amd64', goMinor: 26, cgo: true, tags: new Set() };

function scratch(files: Record<string, string>): string {
  const dir = tempDir('goroscope-lint-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const NIL_MAP = 'package p\n\nfunc F() {\n\tvar m map[string]int\n\tm["a"] = 1\n}\n';

test('file-name constraints follow go/build', () => {
  assert.equal(fileNameMatches('x_linux.go', linux), true);
  assert.equal(fileNameMatches('x_windows.go', linux), false);
  assert.equal(fileNameMatches('x_linux_arm64.go', linux), false);
  assert.equal(fileNameMatches('x_amd64_test.go', linux), true);
  assert.equal(fileNameMatches('x_darwin_test.go', linux), false);
  assert.equal(fileNameMatches('linux.go', linux), true); // a bare GOOS name is not a constraint
  assert.equal(fileNameMatches('x_unix.go', linux), true); // unix is not a file-name suffix
});

test('//go:build expressions and old +build lines', () => {
  assert.equal(evalGoBuild('linux && amd64', linux), true);
  assert.equal(evalGoBuild('!linux', linux), false);
  assert.equal(evalGoBuild('(darwin || unix) && !cgo', linux), false);
  assert.equal(evalGoBuild('go1.21', linux), true);
  assert.equal(evalGoBuild('go1.99', linux), false);
  assert.equal(evalGoBuild('ignore', linux), false);
  assert.equal(headerMatches('// Copyright\n\n//go:build windows\n\npackage p\n', linux), false);
  assert.equal(headerMatches('// +build linux,amd64 darwin\n\npackage p\n', linux), true);
  assert.equal(headerMatches('package p\n\n//go:build ' + 'windows\n', linux), true); // after the package clause it is a comment
});

test('go.mod: module path and go version', () => {
  assert.deepEqual(parseGoMod('module example.com/x\n\ngo 1.21.3\n', '/d'), {
    dir: '/d',
    path: 'example.com/x',
    goVersion: '1.21.3',
  });
  assert.deepEqual(parseGoMod('// no directives\n', '/d'), { dir: '/d', path: '', goVersion: undefined });
});

test('./... loads packages like go vet: tests included, vendor/testdata/_dirs and nested modules skipped', () => {
  const dir = scratch({
    'go.mod': 'module example.com/m\n\ngo 1.22\n',
    'a.go': 'package a\n',
    'a_test.go': 'package a\n',
    'a_windows.go': 'package a\n',
    'ignored.go': '//go:build ignore\n\npackage a\n',
    'sub/b.go': 'package b\n',
    'vendor/v/v.go': 'package v\n',
    'testdata/t/t.go': 'package t\n',
    '_hidden/h.go': 'package h\n',
    'nested/go.mod': 'module example.com/nested\n',
    'nested/n.go': 'package n\n',
  });
  const packages = loadPackages(['./...'], dir, linux);
  assert.deepEqual(
    packages.map((pkg) => [pkg.dir.slice(dir.length), pkg.files.map((file) => file.path.slice(pkg.dir.length + 1))]),
    [
      ['', ['a.go', 'a_test.go']],
      ['/sub', ['b.go']],
    ],
  );
  assert.equal(packages[0]?.module.goVersion, '1.22');
  // Named explicitly, testdata is loaded.
  assert.equal(loadPackages(['testdata/t'], dir, linux).length, 1);
});

test('a file with syntax the grammar does not know (Go 1.26 new(expr)) is still analysed', async () => {
  const dir = scratch({
    'x.go': 'package p\n\nfunc F() {\n\tp := new(1 + 2)\n\t_ = p\n\tvar m map[int]int\n\tm[1] = 1\n}\n',
  });
  const result = await lintPackages(loadPackages([dir], dir, linux));
  assert.equal(result.filesWithSyntaxErrors.length, 1);
  assert.deepEqual(
    result.findings.map((f) => [f.rule, f.line]),
    [['nil-map-write', 7]],
  );
});

test('suppression: nolint and goroscope:ignore, unused and malformed directives reported', async () => {
  const source = [
    'package p', // 1
    '', // 2
    'func A() {', // 3
    '\tvar m map[string]int', // 4
    '\tm["a"] = 1 //nolint:nil-map-write', // 5
    '\tvar n map[string]int', // 6
    '\t//goroscope:ignore nil-map-write demonstrating the panic on purpose', // 7
    '\tn["a"] = 1', // 8
    '\tvar o map[string]int', // 9
    '\to["a"] = 1 //nolint:goroscope', // 10
    '\tvar q map[string]int', // 11
    '\tq["a"] = 1 //goroscope:ignore nil-map-write', // 12  (no reason: malformed, finding stays)
    '\t_ = 0 //nolint:double-close', // 13 (unused)
    '\t_ = 1 //nolint:errcheck', // 14 (another linter: not ours)
    '}', // 15
    '',
  ].join('\n');
  const dir = scratch({ 'x.go': source });
  const result = await lintPackages(loadPackages([dir], dir, linux));
  assert.deepEqual(
    result.findings.map((f) => [f.line, f.rule]),
    [
      [12, 'nil-map-write'],
      [12, 'goroscope-directive'],
      [13, 'goroscope-directive'],
    ],
  );
  assert.match(result.findings[1]?.message ?? '', /needs a reason/);
  assert.match(result.findings[2]?.message ?? '', /matches no finding/);
});

test('config: severities and off; bad config is a ConfigError', async () => {
  const dir = scratch({ 'x.go': NIL_MAP });
  const packages = loadPackages([dir], dir, linux);
  const off = await lintPackages(packages, parseLintConfig('{"lint":{"rules":{"nil-map-write":"off"}}}', 'c.json'));
  assert.equal(off.findings.length, 0);
  const warn = await lintPackages(
    packages,
    parseLintConfig('{"lint":{"rules":{"nil-map-write":"warning"}}}', 'c.json'),
  );
  assert.equal(warn.findings[0]?.severity, 'warning');
  assert.throws(() => parseLintConfig('{"lint":{"rules":{"no-such-rule":"off"}}}', 'c.json'), ConfigError);
  assert.throws(() => parseLintConfig('{"lint":{"rules":{"nil-map-write":"loud"}}}', 'c.json'), ConfigError);
  assert.throws(() => parseLintConfig('{', 'c.json'), ConfigError);
});

test('workers give the same findings as one thread', async () => {
  const root = RULES_TESTDATA;
  const packages = loadPackages(['./...'], root, linux);
  const single = await lintPackages(packages);
  const parallel = await lintParallel(packages, {}, 2, 0);
  assert.ok(single.findings.length > 10);
  assert.deepEqual(parallel.findings, single.findings);
});

async function sampleResult() {
  const dir = scratch({ 'x.go': NIL_MAP });
  return { dir, result: await lintPackages(loadPackages([dir], dir, linux)) };
}

test('json output: schemaVersion 1 and the documented finding fields', async () => {
  const { result } = await sampleResult();
  const parsed: unknown = JSON.parse(renderLintJson(result));
  assert.ok(
    typeof parsed === 'object' &&
      parsed !== null &&
      'findings' in parsed &&
      Array.isArray(parsed.findings) &&
      'schemaVersion' in parsed,
  );
  assert.equal(parsed.schemaVersion, 1);
  const finding: unknown = parsed.findings[0];
  assert.ok(typeof finding === 'object' && finding !== null);
  assert.deepEqual(Object.keys(finding), [
    'rule',
    'severity',
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'message',
    'related',
    'fix',
  ]);
  assert.deepEqual(
    { ...finding, file: 'x', related: undefined, message: undefined },
    {
      rule: 'nil-map-write',
      severity: 'error',
      file: 'x',
      line: 5,
      column: 2,
      endLine: 5,
      endColumn: 8,
      message: undefined,
      related: undefined,
      fix: {
        description: 'initialise it: m := make(map[string]int)',
        edits: [{ line: 4, column: 2, endLine: 4, endColumn: 22, newText: 'm := make(map[string]int)' }],
      },
    },
  );
});

/** The parts of the SARIF 2.1.0 schema a consumer relies on: required properties, enums and cross-references. */
function sarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(log)) return ['log is not an object'];
  if (log['version'] !== '2.1.0') problems.push('version must be "2.1.0"');
  if (typeof log['$schema'] !== 'string') problems.push('$schema should name the 2.1.0 schema');
  const runs = log['runs'];
  if (!Array.isArray(runs) || runs.length === 0) return [...problems, 'runs must be a non-empty array'];
  for (const run of runs) {
    if (!isObject(run) || !isObject(run['tool']) || !isObject(run['tool']['driver'])) {
      problems.push('run.tool.driver is required');
      continue;
    }
    const driver = run['tool']['driver'];
    if (typeof driver['name'] !== 'string') problems.push('driver.name is required');
    const ruleIds: string[] = [];
    for (const rule of Array.isArray(driver['rules']) ? driver['rules'] : []) {
      if (!isObject(rule) || typeof rule['id'] !== 'string') problems.push('rule.id is required');
      else {
        ruleIds.push(rule['id']);
        for (const key of ['shortDescription', 'fullDescription', 'help']) {
          const text = rule[key];
          if (!isObject(text) || typeof text['text'] !== 'string')
            problems.push(`rule ${rule['id']}.${key}.text is required`);
        }
        const config = rule['defaultConfiguration'];
        if (isObject(config) && !['none', 'note', 'warning', 'error'].includes(String(config['level'])))
          problems.push('bad default level');
      }
    }
    if (new Set(ruleIds).size !== ruleIds.length) problems.push('rule ids must be unique');
    if (!Array.isArray(run['results'])) {
      problems.push('run.results must be an array');
      continue;
    }
    for (const result of run['results']) {
      if (!isObject(result)) continue;
      const message = result['message'];
      if (!isObject(message) || typeof message['text'] !== 'string') problems.push('result.message.text is required');
      if (!['none', 'note', 'warning', 'error'].includes(String(result['level'])))
        problems.push('result.level must be none|note|warning|error');
      const index = result['ruleIndex'];
      if (typeof index === 'number' && ruleIds[index] !== result['ruleId'])
        problems.push('ruleIndex does not point at ruleId');
      const fingerprints = result['partialFingerprints'];
      if (!isObject(fingerprints) || typeof fingerprints['primaryLocationLineHash'] !== 'string')
        problems.push('partialFingerprints.primaryLocationLineHash missing');
      for (const location of Array.isArray(result['locations']) ? result['locations'] : []) {
        const physical = isObject(location) ? location['physicalLocation'] : undefined;
        const region = isObject(physical) ? physical['region'] : undefined;
        const artifact = isObject(physical) ? physical['artifactLocation'] : undefined;
        if (!isObject(artifact) || typeof artifact['uri'] !== 'string')
          problems.push('artifactLocation.uri is required');
        if (!isObject(region) || typeof region['startLine'] !== 'number' || region['startLine'] < 1)
          problems.push('region.startLine must be >= 1');
        if (isObject(region) && typeof region['startColumn'] === 'number' && region['startColumn'] < 1)
          problems.push('region.startColumn must be >= 1');
      }
      for (const fix of Array.isArray(result['fixes']) ? result['fixes'] : []) {
        if (!isObject(fix) || !Array.isArray(fix['artifactChanges']) || fix['artifactChanges'].length === 0)
          problems.push('fix.artifactChanges is required');
      }
    }
  }
  return problems;
}

test('sarif output satisfies the SARIF 2.1.0 required structure and carries rule help', async () => {
  const { dir, result } = await sampleResult();
  const text = renderSarif(result, {
    rules: rules.map((r) => r.meta),
    version: '0.1.0',
    source: (file) => readFileSync(file, 'utf8'),
  });
  const log: unknown = JSON.parse(text);
  assert.deepEqual(sarifProblems(log), []);
  assert.match(text, /"primaryLocationLineHash": "[0-9a-f]{16}:1"/);
  assert.ok(text.includes(rules[0]?.meta.explanation.slice(0, 40) ?? 'x'));
  assert.ok(
    !text.includes(dir) || text.includes(encodeURIComponent('goroscope-lint')) || text.includes('goroscope-lint'),
  );
  // The validator itself catches a broken log.
  assert.ok(
    sarifProblems({ version: '2.0.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] }).length >= 4,
  );
});

test('text output: header, code frame with caret, related line, fix; markdown lists findings', async () => {
  const { result } = await sampleResult();
  const text = renderLintText(result, { color: false, source: (file) => readFileSync(file, 'utf8') });
  const lines = text.split('\n');
  assert.match(lines[0] ?? '', /x\.go:5:2: error: assignment to entry in nil map: .* \[nil-map-write\]$/);
  assert.ok(lines.includes('> 5 |     m["a"] = 1'));
  assert.ok(lines.includes('    |     ^^^^^^'));
  assert.match(text, /x\.go:4:6: map m declared here \(nil\)/);
  assert.match(text, /1 finding in 1 file \(1 package\)/);
  const markdown = renderLintMarkdown(result, { rules: rules.map((r) => r.meta) });
  assert.match(markdown, /\| `.*x\.go:5:2` \| Write to a nil map \(`nil-map-write`\) \| error \|/);
});

async function runLint(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const context: CliContext = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    cwd,
    stdoutIsTTY: false,
    exitCode: 0,
    signal: new AbortController().signal,
  };
  const program = new Command('goroscope').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  lintCommand.register(program, context, []);
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(['lint', ...args], { from: 'user' });
    return { code: context.exitCode, stdout: out, stderr: err };
  } catch (error) {
    return { code: 2, stdout: out, stderr: `${err}${error instanceof Error ? error.message : String(error)}` };
  }
}

test('cli: exit 1 with findings, 0 without, 2 for bad usage or input', async () => {
  const dir = scratch({
    'go.mod': 'module m\n\ngo 1.22\n',
    'x.go': NIL_MAP,
    'clean/c.go': 'package c\n\nfunc C() {}\n',
  });
  const found = await runLint(['./...', '--format', 'json'], dir);
  assert.equal(found.code, 1);
  assert.equal((JSON.parse(found.stdout) as { findings: { file: string }[] }).findings[0]?.file, 'x.go');
  assert.equal((await runLint(['clean'], dir)).code, 0);
  assert.equal((await runLint(['missing-dir'], dir)).code, 2);
  assert.equal((await runLint(['--format', 'yaml'], dir)).code, 2);
  assert.equal((await runLint(['--rule', 'no-such-rule'], dir)).code, 2);
  const sarif = await runLint(['--format', 'sarif'], dir);
  assert.deepEqual(sarifProblems(JSON.parse(sarif.stdout)), []);
});

const LEAK =
  'func H() string {\n\tc := make(chan string)\n\tgo func() { c <- "x" }()\n\tselect {\n\tcase v := <-c:\n\t\treturn ' +
  'v\n\tdefault:\n\t\treturn ""\n\t}\n}\n';

test('--fix applies the mechanical fixes: nil map make, defer Unlock, leak buffer of 1', async () => {
  const source =
    'package p\n\nimport "sync"\n\nfunc F() {\n\tvar m map[string]int\n\tm["a"] = 1\n\tm["b"] = 2\n}\n\nfunc G() ' +
    '{\n\tvar mu sync.Mutex\n\tmu.Lock()\n\tdefer mu.Lock()\n}\n\n' +
    LEAK;
  const dir = scratch({ 'go.mod': 'module m\n\ngo 1.22\n', 'x.go': source });
  const outcome = await runLint(['--fix', '.'], dir);
  assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
  assert.equal(
    readFileSync(join(dir, 'x.go'), 'utf8'),
    'package p\n\nimport "sync"\n\nfunc F() {\n\tm := make(map[string]int)\n\tm["a"] = 1\n\tm["b"] = 2\n}\n\nfunc ' +
      'G() {\n\tvar mu sync.Mutex\n\tmu.Lock()\n\tdefer mu.Unlock()\n}\n\n' +
      LEAK.replace('make(chan string)', 'make(chan string, 1)'),
  );
  assert.match(outcome.stderr, /applied 3 fixes in 1 file/);
});

test('loop-var-capture runs only for modules before go 1.22 (the go.mod go line decides)', async () => {
  const loop = 'package p\n\nfunc F() {\n\tfor i := 0; i < 3; i++ {\n\t\tgo func() { println(i) }()\n\t}\n}\n';
  const old = scratch({ 'go.mod': 'module m\n\ngo 1.21\n', 'x.go': loop });
  const current = scratch({ 'go.mod': 'module m\n\ngo 1.22\n', 'x.go': loop });
  const oldResult = await lintPackages(loadPackages([old], old, linux), { only: ['loop-var-capture'] });
  const newResult = await lintPackages(loadPackages([current], current, linux), { only: ['loop-var-capture'] });
  assert.deepEqual(
    oldResult.findings.map((f) => [f.rule, f.line]),
    [['loop-var-capture', 5]],
  );
  assert.deepEqual(newResult.findings, []);
});
