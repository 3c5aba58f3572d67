// The contract between the input stage and the parsers: inputs are read, split into lines and de-prefixed,
// then pushed line by line to one or more sinks. Push, not pull, keeps the hot path free of async iteration.

/** Where a line came from. One object is reused for every line of a stream: copy fields you keep. */
export interface LineContext {
  /** The input's name: a file path, or "-" for standard input. */
  source: string;
  /** The test that printed the line, when the input says so (`go test -json` events). */
  test?: string;
  /** The package that printed the line, when the input says so (`go test -json` events). */
  package?: string;
  /**
   * The source named by a line prefix in an interleaved log (`pod/name/container` from `kubectl logs --prefix`,
   * a compose service, `host unit[pid]` from journald, a file name from `grep -r`). Lines of different streams
   * never belong to one crash, so parsers keep one state per stream. Undefined for unprefixed lines.
   */
  stream?: string;
}

export interface LineSink {
  /** One line without its line terminator and without any log prefix. lineNo is 1-based in the input. */
  line(text: string, lineNo: number, context: LineContext): void;
  /** The input ended; flush anything pending for this source. */
  end(context: LineContext): void;
}
