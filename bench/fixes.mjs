#!/usr/bin/env node
// npm run bench:fixes -- <dir of git histories> — recall of `goroscope lint` on real concurrency bug fixes: the
// commits of the 15 precision repositories (bench/precision-repos.json, up to each pinned commit) whose message
// names a concurrency bug and whose change to production Go code is small. For each, the packages the fix touches
// are linted as they were just before the fix, and again at the fix.
//
// The ground truth is the fix itself, not goroscope: the bug lines are the lines of the parent that the fix
// changed or removed (for a pure insertion, the lines around it), in non-test .go files. A fix counts as
// detected when, before it, a finding of a rule whose mechanism matches the kind named in the message points at
// a bug line (+-2) or names one in `related`; "gone" when that finding (same rule, file and message without its
// numbers) is no longer reported at the fix. The kind comes from the message by the patterns in KINDS.
//
// --select rewrites bench/fix-commits.json (repo, commit, kind: hashes and our own labels, no third-party text)
// from the histories; without it the committed list is scored. Writes bench/out/fixes.json.
//
// Usage: node bench/fixes.mjs <dir> [--select] [--repo owner/name] [--limit N]
//   <dir> holds one git history per repository: <dir>/<owner>+<name> as a clone, or with a bare `repo` inside.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const listPath = join(root, 'bench/fix-commits.json');
const args = process.argv.slice(2);
const dir = args[0] === undefined || args[0].startsWith('--') ? undefined : resolve(args[0]);
const flag = (name) => args.includes(name);
const value = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
if (dir === undefined || !existsSync(dir)) {
  console.error(`usage: npm run bench:fixes -- <dir> [--select] [--repo owner/name] [--limit N]

<dir> holds the git history of each repository of bench/precision-repos.json as <dir>/<owner>+<name> (a clone,
or a bare repository in <dir>/<owner>+<name>/repo), e.g.:
  git clone https://github.com/hashicorp/raft <dir>/hashicorp+raft`);
  process.exit(2);
}

/** Kinds of bug a commit message names, most specific first, and the rules whose mechanism describes each. */
const KINDS = [
  {
    kind: 'concurrent-map',
    pattern: /concurrent map|map (read and )?(write|access)es? race|race on (a |the )?map/i,
    rules: ['concurrent-map-access', 'data-race'],
  },
  {
    kind: 'closed-channel',
    pattern: /send on closed channel|close of closed channel|double close|closed channel/i,
    rules: ['send-after-close', 'double-close'],
  },
  {
    kind: 'deadlock',
    pattern: /dead-?lock/i,
    rules: [
      'lock-order',
      'unlock-misuse',
      'blocking-under-lock',
      'rwmutex-upgrade',
      'goroutine-leak',
      'waitgroup-misuse',
      'cond-never-signalled',
      'once-recursion',
    ],
  },
  {
    kind: 'goroutine-leak',
    pattern: /goroutine leak|leak(ing|ed|s)? (a )?goroutines?|leaky goroutine/i,
    rules: ['goroutine-leak', 'time-tick-leak', 'lost-cancel', 'testing-goroutine-after-test'],
  },
  // Memory races only: "race condition" alone is as often a race between nodes or requests.
  {
    kind: 'data-race',
    pattern: /data[ -]race|race detector|\bgo test -race\b|racy (read|write|access)/i,
    rules: [
      'data-race',
      'concurrent-map-access',
      'mixed-atomic-access',
      'loop-var-capture',
      'waitgroup-add-in-goroutine',
    ],
  },
];

/** Fixes small enough that their changed lines say where the bug was. */
const MAX_FILES = 3;
const MAX_CHANGED_LINES = 40;
/** The most recent fixes of each repository, so that one busy history does not make the whole benchmark. */
const MAX_PER_REPO = 20;

function gitDirOf(repo) {
  const base = join(dir, repo.replace('/', '+'));
  for (const candidate of [join(base, 'repo'), join(base, '.git'), base])
    if (existsSync(join(candidate, 'HEAD'))) return candidate;
  return undefined;
}

// Mirrors may lack their largest blobs (git says "invalid object"): such a file cannot be read, and a fix whose
// package needs one is counted as not lintable.
const git = (gitDir, gitArgs, options = {}) =>
  execFileSync('git', ['--git-dir', gitDir, ...gitArgs], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
    ...options,
  });

const production = (path) =>
  path.endsWith('.go') &&
  !path.endsWith('_test.go') &&
  !/(^|\/)(vendor|testdata|third_party)\//.test(path) &&
  !/\.pb(\.gw)?\.go$|_gen\.go$|zz_generated/.test(path);

/** Old-side lines a fix changed, per production file: removed or changed lines, or the lines around an insertion. */
function bugLines(gitDir, commit) {
  const diff = git(gitDir, ['diff', '-U0', '--no-color', '--no-renames', `${commit}^`, commit, '--', '*.go']);
  const out = new Map();
  let file = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('--- ')) {
      const path = line.slice(4);
      file = path === '/dev/null' ? null : path.replace(/^a\//, '');
      if (file !== null && !production(file)) file = null;
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
    if (hunk === null || file === null) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    const lines = out.get(file) ?? [];
    if (count === 0) lines.push(start, start + 1);
    else for (let i = 0; i < count; i++) lines.push(start + i);
    out.set(file, lines);
  }
  return out;
}

function select() {
  const { repositories } = JSON.parse(readFileSync(join(root, 'bench/precision-repos.json'), 'utf8'));
  const fixes = [];
  for (const { repo, commit: pinned } of repositories) {
    const gitDir = gitDirOf(repo);
    if (gitDir === undefined) {
      console.warn(`skipped ${repo}: no history in ${dir}`);
      continue;
    }
    const log = git(gitDir, ['log', '--no-merges', '--format=%H%x00%B%x01', pinned]);
    let kept = 0;
    for (const entry of log.split('\x01')) {
      const [hash, message] = entry.trim().split('\x00');
      if (!hash || message === undefined) continue;
      const kind = KINDS.find((k) => k.pattern.test(message));
      if (kind === undefined) continue;
      let stat;
      try {
        stat = git(gitDir, ['diff', '--numstat', '--no-renames', `${hash}^`, hash]);
      } catch {
        continue; // a root commit
      }
      let files = 0;
      let changed = 0;
      for (const row of stat.trim().split('\n')) {
        const [added, removed, path] = row.split('\t');
        if (path === undefined || !production(path)) continue;
        files++;
        changed += Number(added) + Number(removed);
      }
      if (files === 0 || files > MAX_FILES || changed > MAX_CHANGED_LINES) continue;
      fixes.push({ repo, commit: hash, kind: kind.kind });
      if (++kept === MAX_PER_REPO) break;
    }
    console.log(`${repo.padEnd(28)} ${String(kept).padStart(4)} fixes`);
  }
  writeFileSync(
    listPath,
    `${JSON.stringify(
      {
        description:
          'Small fixes of concurrency bugs in the histories of the precision repositories (bench/fixes.mjs ' +
          '--select): the commit and the kind of bug its message names. Only hashes and our labels are kept.',
        maxFiles: MAX_FILES,
        maxChangedLines: MAX_CHANGED_LINES,
        maxPerRepository: MAX_PER_REPO,
        fixes,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${fixes.length} fixes to ${listPath}`);
}

/** The directory holding the nearest go.mod above `path` at `commit` ('' for the root), or null. */
function moduleDirOf(gitDir, commit, path) {
  let at = dirname(path);
  for (;;) {
    const candidate = at === '.' ? 'go.mod' : `${at}/go.mod`;
    try {
      git(gitDir, ['cat-file', '-e', `${commit}:${candidate}`], { stdio: 'ignore' });
      return at === '.' ? '' : at;
    } catch {
      if (at === '.' || at === '') return null;
      at = dirname(at);
    }
  }
}

/** Writes the package directories of `files` (and their go.mod) as they are at `commit` under a scratch dir. */
function extract(gitDir, commit, files) {
  const scratch = mkdtempSync(join(tmpdir(), 'goroscope-fixes-'));
  const paths = new Set();
  for (const file of files) {
    paths.add(dirname(file) === '.' ? '' : dirname(file));
    const module = moduleDirOf(gitDir, commit, file);
    if (module !== null) paths.add(module === '' ? 'go.mod' : `${module}/go.mod`);
  }
  const entries = [...paths].map((path) => path || '.');
  const listing = git(gitDir, ['ls-tree', '--name-only', commit, '--', ...entries.map((e) => (e === '.' ? '.' : e))]);
  const wanted = [];
  for (const path of entries) {
    if (path.endsWith('go.mod')) {
      if (listing.split('\n').includes(path)) wanted.push(path);
      continue;
    }
    // Only the package's own files: its .go files, not the directories below it.
    const names = git(gitDir, ['ls-tree', '--name-only', `${commit}:${path === '.' ? '' : path}`]);
    for (const name of names.split('\n'))
      if (name.endsWith('.go')) wanted.push(path === '.' ? name : `${path}/${name}`);
  }
  if (wanted.length > 0) {
    const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', '--format=tar', commit, '--', ...wanted], {
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    execFileSync('tar', ['-x', '-C', scratch], { input: tar });
  }
  return scratch;
}

const near = (line, lines) => lines.some((l) => Math.abs(l - line) <= 2);
const shape = (finding) => `${finding.rule}\0${finding.file}\0${finding.message.replace(/\d+/g, '#')}`;

async function score() {
  const list = JSON.parse(readFileSync(listPath, 'utf8'));
  const compiled = join(root, 'dist');
  const load = (path) => import(pathToFileURL(join(compiled, path)).href);
  const { loadPackages } = await load('src/lint/load/go-packages.js');
  const { lintPackages } = await load('src/lint/driver/lint-packages.js');
  const only = value('--repo');
  const limit = Number(value('--limit') ?? Infinity);
  const rows = [];
  const perRepo = new Map();
  const started = performance.now();
  let lastRepo;
  for (const fix of list.fixes) {
    if (only !== undefined && fix.repo !== only) continue;
    if (fix.repo !== lastRepo) {
      lastRepo = fix.repo;
      process.stderr.write(`${fix.repo} ...\n`);
    }
    const count = perRepo.get(fix.repo) ?? 0;
    if (count >= limit) continue;
    perRepo.set(fix.repo, count + 1);
    const gitDir = gitDirOf(fix.repo);
    if (gitDir === undefined) continue;
    const kind = KINDS.find((k) => k.kind === fix.kind);
    const lines = bugLines(gitDir, fix.commit);
    const files = [...lines.keys()];
    const lintAt = async (commit) => {
      const scratch = extract(gitDir, commit, files);
      try {
        const dirs = [...new Set(files.map((file) => join(scratch, dirname(file))))].filter(existsSync);
        const packages = dirs.length === 0 ? [] : loadPackages(dirs, scratch);
        const result = await lintPackages(packages, {});
        return result.findings.map((finding) => ({ ...finding, file: finding.file.slice(scratch.length + 1) }));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    };
    let before;
    let after;
    try {
      before = await lintAt(`${fix.commit}^`);
      after = await lintAt(fix.commit);
    } catch (error) {
      rows.push({ ...fix, error: String(error.message ?? error).split('\n')[0] });
      continue;
    }
    const pointsAtBug = (finding) => {
      const bug = lines.get(finding.file) ?? [];
      return near(finding.line, bug) || finding.related.some((r) => near(r.line, lines.get(r.file) ?? []));
    };
    const atBug = before.filter(pointsAtBug);
    const matching = atBug.filter((finding) => kind?.rules.includes(finding.rule));
    const remaining = new Set(after.map(shape));
    const gone = matching.filter((finding) => !remaining.has(shape(finding)));
    rows.push({
      ...fix,
      files: files.length,
      detected: matching.length > 0,
      gone: gone.length > 0,
      atBugOtherRule: atBug.length > 0 && matching.length === 0,
      findings: matching.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        file: f.file,
        line: f.line,
        message: f.message,
      })),
    });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  writeFileSync(join(root, 'bench/out/fixes.json'), `${JSON.stringify(rows, null, 2)}\n`);

  const table = new Map();
  const add = (key, row) => {
    const t = table.get(key) ?? { fixes: 0, detected: 0, loud: 0, gone: 0, other: 0, errors: 0 };
    if (row.error !== undefined) t.errors++;
    else {
      t.fixes++;
      if (row.detected) t.detected++;
      if (row.findings?.some((f) => f.severity !== 'info')) t.loud++;
      if (row.gone) t.gone++;
      if (row.atBugOtherRule) t.other++;
    }
    table.set(key, t);
  };
  for (const row of rows) {
    add(row.kind, row);
    add('all', row);
  }
  console.log(`${rows.length} fixes scored in ${seconds} s\n`);
  console.log('kind              fixes  detected  (errors+warnings)  gone at fix  other rule at bug  not lintable');
  for (const [key, t] of [...table].sort((a, b) => (a[0] === 'all' ? 1 : b[0] === 'all' ? -1 : 0))) {
    const pct = t.fixes === 0 ? '-' : `${((100 * t.detected) / t.fixes).toFixed(1)}%`;
    console.log(
      `${key.padEnd(16)} ${String(t.fixes).padStart(6)} ${String(t.detected).padStart(6)} ${pct.padStart(6)} ` +
        `${String(t.loud).padStart(10)} ${String(t.gone).padStart(16)} ${String(t.other).padStart(14)} ` +
        `${String(t.errors).padStart(13)}`,
    );
  }
  console.log('\ndetected (triage in docs/fixes.md):');
  for (const row of rows.filter((r) => r.detected))
    console.log(
      `  ${row.repo} ${row.commit.slice(0, 12)} ${row.kind}: ` +
        row.findings.map((f) => `${f.rule} (${f.severity}) ${f.file}:${f.line}`).join('; ') +
        (row.gone ? '' : ' [still reported at the fix]'),
    );
}

if (flag('--select')) select();
else await score();
