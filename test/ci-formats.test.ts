// The formats CI systems read, produced by running goroscope on the sample module in testdata/ci/module (a
// lint finding marked `// want`, a test that fails on every second run, a test whose goroutine crashes at the
// line marked `// culprit`): JUnit XML, GitHub workflow annotations, the Markdown job summary and codeclimate JSON.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { annotationLine, escapeData, escapeProperty } from '../src/render/github-annotations.js';
import { testOfFunction } from '../src/render/responsible-tests.js';
import { xmlAttr, xmlText } from '../src/render/xml.js';
import { hasGo, hasXmllint, inModule, junitSchemaErrors, markedLines, scratchDir } from './ci-support.js';
import { repoRoot, runCli } from './helpers.js';

const scratch = scratchDir('goroscope-ci-formats-');
after(scratch.remove);

const [wantLine] = markedLines('want "nil-map-write"');
const [culpritLine] = markedLines('culprit');

/** Attributes of the elements named `tag`, in document order (the reports are flat enough for this). */
function elements(xml: string, tag: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of xml.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? '').matchAll(/(\w[\w.-]*)="([^"]*)"/g)) attrs[a[1] ?? ''] = a[2] ?? '';
    out.push(attrs);
  }
  return out;
}

describe('GitHub workflow command escaping', () => {
  it('percent-encodes %, CR and LF in messages, and also : and , in properties', () => {
    assert.equal(escapeData('50% done\r\nnext: a,b'), '50%25 done%0D%0Anext: a,b');
    assert.equal(escapeProperty('C:\\src\\a,b.go%\n'), 'C%3A\\src\\a%2Cb.go%25%0A');
    assert.equal(
      annotationLine({ level: 'warning', file: 'a,b.go', line: 3, title: 'x: y', message: 'm\nn' }),
      '::warning file=a%2Cb.go,line=3,title=x%3A y::m%0An',
    );
  });
});

describe('XML escaping', () => {
  it('escapes markup and turns characters XML cannot hold into visible escapes', () => {
    assert.equal(xmlText('a<b>&\u001b[31m'), 'a&lt;b&gt;&amp;\\u001b[31m');
    assert.equal(xmlAttr('"x"\n\ty'), '&quot;x&quot;&#10;&#9;y');
  });
});

describe('the test a crash belongs to', () => {
  it('reads it from Go function names, external test packages included', () => {
    assert.deepEqual(testOfFunction('example.com/ci/crashy.TestBackground.func1'), {
      package: 'example.com/ci/crashy',
      name: 'TestBackground',
    });
    assert.deepEqual(testOfFunction('example.com/m/cache_test.BenchmarkGet'), {
      package: 'example.com/m/cache',
      name: 'BenchmarkGet',
    });
    assert.equal(testOfFunction('example.com/m.Testify'), undefined);
    assert.equal(testOfFunction('example.com/m.(*T).TestX'), undefined);
  });
});

describe('goroscope test on the sample module', { skip: hasGo ? false : 'go is not installed' }, () => {
  it(
    '--format junit: one testcase per test, the flaky rate, the crash charged to its test; valid against the ' + 'XSD',
    async (t) => {
      const counter = join(scratch.dir, 'junit-counter');
      const out = join(scratch.dir, 'report.xml');
      const run = await inModule(['test', '--count', '4', '--format', 'junit', '-o', out], {
        GOROSCOPE_FLAKY_COUNTER: counter,
      });
      assert.equal(run.code, 1, run.stderr);
      const xml = readFileSync(out, 'utf8');
      const cases = elements(xml, 'testcase').map((c) => `${c['classname']} ${c['name']}`);
      assert.deepEqual(cases, [
        'example.com/ci/crashy TestBackground',
        'example.com/ci/store TestFlaky',
        'example.com/ci/store TestStable',
      ]);
      const failures = elements(xml, 'failure');
      assert.equal(failures.length, 2);
      const [crash, flaky] = failures;
      assert.equal(crash?.['type'], 'nil_map_write');
      const culpritAt = (culpritLine ?? '?').split('/').pop() ?? '?';
      assert.ok(crash?.['message']?.includes(`${culpritAt}); 4 time(s), first in run 1`), crash?.['message']);
      assert.equal(flaky?.['type'], 'flaky');
      assert.equal(flaky?.['message'], 'flaky: failed in 2 of 4 run(s) (50%), first in run 2');
      const [suites] = elements(xml, 'testsuites');
      assert.equal(suites?.['tests'], '3');
      assert.equal(suites?.['failures'], '2');
      if (!hasXmllint) {
        t.skip('xmllint is not installed (Debian: libxml2-utils); the XSD check did not run');
        return;
      }
      assert.equal(junitSchemaErrors(xml), '');
    },
  );

  it(
    '--format github: an annotation for the flaky test and one on the crash line; --summary appends ' + 'Markdown',
    async () => {
      const counter = join(scratch.dir, 'github-counter');
      const summary = join(scratch.dir, 'summary.md');
      writeFileSync(summary, '# earlier step\n\n');
      const run = await inModule(['test', '--count', '2', '--format', 'github', '--summary', summary], {
        GOROSCOPE_FLAKY_COUNTER: counter,
        GITHUB_STEP_SUMMARY: '',
      });
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stdout.trimEnd().split('\n');
      assert.ok(
        lines.includes(
          '::error title=Flaky test%3A TestFlaky::example.com/ci/store TestFlaky failed in 1 of 2 run(s), first in ' +
            'run 2',
        ),
        run.stdout,
      );
      const [file, line] = (culpritLine ?? '').split(':');
      const crash = lines.find((l) =>
        l.startsWith(`::error file=${file ?? '?'},line=${line ?? '?'},title=TestBackground%3A `),
      );
      assert.ok(crash, run.stdout);
      const markdown = readFileSync(summary, 'utf8');
      assert.ok(markdown.startsWith('# earlier step\n\n# goroscope: '), 'appended after what was there');
      assert.match(markdown, /\| `example.com\/ci\/store` \| `TestFlaky` \| 1 \| 2 \| 50% \| 2 \|/);
    },
  );
});

describe('goroscope explain --format github', () => {
  it('annotates a crash on its culprit line and a race on both marked lines of the checkout', async () => {
    const env = { GITHUB_WORKSPACE: '' };
    const crash = await runCli(
      ['explain', '--format', 'github', '--src', 'testdata/crashes', 'examples/store-crash.log'],
      { env },
    );
    assert.equal(crash.code, 1, crash.stderr);
    const [culprit] = markedLines('culprit', join(repoRoot, 'testdata', 'crashes', 'concurrent_map_writes', 'store'));
    const [file, line] = (culprit ?? '').split(':');
    assert.ok(
      crash.stdout.startsWith(
        `::error file=testdata/crashes/concurrent_map_writes/store/${file ?? '?'},line=${line ?? '?'},title=Concurrent map writes::concurrent map writes%0Aat `,
      ),
      crash.stdout,
    );
    const race = await runCli(
      ['explain', '--format', 'github', '--src', 'testdata/races', 'testdata/race-logs/go1.26.8/map-write-write.log'],
      { env },
    );
    assert.equal(race.code, 1, race.stderr);
    const places = [
      ...race.stdout.matchAll(/^::error file=testdata\/races\/([^,]+),line=(\d+),title=Data race on a map::/gm),
    ];
    const marked = markedLines('race: map', join(repoRoot, 'testdata', 'races')).filter((l) =>
      l.startsWith('map-write-write/'),
    );
    assert.deepEqual(places.map((m) => `${m[1] ?? ''}:${m[2] ?? ''}`).sort(), marked);
  });
});

describe('goroscope lint in CI formats', () => {
  it(
    '--format github annotates the marked line with the rule as title; GITHUB_STEP_SUMMARY receives the ' + 'Markdown',
    async () => {
      const summary = join(scratch.dir, 'step-summary.md');
      const run = await inModule(['lint', '--format', 'github', './...'], { GITHUB_STEP_SUMMARY: summary });
      assert.equal(run.code, 1, run.stderr);
      const [file, line] = (wantLine ?? '').split(':');
      assert.match(
        run.stdout,
        new RegExp(
          `^::error file=${file ?? '?'},line=${line ?? '?'},endLine=${line ?? '?'},col=\\d+,endColumn=\\d+,title=goroscope nil-map-write::assignment to entry in nil map`,
        ),
      );
      assert.equal(run.stdout.trimEnd().split('\n').length, markedLines('want').length);
      assert.match(readFileSync(summary, 'utf8'), /^# goroscope lint\n\n1 finding in /);
    },
  );

  it('--no-summary writes nothing even inside GitHub Actions', async () => {
    const summary = join(scratch.dir, 'untouched.md');
    writeFileSync(summary, '');
    await inModule(['lint', '--format', 'json', '--no-summary', './...'], { GITHUB_STEP_SUMMARY: summary });
    assert.equal(readFileSync(summary, 'utf8'), '');
  });

  it('--format codeclimate gives GitLab the fields it needs, on the marked line', async () => {
    const run = await inModule(['lint', '--format', 'codeclimate', './...']);
    assert.equal(run.code, 1, run.stderr);
    const issues = JSON.parse(run.stdout) as {
      check_name: string;
      description: string;
      severity: string;
      fingerprint: string;
      location: { path: string; lines: { begin: number } };
    }[];
    assert.deepEqual(
      issues.map((i) => `${i.location.path}:${i.location.lines.begin}`),
      markedLines('want'),
    );
    const [issue] = issues;
    assert.equal(issue?.check_name, 'nil-map-write');
    assert.equal(issue?.severity, 'critical');
    assert.match(issue?.fingerprint ?? '', /^[0-9a-f]{32}$/);
    assert.match(issue?.description ?? '', /nil map/);
  });

  it('rejects an unknown format with the list of formats (exit 2)', async () => {
    const run = await inModule(['lint', '--format', 'junit', './...']);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /argument .junit. is invalid. Allowed choices are text, json, sarif, markdown, html, codeclimate, github/,
    );
  });
});
