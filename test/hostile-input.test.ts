// explain under hostile input: NUL bytes (copytruncate), bytes that are not UTF-8, a 10 MB line, pods whose logs
// are interleaved line by line, a crash repeated thousands of times, inputs that are binary throughout. Every
// input is generated here from recorded crash logs (testdata/logs, printed by real Go runs); the expected kind and
// culprit come from the manifest (the program's `// culprit` markers), never from goroscope's own output. Each
// case also checks that goroscope left its input file byte for byte as it was.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { explain } from '../src/explain.js';
import { readInputs } from '../src/input/read.js';
import type { LineContext } from '../src/input/lines.js';
import type { Crash, ExplainResult } from '../src/model.js';
import { explainToJson, explainToJsonChunks } from '../src/render/explain-json.js';
import { repoRoot } from './helpers.js';

interface ManifestEntry {
  log: string;
  kind: string;
  culprits: { file: string; line: number }[];
}

const logsDir = join(repoRoot, 'testdata', 'logs');
const manifest = (JSON.parse(readFileSync(join(logsDir, 'manifest.json'), 'utf8')) as { recordings: ManifestEntry[] })
  .recordings;

function recording(log: string): { entry: ManifestEntry; bytes: Buffer } {
  const entry = manifest.find((e) => e.log === log);
  assert.ok(entry, `${log} is in the manifest`);
  return { entry, bytes: readFileSync(join(logsDir, log)) };
}

// Crashes with a culprit in user code, from one Go version, in the two traceback settings.
const USER_PANIC = recording('go1.25.14/all/user_panic--in_goroutine.log');
const NIL_DEREF = recording('go1.25.14/all/nil_pointer_deref--method_receiver.log');
const MAP_WRITES = recording('go1.25.14/all/concurrent_map_writes--plain.log');
const STRING_PANIC = recording('go1.25.14/single/user_panic--string.log');

const scratch = mkdtempSync(join(tmpdir(), 'goroscope-hostile-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Writes the input, explains it, and checks the file is unchanged afterwards. */
async function explainBytes(bytes: Buffer): Promise<ExplainResult> {
  const path = join(scratch, `input-${counter++}.log`);
  writeFileSync(path, bytes);
  const before = sha256(path);
  const result = await explain([path], { srcDir: false });
  assert.equal(sha256(path), before, 'the input file is unchanged');
  return result;
}

/** The crash is the one the recorded program declares: its kind, and a culprit on a marked line. */
function assertIsRecorded(crash: Crash | undefined, entry: ManifestEntry): void {
  assert.ok(crash, `${entry.log}: crash found`);
  assert.equal(crash.kind, entry.kind, `${entry.log}: kind`);
  assert.ok(crash.culprit, `${entry.log}: culprit`);
  const culprit = crash.culprit;
  assert.ok(
    entry.culprits.some(
      (c) => basename(culprit.file) === c.file && culprit.line === c.line && culprit.file.includes(entryDir(entry)),
    ),
    `${entry.log}: culprit ${culprit.file}:${culprit.line} is a marked line of its own program`,
  );
}

/** `user_panic/in_goroutine/` for `.../user_panic--in_goroutine.log`: the program's directory in printed paths. */
function entryDir(entry: ManifestEntry): string {
  return `/${basename(entry.log, '.log').replace('--', '/')}/`;
}

const lf = Buffer.from('\n');

describe('NUL bytes', () => {
  test('a NUL run in the first 8 KB (copytruncate) is skipped and reported; the crash after it is found', async () => {
    const input = Buffer.concat([Buffer.from('service started\n'), Buffer.alloc(5000), USER_PANIC.bytes]);
    const result = await explainBytes(input);
    assert.equal(result.crashes.length, 1);
    assertIsRecorded(result.crashes[0], USER_PANIC.entry);
    assert.equal(result.inputs.length, 1, 'the input was read as text');
    assert.deepEqual(
      result.skipped.map((s) => [s.inputLine, s.reason]),
      [[2, 'skipped 5000 NUL byte(s)']],
    );
  });

  test('a NUL run longer than the line cap still leaves the crash glued to its end', async () => {
    // copytruncate of a 3 MB log: 3 MB of NULs, then the writer's next line at its old offset, no newline between.
    const input = Buffer.concat([Buffer.alloc(3 * 1024 * 1024), NIL_DEREF.bytes]);
    const result = await explainBytes(input);
    assertIsRecorded(result.crashes[0], NIL_DEREF.entry);
    assert.equal(result.crashes[0]?.source.startLine, 1);
    assert.deepEqual(
      result.skipped.map((s) => s.reason),
      [`skipped ${3 * 1024 * 1024} NUL byte(s)`],
    );
  });

  test('NULs in the middle of a line end the text before them (ripgrep converts NUL to a line break too)', async () => {
    const input = Buffer.concat([Buffer.from('a line cut short by a power loss'), Buffer.alloc(700), MAP_WRITES.bytes]);
    const result = await explainBytes(input);
    assertIsRecorded(result.crashes[0], MAP_WRITES.entry);
  });
});

describe('bytes that are not UTF-8', () => {
  /** A line of bytes that never form UTF-8: every other byte is 0xff. */
  function binaryLine(seed: number, length: number): Buffer {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = i % 2 === 1 ? 0xff : 0x80 | ((seed * 31 + i * 7) & 0x7f);
    return bytes;
  }

  test('binary lines around and inside a crash are skipped with their line range; the crash is found', async () => {
    const lines = MAP_WRITES.bytes.toString('latin1').split('\n');
    const middle = Math.floor(lines.length / 2);
    const head = Buffer.from(lines.slice(0, middle).join('\n') + '\n', 'latin1');
    const tail = Buffer.from(lines.slice(middle).join('\n'), 'latin1');
    const garbage = [binaryLine(1, 40), lf, binaryLine(2, 300), lf, binaryLine(3, 9), lf];
    const input = Buffer.concat([Buffer.from('starting\n'), ...garbage, head, binaryLine(4, 120), lf, tail]);
    const result = await explainBytes(input);
    assert.equal(result.crashes.length, 1);
    assertIsRecorded(result.crashes[0], MAP_WRITES.entry);
    const skipped = result.skipped.map((s) => ({ first: s.inputLine, last: s.lastLine, reason: s.reason }));
    assert.deepEqual(skipped, [
      { first: 2, last: 4, reason: 'skipped 3 line(s) of binary data (349 characters, not UTF-8 text)' },
      {
        first: 5 + middle,
        last: undefined,
        reason: 'skipped 1 line(s) of binary data (120 characters, not UTF-8 text)',
      },
    ]);
  });

  test('a panic message with a few raw bytes is text: the crash keeps it, bad bytes shown as U+FFFD', async () => {
    // Go prints a string panic value as its raw bytes (checked with go1.26.8: panic("bad \xff\xfe byte") prints
    // bytes 0xff 0xfe), so a crash line may hold bytes that are not UTF-8.
    const text = STRING_PANIC.bytes.toString('latin1');
    const firstLine = text.slice(0, text.indexOf('\n'));
    assert.match(firstLine, /^panic: /);
    const damaged = Buffer.concat([
      Buffer.from(firstLine, 'latin1'),
      Buffer.from([0x20, 0xff, 0xfe]),
      Buffer.from(text.slice(firstLine.length), 'latin1'),
    ]);
    const result = await explainBytes(damaged);
    assertIsRecorded(result.crashes[0], STRING_PANIC.entry);
    assert.match(result.crashes[0]?.message ?? '', / \ufffd\ufffd$/);
    assert.deepEqual(result.skipped, []);
  });
});

describe('very long lines', () => {
  test('a 10 MB line keeps its head, reports the rest as skipped, and the crash after it is found', async () => {
    const long = Buffer.alloc(10 * 1024 * 1024, 'x');
    const result = await explainBytes(Buffer.concat([Buffer.from('log: '), long, lf, USER_PANIC.bytes]));
    assertIsRecorded(result.crashes[0], USER_PANIC.entry);
    assert.equal(result.skipped.length, 1);
    assert.equal(result.skipped[0]?.inputLine, 1);
    assert.match(result.skipped[0]?.reason ?? '', /^line longer than 65536 bytes: kept the first 65536 bytes/);
  });
});

describe('binary throughout', () => {
  test('random bytes: one skipped entry for the whole input saying why, no input read as text', async () => {
    // A fixed generator, so the bytes are the same on every run.
    let state = 12345;
    const bytes = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      bytes[i] = state >>> 24;
    }
    const result = await explainBytes(bytes);
    assert.deepEqual(result.crashes, []);
    assert.deepEqual(result.inputs, []);
    assert.equal(result.skipped.length, 1);
    assert.equal(result.skipped[0]?.inputLine, 0);
    assert.match(result.skipped[0]?.reason ?? '', /^looks binary: \d+ NUL byte\(s\) and \d+ character\(s\) of data/);
  });

  test('an endless stream of NULs (like /dev/zero) is given up after the bound, with one line saying why', async () => {
    function* zeros(): Generator<Uint8Array> {
      const chunk = new Uint8Array(64 * 1024);
      for (;;) yield chunk;
    }
    const ends: string[] = [];
    const report = await readInputs(
      ['-'],
      { line: () => assert.fail('no line of text'), end: (context: LineContext) => ends.push(context.source) },
      { stdin: Readable.from(zeros()), maxBinaryRun: 4 * 1024 * 1024 },
    );
    assert.deepEqual(report.inputs, []);
    assert.deepEqual(ends, []);
    assert.equal(report.skipped.length, 1);
    assert.match(
      report.skipped[0]?.reason ?? '',
      /^binary throughout: \d+ bytes read without a line of text \(NUL bytes or data that is not UTF-8\); stopped reading$/,
    );
  });
});

describe('endless random bytes', () => {
  test(
    'an endless stream of random bytes (like /dev/urandom) is given up too, though text fragments occur in ' + 'it',
    async () => {
      function* randomBytes(): Generator<Uint8Array> {
        let state = 99;
        for (;;) {
          const chunk = new Uint8Array(64 * 1024);
          for (let i = 0; i < chunk.length; i++) {
            state = (state * 1103515245 + 12345) >>> 0;
            chunk[i] = state >>> 24;
          }
          yield chunk;
        }
      }
      const report = await readInputs(
        ['-'],
        { line: () => undefined, end: () => undefined },
        { stdin: Readable.from(randomBytes()), maxBinaryRun: 2 * 1024 * 1024 },
      );
      assert.deepEqual(report.inputs, []);
      assert.equal(report.skipped.length, 1);
      assert.match(report.skipped[0]?.reason ?? '', /stopped reading/);
    },
  );
});

describe('interleaved pods', () => {
  const prefixes: [string, (source: string) => string, (source: string) => string][] = [
    ['kubectl logs --prefix', (pod) => `[pod/${pod}/app] `, (pod) => `pod/${pod}/app`],
    ['journald', (unit) => `May 01 12:00:00 node-1 ${unit}[4242]: `, (unit) => `node-1 ${unit}[4242]`],
    ['docker compose', (service) => `${service}-1  | `, (service) => `${service}-1`],
    ['grep -r', (name) => `logs/${name}.log:`, (name) => `logs/${name}.log`],
  ];
  for (const [label, prefix, stream] of prefixes) {
    test(`${label}: each crash gets the culprit of its own pod and names the pod`, async () => {
      const a = USER_PANIC.bytes.toString('utf8').split('\n');
      const b = NIL_DEREF.bytes.toString('utf8').split('\n');
      const lines: string[] = [];
      // Line by line, alternating: the worst interleaving.
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const lineA = a[i];
        const lineB = b[i];
        if (lineA !== undefined) lines.push(prefix('api') + lineA);
        if (lineB !== undefined) lines.push(prefix('worker') + lineB);
      }
      const result = await explainBytes(Buffer.from(lines.join('\n')));
      assert.equal(result.crashes.length, 2);
      const api = result.crashes.find((c) => c.source.stream === stream('api'));
      const worker = result.crashes.find((c) => c.source.stream === stream('worker'));
      assertIsRecorded(api, USER_PANIC.entry);
      assertIsRecorded(worker, NIL_DEREF.entry);
    });
  }
});

describe('identical crashes fold', () => {
  test('2,000 copies of a crash are one entry with the count, the first and the last position', async () => {
    const copy = Buffer.concat([MAP_WRITES.bytes, lf]);
    const lines = copy.toString('utf8').split('\n').length - 1;
    const result = await explainBytes(Buffer.concat(Array.from({ length: 2000 }, () => copy)));
    assert.equal(result.crashes.length, 1);
    const crash = result.crashes[0];
    assertIsRecorded(crash, MAP_WRITES.entry);
    assert.equal(crash?.occurrences, 2000);
    assert.equal(crash?.source.startLine, 1);
    assert.equal(crash?.lastSource?.startLine, 1999 * lines + 1);
  });

  test(
    'crashes that differ only in addresses, goroutine ids and numbers in the message fold; others do ' + 'not',
    async () => {
      const text = USER_PANIC.bytes.toString('utf8');
      const renumbered = text
        .replace('worker 3: bad input', 'worker 7: bad input')
        .replaceAll('goroutine 21 ', 'goroutine 35 ')
        .replace(/0xc[0-9a-f]+/g, '0xc000123456');
      assert.notEqual(renumbered, text);
      const otherMessage = text.replace('bad input', 'bad output');
      const result = await explainBytes(Buffer.from([text, renumbered, otherMessage].join('\n')));
      assert.deepEqual(
        result.crashes.map((c) => [c.message, c.occurrences]),
        [
          ['worker 3: bad input', 2],
          ['worker 3: bad output', 1],
        ],
      );
    },
  );
});

describe('JSON', () => {
  test('the streamed JSON is the same text as the whole report', async () => {
    const input = Buffer.concat([Buffer.alloc(100), USER_PANIC.bytes, lf, NIL_DEREF.bytes, lf, NIL_DEREF.bytes]);
    const result = await explainBytes(input);
    assert.equal(result.crashes.length, 2);
    assert.equal([...explainToJsonChunks(result)].join(''), explainToJson(result));
  });
});
