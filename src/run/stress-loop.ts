// Runs a command repeatedly (sequentially or P at a time) and collects every race, crash and failing test
// across the runs. Each run's output goes, line by line, through the input stage's de-prefixer (which also
// reassembles `go test -json` events into lines) to a list of sinks: the race parser, the test results and the
// crash side of the explain pipeline. Problems are de-duplicated across runs and remember the run that first
// showed them.

import { createDeprefixer } from '../input/deprefix.js';
import type { LineContext, LineSink } from '../input/lines.js';
import type {
  Crash,
  RunRecord,
  SettingStat,
  StressCrash,
  StressLeak,
  StressRace,
  StressResult,
  TestStat,
} from '../model.js';
import { groupRaces, learnRaceGoroots, raceKey, type RaceAnalysisOptions } from '../analyse/race-groups.js';
import { RaceParser, type RaceReport } from '../parse/race.js';
import { runProcess, type ProcessOutcome, type ProcessSpec, type RunLimits } from './process.js';
import { attributeRace } from '../analyse/attribution.js';
import { createWriteStream, mkdirSync, rmdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Perturbation } from './perturb.js';
import { LeakCollector, withLeaks } from './test-leaks.js';
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
  // ---- flake hunting (issue 12, item 3) ----
  /** With neither count nor durationMs: run until stopped (Ctrl-C) instead of once. */
  untilStopped?: boolean;
  /** Per-run timeout; a timed-out run gets SIGQUIT (its goroutine dump is explained) or is left running. */
  limits?: RunLimits;
  /** A failed run counts only when one of its output lines matches (x/tools stress -failure). */
  failure?: RegExp;
  /** A failed run with an output line matching this is ignored, its findings dropped (x/tools stress -ignore). */
  ignore?: RegExp;
  /** Each failing run's output is kept in this directory as run-N.log (created when needed). */
  outputDir?: string;
  /** Settings that vary from run to run (`--perturb`). */
  perturb?: (run: number) => Perturbation;
  /** Extra arguments for later runs once these tests raced (`go test -skip`), so a passing retry cannot hide it. */
  skipRaced?: (tests: readonly string[]) => string[];
  /** `test --leaks`: read the leak dumps the generated TestMain prints (see leaks.ts). */
  leaks?: boolean;
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

const TAIL_LINES = 20;

interface RunState {
  run: number;
  reports: RaceReport[];
  tests: TestResults;
  crash: CrashSink | undefined;
  tail: string[];
  matchedFailure: boolean;
  matchedIgnore: boolean;
  output: WriteStream | undefined;
  outputFile: string | undefined;
  settings: string[] | undefined;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
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
  const where = c === null ? '' : `${c.function} ${c.file}:${c.line}`;
  return `${crash.kind}\u0000${where}\u0000${crash.kind === 'user_panic' ? crash.message : ''}`;
}

/** Runs the command as planned and returns everything found. Rejects only when the command cannot start. */
export async function runStress(options: StressOptions): Promise<StressResult> {
  const started = Date.now();
  const count = options.count ?? (options.durationMs === undefined && options.untilStopped !== true ? 1 : undefined);
  const parallel = Math.max(1, options.parallel);
  const signal = options.signal;
  const allReports: { run: number; report: RaceReport }[] = [];
  const crashes = new Map<string, StressCrash>();
  const tests = new Map<string, TestStat>();
  const runResults: RunRecord[] = [];
  const unexplained: StressResult['unexplainedFailures'] = [];
  const raceKeys = new Set<string>();
  const settingStats = new Map<string, SettingStat>();
  const racedTests: string[] = [];
  /** Raced tests that a later run really skipped. */
  const skippedTests = new Set<string>();
  let outputDirMade = false;
  const leaks = new Map<string, StressLeak>();
  const leakChecked = new Set<string>();
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
      matchedFailure: false,
      matchedIgnore: false,
      output: undefined,
      outputFile: undefined,
      settings: undefined,
    };
    let spec = options.spec;
    const perturbation = options.perturb?.(run);
    const skip = racedTests.length > 0 && options.skipRaced !== undefined ? options.skipRaced(racedTests) : [];
    if (skip.length > 0) for (const test of racedTests) skippedTests.add(test);
    if (perturbation !== undefined || skip.length > 0) {
      const env = { ...spec.env, ...perturbation?.env };
      // Keep the user's own GORACE options next to ours.
      const userGorace = spec.env.GORACE;
      if (perturbation?.env.GORACE !== undefined && userGorace !== undefined && userGorace !== '') {
        env.GORACE = `${userGorace} ${perturbation.env.GORACE}`;
      }
      // Flags go right after `test` in `go test ...`, before any `-args`.
      const [first, ...rest] = spec.args;
      const extra = [...(perturbation?.goTestFlags ?? []), ...skip];
      const args = first === undefined ? extra : [first, ...extra, ...rest];
      spec = { ...spec, env, args };
      if (perturbation !== undefined) state.settings = perturbation.labels;
    }
    if (options.outputDir !== undefined) {
      if (!outputDirMade) {
        mkdirSync(options.outputDir, { recursive: true });
        outputDirMade = true;
      }
      state.outputFile = join(options.outputDir, `run-${run}.log`);
      state.output = createWriteStream(state.outputFile);
    }
    const parser = new RaceParser((report) => state.reports.push(report));
    const { failure: failureRe, ignore: ignoreRe } = options;
    const tailSink: LineSink = {
      line(text) {
        state.tail.push(text);
        if (state.tail.length > TAIL_LINES) state.tail.shift();
        state.output?.write(text + '\n');
        if (failureRe !== undefined && !state.matchedFailure && failureRe.test(text)) state.matchedFailure = true;
        if (ignoreRe !== undefined && !state.matchedIgnore && ignoreRe.test(text)) state.matchedIgnore = true;
      },
      end() {},
    };
    const sinks: LineSink[] = [parser, state.tests, tailSink];
    if (state.crash !== undefined) sinks.push(state.crash);
    const contexts: Record<'stdout' | 'stderr', LineContext> = {
      stdout: { source: `run ${run}` },
      stderr: { source: `run ${run} (stderr)` },
    };
    const leakCollector = options.leaks === true ? new LeakCollector() : undefined;
    const all = leakCollector === undefined ? fanOut(sinks) : withLeaks(leakCollector, fanOut(sinks));
    const streams = { stdout: createDeprefixer(all), stderr: createDeprefixer(all) };
    let outcome: ProcessOutcome;
    try {
      outcome = await runProcess(
        spec,
        (stream, text, lineNo) => streams[stream].line(text, lineNo, contexts[stream]),
        stop.signal,
        options.limits,
      );
    } finally {
      streams.stdout.end(contexts.stdout);
      streams.stderr.end(contexts.stderr);
      if (state.output !== undefined) await closeStream(state.output);
    }
    const record = collect(state, outcome);
    if (leakCollector !== undefined) {
      for (const pkg of leakCollector.checked) leakChecked.add(pkg);
      for (const leak of leakCollector.leaks) {
        const c = leak.culprit;
        const key = `${leak.package} ${c === null ? '' : `${c.file}:${c.line}`} ${leak.state} ${leak.test ?? ''}`;
        const known = leaks.get(key);
        if (known === undefined) leaks.set(key, { ...leak, firstRun: run, runs: 1 });
        else {
          known.runs++;
          known.count = Math.max(known.count, leak.count);
          known.firstRun = Math.min(known.firstRun, run);
        }
      }
    }
    if (state.outputFile !== undefined) {
      if (record.failed) record.outputFile = state.outputFile;
      else rmSync(state.outputFile, { force: true });
    }
    progress(record);
  };

  const collect = (state: RunState, outcome: ProcessOutcome): RunRecord => {
    const { run } = state;
    const runCrashesAll = state.crash?.crashes() ?? [];
    const anyFailedTest = state.tests.outcomes.some((t) => t.failed);
    let failed =
      !outcome.interrupted &&
      (outcome.exitCode !== 0 ||
        outcome.timedOut === true ||
        state.reports.length > 0 ||
        runCrashesAll.length > 0 ||
        anyFailedTest);
    if (failed && options.failure !== undefined && !state.matchedFailure) failed = false;
    const ignored = failed && state.matchedIgnore;
    if (ignored || (options.failure !== undefined && !failed)) {
      // Not a failure by --failure/--ignore: the run counts, its findings do not.
      state.reports = [];
      state.tests = new TestResults();
    }
    for (const report of state.reports) {
      allReports.push({ run, report });
      for (const test of attributeRace(report)?.responsible ?? []) {
        if (!racedTests.includes(test)) racedTests.push(test);
      }
    }
    for (const report of state.reports) raceKeys.add(raceKey(report));
    const runCrashes = ignored || (options.failure !== undefined && !failed) ? [] : runCrashesAll;
    for (const crash of runCrashes) {
      const key = crashKey(crash);
      const known = crashes.get(key);
      if (known === undefined) {
        const entry: StressCrash = { ...crash, firstRun: run, occurrences: 1 };
        if (outcome.timedOut === true) entry.hang = true;
        crashes.set(key, entry);
      } else {
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
      failed: failed && !ignored,
    };
    if (ignored) record.ignored = true;
    if (outcome.timedOut === true) record.timedOut = true;
    if (outcome.leftRunning !== undefined) record.leftRunning = outcome.leftRunning;
    if (state.settings !== undefined) {
      record.settings = state.settings;
      for (const setting of state.settings) {
        let stat = settingStats.get(setting);
        if (stat === undefined) {
          stat = { setting, runs: 0, failedRuns: 0 };
          settingStats.set(setting, stat);
        }
        stat.runs++;
        if (record.failed) stat.failedRuns++;
      }
    }
    runResults.push(record);
    if (record.failed && state.reports.length === 0 && runCrashes.length === 0 && failedTests === 0) {
      unexplained.push({ run, exitCode: outcome.exitCode, lastLines: state.tail });
    }
    return record;
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
    ...flakeHunting(),
  };

  function flakeHunting(): Pick<
    StressResult,
    'outputDir' | 'settings' | 'skippedAfterRace' | 'leaks' | 'leakCheckedPackages'
  > {
    const extra: ReturnType<typeof flakeHunting> = {};
    if (options.leaks === true) {
      extra.leaks = [...leaks.values()].sort((a, b) => a.firstRun - b.firstRun || b.count - a.count);
      extra.leakCheckedPackages = [...leakChecked].sort();
    }
    if (options.outputDir !== undefined && runResults.some((r) => r.outputFile !== undefined)) {
      extra.outputDir = options.outputDir;
    } else if (outputDirMade && options.outputDir !== undefined) {
      // Nothing was kept: remove the directory if it is empty (never anything the user put there).
      try {
        rmdirSync(options.outputDir);
      } catch {
        // Not empty or already gone.
      }
    }
    if (settingStats.size > 0) {
      extra.settings = [...settingStats.values()].sort(
        (a, b) => b.failedRuns / b.runs - a.failedRuns / a.runs || a.setting.localeCompare(b.setting),
      );
    }
    if (skippedTests.size > 0) extra.skippedAfterRace = [...skippedTests];
    return extra;
  }
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
    (result.leaks?.length ?? 0) > 0 ||
    result.unexplainedFailures.length > 0
  );
}
