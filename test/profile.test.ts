// Profiles in testdata/profiles/<go version>/ were written by the real programs in testdata/profiles/programs,
// whose known hot spots are marked `// hot: <type>`. goroscope must rank the marked site first.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rankHotspots } from '../src/analyse/hotspots.js';
import type { ProfileType } from '../src/model.js';
import { contentionType, decodeProfile, parseContentionDebug1, readProfile } from '../src/parse/pprof.js';
import { profile } from '../src/profile.js';
import { repoRoot, runCli, tempDir } from './helpers.js';

const profilesDir = join(repoRoot, 'testdata', 'profiles');
const programsDir = join(profilesDir, 'programs');

interface HotMarker {
  program: string;
  line: number;
  /** The Go function declared around the marked line, e.g. "main.(*Cache).hotPath". */
  function: string;
}

/** Reads `// hot: <type>` markers and the enclosing function of each from the programs' source. */
function hotMarkers(): Map<string, HotMarker> {
  const markers = new Map<string, HotMarker>();
  for (const program of readdirSync(programsDir)) {
    const lines = readFileSync(join(programsDir, program, 'main.go'), 'utf8').split('\n');
    let current = '';
    lines.forEach((text, i) => {
      const decl = /^func (?:\(\w+ (\*?)(\w+)\) )?(\w+)\(/.exec(text);
      if (decl) current = decl[2] ? `main.(${decl[1]}${decl[2]}).${decl[3]}` : `main.${decl[3]}`;
      const marker = /\/\/ hot: (\w+)/.exec(text);
      if (marker?.[1]) markers.set(marker[1], { program, line: i + 1, function: current });
    });
  }
  return markers;
}

const markers = hotMarkers();
const files: [string, ProfileType][] = [
  ['mutex.pb.gz', 'mutex'],
  ['mutex.debug1.txt', 'mutex'],
  ['block.pb.gz', 'block'],
  ['block.debug1.txt', 'block'],
  ['goroutine.pb.gz', 'goroutine'],
  ['goroutine.debug1.txt', 'goroutine'],
  ['goroutine.debug2.txt', 'goroutine'],
  ['goroutine.sigquit.txt', 'goroutine'],
  ['cpu.pb.gz', 'cpu'],
  ['heap.pb.gz', 'heap'],
];

describe('profile ranks the known hot spot first', () => {
  const versions = readdirSync(profilesDir).filter((d) => d.startsWith('go'));
  assert.ok(versions.length >= 2, 'profiles recorded with at least two Go versions');
  for (const version of versions) {
    for (const [file, type] of files) {
      it(`${version}/${file}`, async () => {
        const marker = markers.get(type);
        assert.ok(marker, `a // hot: ${type} marker`);
        const data = await readProfile(join(profilesDir, version, file));
        assert.equal(data.type, type, 'profile type detected');
        assert.ok(data.total > 0);
        const [top] = rankHotspots(data);
        assert.ok(top, 'at least one hot spot');
        assert.equal(top.function, marker.function);
        assert.match(top.file, /main\.go$/);
        // CPU samples spread over a loop's lines; the other profiles record one call site per stack.
        if (type !== 'cpu') assert.equal(top.line, marker.line);
        assert.ok(top.share > 0.5, `the hot spot dominates (${top.share})`);
      });
    }
  }
});

describe('profile command', () => {
  it('prints JSON with profiles[] and top-level hotspots', async () => {
    const run = await runCli([
      'profile',
      '--format',
      'json',
      join(profilesDir, 'go1.26.8', 'mutex.pb.gz'),
      join(profilesDir, 'go1.26.8', 'block.pb.gz'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as {
      profiles: { type: string; hotspots: { function: string; share: number }[] }[];
      hotspots: unknown[];
    };
    assert.deepEqual(
      result.profiles.map((p) => p.type),
      ['mutex', 'block'],
    );
    assert.deepEqual(result.hotspots, result.profiles[0]?.hotspots);
    assert.equal(result.profiles[0]?.hotspots[0]?.function, markers.get('mutex')?.function);
  });

  it('rejects a file that is not a profile with one line and exit 2', async () => {
    const run = await runCli(['profile', join(repoRoot, 'package.json')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^goroscope: .*package\.json: not a pprof profile/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('crossing with a log marks hot spots that share a function with a crash', async () => {
    const result = await profile([join(profilesDir, 'go1.26.8', 'goroutine.debug2.txt')], {
      explainLogs: [join(profilesDir, 'go1.26.8', 'goroutine.debug2.txt')],
    });
    // The debug=2 dump read as a log is a goroutine dump whose culprit is where most goroutines wait.
    const linked = result.profiles[0]?.hotspots.filter((h) => h.linkedTo !== undefined) ?? [];
    assert.ok(linked.length > 0);
    assert.ok(result.conclusions.length > 0);
  });
});

describe('mutex or block from the profile itself', () => {
  // Both are written with the same sample types and period (runtime/pprof printCountCycleProfile), so a file
  // name that says neither must not matter: the stacks' first frames do.
  for (const version of readdirSync(profilesDir).filter((d) => d.startsWith('go'))) {
    for (const type of ['mutex', 'block'] as const) {
      it(`${version}/${type}.pb.gz read as contention.pb.gz is ${type}, not a guess`, () => {
        const bytes = readFileSync(join(profilesDir, version, `${type}.pb.gz`));
        const data = decodeProfile(bytes, 'contention.pb.gz');
        assert.equal(data.type, type);
        assert.equal(data.typeGuessed, undefined);
      });
      it(`${version}/${type}.pb.gz named after the other type is still ${type}`, () => {
        const bytes = readFileSync(join(profilesDir, version, `${type}.pb.gz`));
        assert.equal(decodeProfile(bytes, type === 'mutex' ? 'block.pb.gz' : 'mutex.pb.gz').type, type);
      });
    }
    it(`${version}: the debug=1 text and the protobuf of one run agree on the hot spot's share`, async () => {
      for (const type of ['mutex', 'block']) {
        const text = await readProfile(join(profilesDir, version, `${type}.debug1.txt`));
        assert.equal(text.unit, 'nanoseconds');
        const [top] = rankHotspots(text);
        assert.equal(top?.function, markers.get(type)?.function);
      }
    });
  }

  it('says when the stacks do not settle it, and how it chose', () => {
    const unknown = [{ frames: [{ function: 'main.work', file: 'main.go', line: 3 }], value: 10 }];
    const guessed = contentionType(unknown, '/tmp/contention.pb.gz');
    assert.equal(guessed.type, 'block');
    assert.match(guessed.guessed ?? '', /guessed .*no stack ends in an Unlock or a blocking call.*--type/);
    const named = contentionType(unknown, '/tmp/mutex-2024.pb.gz');
    assert.equal(named.type, 'mutex');
    assert.match(named.guessed ?? '', /from the file name/);
    // A directory that says mutex is not the file's name.
    assert.equal(contentionType(unknown, '/profiles/mutex/x.pb.gz').type, 'block');
  });

  it('a debug=1 contention profile without cycles/second is an input error', () => {
    assert.throws(() => parseContentionDebug1('--- contention:\n1 1 @ 0x1\n', 'b.txt'), /cycles\/second/);
  });
});

describe('profile command on text it cannot read', () => {
  it('names a debug=1 heap profile exactly in one line, exit 2', async () => {
    const dir = tempDir();
    // The header runtime/pprof writeHeapInternal prints for debug=1.
    const file = join(dir, 'heap.txt');
    writeFileSync(file, 'heap profile: 3: 96 [10: 320] @ heap/524288\n1: 32 [1: 32] @ 0x1\n');
    const run = await runCli(['profile', file]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^goroscope: .*heap\.txt: a heap profile in text form \(debug=1\), which goroscope profile does not read\n/,
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('prints no guess note when the stacks settle the type', async () => {
    const run = await runCli(['profile', '--no-src', join(profilesDir, 'go1.26.8', 'mutex.debug1.txt')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^mutex profile/);
    assert.doesNotMatch(run.stdout, /guessed/);
  });
});
