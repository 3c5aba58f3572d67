// Splits a byte stream into lines without ever holding more than one chunk plus one capped line in memory.
// Decoding happens only between `\n` bytes, which never occur inside a UTF-8 multi-byte sequence, so a character
// split across two chunks is decoded whole.
//
// Binary data is handled per region, never per file (like ripgrep with an explicitly named file): a run of NUL
// bytes ends the text before it and is skipped, so a log whose head `copytruncate` filled with NULs still yields
// the crash written after them, whatever the length of the run. In a region that is not valid UTF-8, a line that
// is mostly not text (bytes that are not UTF-8, control characters) is skipped whole; a text line with a few bad
// bytes is kept, the bytes shown as U+FFFD.

import { isUtf8 } from 'node:buffer';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** A line longer than the cap: its head was kept, the rest dropped. */
export interface LongLine {
  lineNo: number;
  keptBytes: number;
  droppedBytes: number;
}

/** Data that is not text, skipped: a run of NUL bytes, or a whole line of binary. */
export interface BinarySkip {
  lineNo: number;
  kind: 'nul' | 'binary';
  /** Bytes of a NUL run; characters of a binary line (bytes that are not UTF-8 count one each). */
  size: number;
}

/**
 * Characters that do not occur in text a Go program or a log shipper writes: C0 controls other than tab, line
 * breaks, form feed, backspace and ESC (ANSI colours), DEL, and U+FFFD, which decoding puts in place of bytes that
 * are not UTF-8. Lines of a region that is not valid UTF-8, and lines that spanned chunks, are checked; only a line
 * made mostly of them is skipped.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_TEXT = /[\x00-\x07\x0e-\x1a\x1c-\x1f\x7f\ufffd]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_TEXT_ALL = /[\x00-\x07\x0e-\x1a\x1c-\x1f\x7f\ufffd]/g;

/**
 * Whether a line that has some NOT_TEXT characters is binary: more than a quarter of it. Random bytes are about
 * half NOT_TEXT; a panic message with a few raw bytes (Go prints string values as they are) stays well below.
 */
function isBinaryLine(text: string): boolean {
  const bad = text.match(NOT_TEXT_ALL)?.length ?? 0;
  return bad * 4 > text.length;
}

export class LineSplitter {
  /** Lines emitted so far (the number of the last emitted line). */
  lineCount = 0;
  /** Bytes pushed so far. */
  byteCount = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current line beyond the cap, dropped. */
  private droppedBytes = 0;
  private first = true;
  /** The current line had a NUL run: what follows the run is a line of its own, and nothing is not a line. */
  private lineHasNul = false;
  /** NUL bytes and characters of binary lines since the last line of text: how long the input has been binary. */
  binaryRunSize = 0;

  constructor(
    private readonly emit: (text: string, lineNo: number) => void,
    private readonly onLongLine: (info: LongLine) => void,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    private readonly onBinary: (skip: BinarySkip) => void = () => undefined,
  ) {}

  /** Splits `chunk`; the chunk may be reused by the caller after this returns. */
  push(chunk: Buffer): void {
    const length = chunk.length;
    if (length === 0) return;
    this.byteCount += length;
    let nul = chunk.indexOf(0);
    if (nul === -1) {
      this.pushText(chunk, 0, length);
      return;
    }
    let from = 0;
    while (nul !== -1) {
      if (nul > from) this.pushText(chunk, from, nul);
      let end = nul + 1;
      while (end < length && chunk[end] === 0) end++;
      this.nulRun(end - nul);
      from = end;
      nul = from < length ? chunk.indexOf(0, from) : -1;
    }
    if (from < length) this.pushText(chunk, from, length);
  }

  /**
   * Counts `lines` lines of `bytes` bytes of valid UTF-8 text, with no NUL and no CR, as read, without splitting
   * them: another thread read them. Only between lines (nothing pending); returns false, counting nothing, otherwise.
   */
  countElsewhere(lines: number, bytes: number): boolean {
    if (!this.betweenLines()) return false;
    this.lineCount += lines;
    this.byteCount += bytes;
    this.binaryRunSize = 0;
    return true;
  }

  /** Whether the next byte pushed starts a line (and the input's first bytes were seen). */
  betweenLines(): boolean {
    return this.pendingBytes === 0 && this.droppedBytes === 0 && !this.lineHasNul && !this.first;
  }

  /** The input ended: an unterminated last line is still a line. */
  finish(): void {
    if (this.pendingBytes > 0 || this.droppedBytes > 0 || this.lineHasNul) this.finishPending(true);
  }

  /** Splits chunk[start, end), which holds no NUL byte. */
  private pushText(chunk: Buffer, start: number, end: number): void {
    const last = chunk.lastIndexOf(10, end - 1);
    if (last < start) {
      this.keep(chunk, start, end);
      return;
    }
    let from = start;
    if (this.pendingBytes > 0 || this.droppedBytes > 0 || this.lineHasNul) {
      const firstNewline = chunk.indexOf(10, start);
      this.keep(chunk, start, firstNewline);
      this.finishPending(true);
      from = firstNewline + 1;
    }
    if (from <= last) this.splitRegion(chunk, from, last);
    if (last + 1 < end) this.keep(chunk, last + 1, end);
  }

  /** A run of NUL bytes: the text before it on this line is delivered now, under this line's number. */
  private nulRun(size: number): void {
    if (this.pendingBytes > 0 || this.droppedBytes > 0) this.finishPending(false);
    this.lineHasNul = true;
    this.binaryRunSize += size;
    this.onBinary({ lineNo: this.lineCount + 1, kind: 'nul', size });
  }

  /** Delivers a line that may not be text: skipped when it is mostly binary. */
  private deliver(text: string, lineNo: number): void {
    if (NOT_TEXT.test(text) && isBinaryLine(text)) {
      this.binaryRunSize += text.length;
      this.onBinary({ lineNo, kind: 'binary', size: text.length });
      return;
    }
    this.emitText(text, lineNo);
  }

  private emitText(text: string, lineNo: number): void {
    if (text.length > 0) this.binaryRunSize = 0;
    this.emit(text, lineNo);
  }

  /** Emits the lines in chunk[from, end) where chunk[end] is `\n`. */
  private splitRegion(chunk: Buffer, from: number, end: number): void {
    // One native scan of the region decides: valid UTF-8 (nearly always) takes the fast path, its lines
    // unchecked. Binary data is almost never valid UTF-8; control characters alone in valid UTF-8 pass as text
    // (a character-class scan of every region costs more than the rest of the split).
    const careful = !isUtf8(chunk.subarray(from, end));
    const text = chunk.toString('utf8', from, end);
    if (!careful) this.binaryRunSize = 0;
    const max = this.maxLineBytes;
    let start = 0;
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (;;) {
      const newline = text.indexOf('\n', start);
      const lineEnd = newline === -1 ? text.length : newline;
      let stop = lineEnd;
      if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
      const lineNo = ++this.lineCount;
      if (stop - start > max) {
        // Counted in UTF-16 units here; the cap is about memory, not exact byte accounting.
        const dropped = Buffer.byteLength(text.slice(start + max, stop));
        if (careful) this.deliver(text.slice(start, start + max), lineNo);
        else this.emit(text.slice(start, start + max), lineNo);
        this.onLongLine({
          lineNo,
          keptBytes: Buffer.byteLength(text.slice(start, start + max)),
          droppedBytes: dropped,
        });
      } else if (careful) {
        this.deliver(text.slice(start, stop), lineNo);
      } else {
        this.emit(text.slice(start, stop), lineNo);
      }
      if (newline === -1) return;
      start = newline + 1;
    }
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    const room = this.maxLineBytes - this.pendingBytes;
    const take = Math.min(room, to - from);
    if (take > 0) {
      // Copy: the caller reuses its buffer.
      this.pending.push(Buffer.from(chunk.subarray(from, from + take)));
      this.pendingBytes += take;
    }
    this.droppedBytes += to - from - Math.max(take, 0);
  }

  /**
   * Delivers the pending bytes: as a whole line when `lineEnds`, else as the part of the line before a NUL run
   * (same line number, counted when the line ends).
   */
  private finishPending(lineEnds: boolean): void {
    let bytes = Buffer.concat(this.pending, this.pendingBytes);
    let end = bytes.length;
    if (this.droppedBytes > 0) {
      // Do not keep half a character: if the cap split a UTF-8 sequence, cut before its lead byte.
      let lead = end;
      while (lead > 0 && end - lead < 4 && ((bytes[lead - 1] ?? 0) & 0xc0) === 0x80) lead--;
      const leadByte = lead > 0 ? (bytes[lead - 1] ?? 0) : 0;
      if (leadByte >= 0xc0) {
        const expected = leadByte >= 0xf0 ? 4 : leadByte >= 0xe0 ? 3 : 2;
        if (end - (lead - 1) < expected) {
          this.droppedBytes += end - (lead - 1);
          end = lead - 1;
        }
      }
    } else if (lineEnds && end > 0 && bytes[end - 1] === 13) {
      end--;
    }
    let start = 0;
    if (this.first) {
      this.first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    bytes = bytes.subarray(start, end);
    const lineNo = lineEnds ? ++this.lineCount : this.lineCount + 1;
    // What followed a NUL run up to the line's end is a line of its own; when nothing followed, there is none.
    if (bytes.length > 0 || this.droppedBytes > 0 || !this.lineHasNul) {
      // Checked whole, control characters too: this runs once per chunk at most, and a small binary file (an ELF
      // header, a few bytes of a core) is often a single unterminated line of valid UTF-8 and controls.
      this.deliver(bytes.toString('utf8'), lineNo);
    }
    if (this.droppedBytes > 0) this.onLongLine({ lineNo, keptBytes: bytes.length, droppedBytes: this.droppedBytes });
    this.pending = [];
    this.pendingBytes = 0;
    this.droppedBytes = 0;
    if (lineEnds) this.lineHasNul = false;
  }
}
