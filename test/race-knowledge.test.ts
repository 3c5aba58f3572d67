// The race catalogue: every entry is complete, every fix is a program in testdata/races/fixed that compiles and
// runs clean under the race detector, and every proof program exists.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { RACE_KINDS, raceKind, counterFix } from '../src/knowledge/race-advice.js';
import { repoRoot } from './helpers.js';

const ROOT = repoRoot;
const run = promisify(execFile);

async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

describe('race catalogue', () => {
  it('has one complete entry per object kind', () => {
    assert.deepEqual(RACE_KINDS.map((e) => e.kind).sort(), ['map', 'slice', 'struct field', 'unknown', 'variable']);
    for (const entry of RACE_KINDS) {
      assert.ok(entry.title.length > 0 && entry.readWrite.length > 40 && entry.writeWrite.length > 40, entry.kind);
      assert.ok(entry.fixes.length > 0, entry.kind);
      assert.ok(entry.links.length > 0, entry.kind);
      for (const link of entry.links) assert.match(link.url, /^https:\/\//);
      assert.equal(raceKind(entry.kind), entry);
    }
  });

  it('names proof programs that exist', () => {
    for (const entry of RACE_KINDS) {
      for (const proof of entry.proof) assert.ok(existsSync(join(ROOT, proof, 'main.go')), proof);
    }
  });

  it('shows every fix verbatim in one of its fixed programs', () => {
    for (const entry of RACE_KINDS) {
      for (const fix of entry.fixes) {
        const programs = entry.proof.filter((p) => p.includes('/fixed/'));
        const holder = programs.find((p) => readFileSync(join(ROOT, p, 'main.go'), 'utf8').includes(fix.code));
        assert.ok(holder !== undefined, `${entry.kind}: "${fix.title}" is in none of ${programs.join(', ')}`);
      }
    }
  });

  it('shows the counter fix verbatim in its fixed program, named as proof by the kinds that use it', () => {
    const program = 'testdata/races/fixed/counter-atomic';
    assert.ok(readFileSync(join(ROOT, program, 'main.go'), 'utf8').includes(counterFix.code));
    assert.ok(raceKind('struct field').proof.includes(program));
  });

  it('runs every fixed program clean under -race', async (t) => {
    if (!(await hasGo())) {
      t.skip('go is not installed');
      return;
    }
    const programs = [...new Set(RACE_KINDS.flatMap((e) => e.proof.filter((p) => p.includes('/fixed/'))))];
    assert.ok(programs.length >= 5);
    const env = { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' };
    await Promise.all(
      programs.map(async (program) => {
        const { stdout, stderr } = await run('go', ['run', '-race', '.'], { cwd: join(ROOT, program), env });
        assert.doesNotMatch(stdout + stderr, /DATA RACE/, program);
      }),
    );
  });
});
