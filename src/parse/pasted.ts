// Undoes what happens to a Go crash between the program and the person reading it: a log shipper's prefix the
// de-prefixer does not know, a whole log indented by a Markdown quote or a code block, a spinner or a backtick
// in front of `panic:`, the panic value glued to the goroutine header, a literal `^M` at each line end, blank
// lines between a function line and its file line, a stray space in front of a function line, Markdown links
// around names (markdown-links.ts), and panics that a framework recovered and printed in its own words
// (`http: panic serving`, testify's `test panicked:`, klog's `Observed a panic:`). Lines that need none of this
// pass through unchanged.
//
// An unknown prefix is learned from a line that starts a crash: `panic: `, `fatal error: `, `goroutine N [`,
// `WARNING: DATA RACE` or `SIGQUIT: ` found after some text. That text, with its digits generalised (timestamps
// and pids change from line to line), is then stripped from the lines that follow while they start with it. A
// `panic:` or `fatal error:` in the middle of a line is taken for a crash only when a goroutine header, a
// `[signal` line or `runtime stack:` follows within a few lines; until then its lines are held back, so a log
// message that merely quotes a panic is left alone.

import type { LineContext, LineSink } from '../input/lines.js';
import { indentEnd, parseFileLine, parseFunctionLine, parseGoroutineHeader } from './frame.js';
import { unlinkMarkdown } from './markdown-links.js';
import { isRuntimeText, splitSplicedLine, startsWithLogLine } from './spliced.js';

/** Lines (blank ones included) a mid-line `panic:` may wait for its confirmation. */
const CONFIRM_WITHIN = 6;
/** Anchors further into a line than this are message text, not a prefix. */
const MAX_PREFIX = 160;

const GOROUTINE_IN_LINE = /goroutine \d+ (?:gp=\S+ (?:m=\S+ )?(?:mp=\S+ )?)?\[/;
const GLUED_HEADER = /\s+(goroutine \d+ \[[^\]]*\]:)$/;
/** Frameworks that recover a panic and print it with the stack: the value is what the runtime would print. */
const RECOVERED_LINE =
  /(?:^|\s)(?:http: panic serving \S+: |test panicked: |Observed a panic: |Recovered from panic: |PANIC: )(.*)$/;
/** A line of a stack in Go's form or a framework's: `file.go:12 +0x1d`, `file.go:12 (0x4a1b2c)`, `file.go:12`. */
const STACK_LINE = /\.(?:go|c|s):\d+(?: \+0x[0-9a-f]+| \(0x[0-9a-f]+\))?(?: fp=.*)?$/;
/** gin's Recovery middleware puts the value on the line after `panic recovered:`. */
const VALUE_ON_NEXT_LINE = /(?:^|\s)panic recovered:$/;
/** klog quotes the value and repeats the error in parentheses: `"msg" (runtime error: msg)`. */
const KLOG_VALUE = /^"(.*)" \((.*)\)$/;

/** `logged`: a runtime error's text in a log line (a logger's panic line), a panic only if a stack follows. */
type Anchor = 'panic' | 'fatal' | 'goroutine' | 'race' | 'signal' | 'logged';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A prefix as a pattern: digit runs and inner space runs vary from line to line, trailing whitespace is exact. */
function prefixPattern(prefix: string): RegExp {
  const trail = /\s*$/.exec(prefix)?.[0] ?? '';
  const body = prefix.slice(0, prefix.length - trail.length);
  const pattern = escapeRegExp(body)
    .replace(/\d+/g, '\\d+')
    .replace(/ {2,}| /g, ' +');
  return new RegExp('^' + pattern + trail.replace(/\t/g, '\\t'));
}

/**
 * Whether the text before an anchor is a line prefix worth learning: it ends in whitespace after a separator
 * (`]: `, `| `, `> `, `- `) or holds a number (a time, a pid). A bare backtick or `_` is only removed from the
 * anchor's own line.
 */
function isLearnablePrefix(prefix: string): boolean {
  if (!/\s$/.test(prefix)) return false;
  const body = prefix.trimEnd();
  if (body.length === 0) return true;
  return /[^A-Za-z]$/.test(body) || /\d/.test(body);
}

/** The earliest crash-starting text in a line, its position and kind. */
function findAnchor(text: string): { at: number; kind: Anchor } | null {
  let best: { at: number; kind: Anchor } | null = null;
  const consider = (at: number, kind: Anchor): void => {
    if (at >= 0 && at <= MAX_PREFIX && (best === null || at < best.at)) best = { at, kind };
  };
  consider(text.indexOf('panic: '), 'panic');
  consider(text.indexOf('fatal error: '), 'fatal');
  consider(text.indexOf('WARNING: DATA RACE'), 'race');
  consider(text.indexOf('SIGQUIT: '), 'signal');
  consider(text.indexOf('runtime error: '), 'logged');
  const g = text.indexOf('goroutine ');
  if (g >= 0 && g <= MAX_PREFIX && GOROUTINE_IN_LINE.test(text.slice(g, g + 80))) consider(g, 'goroutine');
  return best;
}

/** A line of a stack or a goroutine header: a blank line after a header is damage too (frames follow it). */
function isStackLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length > 0 && (isFrameLine(trimmed) || parseGoroutineHeader(trimmed) !== null);
}

/** An odd number of backticks: one of them opens or closes inline code around the paste. */
function unbalancedBackticks(text: string): boolean {
  let count = 0;
  for (let i = text.indexOf('`'); i !== -1; i = text.indexOf('`', i + 1)) count++;
  return count % 2 === 1 || text.endsWith('```');
}

/** A line of a stack: `pkg.F(...)`, a file line, `created by ...`. */
function isFrameLine(trimmed: string): boolean {
  if (trimmed.startsWith('created by ')) return true;
  if (parseFunctionLine(trimmed) !== null) return true;
  const file = parseFileLine(trimmed);
  return file !== null && (file.file.includes('/') || file.file.endsWith('.go'));
}

/**
 * Texts only the Go runtime and sync print after `panic: ` / `fatal error: `: such a line needs no confirmation
 * (a deadlock or an exit from main prints no goroutine after it).
 */
const RUNTIME_TEXT =
  /^(?:panic: (?:runtime error: |send on closed channel|close of (?:closed|nil) channel|assignment to entry in nil map|sync: |test timed out after )|fatal error: (?:all goroutines are asleep|no goroutines \(main called runtime\.Goexit\)|concurrent map |runtime: |out of memory|stack overflow|sync: |unexpected signal|fault$|thread exhaustion|newosproc))/;

/** Evidence, in a line after a mid-line `panic:` (still behind its prefix), that a traceback is printed. */
function confirmsTraceback(text: string): boolean {
  const g = text.indexOf('goroutine ');
  if (g >= 0 && GOROUTINE_IN_LINE.test(text.slice(g, g + 80))) return true;
  return text.includes('[signal ') || text.includes('runtime stack:') || /(?:^|\s)panic: /.test(text);
}

interface Held {
  text: string;
  lineNo: number;
}

/** Wraps `sink` with the repairs described above. */
export function createPasteRepair(sink: LineSink): LineSink & { quiet(): boolean } {
  return new PasteRepair(sink);
}

class PasteRepair implements LineSink {
  /** The learned prefix (non-blank) and the learned indentation of the whole crash. */
  private prefix: RegExp | null = null;
  private indent = '';
  /** The last line was a `panic:` line: an indented `panic:` after it is a nested panic, not a new crash. */
  private inPanicChain = false;
  /** Blank lines held until it is known whether they sit between two lines of one stack. */
  private blanks: number[] = [];
  /** The last line ended in gin's `panic recovered:`: this one is the value. */
  private valueNext = false;
  /** The last line that was not blank, as passed on. */
  private lastLine = '';
  /** Lines held after a mid-line `panic:` until a traceback confirms it. */
  private held: Held[] | null = null;
  /**
   * What the held line is: a mid-line `panic:`, a logged runtime error, or a framework's recovered-panic line;
   * each is a crash only if a stack follows.
   */
  private heldKind: 'panic' | 'logged' | 'framework' = 'panic';
  /**
   * A `fatal error: ` / `panic: ` line whose value is not a runtime message: another log line may have been
   * written between `fatal error: ` and the message, which then follows on the next line (spliced.ts).
   */
  private splitHead: { raw: string; lineNo: number; anchor: 'fatal error: ' | 'panic: '; value: string } | null = null;

  constructor(private readonly sink: LineSink) {}

  line(text: string, lineNo: number, context: LineContext): void {
    if (this.splitHead !== null) {
      this.resumeSplitHead(text, lineNo, context);
      return;
    }
    if (this.held !== null) {
      this.held.push({ text, lineNo });
      const stripped = this.stripKnown(text);
      if (this.heldKind === 'logged') {
        // A logged runtime error is the panic only when no `panic:` line of the runtime's own follows.
        const anchor = findAnchor(stripped);
        if (anchor?.kind === 'panic' || anchor?.kind === 'fatal') this.release(context, false);
        else if (anchor?.kind === 'goroutine') this.release(context, true);
        else if (this.held.length > CONFIRM_WITHIN) this.release(context, false);
      } else if (this.heldKind === 'framework') {
        if (findAnchor(stripped)?.kind === 'goroutine' || STACK_LINE.test(stripped.trim())) this.release(context, true);
        else if (this.held.length > CONFIRM_WITHIN) this.release(context, false);
      } else if (confirmsTraceback(stripped)) {
        this.release(context, true);
      } else if (this.held.length > CONFIRM_WITHIN) {
        this.release(context, false);
      }
      return;
    }
    this.process(text, lineNo, context, false);
  }

  /**
   * Nothing learned or held: a goroutine header at the start of the next line passes unchanged, and ends any effect
   * of the lines before it (blank lines held are passed on first).
   */
  quiet(): boolean {
    return (
      this.held === null && this.splitHead === null && this.prefix === null && this.indent === '' && !this.valueNext
    );
  }

  end(context: LineContext): void {
    if (this.splitHead !== null) {
      const head = this.splitHead;
      this.splitHead = null;
      this.process(head.raw, head.lineNo, context, 'split');
    }
    if (this.held !== null) this.release(context, false);
    this.flushBlanks(context);
    this.prefix = null;
    this.indent = '';
    this.inPanicChain = false;
    this.lastLine = '';
    this.valueNext = false;
    this.sink.end(context);
  }

  /** The line after a held `fatal error: <not a message>`: the message the runtime printed after a spliced line? */
  private resumeSplitHead(text: string, lineNo: number, context: LineContext): void {
    const head = this.splitHead;
    if (head === null) return;
    this.splitHead = null;
    const next = this.stripKnown(text).trim();
    if (!isRuntimeText(head.anchor, next)) {
      this.process(head.raw, head.lineNo, context, 'split');
      this.line(text, lineNo, context);
      return;
    }
    // The spliced line goes on as a line of its own before the crash, where the crash parser passes it over.
    this.flushBlanks(context);
    this.sink.line(head.value, head.lineNo, context);
    const at = head.raw.lastIndexOf(head.anchor) + head.anchor.length;
    this.process(head.raw.slice(0, at) + next, lineNo, context, 'split');
  }

  private release(context: LineContext, confirmed: boolean): void {
    const held = this.held ?? [];
    this.held = null;
    const [first, ...rest] = held;
    if (first === undefined) return;
    this.process(first.text, first.lineNo, context, confirmed ? 'accept' : 'reject');
    // A held line may itself start a new wait for confirmation.
    for (const h of rest) this.line(h.text, h.lineNo, context);
  }

  /** Removes a trailing `^M`/CR, the learned prefix and the learned indentation. */
  private stripKnown(raw: string): string {
    let text = unlinkMarkdown(raw);
    const last = text.charCodeAt(text.length - 1);
    // One comparison for the common line; `M`, CR and a backtick are the only endings that need work.
    if (last === 77 /* M */ || last === 13 || last === 96 /* ` */) {
      if (text.endsWith('^M')) text = text.slice(0, -2);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      // The closing mark of inline code (or a fence) glued to the last line of a paste.
      if (text.endsWith('`') && unbalancedBackticks(text)) text = text.replace(/`+$/, '');
    }
    if (this.prefix !== null) {
      const m = this.prefix.exec(text);
      if (m !== null) text = text.slice(m[0].length);
    }
    if (this.indent.length > 0 && text.startsWith(this.indent)) text = text.slice(this.indent.length);
    return text;
  }

  /**
   * `decided` is 'accept'/'reject' for a held mid-line `panic:` line whose fate is known, false otherwise.
   */
  private process(
    raw: string,
    lineNo: number,
    context: LineContext,
    decided: 'accept' | 'reject' | 'split' | false,
  ): void {
    // A frame's file line as Go prints it, with nothing learned or pending: about half the lines of a dump, and
    // none of the repairs below applies to it (a nested `\tpanic: ` line takes the long way).
    if (
      raw.charCodeAt(0) === 9 &&
      raw.charCodeAt(1) === 47 /* / */ &&
      this.blanks.length === 0 &&
      this.prefix === null &&
      this.indent === '' &&
      !this.valueNext &&
      !raw.includes('](') // a Markdown link in a path needs stripKnown
    ) {
      const last = raw.charCodeAt(raw.length - 1);
      if (last !== 77 /* M */ && last !== 13 && last !== 96 /* ` */ && last !== 58 /* : */) {
        this.lastLine = raw;
        this.inPanicChain = false;
        this.sink.line(raw, lineNo, context);
        return;
      }
    }
    let text = this.stripKnown(raw);
    const first = text.charCodeAt(0);
    // Go's own file lines start with a tab, and every anchor holds `: ` or `goroutine `: most lines of a big
    // dump (function lines) pay two indexOf calls here.
    if (this.valueNext && text.length > 0) {
      this.valueNext = false;
      this.frameworkPanic('panic: ' + text.trim(), lineNo, context);
      return;
    }
    if (text.endsWith('panic recovered:') && VALUE_ON_NEXT_LINE.test(text)) {
      this.valueNext = true;
      this.sink.line(text, lineNo, context);
      return;
    }
    if (first === 103 /* g */ && text.startsWith('goroutine ')) {
      // A goroutine header at the start of a line (the common case in a dump): nothing to learn or strip.
      if (raw === text) {
        this.prefix = null;
        this.indent = '';
      }
    } else if (first === 99 /* c */ && text.startsWith('created by ')) {
      // `created by X in goroutine N`: Go's own text.
    } else if (first !== 9 && text.length > 0 && (text.indexOf(': ') !== -1 || text.indexOf('goroutine ') !== -1)) {
      const recovered = text.indexOf('ANIC') === -1 && text.indexOf('anic') === -1 ? null : RECOVERED_LINE.exec(text);
      if (recovered !== null && decided === false) {
        this.held = [{ text: raw, lineNo }];
        this.heldKind = 'framework';
        return;
      }
      if (recovered !== null && decided === 'accept') {
        const value = recovered[1] ?? '';
        const klog = KLOG_VALUE.exec(value);
        this.frameworkPanic('panic: ' + (klog !== null ? (klog[2] ?? value) : value), lineNo, context);
        return;
      } else {
        const anchor = findAnchor(text);
        if (anchor?.kind === 'logged') {
          if (decided === false) {
            this.held = [{ text: raw, lineNo }];
            this.heldKind = 'logged';
            return;
          }
          if (decided === 'accept') text = 'panic: ' + text.slice(anchor.at);
        } else if (anchor !== null && anchor.at > 0) {
          const before = text.slice(0, anchor.at);
          const midLine = before.trim().length > 0;
          if (
            (anchor.kind === 'panic' || anchor.kind === 'fatal') &&
            midLine &&
            decided === false &&
            !RUNTIME_TEXT.test(text.slice(anchor.at))
          ) {
            this.held = [{ text: raw, lineNo }];
            this.heldKind = 'panic';
            return;
          }
          const nested = anchor.kind === 'panic' && this.inPanicChain && !midLine;
          if (decided !== 'reject' && !nested) {
            this.learn(before);
            text = text.slice(anchor.at);
          }
        } else if (anchor !== null && anchor.at === 0 && raw === text) {
          // A crash printed without any prefix: whatever was learned belonged to an earlier one.
          this.prefix = null;
          this.indent = '';
        }
      }
    }
    if (text.charCodeAt(0) === 32 && text.charCodeAt(1) !== 32 && text.length > 1) {
      // A stray space before a function line or `created by` (a paste that lost the line's first byte).
      const rest = text.slice(1);
      if (rest.startsWith('created by ') || parseFunctionLine(rest) !== null) text = rest;
    }
    if (text.charCodeAt(0) === 62 /* > */ && /^>(?:\/|[A-Za-z]:[\\/])/.test(text) && isStackLine(this.lastLine)) {
      // A copy from a viewer that renders the file line's tab as `>`.
      if (parseFileLine(text.slice(1)) !== null) text = '\t' + text.slice(1);
    }
    const lead = indentEnd(text);
    if (lead === text.length) {
      this.blanks.push(lineNo);
      return;
    }
    // Blank lines between two lines of one stack are damage (checked only when there are some: they are rare).
    if (this.blanks.length > 0) {
      if (!text.startsWith('goroutine ', lead) && isFrameLine(text.trim()) && isStackLine(this.lastLine)) {
        this.blanks = [];
      }
      if (this.blanks.length > 0) this.flushBlanks(context);
    }
    this.lastLine = text;
    this.inPanicChain = text.startsWith('panic: ', lead);

    const crashLine = text.startsWith('panic: ') || text.startsWith('fatal error: ');
    if (crashLine && decided !== 'split') {
      const spliced = splitSplicedLine(text);
      if (spliced !== null) {
        // Another log line glued after the message: it goes on first, as a line of its own.
        this.sink.line(spliced.spliced, lineNo, context);
        text = spliced.crash;
        this.lastLine = text;
      } else {
        const anchor = text.startsWith('panic: ') ? 'panic: ' : 'fatal error: ';
        const value = text.slice(anchor.length);
        if (!isRuntimeText(anchor, value) && (anchor === 'fatal error: ' || startsWithLogLine(value))) {
          this.splitHead = { raw, lineNo, anchor, value };
          return;
        }
      }
    }
    const glued = crashLine ? GLUED_HEADER.exec(text) : null;
    if (glued !== null && parseGoroutineHeader(glued[1] ?? '') !== null) {
      this.sink.line(text.slice(0, glued.index), lineNo, context);
      this.sink.line(glued[1] ?? '', lineNo, context);
      return;
    }
    this.sink.line(text, lineNo, context);
  }

  /**
   * A panic a framework recovered, as the runtime would have printed its first line. The framework's own stack
   * format (when it is not Go's) follows; the blank line ends the value there, as Go's own blank line does.
   */
  private frameworkPanic(line: string, lineNo: number, context: LineContext): void {
    this.flushBlanks(context);
    this.sink.line(line, lineNo, context);
    this.sink.line('', lineNo, context);
    this.lastLine = line;
    this.inPanicChain = true;
  }

  private learn(before: string): void {
    if (before.trim().length === 0) {
      // Indentation of the whole crash (a quoted or indented paste); it adds to a learned prefix.
      this.indent = before;
      return;
    }
    if (!isLearnablePrefix(before)) return;
    this.prefix = prefixPattern(before);
    this.indent = '';
  }

  private flushBlanks(context: LineContext): void {
    for (const lineNo of this.blanks) this.sink.line('', lineNo, context);
    this.blanks = [];
  }
}
