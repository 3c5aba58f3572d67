// Go 1.27's goroutine leak detector and goroutine labels, on what Go 1.27.3 really printed: the goroutineleak
// profile (protobuf, debug=1, debug=2) and a goroutine dump written by testdata/profiles/programs/leak
// (scripts/record-leak-profiles.sh). Expectations come from the program: `// leak` marks where the leaked
// goroutines block, `// parked` where the pool workers wait on a channel a global still holds, and the labels
// are the ones the program sets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rankHotspots } from '../src/analyse/hotspots.js';
import { explain } from '../src/explain.js';
import { parseGoroutineHeader } from '../src/parse/frame.js';
import { readProfile } from '../src/parse/pprof.js';
import { profile } from '../src/profile.js';
import { repoRoot, runCli } from './helpers.js';

const recorded = join(repoRoot, 'testdata', 'profiles', 'leak', 'go1.27.3');
const program = readFileSync(join(repoRoot, 'testdata', 'profiles', 'programs', 'leak', 'main.go'), 'utf8').split('\n');
const markedLine = (marker: string): number => program.findIndex((l) => l.endsWith(`// ${marker}`)) + 1;
const leakLine = markedLine('leak');
const parkedLine = markedLine('parked');
const dump2 = join(recorded, 'goroutineleak.debug2.txt');
const labelled = join(recorded, 'goroutine-labels.debug2.txt');
/** How many goroutines the runtime marked leaked, counted in the raw text. */
const leakedInText = readFileSync(dump2, 'utf8').match(/^goroutine \d+ \[[^\]]* \(leaked\)\]/gm)?.length ?? 0;

describe('Go 1.27 goroutine headers', () => {
  it('reads labels printed after the bracket, bare and quoted', () => {
    assert.deepEqual(
      parseGoroutineHeader('goroutine 9 [chan send (leaked)] {replica: 0, route: "/api/items?page=2"}:'),
      {
        id: 9,
        state: 'chan send',
        waitMinutes: 0,
        lockedToThread: false,
        flags: ['leaked'],
        labels: { replica: '0', route: '/api/items?page=2' },
      },
    );
    const h = parseGoroutineHeader('goroutine 7 [select, 3 minutes, locked to thread] {"a key": "x\\"y", k: v}:');
    assert.equal(h?.waitMinutes, 3);
    assert.equal(h?.lockedToThread, true);
    assert.deepEqual(h?.labels, { 'a key': 'x"y', k: 'v' });
    assert.equal(parseGoroutineHeader('goroutine 7 [select] {k v}:'), null, 'malformed labels are no header');
  });

  it('every header of the recorded dump carries the labels the program set', () => {
    const headers = readFileSync(labelled, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('goroutine '));
    assert.ok(headers.length >= 14);
    for (const line of headers) {
      const h = parseGoroutineHeader(line);
      assert.ok(h, line);
      if (line.includes(' {')) assert.ok(h.labels, `labels of ${line}`);
      if (h.labels?.replica !== undefined) {
        assert.match(h.labels.replica, /^[0-3]$/);
        assert.equal(h.labels.route, '/api/items?page=2');
      } else if (h.labels !== undefined) assert.deepEqual(h.labels, { pool: 'jobs' });
    }
  });
});

describe('explain: the runtime leak verdict', () => {
  it('puts the proven leak first, at the marked line, and does not call the parked pool a leak', async () => {
    const result = await explain([dump2], { srcDir: false });
    const [crash] = result.crashes;
    assert.ok(crash);
    assert.equal(crash.kind, 'goroutine_dump');
    assert.equal(crash.goVersion, '>=1.27');
    assert.equal(crash.culprit?.line, leakLine, 'the dump names the leaked goroutines');
    const [first] = crash.leaks;
    assert.ok(first?.proven, 'a proven leak leads');
    assert.equal(first.culprit?.line, leakLine);
    assert.equal(first.count, leakedInText);
    assert.deepEqual(first.labels, { route: '/api/items?page=2' }, 'labels shared by every leaked goroutine');
    const parked = crash.groups.find((b) => b.culprit?.line === parkedLine);
    assert.ok(parked, 'the pool workers are grouped');
    assert.notEqual(parked.leaked, true);
    assert.ok(!crash.leaks.some((l) => l.culprit?.line === parkedLine));
  });

  it('groups by a label and filters on labels', async () => {
    const byReplica = await explain([labelled], { srcDir: false, groupByLabel: 'replica' });
    const senders = byReplica.crashes[0]?.groups.filter((b) => b.culprit?.line === leakLine) ?? [];
    assert.deepEqual(senders.map((b) => b.labels?.replica).sort(), ['0', '1', '2']);
    const pool = await explain([labelled], { srcDir: false, labelFilter: { pool: 'jobs' } });
    const groups = pool.crashes[0]?.groups ?? [];
    assert.deepEqual(
      groups.map((b) => b.culprit?.line),
      [parkedLine],
    );
  });

  it('--label without = is a usage error', async () => {
    const run = await runCli(['explain', '--label', 'pool', labelled]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^goroscope: --label takes key=value/);
  });
});

describe('profile: the goroutineleak profile in its three forms', () => {
  for (const file of ['goroutineleak.pb.gz', 'goroutineleak.debug1.txt', 'goroutineleak.debug2.txt']) {
    it(file, async () => {
      const data = await readProfile(join(recorded, file));
      assert.equal(data.type, 'goroutineleak');
      assert.equal(data.total, leakedInText, 'every leaked goroutine, and only those');
      const [top] = rankHotspots(data);
      assert.equal(top?.line, leakLine);
      assert.equal(top.share, 1);
      for (const sample of data.samples) assert.equal(sample.labels?.route, '/api/items?page=2');
    });
  }
});

describe('profile: label filter', () => {
  it('counts only the leaked goroutines carrying the label, in every form', async () => {
    const replica1 =
      readFileSync(dump2, 'utf8').match(/^goroutine \d+ \[[^\]]* \(leaked\)\] \{replica: 1,/gm)?.length ?? 0;
    assert.ok(replica1 > 0);
    for (const file of ['goroutineleak.pb.gz', 'goroutineleak.debug1.txt', 'goroutineleak.debug2.txt']) {
      const result = await profile([join(recorded, file)], { srcDir: false, labelFilter: { replica: '1' } });
      assert.equal(result.profiles[0]?.total, replica1, file);
      assert.equal(result.hotspots[0]?.line, leakLine, file);
    }
  });
});
