// classify + findCulprit + inferGoVersion over every recorded log listed in testdata/logs/manifest.json (written
// by the fixtures recorder: the log, the kind its program was written to produce, the `// culprit` lines of
// that program and the Go version that printed it). A handful of cases cannot be answered from a traceback
// alone; they are listed in KNOWN with the reason, and every other recording must pass.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { classify } from '../src/analyse/classify.js';
import { findCulprit } from '../src/analyse/culprit.js';
import { inferGoVersion, parseRange } from '../src/analyse/goversion.js';
import { parseTracebacks } from '../src/parse/traceback.js';
import { repoRoot } from './helpers.js';

/** `<kind>/<shape>` -> why its culprit (or kind) cannot match the recording's marker. */
const KNOWN: Record<string, { kind?: string; culprit: string }> = {
  'deadlock_all_asleep/main_goexit': { culprit: 'main called runtime.Goexit: the runtime prints no goroutine at all' },
  'send_on_closed_channel/select_send': {
    culprit: 'the runtime attributes a send in a select case to the `select` line',
  },
  'unlock_of_unlocked/rwmutex_runlock': {
    culprit: 'a deferred RUnlock runs at function exit; some releases print the closing line, not the defer line',
  },
};

interface Recording {
  log: string;
  kind: string;
  shape: string;
  culprits: { file: string; line: number }[];
  goVersion: string;
}

// Compiled into another directory (a helper's own outDir), repoRoot misses; the working directory is the repo.
const root = existsSync(join(repoRoot, 'testdata')) ? repoRoot : process.cwd();
const manifestPath = join(root, 'testdata', 'logs', 'manifest.json');

function recordings(): Recording[] {
  if (!existsSync(manifestPath)) return [];
  const parsed: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('recordings' in parsed) || !Array.isArray(parsed.recordings)) {
    return [];
  }
  const out: Recording[] = [];
  for (const r of parsed.recordings as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const { log, kind, shape, culprits, goVersion } = r as Record<string, unknown>;
    if (typeof log !== 'string' || typeof kind !== 'string' || typeof shape !== 'string') continue;
    if (typeof goVersion !== 'string' || !Array.isArray(culprits)) continue;
    const marks: { file: string; line: number }[] = [];
    for (const c of culprits as unknown[]) {
      if (typeof c !== 'object' || c === null) continue;
      const { file, line } = c as Record<string, unknown>;
      if (typeof file === 'string' && typeof line === 'number') marks.push({ file, line });
    }
    out.push({ log, kind, shape, culprits: marks, goVersion });
  }
  return out;
}

describe(
  'recorded logs (testdata/logs/manifest.json)',
  { skip: !existsSync(manifestPath) && 'no manifest yet' },
  () => {
    const all = recordings();
    it('the manifest lists recordings', () => assert.ok(all.length > 0));
    const tally = new Map<string, { logs: number; kind: number; culprit: number; marked: number }>();
    for (const rec of all) {
      const key = `${rec.kind}/${rec.shape}`;
      it(rec.log, () => {
        const counts = tally.get(rec.kind) ?? { logs: 0, kind: 0, culprit: 0, marked: 0 };
        tally.set(rec.kind, counts);
        counts.logs++;
        const path = join(root, 'testdata', 'logs', rec.log);
        const tbs = parseTracebacks(readFileSync(path, 'utf8'), path);
        const tb =
          tbs.find((t) => t.panics.length > 0 || t.fatalError !== undefined || t.testTimeout !== undefined) ?? tbs[0];
        assert.ok(tb !== undefined, 'no traceback parsed');
        const known = KNOWN[key];
        const c = classify(tb);
        if (c.kind === rec.kind) counts.kind++;
        else assert.ok(known?.kind !== undefined, `kind ${c.kind}, want ${rec.kind} (${c.message})`);
        const minor = Number(rec.goVersion.split('.')[1]);
        const guess = inferGoVersion(tb);
        const [lo, hi] = parseRange(guess.range);
        assert.ok(lo <= minor && minor <= hi, `version ${guess.range}: ${guess.evidence.join('; ')}`);
        if (rec.culprits.length === 0) return;
        counts.marked++;
        const r = findCulprit(tb, c.kind);
        const hit =
          r.culprit !== null &&
          rec.culprits.some((m) => basename(r.culprit?.file ?? '') === m.file && r.culprit?.line === m.line);
        if (hit) counts.culprit++;
        else {
          const want = rec.culprits.map((m) => `${m.file}:${m.line}`).join(', ');
          assert.ok(known !== undefined, `culprit ${r.culprit?.function}:${r.culprit?.line}, want ${want}`);
        }
      });
    }
    it('summary per kind', (t) => {
      for (const [kind, c] of [...tally].sort()) {
        t.diagnostic(`${kind}: ${c.logs} logs, kind ${c.kind}/${c.logs}, culprit ${c.culprit}/${c.marked}`);
      }
      assert.ok(tally.size > 0);
    });
  },
);
