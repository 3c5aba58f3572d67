// The explain pipeline: input -> parse -> analyse -> knowledge, returning one plain ExplainResult that every
// renderer reads. The CLI's `explain` command and the `test`/`stress` runners both go through here.

import type { Readable } from 'node:stream';
import { Bucketer, type BucketDetail, type BucketLevel } from './analyse/buckets.js';
import { classify } from './analyse/classify.js';
import { findCulprit } from './analyse/culprit.js';
import { mapFaultAdvice, otherSide } from './analyse/map-race.js';
import { findWaiters } from './analyse/deadlock.js';
import { inferGoVersion, versionAdvice } from './analyse/goversion.js';
import { findLeaks } from './analyse/leaks.js';
import { findModuleRoot, indexSourceTree, sourceContext, type SourceTree } from './analyse/source-context.js';
import { readInputs } from './input/read.js';
import type { LineContext, LineSink } from './input/lines.js';
import { kindEntry } from './knowledge/catalogue.js';
import type { Crash, ExplainResult, Goroutine, Race, Traceback } from './model.js';
import { TracebackParser } from './parse/traceback.js';
import { RunningTest } from './parse/running-test.js';
import { attributeCrash } from './analyse/attribution.js';
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
  /** Parse race reports too (default true); false when the caller collects races itself (test, stress). */
  races?: boolean;
}

// Whole goroutines are kept only for the culprit search (the failing goroutine, main, the test's goroutine all
// come first in a dump); everything else is bucketed as it streams by. Keeping more costs GC time: 10,000 kept
// goroutines made a 200,000-goroutine dump 1.5x slower to explain.
const DEFAULT_RETAINED_GOROUTINES = 1_000;

/** A LineSink that diagnoses everything pushed through it; read the result when the inputs are done. */
export class Explainer implements LineSink {
  private readonly crashes: Crash[] = [];
  private readonly tracebackParser: TracebackParser;
  private readonly raceCollector: RaceCollector | undefined;
  private readonly runningTest = new RunningTest();
  private readonly grouping: BucketLevel;
  private readonly retainGoroutines: number;
  /**
   * The current traceback's buckets, and the bucket of each goroutine the parser keeps (the ones the culprit
   * search sees), so the bucket of the goroutine the diagnosis names can be marked afterwards.
   */
  private current: { traceback: Traceback; bucketer: Bucketer; bucketOf: Map<number, BucketDetail> } | undefined;

  constructor(options: ExplainOptions = {}) {
    this.grouping = options.grouping ?? 'ignore-wait';
    this.retainGoroutines = options.retainGoroutines ?? DEFAULT_RETAINED_GOROUTINES;
    if (options.races !== false) this.raceCollector = new RaceCollector();
    this.tracebackParser = new TracebackParser(
      {
        goroutine: (g, tb) => this.onGoroutine(g, tb),
        traceback: (tb) => this.onTraceback(tb),
      },
      { retainGoroutines: this.retainGoroutines },
    );
  }

  line(text: string, lineNo: number, context: LineContext): void {
    this.runningTest.line(text, lineNo, context);
    this.tracebackParser.line(text, lineNo, context);
    this.raceCollector?.line(text, lineNo, context);
  }

  end(context: LineContext): void {
    this.tracebackParser.end(context);
    this.runningTest.end(context);
    this.raceCollector?.end(context);
  }

  /** Crashes in input order, and distinct races; with a source tree, culprits get their source lines. */
  result(tree?: SourceTree): { crashes: Crash[]; races: Race[] } {
    const collector = this.raceCollector;
    if (tree === undefined) return { crashes: this.crashes, races: collector?.races() ?? [] };
    attachSourceContext(this.crashes, tree);
    const races = collector?.races({ sourceContext: (file, line) => sourceContext(tree, file, line) }) ?? [];
    return { crashes: this.crashes, races };
  }

  private bucketsFor(tb: Traceback): { bucketer: Bucketer; bucketOf: Map<number, BucketDetail> } {
    if (this.current?.traceback !== tb) {
      this.current = { traceback: tb, bucketer: new Bucketer(this.grouping), bucketOf: new Map() };
    }
    return this.current;
  }

  private onGoroutine(g: Goroutine, tb: Traceback): void {
    const state = this.bucketsFor(tb);
    const bucket = state.bucketer.add(g);
    if (state.bucketOf.size < this.retainGoroutines) state.bucketOf.set(g.id, bucket);
  }

  private onTraceback(tb: Traceback): void {
    const { bucketer, bucketOf } = this.bucketsFor(tb);
    this.current = undefined;
    this.crashes.push(diagnose(tb, bucketer, bucketOf, this.runningTest.at(tb.source, tb.startLine)));
  }
}

/** Turns one parsed traceback and its buckets into a diagnosis. */
export function diagnose(
  tb: Traceback,
  bucketer: Bucketer,
  bucketOf?: ReadonlyMap<number, BucketDetail>,
  runningTest?: string,
): Crash {
  const { kind, message } = classify(tb);
  const { goroutine, culprit } = findCulprit(tb, kind);
  // The named goroutine's group leads the list, except in a plain dump, where no goroutine failed.
  const named = goroutine === null || kind === 'goroutine_dump' ? undefined : bucketOf?.get(goroutine);
  if (named !== undefined && goroutine !== null) bucketer.markCrashing(named, goroutine);
  const buckets = bucketer.buckets();
  const version = inferGoVersion(tb);
  const entry = kindEntry(kind);
  // A fatal error is never recoverable. A panic is, unless the catalogue says this kind's panic is out of reach
  // (a test timeout panics in the testing package's alarm goroutine); 'depends' kinds are decided by the printed
  // form alone (`unlock of unlocked mutex` was a panic in Go 1.7 and 1.9, a fatal error since).
  const printedAsPanic = tb.fatalError === undefined && tb.panics.length > 0;
  const recoverable = printedAsPanic && entry.recoverable !== false;
  const crash: Crash = {
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
    otherSide: otherSide(kind, tb, goroutine),
    explanation: entry.explanation,
    advice: [...versionAdvice(kind, tb, version.range), ...mapFaultAdvice(kind, tb, goroutine)],
    fixes: entry.fixes,
    links: entry.links,
    source: { file: tb.source, startLine: tb.startLine, endLine: tb.endLine },
    skipped: tb.skipped,
    truncated: tb.truncated,
  };
  // A dump or a test timeout is not a goroutine's failure: there is no goroutine whose test to blame.
  if (kind !== 'goroutine_dump' && kind !== 'test_timeout') {
    const test = attributeCrash(tb, goroutine, runningTest);
    if (test !== undefined) crash.test = test;
  }
  return crash;
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
