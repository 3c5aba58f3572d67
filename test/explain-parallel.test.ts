// Parsing a big dump's goroutines on worker threads (src/explain-region.ts) must give exactly the result of one
// thread. Small blocks and a small number of retained goroutines make the regions and their merges happen on small
// inputs: every recorded log, property-generated dumps with noise that must stop a merge, and, through real
// worker threads, a larger generated dump.

import { strict as assert } from 'node:assert';
import { isAscii } from 'node:buffer';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { explain, type ExplainOptions } from '../src/explain.js';
import {
  goroutineRegion,
  parseGoroutineLines,
  parseRepeatedGoroutines,
  type RegionOptions,
  type RegionPoolOptions,
} from '../src/explain-region.js';
import { filesUnder, repoRoot, tempDir } from './helpers.js';

/** explain on one thread, and with regions of `file` parsed elsewhere; returns both and the regions applied. */
async function bothWays(file: string, options: ExplainOptions, regions: RegionPoolOptions) {
  const single = await explain([file], { ...options, srcDir: false, threads: 0 });
  let applied = 0;
  const split = await explain([file], {
    ...options,
    srcDir: false,
    regions: {
      minBytes: 0,
      ...regions,
      onApply: (ok) => {
        if (ok) applied++;
      },
    },
  });
  return { single, split, applied };
}

test('every recorded log gives the same result with regions parsed apart', async () => {
  // The logs of more than a few goroutines: smaller ones hold no two goroutines in one block after the first.
  const files = [
    ...filesUnder(join(repoRoot, 'testdata', 'logs'), '.log'),
    ...filesUnder(join(repoRoot, 'testdata', 'crashes'), '.log'),
  ].filter((file) => statSync(file).size > 8 * 1024);
  assert.ok(files.length > 100, 'the recorded logs are there');
  let applied = 0;
  for (const file of files) {
    for (const blockBytes of [1500, 4000]) {
      const r = await bothWays(file, { retainGoroutines: 2 }, { blockBytes, sameThread: true });
      assert.deepEqual(r.split, r.single, `${file} in blocks of ${blockBytes}`);
      applied += r.applied;
    }
  }
  // The dumps among them (SIGQUIT, deadlocks with many goroutines) do get merged regions.
  assert.ok(applied > 50, `regions applied: ${applied}`);
});

const STATES = ['chan receive', 'select', 'sync.Mutex.Lock', 'IO wait', 'sleep', 'chan send (nil chan)'];
const FUNCTIONS = [
  'main.worker',
  'main.(*Server).handle',
  'sync.(*Mutex).Lock',
  'internal/sync.(*Mutex).lockSlow',
  'example.com/shop/queue.(*Pool[...]).run',
  'runtime.gopark',
  'main.main.func1',
];
/** Lines that must stop a region from being merged, or start something else, between goroutines. */
const NOISE = [
  '=== RUN   TestWorker',
  '==================',
  'WARNING: DATA RACE',
  '2026-05-01T12:00:00Z level=info msg="still running"',
  'panic: boom',
  'fatal error: all goroutines are asleep - deadlock!',
  'exit status 2',
  '[pod/api-1/app] goroutine 77 [select]:',
  ' main.worker(0x1)',
  'found unexpected goroutines:',
  'POTENTIAL DEADLOCK:',
  '{"log":"goroutine 5 [select]:\\n","stream":"stderr"}',
  'runtime: note: your Linux kernel may be buggy',
  'goroutine 9 [running]:',
  '\tmain.go:12 +0x1',
  'SIGQUIT: quit',
  '-----',
  'rax    0x0',
  '...additional frames elided...',
];

interface GenFrame {
  fn: string;
  inlined: boolean;
  line: number;
  file: string;
}

interface GenGoroutine {
  idStep: number;
  state: string;
  minutes: number;
  labels: string | undefined;
  frames: GenFrame[];
  elided: boolean;
  createdBy: GenFrame | undefined;
  noise: string | undefined;
  blanks: number;
}

const frame: fc.Arbitrary<GenFrame> = fc.record({
  fn: fc.constantFrom(...FUNCTIONS),
  inlined: fc.boolean(),
  line: fc.integer({ min: 1, max: 60 }),
  file: fc.constantFrom('/src/app/main.go', '/usr/local/go/src/sync/mutex.go', 'C:/work/app/pool.go'),
});

const goroutine: fc.Arbitrary<GenGoroutine> = fc.record({
  idStep: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 30 },
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.integer({ min: -20, max: -1 }), weight: 1 },
  ),
  state: fc.constantFrom(...STATES),
  minutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  labels: fc.option(fc.constantFrom('{route: /api}', '{route: /api, shard: "7 b"}', '{shard: 1}'), { nil: undefined }),
  // A goroutine without frames is rare (and noted as skipped, so its region is read on the main thread).
  frames: fc.oneof(
    { arbitrary: fc.array(frame, { minLength: 1, maxLength: 4 }), weight: 30 },
    fc.constant<GenFrame[]>([]),
  ),
  elided: fc.boolean(),
  createdBy: fc.option(frame, { nil: undefined }),
  noise: fc.oneof({ arbitrary: fc.constant(undefined), weight: 25 }, fc.constantFrom(...NOISE)),
  blanks: fc.integer({ min: 1, max: 2 }),
});

/** A dump (after a panic line, or not) of the generated goroutines; ids mostly rise, sometimes repeat. */
function renderDump(start: 'panic' | 'dump' | 'sigquit', goroutines: GenGoroutine[]): string {
  const out: string[] = [];
  if (start === 'panic') out.push('panic: something broke', '');
  if (start === 'sigquit') out.push('SIGQUIT: quit', 'PC=0x4711 m=0 sigcode=0', '');
  let id = 1;
  for (const g of goroutines) {
    id = Math.max(0, id + g.idStep);
    const minutes = g.minutes === 0 ? '' : `, ${g.minutes} minutes`;
    out.push(`goroutine ${id} [${g.state}${minutes}]${g.labels === undefined ? '' : ` ${g.labels}`}:`);
    for (const f of g.frames) {
      out.push(`${f.fn}(${f.inlined ? '...' : '0xc000012345, 0x1'})`, `\t${f.file}:${f.line} +0x1d`);
    }
    if (g.elided) out.push('...additional frames elided...');
    if (g.createdBy !== undefined) {
      out.push(`created by ${g.createdBy.fn} in goroutine 1`, `\t${g.createdBy.file}:${g.createdBy.line} +0x45`);
    }
    for (let i = 0; i < g.blanks; i++) out.push('');
    if (g.noise !== undefined) out.push(g.noise, '');
  }
  return out.join('\n') + '\n';
}

test('property: generated dumps with noise give the same result with regions parsed apart', async () => {
  const dir = tempDir('goroscope-regions-');
  const file = join(dir, 'dump.log');
  let applied = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('panic' as const, 'dump' as const, 'sigquit' as const),
      fc.array(goroutine, { minLength: 1, maxLength: 80 }),
      fc.constantFrom(150, 400, 1500),
      fc.constantFrom(1, 3, 1000),
      fc.constantFrom<ExplainOptions>(
        {},
        { grouping: 'exact' },
        { grouping: 'ignore-args' },
        { groupByLabel: 'route' },
        { labelFilter: { route: '/api' } },
      ),
      async (start, goroutines, blockBytes, retainGoroutines, options) => {
        writeFileSync(file, renderDump(start, goroutines));
        const r = await bothWays(file, { ...options, retainGoroutines }, { blockBytes, sameThread: true });
        assert.deepEqual(r.split, r.single);
        applied += r.applied;
      },
    ),
    // A fixed seed: the count of applied regions below is then the same on every run.
    { numRuns: 150, seed: 20261130 },
  );
  assert.ok(applied > 10, `regions applied: ${applied}`);
});

test('worker threads give the same result as one thread on a larger dump', async () => {
  const dir = tempDir('goroscope-regions-');
  const file = join(dir, 'dump.log');
  const goroutines = fc.sample(
    goroutine.map((g): GenGoroutine => ({ ...g, noise: undefined, idStep: 1 })),
    {
      numRuns: 6000,
      seed: 7,
    },
  );
  // One noisy stretch in the middle: that region is read on the main thread.
  goroutines[3000] = { ...(goroutines[3000] as GenGoroutine), noise: '=== RUN   TestWorker' };
  writeFileSync(file, renderDump('panic', goroutines));
  const r = await bothWays(file, {}, { blockBytes: 16 * 1024, threads: 2 });
  assert.deepEqual(r.split, r.single);
  assert.equal(r.single.crashes[0]?.goroutineCount, 6000);
  assert.ok(r.applied > 10, `regions applied: ${r.applied}`);
});

/** Both ways through every region of `text` cut in blocks of `blockBytes`; counts the regions the fast way took. */
function compareWays(text: string, blockBytes: number, options: RegionOptions, where: string): number {
  const all = Buffer.from(text);
  let taken = 0;
  for (let at = 0; at < all.length; at += blockBytes) {
    const block = all.subarray(at, at + blockBytes);
    const region = goroutineRegion(block);
    if (region === undefined) continue;
    const regionBytes = block.subarray(region.start, region.end);
    const regionText = regionBytes.toString('utf8');
    const fast = parseRepeatedGoroutines(regionText, options);
    if (fast === undefined) continue;
    taken++;
    assert.deepEqual(fast, parseGoroutineLines(regionText, options), `${where} at byte ${at + region.start}`);
    if (isAscii(regionBytes)) {
      const view = new DataView(regionBytes.buffer, regionBytes.byteOffset, regionBytes.length);
      assert.deepEqual(parseRepeatedGoroutines(regionText, options, view), fast, `${where}, compared as bytes`);
    }
  }
  return taken;
}

test('the fast way through a region gives what the line-by-line way gives, whenever it takes one', () => {
  let taken = 0;
  const files = [
    ...filesUnder(join(repoRoot, 'testdata', 'logs'), '.log'),
    ...filesUnder(join(repoRoot, 'testdata', 'crashes'), '.log'),
  ].filter((file) => statSync(file).size > 8 * 1024);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const blockBytes of [1500, 4000]) taken += compareWays(text, blockBytes, { grouping: 'ignore-wait' }, file);
  }
  fc.assert(
    fc.property(
      fc.constantFrom('panic' as const, 'dump' as const, 'sigquit' as const),
      fc.array(goroutine, { minLength: 1, maxLength: 80 }),
      fc.constantFrom(150, 400, 1500),
      fc.constantFrom<RegionOptions>(
        { grouping: 'ignore-wait' },
        { grouping: 'ignore-args' },
        { grouping: 'ignore-wait', groupByLabel: 'route' },
        { grouping: 'ignore-wait', labelFilter: { route: '/api' } },
      ),
      (start, goroutines, blockBytes, options) => {
        taken += compareWays(renderDump(start, goroutines), blockBytes, options, 'generated dump');
      },
    ),
    { numRuns: 300, seed: 20261130 },
  );
  assert.ok(taken > 100, `regions the fast way took: ${taken}`);
});

test('the fast way leaves damaged or unusual goroutine text to the line-by-line way', () => {
  const block = (body: string): string =>
    `goroutine 5 [select]:\n${body}\n\ngoroutine 6 [select]:\nmain.f()\n\t/a/b.go:3\n\n`;
  const damaged = [
    'main.f(0x1,\t0x2)\n\t/a/b.go:3 +0x1d', // a tab in the arguments
    'main.f(0x1)\n\t/a/b.go:3 +0xZZ', // an offset that is not hex
    'main.f(0x1)^M\n\t/a/b.go:3 +0x1d', // a pasted carriage return
    ' main.f(0x1)\n\t/a/b.go:3 +0x1d', // a stray space
    'main.f(0x1)\nmain.g(0x2)\n\t/a/b.go:3 +0x1d', // a function line without its file line
    'main.f(0x1)\n\t/a/b.go:3 +0x1d\n', // two blank lines
    'goroutine running on other thread; stack unavailable',
  ];
  for (const body of damaged) {
    assert.equal(parseRepeatedGoroutines(block(body), { grouping: 'ignore-wait' }), undefined, body);
  }
  // Goroutines that seldom repeat (a request id in every header's labels) take the line-by-line way at once.
  let unique = '';
  for (let id = 1; id <= 2100; id++)
    unique += `goroutine ${id} [select] {request: ${id}}:\nmain.f(0x1)\n\t/a/b.go:3 +0x1d\n\n`;
  assert.equal(parseRepeatedGoroutines(unique, { grouping: 'ignore-wait' }), undefined);
  assert.equal(parseGoroutineLines(unique, { grouping: 'ignore-wait' })?.ids.length, 2100);
  // A repeated id starts another dump; the same stack with other arguments is one group.
  const repeated = block('main.f(0x1)\n\t/a/b.go:3 +0x1d').replace('goroutine 6 ', 'goroutine 5 ');
  assert.equal(parseRepeatedGoroutines(repeated, { grouping: 'ignore-wait' }), undefined);
  const same =
    'goroutine 5 [select]:\nmain.f(0x1)\n\t/a/b.go:3 +0x1d\n\ngoroutine 6 [select]:\nmain.f(0x2)\n\t/a/b.go:3 +0x2e\n\n';
  const fast = parseRepeatedGoroutines(same, { grouping: 'ignore-wait' });
  assert.deepEqual(fast, parseGoroutineLines(same, { grouping: 'ignore-wait' }));
  assert.equal(fast?.groups.length, 1);
  assert.equal(fast?.groups[0]?.group.count, 2);
  assert.deepEqual(fast?.ids, [5, 6]);
});
