// Race-detector reports as printed by Go programs built with -race. The report text comes from the ThreadSanitizer
// runtime in Go mode (compiler-rt tsan_report.cpp, the `SANITIZER_GO` branch) plus the testing package:
//
//   ==================
//   WARNING: DATA RACE
//   Write at 0x00c0000a4cf0 by goroutine 8:          (or `Read at`, `... by main goroutine:`)
//     main.main.func2()
//         /src/main.go:25 +0xa4
//
//   Previous read at 0x00c0000a4cf0 by goroutine 7:
//     [failed to restore the stack]                   (Go <= 1.18 when the history was overwritten;
//                                                     later releases drop such a race)
//
//   Goroutine 8 (running) created at:                 (`finished` once it exited; never for main)
//     main.main()
//         /src/main.go:22 +0x124
//   ==================
//
// then, from the testing package, `testing.go:NNN: race detected during execution of test` in the failing
// test's output, or `testing: race detected outside of test execution`, and `Found N data race(s)` at exit.
// Reports are attributed to a test as soon as the input says which one; a report is held back until then.

import type { LineContext, LineSink } from '../input/lines.js';
import type { Frame } from '../model.js';
import { parseFileLine, parseFunctionLine } from './frame.js';
import { accessHeaderSpacing, isHeaderHead, isMangledWarning } from './race-headers.js';

export interface RaceAccessReport {
  op: 'read' | 'write';
  /** `Atomic read at` / `Atomic write at` (not printed by current releases; accepted if present). */
  atomic: boolean;
  /** null for the main goroutine. */
  goroutine: number | null;
  mainGoroutine: boolean;
  address: string;
  frames: Frame[];
  /** `[failed to restore the stack]`: the race detector no longer had this access's stack. */
  stackLost: boolean;
}

export interface RaceGoroutineCreation {
  goroutine: number;
  state: 'running' | 'finished';
  frames: Frame[];
}

/** One `WARNING: DATA RACE` report, as printed. */
export interface RaceReport {
  source: string;
  /** 1-based input lines of the opening and closing `==================`. */
  startLine: number;
  endLine: number;
  current: RaceAccessReport;
  previous: RaceAccessReport | null;
  creations: RaceGoroutineCreation[];
  /** `Heap block of size ...` / `Global var ...` header line, as printed. */
  location?: string;
  locationFrames?: Frame[];
  /** The test it was reported in (`race detected during execution of test`), when the input says so. */
  test?: string;
  package?: string;
  /** The input ended before the closing `==================`. */
  truncated: boolean;
}

const SEPARATOR = '==================';
const WARNING = 'WARNING: DATA RACE';
const RACE_IN_TEST = ': race detected during execution of test';
const RACE_OUTSIDE_TEST = 'testing: race detected outside of test execution';

/**
 * `Read at 0x.. by goroutine 7:`, `Previous write at 0x.. by main goroutine:`; Go <= 1.4 printed no address
 * (`Read by goroutine 13:`, `Previous write by goroutine 8:`).
 */
export function parseAccessHeader(
  s: string,
): { previous: boolean; op: 'read' | 'write'; atomic: boolean; address: string; goroutine: number | null } | null {
  const m =
    /^(Previous )?(atomic |Atomic )?(read|write|Read|Write)(?: at (0x[0-9a-fA-F]+|\S+))? by (main goroutine|goroutine (\d+)):$/.exec(
      s,
    );
  if (m === null) return null;
  const op = m[3] === 'read' || m[3] === 'Read' ? 'read' : 'write';
  return {
    previous: m[1] !== undefined,
    op,
    atomic: m[2] !== undefined,
    address: m[4] ?? '',
    goroutine: m[6] === undefined ? null : Number(m[6]),
  };
}

/** `Goroutine 7 (running) created at:` */
export function parseCreationHeader(s: string): { goroutine: number; state: 'running' | 'finished' } | null {
  const m = /^Goroutine (\d+) \((running|finished)\) created at:$/.exec(s);
  if (m === null) return null;
  return { goroutine: Number(m[1]), state: m[2] === 'finished' ? 'finished' : 'running' };
}

/** The test named by a `=== RUN|CONT|NAME|PAUSE   X` line; '' for `=== CONT` with no name (package level). */
function parseTestMarker(s: string): { verb: string; name: string } | null {
  if (!s.startsWith('=== ')) return null;
  const m = /^=== (RUN|CONT|NAME|PAUSE)\s*(.*)$/.exec(s);
  if (m === null) return null;
  return { verb: m[1] ?? '', name: (m[2] ?? '').trim() };
}

/** `--- FAIL: TestX (0.00s)` (any indentation) -> TestX. */
function parseFailHeader(trimmed: string): string | null {
  if (!trimmed.startsWith('--- FAIL: ')) return null;
  const rest = trimmed.slice(10);
  const paren = rest.lastIndexOf(' (');
  return paren === -1 ? rest : rest.slice(0, paren);
}

/** `FAIL\texample.com/pkg\t0.01s`, `ok  \texample.com/pkg\t0.01s` -> the package. */
function parsePackageResult(s: string): string | null {
  const m = /^(?:FAIL|ok {2})\t(\S+)(?:\t|$)/.exec(s);
  return m === null ? null : (m[1] ?? null);
}

type Section = 'none' | 'access' | 'creation' | 'location';

interface StreamState {
  /** Last line was `==================` outside a report: a report may start. */
  sawSeparator: boolean;
  report: RaceReport | null;
  section: Section;
  frames: Frame[] | null;
  /** A function line waiting for its file line. */
  pendingFunction: string | null;
  pendingInlined: boolean;
  pendingArgs: string;
  /** Reports closed but not yet attributed to a test. */
  unattributed: RaceReport[];
  verbose: boolean;
  currentTest: string | undefined;
  lastFailedTest: string | undefined;
  /** The first half of an access header broken over two lines, until the next line tells. */
  headerHead: { text: string; lineNo: number } | null;
  /** The report being read began at an access header, its warning lost: kept only if a stack follows. */
  anchoredOnHeader: boolean;
}

function newState(): StreamState {
  return {
    sawSeparator: false,
    report: null,
    section: 'none',
    frames: null,
    pendingFunction: null,
    pendingInlined: false,
    pendingArgs: '',
    unattributed: [],
    verbose: false,
    currentTest: undefined,
    lastFailedTest: undefined,
    headerHead: null,
    anchoredOnHeader: false,
  };
}

/**
 * Finds race reports in a stream of lines. Every other line is ignored, so it can share its input with the
 * crash parser. Reports are delivered through `onReport` once their test is known (or the package or input ends).
 */
export class RaceParser implements LineSink {
  /** `Found N data race(s)` totals seen, in input order. */
  readonly foundTotals: number[] = [];
  /** Per stream: one per package of `go test -json` input (packages interleave there), else one per source. */
  private readonly states = new Map<string, StreamState>();

  constructor(private readonly onReport: (report: RaceReport) => void) {}

  /** The stream of the previous line: consecutive lines almost always share it, so no key is built for them. */
  private last:
    { source: string; package: string | undefined; stream: string | undefined; state: StreamState } | undefined;

  private state(context: LineContext): StreamState {
    const last = this.last;
    if (
      last !== undefined &&
      last.source === context.source &&
      last.package === context.package &&
      last.stream === context.stream
    )
      return last.state;
    // Interleaved sources (pods, services) each get their own state, like packages of `go test -json`.
    const key = `${context.source}\u0000${context.package ?? ''}\u0000${context.stream ?? ''}`;
    let state = this.states.get(key);
    if (state === undefined) {
      state = newState();
      this.states.set(key, state);
    }
    this.last = { source: context.source, package: context.package, stream: context.stream, state };
    return state;
  }

  line(text: string, lineNo: number, context: LineContext): void {
    const state = this.state(context);
    const head = state.headerHead;
    if (head !== null) {
      state.headerHead = null;
      // An access header broken over two lines: join the halves when they make one.
      const joined = accessHeaderSpacing(head.text + ' ' + text.trim());
      if (joined !== null && parseAccessHeader(joined) !== null) {
        this.dispatch(state, joined, lineNo, context);
        return;
      }
      this.dispatch(state, head.text, head.lineNo, context);
    }
    const c = text.charCodeAt(0);
    if (c === 80 /* P */ || c === 82 /* R */ || c === 87 /* W */ || c === 97 /* a */ || c === 65 /* A */ || c === 32) {
      const trimmed = text.trim();
      if (isHeaderHead(trimmed)) {
        state.headerHead = { text: trimmed, lineNo };
        return;
      }
      const spaced = accessHeaderSpacing(text);
      if (spaced !== null && spaced !== text && parseAccessHeader(spaced) !== null) text = spaced;
    }
    this.dispatch(state, text, lineNo, context);
  }

  private dispatch(state: StreamState, text: string, lineNo: number, context: LineContext): void {
    if (state.report !== null) {
      this.reportLine(state, text, lineNo, context);
      return;
    }
    if (text === SEPARATOR) {
      state.sawSeparator = true;
      return;
    }
    // The `==================` line is often lost or glued to other output in a paste; the warning alone is
    // distinctive enough, and so is an access header when the warning is lost too (race-headers.ts).
    // Only `Read`, `Write`, `Previous`, `atomic`/`Atomic` start an access header; most lines pay one comparison.
    const c = text.charCodeAt(0);
    const headerStart =
      c === 80 /* P */ || c === 82 /* R */ || c === 87 /* W */ || c === 97 /* a */ || c === 65; /* A */
    const access = headerStart && text !== WARNING ? parseAccessHeader(text) : null;
    if (text === WARNING || access !== null || ((c === 87 || c === 32) && isMangledWarning(text))) {
      const startLine = state.sawSeparator ? Math.max(1, lineNo - 1) : lineNo;
      state.sawSeparator = false;
      state.report = {
        source: context.source,
        startLine,
        endLine: lineNo,
        current: {
          op: 'read',
          atomic: false,
          goroutine: null,
          mainGoroutine: false,
          address: '',
          frames: [],
          stackLost: false,
        },
        previous: null,
        creations: [],
        truncated: false,
      };
      // The first header fills `current`; section stays 'none' until then.
      state.section = 'none';
      state.frames = null;
      state.anchoredOnHeader = access !== null;
      if (access !== null) this.reportLine(state, text, lineNo, context);
      return;
    }
    state.sawSeparator = false;
    this.testLine(state, text, context);
  }

  /** No report is being read and no separator line was just seen, in any stream. */
  idle(): boolean {
    for (const state of this.states.values()) if (state.report !== null || state.sawSeparator) return false;
    return true;
  }

  end(context: LineContext): void {
    for (const [key, state] of this.states) {
      if (!key.startsWith(`${context.source}\u0000`)) continue;
      const head = state.headerHead;
      if (head !== null) {
        state.headerHead = null;
        this.dispatch(state, head.text, head.lineNo, context);
      }
      if (state.report !== null) {
        this.flushFrame(state);
        state.report.truncated = true;
        this.keep(state, state.report);
        state.report = null;
      }
      this.release(state, undefined, undefined);
      this.states.delete(key);
      if (this.last?.state === state) this.last = undefined;
    }
  }

  /** Lines outside reports: follow which test is running and attribute held reports. */
  private testLine(state: StreamState, text: string, context: LineContext): void {
    const first = text.charCodeAt(0);
    // Every line below starts with `=`, `-` (after spaces), `F` or `o`, or ends in `test`: most lines of a big log
    // (frames, goroutine headers) do neither.
    if (
      text.charCodeAt(text.length - 1) !== 116 /* t */ &&
      first !== 61 &&
      first !== 45 /* - */ &&
      first !== 32 &&
      first !== 70 /* F */ &&
      first !== 111 /* o */
    ) {
      return;
    }
    if (first === 61 /* = */) {
      const marker = parseTestMarker(text);
      if (marker !== null) {
        state.verbose = true;
        if (marker.verb !== 'PAUSE') state.currentTest = marker.name === '' ? undefined : marker.name;
      }
      return;
    }
    if (text.endsWith(RACE_IN_TEST)) {
      let test = context.test;
      if (test === undefined) test = state.verbose ? state.currentTest : state.lastFailedTest;
      this.release(state, test, context.package);
      return;
    }
    if (text === RACE_OUTSIDE_TEST) {
      this.release(state, undefined, context.package);
      return;
    }
    const trimmed = first === 32 ? text.trimStart() : text;
    const failed = parseFailHeader(trimmed);
    if (failed !== null) {
      state.lastFailedTest = failed;
      return;
    }
    if (first === 70 /* F */ || first === 111 /* o */) {
      const pkg = parsePackageResult(text);
      if (pkg !== null) {
        this.release(state, undefined, context.package ?? pkg);
        state.currentTest = undefined;
        state.lastFailedTest = undefined;
        state.verbose = false;
        return;
      }
      const found = /^Found (\d+) data race\(s\)$/.exec(text);
      if (found !== null) this.foundTotals.push(Number(found[1]));
    }
  }

  /** A closed report waits for its test; one begun at a bare access header only if a stack followed it. */
  private keep(state: StreamState, report: RaceReport): void {
    const anchored = state.anchoredOnHeader;
    state.anchoredOnHeader = false;
    if (anchored && report.current.frames.length === 0 && (report.previous?.frames.length ?? 0) === 0) return;
    state.unattributed.push(report);
  }

  /** Hands held reports on; a report that already knows its test (from -json context) keeps it. */
  private release(state: StreamState, test: string | undefined, pkg: string | undefined): void {
    if (state.unattributed.length === 0) return;
    const reports = state.unattributed;
    state.unattributed = [];
    for (const report of reports) {
      if (test !== undefined && report.test === undefined) report.test = test;
      if (pkg !== undefined && report.package === undefined) report.package = pkg;
      this.onReport(report);
    }
  }

  private reportLine(state: StreamState, text: string, lineNo: number, context: LineContext): void {
    const report = state.report;
    if (report === null) return;
    report.endLine = lineNo;
    if (text === SEPARATOR) {
      this.flushFrame(state);
      state.report = null;
      state.frames = null;
      if (report.test === undefined && context.test !== undefined) report.test = context.test;
      if (report.package === undefined && context.package !== undefined) report.package = context.package;
      this.keep(state, report);
      return;
    }
    if (text.length === 0) return;
    const first = text.charCodeAt(0);
    // Race stacks are indented with spaces; tab-indented lines belong to a traceback printed at the same time.
    if (first === 32 /* space */) {
      const trimmed = text.trim();
      // A section header indented by a paste; frame lines never start with these capitals.
      const head = trimmed.charCodeAt(0);
      if (head !== 80 /* P */ && head !== 82 /* R */ && head !== 87 /* W */ && head !== 71 /* G */) {
        this.frameLine(state, trimmed);
        return;
      }
      if (parseAccessHeader(trimmed) === null && parseCreationHeader(trimmed) === null) {
        this.frameLine(state, trimmed);
        return;
      }
      this.reportLine(state, trimmed, lineNo, context);
      return;
    }
    if (first === 9 /* tab */) return;
    const access = parseAccessHeader(text);
    if (
      access !== null ||
      text.startsWith('Goroutine ') ||
      text.startsWith('Heap block of size ') ||
      text.startsWith('Global var ')
    ) {
      this.flushFrame(state);
    }
    if (access !== null) {
      const side = {
        op: access.op,
        atomic: access.atomic,
        goroutine: access.goroutine,
        mainGoroutine: access.goroutine === null,
        address: access.address,
        frames: [],
        stackLost: false,
      };
      if (access.previous) report.previous = side;
      else report.current = side;
      state.section = 'access';
      state.frames = side.frames;
      return;
    }
    const creation = parseCreationHeader(text);
    if (creation !== null) {
      const entry = { goroutine: creation.goroutine, state: creation.state, frames: [] };
      report.creations.push(entry);
      state.section = 'creation';
      state.frames = entry.frames;
      return;
    }
    if (text.startsWith('Heap block of size ') || text.startsWith('Global var ')) {
      report.location = text;
      report.locationFrames = [];
      state.section = 'location';
      state.frames = report.locationFrames;
      return;
    }
    // Anything else (program output interleaved with the report, a fatal error printed at the same moment) is
    // not part of the report, and the stack being read may go on after it; the crash parser sees it on its own.
    this.testLine(state, text, context);
  }

  private frameLine(state: StreamState, trimmed: string): void {
    const frames = state.frames;
    if (frames === null) return;
    if (trimmed === '[failed to restore the stack]') {
      const report = state.report;
      if (report !== null && state.section === 'access') {
        const side = report.previous !== null && report.previous.frames === frames ? report.previous : report.current;
        side.stackLost = true;
      }
      return;
    }
    if (state.pendingFunction !== null) {
      const fileLine = parseFileLine(trimmed);
      if (fileLine !== null) {
        const frame: Frame = {
          function: state.pendingFunction,
          file: fileLine.file,
          line: fileLine.line,
          args: state.pendingArgs,
          inlined: state.pendingInlined,
        };
        if (fileLine.pcOffset !== undefined) frame.pcOffset = fileLine.pcOffset;
        frames.push(frame);
        state.pendingFunction = null;
        return;
      }
    }
    const fn = parseFunctionLine(trimmed);
    if (fn !== null) {
      state.pendingFunction = fn.function;
      state.pendingArgs = fn.args;
      state.pendingInlined = fn.inlined;
    }
  }

  /** A function line with no file line after it still names a frame. */
  private flushFrame(state: StreamState): void {
    if (state.pendingFunction !== null && state.frames !== null) {
      state.frames.push({
        function: state.pendingFunction,
        file: '',
        line: 0,
        args: state.pendingArgs,
        inlined: state.pendingInlined,
      });
    }
    state.pendingFunction = null;
  }
}

/** All reports in a list of lines (tests and small inputs). */
export function parseRaceReports(lines: Iterable<string>, source = '-'): RaceReport[] {
  const reports: RaceReport[] = [];
  const parser = new RaceParser((report) => reports.push(report));
  const context: LineContext = { source };
  let lineNo = 0;
  for (const line of lines) parser.line(line, ++lineNo, context);
  parser.end(context);
  return reports;
}
