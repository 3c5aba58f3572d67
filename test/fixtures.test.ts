// Every recorded crash log (testdata/logs, recorded from real Go toolchains by scripts/record-crashes.sh)
// must be classified as the kind its program declares and blame a line the program marks `// culprit`.
// Nothing expected here comes from goroscope's own output: kind = program directory, lines = markers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { explain } from '../src/explain.js';
import type { Crash } from '../src/model.js';
import { repoRoot } from './helpers.js';

interface ManifestEntry {
  log: string;
  program: string;
  kind: string;
  culprits: { file: string; line: number }[];
  goVersion: string;
  gotraceback: string;
}

const logsDir = join(repoRoot, 'testdata', 'logs');
const manifest = { entries: loadManifest() };

function loadManifest(): ManifestEntry[] {
  const parsed = JSON.parse(readFileSync(join(logsDir, 'manifest.json'), 'utf8')) as { recordings: ManifestEntry[] };
  return parsed.recordings;
}

/** The crash the program is about: the first one of its declared kind, else the first one. */
function crashOf(crashes: Crash[], kind: string): Crash | undefined {
  return crashes.find((crash) => crash.kind === kind) ?? crashes[0];
}

/** Whether Go printed any of the marked lines at all (it prints no stack for some deadlocks). */
function printsMarkedLine(logText: string, entry: ManifestEntry): boolean {
  return entry.culprits.some((c) => new RegExp(`/${c.file.replace(/\./g, '\\.')}:${c.line}(\\s|$)`, 'm').test(logText));
}

function assertDiagnosis(crashes: Crash[], entry: ManifestEntry, label: string, logText: string): void {
  const crash = crashOf(crashes, entry.kind);
  assert.ok(crash, `${label}: no crash found`);
  assert.equal(crash.kind, entry.kind, `${label}: kind`);
  // What recover() could do follows from what the runtime printed: a fatal error never, a panic in its goroutine.
  if (/^fatal error: /m.test(logText.split('\ngoroutine ')[0] ?? ''))
    assert.equal(crash.recoverable, false, `${label}: fatal errors cannot be recovered`);
  if (entry.kind === 'unlock_of_unlocked' && /^panic: sync: unlock of unlocked mutex/m.test(logText)) {
    assert.equal(crash.recoverable, true, `${label}: Go 1.9 raised this as an ordinary panic`);
  }
  // The group listed first holds the goroutine the diagnosis names; a plain dump names no failing goroutine.
  const marked = crash.groups.filter((b) => b.crashing);
  if (crash.kind === 'goroutine_dump' || crash.goroutine === null)
    assert.equal(marked.length, 0, `${label}: no group marked`);
  else if (marked.length > 0) {
    assert.equal(marked.length, 1, `${label}: one group marked`);
    assert.equal(crash.groups[0], marked[0], `${label}: the marked group comes first`);
    assert.ok(
      marked[0]?.goroutineIds.includes(crash.goroutine),
      `${label}: the marked group holds goroutine ${crash.goroutine}`,
    );
  }
  if (entry.culprits.length === 0) return;
  if (!printsMarkedLine(logText, entry)) {
    assert.equal(crash.culprit, null, `${label}: the log shows no marked line, so no culprit can be named`);
    return;
  }
  assert.ok(crash.culprit, `${label}: no culprit`);
  const ok = entry.culprits.some(
    (c) => basename(crash.culprit?.file ?? '') === c.file && crash.culprit?.line === c.line,
  );
  assert.ok(
    ok,
    `${label}: culprit ${crash.culprit.file}:${crash.culprit.line} is not a marked line ` +
      `(${entry.culprits.map((c) => `${c.file}:${c.line}`).join(', ')})`,
  );
}

async function explainText(text: string): Promise<Crash[]> {
  const result = await explain(['-'], { stdin: Readable.from([text]), srcDir: false });
  return result.crashes;
}

describe('recorded crash logs from real Go toolchains', () => {
  const byVersion = new Map<string, ManifestEntry[]>();
  for (const entry of manifest.entries) {
    const list = byVersion.get(entry.goVersion) ?? [];
    list.push(entry);
    byVersion.set(entry.goVersion, list);
  }
  for (const [version, entries] of byVersion) {
    it(`go${version}: kind and culprit of ${entries.length} logs`, async () => {
      const failures: string[] = [];
      for (const entry of entries) {
        const path = join(logsDir, entry.log);
        const result = await explain([path], { srcDir: false });
        try {
          assertDiagnosis(result.crashes, entry, entry.log, readFileSync(path, 'utf8'));
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${entries.length} logs misdiagnosed`);
    });
  }
});

// Real logs reach goroscope wrapped by log collectors. Each transform below is applied to real recorded logs;
// the diagnosis must not change. (These inputs are constructed from real logs, not recorded as such.)
const transforms: Record<string, (lines: string[]) => string> = {
  'kubernetes CRI prefix': (lines) =>
    lines.map((l, i) => `2026-11-22T10:00:${String(i % 60).padStart(2, '0')}.123456789Z stderr F ${l}`).join('\n'),
  'docker json-file lines': (lines) =>
    lines
      .map((l) => JSON.stringify({ log: l + '\n', stream: 'stderr', time: '2026-11-22T10:00:00.000000001Z' }))
      .join('\n'),
  'journald prefix': (lines) => lines.map((l) => `Nov 22 10:00:00 web-1 app[4242]: ${l}`).join('\n'),
  'CRLF line ends': (lines) => lines.join('\r\n'),
  'tabs turned into spaces': (lines) => lines.map((l) => l.replace(/\t/g, '        ')).join('\n'),
  'RFC 3339 timestamps': (lines) => lines.map((l) => `2026-11-22T10:00:00.000+01:00 ${l}`).join('\n'),
  'surrounded by test output': (lines) =>
    ['=== RUN   TestStore', '    store_test.go:12: starting', ...lines, 'FAIL\texample.com/app\t0.123s', 'FAIL'].join(
      '\n',
    ),
};

describe('recorded logs wrapped the way log collectors wrap them', () => {
  const sample = manifest.entries.filter(
    (e) => e.gotraceback === 'all' && e.goVersion === manifest.entries.at(-1)?.goVersion,
  );
  for (const [name, transform] of Object.entries(transforms)) {
    it(`${name}: same diagnosis on ${sample.length} logs`, async () => {
      const failures: string[] = [];
      for (const entry of sample) {
        const text = readFileSync(join(logsDir, entry.log), 'utf8');
        const lines = text.split('\n');
        if (lines.at(-1) === '') lines.pop();
        try {
          assertDiagnosis(await explainText(transform(lines)), entry, `${entry.log} (${name})`, text);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  it('two crashes in one file are both found, in order', async () => {
    const first = sample.find((e) => e.kind === 'nil_map_write');
    const second = sample.find((e) => e.kind === 'close_closed_channel');
    assert.ok(first && second, 'sample lacks the two kinds');
    const text = [first, second].map((e) => readFileSync(join(logsDir, e.log), 'utf8')).join('\nsome unrelated line\n');
    const crashes = await explainText(text);
    assert.deepEqual(
      crashes.map((c) => c.kind),
      [first.kind, second.kind],
    );
  });
});
