// The explain pipeline: input -> parse -> analyse -> knowledge, returning one plain ExplainResult that every
// renderer reads. The CLI's `explain` command and the `test`/`stress` runners both go through here.

import { readFileSync } from 'node:fs';
import { Grouper, type GroupDetail, type GroupLevel } from './analyse/goroutine-groups.js';
import { classify } from './analyse/classify.js';
import { CrashFolder } from './analyse/fold.js';
import { findCulprit } from './analyse/culprit.js';
import { mapFaultAdvice, otherSide } from './analyse/map-race.js';
import { findWaiters } from './analyse/deadlock.js';
import { inferGoVersion, versionAdvice } from './analyse/goversion.js';
import { findLeaks } from './analyse/leaks.js';
import { findModuleRoot } from './source/go-mod.js';
import { indexSourceTree, sourceContext, type SourceTree } from './source/source-tree.js';
import { findDeferredRelease, type ReleaseMethod } from './source/deferred-release.js';
import { splitSourceLines } from './source/code-frame.js';
import { crashFingerprint } from './analyse/fingerprint.js';
import { countDistinctCrashes } from './analyse/fleet.js';
import { readInputs } from './input/read.js';
import type { LineContext, LineSink } from './input/lines.js';
import { kindEntry } from './knowledge/catalogue.js';
import type { Crash, CrashSource, ExplainResult, Goroutine, Race, Traceback, ToolReport } from './model.js';
import { createPasteRepair } from './parse/pasted.js';
import { createRegionPool, hasLabels, type ParsedRegion, type RegionPoolOptions } from './explain-region.js';
import { TracebackParser } from './parse/traceback.js';
import { diagnoseToolReport } from './analyse/tool-findings.js';
import { ToolReportParser } from './parse/tool-report.js';
import { RunningTest } from './parse/running-test.js';
import { attributeCrash } from './analyse/attribution.js';
import { RaceCollector } from './analyse/race-groups.js';
import type { FindingsCache } from './lint/findings-at.js';

export interface ExplainOptions {
  /** Group goroutines by identical stacks at this level (default: ignore-wait). */
  grouping?: GroupLevel;
  /** Directory of the local source for source context; false for none. Default: the module around cwd. */
  srcDir?: string | false;
  cwd?: string;
  /** What `-` reads (default: process.stdin). */
  stdin?: AsyncIterable<Uint8Array | string>;
  /** Goroutines kept per crash for culprit search; the rest are only grouped (bounded memory). */
  retainGoroutines?: number;
  /** Parse race reports too (default true); false when the caller collects races itself (test, stress). */
  races?: boolean;
  /** Only goroutines carrying all of these pprof labels are grouped (Go >= 1.27 prints labels in headers). */
  labelFilter?: Record<string, string>;
  /** Goroutines with different values of this pprof label are never grouped together. */
  groupByLabel?: string;
  /** Worker threads for the goroutines of large dumps; 0 reads everything on this thread. */
  threads?: number;
  /** When and how large files are split for the worker threads (see explain-region.ts). */
  regions?: RegionPoolOptions;
}

// Whole goroutines are kept only for the culprit search (the failing goroutine, main, the test's goroutine all
// come first in a dump); everything else is grouped as it streams by. Keeping more costs GC time: 10,000 kept
// goroutines made a 200,000-goroutine dump 1.5x slower to explain.
const DEFAULT_RETAINED_GOROUTINES = 1_000;

/** The crash parser of one stream of lines, and the goroutine groups of the traceback it is in. */
interface StreamParser {
  parser: TracebackParser;
  /**
   * The current traceback's groups, and the group of each goroutine the parser keeps (the ones the culprit
   * search sees), so the group of the goroutine the diagnosis names can be marked afterwards.
   */
  current: { traceback: Traceback; grouper: Grouper; groupOf: Map<number, GroupDetail> } | undefined;
}

/**
 * A LineSink that diagnoses everything pushed through it; read the result when the inputs are done. Lines of
 * different streams (pods, services, units, `go test -json` packages: see LineContext) are parsed apart, so one
 * pod's goroutine never joins another pod's crash. Identical crashes fold into one entry as they are found.
 */
export class Explainer implements LineSink {
  private readonly folder = new CrashFolder();
  private readonly streams = new Map<string, StreamParser>();
  /** The stream of the previous line: consecutive lines almost always share it, so no key is built for them. */
  private last:
    { source: string; package: string | undefined; stream: string | undefined; parser: StreamParser } | undefined;
  private readonly raceCollector: RaceCollector | undefined;
  private readonly grouping: GroupLevel;
  private readonly retainGoroutines: number;
  /** Which test was running at each line (`=== RUN`, `go test -json`), for blaming crashes on tests. */
  private readonly runningTest = new RunningTest();
  /**
   * Undoes pasting and logging damage before the parsers see a line; one per interleaved stream, so that lines of
   * another pod never take part in repairing this one's.
   */
  private readonly repairs = new Map<string, LineSink & { quiet(): boolean }>();
  /** The repair of the previous line's stream, found without building its key (as `last` for the parsers). */
  private lastRepair:
    | {
        source: string;
        package: string | undefined;
        stream: string | undefined;
        repair: LineSink & { quiet(): boolean };
      }
    | undefined;
  private readonly toolReports = new ToolReportParser();
  private readonly labelFilter: Record<string, string> | undefined;
  private readonly groupByLabel: string | undefined;

  constructor(options: ExplainOptions = {}) {
    this.grouping = options.grouping ?? 'ignore-wait';
    this.retainGoroutines = options.retainGoroutines ?? DEFAULT_RETAINED_GOROUTINES;
    this.labelFilter = options.labelFilter;
    this.groupByLabel = options.groupByLabel;
    if (options.races !== false) this.raceCollector = new RaceCollector();
  }

  line(text: string, lineNo: number, context: LineContext): void {
    const last = this.lastRepair;
    if (
      last !== undefined &&
      last.stream === context.stream &&
      last.source === context.source &&
      last.package === context.package
    ) {
      last.repair.line(text, lineNo, context);
      return;
    }
    const key = `${context.source}\u0000${context.package ?? ''}\u0000${context.stream ?? ''}`;
    let repair = this.repairs.get(key);
    if (repair === undefined) {
      repair = createPasteRepair({
        line: (t, n, c) => this.parseLine(t, n, c),
        end: () => undefined, // the parsers end once per input, in end()
      });
      this.repairs.set(key, repair);
    }
    this.lastRepair = { source: context.source, package: context.package, stream: context.stream, repair };
    repair.line(text, lineNo, context);
  }

  end(context: LineContext): void {
    this.lastRepair = undefined;
    const prefix = `${context.source}\u0000`;
    for (const [key, repair] of this.repairs) {
      if (!key.startsWith(prefix)) continue;
      repair.end(context);
      this.repairs.delete(key);
    }
    this.parseEnd(context);
  }

  /** A line after paste repair: to its stream's crash parser, the race collector and the tool-report parser. */
  private parseLine(text: string, lineNo: number, context: LineContext): void {
    this.runningTest.line(text, lineNo, context);
    this.streamParser(context).parser.line(text, lineNo, context);
    this.raceCollector?.line(text, lineNo, context);
    this.toolReports.line(text, lineNo, context);
  }

  private parseEnd(context: LineContext): void {
    const prefix = `${context.source}\u0000`;
    for (const [key, stream] of this.streams) {
      if (!key.startsWith(prefix)) continue;
      stream.parser.end(context);
      this.streams.delete(key);
    }
    this.last = undefined;
    this.runningTest.end(context);
    this.raceCollector?.end(context);
    this.toolReports.end(context);
  }

  /**
   * Takes goroutines a worker parsed from the lines that come next (see explain-region.ts) as if they had been
   * pushed here. Only when no parser is in the middle of anything those lines could matter to: the paste repair has
   * learned nothing, no race or tool report is open, and the traceback in progress is among its goroutines with all
   * it keeps already kept. False, with nothing changed, otherwise: then the lines are pushed as usual.
   */
  applyRegion(region: ParsedRegion, firstLineNo: number, context: LineContext): boolean {
    if (context.package !== undefined || context.stream !== undefined || context.test !== undefined) return false;
    const key = `${context.source}\u0000\u0000`;
    const repair = this.repairs.get(key);
    const stream = this.streams.get(key);
    if (repair === undefined || !repair.quiet() || stream?.current === undefined) return false;
    if (stream.current.groupOf.size < this.retainGoroutines) return false;
    if ((this.raceCollector !== undefined && !this.raceCollector.idle()) || !this.toolReports.idle()) return false;
    const grouper = stream.current.grouper;
    if (!stream.parser.appendGoroutines(region.ids, firstLineNo + region.lastLine - 1)) return false;
    for (const { first, group } of region.groups) grouper.merge(first, group);
    return true;
  }

  /** Reports of goleak, go-deadlock and x/tools/cmd/stress, diagnosed. */
  toolReportResults(): ToolReport[] {
    return this.toolReports.reports().map(diagnoseToolReport);
  }

  /** Distinct crashes in the order found, and distinct races; with a source tree, culprits get their source lines. */
  result(tree?: SourceTree): { crashes: Crash[]; races: Race[] } {
    const collector = this.raceCollector;
    const crashes = this.folder.crashes();
    if (tree === undefined) return { crashes, races: collector?.races() ?? [] };
    attachSourceContext(crashes, tree);
    const races = collector?.races({ sourceContext: (file, line) => sourceContext(tree, file, line) }) ?? [];
    return { crashes, races };
  }

  private streamParser(context: LineContext): StreamParser {
    const last = this.last;
    if (
      last !== undefined &&
      last.stream === context.stream &&
      last.source === context.source &&
      last.package === context.package
    )
      return last.parser;
    const key = `${context.source}\u0000${context.package ?? ''}\u0000${context.stream ?? ''}`;
    let stream = this.streams.get(key);
    if (stream === undefined) {
      const created: StreamParser = {
        parser: new TracebackParser(
          {
            goroutine: (g, tb) => this.onGoroutine(created, g, tb),
            traceback: (tb) => this.onTraceback(created, tb),
          },
          { retainGoroutines: this.retainGoroutines },
        ),
        current: undefined,
      };
      stream = created;
      this.streams.set(key, stream);
    }
    this.last = { source: context.source, package: context.package, stream: context.stream, parser: stream };
    return stream;
  }

  private groupsFor(stream: StreamParser, tb: Traceback): { grouper: Grouper; groupOf: Map<number, GroupDetail> } {
    if (stream.current?.traceback !== tb) {
      const grouper = new Grouper(this.grouping, undefined, this.groupByLabel);
      stream.current = { traceback: tb, grouper, groupOf: new Map() };
    }
    return stream.current;
  }

  private onGoroutine(stream: StreamParser, g: Goroutine, tb: Traceback): void {
    const state = this.groupsFor(stream, tb);
    if (this.labelFilter !== undefined && !hasLabels(g, this.labelFilter)) return;
    const group = state.grouper.add(g);
    if (state.groupOf.size < this.retainGoroutines) state.groupOf.set(g.id, group);
  }

  private onTraceback(stream: StreamParser, tb: Traceback): void {
    const { grouper, groupOf } = this.groupsFor(stream, tb);
    stream.current = undefined;
    this.folder.add(diagnose(tb, grouper, groupOf, this.runningTest.at(tb.source, tb.startLine)));
  }
}

/** Turns one parsed traceback and its groups into a diagnosis. */
export function diagnose(
  tb: Traceback,
  grouper: Grouper,
  groupOf?: ReadonlyMap<number, GroupDetail>,
  runningTest?: string,
): Crash {
  const { kind, message } = classify(tb);
  const { goroutine, culprit } = findCulprit(tb, kind);
  // The named goroutine's group leads the list, except in a plain dump, where no goroutine failed.
  const named = goroutine === null || kind === 'goroutine_dump' ? undefined : groupOf?.get(goroutine);
  if (named !== undefined && goroutine !== null) grouper.markCrashing(named, goroutine);
  const groups = grouper.groups();
  const version = inferGoVersion(tb);
  const entry = kindEntry(kind);
  // A fatal error is never recoverable. A panic is, unless the catalogue says this kind's panic is out of reach
  // (a test timeout panics in the testing package's alarm goroutine); 'depends' kinds are decided by the printed
  // form alone (`unlock of unlocked mutex` was a panic in Go 1.7 and 1.9, a fatal error since).
  const printedAsPanic = tb.fatalError === undefined && tb.panics.length > 0;
  const recoverable = printedAsPanic && entry.recoverable !== false;
  const crash: Crash = {
    kind,
    fingerprint: crashFingerprint({ kind, groups, goroutine, culprit }),
    title: entry.title,
    message,
    recoverable,
    goroutine,
    culprit,
    goVersion: version.range,
    goroutineCount: tb.goroutineCount,
    groups,
    leaks: findLeaks(groups),
    waiters: findWaiters(tb, kind),
    otherSide: otherSide(kind, tb, goroutine),
    explanation: entry.explanation,
    advice: [...versionAdvice(kind, tb, version.range), ...mapFaultAdvice(kind, tb, goroutine)],
    fixes: entry.fixes,
    links: entry.links,
    source: crashSource(tb),
    occurrences: 1,
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

function crashSource(tb: Traceback): CrashSource {
  const source: CrashSource = { file: tb.source, startLine: tb.startLine, endLine: tb.endLine };
  if (tb.stream !== undefined) source.stream = tb.stream;
  return source;
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
  const { findingsAt } = await import('./lint/findings-at.js');
  const { ruleByName } = await import('./lint/driver/rule-registry.js');
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

/** The release a deferred call repeated: what `unlock of unlocked` / `negative WaitGroup counter` says was undone. */
function releaseMethod(crash: Crash): ReleaseMethod | undefined {
  if (crash.kind === 'negative_waitgroup') return 'Done';
  if (crash.kind !== 'unlock_of_unlocked') return undefined;
  return crash.message.includes('RUnlock') ? 'RUnlock' : 'Unlock';
}

/**
 * When the culprit frame is the wrapper that ran a deferred call (Go 1.21 names it `F.func1` and shows it with
 * GOTRACEBACK=system), the line where F left: the next frame, F itself. Undefined for any other culprit.
 */
function exitOfDeferredCall(crash: Crash): number | undefined {
  const culprit = crash.culprit;
  if (culprit === null || !/\.func\d+$/.test(culprit.function)) return undefined;
  const frames = crash.groups.find((g) => g.crashing)?.frames ?? [];
  const at = frames.findIndex((f) => f.function === culprit.function && f.line === culprit.line);
  const next = at < 0 ? undefined : frames[at + 1];
  if (next === undefined || next.file !== culprit.file) return undefined;
  return culprit.function.startsWith(`${next.function}.func`) ? next.line : undefined;
}

/**
 * For a second Unlock or Done raised by a deferred call at function exit (the culprit line is a `return` or a
 * closing brace), names the `defer` statement and the earlier release in the same function, with the lint
 * findings there (unlock-misuse, waitgroup-misuse).
 */
export async function attachDeferredReleases(crashes: Crash[], tree: SourceTree): Promise<void> {
  let cache: FindingsCache | undefined;
  for (const crash of crashes) {
    const method = releaseMethod(crash);
    const local = crash.culpritContext?.localFile;
    if (method === undefined || local === undefined || crash.culprit === null) continue;
    let text: string;
    try {
      text = readFileSync(local, 'utf8');
    } catch {
      continue;
    }
    const lines = splitSourceLines(text);
    const exitLine = exitOfDeferredCall(crash) ?? crash.culprit.line;
    const site = findDeferredRelease(lines, exitLine, method);
    // From a wrapper frame, the exit below it must be where that very defer ran.
    if (site === null || (exitLine !== crash.culprit.line && site.deferLine !== crash.culprit.line)) continue;
    crash.deferredRelease = {
      file: local,
      exit: site.exit,
      exitLine,
      deferLine: site.deferLine,
      deferText: site.deferText,
    };
    if (site.releaseLine === undefined || site.releaseText === undefined) continue;
    crash.deferredRelease.releaseLine = site.releaseLine;
    crash.deferredRelease.releaseText = site.releaseText;
    const { findingsAt } = await import('./lint/findings-at.js');
    const { ruleByName } = await import('./lint/driver/rule-registry.js');
    cache ??= new Map();
    const findings = await findingsAt(tree.root, local, site.releaseLine, { cache });
    const hazards = findings
      .filter((f) => f.rule === 'unlock-misuse' || f.rule === 'waitgroup-misuse')
      .map((f) => ({
        rule: f.rule,
        title: ruleByName(f.rule)?.meta.title ?? f.rule,
        severity: f.severity,
        file: f.file,
        line: f.line,
        message: f.message,
      }));
    if (hazards.length > 0) crash.deferredRelease.hazards = hazards;
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
  const pool =
    options.threads === 0
      ? undefined
      : createRegionPool(
          {
            grouping: options.grouping ?? 'ignore-wait',
            ...(options.groupByLabel === undefined ? {} : { groupByLabel: options.groupByLabel }),
            ...(options.labelFilter === undefined ? {} : { labelFilter: options.labelFilter }),
          },
          (region, firstLineNo, context) => explainer.applyRegion(region, firstLineNo, context),
          { ...options.regions, ...(options.threads === undefined ? {} : { threads: options.threads }) },
        );
  let report;
  try {
    report = await readInputs(inputs, explainer, {
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(pool === undefined ? {} : { offload: pool }),
    });
  } finally {
    await pool?.close();
  }
  const tree = openSourceTree(options.srcDir, options.cwd ?? process.cwd());
  const { crashes, races } = explainer.result(tree);
  if (tree !== undefined) {
    await attachHazards(crashes, tree);
    await attachDeferredReleases(crashes, tree);
  }
  const toolReports = explainer.toolReportResults();
  const distinctCrashes = countDistinctCrashes(crashes);
  return {
    schemaVersion: 2,
    crashes,
    races,
    toolReports,
    distinctCrashes,
    inputs: report.inputs,
    skipped: report.skipped,
  };
}
