// Only what is new: `lint --write-baseline` / `--baseline` (fingerprints that survive moved lines) and
// `--new-from-rev` (findings on lines changed since a git revision), on copies of the sample module's store
// package in scratch directories.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { enclosingFunction, normaliseLine } from '../src/lint/driver/baseline.js';
import { parseUnifiedDiff } from '../src/source/changed-lines.js';
import { CI_MODULE, hasGit, inModule, scratchDir } from './ci-support.js';

const scratch = scratchDir('goroscope-baseline-');
after(scratch.remove);
let copies = 0;

/** A fresh copy of the sample module's go.mod and store package. */
function copyModule(): string {
  const dir = join(scratch.dir, `m${++copies}`);
  cpSync(join(CI_MODULE, 'go.mod'), join(dir, 'go.mod'));
  cpSync(join(CI_MODULE, 'store', 'store.go'), join(dir, 'store', 'store.go'));
  return dir;
}

/** The same bug as Tally's, in a new function. */
const ANOTHER_BUG = `
func Index(words []string) map[string]int {
	var at map[string]int
	for i, w := range words {
		at[w] = i
	}
	return at
}
`;

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

/** `file:line [rule]` of each finding in `lint --format json` output. */
function found(stdout: string): string[] {
  const report = JSON.parse(stdout) as { findings: { file: string; line: number; rule: string }[] };
  return report.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
}

describe('fingerprint parts', () => {
  it('names the enclosing function by receiver type and name', () => {
    const lines = ['package p', 'func (s *Store[K]) Add(k K) {', '\tx := 1', '}', 'func Free() {', '\ty()', '}'];
    assert.equal(enclosingFunction(lines, 3), 'Store.Add');
    assert.equal(enclosingFunction(lines, 6), 'Free');
    assert.equal(enclosingFunction(lines, 1), '');
    assert.equal(normaliseLine('\t counts[w]++   // x '), 'counts[w]++ // x');
  });
});

describe('lint --baseline', () => {
  it('hides the findings it holds, even after their lines moved, and reports new or edited ones', async () => {
    const dir = copyModule();
    const baseline = join(dir, 'goroscope-baseline.json');
    const written = await inModule(['lint', '--write-baseline', baseline, './...'], {}, dir);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /wrote 1 finding to the baseline/);
    const before = await inModule(['lint', '--format', 'json', '--baseline', baseline, './...'], {}, dir);
    assert.deepEqual([before.code, found(before.stdout)], [0, []]);

    const store = join(dir, 'store', 'store.go');
    edit(store, (text) =>
      text.replace('package store\n', 'package store\n\n// Three lines\n// moved the\n// finding.\n'),
    );
    const moved = await inModule(['lint', '--format', 'json', '--baseline', baseline, './...'], {}, dir);
    assert.deepEqual([moved.code, found(moved.stdout)], [0, []], 'a moved finding keeps its fingerprint');

    edit(store, (text) => text + ANOTHER_BUG);
    const added = await inModule(['lint', '--format', 'json', '--baseline', baseline, './...'], {}, dir);
    const newLine = readFileSync(store, 'utf8').split('\n').indexOf('\t\tat[w] = i') + 1;
    assert.deepEqual([added.code, found(added.stdout)], [1, [`store/store.go:${newLine} nil-map-write`]]);

    edit(store, (text) => text.replace('counts[w]++', 'counts[w] += 1'));
    const edited = await inModule(['lint', '--format', 'json', '--baseline', baseline, './...'], {}, dir);
    assert.equal(found(edited.stdout).length, 2, 'an edited line is a new finding');
  });

  it('says clearly when the baseline is missing or not one (exit 2)', async () => {
    const dir = copyModule();
    const missing = await inModule(['lint', '--baseline', 'nope.json', './...'], {}, dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^goroscope: cannot read the baseline nope.json\nhint: create it with/);
    writeFileSync(join(dir, 'bad.json'), '{"findings": 3}');
    const bad = await inModule(['lint', '--baseline', 'bad.json', './...'], {}, dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a goroscope baseline/);
  });
});

describe('changed lines from git diff -U0', () => {
  it('reads added and modified lines; a pure deletion adds none', () => {
    const diff = [
      'diff --git a/x.go b/x.go',
      '--- a/x.go',
      '+++ b/x.go',
      '@@ -3 +3 @@ func a() {',
      '@@ -10,0 +11,2 @@',
      '@@ -20,2 +21,0 @@',
      'diff --git a/gone.go b/gone.go',
      '--- a/gone.go',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    const changed = parseUnifiedDiff(diff, '/repo');
    assert.deepEqual([...changed], [['/repo/x.go', new Set([3, 11, 12])]]);
  });
});

describe('lint --new-from-rev', { skip: hasGit ? false : 'git is not installed' }, () => {
  const git = (dir: string, ...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=goroscope', '-c', 'user.email=test@goroscope.invalid', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  };

  it('reports only findings on lines changed since the revision, and in untracked files', async () => {
    const dir = copyModule();
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'start');
    const none = await inModule(['lint', '--format', 'json', '--new-from-rev', 'HEAD', './...'], {}, dir);
    assert.deepEqual([none.code, found(none.stdout)], [0, []]);

    const store = join(dir, 'store', 'store.go');
    edit(store, (text) => text + ANOTHER_BUG);
    writeFileSync(join(dir, 'store', 'extra.go'), `package store\n${ANOTHER_BUG.replace('Index', 'Extra')}`);
    const run = await inModule(['lint', '--format', 'json', '--new-from-rev', 'HEAD', './...'], {}, dir);
    const newLine = readFileSync(store, 'utf8').split('\n').indexOf('\t\tat[w] = i') + 1;
    assert.deepEqual(found(run.stdout), ['store/extra.go:6 nil-map-write', `store/store.go:${newLine} nil-map-write`]);
    assert.equal(run.code, 1);
  });

  it('says clearly when the module is not a git checkout or the revision is unknown (exit 2)', async () => {
    const dir = copyModule();
    const outside = await inModule(
      ['lint', '--new-from-rev', 'HEAD', './...'],
      { GIT_CEILING_DIRECTORIES: scratch.dir },
      dir,
    );
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /^goroscope: --new-from-rev needs a git checkout, and .* is not inside one\nhint: /);
    git(dir, 'init', '-q');
    const unknown = await inModule(['lint', '--new-from-rev', 'no-such-rev', './...'], {}, dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^goroscope: --new-from-rev: "no-such-rev" is not a revision git knows/);
  });
});
