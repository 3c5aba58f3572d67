// Meta-tests over the knowledge catalogue: every kind has a complete entry and an up-to-date docs page, every
// fix snippet is valid, vetted Go, and every runtime message is checked against the Go sources of the
// toolchains present on this machine (the installed one, plus any golang.org/toolchain module in GOMODCACHE).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { catalogue, kindEntry, type KindEntry, type KindMessage } from '../src/knowledge/catalogue.js';
import { renderKindDocs } from '../scripts/kind-docs.js';
import { readClaimProgram } from './claims-support.js';
import { goCode, snippetAsGoFile, snippetImports } from '../src/knowledge/snippets.js';
import { repoRoot, tempDir } from './helpers.js';
import { goVersionPredicate } from './go-version-support.js';

const execFileP = promisify(execFile);

const root = repoRoot;

/** The members of the CrashKind union, read from the source so that this test does not trust the type. */
function crashKindsInModel(): string[] {
  const src = readFileSync(join(root, 'src', 'model.ts'), 'utf8');
  const m = /export type CrashKind =([^;]*);/.exec(src);
  assert.ok(m?.[1], 'CrashKind union not found in src/model.ts');
  return [...m[1].matchAll(/'([a-z_]+)'/g)].map((x) => x[1] ?? '');
}

async function goAvailable(): Promise<boolean> {
  try {
    await execFileP('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

const entries: KindEntry[] = Object.values(catalogue);

describe('catalogue entries', () => {
  it('has exactly one entry for every CrashKind in src/model.ts', () => {
    assert.deepEqual(Object.keys(catalogue).sort(), crashKindsInModel().sort());
    for (const kind of crashKindsInModel()) {
      const e = catalogue[kind as keyof typeof catalogue];
      assert.equal(e.kind, kind);
      assert.equal(kindEntry(e.kind), e);
    }
  });

  for (const e of entries) {
    it(`${e.kind}: every field is filled in`, () => {
      assert.ok(e.title.length > 0 && e.title.length <= 60, 'title');
      assert.ok(e.summary.length > 0 && !e.summary.includes('\n'), 'summary is one line');
      assert.ok(e.explanation.length >= 80, 'explanation is a paragraph');
      assert.match(e.explanation, /recover\(\)/, 'explanation says whether recover() can catch it');
      assert.ok(e.causes.length > 0, 'causes');
      assert.ok(e.fixes.length > 0, 'at least one fix');
      for (const f of e.fixes) assert.ok(f.title.length > 0 && f.code.trim().length > 0, 'fix title and code');
      assert.ok(e.links.length > 0, 'links');
      for (const l of e.links)
        assert.match(l.url, /^https:\/\/(go\.dev|pkg\.go\.dev)\//, `link ${l.url} points at go.dev`);
      assert.equal(e.docsPath, `docs/kinds/${e.kind}.md`);
      assert.ok(e.messages.length > 0, 'messages');
      for (const m of e.messages) {
        assert.ok(m.text.length > 0 && m.goVersions.length > 0, 'message text and versions');
        assert.doesNotThrow(() => goVersionPredicate(m.goVersions), `versions "${m.goVersions}" parse`);
      }
    });

    it(`${e.kind}: recoverable agrees with the messages`, () => {
      const current = e.messages.filter((m) => goVersionPredicate(m.goVersions)(999));
      const primary = current.filter((m) => m.text.startsWith('fatal error:') || m.text.startsWith('panic:'));
      if (e.recoverable === true)
        assert.ok(
          primary.every((m) => !m.fatal),
          'recoverable kinds print panics',
        );
      if (e.recoverable === false && e.kind !== 'test_timeout' && e.kind !== 'goroutine_dump') {
        assert.ok(
          primary.every((m) => m.fatal),
          'unrecoverable kinds print fatal errors',
        );
      }
    });
  }
});

describe('Go version lists', () => {
  it('read single versions, bounds, lists and ignore parenthesised notes', () => {
    const p = goVersionPredicate('<=1.7, 1.9');
    assert.deepEqual([6, 7, 8, 9, 10].map(p), [true, true, false, true, false]);
    const q = goVersionPredicate('1.24 (GOEXPERIMENT=synctest, synctest.Run), >=1.25');
    assert.deepEqual([23, 24, 25, 30].map(q), [false, true, true, true]);
    assert.throws(() => goVersionPredicate('go1.9'));
    assert.throws(() => goVersionPredicate(''));
  });
});

describe('fix snippets', () => {
  it('name only standard packages the wrapper knows how to import', () => {
    assert.deepEqual(snippetImports('func f() { wg.Done(); sync.OnceValue(g); x.time.Now() }'), ['sync']);
    assert.equal(snippetAsGoFile('var x = 1', 'p'), 'package p\n\nvar x = 1\n');
    assert.equal(
      goCode`
func f() {
  if x {
    y = "a  b"
  }
}
`,
      'func f() {\n\tif x {\n\t\ty = "a  b"\n\t}\n}',
    );
  });

  it('are gofmt-formatted Go that passes go vet', async (t) => {
    if (!(await goAvailable())) return t.skip('go is not installed');
    const dir = tempDir('goroscope-fixes-');
    try {
      // go 1.25: snippets may use WaitGroup.Go and testing/synctest.
      writeFileSync(join(dir, 'go.mod'), 'module goroscope.test/fixes\n\ngo 1.25\n');
      const where = new Map<string, string>();
      for (const e of entries) {
        e.fixes.forEach((f, i) => {
          const pkg = `${e.kind.replace(/_/g, '')}${i}`;
          mkdirSync(join(dir, pkg));
          writeFileSync(join(dir, pkg, 'fix.go'), snippetAsGoFile(f.code, pkg));
          where.set(pkg, `${e.kind} fix ${i + 1} "${f.title}"`);
        });
      }
      const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' };
      const fmt = await execFileP('gofmt', ['-l', '-e', '.'], { cwd: dir, env }).catch(
        (err: { stdout?: string; stderr?: string }) => err,
      );
      const unformatted = (fmt.stdout ?? '').split('\n').filter((l) => l !== '');
      assert.deepEqual(
        unformatted.map((f) => where.get(f.split('/')[0] ?? '') ?? f),
        [],
        `not gofmt-formatted or not valid Go: ${fmt.stderr ?? ''}`,
      );
      const vet = await execFileP('go', ['vet', './...'], { cwd: dir, env, maxBuffer: 16 << 20 }).then(
        () => '',
        (err: { stderr?: string; message?: string }) => err.stderr ?? err.message ?? 'go vet failed',
      );
      assert.equal(vet, '', 'go vet');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs pages', () => {
  const claimText = (p: string): string | undefined => {
    const dir = join(root, p);
    return existsSync(dir) ? readClaimProgram(dir)?.header.claim : undefined;
  };

  it(
    'every kind has a docs page and the pages are up to date (run: npm run build && node ' + 'scripts/gen-docs.mjs)',
    () => {
      const expected = renderKindDocs(claimText);
      for (const [path, content] of expected) {
        const full = join(root, path);
        assert.ok(existsSync(full), `${path} is missing`);
        assert.equal(readFileSync(full, 'utf8'), content, `${path} is out of date`);
      }
      const onDisk = readdirSync(join(root, 'docs', 'kinds'))
        .map((f) => `docs/kinds/${f}`)
        .sort();
      assert.deepEqual(onDisk, expected.map(([p]) => p).sort(), 'docs/kinds has pages for kinds that do not exist');
    },
  );
});

// ---- runtime messages against Go sources ----

interface Toolchain {
  minor: number;
  label: string;
  /** All non-test Go source of the packages that print these messages, concatenated. */
  source: string;
}

const MESSAGE_DIRS = ['runtime', 'internal/runtime/maps', 'sync', 'internal/sync', 'testing'];

function readSources(goroot: string): string {
  const parts: string[] = [];
  for (const d of MESSAGE_DIRS) {
    const dir = join(goroot, 'src', d);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (f.endsWith('.go') && !f.endsWith('_test.go')) parts.push(readFileSync(join(dir, f), 'utf8'));
    }
  }
  return parts.join('\n');
}

async function toolchains(): Promise<Toolchain[]> {
  const found: Toolchain[] = [];
  const { stdout } = await execFileP('go', ['env', 'GOROOT', 'GOVERSION', 'GOMODCACHE']);
  const [goroot = '', version = '', modcache = ''] = stdout.split('\n').map((l) => l.trim());
  const minor = /^go1\.(\d+)/.exec(version)?.[1];
  if (minor !== undefined) found.push({ minor: Number(minor), label: version, source: readSources(goroot) });
  const cached = join(modcache, 'golang.org');
  if (existsSync(cached)) {
    for (const d of readdirSync(cached).sort()) {
      const m = /^toolchain@v0\.0\.1-(go1\.(\d+)(?:\.\d+)?)\./.exec(d);
      if (!m?.[2] || !existsSync(join(cached, d, 'src', 'runtime'))) continue;
      found.push({ minor: Number(m[2]), label: m[1] ?? d, source: readSources(join(cached, d)) });
    }
  }
  return found;
}

const PREFIXES = ['fatal error: ', 'panic: runtime error: ', 'panic: '];

/** Messages assembled from several print arguments: the literal pieces that must appear in the source. */
const COMPOSED: Record<string, string[]> = {
  '[signal SIGSEGV: segmentation violation code=<code> addr=<addr> pc=<pc>]': [
    '"[signal "',
    '"SIGSEGV: segmentation violation"',
    '" code="',
    '" addr="',
    '" pc="',
  ],
};

function core(text: string): { core: string; primary: boolean } {
  for (const p of PREFIXES) if (text.startsWith(p)) return { core: text.slice(p.length), primary: true };
  return { core: text, primary: false };
}

const quote = (s: string): string => JSON.stringify(s);

/** The exact source forms that raise this message, for messages without run-time values. */
function strictForms(m: KindMessage, c: string): string[] {
  return m.fatal
    ? [`throw(${quote(c)})`, `fatal(${quote(c)})`]
    : [`panic(${quote(c)})`, `plainError(${quote(c)})`, `errorString(${quote(c)})`];
}

/** Why `m` is not printed by the toolchain as the catalogue says, or '' when it is. */
function checkMessage(m: KindMessage, tc: Toolchain): string {
  const expected = goVersionPredicate(m.goVersions)(tc.minor);
  const composed = COMPOSED[m.text];
  if (composed) {
    const missing = composed.filter((piece) => !tc.source.includes(piece));
    if (expected && missing.length > 0) return `pieces ${missing.join(', ')} not in the source`;
    return '';
  }
  const { core: c, primary } = core(m.text);
  const pieces = c.split(/<[^>]*>/).filter((p) => p.trim() !== '');
  const simple = pieces.length === 1 && pieces[0] === c;
  if (simple && primary) {
    const strict = strictForms(m, c).some((f) => tc.source.includes(f));
    // A panic value may also be built elsewhere and raised later (synctest's deadlock error); accept the
    // quoted text then, but only for panics: fatal errors must be a throw/fatal call.
    const loose =
      !m.fatal &&
      tc.source.includes(quote(c)) &&
      !strictForms({ ...m, fatal: true }, c).some((f) => tc.source.includes(f));
    if (expected && !strict && !loose) return `no ${strictForms(m, c).join(' / ')} in the source`;
    if (!expected && strict)
      return (
        `found ${strictForms(m, c).find((f) => tc.source.includes(f)) ?? ''} but the catalogue says this ` +
        `version does not print it`
      );
    return '';
  }
  if (!expected) {
    if (simple && tc.source.includes(c))
      return `"${c}" is in the source but the catalogue says this version does not print it`;
    return '';
  }
  const missing = pieces.filter((p) => !tc.source.includes(p));
  return missing.length > 0 ? `pieces ${missing.map(quote).join(', ')} not in the source` : '';
}

describe('runtime messages match the Go sources', () => {
  it('every message is printed by exactly the Go versions the catalogue names', async (t) => {
    if (!(await goAvailable())) return t.skip('go is not installed');
    const tcs = await toolchains();
    assert.ok(tcs.length > 0);
    const problems: string[] = [];
    for (const tc of tcs) {
      for (const e of entries) {
        for (const m of e.messages) {
          const why = checkMessage(m, tc);
          if (why !== '') problems.push(`${tc.label} ${e.kind} "${m.text}" (${m.goVersions}): ${why}`);
        }
      }
    }
    t.diagnostic(`checked against ${tcs.map((x) => x.label).join(', ')}`);
    assert.deepEqual(problems, []);
  });
});
