// Real logs wrap what Go printed in prefixes added by log shippers, container runtimes and CI. This stage strips
// them so parsers see exactly the text the Go runtime wrote. A prefix is recognised only at the start of the raw
// line (and directly after another recognised prefix), never inside Go's own text: `panic: 2024-05-01T12:00:00Z x`
// keeps its timestamp. Exactly one separator space is removed after a prefix, so a frame's leading tab survives.
//
// Cost model: the first character decides. Lines starting with a tab, a space, or Go text such as `goroutine `,
// `panic: `, `main.main()` never reach a regular expression; letters only pay a short hand-written scan.

import type { LineContext, LineSink } from './lines.js';

/** A kind of prefix this stage can remove. */
export type PrefixStyle =
  'cri' | 'docker-json' | 'go-test-json' | 'rfc3339' | 'go-log' | 'journald' | 'kubectl' | 'compose' | 'grep';

/** Every style, in the order reports list them. */
export const PREFIX_STYLES: readonly PrefixStyle[] = [
  'cri',
  'docker-json',
  'go-test-json',
  'kubectl',
  'compose',
  'grep',
  'journald',
  'rfc3339',
  'go-log',
];

const CHAR_TAB = 9;
const CHAR_SPACE = 32;
const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_A = 65;
const CHAR_Z = 90;
const CHAR_a = 97;
const CHAR_z = 122;
const CHAR_LBRACE = 123;
const CHAR_LBRACKET = 91;
const CHAR_RBRACKET = 93;
const CHAR_SLASH = 47;
const CHAR_PIPE = 124;
const CHAR_CR = 13;
const CHAR_COLON = 58;

// The Go log package with LstdFlags (optionally Lmicroseconds): `2024/05/01 12:00:00 ` or `... 12:00:00.123456 `.
const GO_LOG = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{6})?(?: |$)/;
// journalctl short / short-precise: `May 01 12:00:00 host app[123]: `. The group is the stream: host, unit, pid.
const JOURNALD =
  /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{1,9})? (\S+ [^\s[:]+(?:\[\d+\])?):(?: |$)/;

const MONTH_INITIALS = 'JFMASOND';

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= CHAR_0 && c <= CHAR_9;
}

function digitsAt(text: string, i: number, count: number): boolean {
  for (let k = i; k < i + count; k++) if (!isDigitAt(text, k)) return false;
  return true;
}

/**
 * The end of a leading ISO 8601 / RFC 3339 timestamp, or -1: `2024-05-01T12:00:00`, then an optional fraction of
 * 1-9 digits, then an optional `Z`, `+02:00`, `+0200` or `+02`. A space instead of `T` is accepted (CI runners,
 * many loggers). Hand-written because it runs on every line of a timestamped log; it does not look past the end.
 */
function isoTimestampEnd(text: string, requireT: boolean, requireZone: boolean): number {
  if (text.length < 19) return -1;
  if (!digitsAt(text, 0, 4) || text.charCodeAt(4) !== 45 || !digitsAt(text, 5, 2) || text.charCodeAt(7) !== 45)
    return -1;
  if (!digitsAt(text, 8, 2)) return -1;
  const t = text.charCodeAt(10);
  if (t !== 84 /* T */ && (requireT || t !== CHAR_SPACE)) return -1;
  if (!digitsAt(text, 11, 2) || text.charCodeAt(13) !== 58 || !digitsAt(text, 14, 2) || text.charCodeAt(16) !== 58)
    return -1;
  if (!digitsAt(text, 17, 2)) return -1;
  let i = 19;
  if (text.charCodeAt(i) === 46 /* . */) {
    let k = i + 1;
    while (k < text.length && k - i <= 9 && isDigitAt(text, k)) k++;
    if (k === i + 1) return -1;
    i = k;
  }
  const z = text.charCodeAt(i);
  if (z === 90 /* Z */) return i + 1;
  if (z === 43 /* + */ || z === 45 /* - */) {
    if (!digitsAt(text, i + 1, 2)) return -1;
    i += 3;
    if (text.charCodeAt(i) === 58 /* : */) {
      if (!digitsAt(text, i + 1, 2)) return -1;
      return i + 3;
    }
    if (digitsAt(text, i, 2)) return i + 2;
    return i;
  }
  return requireZone ? -1 : i;
}

/** Where the text after a leading RFC 3339 timestamp and its separator space starts, or -1. */
function rfc3339PrefixEnd(text: string): number {
  const end = isoTimestampEnd(text, false, false);
  if (end < 0) return -1;
  if (end === text.length) return end;
  return text.charCodeAt(end) === CHAR_SPACE ? end + 1 : -1;
}

/** Index after `stdout ` / `stderr `: -1 when neither. */
function criStreamEnd(text: string, at: number): number {
  if (text.startsWith('stderr', at) || text.startsWith('stdout', at)) {
    return text.charCodeAt(at + 6) === CHAR_SPACE ? at + 7 : -1;
  }
  return -1;
}

/** Decides whether a JSON line is one of ours, and returns its text and stream. */
interface JsonLine {
  style: 'docker-json' | 'go-test-json';
  /** The assembler key: lines are joined per stream. */
  stream: string;
  text: string;
  package?: string;
  test?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJsonLine(raw: string): JsonLine | undefined {
  // Both formats start with `{"`; anything else (Go never starts a line with `{"` in a traceback) stays as is.
  if (raw.charCodeAt(1) !== 34) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const record = value;
  const log = record['log'];
  if (typeof log === 'string') {
    const stream = record['stream'];
    return { style: 'docker-json', stream: typeof stream === 'string' ? stream : '', text: log };
  }
  const action = record['Action'];
  if (typeof action === 'string') {
    const output = record['Output'];
    const pkg = record['Package'] ?? record['ImportPath'];
    const test = record['Test'];
    const packageName = typeof pkg === 'string' ? pkg : undefined;
    const testName = typeof test === 'string' ? test : undefined;
    // Only output events carry text; start/run/pass/fail are not lines of the log.
    const text = (action === 'output' || action === 'build-output') && typeof output === 'string' ? output : '';
    const line: JsonLine = {
      style: 'go-test-json',
      stream: `${packageName ?? ''}\u0000${testName ?? ''}`,
      text,
    };
    if (packageName !== undefined) line.package = packageName;
    if (testName !== undefined) line.test = testName;
    return line;
  }
  return undefined;
}

/** `[pod/name/container] `: no spaces inside, exactly two slashes. Returns the content start or -1. */
function kubectlPrefixEnd(raw: string): number {
  const limit = Math.min(raw.length, 512);
  let slashes = 0;
  for (let i = 1; i < limit; i++) {
    const c = raw.charCodeAt(i);
    if (c === CHAR_RBRACKET) {
      if (slashes !== 2 || i < 5) return -1;
      const next = raw.charCodeAt(i + 1);
      if (i + 1 === raw.length) return i + 1;
      return next === CHAR_SPACE ? i + 2 : -1;
    }
    if (c === CHAR_SLASH) {
      slashes++;
      // `[pod//c]` has an empty name: not a kubectl prefix.
      if (raw.charCodeAt(i - 1) === CHAR_SLASH || i === 1) return -1;
    } else if (c <= CHAR_SPACE || c === CHAR_LBRACKET) {
      return -1;
    }
  }
  return -1;
}

/** Characters of a compose service/container name: letters, digits, `-`, `_`, `.`. */
const COMPOSE_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9._-]/.test(ch)) COMPOSE_NAME[c] = 1;
}

/**
 * docker compose `service-1  | `: a name, at least one space, `|`, then a space or the end. Returns content start or
 * -1.
 */
function composePrefixEnd(raw: string): number {
  const length = raw.length;
  let i = 0;
  while (i < length && i < 256 && COMPOSE_NAME[raw.charCodeAt(i)] === 1) i++;
  if (i === 0 || i >= length || raw.charCodeAt(i) !== CHAR_SPACE) return -1;
  while (i < length && raw.charCodeAt(i) === CHAR_SPACE) i++;
  if (raw.charCodeAt(i) !== CHAR_PIPE) return -1;
  if (i + 1 === length) return length;
  return raw.charCodeAt(i + 1) === CHAR_SPACE ? i + 2 : -1;
}

/** Extensions of files grep may name before a line of a log (a rotated `.log.1` too). */
const LOG_EXTENSIONS = ['log', 'txt', 'out', 'err', 'stderr', 'stdout'];
/** Go source, assembly and C files: an unindented frame file line (pasting damage), never a grep prefix. */
const SOURCE_EXTENSIONS = ['go', 's', 'c', 'h', 'goc', 'cc', 'cpp'];

/** The extension of a file name, skipping a rotation number (`app.log.1` -> `log`); '' when there is none. */
function extensionOf(name: string): string {
  let end = name.length;
  let dot = name.lastIndexOf('.');
  if (dot > 0 && digitsAt(name, dot + 1, end - dot - 1) && end - dot > 1) {
    end = dot;
    dot = name.lastIndexOf('.', end - 1);
  }
  const slash = name.lastIndexOf('/');
  return dot > slash + 1 ? name.slice(dot + 1, end) : '';
}

/**
 * `grep -r` / `grep -H` output: `logs/app.log:<line>` or, with -n, `logs/app.log:12:<line>`. The name has no
 * spaces, and either a log-like extension or a `/` without being a source file, so Go's own text (`panic:`,
 * `runtime:`, `main.main()`, an unindented `/src/main.go:12`) never matches. Returns content start and name.
 */
function grepPrefix(raw: string): { end: number; name: string } | undefined {
  const limit = Math.min(raw.length, 512);
  let slash = false;
  let i = 0;
  for (; i < limit; i++) {
    const c = raw.charCodeAt(i);
    if (c === CHAR_COLON) break;
    // A frame's `(`, a label's `[`, `=` in key=value logs, quotes: not a file name.
    if (c <= CHAR_SPACE || c === 40 || c === CHAR_LBRACKET || c === 61 || c === 34) return undefined;
    if (c === CHAR_SLASH) slash = true;
  }
  if (i === 0 || i >= limit || raw.charCodeAt(i + 1) === CHAR_SLASH) return undefined;
  const name = raw.slice(0, i);
  const extension = extensionOf(name);
  if (!LOG_EXTENSIONS.includes(extension) && !(slash && !SOURCE_EXTENSIONS.includes(extension))) return undefined;
  let end = i + 1;
  let k = end;
  while (k < raw.length && isDigitAt(raw, k)) k++;
  if (k > end && raw.charCodeAt(k) === CHAR_COLON) end = k + 1;
  return { end, name };
}

function looksLikeMonth(raw: string): boolean {
  // A cheap gate before the journald expression: `Mmm ` with a known month initial.
  return raw.charCodeAt(3) === CHAR_SPACE && MONTH_INITIALS.includes(raw.charAt(0));
}

export interface DeprefixOptions {
  /** A line joined from fragments (CRI `P`, Docker, go test -json) keeps at most this many characters. */
  maxLineLength?: number;
  /** Told about a joined line that was cut to maxLineLength. */
  onLongLine?: (lineNo: number, droppedChars: number) => void;
}

type LongLineHandler = (lineNo: number, droppedChars: number) => void;

/** Appends a fragment to a joined line without letting it grow past the cap (output that never ends a line). */
function appendCapped(pending: string, fragment: string, max: number): { text: string; dropped: number } {
  const room = max - pending.length;
  if (fragment.length <= room) return { text: pending + fragment, dropped: 0 };
  return { text: room > 0 ? pending + fragment.slice(0, room) : pending, dropped: fragment.length - Math.max(room, 0) };
}

/** Splits incoming text into lines per stream, keeping the unterminated tail until more text arrives. */
class StreamAssembler {
  private pending = '';
  private dropped = 0;
  /** Input line number of the first fragment of the pending text. */
  private pendingLineNo = 0;

  constructor(
    readonly packageName: string | undefined,
    readonly testName: string | undefined,
    private readonly maxLineLength: number,
    private readonly onLongLine: LongLineHandler | undefined,
  ) {}

  /** Appends text; calls emit for every line completed by it. */
  add(text: string, lineNo: number, emit: (line: string, lineNo: number) => void): void {
    let start = 0;
    let newline = text.indexOf('\n');
    if (this.pending.length === 0) this.pendingLineNo = lineNo;
    while (newline !== -1) {
      const joined = appendCapped(this.pending, text.slice(start, newline), this.maxLineLength);
      let line = joined.text;
      if (line.charCodeAt(line.length - 1) === CHAR_CR) line = line.slice(0, -1);
      this.dropped += joined.dropped;
      this.emitLine(line, emit);
      start = newline + 1;
      this.pendingLineNo = lineNo;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) {
      const joined = appendCapped(this.pending, text.slice(start), this.maxLineLength);
      this.pending = joined.text;
      this.dropped += joined.dropped;
    }
  }

  flush(emit: (line: string, lineNo: number) => void): void {
    if (this.pending.length > 0 || this.dropped > 0) this.emitLine(this.pending, emit);
  }

  private emitLine(line: string, emit: (line: string, lineNo: number) => void): void {
    emit(line, this.pendingLineNo);
    if (this.dropped > 0) this.onLongLine?.(this.pendingLineNo, this.dropped);
    this.pending = '';
    this.dropped = 0;
  }
}

/**
 * Wraps a sink so that every line it receives has its log prefixes removed before it reaches `sink`.
 * Partial lines (CRI `P`, Docker json-file fragments without `\n`, `go test -json` output split over events) are
 * joined per stream; lines joined from several input lines carry the number of the first. Styles may change from
 * line to line (a mixed log works); `styles` collects those seen. Call `end` once per input; state resets after it.
 */
export function createDeprefixer(
  sink: LineSink,
  options: DeprefixOptions = {},
): LineSink & { readonly styles: ReadonlySet<PrefixStyle>; atRest(): boolean } {
  return new Deprefixer(sink, options.maxLineLength ?? 64 * 1024, options.onLongLine);
}

class Deprefixer implements LineSink {
  readonly styles = new Set<PrefixStyle>();
  /** The source the last stripped line named (kubectl, compose, journald, grep), or undefined. */
  private lineStream: string | undefined;
  private fileStream: string | undefined;
  private readonly streams = new Map<string, StreamAssembler>();
  private readonly criPartial = new Map<string, { text: string; lineNo: number; dropped: number }>();
  private context: LineContext | undefined;
  private readonly emitInner = (line: string, lineNo: number): void => {
    const context = this.context;
    if (context !== undefined) this.deliver(line, lineNo, context);
  };

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineLength: number,
    private readonly onLongLine: LongLineHandler | undefined,
  ) {}

  line(raw: string, lineNo: number, context: LineContext): void {
    const c = raw.charCodeAt(0);
    // Hot path: tab-led frame lines, indented text, empty lines and most Go text go straight through.
    if (c === CHAR_TAB || c === CHAR_SPACE || raw.length === 0) {
      this.sink.line(raw, lineNo, context);
      return;
    }
    if (c === CHAR_LBRACE) {
      const json = readJsonLine(raw);
      if (json !== undefined) {
        this.styles.add(json.style);
        this.addToStream(json, lineNo, context);
        return;
      }
    } else if (c >= CHAR_0 && c <= CHAR_9) {
      if (this.tryCri(raw, lineNo, context)) return;
    } else if (c >= CHAR_a && c <= CHAR_z && composePrefixEnd(raw) < 0 && grepPrefix(raw) === undefined) {
      // Frame lines (`main.main()`, `github.com/...`), `goroutine `, `panic: `, `created by `: a lowercase start
      // can only be a compose or grep prefix, and both scans stop at the first character that is not part of a name.
      this.sink.line(raw, lineNo, context);
      return;
    }
    this.deliver(raw, lineNo, context);
  }

  /** Strips the prefixes of a line and passes it on, tagged with the stream its prefix names. */
  private deliver(raw: string, lineNo: number, context: LineContext): void {
    const text = this.stripText(raw);
    const stream = this.lineStream;
    if (stream === undefined) {
      this.sink.line(text, lineNo, context);
      return;
    }
    context.stream = stream;
    this.sink.line(text, lineNo, context);
    context.stream = undefined;
  }

  /** No partial line is waiting to be joined: lines that need no stripping would pass straight through. */
  atRest(): boolean {
    return this.streams.size === 0 && this.criPartial.size === 0;
  }

  end(context: LineContext): void {
    this.context = context;
    for (const partial of this.criPartial.values()) this.emitCriLine(partial, '', context);
    this.criPartial.clear();
    for (const assembler of this.streams.values()) {
      this.setStreamContext(context, assembler);
      assembler.flush(this.emitInner);
    }
    context.package = undefined;
    context.test = undefined;
    this.streams.clear();
    this.context = undefined;
    this.sink.end(context);
  }

  // Assigning undefined instead of deleting keeps the reused context object's shape stable for the parsers.
  private setStreamContext(context: LineContext, assembler: StreamAssembler): void {
    context.package = assembler.packageName;
    context.test = assembler.testName;
  }

  private addToStream(json: JsonLine, lineNo: number, context: LineContext): void {
    const key = json.style === 'docker-json' ? `d\u0000${json.stream}` : `t\u0000${json.stream}`;
    let assembler = this.streams.get(key);
    if (assembler === undefined) {
      assembler = new StreamAssembler(json.package, json.test, this.maxLineLength, this.onLongLine);
      this.streams.set(key, assembler);
    }
    if (json.text.length === 0) return;
    this.context = context;
    this.setStreamContext(context, assembler);
    assembler.add(json.text, lineNo, this.emitInner);
    context.package = undefined;
    context.test = undefined;
  }

  /** CRI lines (`<RFC 3339 nano> <stdout|stderr> <F|P> <content>`): F ends a line, P is a fragment of one. */
  private tryCri(raw: string, lineNo: number, context: LineContext): boolean {
    // The stream name after the first space is the cheap test; the timestamp is validated only when it passes,
    // so plain timestamped lines pay an indexOf and a comparison here.
    const timeEnd = raw.indexOf(' ', 19);
    if (timeEnd < 0) return false;
    const tagAt = criStreamEnd(raw, timeEnd + 1);
    if (tagAt < 0 || isoTimestampEnd(raw, true, true) !== timeEnd) return false;
    const tag = raw.charCodeAt(tagAt);
    if (tag !== 70 /* F */ && tag !== 80 /* P */) return false;
    const after = raw.charCodeAt(tagAt + 1);
    if (!(after === CHAR_SPACE || tagAt + 1 === raw.length)) return false;
    this.styles.add('cri');
    // The fourth letter of the stream name: `e` in stderr, `o` in stdout.
    const stream = raw.charCodeAt(timeEnd + 4) === 101 /* e */ ? 'stderr' : 'stdout';
    const content = raw.slice(Math.min(tagAt + 2, raw.length));
    const partial = this.criPartial.get(stream);
    if (tag === 80) {
      if (partial === undefined) {
        const head = appendCapped('', content, this.maxLineLength);
        this.criPartial.set(stream, { text: head.text, lineNo, dropped: head.dropped });
      } else {
        const joined = appendCapped(partial.text, content, this.maxLineLength);
        partial.text = joined.text;
        partial.dropped += joined.dropped;
      }
      return true;
    }
    if (partial === undefined) {
      this.deliver(content, lineNo, context);
    } else {
      this.criPartial.delete(stream);
      this.emitCriLine(partial, content, context);
    }
    return true;
  }

  private emitCriLine(
    partial: { text: string; lineNo: number; dropped: number },
    last: string,
    context: LineContext,
  ): void {
    const joined = appendCapped(partial.text, last, this.maxLineLength);
    this.deliver(joined.text, partial.lineNo, context);
    const dropped = partial.dropped + joined.dropped;
    if (dropped > 0) this.onLongLine?.(partial.lineNo, dropped);
  }

  /**
   * Removes text prefixes: kubectl/compose wrappers, then timestamps, each kind at most once, so
   * `[pod/p/c] 2024-05-01T12:00:00Z 2024/05/01 12:00:00 msg` becomes `msg` but Go text after them is untouched.
   */
  private stripText(raw: string): string {
    this.lineStream = undefined;
    let text = raw;
    let usedWrapper = false;
    let usedTimestamp = false;
    let usedGoLog = false;
    let usedFile = false;
    for (let round = 0; round < 5; round++) {
      const c = text.charCodeAt(0);
      let end = -1;
      if (c === CHAR_TAB || c === CHAR_SPACE || Number.isNaN(c)) break;
      if (c >= CHAR_0 && c <= CHAR_9) {
        if (text.charCodeAt(4) === 45 /* - */) {
          if (!usedTimestamp) {
            end = rfc3339PrefixEnd(text);
            if (end >= 0) {
              usedTimestamp = true;
              this.styles.add('rfc3339');
            }
          }
        } else if (text.charCodeAt(4) === CHAR_SLASH && !usedGoLog) {
          // The fifth character tells the two timestamp kinds apart, so a line pays at most one expression.
          const match = GO_LOG.exec(text);
          if (match !== null) {
            end = match[0].length;
            usedGoLog = true;
            this.styles.add('go-log');
          }
        }
        if (end < 0 && !usedWrapper) {
          end = composePrefixEnd(text);
          if (end >= 0) {
            usedWrapper = true;
            this.styles.add('compose');
            this.lineStream = text.slice(0, text.indexOf(' '));
          }
        }
      } else if (c === CHAR_LBRACKET) {
        if (!usedWrapper) {
          end = kubectlPrefixEnd(text);
          if (end >= 0) {
            usedWrapper = true;
            this.styles.add('kubectl');
            this.lineStream = text.slice(1, text.indexOf(']'));
          }
        }
      } else if ((c >= CHAR_A && c <= CHAR_Z) || (c >= CHAR_a && c <= CHAR_z)) {
        if (!usedTimestamp && c <= CHAR_Z && looksLikeMonth(text)) {
          const match = JOURNALD.exec(text);
          if (match !== null) {
            end = match[0].length;
            usedTimestamp = true;
            this.styles.add('journald');
            // A wrapper (kubectl, compose) names the source already; journald's unit is the stream otherwise.
            if (this.lineStream === undefined) this.lineStream = match[1];
          }
        }
        if (end < 0 && !usedWrapper) {
          end = composePrefixEnd(text);
          if (end >= 0) {
            usedWrapper = true;
            this.styles.add('compose');
            this.lineStream = text.slice(0, text.indexOf(' '));
          }
        }
      }
      if (end < 0 && !usedFile && round === 0) {
        // grep's file name comes first on a line, before whatever the file itself holds.
        const grep = grepPrefix(text);
        if (grep !== undefined) {
          end = grep.end;
          usedFile = true;
          this.styles.add('grep');
          this.fileStream = grep.name;
        }
      }
      if (end < 0) break;
      text = text.slice(end);
    }
    if (this.fileStream !== undefined) {
      this.lineStream = this.lineStream === undefined ? this.fileStream : `${this.fileStream} ${this.lineStream}`;
      this.fileStream = undefined;
    }
    return text;
  }
}
