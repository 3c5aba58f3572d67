// Fingerprints and fleets: one fingerprint per bug, whatever the Go release, traceback setting, goroutine ids or
// addresses; identical crashes fold into one entry; merged JSON results equal the result of explaining the
// inputs together, in any grouping (merge is associative).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { countDistinctCrashes, mergeResults } from '../src/analyse/fleet.js';
import { explain } from '../src/explain.js';
import type { Crash, ExplainResult } from '../src/model.js';
import { repoRoot, runCli } from './helpers.js';

interface Recording {
  log: string;
  kind: string;
  shape: string;
  culprits: unknown[];
  goVersion: string;
  gotraceback: string;
}

const logsDir = join(repoRoot, 'testdata', 'logs');
const recordings = (JSON.parse(readFileSync(join(logsDir, 'manifest.json'), 'utf8')) as { recordings: Recording[] })
  .recordings;
const minor = (v: string): number => Number(v.split('.')[1]);

async function crashOf(r: Recording): Promise<Crash | undefined> {
  const result = await explain([join(logsDir, r.log)], { srcDir: false });
  return result.crashes.find((c) => c.kind === r.kind) ?? result.crashes[0];
}

describe('crash fingerprints', () => {
  it(
    'one program with one marked line: one fingerprint on Go 1.21-1.27 under single and all; programs ' + 'differ',
    async () => {
      const byProgram = new Map<string, Set<string>>();
      const culpritOf = new Map<string, string>();
      for (const r of recordings) {
        if (r.culprits.length !== 1 || minor(r.goVersion) < 21 || !['single', 'all'].includes(r.gotraceback)) continue;
        if (r.kind === 'goroutine_dump' || r.kind === 'deadlock_all_asleep') continue;
        const crash = await crashOf(r);
        assert.ok(crash?.fingerprint, r.log);
        const key = `${r.kind}/${r.shape}`;
        const set = byProgram.get(key) ?? new Set<string>();
        set.add(crash.fingerprint);
        byProgram.set(key, set);
        culpritOf.set(crash.fingerprint, `${crash.kind} ${crash.culprit?.function ?? '-'}`);
      }
      assert.ok(byProgram.size >= 30, `${byProgram.size} programs`);
      const unstable = [...byProgram].filter(([, set]) => set.size !== 1).map(([key, set]) => `${key}: ${set.size}`);
      assert.deepEqual(unstable, []);
      // Lines are left out on purpose, so two programs share a fingerprint only with the same kind in the same
      // function (e.g. two bounds errors in main.main); different kinds or culprit functions never do.
      const kindAndCulprit = new Set([...byProgram.values()].map((set) => culpritOf.get([...set][0] ?? '')));
      const fingerprints = new Set([...byProgram.values()].map((set) => [...set][0]));
      assert.equal(fingerprints.size, kindAndCulprit.size);
    },
  );
});

/** Real explain results of a few recorded logs, to build fleets from. */
async function pool(): Promise<ExplainResult[]> {
  const picks = recordings.filter((r) => r.goVersion === '1.27.3' && r.gotraceback === 'all').slice(0, 6);
  const results: ExplainResult[] = [];
  for (const r of picks) results.push(await explain([join(logsDir, r.log)], { srcDir: false }));
  return results;
}

/** An explain result of several recorded logs as if read from one pod's inputs named `pod-N`. */
function fleetShard(base: ExplainResult[], picks: number[], pod: number): ExplainResult {
  const crashes: Crash[] = [];
  picks.forEach((p, i) => {
    for (const crash of base[p % base.length]?.crashes ?? []) {
      crashes.push({ ...crash, source: { ...crash.source, file: `pod-${pod}.log`, startLine: i * 100 + 1 } });
    }
  });
  return {
    schemaVersion: 2,
    crashes,
    races: [],
    toolReports: [],
    distinctCrashes: countDistinctCrashes(crashes),
    inputs: [{ file: `pod-${pod}.log`, lines: picks.length * 100, bytes: 0 }],
    skipped: [],
  };
}

describe('merge', () => {
  it('is associative, and merged groups equal grouping all crashes at once', async () => {
    const base = await pool();
    const shard = fc.tuple(fc.array(fc.nat(20), { maxLength: 6 }), fc.nat(3));
    fc.assert(
      fc.property(shard, shard, shard, ([pa, a], [pb, b], [pc, c]) => {
        const x = fleetShard(base, pa, a);
        const y = fleetShard(base, pb, b);
        const z = fleetShard(base, pc, c);
        const left = mergeResults(mergeResults(x, y), z);
        const right = mergeResults(x, mergeResults(y, z));
        assert.deepEqual(left, right);
        const together = countDistinctCrashes([...x.crashes, ...y.crashes, ...z.crashes].map((cr) => ({ ...cr })));
        assert.deepEqual(left.distinctCrashes, together);
      }),
      { numRuns: 200 },
    );
  });

  it('goroscope merge folds identical crashes from two JSON results into one group with a count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goroscope-merge-'));
    const log = recordings.find((r) => r.goVersion === '1.27.3' && r.kind === 'nil_map_write');
    assert.ok(log);
    const other = recordings.find((r) => r.goVersion === '1.26.8' && r.log.endsWith(log.log.split('/').pop() ?? ''));
    assert.ok(other);
    const files: string[] = [];
    for (const [i, r] of [log, other, log].entries()) {
      const run = await runCli(['explain', '--format', 'json', join(logsDir, r.log)]);
      const file = join(dir, `${i}.json`);
      writeFileSync(file, run.stdout);
      files.push(file);
    }
    const run = await runCli(['merge', ...files]);
    assert.equal(run.code, 1, run.stderr);
    const merged = JSON.parse(run.stdout) as ExplainResult;
    assert.equal(merged.distinctCrashes?.length, 1, 'the same bug on Go 1.26 and 1.27 is one group');
    assert.equal(merged.distinctCrashes[0]?.count, 3);
    assert.equal(merged.distinctCrashes[0]?.inputs.length, 2);
    assert.equal(merged.crashes.length, 1);
    const bad = await runCli(['merge', join(repoRoot, 'README.md')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^goroscope: cannot read .*README\.md as JSON/);
  });
});
