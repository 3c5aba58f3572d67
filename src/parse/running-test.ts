// Which test was running at a given line of `go test` output: the `Test` of a `go test -json` event, else the
// last `=== RUN`, `=== CONT` or `=== NAME` line of verbose output (`=== PAUSE` hands over to no one yet). A
// package result line (`ok`, `FAIL\tpkg`) ends the package. Plain output without -v never names the running
// test, so nothing is known there. A traceback is diagnosed only when it has ended (often when the next
// package's output has begun), so the changes are kept by line and looked up at the traceback's first line.

import type { LineContext, LineSink } from '../input/lines.js';

const MARKER = /^=== (RUN|CONT|NAME)\s+(\S.*)$/;
const PACKAGE_RESULT = /^(?:FAIL|ok {2})\t\S+/;
/**
 * Changes kept per source. A traceback's lines are contiguous, so the change that matters is one of the last few
 * before it starts; the cap bounds memory on logs of millions of tests with no traceback to ask.
 */
const MAX_CHANGES = 1024;

interface Change {
  /** First line at which `test` runs. */
  line: number;
  test: string | undefined;
}

export class RunningTest implements LineSink {
  /** Per source, the changes in line order. */
  private readonly changes = new Map<string, Change[]>();

  line(text: string, lineNo: number, context: LineContext): void {
    let test: string | undefined;
    if (context.test !== undefined) test = context.test;
    else {
      const c = text.charCodeAt(0);
      if (c === 61 /* = */) {
        const m = MARKER.exec(text);
        if (m?.[2] === undefined) return;
        test = m[2].trim();
      } else if (!((c === 70 /* F */ || c === 111) /* o */ && PACKAGE_RESULT.test(text))) return;
    }
    let list = this.changes.get(context.source);
    if (list === undefined) {
      list = [];
      this.changes.set(context.source, list);
    }
    const last = list[list.length - 1];
    if (last !== undefined && last.test === test) return;
    if (list.length >= MAX_CHANGES) list.splice(0, list.length - MAX_CHANGES / 2);
    list.push({ line: lineNo, test });
  }

  end(context: LineContext): void {
    this.changes.delete(context.source);
  }

  /**
   * The test running in `source` at line `lineNo`. Queries must come in increasing line order per source
   * (tracebacks end in input order): the changes before the answer are dropped, so memory stays bounded.
   */
  at(source: string, lineNo: number): string | undefined {
    const list = this.changes.get(source);
    if (list === undefined) return undefined;
    let found = -1;
    for (let i = 0; i < list.length; i++) {
      const change = list[i];
      if (change === undefined || change.line > lineNo) break;
      found = i;
    }
    if (found === -1) return undefined;
    const test = list[found]?.test;
    if (found > 0) list.splice(0, found);
    return test;
  }
}
