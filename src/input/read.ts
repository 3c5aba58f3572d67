// Reads files, directories, standard input and gzip data as a stream of lines pushed to a sink. Nothing is ever
// loaded whole: memory is one chunk plus one line capped at maxLineBytes, so a 2 GB log (or one without a single
// newline) is read in constant space.

import { open, readdir, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { InputError } from '../errors.js';
import { createDeprefixer, PREFIX_STYLES } from './deprefix.js';
import type { PrefixStyle } from './deprefix.js';
import type { LineContext, LineSink } from './lines.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type BinarySkip } from './split.js';

export interface ReadOptions {
  /** What `-` reads; defaults to process.stdin. */
  stdin?: AsyncIterable<Uint8Array | string>;
  /** Strip log prefixes (timestamps, CRI, Docker json-file, go test -json, ...). Default true. */
  deprefix?: boolean;
  /** Longer lines keep their head and the rest is reported as skipped. Default 64 KiB. */
  maxLineBytes?: number;
  /** Read size for files. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * An input that is not a regular file (standard input, a device, a pipe) is given up after this many bytes of
   * binary data without a line of text, so `/dev/zero` cannot hang goroscope. Regular files are read to the end,
   * however long their NUL runs. Default 64 MiB.
   */
  maxBinaryRun?: number;
  /** Parses regions of large files on other threads (explain's worker threads); see RegionOffload. */
  offload?: RegionOffload;
}

/** How many lines a region parsed on another thread held, and their characters, to count them as read. */
export interface RegionResult {
  lines: number;
  chars: number;
}

/**
 * Parses regions of a large regular file on other threads while this one reads on, and applies the results in
 * input order. A result stands in for pushing the region's lines only when the sink says it can (`apply`);
 * otherwise the region is read here as usual, so the outcome never depends on the offload. The first half of the
 * first block is always read here: a crash's first goroutines are kept whole, so a region there could not apply.
 */
export interface RegionOffload<R extends RegionResult = RegionResult> {
  /** Files smaller than this are read on this thread alone. */
  readonly minBytes: number;
  /** Bytes read at a time. */
  readonly blockBytes: number;
  /** Blocks read ahead of the one being applied: bounds memory to about (inFlight + 2) * blockBytes. */
  readonly inFlight: number;
  /**
   * Where a region worth handing off starts (at `from` or after) and ends in `block` (whole lines from its start);
   * undefined if none.
   */
  region(block: Buffer, from?: number): { start: number; end: number } | undefined;
  /** Parses a region elsewhere; undefined when it cannot be applied whatever the state (resolves, never rejects). */
  parse(region: Buffer): Promise<R | undefined>;
  /** Takes the result in place of the region's lines, the first of which is `firstLineNo`; false when it cannot. */
  apply(result: R, firstLineNo: number, context: LineContext): boolean;
}

export interface InputSummary {
  /** The path as named (joined with the directory for files found inside one), or "-" for standard input. */
  file: string;
  /** Lines in the input as stored, before prefix removal joined any partial lines. */
  lines: number;
  /** Bytes of text read (after gzip decompression). */
  bytes: number;
  /** Log prefixes that were found and removed, in a fixed order; absent when de-prefixing was off. */
  prefixes?: PrefixStyle[];
}

export interface SkippedInput {
  file: string;
  /** The line where the problem is; 0 when the whole input was skipped. */
  inputLine: number;
  /** The last line of a skipped region, when it spans more than one line. */
  lastLine?: number;
  reason: string;
}

export interface InputReport {
  inputs: InputSummary[];
  skipped: SkippedInput[];
}

const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Enough of the head of an input to recognise compressed formats and UTF-16 by their first bytes. */
const MAGIC_BYTES = 8;
const DEFAULT_MAX_BINARY_RUN = 64 * 1024 * 1024;
/** Skipped binary regions listed per input; the rest are summed up in one more entry. */
const MAX_BINARY_REGIONS = 20;

interface Settings {
  sink: LineSink;
  offload: RegionOffload | undefined;
  deprefix: boolean;
  maxLineBytes: number;
  chunkBytes: number;
  maxBinaryRun: number;
  report: InputReport;
}

/** One thing to read, after specs were resolved. `named` inputs fail loudly; files found in a directory are skipped. */
type Input = { kind: 'stdin' } | { kind: 'file'; path: string; named: boolean; regular: boolean; directory?: string };

/**
 * Reads every spec in order and pushes its lines to `sink`, calling `sink.end` after each input.
 * Throws InputError for a missing or unreadable path, or a directory with nothing readable in it.
 */
export async function readInputs(specs: string[], sink: LineSink, options: ReadOptions = {}): Promise<InputReport> {
  const report: InputReport = { inputs: [], skipped: [] };
  const settings: Settings = {
    sink,
    offload: options.offload,
    deprefix: options.deprefix ?? true,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    maxBinaryRun: options.maxBinaryRun ?? DEFAULT_MAX_BINARY_RUN,
    report,
  };
  // Resolve every spec before reading anything, so a typo in the last path fails before any output.
  const inputs: Input[] = [];
  const directories: string[] = [];
  for (const spec of specs) {
    if (spec === '-') {
      inputs.push({ kind: 'stdin' });
      continue;
    }
    const info = await stat(spec).catch((error: unknown) => {
      throw inputError(spec, error);
    });
    if (info.isDirectory()) {
      directories.push(spec);
      const files: string[] = [];
      await walk(spec, files, report, new Set([await realpath(spec)]), true);
      if (files.length === 0) {
        throw new InputError(`${spec}: the directory has no files to read`, {
          hint: 'Point goroscope at a log file, or at a directory that contains logs.',
        });
      }
      for (const path of files) inputs.push({ kind: 'file', path, named: false, regular: true, directory: spec });
    } else {
      inputs.push({ kind: 'file', path: spec, named: true, regular: info.isFile() });
    }
  }

  const readFromDirectory = new Set<string>();
  for (const input of inputs) {
    if (input.kind === 'stdin') {
      await readStream('-', options.stdin ?? process.stdin, settings);
    } else if (await readFile(input.path, input.named, input.regular, settings)) {
      if (input.directory !== undefined) readFromDirectory.add(input.directory);
    }
  }
  for (const directory of directories) {
    if (!readFromDirectory.has(directory)) {
      throw new InputError(`${directory}: no file in the directory could be read as a text log`, {
        hint: 'The files are binary or unreadable; point goroscope at the log files themselves.',
      });
    }
  }
  return report;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function describe(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function inputError(path: string, error: unknown): InputError {
  const code = errorCode(error);
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? 'Check the permissions, or copy the log somewhere readable.'
      : code === 'ENOENT'
        ? 'Check the path; use - to read standard input.'
        : 'Check that the path names a readable log file or directory.';
  return new InputError(`cannot read ${path}: ${describe(error)}`, { hint, cause: error });
}

/** Collects regular files under `dir`, sorted by name at every level so the order never depends on the disk. */
async function walk(dir: string, out: string[], report: InputReport, seen: Set<string>, top: boolean): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (top) throw inputError(dir, error);
    report.skipped.push({ file: dir, inputLine: 0, reason: `cannot list directory: ${describe(error)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        report.skipped.push({ file: path, inputLine: 0, reason: `broken symbolic link: ${describe(error)}` });
        continue;
      }
    }
    if (isDirectory) {
      // Hidden directories (.git, .cache, .venv) hold no logs a user means; naming one explicitly still reads it.
      if (entry.name.startsWith('.')) continue;
      // A symbolic link back up the tree would otherwise recurse forever.
      const real = await realpath(path).catch(() => path);
      if (seen.has(real)) continue;
      seen.add(real);
      await walk(path, out, report, seen, false);
    } else if (isFile) {
      out.push(path);
    }
  }
}

/** Other compressed formats, by magic bytes: named so the user knows what to run. */
const COMPRESSED: ReadonlyArray<{ magic: readonly number[]; name: string; tool: string }> = [
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd', tool: 'zstd -dc' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz', tool: 'xz -dc' },
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2', tool: 'bzip2 -dc' },
  { magic: [0x50, 0x4b, 0x03, 0x04], name: 'zip', tool: 'unzip -p' },
];

/** Why the head of an input shows it is not a UTF-8 text log at all, or undefined. */
function formatReason(head: Buffer): string | undefined {
  for (const format of COMPRESSED) {
    if (format.magic.every((byte, i) => head[i] === byte)) {
      return `${format.name}-compressed; decompress it first, e.g. ${format.tool} FILE | goroscope ... -`;
    }
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    if (looksUtf16(head, head[0] === 0xfe ? 0 : 1)) {
      return 'UTF-16 text (byte order mark); convert it first, e.g. iconv -f UTF-16 -t UTF-8';
    }
  }
  return undefined;
}

/**
 * After its byte order mark, UTF-16 log text is mostly ASCII: a zero high byte in nearly every code unit. Two
 * bytes that merely look like a mark (binary data in front of a log) are followed by 8-bit text instead.
 */
function looksUtf16(head: Buffer, high: 0 | 1): boolean {
  const end = Math.min(head.length, 66);
  let units = 0;
  let ascii = 0;
  for (let i = 2; i + 1 < end; i += 2) {
    units++;
    if (head[i + high] === 0) ascii++;
  }
  return units < 2 || ascii * 4 >= units * 3;
}

/** Consecutive skipped binary data: NUL runs and binary lines with no text line between them. */
interface BinaryRegion {
  firstLine: number;
  lastLine: number;
  nulBytes: number;
  binaryLines: number;
  binaryChars: number;
}

function regionReason(region: BinaryRegion): string {
  const parts: string[] = [];
  if (region.nulBytes > 0) parts.push(`${region.nulBytes} NUL byte(s)`);
  if (region.binaryLines > 0) {
    parts.push(`${region.binaryLines} line(s) of binary data (${region.binaryChars} characters, not UTF-8 text)`);
  }
  return `skipped ${parts.join(' and ')}`;
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** One input being read: splitting, de-prefixing, skipping binary regions, and the report entry. */
class Reading {
  readonly context: LineContext;
  readonly splitter: LineSplitter;
  private readonly target: LineSink;
  private readonly deprefixer: ReturnType<typeof createDeprefixer> | undefined;
  /** Bytes held back until there are enough to recognise a compressed or UTF-16 input. */
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided = false;
  /** Why the input as a whole was skipped; set when it is not a text log at all or is binary throughout. */
  binary: string | undefined;
  private region: BinaryRegion | undefined;
  private readonly regions: BinaryRegion[] = [];
  private moreRegions = 0;
  private skippedNul = 0;
  private skippedChars = 0;
  /** Lines passed on to the sink, and their characters. */
  private delivered = 0;
  private deliveredChars = 0;

  constructor(
    readonly name: string,
    private readonly settings: Settings,
    /** Give up after settings.maxBinaryRun bytes of binary: the input may never end (a device, a pipe). */
    private readonly endless: boolean,
  ) {
    this.context = { source: name };
    this.deprefixer = settings.deprefix
      ? createDeprefixer(settings.sink, {
          maxLineLength: settings.maxLineBytes,
          onLongLine: (lineNo, dropped) =>
            settings.report.skipped.push({
              file: name,
              inputLine: lineNo,
              reason:
                `joined line longer than ${settings.maxLineBytes} characters: kept the head, skipped ` +
                `${dropped} characters`,
            }),
        })
      : undefined;
    this.target = this.deprefixer ?? settings.sink;
    const target = this.target;
    const context = this.context;
    this.splitter = new LineSplitter(
      (text, lineNo) => {
        this.delivered++;
        this.deliveredChars += text.length;
        target.line(text, lineNo, context);
      },
      (long) =>
        settings.report.skipped.push({
          file: name,
          inputLine: long.lineNo,
          reason:
            `line longer than ${settings.maxLineBytes} bytes: kept the first ${long.keptBytes} bytes, skipped ` +
            `${long.droppedBytes}`,
        }),
      settings.maxLineBytes,
      (skip) => this.onBinary(skip),
    );
  }

  /** Feeds bytes (the caller may reuse the buffer). Returns false once reading should stop. */
  push(chunk: Buffer): boolean {
    if (this.decided) {
      this.splitter.push(chunk);
      return this.keepReading();
    }
    this.head.push(Buffer.from(chunk));
    this.headBytes += chunk.length;
    if (this.headBytes >= MAGIC_BYTES) return this.decide();
    return true;
  }

  private decide(): boolean {
    this.decided = true;
    const head = Buffer.concat(this.head);
    this.head = [];
    this.binary = formatReason(head);
    if (this.binary !== undefined) return false;
    this.splitter.push(head);
    return this.keepReading();
  }

  private keepReading(): boolean {
    if (!this.endless) return true;
    const max = this.settings.maxBinaryRun;
    if (this.splitter.binaryRunSize > max) {
      this.binary =
        `binary throughout: ${this.splitter.byteCount} bytes read without a line of text (NUL bytes or ` +
        `data that is not UTF-8); stopped reading`;
      return false;
    }
    // Random bytes hold a short run of text now and then, which ends a run: past the bound, give up as well when
    // text is under 1% of what was skipped (`cat /dev/urandom`, or a log followed by endless binary).
    const skipped = this.skippedNul + this.skippedChars;
    if (skipped > max && this.deliveredChars * 100 < skipped) {
      this.binary =
        `binary data without end: ${skipped} bytes of NUL bytes or data that is not UTF-8 against ` +
        `${this.deliveredChars} characters of text; stopped reading after ${this.splitter.byteCount} bytes`;
      return false;
    }
    return true;
  }

  private onBinary(skip: BinarySkip): void {
    if (skip.kind === 'nul') this.skippedNul += skip.size;
    else this.skippedChars += skip.size;
    let region = this.region;
    if (region === undefined || skip.lineNo > region.lastLine + 1) {
      if (region !== undefined) this.closeRegion(region);
      region = { firstLine: skip.lineNo, lastLine: skip.lineNo, nulBytes: 0, binaryLines: 0, binaryChars: 0 };
      this.region = region;
    }
    region.lastLine = skip.lineNo;
    if (skip.kind === 'nul') {
      region.nulBytes += skip.size;
    } else {
      region.binaryLines++;
      region.binaryChars += skip.size;
    }
  }

  private closeRegion(region: BinaryRegion): void {
    if (this.regions.length < MAX_BINARY_REGIONS) this.regions.push(region);
    else this.moreRegions++;
  }

  /**
   * Counts a region of `bytes` bytes as read when the offload can apply its result here (the de-prefixer joins no
   * partial line, and the last byte pushed ended a line); false, with nothing changed, when the region must be
   * pushed instead.
   */
  takeRegion(result: RegionResult, bytes: number, offload: RegionOffload): boolean {
    if (!this.decided || this.binary !== undefined || !this.splitter.betweenLines()) return false;
    if (this.deprefixer !== undefined && !this.deprefixer.atRest()) return false;
    if (!offload.apply(result, this.splitter.lineCount + 1, this.context)) return false;
    this.splitter.countElsewhere(result.lines, bytes);
    this.delivered += result.lines;
    this.deliveredChars += result.chars;
    return true;
  }

  /** Ends the input: records it in the report (or as skipped when binary) and tells the sink. */
  finish(): void {
    if (!this.decided) this.decide();
    const report = this.settings.report;
    if (this.binary !== undefined && this.splitter.byteCount === 0) {
      // Recognised by its first bytes (compressed, UTF-16): nothing was read as lines.
      report.skipped.push({ file: this.name, inputLine: 0, reason: this.binary });
      return;
    }
    this.splitter.finish();
    if (this.region !== undefined) this.closeRegion(this.region);
    this.region = undefined;
    const bytes = this.splitter.byteCount;
    // Binary throughout (random bytes, a core file, /dev/zero): one entry for the input instead of one per region.
    // NUL runs alone do not make a log binary: copytruncate leaves a log that is NULs up to where text resumes.
    const skipped = this.skippedNul + this.skippedChars;
    if (
      this.binary === undefined &&
      skipped > 0 &&
      (this.deliveredChars === 0 || this.skippedChars > this.deliveredChars)
    ) {
      this.binary =
        `looks binary: ${this.skippedNul} NUL byte(s) and ${this.skippedChars} character(s) of data ` +
        `that is not UTF-8 text in ${bytes} bytes; not a text log`;
    }
    if (this.binary !== undefined) {
      report.skipped.push({ file: this.name, inputLine: 0, reason: this.binary });
    } else {
      for (const region of this.regions) {
        const entry: SkippedInput = { file: this.name, inputLine: region.firstLine, reason: regionReason(region) };
        if (region.lastLine > region.firstLine) entry.lastLine = region.lastLine;
        report.skipped.push(entry);
      }
      if (this.moreRegions > 0) {
        report.skipped.push({
          file: this.name,
          inputLine: this.regions[this.regions.length - 1]?.lastLine ?? 0,
          reason:
            `${this.moreRegions} more region(s) of binary data skipped after this line (${this.skippedNul} ` +
            `NUL byte(s) and ${this.skippedChars} binary character(s) in the whole input)`,
        });
      }
      const summary: InputSummary = { file: this.name, lines: this.splitter.lineCount, bytes };
      const found = this.deprefixer?.styles;
      if (found !== undefined) summary.prefixes = PREFIX_STYLES.filter((style) => found.has(style));
      report.inputs.push(summary);
    }
    // A mostly binary input may still have delivered lines: the parsers finish them (a crash in it is still found).
    if (this.binary === undefined || this.delivered > 0) this.target.end(this.context);
  }
}

/** Reads a file; returns whether it was read as text. */
async function readFile(path: string, named: boolean, regular: boolean, settings: Settings): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (named) throw inputError(path, error);
    settings.report.skipped.push({ file: path, inputLine: 0, reason: `cannot open: ${describe(error)}` });
    return false;
  }
  try {
    const offload = settings.offload;
    if (offload !== undefined && regular && (await handle.stat()).size >= offload.minBytes) {
      return await readOffloaded(path, handle, settings, offload);
    }
    const mode = { reuse: true };
    return await readChunks(path, fileChunks(handle, settings.chunkBytes, mode), mode, settings, !regular);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (named) throw inputError(path, error);
    settings.report.skipped.push({ file: path, inputLine: 0, reason: `cannot read: ${describe(error)}` });
    return false;
  } finally {
    await handle.close();
  }
}

/** A block read ahead: its head is pushed here, its region is parsed elsewhere (or pushed when it cannot apply). */
interface Block {
  head: Buffer;
  region: Buffer | undefined;
  parsed: Promise<RegionResult | undefined> | undefined;
}

/**
 * Reads a large regular file in blocks, handing the goroutine regions of every block (of the first, its second
 * half) to `offload` and applying their results in order. A gzip file is read as usual.
 */
async function readOffloaded(path: string, handle: FileHandle, settings: Settings, offload: RegionOffload) {
  const blockBytes = offload.blockBytes;
  /** The next block, after `carry` (the end of the block before, copied in front: cheaper than concatenating). */
  const readBlock = async (carry?: Buffer): Promise<Buffer> => {
    const kept = carry?.length ?? 0;
    // Shared memory: the offload's threads read the region where it is, with no copy, and it stays here too.
    const buffer = Buffer.from(new SharedArrayBuffer(kept + blockBytes));
    if (carry !== undefined) carry.copy(buffer, 0);
    const { bytesRead } = await handle.read(buffer, kept, blockBytes, null);
    return buffer.subarray(0, bytesRead === 0 ? 0 : kept + bytesRead);
  };
  const first = await readBlock();
  if (first.length < MAGIC_BYTES || isGzip(first)) {
    const mode = { reuse: false };
    async function* rest(): AsyncGenerator<Buffer> {
      yield first;
      for (;;) {
        const block = await readBlock();
        if (block.length === 0) return;
        yield block;
      }
    }
    return readChunks(path, rest(), mode, settings, false);
  }
  const reading = new Reading(path, settings, false);
  const queue: Block[] = [];
  let stopped = false;
  const applyNext = async (): Promise<void> => {
    const block = queue.shift();
    if (block === undefined || stopped) return;
    if (block.head.length > 0 && !reading.push(block.head)) stopped = true;
    if (block.region === undefined || stopped) return;
    const result = block.parsed === undefined ? undefined : await block.parsed;
    if (result !== undefined && reading.takeRegion(result, block.region.length, offload)) return;
    if (!reading.push(block.region)) stopped = true;
  };
  let carry: Buffer | undefined;
  let firstBlock: Buffer | undefined = first;
  for (;;) {
    let block: Buffer;
    try {
      block = firstBlock ?? (await readBlock(carry));
    } catch (error) {
      while (queue.length > 0) await applyNext();
      if (carry !== undefined && !stopped) reading.push(carry);
      reading.finish();
      settings.report.skipped.push({
        file: path,
        inputLine: Math.max(reading.splitter.lineCount, 1),
        reason: `reading stopped after ${reading.splitter.byteCount} bytes: ${describe(error)}`,
      });
      return reading.binary === undefined;
    }
    if (block.length === 0) break;
    carry = undefined;
    const where = offload.region(block, firstBlock === undefined ? 0 : block.length >>> 1);
    firstBlock = undefined;
    if (where === undefined) {
      queue.push({ head: block, region: undefined, parsed: undefined });
    } else {
      const region = block.subarray(where.start, where.end);
      queue.push({ head: block.subarray(0, where.start), region, parsed: offload.parse(region) });
      if (where.end < block.length) carry = block.subarray(where.end);
    }
    while (queue.length > offload.inFlight) await applyNext();
    if (stopped) break;
  }
  while (queue.length > 0) await applyNext();
  if (carry !== undefined && !stopped) reading.push(carry);
  reading.finish();
  return reading.binary === undefined;
}

async function readStream(name: string, stream: AsyncIterable<Uint8Array | string>, settings: Settings): Promise<void> {
  try {
    await readChunks(name, streamChunks(stream), { reuse: false }, settings, true);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read standard input: ${describe(error)}`, {
      hint: 'Pipe a log into goroscope, or name the log file instead of -.',
      cause: error,
    });
  }
}

async function* fileChunks(handle: FileHandle, chunkBytes: number, mode: { reuse: boolean }): AsyncGenerator<Buffer> {
  let buffer = Buffer.allocUnsafe(chunkBytes);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
    // Plain text is split before the next read, so one buffer serves the whole file; gzip input is queued in
    // the decompressor, so it needs a fresh buffer per read.
    if (!mode.reuse) buffer = Buffer.allocUnsafe(chunkBytes);
  }
}

async function* streamChunks(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    yield typeof chunk === 'string'
      ? Buffer.from(chunk, 'utf8')
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/** Marks an error of the underlying read, so it is not mistaken for corrupt gzip data. */
class SourceFailure extends Error {}

async function readChunks(
  name: string,
  chunks: AsyncGenerator<Buffer>,
  mode: { reuse: boolean },
  settings: Settings,
  endless: boolean,
): Promise<boolean> {
  const first = await chunks.next();
  if (first.done === true) {
    const reading = new Reading(name, settings, endless);
    reading.finish();
    return true;
  }
  // A stream may deliver the two magic bytes separately; copy, since a file's buffer is reused by the next read.
  let head = first.value.length < 2 ? Buffer.from(first.value) : first.value;
  while (head.length < 2) {
    const more = await chunks.next();
    if (more.done === true) break;
    head = Buffer.concat([head, more.value]);
  }
  // Decompressed data has no size known in advance (a gzip bomb of zeros): bounded like a stream.
  const reading = new Reading(name, settings, endless || isGzip(head));
  if (isGzip(head)) {
    mode.reuse = false;
    await gunzipInto(reading, prepend(Buffer.from(head), chunks), settings);
    return reading.binary === undefined;
  }
  if (!reading.push(head)) {
    await chunks.return(undefined);
    reading.finish();
    return false;
  }
  for (;;) {
    let next;
    try {
      next = await chunks.next();
    } catch (error) {
      // Lines were already delivered: keep them, end the input properly and say where reading stopped.
      reading.finish();
      settings.report.skipped.push({
        file: name,
        inputLine: Math.max(reading.splitter.lineCount, 1),
        reason: `reading stopped after ${reading.splitter.byteCount} bytes: ${describe(error)}`,
      });
      return reading.binary === undefined;
    }
    if (next.done === true) break;
    if (!reading.push(next.value)) {
      await chunks.return(undefined);
      break;
    }
  }
  reading.finish();
  return reading.binary === undefined;
}

/** Decompresses into `reading`. Corrupt or truncated data keeps what was read and is reported, not thrown. */
async function gunzipInto(reading: Reading, compressed: AsyncGenerator<Buffer>, settings: Settings): Promise<void> {
  async function* guarded(): AsyncGenerator<Buffer> {
    try {
      yield* compressed;
    } catch (error) {
      throw new SourceFailure(describe(error), { cause: error });
    }
  }
  const source = Readable.from(guarded(), { objectMode: false });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      const data: unknown = chunk;
      if (Buffer.isBuffer(data) && !reading.push(data)) break;
    }
  } catch (error) {
    if (error instanceof SourceFailure) throw error.cause;
    const why = error instanceof Error ? error.message : String(error);
    reading.finish();
    const lines = reading.splitter.lineCount;
    settings.report.skipped.push({
      file: reading.name,
      inputLine: Math.max(lines, 1),
      reason:
        `gzip data is corrupt after ${reading.splitter.byteCount} bytes of text (${why}); kept ${lines} ` +
        `lines, the last may be cut short`,
    });
    return;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  reading.finish();
}
