// Shared by `goroscope test` and `goroscope stress`: their options, the progress display, the crash side of the
// explain pipeline per run, source context, rendering and the exit code.

import { Option, type Command } from 'commander';
import { sourceContext } from '../source/source-tree.js';
import { Explainer, openSourceTree } from '../explain.js';
import { addOutputOptions, duration, wholeNumber, type OutputFlags } from './options.js';
import { checkOutput, writeOutput } from './output.js';
import { formatElapsed, parseDuration } from '../run/duration.js';
import { renderAnnotations, stressToAnnotations } from '../render/github-annotations.js';
import { stressToJunit } from '../render/stress-junit.js';
import { noSummaryOption, summaryOption, workspacePath, writeJobSummary, type SummaryFlag } from './github-actions.js';
import type { CliContext } from './context.js';
import { wantsColor, write } from './context.js';
import { stressToJson, stressToMarkdown, stressToText } from '../render/stress-report.js';
import { renderHtml } from '../render/html-report.js';
import { UsageError } from '../errors.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perturbation } from '../run/perturb.js';
import { groupMembers, type ProcessSpec } from '../run/process.js';
import { runStress, stressFoundProblems, type CrashSink, type StressProgress } from '../run/stress-loop.js';

export interface SessionOptions extends OutputFlags, FlakeHuntingOptions {
  count?: number;
  /** Milliseconds. */
  duration?: number;
  parallel: number;
  summary?: SummaryFlag;
}

// ---- flake hunting (issue 12, item 3): kept in one block; the option declarations may move with issue 8 ----
export interface FlakeHuntingOptions {
  timeout?: string;
  keepHung?: boolean;
  failure?: string;
  ignore?: string;
  outputDir?: string;
  perturb?: boolean;
  retryRaced?: boolean;
}

/** Adds the flake-hunting options (`test` and `stress`). */
export function addFlakeHuntingOptions(command: Command): Command {
  return command
    .option('--timeout <time>', 'per-run timeout: a run past it gets SIGQUIT and its goroutine dump is explained')
    .option('--keep-hung', 'leave a run that passed --timeout running for a debugger (its pid is printed)')
    .option('--failure <regexp>', 'count a failed run only if a line of its output matches')
    .option('--ignore <regexp>', 'ignore a failed run if a line of its output matches')
    .option('--output-dir <dir>', "where each failing run's output is kept (default: a new temporary directory)")
    .option('--perturb', 'vary GOMAXPROCS, GORACE (and go test -cpu, -shuffle) across runs; report what fails');
}

function regexpOption(text: string | undefined, flag: string): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (error) {
    throw new UsageError(`${flag} is not a valid regular expression: ${(error as Error).message}`, {
      hint: `for example ${flag} 'DATA RACE|panic:'`,
    });
  }
}

/** What runStress needs for the flake-hunting options. */
function flakeHunting(
  options: FlakeHuntingOptions,
  session: SessionExtras,
): Pick<
  Parameters<typeof runStress>[0],
  'limits' | 'failure' | 'ignore' | 'outputDir' | 'perturb' | 'skipRaced' | 'untilStopped' | 'leaks'
> {
  const result: ReturnType<typeof flakeHunting> = {};
  if (options.timeout !== undefined) {
    const ms = parseDuration(options.timeout);
    if (ms === null || ms <= 0)
      throw new UsageError(`--timeout must look like 30s, 5m or 1h, not "${options.timeout}"`);
    result.limits = { timeoutMs: ms, keepHung: options.keepHung === true };
  } else if (options.keepHung === true) {
    throw new UsageError('--keep-hung needs --timeout', { hint: 'goroscope stress --timeout 1m --keep-hung -- ./app' });
  }
  const failure = regexpOption(options.failure, '--failure');
  if (failure !== undefined) result.failure = failure;
  const ignore = regexpOption(options.ignore, '--ignore');
  if (ignore !== undefined) result.ignore = ignore;
  result.outputDir = options.outputDir ?? join(tmpdir(), `goroscope-stress-${process.pid}-${Date.now().toString(36)}`);
  if (options.perturb === true) {
    const goTest = session.goTest === true;
    result.perturb = (run) => perturbation(run, goTest);
  }
  if (session.skipRaced !== undefined && options.retryRaced !== true) result.skipRaced = session.skipRaced;
  if (session.untilStopped === true) result.untilStopped = true;
  if (session.leaks === true) result.leaks = true;
  return result;
}

/** What differs between `test` and `stress`. */
export interface SessionExtras {
  /** The command is `go test` (perturbation may add -cpu and -shuffle). */
  goTest?: boolean;
  /** Arguments that skip tests in later runs once they raced. */
  skipRaced?: (tests: readonly string[]) => string[];
  /** Without --count or --duration, run until stopped. */
  untilStopped?: boolean;
  /** `test --leaks`: read the generated TestMain's leak dumps. */
  leaks?: boolean;
}

/** Seconds between progress lines when standard output is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 5000;
// ---- end of flake hunting ----

/** Adds the options both commands share; every value is checked while the command line is parsed. */
export function addSessionOptions(command: Command): Command {
  command
    .addOption(
      new Option('--count <n>', 'number of runs (default 1, or as many as fit in --duration)').argParser(
        wholeNumber(1),
      ),
    )
    .addOption(new Option('--duration <time>', 'keep running for this long, e.g. 90s, 10m, 1h').argParser(duration))
    .addOption(new Option('--parallel <p>', 'runs at the same time').argParser(wholeNumber(1)).default(1));
  return addOutputOptions(command, ['text', 'json', 'markdown', 'html', 'junit', 'github'])
    .addOption(summaryOption())
    .addOption(noSummaryOption());
}

/** The crash side of one run: the explain pipeline's crashes (runStress parses the race reports itself). */
function explainerSink(): CrashSink {
  const explainer = new Explainer({ races: false });
  return {
    line: (text, lineNo, context) => explainer.line(text, lineNo, context),
    end: (context) => explainer.end(context),
    crashes: () => explainer.result().crashes,
  };
}

function progressText(p: StressProgress, tty: boolean): string {
  const runs = p.total === undefined ? `${p.runsDone} run(s)` : `${p.runsDone}/${p.total} run(s)`;
  const tail =
    `${p.races} race(s), ${p.crashes} crash(es), ${p.failingTests} failing test(s), ` + `${formatElapsed(p.elapsedMs)}`;
  if (!tty) return `${runs} done, ${p.runsStarted - p.runsDone} running; ${tail}\n`;
  const width = 24;
  const filled = p.total === undefined ? 0 : Math.round((p.runsDone / p.total) * width);
  const bar = p.total === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
  return `\r\u001b[K${bar}${runs}, ${tail}`;
}

/**
 * Runs the session and prints the report; sets context.exitCode (0 clean, 1 problems). `inputs` are files the
 * command reads (such as the program it runs), which -o must not name.
 */
export async function runSession(
  spec: ProcessSpec,
  options: SessionOptions,
  context: CliContext,
  inputs: readonly string[] = [],
  extras: SessionExtras = {},
): Promise<void> {
  const format = options.format;
  const target = options.output === undefined ? undefined : checkOutput(options.output, inputs, context.cwd);
  const count = options.count;
  const durationMs = options.duration;
  const parallel = options.parallel;
  // The progress display goes to standard error so that the report on standard output stays clean.
  const tty = context.stdoutIsTTY;
  const hunting = flakeHunting(options, extras);
  let lastProgress: StressProgress | undefined;
  const showProgress = (p: StressProgress): void => {
    lastProgress = p;
    const last = p.lastRun;
    if (last?.leftRunning !== undefined) {
      context.stderr.write(
        `${tty ? '\r\u001b[K' : ''}run ${last.run} hung past --timeout; left running for a debugger: ` +
          `${describeGroup(last.leftRunning.pid)}\n`,
      );
    }
    // Off a terminal a line every few seconds (below), not one per run.
    if (tty) context.stderr.write(progressText(p, tty));
  };
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  // On a terminal the elapsed time keeps moving between runs; elsewhere a plain line every few seconds.
  const ticker = setInterval(
    () => {
      if (lastProgress === undefined) return;
      // The terminal line redraws the counters only; the plain line names the last run that ended.
      const { lastRun, ...rest } = lastProgress;
      const p = tty || lastRun === undefined ? rest : { ...rest, lastRun };
      context.stderr.write(progressText({ ...p, elapsedMs: Date.now() - started }, tty));
    },
    tty ? 1000 : PLAIN_PROGRESS_EVERY_MS,
  );
  const tree = openSourceTree(undefined, spec.cwd);
  let result;
  try {
    const stressOptions: Parameters<typeof runStress>[0] = {
      spec,
      parallel,
      signal: context.signal,
      crashSink: explainerSink,
      onProgress: showProgress,
      analysis: tree === undefined ? {} : { sourceContext: (file, line) => sourceContext(tree, file, line) },
      ...hunting,
    };
    if (count !== undefined) stressOptions.count = count;
    if (durationMs !== undefined) stressOptions.durationMs = durationMs;
    result = await runStress(stressOptions);
  } finally {
    clearInterval(ticker);
    if (tty) context.stderr.write('\r\u001b[K');
  }
  const color = options.output === undefined && wantsColor(context, options.color);
  const text =
    format === 'json'
      ? stressToJson(result)
      : format === 'markdown'
        ? stressToMarkdown(result)
        : format === 'html'
          ? renderHtml({
              title: `goroscope: ${result.command.join(' ')}`,
              explain: { schemaVersion: 2, crashes: result.crashes, races: result.races, inputs: [], skipped: [] },
              test: { runs: result.runs, tests: result.tests },
            })
          : format === 'junit'
            ? stressToJunit(result, { timestamp: startedAt })
            : format === 'github'
              ? renderAnnotations(stressToAnnotations(result, { path: workspacePath(context) }))
              : stressToText(result, { color });
  if (target !== undefined) await writeOutput(target, text);
  else await write(context.stdout, text);
  if (result.outputDir !== undefined) {
    const kept = result.runResults.filter((r) => r.outputFile !== undefined).length;
    context.stderr.write(`Output of the ${kept} failing run(s) kept in ${result.outputDir}\n`);
  }
  await writeJobSummary(options.summary, context, () => stressToMarkdown(result));
  // Interrupted takes precedence: what was found so far is in the report, but the runs did not all happen.
  context.exitCode = result.interrupted ? 130 : stressFoundProblems(result) ? 1 : 0;
}

/** `process group 123: 123 (go), 130 (pkg.test)`: the hung command and the rest of its process group. */
function describeGroup(pid: number): string {
  const members = groupMembers(pid).map((m) => `${m.pid} (${m.name})`);
  return members.length === 0 ? `pid ${pid}` : `process group ${pid}: ${members.join(', ')}`;
}
