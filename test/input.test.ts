import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import fc from 'fast-check';

import { InputError } from '../src/errors.js';
import type { LineContext } from '../src/input/lines.js';
import { readInputs } from '../src/input/read.js';
import type { InputReport, ReadOptions } from '../src/input/read.js';
import { tempDir } from './helpers.js';

// Real stderr of a Go 1.26.8 program (nil map write in main, two goroutines waiting on a channel), run as
// `GOTRACEBACK=all ./crash`. The first line came from log.Printf("starting").
const CRASH_STDERR = `2026/11/22 00:10:54 starting
panic: assignment to entry in nil map

goroutine 1 [running]:
main.main()
\t/tmp/inp-go/crash/main.go:21 +0x115

goroutine 7 [chan receive]:
main.(*T).M(...)
\t/tmp/inp-go/crash/main.go:11
created by main.main in goroutine 1
\t/tmp/inp-go/crash/main.go:18 +0x8f

goroutine 8 [chan receive]:
main.(*T).M(...)
\t/tmp/inp-go/crash/main.go:11
created by main.main in goroutine 1
\t/tmp/inp-go/crash/main.go:18 +0x8f
`;
/** The lines a parser must see: the log.Printf prefix removed, nothing else changed. */
const EXPECTED = ['starting', ...CRASH_STDERR.split('\n').slice(1, -1)];

const scratch = tempDir('goroscope-input-');
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
function scratchPath(name: string): string {
  const dir = join(scratch, String(counter++));
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

function writeScratch(name: string, content: string | Uint8Array): string {
  const path = scratchPath(name);
  writeFileSync(path, content);
  return path;
}

interface Seen {
  source: string;
  text: string;
  lineNo: number;
}

interface Collected {
  lines: Seen[];
  ends: string[];
  report: InputReport;
}

async function collect(specs: string[], options?: ReadOptions): Promise<Collected> {
  const lines: Seen[] = [];
  const ends: string[] = [];
  const report = await readInputs(
    specs,
    {
      line(text: string, lineNo: number, context: LineContext): void {
        lines.push({ source: context.source, text, lineNo });
      },
      end(context: LineContext): void {
        ends.push(context.source);
      },
    },
    options,
  );
  return { lines, ends, report };
}

const textOf = (collected: Collected): string[] => collected.lines.map((line) => line.text);

describe('files', () => {
  test('a plain log: every line, numbered from 1, de-prefixed', async () => {
    const path = writeScratch('crash.log', CRASH_STDERR);
    const result = await collect([path]);
    assert.deepEqual(textOf(result), EXPECTED);
    assert.deepEqual(
      result.lines.map((line) => line.lineNo),
      EXPECTED.map((_, index) => index + 1),
    );
    assert.deepEqual(result.ends, [path]);
    assert.deepEqual(result.report, {
      inputs: [{ file: path, lines: EXPECTED.length, bytes: Buffer.byteLength(CRASH_STDERR), prefixes: ['go-log'] }],
      skipped: [],
    });
  });

  test('a Kubernetes CRI log file: prefixes removed, partial lines joined, styles reported', async () => {
    const cri = EXPECTED.slice(1)
      .map((line, i) => `2024-05-01T12:00:00.${String(i).padStart(9, '0')}Z stderr F ${line}`)
      .join('\n');
    const path = writeScratch(
      '0.log',
      `2024-05-01T12:00:00Z stderr P ${CRASH_STDERR.slice(0, 11)}\n2024-05-01T12:00:00Z stderr F ` +
        `${CRASH_STDERR.slice(11, 28)}\n${cri}\n`,
    );
    const result = await collect([path]);
    assert.deepEqual(textOf(result), EXPECTED);
    assert.deepEqual(result.report.inputs[0]?.prefixes, ['cri', 'go-log']);
    assert.equal(result.report.inputs[0]?.lines, EXPECTED.length + 1);
  });

  test('deprefix: false leaves the log package prefix', async () => {
    const result = await collect([writeScratch('crash.log', CRASH_STDERR)], { deprefix: false });
    assert.equal(result.lines[0]?.text, '2026/11/22 00:10:54 starting');
  });

  test('CRLF line ends, a byte order mark, and no newline at the end', async () => {
    const path = writeScratch('win.log', `\ufeff${CRASH_STDERR.replace(/\n/g, '\r\n').slice(0, -2)}`);
    assert.deepEqual(textOf(await collect([path])), EXPECTED);
  });

  test('multi-byte characters split across read chunks decode whole', async () => {
    const text = 'panic: héllo — 世界 🙂\n\tmain.go:1\nлиния без перевода';
    const path = writeScratch('utf8.log', text);
    for (const chunkBytes of [1, 2, 3, 5, 7, 64]) {
      assert.deepEqual(textOf(await collect([path], { chunkBytes })), text.split('\n'), `chunkBytes ${chunkBytes}`);
    }
  });

  test('an empty file is an input with no lines', async () => {
    const path = writeScratch('empty.log', '');
    const result = await collect([path]);
    assert.deepEqual(result.report.inputs, [{ file: path, lines: 0, bytes: 0, prefixes: [] }]);
    assert.deepEqual(result.ends, [path]);
  });

  test('a line longer than the cap keeps its head and is reported', async () => {
    const long = `panic: ${'x'.repeat(200 * 1024)}`;
    const path = writeScratch('long.log', `goroutine 1 [running]:\n${long}\nmain.main()\n`);
    const result = await collect([path], { chunkBytes: 4096 });
    assert.deepEqual(textOf(result), ['goroutine 1 [running]:', long.slice(0, 64 * 1024), 'main.main()']);
    assert.deepEqual(result.report.skipped, [
      {
        file: path,
        inputLine: 2,
        reason: `line longer than 65536 bytes: kept the first 65536 bytes, skipped ${long.length - 65536}`,
      },
    ]);
  });

  test('a long line inside one chunk is capped too', async () => {
    const path = writeScratch('long2.log', `${'y'.repeat(100)}\nshort\n`);
    const result = await collect([path], { maxLineBytes: 10 });
    assert.deepEqual(textOf(result), ['y'.repeat(10), 'short']);
    assert.equal(result.report.skipped[0]?.inputLine, 1);
  });

  test('the cap never cuts a character in half', async () => {
    const path = writeScratch('cut.log', `${'é'.repeat(20)}`);
    const result = await collect([path], { maxLineBytes: 9, chunkBytes: 4 });
    assert.deepEqual(textOf(result), ['éééé']);
  });

  test('a huge input without any newline is read in bounded memory', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source is what is under test
    async function* noNewlines(): AsyncGenerator<Buffer> {
      const block = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 64; i++) yield block;
    }
    const before = process.memoryUsage().heapUsed;
    const result = await collect(['-'], { stdin: noNewlines() });
    assert.deepEqual(
      result.lines.map((line) => line.text.length),
      [65536],
    );
    assert.deepEqual(
      result.report.skipped.map((s) => s.reason),
      [`line longer than 65536 bytes: kept the first 65536 bytes, skipped ${64 * 1024 * 1024 - 65536}`],
    );
    assert.ok(process.memoryUsage().heapUsed - before < 32 * 1024 * 1024);
  });
});

describe('gzip', () => {
  test('a .gz file is decompressed', async () => {
    const path = writeScratch('crash.log.gz', gzipSync(CRASH_STDERR));
    const result = await collect([path]);
    assert.deepEqual(textOf(result), EXPECTED);
    assert.equal(result.report.inputs[0]?.bytes, Buffer.byteLength(CRASH_STDERR));
  });

  test('gzip is recognised by its magic bytes, whatever the name', async () => {
    assert.deepEqual(
      textOf(await collect([writeScratch('rotated.log.1', gzipSync(CRASH_STDERR))], { chunkBytes: 16 })),
      EXPECTED,
    );
  });

  test('gzip on standard input', async () => {
    assert.deepEqual(textOf(await collect(['-'], { stdin: Readable.from([gzipSync(CRASH_STDERR)]) })), EXPECTED);
  });

  test('concatenated gzip members read as one text', async () => {
    const half = CRASH_STDERR.indexOf('goroutine 7');
    const joined = Buffer.concat([gzipSync(CRASH_STDERR.slice(0, half)), gzipSync(CRASH_STDERR.slice(half))]);
    assert.deepEqual(textOf(await collect([writeScratch('two.gz', joined)])), EXPECTED);
  });

  test('a truncated gzip keeps what was read and reports where it broke', async () => {
    const big = CRASH_STDERR.repeat(2000);
    const compressed = gzipSync(big);
    const path = writeScratch('truncated.log.gz', compressed.subarray(0, Math.floor(compressed.length / 2)));
    const result = await collect([path]);
    assert.ok(result.lines.length > 100, 'lines before the break are kept');
    assert.deepEqual(textOf(result).slice(0, EXPECTED.length), EXPECTED);
    assert.equal(result.report.skipped.length, 1);
    const skipped = result.report.skipped[0];
    assert.equal(skipped?.file, path);
    assert.equal(skipped?.inputLine, result.lines.length);
    assert.match(skipped?.reason ?? '', /^gzip data is corrupt after \d+ bytes of text \(unexpected end of file\)/);
    assert.deepEqual(result.ends, [path]);
  });

  test('corrupt bytes in the middle of a gzip stream are reported, not thrown', async () => {
    const compressed = Buffer.from(gzipSync(CRASH_STDERR.repeat(2000)));
    for (let i = Math.floor(compressed.length / 2); i < compressed.length / 2 + 64; i++) compressed[i] = 0xff;
    const path = writeScratch('corrupt.gz', compressed);
    const result = await collect([path]);
    // Deflate may emit some garbage before the checksum exposes the damage; the report must still say so.
    const last = result.report.skipped[result.report.skipped.length - 1];
    assert.match(last?.reason ?? '', /^gzip data is corrupt after \d+ bytes of text/);
    assert.deepEqual(textOf(result).slice(0, EXPECTED.length), EXPECTED);
    assert.deepEqual(
      result.report.inputs.map((input) => input.file),
      [path],
    );
  });
});

describe('directories', () => {
  test('hidden directories inside are passed over; one named explicitly is read', async () => {
    const dir = scratchPath('with-hidden');
    mkdirSync(join(dir, '.git', 'logs'), { recursive: true });
    writeFileSync(join(dir, '.git', 'logs', 'HEAD'), 'panic: from git\n');
    writeFileSync(join(dir, 'app.log'), 'panic: app\n');
    assert.deepEqual(textOf(await collect([dir])), ['panic: app']);
    assert.deepEqual(textOf(await collect([join(dir, '.git')])), ['panic: from git']);
  });

  test('every regular file, recursively, in sorted order; binary files are skipped and reported', async () => {
    const dir = scratchPath('logs');
    mkdirSync(join(dir, 'b-sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'c.log'), 'panic: c\n');
    writeFileSync(join(dir, 'a.log'), 'panic: a\n');
    writeFileSync(join(dir, 'b-sub', 'deeper', 'd.log.gz'), gzipSync('panic: d\n'));
    writeFileSync(join(dir, 'b-sub', 'b.log'), 'panic: b\n');
    writeFileSync(join(dir, 'core'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]));
    symlinkSync(dir, join(dir, 'b-sub', 'loop'));
    const result = await collect([dir]);
    assert.deepEqual(textOf(result), ['panic: a', 'panic: b', 'panic: d', 'panic: c']);
    assert.deepEqual(result.ends, [
      join(dir, 'a.log'),
      join(dir, 'b-sub', 'b.log'),
      join(dir, 'b-sub', 'deeper', 'd.log.gz'),
      join(dir, 'c.log'),
    ]);
    assert.deepEqual(result.report.skipped, [
      {
        file: join(dir, 'core'),
        inputLine: 0,
        reason:
          'looks binary: 2 NUL byte(s) and 7 character(s) of data that is not UTF-8 text in 9 bytes; not a text log',
      },
    ]);
  });

  test('a gzip of a binary file is skipped too', async () => {
    const dir = scratchPath('mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.tar.gz'), gzipSync(Buffer.from([1, 2, 0, 3])));
    writeFileSync(join(dir, 'b.log'), 'panic: b\n');
    const result = await collect([dir]);
    assert.deepEqual(textOf(result), ['panic: b']);
    assert.deepEqual(
      result.report.skipped.map((s) => s.file),
      [join(dir, 'a.tar.gz')],
    );
  });

  test('an empty directory is an InputError', async () => {
    const dir = scratchPath('empty');
    mkdirSync(dir);
    await assert.rejects(collect([dir]), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `${dir}: the directory has no files to read`);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      return true;
    });
  });

  test('a directory with only binary files is an InputError', async () => {
    const dir = scratchPath('binary');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.bin'), Buffer.from([0, 1, 2]));
    await assert.rejects(collect([dir]), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `${dir}: no file in the directory could be read as a text log`);
      return true;
    });
  });
});

describe('errors', () => {
  test('a missing path: one line naming it, and a hint', async () => {
    const path = join(scratch, 'does-not-exist.log');
    await assert.rejects(collect([path]), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `cannot read ${path}: no such file or directory`);
      assert.equal(error.hint, 'Check the path; use - to read standard input.');
      return true;
    });
  });

  test('a missing path fails before any line of an earlier input is pushed', async () => {
    const good = writeScratch('good.log', CRASH_STDERR);
    const lines: string[] = [];
    await assert.rejects(
      readInputs([good, join(scratch, 'nope')], { line: (text) => lines.push(text), end: () => undefined }),
      InputError,
    );
    assert.deepEqual(lines, []);
  });

  test('permission denied', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('root can read any file');
      return;
    }
    const path = writeScratch('secret.log', CRASH_STDERR);
    chmodSync(path, 0o000);
    await assert.rejects(collect([path]), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `cannot read ${path}: permission denied`);
      return true;
    });
  });

  test('a UTF-16 file (PowerShell redirection) is reported with what to do', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('panic: x\r\n', 'utf16le')]);
    const path = writeScratch('ps.log', utf16);
    const result = await collect([path]);
    assert.deepEqual(result.lines, []);
    assert.match(result.report.skipped[0]?.reason ?? '', /^UTF-16 text .*iconv -f UTF-16 -t UTF-8/);
  });

  test('binary bytes that look like a byte order mark in front of a UTF-8 log do not hide it', async () => {
    // Found by hostile-property.test.ts: garbage starting FE FF, then the log as UTF-8 text.
    const head = Buffer.from([0xfe, 0xff, 0x00, 0x00, 0x0a]);
    const path = writeScratch('mark.log', Buffer.concat([head, Buffer.from(CRASH_STDERR)]));
    const result = await collect([path]);
    assert.ok(result.lines.some((line) => line.text.startsWith('panic: ')));
  });
});

describe('other compression formats', () => {
  test('zstd, xz, bzip2 and zip are named with the command that unpacks them', async () => {
    const dir = scratchPath('compressed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00]));
    writeFileSync(join(dir, 'b.xz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]));
    writeFileSync(join(dir, 'c.bz2'), Buffer.from('BZh91AY&SY'));
    writeFileSync(join(dir, 'd.zip'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    writeFileSync(join(dir, 'e.log'), 'panic: e\n');
    const result = await collect([dir]);
    assert.deepEqual(textOf(result), ['panic: e']);
    assert.deepEqual(
      result.report.skipped.map((s) => s.reason),
      [
        'zstd-compressed; decompress it first, e.g. zstd -dc FILE | goroscope ... -',
        'xz-compressed; decompress it first, e.g. xz -dc FILE | goroscope ... -',
        'bzip2-compressed; decompress it first, e.g. bzip2 -dc FILE | goroscope ... -',
        'zip-compressed; decompress it first, e.g. unzip -p FILE | goroscope ... -',
      ],
    );
  });
});

describe('standard input', () => {
  test('- reads the given stream, in chunks that split lines and characters', async () => {
    const bytes = Buffer.from(CRASH_STDERR);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 5) chunks.push(bytes.subarray(i, i + 5));
    const result = await collect(['-'], { stdin: Readable.from(chunks) });
    assert.deepEqual(textOf(result), EXPECTED);
    assert.deepEqual(result.ends, ['-']);
    assert.deepEqual(result.report.inputs, [
      { file: '-', lines: EXPECTED.length, bytes: bytes.length, prefixes: ['go-log'] },
    ]);
  });

  test('a stream that fails midway keeps its lines and reports where it stopped', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source is what is under test
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(10000, 'panic: x\n');
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const result = await collect(['-'], { stdin: failing() });
    assert.equal(result.lines.length, Math.ceil(10000 / 9));
    assert.deepEqual(result.ends, ['-']);
    assert.deepEqual(result.report.skipped, [
      { file: '-', inputLine: Math.ceil(10000 / 9), reason: 'reading stopped after 10000 bytes: EIO: i/o error, read' },
    ]);
  });

  test('string chunks are accepted', async () => {
    assert.deepEqual(
      textOf(await collect(['-'], { stdin: Readable.from([CRASH_STDERR], { objectMode: true }) })),
      EXPECTED,
    );
  });

  test('files and stdin in one call, in order', async () => {
    const path = writeScratch('one.log', 'panic: one\n');
    const result = await collect([path, '-'], { stdin: Readable.from([Buffer.from('panic: two\n')]) });
    assert.deepEqual(result.lines, [
      { source: path, text: 'panic: one', lineNo: 1 },
      { source: '-', text: 'panic: two', lineNo: 1 },
    ]);
  });
});

describe('properties', () => {
  test('random bytes never throw and always terminate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 700 }),
        async (bytes, chunkBytes) => {
          const path = writeScratch('random.bin', bytes);
          const result = await collect([path], { chunkBytes, maxLineBytes: 256 });
          assert.equal(result.report.inputs.length + result.report.skipped.filter((s) => s.inputLine === 0).length, 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('how a text is chunked never changes its lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('goroutine 1 [running]:', '\tmain.go:1', '', 'é世🙂', 'x'.repeat(40)), {
          maxLength: 30,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 97 }),
        async (lines, newline, chunkBytes) => {
          const text = lines.join(newline);
          const stdin = Readable.from(
            [Buffer.from(text)].flatMap((b) => {
              const parts: Buffer[] = [];
              for (let i = 0; i < b.length; i += chunkBytes) parts.push(b.subarray(i, i + chunkBytes));
              return parts;
            }),
          );
          // A final newline ends the last line; it does not start another.
          const expected = text.split(newline);
          if (expected[expected.length - 1] === '') expected.pop();
          assert.deepEqual(textOf(await collect(['-'], { stdin, deprefix: false })), expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
