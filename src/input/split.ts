// Splits a byte stream into lines without ever holding more than one chunk plus one capped line in memory.
// Decoding happens only between `\n` bytes, which never occur inside a UTF-8 multi-byte sequence, so a character
// split across two chunks is decoded whole.

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** A line longer than the cap: its head was kept, the rest dropped. */
export interface LongLine {
  lineNo: number;
  keptBytes: number;
  droppedBytes: number;
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

  constructor(
    private readonly emit: (text: string, lineNo: number) => void,
    private readonly onLongLine: (info: LongLine) => void,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** Splits `chunk`; the chunk may be reused by the caller after this returns. */
  push(chunk: Buffer): void {
    const length = chunk.length;
    if (length === 0) return;
    this.byteCount += length;
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.keep(chunk, 0, length);
      return;
    }
    let from = 0;
    if (this.pendingBytes > 0 || this.droppedBytes > 0) {
      const firstNewline = chunk.indexOf(10);
      this.keep(chunk, 0, firstNewline);
      this.finishPending();
      from = firstNewline + 1;
    }
    if (from <= last) this.splitRegion(chunk, from, last);
    if (last + 1 < length) this.keep(chunk, last + 1, length);
  }

  /** The input ended: an unterminated last line is still a line. */
  finish(): void {
    if (this.pendingBytes > 0 || this.droppedBytes > 0) this.finishPending();
  }

  /** Emits the lines in chunk[from, end) where chunk[end] is `\n`. */
  private splitRegion(chunk: Buffer, from: number, end: number): void {
    const text = chunk.toString('utf8', from, end);
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
        this.emit(text.slice(start, start + max), lineNo);
        this.onLongLine({
          lineNo,
          keptBytes: Buffer.byteLength(text.slice(start, start + max)),
          droppedBytes: dropped,
        });
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

  private finishPending(): void {
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
    } else if (end > 0 && bytes[end - 1] === 13) {
      end--;
    }
    let start = 0;
    if (this.first) {
      this.first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    bytes = bytes.subarray(start, end);
    const lineNo = ++this.lineCount;
    this.emit(bytes.toString('utf8'), lineNo);
    if (this.droppedBytes > 0) this.onLongLine({ lineNo, keptBytes: bytes.length, droppedBytes: this.droppedBytes });
    this.pending = [];
    this.pendingBytes = 0;
    this.droppedBytes = 0;
  }
}
