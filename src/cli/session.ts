// Shared by `goroscope test` and `goroscope stress`: their options, the progress display, the crash side of the
// explain pipeline per run, source context, rendering and the exit code.

import { Option, type Command } from 'commander';
import { sourceContext } from '../source/source-tree.js';
import { Explainer, openSourceTree } from '../explain.js';
import { addOutputOptions, duration, wholeNumber, type OutputFlags } from './options.js';
import { checkOutput, writeOutput } from './output.js';
import { formatElapsed } from '../run/duration.js';
import type { CliContext } from './context.js';
import { wantsColor, write } from './context.js';
import { stressToJson, stressToMarkdown, stressToText } from '../render/stress-report.js';
import { renderAnnotations, stressToAnnotations } from '../render/github-annotations.js';
import { stressToJunit } from '../render/stress-junit.js';
import { noSummaryOption, summaryOption, workspacePath, writeJobSummary, type SummaryFlag } from './github-actions.js';
import { renderHtml } from '../render/html-report.js';
import type { ProcessSpec } from '../run/process.js';
import { runStress, stressFoundProblems, type CrashSink, type StressProgress } from '../run/stress-loop.js';

export interface SessionOptions extends OutputFlags {
  count?: number;
  /** Milliseconds. */
  duration?: number;
  parallel: number;
  summary?: SummaryFlag;
}

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
  const tail = `${p.races} race(s), ${p.crashes} crash(es), ${p.failingTests} failing test(s), ${formatElapsed(p.elapsedMs)}`;
  if (!tty) {
    const last = p.lastRun;
    if (last === undefined) return '';
    const what = [`exit ${last.exitCode ?? last.signal ?? '?'}`];
    if (last.raceReports > 0) what.push(`${last.raceReports} race report(s)`);
    if (last.crashes > 0) what.push(`${last.crashes} crash(es)`);
    if (last.failedTests > 0) what.push(`${last.failedTests} failed test(s)`);
    return `run ${last.run} done: ${what.join(', ')}; ${runs}, ${tail}\n`;
  }
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
): Promise<void> {
  const format = options.format;
  const target = options.output === undefined ? undefined : checkOutput(options.output, inputs, context.cwd);
  const count = options.count;
  const durationMs = options.duration;
  const parallel = options.parallel;
  // The progress display goes to standard error so that the report on standard output stays clean.
  const tty = context.stdoutIsTTY;
  let lastProgress: StressProgress | undefined;
  const showProgress = (p: StressProgress): void => {
    lastProgress = p;
    const text = progressText(p, tty);
    if (text !== '') context.stderr.write(text);
  };
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  // On a terminal the elapsed time keeps moving between runs.
  const ticker = tty
    ? setInterval(() => {
        if (lastProgress === undefined) return;
        const { lastRun: _lastRun, ...rest } = lastProgress;
        showProgress({ ...rest, elapsedMs: Date.now() - started });
      }, 1000)
    : undefined;
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
    };
    if (count !== undefined) stressOptions.count = count;
    if (durationMs !== undefined) stressOptions.durationMs = durationMs;
    result = await runStress(stressOptions);
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
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
          : format === 'junit'
            ? stressToJunit(result, { timestamp: startedAt })
            : format === 'github'
              ? renderAnnotations(stressToAnnotations(result, { path: workspacePath(context) }))
              : stressToText(result, { color });
  if (target !== undefined) await writeOutput(target, text);
  else await write(context.stdout, text);
  await writeJobSummary(options.summary, context, () => stressToMarkdown(result));
  // Interrupted takes precedence: what was found so far is in the report, but the runs did not all happen.
  context.exitCode = result.interrupted ? 130 : stressFoundProblems(result) ? 1 : 0;
}
