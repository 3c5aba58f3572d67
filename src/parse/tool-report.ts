// Reports printed by other Go concurrency tools, which are not Go tracebacks and so were passed over:
//
// - go.uber.org/goleak (v1.3.0, goleak.VerifyNone / VerifyTestMain): `found unexpected goroutines:` followed by
//   one block per goroutine, `[Goroutine 7 in state chan receive, with pkg.f on top of the stack:`, its frames as
//   the runtime prints them, and `]`. In `go test` output every line is indented under the test's name.
// - github.com/sasha-s/go-deadlock (v0.3.9, deadlock.go): `POTENTIAL DEADLOCK:` then one of
//   `Inconsistent locking. saw this ordering in one goroutine:` (`happened before` / `happened after` stacks),
//   `Recursive locking:` (`current goroutine N lock 0x..`), or `Previous place where the lock was grabbed` and
//   `Have been trying to lock it again for more than 30s` (a lock held too long). Its frames are one line each:
//   `dir/file.go:18 pkg.func { source line } <<<<<`.
// - golang.org/x/tools/cmd/stress (v0.52.0): for every failed run the path of the file holding its output, the
//   first 2 KiB of that output (a Go crash in it is read by the traceback parser as usual) and
//   `ERROR: exit status 2`; every 5 s and at the end `5s: 120 runs so far, 3 failures (2.50%)` (`runs total`).
// This parser only records what was printed; analyse/tool-findings.ts decides culprits.

import type { LineContext, LineSink } from '../input/lines.js';
import type { Location, ToolFindingKind, ToolName } from '../model.js';
import { parseFileLine, parseFunctionLine } from './frame.js';

/** One goroutine or lock site a tool printed. */
export interface ToolSite {
  /** What the tool says about it: "leaked goroutine", "happened after", "waiting for the lock", ... */
  role: string;
  goroutine: number | null;
  state?: string;
  /** Leaf first. */
  frames: Location[];
}

export interface ToolReportText {
  tool: ToolName;
  finding: ToolFindingKind;
  /** The tool's headline as printed. */
  message: string;
  sites: ToolSite[];
  source: string;
  startLine: number;
  endLine: number;
  /** stress: runs and failed runs at the last status line, and the first error line of each failed run. */
  runs?: number;
  failures?: number;
  errors?: string[];
}

const GOLEAK_HEADER = /^\[Goroutine (\d+) in state ([^,]+), with .* on top of the stack:$/;
const DEADLOCK_FRAME = /^(\S+\.go):(\d+) (\S+) \{.*\}( <<<<<)?$/;
const STRESS_STATUS =
  /^(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?m?s: (\d+) runs (?:so far|total), (\d+) failures(?: \(\d+\.\d+%\))?/;
/** CreateTemp adds decimal digits to the `-o` prefix (default `$TMPDIR/go-stress-20060102T150405-`). */
const STRESS_FILE = /(?:^|\/)go-stress-[0-9T-]*\d$/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function mayStartReport(raw: string): boolean {
  const n = raw.length;
  if (n < 10) return false;
  const first = raw.charCodeAt(0);
  if (first === 9) return false; // a frame's file line
  let end = n - 1;
  while (end > 0 && (raw.charCodeAt(end) === 32 || raw.charCodeAt(end) === 13)) end--;
  const last = raw.charCodeAt(end);
  if (last === 58 /* : */) return raw.includes('found unexpected goroutines:') || raw.includes('POTENTIAL DEADLOCK:');
  if (isDigit(first) && raw.includes(' runs ')) return true;
  return isDigit(last) && raw.includes('go-stress-');
}

/** Collects tool reports line by line; `reports()` when the input is done. */
export class ToolReportParser implements LineSink {
  private readonly done: ToolReportText[] = [];
  private current: ToolReportText | null = null;
  private site: ToolSite | null = null;
  /** goleak: the function line waiting for its file line. */
  private pendingFunction: string | null = null;
  private deadlockRole = '';
  private stress: ToolReportText | null = null;

  line(raw: string, lineNo: number, context: LineContext): void {
    // Nearly every line of a large dump is a frame line; outside a report, only lines that could start one are
    // looked at: `POTENTIAL DEADLOCK:`, goleak's headline (ends in `:`), a stress status line (starts with a
    // digit) or a stress output file (ends with a digit and names go-stress-).
    if (this.current === null && this.stress === null && !mayStartReport(raw)) return;
    const text = raw.trim();
    if (text.length === 0) {
      if (this.current?.tool === 'go-deadlock') this.site = null;
      return;
    }
    if (this.stressLine(text, lineNo, context)) return;
    const leak = text.indexOf('found unexpected goroutines:');
    if (leak !== -1) {
      this.finish();
      this.current = this.start('goleak', 'goroutine_leak', text.slice(leak), lineNo, context);
      return;
    }
    if (text.startsWith('POTENTIAL DEADLOCK:')) {
      this.finish();
      const rest = text.slice(19).trim();
      const finding: ToolFindingKind = rest.startsWith('Inconsistent locking')
        ? 'lock_order'
        : rest.startsWith('Recursive locking')
          ? 'recursive_lock'
          : 'lock_timeout';
      this.current = this.start('go-deadlock', finding, text, lineNo, context);
      this.deadlockRole = finding === 'lock_order' ? 'first goroutine' : '';
      return;
    }
    const report = this.current;
    if (report === null) return;
    if (report.tool === 'goleak') this.goleakLine(report, text, lineNo);
    else this.deadlockLine(report, text, lineNo);
  }

  end(_context: LineContext): void {
    this.finish();
    this.finishStress();
  }

  /** No report is being read: only a line that starts one would be looked at. */
  idle(): boolean {
    return this.current === null && this.stress === null;
  }

  reports(): ToolReportText[] {
    return this.done;
  }

  private start(tool: ToolName, finding: ToolFindingKind, message: string, lineNo: number, context: LineContext) {
    this.site = null;
    this.pendingFunction = null;
    return { tool, finding, message, sites: [], source: context.source, startLine: lineNo, endLine: lineNo };
  }

  private goleakLine(report: ToolReportText, text: string, lineNo: number): void {
    const header = GOLEAK_HEADER.exec(text);
    if (header !== null) {
      this.site = { role: 'leaked goroutine', goroutine: Number(header[1]), state: header[2] ?? '', frames: [] };
      report.sites.push(this.site);
      report.endLine = lineNo;
      return;
    }
    const site = this.site;
    if (site === null) {
      // Anything but a goroutine block right after the headline ends the report.
      if (report.sites.length > 0) this.finish();
      return;
    }
    if (text === ']') {
      this.site = null;
      report.endLine = lineNo;
      return;
    }
    const file = parseFileLine(text);
    if (file !== null && this.pendingFunction !== null) {
      site.frames.push({ function: this.pendingFunction, file: file.file, line: file.line });
      this.pendingFunction = null;
      report.endLine = lineNo;
      return;
    }
    const fn = parseFunctionLine(text);
    if (fn !== null) {
      this.pendingFunction = fn.function;
      report.endLine = lineNo;
    }
  }

  private deadlockLine(report: ToolReportText, text: string, lineNo: number): void {
    const frame = DEADLOCK_FRAME.exec(text);
    if (frame !== null) {
      if (this.site === null) {
        this.site = { role: this.deadlockRole || 'lock', goroutine: null, frames: [] };
        report.sites.push(this.site);
      }
      this.site.frames.push({ function: frame[3] ?? '', file: frame[1] ?? '', line: Number(frame[2]) });
      report.endLine = lineNo;
      return;
    }
    const roles: [RegExp, string][] = [
      [/^happened before$/, 'holds the first lock'],
      [/^happened after$/, 'then takes the second lock'],
      [/^in another goroutine: happened before$/, 'other goroutine holds'],
      [/^Previous place where the lock was grabbed/, 'holds the lock'],
      [/^Have been trying to lock it again/, 'waiting for the lock'],
      [/^current goroutine \d+ lock/, 'locks again'],
      [/^Other goroutines holding locks:$/, 'other holder'],
    ];
    for (const [re, role] of roles) {
      if (!re.test(text)) continue;
      this.deadlockRole = role;
      this.site = null;
      report.endLine = lineNo;
      if (role === 'waiting for the lock') report.message = `${report.message} ${text}`;
      const id = /goroutine (\d+) lock/.exec(text);
      if (id !== null) this.pendingGoroutine(report, Number(id[1]));
      return;
    }
    const holder = /^goroutine (\d+) lock 0x[0-9a-f]+$/.exec(text);
    if (holder !== null) {
      this.pendingGoroutine(report, Number(holder[1]));
      report.endLine = lineNo;
      return;
    }
    // `Here is what goroutine N doing now` and `All current goroutines:` are followed by ordinary goroutine
    // dumps, which the traceback parser reads; the report ends here.
    this.finish();
  }

  /** The next site opened belongs to goroutine id. */
  private pendingGoroutine(report: ToolReportText, id: number): void {
    this.site = { role: this.deadlockRole || 'lock', goroutine: id, frames: [] };
    report.sites.push(this.site);
  }

  private stressLine(text: string, lineNo: number, context: LineContext): boolean {
    if (STRESS_FILE.test(text)) {
      this.finish();
      this.stress ??= {
        tool: 'stress',
        finding: 'stress_failures',
        message: '',
        sites: [],
        source: context.source,
        startLine: lineNo,
        endLine: lineNo,
        errors: [],
      };
      this.stress.failures = (this.stress.failures ?? 0) + 1;
      this.stress.endLine = lineNo;
      return true;
    }
    const stress = this.stress;
    if (stress !== null && text.startsWith('ERROR: ')) {
      stress.errors?.push(text.slice(7));
      stress.endLine = lineNo;
      return true;
    }
    const status = STRESS_STATUS.exec(text);
    if (status === null) return false;
    const runs = Number(status[1]);
    const failures = Number(status[2]);
    if (failures === 0) return true;
    const report = (this.stress ??= {
      tool: 'stress',
      finding: 'stress_failures',
      message: '',
      sites: [],
      source: context.source,
      startLine: lineNo,
      endLine: lineNo,
      errors: [],
    });
    report.runs = runs;
    report.failures = failures;
    report.message = text;
    report.endLine = lineNo;
    if (/ runs total, /.test(text)) this.finishStress();
    return true;
  }

  private finish(): void {
    if (this.current !== null && (this.current.tool !== 'goleak' || this.current.sites.length > 0)) {
      this.done.push(this.current);
    }
    this.current = null;
    this.site = null;
    this.pendingFunction = null;
  }

  private finishStress(): void {
    const stress = this.stress;
    this.stress = null;
    if (stress === null) return;
    if (stress.message === '') stress.message = `${stress.failures ?? 0} failed run(s); the status line is missing`;
    this.done.push(stress);
  }
}
