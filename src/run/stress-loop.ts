// Runs a command repeatedly (sequentially or P at a time) and collects every race, crash and failing test
// across the runs. Each run's output goes, line by line, through the input stage's de-prefixer (which also
// reassembles `go test -json` events into lines) to a list of sinks: the race parser, the test results and the
// crash side of the explain pipeline. Problems are de-duplicated across runs and remember the run that first
// showed them.

import { createDeprefixer } from '../input/deprefix.js';
import type { LineContext, LineSink } from '../input/lines.js';
import type { Crash, Race } from '../model.js';
import { groupRaces, learnRaceGoroots, raceKey, type RaceAnalysisOptions } from '../analyse/race-groups.js';
import { RaceParser, type RaceReport } from '../parse/race.js';
import { runProcess, type ProcessOutcome, type ProcessSpec } from './process.js';
import { TestResults } from '../parse/go-test-output.js';

/** The crash side of one run: a sink that sees the run's output and the crashes it found. */
export interface CrashSink extends LineSink {
  crashes(): Crash[];
}

export interface StressOptions {
  spec: ProcessSpec;
  /** Number of runs; when neither count nor durationMs is given, one run. */
  count?: number;
  /** Keep starting runs until this much time has passed. */
  durationMs?: number;
  /** Runs at the same time. */
  parallel: number;
  signal: AbortSignal;
  /** Makes the crash sink of each run (normally the explain pipeline); none when absent. */
  crashSink?: (run: number) => CrashSink;
  analysis?: RaceAnalysisOptions;
  onProgress?: (progress: StressProgress) => void;
}

export interface StressProgress {
  runsDone: number;
  runsStarted: number;
  /** Total runs when --count was given. */
  total?: number;
  /** Distinct races, distinct crashes and failing tests so far. */
  races: number;
  crashes: number;
  failingTests: number;
  elapsedMs: number;
  /** The run that just ended, if any. */
  lastRun?: RunRecord;
}

export interface RunRecord {
  run: number;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  interrupted: boolean;
  raceReports: number;
  crashes: number;
  failedTests: number;
}

export interface StressRace extends Race {
  /** 1-based run in which the race was first reported. */
  firstRun: number;
  /** Runs in which it was reported. */
  runs: number;
}

export interface StressCrash extends Crash {
  firstRun: number;
  occurrences: number;
}

export interface TestStat {
  package: string;
  name: string;
  runs: number;
  failures: number;
  firstFailedRun?: number;
}

export interface StressResult {
  command: string[];
  /** Runs that ended (including one stopped by Ctrl-C). */
  runs: number;
  interrupted: boolean;
  elapsedMs: number;
  runResults: RunRecord[];
  tests: TestStat[];
  races: StressRace[];
  crashes: StressCrash[];
  /** Runs that failed (non-zero exit) without a race, crash or failing test to show for it. */
  unexplainedFailures: { run: number; exitCode: number | null; lastLines: string[] }[];
}

const TAIL_LINES = 20;

interface RunState {
  run: number;
  reports: RaceReport[];
  tests: TestResults;
  crash: CrashSink | undefined;
  tail: string[];
}

function fanOut(sinks: LineSink[]): LineSink {
  return {
    line(text, lineNo, context) {
      for (const sink of sinks) sink.line(text, lineNo, context);
    },
    end(context) {
      for (const sink of sinks) sink.end(context);
    },
  };
}

function crashKey(crash: Crash): string {
  const c = crash.culprit;
  return `${crash.kind}\u0000${c === null ? '' : `${c.function} ${c.file}:${c.line}`}\u0000${crash.kind === 'user_panic' ? crash.message : ''}`;
}

/** Runs the command as planned and returns everything found. Rejects only when the command cannot start. */
export async function runStress(options: StressOptions): Promise<StressResult> {
  const started = Date.now();
  const count = options.count ?? (options.durationMs === undefined ? 1 : undefined);
  const parallel = Math.max(1, options.parallel);
  const signal = options.signal;
  const allReports: { run: number; report: RaceReport }[] = [];
  const crashes = new Map<string, StressCrash>();
  const tests = new Map<string, TestStat>();
  const runResults: RunRecord[] = [];
  const unexplained: StressResult['unexplainedFailures'] = [];
  const raceKeys = new Set<string>();
  let runsStarted = 0;
  let failure: Error | undefined;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();

  const progress = (lastRun?: RunRecord): void => {
    if (options.onProgress === undefined) return;
    const p: StressProgress = {
      runsDone: runResults.length,
      runsStarted,
      races: raceKeys.size,
      crashes: crashes.size,
      failingTests: failingTestsCount(tests),
      elapsedMs: Date.now() - started,
    };
    if (count !== undefined) p.total = count;
    if (lastRun !== undefined) p.lastRun = lastRun;
    options.onProgress(p);
  };

  const runOne = async (run: number): Promise<void> => {
    const state: RunState = {
      run,
      reports: [],
      tests: new TestResults(),
      crash: options.crashSink?.(run),
      tail: [],
    };
    const parser = new RaceParser((report) => state.reports.push(report));
    const tailSink: LineSink = {
      line(text) {
        state.tail.push(text);
        if (state.tail.length > TAIL_LINES) state.tail.shift();
      },
      end() {},
    };
    const sinks: LineSink[] = [parser, state.tests, tailSink];
    if (state.crash !== undefined) sinks.push(state.crash);
    const contexts: Record<'stdout' | 'stderr', LineContext> = {
      stdout: { source: `run ${run}` },
      stderr: { source: `run ${run} (stderr)` },
    };
    const streams = { stdout: createDeprefixer(fanOut(sinks)), stderr: createDeprefixer(fanOut(sinks)) };
    let outcome: ProcessOutcome;
    try {
      outcome = await runProcess(
        options.spec,
        (stream, text, lineNo) => streams[stream].line(text, lineNo, contexts[stream]),
        stop.signal,
      );
    } finally {
      streams.stdout.end(contexts.stdout);
      streams.stderr.end(contexts.stderr);
    }
    collect(state, outcome);
  };

  const collect = (state: RunState, outcome: ProcessOutcome): void => {
    const { run } = state;
    for (const report of state.reports) allReports.push({ run, report });
    for (const report of state.reports) raceKeys.add(raceKey(report));
    const runCrashes = state.crash?.crashes() ?? [];
    for (const crash of runCrashes) {
      const key = crashKey(crash);
      const known = crashes.get(key);
      if (known === undefined) crashes.set(key, { ...crash, firstRun: run, occurrences: 1 });
      else {
        known.occurrences++;
        // Parallel runs finish out of order.
        known.firstRun = Math.min(known.firstRun, run);
      }
    }
    let failedTests = 0;
    for (const outcomeOfTest of state.tests.outcomes) {
      const key = `${outcomeOfTest.package}\u0000${outcomeOfTest.name}`;
      let stat = tests.get(key);
      if (stat === undefined) {
        stat = { package: outcomeOfTest.package, name: outcomeOfTest.name, runs: 0, failures: 0 };
        tests.set(key, stat);
      }
      stat.runs++;
      if (outcomeOfTest.failed) {
        stat.failures++;
        failedTests++;
        if (stat.firstFailedRun === undefined || run < stat.firstFailedRun) stat.firstFailedRun = run;
      }
    }
    const record: RunRecord = {
      run,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      durationMs: outcome.durationMs,
      interrupted: outcome.interrupted,
      raceReports: state.reports.length,
      crashes: runCrashes.length,
      failedTests,
    };
    runResults.push(record);
    const failed = outcome.exitCode !== 0 && !outcome.interrupted;
    if (failed && state.reports.length === 0 && runCrashes.length === 0 && failedTests === 0) {
      unexplained.push({ run, exitCode: outcome.exitCode, lastLines: state.tail });
    }
    progress(record);
  };

  const more = (): boolean => {
    if (stop.signal.aborted || failure !== undefined) return false;
    if (count !== undefined && runsStarted >= count) return false;
    if (options.durationMs !== undefined && Date.now() - started >= options.durationMs) return false;
    return true;
  };

  const active = new Set<Promise<void>>();
  try {
    while (more()) {
      while (active.size < parallel && more()) {
        runsStarted++;
        const run = runsStarted;
        const task: Promise<void> = runOne(run)
          .catch((error: unknown) => {
            failure ??= error instanceof Error ? error : new Error(String(error));
            stop.abort();
          })
          .finally(() => active.delete(task));
        active.add(task);
        progress();
      }
      if (active.size > 0) await Promise.race(active);
    }
    await Promise.all(active);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) throw failure;

  runResults.sort((a, b) => a.run - b.run);
  allReports.sort((a, b) => a.run - b.run);
  const reports = allReports.map((entry) => entry.report);
  const analysis: RaceAnalysisOptions = { ...options.analysis };
  analysis.hints ??= { goroots: learnRaceGoroots(reports) };
  const races = groupRaces(reports, analysis);
  // groupRaces keeps first-appearance order of the keys, so the same walk gives each race its runs.
  const firstRun = new Map<string, number>();
  const runsOf = new Map<string, Set<number>>();
  for (const { run, report } of allReports) {
    const key = raceKey(report, analysis.hints);
    if (!firstRun.has(key)) firstRun.set(key, run);
    let set = runsOf.get(key);
    if (set === undefined) {
      set = new Set();
      runsOf.set(key, set);
    }
    set.add(run);
  }
  const keys = [...firstRun.keys()];
  const stressRaces: StressRace[] = races.map((race, i) => {
    const key = keys[i] ?? '';
    return { ...race, firstRun: firstRun.get(key) ?? 0, runs: runsOf.get(key)?.size ?? 0 };
  });
  unexplained.sort((a, b) => a.run - b.run);
  return {
    command: [options.spec.command, ...options.spec.args],
    runs: runResults.length,
    interrupted: signal.aborted,
    elapsedMs: Date.now() - started,
    runResults,
    tests: [...tests.values()].sort(
      (a, b) =>
        b.failures / b.runs - a.failures / a.runs || a.package.localeCompare(b.package) || a.name.localeCompare(b.name),
    ),
    races: stressRaces,
    crashes: [...crashes.values()].sort((a, b) => a.firstRun - b.firstRun),
    unexplainedFailures: unexplained,
  };
}

function failingTestsCount(tests: Map<string, TestStat>): number {
  let n = 0;
  for (const stat of tests.values()) if (stat.failures > 0) n++;
  return n;
}

/** Whether the runs found anything: races, crashes, failing tests or failed runs. */
export function stressFoundProblems(result: StressResult): boolean {
  return (
    result.races.length > 0 ||
    result.crashes.length > 0 ||
    result.tests.some((t) => t.failures > 0) ||
    result.unexplainedFailures.length > 0
  );
}
