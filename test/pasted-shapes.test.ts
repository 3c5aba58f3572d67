// More shapes of pasted and interleaved crash logs (see pasted-logs.test.ts for the method): every input is a
// log our own programs printed (testdata/logs, testdata/race-logs), damaged here by code; the expected kind and
// culprit come from the program's directory and its `// culprit` / `// race:` marks.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Crash } from '../src/model.js';
import { repoRoot } from './helpers.js';
import {
  entries,
  sample,
  linesOf,
  explainText,
  crashOf,
  check,
  assertTransform,
  isFunctionLine,
  type Entry,
} from './pasted-support.js';

/** What a linkifier does to a name that looks like a host: `[name](https://name)`. */
const link = (name: string, scheme = 'https://'): string => `[${name}](${scheme}${name})`;

describe('pasted logs: Markdown links around names', () => {
  // The printed import path in file lines (`example.com/crashes/...`), the package-qualified name at the start of
  // function and `created by` lines, and a method name after `).`.
  const linkified = (lines: string[]): string =>
    lines
      .map((l, i) => {
        if (l.startsWith('\t/'))
          return l.replace(/\/(example\.com\/[^:\s]+\.go)/, (_m, path: string) => '/' + link(path));
        if (l.startsWith('created by '))
          return l.replace(/^created by ([\w./]+)/, (_m, fn: string) => `created by ${link(fn)}`);
        if (!isFunctionLine(lines, i)) return l;
        if (/^\w+\.\(\*?\w+\)\.\w+\(/.test(l))
          return l.replace(/\)\.(\w+)\(/, (_m, m: string) => `).${link(m, 'http://')}(`);
        return l.replace(/^(\w+\.\w+)/, (_m, fn: string) => link(fn));
      })
      .join('\n');
  it(`in file lines, function lines and created-by lines: same diagnosis on ${sample.length} logs`, async () => {
    const text = linesOf(sample[0] as Entry).join('\n');
    assert.notEqual(linkified(text.split('\n')), text, 'the transform links something');
    await assertTransform(sample, linkified);
  });
  it('a method name linked in a race report still names both sites', async () => {
    const raceLines = readFileSync(join(repoRoot, 'testdata', 'race-logs', 'go1.26.8', 'field.log'), 'utf8').split(
      '\n',
    );
    const plain = await raceSites(raceLines.join('\n'));
    const damaged = raceLines.map((l) =>
      l.replace(/^( +main\.\(\*Server\)\.)(\w+)\(/, (_m, a: string, m: string) => `${a}${link(m)}(`),
    );
    assert.notDeepEqual(damaged, raceLines);
    assert.deepEqual(await raceSites(damaged.join('\n')), plain);
    assert.equal(plain.length, 2);
  });
});

async function raceSites(text: string): Promise<string[]> {
  const { races } = await explainText(text);
  const race = races[0];
  if (race === undefined) return [];
  return [race.current.culprit, race.previous.culprit]
    .map((c) => (c === null ? '-' : `${basename(c.file)}:${c.line}`))
    .sort();
}

/** The crash line: the first `panic: ` or `fatal error: ` line Go printed. */
function crashLineIndex(lines: string[]): number {
  return lines.findIndex((l) => l.startsWith('panic: ') || l.startsWith('fatal error: '));
}

describe('pasted logs: another log line spliced into the crash line', () => {
  // runtime.throw and printpanics write `fatal error: ` / `panic: `, the message and the line break with separate
  // write(2) calls (seen with strace on Go 1.21.13, 1.26.8 and 1.27.3), so a line that another goroutine logs at
  // that moment lands between them.
  const withCrashLine = sample.filter((e) => crashLineIndex(linesOf(e)) >= 0);
  const logLines = {
    'the log package': '2026/11/22 10:00:00 request served in 3ms',
    'logfmt (slog TextHandler)': 'time=2026-11-22T10:00:00.000Z level=INFO msg="request served"',
    'JSON (slog JSONHandler)': '{"time":"2026-11-22T10:00:00Z","level":"INFO","msg":"request served"}',
  };
  for (const [name, logLine] of Object.entries(logLines)) {
    it(`${name}, glued after the message: ${withCrashLine.length} logs`, async () => {
      assert.ok(withCrashLine.length > 40);
      await assertTransform(withCrashLine, (lines) => {
        const at = crashLineIndex(lines);
        // The logged line ends with its own line break; the runtime's comes after it.
        return [...lines.slice(0, at), (lines[at] ?? '') + logLine, '', ...lines.slice(at + 1)].join('\n');
      });
    });
  }
  const runtimeMessages = withCrashLine.filter((e) => {
    const line = linesOf(e)[crashLineIndex(linesOf(e))] ?? '';
    return line.startsWith('fatal error: ') || e.kind !== 'user_panic';
  });
  it(`the log package, between "fatal error: " / "panic: " and the runtime's message: ${runtimeMessages.length} logs`, async () => {
    assert.ok(runtimeMessages.length > 30);
    await assertTransform(runtimeMessages, (lines) => {
      const at = crashLineIndex(lines);
      const line = lines[at] ?? '';
      const anchor = line.startsWith('panic: ') ? 'panic: ' : 'fatal error: ';
      return [
        ...lines.slice(0, at),
        anchor + logLines['the log package'],
        line.slice(anchor.length),
        ...lines.slice(at + 1),
      ].join('\n');
    });
  });
  it('the spliced text is not part of the message', async () => {
    const entry = sample.find((e) => e.kind === 'concurrent_map_writes') as Entry;
    const lines = linesOf(entry);
    const at = crashLineIndex(lines);
    const glued = [...lines.slice(0, at), (lines[at] ?? '') + logLines['the log package'], '', ...lines.slice(at + 1)];
    const crash = (await explainText(glued.join('\n'))).crashes[0];
    assert.equal(crash?.message, 'concurrent map writes');
  });
  it('a wrapped runtime error keeps its text', async () => {
    const text = [
      'panic: runtime error: invalid memory address or nil pointer dereference: while serving /api',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/src/app/main.go:12 +0x1d',
    ].join('\n');
    const crash = (await explainText(text)).crashes[0];
    assert.equal(
      crash?.message,
      'runtime error: invalid memory address or nil pointer dereference: while serving /api',
    );
  });
});

describe('pasted logs: race reports whose warning and frame lines are lost, mangled or interleaved', () => {
  // Every race program recorded with the newest toolchain in testdata/race-logs, with its `// race:` marks.
  const raceDir = join(repoRoot, 'testdata', 'race-logs', 'go1.26.8');
  const programs = ['field', 'counter', 'global', 'heap'];
  /** The two sites of the program's race; one marked line is both sides. */
  const marks = (name: string): string[] => {
    const sites = readFileSync(join(repoRoot, 'testdata', 'races', name, 'main.go'), 'utf8')
      .split('\n')
      .flatMap((l, i) => (/\/\/ race:/.test(l) ? [`main.go:${i + 1}`] : []));
    return (sites.length === 1 ? [...sites, ...sites] : sites).sort();
  };
  const shapes: Record<string, (lines: string[]) => string> = {
    'no WARNING line and no ================== lines': (ls) =>
      ls.filter((l) => l !== '==================' && l !== 'WARNING: DATA RACE').join('\n'),
    'WARNING: DATA RACE with doubled and trailing spaces': (ls) =>
      ls.map((l) => (l === 'WARNING: DATA RACE' ? 'WARNING:  DATA  RACE  ' : l)).join('\n'),
    'the warning lost, the access headers with stray spaces': (ls) =>
      ls
        .filter((l) => l !== 'WARNING: DATA RACE')
        .map((l) =>
          l.replace(/^((?:Previous )?(?:read|write|Read|Write)) at (0x[0-9a-f]+) by (.*):$/, '$1 at  $2 by $3 :'),
        )
        .join('\n'),
    'access headers broken before "goroutine"': (ls) =>
      ls
        .flatMap((l) =>
          /^(?:Previous )?(?:read|write|Read|Write) at /.test(l)
            ? l.replace(/ (?=(?:main )?goroutine)/, '\n').split('\n')
            : [l],
        )
        .join('\n'),
    'access headers broken after the address, indented by a paste': (ls) =>
      ls
        .flatMap((l) =>
          /^(?:Previous )?(?:read|write|Read|Write) at /.test(l) ? l.replace(/ (?=by )/, '\n').split('\n') : [l],
        )
        .map((l) => '  ' + l)
        .join('\n'),
    'program output interleaved between headers and frames, no warning': (ls) =>
      ls
        .filter((l) => l !== 'WARNING: DATA RACE')
        .flatMap((l) =>
          /^(?:Previous )?(?:read|write|Read|Write) at /.test(l) ? [l, '2026/11/22 10:00:00 tick'] : [l],
        )
        .join('\n'),
  };
  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: both access sites of ${programs.length} races`, async () => {
      const wrong: string[] = [];
      for (const program of programs) {
        const lines = readFileSync(join(raceDir, `${program}.log`), 'utf8').split('\n');
        const damaged = shape(lines);
        assert.notEqual(damaged, lines.join('\n'));
        const want = marks(program);
        const got = await raceSites(damaged);
        if (want.length !== 2 || JSON.stringify(got) !== JSON.stringify(want))
          wrong.push(`${program}: ${got.join(' ')}`);
      }
      assert.deepEqual(wrong, []);
    });
  }
  it('an access header in ordinary text, with no stack after it, is no race', async () => {
    const { races } = await explainText(
      ['the docs say:', 'Read at 0x00c000012345 by goroutine 7:', 'and more', ''].join('\n'),
    );
    assert.deepEqual(races, []);
  });
});

const MAP_FAULTS = [
  'concurrent_map_writes',
  'concurrent_map_read_write',
  'concurrent_map_iteration_write',
  'concurrent_map_clone_write',
];

/** Go >= 1.24 hides runtime.mapassign* / runtime.mapaccess* unless GOTRACEBACK=system: then only the throw shows. */
function showsMapFunction(text: string): boolean {
  return /\n(?:runtime\.map\w+|internal\/runtime\/maps\.\(\*\w+\)\.\w+|internal\/runtime\/maps\.\w+)\(/.test(
    text.replace(/\ninternal\/runtime\/maps\.fatal\(/g, '\n'),
  );
}

describe('the map fault without its message line on Go >= 1.24 (Swiss-table maps)', () => {
  const swiss = entries.filter((e) => e.kind.startsWith('concurrent_map_') && Number(e.goVersion.split('.')[1]) >= 24);
  it(`the fatal error line cut from ${swiss.length} recorded logs: a map fault, the exact one when a map function shows`, async () => {
    assert.ok(swiss.length >= 30);
    const wrong: string[] = [];
    for (const entry of swiss) {
      const lines = linesOf(entry);
      const text = lines.filter((l) => !l.startsWith('fatal error: ')).join('\n');
      const crash = crashOf((await explainText(text)).crashes, entry.kind);
      const exact = showsMapFunction(text);
      const kindOk = exact ? crash?.kind === entry.kind : MAP_FAULTS.includes(crash?.kind ?? '');
      if (!kindOk) wrong.push(`${entry.log}: ${crash?.kind ?? 'no crash'}${exact ? ' (exact wanted)' : ''}`);
      const problem = crash === undefined ? '' : check([{ ...crash, kind: entry.kind as Crash['kind'] }], entry, text);
      if (problem !== '') wrong.push(problem);
    }
    assert.deepEqual(wrong, []);
  });

  // Crash files that debug.SetCrashOutput wrote (scripts/record-crash-output.sh): no `fatal error:` line at all.
  const crashOutput = join(repoRoot, 'testdata', 'crash-output');
  const program = readFileSync(join(crashOutput, 'main.go'), 'utf8').split('\n');
  const culpritOf = (name: string): number => program.findIndex((l) => l.endsWith(`// culprit: ${name}`)) + 1;
  const cases: Record<string, string> = {
    writes: 'concurrent_map_writes',
    readwrite: 'concurrent_map_read_write',
    iterate: 'concurrent_map_iteration_write',
  };
  const files = readdirSync(join(crashOutput, 'logs')).filter((f) => f.endsWith('.txt'));
  it(`${files.length} crash files of Go 1.24-1.27: the map fault and the marked line`, async () => {
    assert.ok(files.length >= 24);
    const wrong: string[] = [];
    for (const file of files) {
      const [, name = '', traceback = ''] = /^go[\d.]+-(\w+)-(\w+)\.txt$/.exec(file) ?? [];
      const text = readFileSync(join(crashOutput, 'logs', file), 'utf8');
      assert.ok(!text.includes('fatal error:'), `${file} has no fatal error line`);
      const crash = (await explainText(text)).crashes[0];
      const exact = traceback === 'system' || showsMapFunction(text);
      const kindOk = exact ? crash?.kind === cases[name] : MAP_FAULTS.includes(crash?.kind ?? '');
      if (!kindOk) wrong.push(`${file}: ${crash?.kind ?? 'no crash'}`);
      if (crash?.culprit?.line !== culpritOf(name) || basename(crash.culprit.file) !== 'main.go')
        wrong.push(`${file}: culprit ${crash?.culprit?.file}:${crash?.culprit?.line}`);
    }
    assert.deepEqual(wrong, []);
  });
  it('when the frames cannot tell a write from a read, the message says so', async () => {
    const text = readFileSync(join(crashOutput, 'logs', 'go1.27.3-readwrite-default.txt'), 'utf8');
    const crash = (await explainText(text)).crashes[0];
    assert.match(crash?.message ?? '', /or a concurrent map read and map write/);
  });
});
