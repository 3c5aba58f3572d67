// A streaming parser for Go tracebacks: crash reports (`panic:`, `fatal error:`, fatal signals) and goroutine
// dumps (SIGQUIT, debug.Stack, pprof goroutine?debug=2). It reads one line at a time, keeps only the traceback
// in progress, never throws on bad input and does O(1) work per character.
//
// Where a traceback ends (the rule, documented once here):
//  - at `exit status N` (go run / go test print it right after the crash);
//  - at the next unindented `panic:`, `fatal error:`, `unexpected fault address` or `SIGxxx: ...` line that
//    starts a new crash (a `SIGxxx:` line right after a `-----` separator is GOTRACEBACK=crash dumping the
//    next M, so it continues the same traceback);
//  - at a `goroutine N [...]:` header whose N (other than 0, which every idle M prints) was already seen in
//    this traceback: that is a second dump, e.g. two debug.Stack() calls;
//  - after FOREIGN_LIMIT consecutive non-blank lines that are not traceback lines. Fewer than that (test
//    output such as `=== RUN`, a JSON log line) may sit between goroutines or between a function line and its
//    file line and are passed over, so interleaved output does not split one dump in two;
//  - at the end of the input.
// endLine is the last line that belonged to the traceback, never a trailing unrelated line.

import type { LineContext, LineSink } from '../input/lines.js';
import type { Ancestor, Frame, Goroutine, PanicValue, RunningTest, Traceback } from '../model.js';
import {
  type FunctionLine,
  type GoroutineHeader,
  indentEnd,
  isRegisterLine,
  parseAncestorHeader,
  parseCreatedBy,
  parseElided,
  parseFileLine,
  parseFunctionLine,
  parseGoroutineHeader,
  parsePcLine,
  parseSignalHeader,
  parseSignalLine,
} from './frame.js';

export interface TracebackListener {
  /** A goroutine was fully read; tb is the traceback it belongs to, header fields already set. */
  goroutine?(g: Goroutine, tb: Traceback): void;
  /** A traceback (crash or dump) is complete. */
  traceback(tb: Traceback): void;
}

export interface TracebackParserOptions {
  /** keep at most this many goroutines per Traceback in tb.goroutines (default Infinity); the rest are only passed to listener.goroutine. The first goroutine of a traceback is always kept. */
  retainGoroutines?: number;
}

/** Consecutive unrelated lines after which a traceback is considered over. */
const FOREIGN_LIMIT = 8;
/** Lines a panic value may span; beyond this the text is not a traceback header (no goroutine followed). */
const MAX_PANIC_LINES = 200;

const IDLE = 0;
/** Reading the lines of a `panic:` value. */
const PANIC_VALUE = 1;
/** After the crash header, before the first goroutine. */
const HEADER = 2;
/** Frames of `runtime stack:`. */
const RUNTIME_STACK = 3;
/** Inside a goroutine. */
const GOROUTINE = 4;
/** After a goroutine ended, waiting for the next one. */
const BETWEEN = 5;

/** What unindentedLine made of a line. */
const UNRELATED = 0;
const RECOGNIZED = 1;
/** A `runtime:` line held until it is known whether it belongs to this traceback or the next crash. */
const HELD = 2;

const RECOVERED_REPANICKED = ' [recovered, repanicked]';
const RECOVERED = ' [recovered]';

export class TracebackParser implements LineSink {
  private readonly listener: TracebackListener;
  private readonly retain: number;

  private tb: Traceback | null = null;
  private mode = IDLE;
  private g: Goroutine | null = null;
  /** Where completed frames go: the goroutine's frames, an ancestor's, or the runtime stack. */
  private frames: Frame[] | null = null;
  private inAncestor = false;
  private pendingFn: FunctionLine | null = null;
  private pendingFnLine = 0;
  private pendingCreated: { function: string; parentGoroutine?: number } | null = null;
  private pendingCreatedLine = 0;
  /** A cgo symbolizer's function line (`??`, `C.f`, `non-Go function`): a frame only if `\tfile:N pc=0x..` follows. */
  private cgoName = '';
  private cgoLine = -1;
  private panicLines: string[] = [];
  private seenIds = new Set<number>();
  private foreign = 0;
  private afterSeparator = false;
  /** `runtime:` lines not yet known to belong to the current traceback or to the next crash. */
  private pendingRuntime: string[] = [];
  private pendingRuntimeLine = 0;
  private pendingRuntimeLast = 0;

  constructor(listener: TracebackListener, options?: TracebackParserOptions) {
    this.listener = listener;
    const r = options?.retainGoroutines;
    this.retain = r === undefined || Number.isNaN(r) ? Infinity : Math.max(1, r);
  }

  line(text: string, lineNo: number, context: LineContext): void {
    let end = text.length;
    while (end > 0) {
      const c = text.charCodeAt(end - 1);
      if (c !== 32 && c !== 9 && c !== 13) break;
      end--;
    }
    const ind = end === 0 ? 0 : indentEnd(text);
    const s = ind === 0 && end === text.length ? text : text.slice(ind, end);
    const indented = ind > 0;

    if (s.length === 0) {
      this.blank();
      return;
    }
    if (this.mode === PANIC_VALUE && this.panicValueLine(text, end, s, indented)) return;
    if (indented) {
      if (this.indentedLine(s, lineNo)) this.recognized(lineNo);
      else this.unrelated();
      return;
    }
    const kind = this.unindentedLine(s, lineNo, context);
    if (kind === RECOGNIZED) this.recognized(lineNo);
    else if (kind === UNRELATED) this.unrelated();
    else this.foreign = 0;
  }

  end(_context: LineContext): void {
    const tb = this.tb;
    if (tb !== null) {
      if (this.mode === PANIC_VALUE) {
        if (tb.goroutineCount === 0 && this.g === null) {
          // No goroutine followed (a framework's own stack format, a cut paste): the value ends at its first
          // blank line, as it does before Go's goroutine header; the lines after it are not the value.
          const blank = this.panicLines.indexOf('');
          if (blank > 0) this.panicLines.length = blank;
        }
        this.finishPanic();
      }
      const g = this.g;
      if (
        g !== null &&
        (this.pendingFn !== null || this.pendingCreated !== null || (g.frames.length === 0 && !g.stackUnavailable))
      ) {
        g.truncated = true;
        tb.truncated = true;
        this.pendingFn = null;
        this.pendingCreated = null;
      }
      if (tb.goroutineCount === 0 && g === null && (tb.panics.length > 0 || tb.fatalError !== undefined))
        tb.truncated = true;
      this.keepPendingRuntime();
      this.close();
    }
    this.pendingRuntime = [];
  }

  // ---- line kinds ----

  private blank(): void {
    if (this.mode === PANIC_VALUE) {
      this.panicLines.push('');
    } else if (this.mode === GOROUTINE) {
      this.finishGoroutine();
    } else if (this.mode === RUNTIME_STACK) {
      this.flushPending();
      this.mode = BETWEEN;
    }
  }

  /** A line while reading a panic value; returns false when the line ends the value and needs normal handling. */
  private panicValueLine(text: string, end: number, s: string, indented: boolean): boolean {
    const c = s.charCodeAt(0);
    if (c === 103 /* g */ && !indented && s.startsWith('goroutine ') && parseGoroutineHeader(s) !== null) {
      this.finishPanic();
      return false;
    }
    if (indented && s.startsWith('panic: ')) {
      // Nested panics are printed as `\tpanic: V` (runtime.printpanics).
      this.finishPanic();
      this.beginPanic(s.slice(7));
      return true;
    }
    if (
      !indented &&
      (s.startsWith('[signal ') ||
        s.startsWith('fatal error: ') ||
        s.startsWith('panic: ') ||
        s.startsWith('runtime stack:') ||
        s.startsWith('exit status ') ||
        parseSignalHeader(s) !== null)
    ) {
      this.finishPanic();
      return false;
    }
    if (this.panicLines.length >= MAX_PANIC_LINES) {
      // No goroutine followed: this was a log line that happened to start with `panic: `, or the dump was cut.
      // Keep only its first line rather than swallowing the log.
      this.panicLines.length = 1;
      this.finishPanic();
      const tb = this.tb;
      if (tb !== null) tb.truncated = true;
      this.close();
      return false;
    }
    // Go >= 1.18 indents the continuation lines of a multi-line value with one tab (runtime.printindented).
    const from = text.charCodeAt(0) === 9 ? 1 : 0;
    this.panicLines.push(text.slice(from, end));
    return true;
  }

  private indentedLine(s: string, lineNo: number): boolean {
    const tb = this.tb;
    if (tb === null) return false;
    const mode = this.mode;
    if (mode === GOROUTINE || mode === RUNTIME_STACK) {
      if (this.pendingFn !== null || this.pendingCreated !== null) {
        const f = parseFileLine(s);
        if (f !== null) {
          this.completeFrame(f.file, f.line, f.pcOffset);
          return true;
        }
        return false;
      }
      if (this.cgoLine === lineNo - 1 && this.frames !== null) {
        const pc = s.startsWith('pc=0x') ? 0 : s.indexOf(' pc=0x');
        if (pc !== -1) {
          // printOneCgoTraceback: `\t[file:line ]pc=0x..`
          const where = pc === 0 ? null : parseFileLine(s.slice(0, pc));
          this.frames.push({
            function: this.cgoName,
            file: where?.file ?? '',
            line: where?.line ?? 0,
            args: '',
            inlined: false,
            pcOffset: s.slice(pc === 0 ? 0 : pc + 1),
          });
          this.cgoLine = -1;
          return true;
        }
      }
      if (s === 'goroutine running on other thread; stack unavailable' && this.g !== null) {
        this.g.stackUnavailable = true;
        return true;
      }
      if (parseFileLine(s) !== null) {
        this.skip(lineNo, 'file line without a function line');
        return true;
      }
      return false;
    }
    if (mode === HEADER && s.startsWith('panic: ') && tb.goroutineCount === 0 && this.g === null) {
      this.beginPanic(s.slice(7));
      return true;
    }
    return false;
  }

  private unindentedLine(s: string, lineNo: number, context: LineContext): number {
    const c = s.charCodeAt(0);
    const mode = this.mode;
    const inFrames = mode === GOROUTINE || mode === RUNTIME_STACK;

    // Frames first: they are most of the lines of a big dump. No header or marker line below can be taken
    // for a function line (those end in `)` and have no space before their arguments).
    if (inFrames) {
      if (this.pendingFn !== null || this.pendingCreated !== null) {
        // A file line whose indentation was lost: accept it only if it looks like a path.
        const f = parseFileLine(s);
        if (
          f !== null &&
          (f.file.indexOf('/') !== -1 ||
            f.file.indexOf('\\') !== -1 ||
            f.file.charCodeAt(0) === 60 /* < */ ||
            // -trimpath prints a main package's files bare: `main.go:197 +0x87e`.
            (f.pcOffset !== undefined && f.file.endsWith('.go')))
        ) {
          this.completeFrame(f.file, f.line, f.pcOffset);
          return RECOGNIZED;
        }
      }
      const fn = parseFunctionLine(s);
      if (fn !== null) {
        this.flushPending();
        this.pendingFn = fn;
        this.pendingFnLine = lineNo;
        return RECOGNIZED;
      }
      if (c === 99 /* c */ && mode === GOROUTINE) {
        const cb = parseCreatedBy(s);
        if (cb !== null) {
          this.flushPending();
          this.pendingCreated = cb;
          this.pendingCreatedLine = lineNo;
          return RECOGNIZED;
        }
      }
      if (s === 'non-Go function' || (s.indexOf(' ') === -1 && s.indexOf('(') === -1 && s.length <= 512)) {
        // Maybe a symbolised cgo frame; it only counts once its `pc=` line follows.
        this.cgoName = s;
        this.cgoLine = lineNo;
        return s === 'non-Go function' ? RECOGNIZED : UNRELATED;
      }
    }

    if (c === 103 /* g */ && s.startsWith('goroutine ')) {
      const h = parseGoroutineHeader(s);
      if (h !== null) {
        if (this.tb !== null && h.id !== 0 && this.seenIds.has(h.id)) this.close();
        if (this.tb === null) this.open(lineNo, context);
        this.finishGoroutine();
        this.startGoroutine(h, lineNo);
        return RECOGNIZED;
      }
    }
    if (s.startsWith('exit status ')) {
      const n = Number(s.slice(12));
      if (this.tb === null || !Number.isInteger(n)) return UNRELATED;
      this.finishGoroutine();
      this.tb.exitStatus = n;
      this.keepPendingRuntime();
      this.tb.endLine = lineNo;
      this.close();
      return RECOGNIZED;
    }
    if (s.startsWith('panic: ')) {
      this.close();
      this.open(lineNo, context);
      this.beginPanic(s.slice(7));
      return RECOGNIZED;
    }
    if (s.startsWith('fatal error: ')) {
      let tb = this.tb;
      // Two goroutines can throw at once (e.g. both detect concurrent map writes) and print the line twice.
      if (tb !== null && tb.fatalError === s.slice(13) && this.beforeGoroutines()) return RECOGNIZED;
      if (tb === null || tb.fatalError !== undefined || !this.beforeGoroutines()) {
        this.close();
        tb = this.open(lineNo, context);
      }
      tb.fatalError = s.slice(13);
      this.mode = HEADER;
      return RECOGNIZED;
    }
    if (s.startsWith('runtime: ')) {
      const tb = this.tb;
      if (tb !== null && (mode === HEADER || mode === RUNTIME_STACK)) {
        tb.runtimeMessages.push(s);
      } else {
        if (this.pendingRuntime.length === 0) this.pendingRuntimeLine = lineNo;
        this.pendingRuntimeLast = lineNo;
        this.pendingRuntime.push(s);
        return HELD;
      }
      return RECOGNIZED;
    }
    if (s.startsWith('unexpected fault address ')) {
      let tb = this.tb;
      if (tb === null || tb.unexpectedFaultAddress !== undefined || !this.beforeGoroutines()) {
        this.close();
        tb = this.open(lineNo, context);
      }
      tb.unexpectedFaultAddress = s.slice(25);
      this.mode = HEADER;
      return RECOGNIZED;
    }
    if (c === 83 /* S */) {
      const sig = parseSignalHeader(s);
      if (sig !== null) {
        if (this.tb !== null && this.afterSeparator) {
          this.afterSeparator = false;
        } else {
          let tb = this.tb;
          if (tb === null || tb.signal !== undefined || !this.beforeGoroutines()) {
            this.close();
            tb = this.open(lineNo, context);
          }
          tb.signal = { name: sig.name, description: sig.description };
        }
        this.mode = HEADER;
        return RECOGNIZED;
      }
    }

    if (s === 'runtime stack:' && this.tb === null) {
      // The header lines above it were not pasted (or a crash file lost them); only a throw prints this.
      this.frames = this.open(lineNo, context).runtimeStack;
      this.mode = RUNTIME_STACK;
      return RECOGNIZED;
    }
    const tb = this.tb;
    if (tb === null) return UNRELATED;

    if (c === 91 /* [ */) {
      const anc = parseAncestorHeader(s);
      if (anc !== null && mode === GOROUTINE && this.g !== null) {
        this.flushPending();
        const a: Ancestor = { goroutine: anc, frames: [] };
        (this.g.ancestors ??= []).push(a);
        this.frames = a.frames;
        this.inAncestor = true;
        return RECOGNIZED;
      }
      const sig = parseSignalLine(s);
      if (sig !== null && this.beforeGoroutines()) {
        tb.signal = sig;
        this.mode = HEADER;
        return RECOGNIZED;
      }
      return UNRELATED;
    }
    if (c === 46 /* . */) {
      const n = parseElided(s);
      if (n === null) return UNRELATED;
      if (mode === GOROUTINE && this.g !== null && !this.inAncestor) {
        this.flushPending();
        this.g.elidedFrames = n;
      }
      return mode === GOROUTINE || mode === RUNTIME_STACK ? RECOGNIZED : UNRELATED;
    }
    if (s === 'runtime stack:') {
      this.finishGoroutine();
      this.frames = tb.runtimeStack;
      this.mode = RUNTIME_STACK;
      return RECOGNIZED;
    }
    if (s === '-----') {
      this.finishGoroutine();
      this.afterSeparator = true;
      this.mode = BETWEEN;
      return RECOGNIZED;
    }
    if (c === 80 /* P */ && s.startsWith('PC=')) {
      const pc = parsePcLine(s);
      if (pc === null) return UNRELATED;
      const sig = tb.signal;
      if (sig !== undefined && sig.pc === undefined) {
        if (pc.pc !== undefined) sig.pc = pc.pc;
        if (pc.code !== undefined) sig.code = pc.code;
        if (pc.addr !== undefined) sig.addr = pc.addr;
      }
      return RECOGNIZED;
    }
    if (s === 'signal arrived during cgo execution' || s === 'panic during panic' || s === 'stack trace unavailable') {
      tb.runtimeMessages.push(s);
      return RECOGNIZED;
    }
    if (s.startsWith('non-Go function at pc=')) {
      // Cgo frames without a symbolizer (traceback2).
      if (!inFrames || this.frames === null) return UNRELATED;
      this.flushPending();
      this.frames.push({
        function: 'non-Go function',
        file: '',
        line: 0,
        args: '',
        inlined: false,
        pcOffset: s.slice(19),
      });
      return RECOGNIZED;
    }
    if (isRegisterLine(s)) {
      this.finishGoroutine();
      tb.hasRegisters = true;
      if (mode !== HEADER) this.mode = BETWEEN;
      return RECOGNIZED;
    }
    if (mode === BETWEEN || mode === HEADER) {
      // Frames with no goroutine header above them.
      if (parseFunctionLine(s) !== null || parseCreatedBy(s) !== null) {
        this.skip(lineNo, 'frame outside a goroutine');
        return RECOGNIZED;
      }
    }
    return UNRELATED;
  }

  // ---- state changes ----

  private recognized(lineNo: number): void {
    this.foreign = 0;
    const tb = this.tb;
    if (tb === null) return;
    tb.endLine = lineNo;
    if (this.pendingRuntime.length > 0 && this.mode !== HEADER) {
      // `runtime:` lines printed between goroutines belong to this traceback.
      for (const m of this.pendingRuntime) tb.runtimeMessages.push(m);
      this.pendingRuntime = [];
    }
  }

  private unrelated(): void {
    if (this.tb === null) {
      this.pendingRuntime = [];
      return;
    }
    this.foreign++;
    if (this.foreign >= FOREIGN_LIMIT) {
      if (this.g !== null && (this.pendingFn !== null || this.pendingCreated !== null)) this.g.truncated = true;
      this.keepPendingRuntime();
      this.close();
    }
  }

  /** The traceback ends with no crash after it: held `runtime:` lines were its own. */
  private keepPendingRuntime(): void {
    const tb = this.tb;
    if (tb === null || this.pendingRuntime.length === 0) return;
    for (const m of this.pendingRuntime) tb.runtimeMessages.push(m);
    if (this.pendingRuntimeLast > tb.endLine) tb.endLine = this.pendingRuntimeLast;
    this.pendingRuntime = [];
  }

  private beforeGoroutines(): boolean {
    const tb = this.tb;
    return (
      tb !== null && tb.goroutineCount === 0 && this.g === null && (this.mode === HEADER || this.mode === PANIC_VALUE)
    );
  }

  private open(lineNo: number, context: LineContext): Traceback {
    let startLine = lineNo;
    const runtimeMessages: string[] = [];
    if (this.pendingRuntime.length > 0) {
      startLine = this.pendingRuntimeLine;
      for (const m of this.pendingRuntime) runtimeMessages.push(m);
      this.pendingRuntime = [];
    }
    const tb: Traceback = {
      source: context.source,
      startLine,
      endLine: lineNo,
      panics: [],
      runtimeMessages,
      runtimeStack: [],
      goroutines: [],
      goroutineCount: 0,
      hasRegisters: false,
      skipped: [],
      truncated: false,
    };
    this.tb = tb;
    this.mode = HEADER;
    this.foreign = 0;
    return tb;
  }

  private close(): void {
    const tb = this.tb;
    if (tb === null) return;
    if (this.mode === PANIC_VALUE) this.finishPanic();
    this.finishGoroutine();
    this.flushPending();
    this.tb = null;
    this.mode = IDLE;
    this.frames = null;
    this.seenIds.clear();
    this.foreign = 0;
    this.afterSeparator = false;
    this.listener.traceback(tb);
  }

  private beginPanic(first: string): void {
    this.panicLines = [first];
    this.mode = PANIC_VALUE;
  }

  private finishPanic(): void {
    const tb = this.tb;
    const lines = this.panicLines;
    this.panicLines = [];
    this.mode = HEADER;
    if (tb === null || lines.length === 0) return;
    let n = lines.length;
    while (n > 1 && lines[n - 1] === '') n--;
    let message = n === lines.length ? lines.join('\n') : lines.slice(0, n).join('\n');
    let recovered = false;
    let repanicked = false;
    if (message.endsWith(RECOVERED_REPANICKED)) {
      recovered = true;
      repanicked = true;
      message = message.slice(0, message.length - RECOVERED_REPANICKED.length);
    } else if (message.endsWith(RECOVERED)) {
      recovered = true;
      message = message.slice(0, message.length - RECOVERED.length);
    }
    // testing.(*M).startAlarm: `test timed out after D` then, since Go 1.20, `running tests:` and one
    // `Name (D)` line per test.
    if (tb.panics.length === 0 && tb.testTimeout === undefined && message.startsWith('test timed out after ')) {
      const first = lines[0] as string;
      const runningTests: RunningTest[] = [];
      for (let i = 1; i < n; i++) {
        const t = (lines[i] as string).trim();
        if (t === '' || t === 'running tests:') continue;
        const open = t.lastIndexOf(' (');
        if (open > 0 && t.endsWith(')'))
          runningTests.push({ name: t.slice(0, open), duration: t.slice(open + 2, t.length - 1) });
      }
      tb.testTimeout = { after: first.slice(21), runningTests };
      message = first;
    }
    const p: PanicValue = { message, recovered, repanicked, goexit: false };
    tb.panics.push(p);
  }

  private startGoroutine(h: GoroutineHeader, lineNo: number): void {
    const g: Goroutine = {
      id: h.id,
      state: h.state,
      waitMinutes: h.waitMinutes,
      lockedToThread: h.lockedToThread,
      flags: h.flags,
      frames: [],
      elidedFrames: 0,
      stackUnavailable: false,
      truncated: false,
      inputLine: lineNo,
    };
    if (h.labels !== undefined) g.labels = h.labels;
    this.g = g;
    this.frames = g.frames;
    this.inAncestor = false;
    this.seenIds.add(h.id);
    this.afterSeparator = false;
    this.mode = GOROUTINE;
  }

  private completeFrame(file: string, line: number, pcOffset: string | undefined): void {
    const fn = this.pendingFn;
    if (fn !== null) {
      this.pendingFn = null;
      if (this.frames === null) return;
      const f: Frame = { function: fn.function, file, line, args: fn.args, inlined: fn.inlined };
      if (pcOffset !== undefined) f.pcOffset = pcOffset;
      this.frames.push(f);
      return;
    }
    const cb = this.pendingCreated;
    if (cb === null) return;
    this.pendingCreated = null;
    // Ancestors print `created by` too; the model keeps it only for the goroutine itself.
    if (this.g === null || this.inAncestor) return;
    this.g.createdBy =
      cb.parentGoroutine === undefined
        ? { function: cb.function, file, line }
        : { function: cb.function, file, line, parentGoroutine: cb.parentGoroutine };
  }

  /** A function or `created by` line whose file line never came. */
  private flushPending(): void {
    if (this.pendingFn !== null) {
      this.skip(this.pendingFnLine, `function line without a file line: ${this.pendingFn.function}`);
      this.pendingFn = null;
    }
    if (this.pendingCreated !== null) {
      this.skip(this.pendingCreatedLine, `created-by line without a file line: ${this.pendingCreated.function}`);
      this.pendingCreated = null;
    }
  }

  private finishGoroutine(): void {
    const g = this.g;
    const tb = this.tb;
    if (g === null || tb === null) {
      this.g = null;
      if (this.mode === GOROUTINE) this.mode = BETWEEN;
      return;
    }
    this.flushPending();
    // Every idle M prints `goroutine 0 [idle]:` with no frames under GOTRACEBACK=crash.
    if (g.frames.length === 0 && !g.stackUnavailable && g.createdBy === undefined && g.id !== 0 && !g.truncated) {
      this.skip(g.inputLine, `goroutine ${g.id} has no frames`);
    }
    tb.goroutineCount++;
    if (tb.goroutines.length === 0 || tb.goroutines.length < this.retain) tb.goroutines.push(g);
    this.g = null;
    this.frames = null;
    this.inAncestor = false;
    this.mode = BETWEEN;
    if (this.listener.goroutine !== undefined) this.listener.goroutine(g, tb);
  }

  private skip(inputLine: number, reason: string): void {
    if (this.tb !== null) this.tb.skipped.push({ inputLine, reason });
  }
}

/** Convenience for tests and the library: parse a whole text. */
export function parseTracebacks(text: string, source = '-', options?: TracebackParserOptions): Traceback[] {
  const out: Traceback[] = [];
  const parser = new TracebackParser({ traceback: (tb) => out.push(tb) }, options);
  const context: LineContext = { source };
  let start = 0;
  let lineNo = 1;
  const n = text.length;
  while (start < n) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = n;
    parser.line(text.slice(start, nl), lineNo, context);
    start = nl + 1;
    lineNo++;
  }
  parser.end(context);
  return out;
}
