// Shared by `goroscope test` and `goroscope stress`: option parsing, progress display, the crash side of the
// explain pipeline per run, source context, rendering and the exit code.

import type { Command } from 'commander';
import { sourceContext } from '../analyse/source-context.js';
import { UsageError } from '../errors.js';
import { Explainer, openSourceTree } from '../explain.js';
import type { CliContext } from '../cli/context.js';
import { wantsColor, write } from '../cli/context.js';
import { stressToJson, stressToMarkdown, stressToText } from '../render/stress.js';
import { renderAnnotations, stressToAnnotations } from '../render/github-annotations.js';
import { stressToJunit } from '../render/stress-junit.js';
import {
  noSummaryOption,
  summaryOption,
  workspacePath,
  writeJobSummary,
  type SummaryFlag,
} from '../cli/github-actions.js';
import { formatElapsed, parseDuration } from './duration.js';
import { renderHtml } from '../render/html.js';
import { writeFile } from 'node:fs/promises';
import type { ProcessSpec } from './process.js';
import { runStress, stressFoundProblems, type CrashSink, type StressProgress } from './stress.js';

export interface SessionOptions {
  count?: string;
  duration?: string;
  parallel?: string;
  format?: string;
  output?: string;
  color?: boolean;
  summary?: SummaryFlag;
}

const FORMATS = ['text', 'json', 'markdown', 'html', 'junit', 'github'];

/** Adds the options both commands share. */
export function addSessionOptions(command: Command): Command {
  return command
    .option('--count <n>', 'number of runs (default 1, or as many as fit in --duration)')
    .option('--duration <time>', 'keep running for this long, e.g. 90s, 10m, 1h')
    .option('--parallel <p>', 'runs at the same time', '1')
    .option(
      '--format <format>',
      'text, json, markdown, html, junit (JUnit XML) or github (workflow annotations)',
      'text',
    )
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .addOption(summaryOption())
    .addOption(noSummaryOption());
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

/** Runs the session and prints the report; sets context.exitCode (0 clean, 1 problems). */
export async function runSession(spec: ProcessSpec, options: SessionOptions, context: CliContext): Promise<void> {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) {
    throw new UsageError(`unknown --format "${format}"`, { hint: `use ${FORMATS.join(', ')}` });
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
  if (options.output !== undefined) await writeFile(options.output, text);
  else await write(context.stdout, text);
  await writeJobSummary(options.summary, context, () => stressToMarkdown(result));
  context.exitCode = stressFoundProblems(result) ? 1 : 0;
}
