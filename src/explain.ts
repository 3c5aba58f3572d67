// The explain pipeline: input -> parse -> analyse -> knowledge, returning one plain ExplainResult that every
// renderer reads. The CLI's `explain` command and the `test`/`stress` runners both go through here.

import type { Readable } from 'node:stream';
import { Bucketer, type BucketLevel } from './analyse/buckets.js';
import { classify } from './analyse/classify.js';
import { findCulprit, goroutineCulprit } from './analyse/culprit.js';
import { learnGoroots } from './analyse/stdlib.js';
import { findWaiters } from './analyse/deadlock.js';
import { inferGoVersion, versionAdvice } from './analyse/goversion.js';
import { findLeaks } from './analyse/leaks.js';
import { findModuleRoot, indexSourceTree, sourceContext, type SourceTree } from './analyse/source-context.js';
import { readInputs } from './input/read.js';
import type { LineContext, LineSink } from './input/lines.js';
import { kindEntry } from './knowledge/catalogue.js';
import type { Crash, CrashKind, ExplainResult, Goroutine, Race, Traceback, Waiter } from './model.js';
import { TracebackParser } from './parse/traceback.js';
import { RaceCollector } from './analyse/races.js';
import type { FindingsCache } from './analyse/lint/at.js';

export interface ExplainOptions {
  /** Group goroutines by identical stacks at this level (default: ignore-wait). */
  grouping?: BucketLevel;
  /** Directory of the local source for source context; false for none. Default: the module around cwd. */
  srcDir?: string | false;
  cwd?: string;
  stdin?: Readable;
  /** Goroutines kept per crash for culprit search; the rest are only bucketed (bounded memory). */
  retainGoroutines?: number;
}

// Whole goroutines are kept only for the culprit search (the failing goroutine, main, the test's goroutine all
// come first in a dump); everything else is bucketed as it streams by. Keeping more costs GC time: 10,000 kept
// goroutines made a 200,000-goroutine dump 1.5x slower to explain.
const DEFAULT_RETAINED_GOROUTINES = 1_000;

/** A LineSink that diagnoses everything pushed through it; read the result when the inputs are done. */
export class Explainer implements LineSink {
  private readonly crashes: Crash[] = [];
  private readonly tracebackParser: TracebackParser;
  private readonly raceCollector = new RaceCollector();
  private readonly grouping: BucketLevel;
  private current: { traceback: Traceback; bucketer: Bucketer; crashingGoroutine: number | undefined } | undefined;

  constructor(options: ExplainOptions = {}) {
    this.grouping = options.grouping ?? 'ignore-wait';
    this.tracebackParser = new TracebackParser(
      {
        goroutine: (g, tb) => this.onGoroutine(g, tb),
        traceback: (tb) => this.onTraceback(tb),
      },
      { retainGoroutines: options.retainGoroutines ?? DEFAULT_RETAINED_GOROUTINES },
    );
  }

  line(text: string, lineNo: number, context: LineContext): void {
    this.tracebackParser.line(text, lineNo, context);
    this.raceCollector.line(text, lineNo, context);
  }

  end(context: LineContext): void {
    this.tracebackParser.end(context);
    this.raceCollector.end(context);
  }

  /** Crashes in input order, and distinct races; with a source tree, culprits get their source lines. */
  result(tree?: SourceTree): { crashes: Crash[]; races: Race[] } {
    if (tree === undefined) return { crashes: this.crashes, races: this.raceCollector.races() };
    attachSourceContext(this.crashes, tree);
    const races = this.raceCollector.races({ sourceContext: (file, line) => sourceContext(tree, file, line) });
    return { crashes: this.crashes, races };
  }

  private bucketsFor(tb: Traceback): { bucketer: Bucketer; crashingGoroutine: number | undefined } {
    if (this.current?.traceback !== tb) {
      this.current = { traceback: tb, bucketer: new Bucketer(this.grouping), crashingGoroutine: undefined };
    }
    return this.current;
  }

  private onGoroutine(g: Goroutine, tb: Traceback): void {
    const state = this.bucketsFor(tb);
    // The runtime prints the goroutine that failed first, right after the panic or fatal error header.
    if (state.crashingGoroutine === undefined && hasFailureHeader(tb)) state.crashingGoroutine = g.id;
    state.bucketer.add(g, state.crashingGoroutine);
  }

  private onTraceback(tb: Traceback): void {
    const { bucketer } = this.bucketsFor(tb);
    this.current = undefined;
    this.crashes.push(diagnose(tb, bucketer));
  }
}

function hasFailureHeader(tb: Traceback): boolean {
  return tb.panics.length > 0 || tb.fatalError !== undefined || tb.signal !== undefined || tb.testTimeout !== undefined;
}

const MAP_RACE_KINDS = new Set<CrashKind>([
  'concurrent_map_writes',
  'concurrent_map_read_write',
  'concurrent_map_iteration_write',
  'concurrent_map_clone_write',
]);

/** Goroutines other than the crashing one that were on a CPU or about to be, in user code. */
function runningInUserCode(tb: Traceback, crashing: number | null): Waiter[] {
  const hints = { goroots: learnGoroots(tb) };
  const out: Waiter[] = [];
  for (const g of tb.goroutines) {
    if (g.id === crashing || !(g.state.startsWith('running') || g.state.startsWith('runnable'))) continue;
    const { culprit, fromCreatedBy } = goroutineCulprit(g, hints);
    if (culprit !== null && !fromCreatedBy) out.push({ goroutine: g.id, state: g.state, culprit });
  }
  return out;
}

/** Runtime functions of the map implementation, before and after Go 1.24's swiss maps. */
const MAP_RUNTIME_FRAME = /^(runtime\.map(assign|access|delete|iter|clone)|internal\/runtime\/maps\.)/;

/**
 * A segmentation fault inside the map implementation is how a map corrupted by concurrent writes can die when
 * the runtime's concurrent-write check does not fire first (seen here on Go 1.26: test/rules-exec-message.test.ts
 * accepts both outcomes for the same racing program).
 */
function mapFaultAdvice(kind: CrashKind, tb: Traceback, crashing: number | null): string[] {
  if (kind !== 'unexpected_signal' && kind !== 'nil_pointer_deref') return [];
  const g = tb.goroutines.find((candidate) => candidate.id === crashing) ?? tb.goroutines[0];
  const inMapCode = g?.frames.slice(0, 6).some((frame) => MAP_RUNTIME_FRAME.test(frame.function)) ?? false;
  if (!inMapCode) return [];
  return [
    'The fault is inside the Go map implementation. Unsynchronised concurrent writes can corrupt a map so that it ' +
      'faults like this before the runtime reports "concurrent map writes": look for a map shared between goroutines ' +
      'without a lock, and run the tests with -race.',
  ];
}

/** Turns one parsed traceback and its buckets into a diagnosis. */
export function diagnose(tb: Traceback, bucketer: Bucketer): Crash {
  const { kind, message } = classify(tb);
  const { goroutine, culprit } = findCulprit(tb, kind);
  const buckets = bucketer.buckets();
  const version = inferGoVersion(tb);
  const entry = kindEntry(kind);
  // A fatal error is never recoverable. A panic is, unless the catalogue says this kind's panic is out of reach
  // (a test timeout panics in the testing package's alarm goroutine); 'depends' kinds are decided by the printed
  // form alone (`unlock of unlocked mutex` was a panic in Go 1.7 and 1.9, a fatal error since).
  const printedAsPanic = tb.fatalError === undefined && tb.panics.length > 0;
  const recoverable = printedAsPanic && entry.recoverable !== false;
  return {
    kind,
    title: entry.title,
    message,
    recoverable,
    goroutine,
    culprit,
    goVersion: version.range,
    goroutineCount: tb.goroutineCount,
    buckets,
    leaks: findLeaks(buckets),
    waiters: findWaiters(tb, kind),
    otherSide: MAP_RACE_KINDS.has(kind) ? runningInUserCode(tb, goroutine) : [],
    explanation: entry.explanation,
    advice: [...versionAdvice(kind, tb, version.range), ...mapFaultAdvice(kind, tb, goroutine)],
    fixes: entry.fixes,
    links: entry.links,
    source: { file: tb.source, startLine: tb.startLine, endLine: tb.endLine },
    skipped: tb.skipped,
    truncated: tb.truncated,
  };
}

/** Adds source lines around each culprit, where the printed path maps onto a local file. */
export function attachSourceContext(crashes: Crash[], tree: SourceTree): void {
  for (const crash of crashes) {
    if (crash.culprit === null) continue;
    const context = sourceContext(tree, crash.culprit.file, crash.culprit.line);
    if (context) crash.culpritContext = context;
  }
}

/** Cites the lint findings on each culprit line that maps onto the local source (crash -> hazard). */
export async function attachHazards(crashes: Crash[], tree: SourceTree): Promise<void> {
  if (!crashes.some((crash) => crash.culpritContext !== undefined)) return;
  // Loaded only when there is source to lint: the Go parser is not needed to read a log.
  const { findingsAt } = await import('./analyse/lint/at.js');
  const { ruleByName } = await import('./analyse/lint/registry.js');
  const cache: FindingsCache = new Map();
  for (const crash of crashes) {
    const local = crash.culpritContext?.localFile;
    if (local === undefined || crash.culprit === null) continue;
    const findings = await findingsAt(tree.root, local, crash.culprit.line, { cache });
    if (findings.length === 0) continue;
    crash.hazards = findings.map((f) => ({
      rule: f.rule,
      title: ruleByName(f.rule)?.meta.title ?? f.rule,
      severity: f.severity,
      file: f.file,
      line: f.line,
      message: f.message,
    }));
  }
}

/** The local source tree to cite: an explicit --src, else the Go module around cwd, else none. */
export function openSourceTree(srcDir: string | false | undefined, cwd: string): SourceTree | undefined {
  if (srcDir === false) return undefined;
  const root = srcDir ?? findModuleRoot(cwd);
  return root === undefined ? undefined : indexSourceTree(root);
}

/** Reads the inputs (files, directories, .gz, "-") and diagnoses every crash, dump and race in them. */
export async function explain(inputs: string[], options: ExplainOptions = {}): Promise<ExplainResult> {
  const explainer = new Explainer(options);
  const report = await readInputs(inputs, explainer, options.stdin ? { stdin: options.stdin } : {});
  const tree = openSourceTree(options.srcDir, options.cwd ?? process.cwd());
  const { crashes, races } = explainer.result(tree);
  if (tree !== undefined) await attachHazards(crashes, tree);
  return { schemaVersion: 1, crashes, races, inputs: report.inputs, skipped: report.skipped };
}
