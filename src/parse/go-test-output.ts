// Which tests ran and failed in one run, read from the `--- PASS|FAIL|SKIP: Name (1.23s)` lines the testing
// package prints (in plain, -v and -json output alike, since `go test -json` carries them as Output). Without
// -json the package is only named afterwards (`FAIL\tpkg\t0.1s` / `ok  \tpkg`), so results wait for that line.

import type { LineContext, LineSink } from '../input/lines.js';

export interface TestOutcome {
  package: string;
  name: string;
  failed: boolean;
}

const RESULT = /^\s*--- (PASS|FAIL|SKIP): (\S+)/;
const PACKAGE_RESULT = /^(?:FAIL|ok {2})\t(\S+)/;

export class TestResults implements LineSink {
  readonly outcomes: TestOutcome[] = [];
  /** Results whose package is not known yet, per input source. */
  private readonly pending = new Map<string, { name: string; failed: boolean }[]>();

  line(text: string, _lineNo: number, context: LineContext): void {
    const c = text.charCodeAt(0);
    if (c === 45 /* - */ || c === 32 /* space */) {
      const m = RESULT.exec(text);
      if (m === null || m[1] === 'SKIP') return;
      const result = { name: m[2] ?? '', failed: m[1] === 'FAIL' };
      if (context.package !== undefined) {
        this.outcomes.push({ package: context.package, ...result });
        return;
      }
      let list = this.pending.get(context.source);
      if (list === undefined) {
        list = [];
        this.pending.set(context.source, list);
      }
      list.push(result);
      return;
    }
    if (c === 70 /* F */ || c === 111 /* o */) {
      const m = PACKAGE_RESULT.exec(text);
      if (m === null) return;
      this.release(context.source, context.package ?? m[1] ?? '');
    }
  }

  end(context: LineContext): void {
    this.release(context.source, '');
  }

  private release(source: string, pkg: string): void {
    const list = this.pending.get(source);
    if (list === undefined) return;
    this.pending.delete(source);
    for (const result of list) this.outcomes.push({ package: pkg, ...result });
  }
}
