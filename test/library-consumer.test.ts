// A consumer of the library: calls every export the way a program embedding goroscope would, with types named
// from the package only. It is compiled with the tests (a breaking signature fails the build) and run on a
// recorded log and a rule's Go package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  explain,
  Explainer,
  explainToJson,
  explainToMarkdown,
  explainToText,
  lintPackages,
  loadPackages,
  openSourceTree,
  profile,
  renderHtml,
  ExpectedError,
  InputError,
  UsageError,
  ConfigError,
  ToolError,
  type GroupLevel,
  type ExplainOptions,
  type ExplainResult,
  type GoPackageFiles,
  type HtmlInput,
  type LineContext,
  type LintConfig,
  type LintResult,
  type ProfileOptions,
  type TextOptions,
} from '../src/index.js';
import { ROOT } from './rules-support.js';

const LOG = join(ROOT, 'examples', 'store-crash.log');

test('a consumer explains, renders, lints and profiles through the package exports', async () => {
  const grouping: GroupLevel = 'ignore-wait';
  const options: ExplainOptions = { grouping, srcDir: false, cwd: ROOT };
  const result: ExplainResult = await explain([LOG], options);
  assert.equal(result.crashes[0]?.kind, 'concurrent_map_writes');

  const streamed = new Explainer({ srcDir: false });
  const context: LineContext = { source: LOG };
  readFileSync(LOG, 'utf8')
    .split('\n')
    .forEach((line, i) => streamed.line(line, i + 1, context));
  streamed.end(context);
  assert.equal(streamed.result(openSourceTree(false, ROOT)).crashes[0]?.kind, 'concurrent_map_writes');

  const textOptions: TextOptions = { color: false };
  assert.match(explainToText(result, textOptions), /Concurrent map writes/);
  assert.match(explainToMarkdown(result), /concurrent_map_writes/);
  assert.equal((JSON.parse(explainToJson(result)) as ExplainResult).crashes.length, result.crashes.length);
  const page: HtmlInput = { title: 'consumer', explain: result };
  assert.match(renderHtml(page), /^<!doctype html>/i);

  const packages: GoPackageFiles[] = loadPackages(['.'], join(ROOT, 'testdata', 'rules', 'double-close'));
  const config: LintConfig = {};
  const lint: LintResult = await lintPackages(packages, config);
  assert.ok(lint.findings.some((finding) => finding.rule === 'double-close'));

  const profileOptions: ProfileOptions = { srcDir: false, cwd: ROOT };
  await assert.rejects(profile([join(ROOT, 'README.md')], profileOptions), ExpectedError);
  for (const ErrorType of [InputError, UsageError, ConfigError, ToolError]) {
    assert.ok(new ErrorType('x', { hint: 'y' }) instanceof ExpectedError);
  }
  const piped = await explain(['-'], { stdin: Readable.from([readFileSync(LOG)]), srcDir: false });
  assert.equal(piped.crashes.length, result.crashes.length);
});
