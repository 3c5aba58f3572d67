// Shared by `goroscope test` and `goroscope stress`: option parsing, progress display, the crash side of the
// explain pipeline per run, source context, rendering and the exit code.

import type { Command } from 'commander';
import { sourceContext } from '../analyse/source-context.js';
import { UsageError } from '../errors.js';
import { Explainer, openSourceTree } from '../explain.js';
import type { CliContext } from '../cli/context.js';
import { wantsColor, write } from '../cli/context.js';
import { stressToJson, stressToMarkdown, stressToText } from '../render/stress.js';
import { formatElapsed, parseDuration } from './duration.js';
import { renderHtml } from '../render/html.js';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perturbation } from './perturb.js';
import { groupMembers, type ProcessSpec } from './process.js';
import { runStress, stressFoundProblems, type CrashSink, type StressProgress } from './stress.js';

export interface SessionOptions extends FlakeHuntingOptions {
  count?: string;
  duration?: string;
  parallel?: string;
  format?: string;
  output?: string;
  color?: boolean;
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

/** Adds the options both commands share. */
export function addSessionOptions(command: Command): Command {
  return command
    .option('--count <n>', 'number of runs (default 1, or as many as fit in --duration)')
    .option('--duration <time>', 'keep running for this long, e.g. 90s, 10m, 1h')
    .option('--parallel <p>', 'runs at the same time', '1')
    .option('--format <format>', 'text, json, markdown or html', 'text')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour');
}

function positiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, not "${text}"`);
  return Number(text);
}

/** Arguments after `--` on the command line (commander folds them into the operands). */
export function argsAfterDashDash(command: Command): string[] {
  let root: Command = command;
  while (root.parent !== null) root = root.parent;
  const raw: unknown = Reflect.get(root, 'rawArgs');
  if (!Array.isArray(raw)) return [];
  const args: string[] = [];
  for (const item of raw) if (typeof item === 'string') args.push(item);
  const at = args.indexOf('--');
  return at === -1 ? [] : args.slice(at + 1);
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
  const tail = `${p.races} race(s), ${p.crashes} crash(es), ${p.failingTests} failing test(s), ${formatElapsed(p.elapsedMs)}`;
  if (!tty) return `${runs} done, ${p.runsStarted - p.runsDone} running; ${tail}\n`;
  const width = 24;
  const filled = p.total === undefined ? 0 : Math.round((p.runsDone / p.total) * width);
  const bar = p.total === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
  return `\r\u001b[K${bar}${runs}, ${tail}`;
}

/** Runs the session and prints the report; sets context.exitCode (0 clean, 1 problems). */
export async function runSession(
  spec: ProcessSpec,
  options: SessionOptions,
  context: CliContext,
  extras: SessionExtras = {},
): Promise<void> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'markdown' && format !== 'html') {
    throw new UsageError(`unknown --format "${format}"`, { hint: 'use text, json, markdown or html' });
  }
  const count = options.count === undefined ? undefined : positiveInt(options.count, '--count');
  let durationMs: number | undefined;
  if (options.duration !== undefined) {
    const parsed = parseDuration(options.duration);
    if (parsed === null) throw new UsageError(`--duration must look like 90s, 10m or 1h30m, not "${options.duration}"`);
    durationMs = parsed;
  }
  const parallel = positiveInt(options.parallel ?? '1', '--parallel');
  // The progress display goes to standard error so that the report on standard output stays clean.
  const tty = context.stdoutIsTTY;
  const hunting = flakeHunting(options, extras);
  let lastProgress: StressProgress | undefined;
  const showProgress = (p: StressProgress): void => {
    lastProgress = p;
    const last = p.lastRun;
    if (last?.leftRunning !== undefined) {
      context.stderr.write(
        `${tty ? '\r\u001b[K' : ''}run ${last.run} hung past --timeout; left running for a debugger: ${describeGroup(last.leftRunning.pid)}\n`,
      );
    }
    // Off a terminal a line every few seconds (below), not one per run.
    if (tty) context.stderr.write(progressText(p, tty));
  };
  const started = Date.now();
  // On a terminal the elapsed time keeps moving between runs; elsewhere a plain line every few seconds.
  const ticker = setInterval(
    () => {
      if (lastProgress === undefined) return;
      const { lastRun: _lastRun, ...rest } = lastProgress;
      const p = { ...rest, elapsedMs: Date.now() - started };
      context.stderr.write(progressText(p, tty));
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
              explain: { schemaVersion: 1, crashes: result.crashes, races: result.races, inputs: [], skipped: [] },
              test: { runs: result.runs, tests: result.tests },
            })
          : stressToText(result, { color });
  if (options.output !== undefined) await writeFile(options.output, text);
  else await write(context.stdout, text);
  if (result.outputDir !== undefined) {
    const kept = result.runResults.filter((r) => r.outputFile !== undefined).length;
    context.stderr.write(`Output of the ${kept} failing run(s) kept in ${result.outputDir}\n`);
  }
  context.exitCode = stressFoundProblems(result) ? 1 : 0;
}

/** `process group 123: 123 (go), 130 (pkg.test)`: the hung command and the rest of its process group. */
function describeGroup(pid: number): string {
  const members = groupMembers(pid).map((m) => `${m.pid} (${m.name})`);
  return members.length === 0 ? `pid ${pid}` : `process group ${pid}: ${members.join(', ')}`;
}
