// Parsing the goroutines of a large dump on worker threads. The reader (src/input/read.ts) cuts each block of a big
// file at goroutine headers and hands the stretch between the first and the last header to a worker, which parses
// it with the same de-prefixer, paste repair, traceback parser and grouper as the main thread and returns its
// goroutine ids and groups. The main thread merges those into the traceback in progress in O(groups), in input
// order, so the result is the one a single thread gets.
//
// A region is only taken when it is plain goroutine blocks that no other parser of the explain pipeline would look
// at: every line a goroutine header, a function line, a tab-indented file line, `created by`, an elided-frames
// marker or blank; nothing the de-prefixer or the paste repair would change; one traceback with no note about
// any line. Anything else (a log line between goroutines, a prefix, a race report, a repeated goroutine id) and the
// region is read on the main thread as usual. Within a region, a goroutine whose stack text repeats one already
// parsed is matched by a stricter grammar of its own (parseRepeatedGoroutines) and only counted; anything outside that
// grammar sends the region through the line-by-line parser above.

import { isAscii, isUtf8 } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { Grouper, type GroupDetail, type GroupLevel } from './analyse/goroutine-groups.js';
import { createDeprefixer } from './input/deprefix.js';
import type { LineContext, LineSink } from './input/lines.js';
import type { RegionOffload, RegionResult } from './input/read.js';
import type { Goroutine, GoroutineGroup, Traceback } from './model.js';
import { createPasteRepair } from './parse/pasted.js';
import { IdSet } from './parse/id-set.js';
import { TracebackParser } from './parse/traceback.js';

/** How goroutines are grouped, as the main thread's Explainer does it. */
export interface RegionOptions {
  grouping: GroupLevel;
  groupByLabel?: string;
  labelFilter?: Record<string, string>;
}

/** What a worker made of a region: the goroutine ids in order, and the groups with each one's first goroutine. */
export interface ParsedRegion extends RegionResult {
  ids: number[];
  /** The last non-blank line, counted from 1 at the region's first line. */
  lastLine: number;
  groups: { first: Goroutine; group: GoroutineGroup }[];
}

/** Whether a goroutine carries every label of the filter. */
export function hasLabels(g: Goroutine, filter: Record<string, string>): boolean {
  for (const key of Object.keys(filter)) if (g.labels?.[key] !== filter[key]) return false;
  return true;
}

/** Lines longer than this are never goroutine lines worth handing off. */
const MAX_REGION_LINE = 4096;

const RACE_IN_TEST = ': race detected during execution of test';

/**
 * Whether a line may be part of a goroutine block and is nothing any other parser of the explain pipeline (races,
 * goleak, go-deadlock, stress, test markers) reacts to. Cheap: that every line really was part of a goroutine is
 * checked after parsing, by counting the lines the goroutines account for.
 */
function mayBeGoroutineLine(line: string): boolean {
  const n = line.length;
  if (n === 0) return true;
  if (n > MAX_REGION_LINE) return false;
  const first = line.charCodeAt(0);
  const last = line.charCodeAt(n - 1);
  if (last === 32 || last === 9 || line.indexOf('\t', 1) !== -1) return false;
  // A tab starts file lines; letters, `_` and `.` start headers, function lines, `created by` and elided frames.
  // Digits, `=`, `-`, `[`, `{` and spaces start test output, stress status lines, JSON and log lines.
  if (!(first === 9 || (first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95 || first === 46))
    return false;
  // What the race and tool-report parsers look for at the end of a line (a label value in a header, a package path
  // or a file name may hold anything): `...: race detected during execution of test`, a headline ending in `:`, a
  // stress output file ending in a digit.
  if (last === 116 /* t */) return !line.endsWith(RACE_IN_TEST);
  if (last === 58 /* : */)
    return !(line.includes('found unexpected goroutines') || line.includes('POTENTIAL DEADLOCK'));
  if (last >= 48 && last <= 57 && first !== 9) return !line.includes('go-stress-');
  return true;
}

/** The lines a goroutine's text takes: header, function and file line per frame, elided marker, `created by`. */
function linesOf(g: Goroutine): number {
  return 1 + 2 * g.frames.length + (g.elidedFrames === 0 ? 0 : 1) + (g.createdBy === undefined ? 0 : 2);
}

/** Parses a region of whole lines (UTF-8 bytes ending in `\n`); undefined when it is not plain goroutine blocks. */
export function parseRegion(bytes: Uint8Array, options: RegionOptions): ParsedRegion | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buffer.length;
  if (n === 0 || buffer[n - 1] !== 10) return undefined;
  // ASCII (the usual dump) decodes as latin1 to the same string, several times faster than as UTF-8; a character's
  // index is then its byte's, and parts are compared four bytes at a time.
  const ascii = isAscii(buffer);
  if (buffer.indexOf(0) !== -1 || buffer.indexOf(13) !== -1 || (!ascii && !isUtf8(buffer))) return undefined;
  const text = buffer.toString(ascii ? 'latin1' : 'utf8', 0, n);
  if (!text.startsWith('goroutine ')) return undefined;
  const bytesOfText = ascii ? new DataView(buffer.buffer, buffer.byteOffset, n) : undefined;
  return parseRepeatedGoroutines(text, options, bytesOfText) ?? parseGoroutineLines(text, options);
}

/** Whether text[from, to) is one or more lowercase hex digits. */
function isHexRun(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * A goroutine text already parsed: where, in the region's text, the parts of its lines are that its parsed goroutine
 * and group depend on.
 */
interface Signature {
  starts: Int32Array;
  lengths: Int32Array;
  /** Its group; null when the label filter leaves its goroutines out. */
  group: GroupDetail | null;
}

/**
 * Whether the parts at `starts`/`cuts` of the text hold the same characters as the signature's parts. Compared from
 * each part's end, where function names differ: four bytes at a time when the text is ASCII and its bytes are at
 * hand, else with charCodeAt (both faster here than startsWith or a slice).
 */
function sameParts(
  text: string,
  bytes: DataView | undefined,
  signature: Signature,
  starts: Int32Array,
  cuts: Int32Array,
): boolean {
  const { starts: expectedStarts, lengths } = signature;
  for (let k = 0; k < lengths.length; k++) {
    const length = lengths[k] as number;
    const at = starts[k] as number;
    if ((cuts[k] as number) - at !== length) return false;
    const other = expectedStarts[k] as number;
    let j = length;
    if (bytes !== undefined) {
      for (; j >= 4; j -= 4) if (bytes.getUint32(at + j - 4) !== bytes.getUint32(other + j - 4)) return false;
    }
    for (j--; j >= 0; j--) if (text.charCodeAt(at + j) !== text.charCodeAt(other + j)) return false;
  }
  return true;
}

/** Mixes a number into a 32-bit FNV-1a style hash. */
function mix(h: number, n: number): number {
  return Math.imul(h ^ n, 16777619);
}

/**
 * The fast way through a region, for the usual dump where most goroutines repeat a stack: each goroutine's text is
 * cut into what the parsed goroutine and its group depend on (the header after the id, each function line up to
 * its arguments, each file line up to its pc offset, `created by` and elision lines whole) and what they do not
 * (the id, the arguments, the offset). The first goroutine of each such signature is parsed by the traceback
 * parser and grouped as usual; the others, found by a hash of a few characters of each part and confirmed by
 * comparing every part in place, only count in its group, as Grouper.add would count them. Any line outside that
 * strict grammar (a second blank line, a prefix, a line of something else) gives undefined, and the region takes
 * the line-by-line way.
 */
export function parseRepeatedGoroutines(
  text: string,
  options: RegionOptions,
  bytes?: DataView,
): ParsedRegion | undefined {
  // At 'exact' the arguments group too: the line-by-line way does it.
  if (options.grouping === 'exact') return undefined;
  const grouper = new Grouper(options.grouping, undefined, options.groupByLabel);
  const firstOf = new Map<GroupDetail, Goroutine>();
  const byHash = new Map<number, Signature[]>();
  let signatures = 0;
  const ids: number[] = [];
  const seen = new IdSet();
  const tracebacks: Traceback[] = [];
  /** The goroutine the parser finished last. */
  const finished: { goroutine: Goroutine | null } = { goroutine: null };
  const parser = new TracebackParser(
    {
      goroutine(g) {
        finished.goroutine = g;
      },
      traceback(tb) {
        tracebacks.push(tb);
      },
    },
    { retainGoroutines: 1 },
  );
  const context: LineContext = { source: '' };
  // Where each part of the goroutine being read starts and ends (part 0 is the header after the id).
  let starts = new Int32Array(64);
  let cuts = new Int32Array(64);
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  let lastLine = 0;
  while (pos < n) {
    const headerLine = lineNo + 1;
    const blockStart = pos;
    let end = text.indexOf('\n', pos);
    if (end - pos > MAX_REGION_LINE || !text.startsWith('goroutine ', pos)) return undefined;
    let i = pos + 10;
    let id = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      id = id * 10 + c - 48;
      i++;
    }
    // Id 0 (an idle M) may repeat within one dump and any other repeat starts another dump: both are left to the
    // line-by-line parser, which knows the difference.
    if (i === pos + 10 || i - pos - 10 > 15 || text.charCodeAt(i) !== 32 || id === 0 || seen.has(id)) return undefined;
    seen.add(id);
    starts[0] = i;
    cuts[0] = end;
    let h = mix(mix(2166136261, end - i), text.charCodeAt(i + 2));
    h = mix(mix(h, text.charCodeAt(end - 3)), text.charCodeAt(end - 5));
    let parts = 1;
    lineNo++;
    pos = end + 1;
    let fileLineNext = false;
    for (;;) {
      end = text.indexOf('\n', pos);
      if (end === -1) return undefined;
      lineNo++;
      if (end === pos) {
        pos++;
        break;
      }
      if (end - pos > MAX_REGION_LINE) return undefined;
      const first = text.charCodeAt(pos);
      let cut = end;
      if (fileLineNext) {
        // `\t/path/file.go:12 +0x1d`: the offset differs between goroutines of one stack (inlined calls, ...).
        if (first !== 9) return undefined;
        const offset = text.lastIndexOf(' +0x', end);
        if (offset > pos) {
          if (!isHexRun(text, offset + 4, end)) return undefined;
          cut = offset;
        }
        fileLineNext = false;
      } else if (first === 9 || first === 32) {
        return undefined;
      } else if (first === 99 /* c */ && text.startsWith('created by ', pos)) {
        fileLineNext = true;
      } else if (first !== 46 /* . (an elision line) */) {
        // `pkg.(*T).M(0x1, {0x2, 0x3})`: arguments hold no parenthesis, so the last `(` opens them.
        if (text.charCodeAt(end - 1) !== 41 /* ) */) return undefined;
        const open = text.lastIndexOf('(', end - 1);
        if (open <= pos) return undefined;
        const tab = text.indexOf('\t', open);
        if (tab !== -1 && tab < end) return undefined;
        cut = open + 1;
        fileLineNext = true;
      }
      if (parts === starts.length) {
        const grownStarts = new Int32Array(parts * 2);
        grownStarts.set(starts);
        starts = grownStarts;
        const grownCuts = new Int32Array(parts * 2);
        grownCuts.set(cuts);
        cuts = grownCuts;
      }
      starts[parts] = pos;
      cuts[parts] = cut;
      parts++;
      // Function names share long prefixes and differ near the end: a few characters there are enough for a hash
      // whose every hit is confirmed below.
      // (Never before the part itself: the line above holds an offset that differs between repeats.)
      h = mix(mix(h, cut - pos), text.charCodeAt(Math.max(pos, cut - 2)));
      h = mix(mix(h, text.charCodeAt(Math.max(pos, cut - 4))), text.charCodeAt(Math.max(pos, cut - 7)));
      pos = end + 1;
    }
    if (fileLineNext) return undefined;
    lastLine = lineNo - 1;
    ids.push(id);
    // Goroutines that seldom repeat (labels with a request id in every header) gain nothing here.
    if (ids.length === 2048 && signatures > 1024) return undefined;
    let bucket = byHash.get(h);
    let known: Signature | undefined;
    if (bucket !== undefined) {
      for (const candidate of bucket) {
        if (candidate.starts.length === parts && sameParts(text, bytes, candidate, starts, cuts)) {
          known = candidate;
          break;
        }
      }
    }
    if (known !== undefined) {
      if (known.group !== null) grouper.addSame(known.group, id);
      continue;
    }
    // The first goroutine of this signature: parsed line by line, as parseGoroutineLines would.
    finished.goroutine = null;
    let lineAt = headerLine;
    let nonBlank = 0;
    for (let from = blockStart; from < pos; lineAt++) {
      const to = text.indexOf('\n', from);
      const line = text.slice(from, to);
      if (!mayBeGoroutineLine(line)) return undefined;
      if (line.length > 0) nonBlank++;
      parser.line(line, lineAt, context);
      from = to + 1;
    }
    const g = finished.goroutine;
    if (g === null || linesOf(g) !== nonBlank) return undefined;
    let group: GroupDetail | null = null;
    if (options.labelFilter === undefined || hasLabels(g, options.labelFilter)) {
      group = grouper.add(g);
      if (!firstOf.has(group)) firstOf.set(group, g);
    }
    const signature: Signature = { starts: starts.slice(0, parts), lengths: new Int32Array(parts), group };
    for (let k = 0; k < parts; k++) signature.lengths[k] = (cuts[k] as number) - (starts[k] as number);
    if (bucket === undefined) {
      bucket = [];
      byHash.set(h, bucket);
    }
    bucket.push(signature);
    signatures++;
  }
  parser.end(context);
  if (tracebacks.length !== 1) return undefined;
  const tb = tracebacks[0] as Traceback;
  if (tb.goroutineCount !== signatures || !onlyGoroutines(tb)) return undefined;
  const groups: ParsedRegion['groups'] = [];
  for (const [group, first] of firstOf) groups.push({ first, group: plainGroup(group) });
  return { lines: lineNo, chars: n - lineNo, ids, lastLine, groups };
}

/** The general way through a region: every line through the de-prefixer, the paste repair and the parser. */
export function parseGoroutineLines(text: string, options: RegionOptions): ParsedRegion | undefined {
  const grouper = new Grouper(options.grouping, undefined, options.groupByLabel);
  const firstOf = new Map<GroupDetail, Goroutine>();
  const ids: number[] = [];
  const tracebacks: Traceback[] = [];
  const filter = options.labelFilter;
  let goroutineLines = 0;
  const parser = new TracebackParser(
    {
      goroutine(g) {
        ids.push(g.id);
        goroutineLines += linesOf(g);
        if (filter !== undefined && !hasLabels(g, filter)) return;
        const group = grouper.add(g);
        if (!firstOf.has(group)) firstOf.set(group, g);
      },
      traceback(tb) {
        tracebacks.push(tb);
      },
    },
    { retainGoroutines: 1 },
  );

  // Every line must come out of the de-prefixer and the paste repair as it went in, in order, with no stream. The
  // repair holds blank lines back until it sees the next line.
  let changed = false;
  let current = '';
  let heldBlanks = 0;
  const repair = createPasteRepair({
    line(t, lineNo, context) {
      if (t === '') {
        if (heldBlanks === 0) changed = true;
        heldBlanks--;
      } else if (t !== current || heldBlanks !== 0) {
        changed = true;
      }
      if (context.stream !== undefined) changed = true;
      parser.line(t, lineNo, context);
    },
    end() {},
  });
  const checked: LineSink = {
    line(t, lineNo, context) {
      if (t !== current || context.stream !== undefined || context.package !== undefined) changed = true;
      if (t === '') heldBlanks++;
      repair.line(t, lineNo, context);
    },
    end() {},
  };
  const deprefixer = createDeprefixer(checked);
  const context: LineContext = { source: '' };
  let lineNo = 0;
  let blank = 0;
  let chars = 0;
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const line = text.slice(start, newline);
    start = newline + 1;
    if (!mayBeGoroutineLine(line)) return undefined;
    if (line.length === 0) blank++;
    chars += line.length;
    current = line;
    deprefixer.line(line, ++lineNo, context);
    if (changed) return undefined;
  }
  if (!deprefixer.atRest() || deprefixer.styles.size > 0 || !repair.quiet()) return undefined;
  repair.end(context);
  parser.end(context);
  if (changed || heldBlanks !== 0 || tracebacks.length !== 1) return undefined;
  const tb = tracebacks[0] as Traceback;
  if (goroutineLines !== lineNo - blank || tb.goroutineCount !== ids.length || !onlyGoroutines(tb)) return undefined;
  const groups: ParsedRegion['groups'] = [];
  for (const [group, first] of firstOf) groups.push({ first, group: plainGroup(group) });
  return { lines: lineNo, chars, ids, lastLine: tb.endLine, groups };
}

/** Whether a traceback holds goroutines and nothing else: no crash, no runtime text, nothing skipped or cut. */
function onlyGoroutines(tb: Traceback): boolean {
  return !(
    tb.panics.length > 0 ||
    tb.fatalError !== undefined ||
    tb.signal !== undefined ||
    tb.unexpectedFaultAddress !== undefined ||
    tb.runtimeMessages.length > 0 ||
    tb.runtimeStack.length > 0 ||
    tb.skipped.length > 0 ||
    tb.truncated ||
    tb.hasRegisters ||
    tb.exitStatus !== undefined ||
    tb.loggedStack !== undefined ||
    tb.testTimeout !== undefined
  );
}

/** The group's data as the main thread's Grouper.merge reads it (no culprit: the main thread finds it). */
function plainGroup(group: GroupDetail): GoroutineGroup {
  const plain: GoroutineGroup = {
    count: group.count,
    state: group.state,
    waitMinutes: group.waitMinutes,
    culprit: null,
    frames: [],
    goroutineIds: group.goroutineIds,
    crashing: false,
  };
  if (group.labels !== undefined) plain.labels = group.labels;
  return plain;
}

const HEADER_AFTER_BLANK = Buffer.from('\n\ngoroutine ');

/** Where the line after `\n\ngoroutine ` starts, searching from `from`, if a digit follows; -1 when none. */
function headerAfterBlank(block: Buffer, from: number, backwards: boolean): number {
  let at = backwards ? block.lastIndexOf(HEADER_AFTER_BLANK, from) : block.indexOf(HEADER_AFTER_BLANK, from);
  while (at !== -1) {
    const digit = block[at + HEADER_AFTER_BLANK.length] ?? 0;
    if (digit >= 48 && digit <= 57) return at + 2;
    // (A negative offset would search from the end again.)
    if (backwards && at === 0) return -1;
    at = backwards ? block.lastIndexOf(HEADER_AFTER_BLANK, at - 1) : block.indexOf(HEADER_AFTER_BLANK, at + 1);
  }
  return -1;
}

/** From the first goroutine header after a blank line in `block`, at `from` or after, to the last one (excluded). */
export function goroutineRegion(block: Buffer, from = 0): { start: number; end: number } | undefined {
  const start = headerAfterBlank(block, from, false);
  if (start === -1) return undefined;
  const end = headerAfterBlank(block, block.length - 1, true);
  return end > start ? { start, end } : undefined;
}

/** The worker's request and answer; the region is bytes [start, end) of the shared memory. */
export interface RegionRequest {
  id: number;
  memory: SharedArrayBuffer;
  start: number;
  end: number;
  options: RegionOptions;
}

export interface RegionAnswer {
  id: number;
  parsed: ParsedRegion | undefined;
}

export interface RegionPoolOptions {
  /** Worker threads (default: the cores available, at most 4). */
  threads?: number;
  /** Files smaller than this are parsed on the main thread alone (default 16 MB: starting workers costs ~0.1 s). */
  minBytes?: number;
  /** Bytes per block (default 4 MiB). */
  blockBytes?: number;
  /** Parse regions on this thread instead (the same answer, no speed-up: for tests of the merge). */
  sameThread?: boolean;
  /** Told whether each region's result was applied (for tests and benchmarks). */
  onApply?: (applied: boolean) => void;
}

/**
 * Worker threads that parse regions for the reader; `apply` merges a result into the caller's state. Workers start
 * on the first region, so inputs below minBytes never start one. Call close() when reading is done.
 */
export function createRegionPool(
  options: RegionOptions,
  apply: (parsed: ParsedRegion, firstLineNo: number, context: LineContext) => boolean,
  pool: RegionPoolOptions = {},
): RegionOffload<ParsedRegion> & { close(): Promise<void> } {
  const threads = Math.max(1, Math.min(pool.threads ?? availableParallelism(), 4));
  const workers: Worker[] = [];
  const waiting = new Map<number, (parsed: ParsedRegion | undefined) => void>();
  let nextId = 0;
  let broken = false;
  const fail = (): void => {
    broken = true;
    for (const resolve of waiting.values()) resolve(undefined);
    waiting.clear();
  };
  const start = (): void => {
    const url = new URL('./explain-worker.js', import.meta.url);
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(url);
      worker.unref();
      worker.on('message', (answer: RegionAnswer) => {
        const resolve = waiting.get(answer.id);
        waiting.delete(answer.id);
        resolve?.(answer.parsed);
      });
      // A worker that fails costs speed, never the answer: its regions are read on the main thread.
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail();
      });
      workers.push(worker);
    }
  };
  return {
    minBytes: pool.minBytes ?? 16 * 1024 * 1024,
    blockBytes: pool.blockBytes ?? 4 * 1024 * 1024,
    inFlight: 2 * threads,
    region: goroutineRegion,
    parse(region: Buffer): Promise<ParsedRegion | undefined> {
      if (pool.sameThread === true) return Promise.resolve(parseRegion(region, options));
      if (broken) return Promise.resolve(undefined);
      if (workers.length === 0) start();
      const id = nextId++;
      const worker = workers[id % workers.length] as Worker;
      // The worker reads the region in shared memory (the reader's blocks are; anything else is copied there once):
      // the block stays here in case the result cannot apply.
      let memory: SharedArrayBuffer;
      let from = 0;
      if (region.buffer instanceof SharedArrayBuffer) {
        memory = region.buffer;
        from = region.byteOffset;
      } else {
        memory = new SharedArrayBuffer(region.length);
        region.copy(new Uint8Array(memory));
      }
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        const request: RegionRequest = { id, memory, start: from, end: from + region.length, options };
        worker.postMessage(request);
      });
    },
    apply(parsed: ParsedRegion, firstLineNo: number, context: LineContext): boolean {
      const applied = apply(parsed, firstLineNo, context);
      pool.onApply?.(applied);
      return applied;
    },
    async close(): Promise<void> {
      fail();
      await Promise.all(workers.map((worker) => worker.terminate()));
      workers.length = 0;
    },
  };
}
