import type { Readable } from 'node:stream';
import { Option, type Command } from 'commander';
import type { GroupLevel } from '../../analyse/goroutine-groups.js';
import { InputError, UsageError } from '../../errors.js';
import { explain } from '../../explain.js';
import type { ExplainResult } from '../../model.js';
import { explainToJsonChunks } from '../../render/explain-json.js';
import { renderHtml } from '../../render/html-report.js';
import { explainToMarkdown } from '../../render/explain-markdown.js';
import { explainToText } from '../../render/explain-text.js';
import { wantsColor, write, type CliContext } from '../context.js';
import {
  addOutputOptions,
  addSourceOptions,
  checkSourceDir,
  wholeNumber,
  type OutputFlags,
  type SourceFlags,
} from '../options.js';
import { checkOutput, writeOutput } from '../output.js';
import { noSummaryOption, summaryOption, workspacePath, writeJobSummary, type SummaryFlag } from '../github-actions.js';
import { explainToAnnotations, renderAnnotations } from '../../render/github-annotations.js';
import type { CommandModule } from './all-commands.js';

interface ExplainFlags extends OutputFlags, SourceFlags {
  group: GroupLevel;
  maxGroups: number;
  summary?: SummaryFlag;
  label: string[];
  groupByLabel?: string;
}

/** `--label key=value` flags as one filter; a flag without `=` is a usage error. */
export function parseLabelFilter(flags: readonly string[]): Record<string, string> | undefined {
  if (flags.length === 0) return undefined;
  const filter: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--label takes key=value, not "${flag}"`, {
        hint: 'goroscope explain --label route=/api dump.txt',
      });
    }
    filter[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return filter;
}

/**
 * Standard input until Ctrl-C: on abort the stream is destroyed, which ends its pending read, so
 * `kubectl logs -f | goroscope explain` still reports what was read and exits. (Racing each read against an abort
 * promise would keep every chunk reachable from that promise: a 1 GB pipe would stay in memory.)
 */
async function* untilAborted(stream: Readable, signal: AbortSignal): AsyncGenerator<Uint8Array | string> {
  if (signal.aborted) return;
  const iterator: AsyncIterator<Uint8Array | string> = stream[Symbol.asyncIterator]();
  const stop = (): void => {
    stream.destroy();
  };
  signal.addEventListener('abort', stop, { once: true });
  let ended = false;
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array | string>;
      try {
        next = await iterator.next();
      } catch (error) {
        // The read that destroy() cut short ("Premature close").
        if (signal.aborted) return;
        throw error;
      }
      if (next.done === true) {
        ended = true;
        return;
      }
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    if (!ended) stream.destroy();
  }
}

export function renderExplain(
  result: ExplainResult,
  flags: ExplainFlags,
  color: boolean,
  path: (file: string) => string | undefined,
): string | Iterable<string> {
  switch (flags.format) {
    case 'github':
      return renderAnnotations(explainToAnnotations(result, { path }));
    case 'json':
      // One entry at a time: a million distinct crashes never become one string.
      return explainToJsonChunks(result);
    case 'markdown':
      return explainToMarkdown(result);
    case 'html':
      return renderHtml({
        title: `goroscope explain: ${result.inputs.map((i) => i.file).join(', ')}`,
        explain: result,
      });
    default:
      return explainToText(result, { color, maxGroups: flags.maxGroups });
  }
}

export const explainCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const command = program
      .command('explain')
      .description('diagnose Go panics, fatal errors, goroutine dumps and race reports in logs')
      .argument('[inputs...]', 'log files, directories, .gz files, or - for standard input (default when piped)')
      .addOption(
        new Option(
          '--group <level>',
          'group goroutines whose stacks are equal: exactly, ignoring arguments, or also ignoring wait time',
        )
          .choices(['exact', 'ignore-args', 'ignore-wait'])
          .default('ignore-wait'),
      )
      .addOption(
        new Option('--max-groups <n>', 'goroutine groups to list per crash in text output')
          .argParser(wholeNumber(0))
          .default(10),
      )
      .option(
        '--label <key=value>',
        'only group goroutines carrying this pprof label (Go >= 1.27 prints labels in goroutine headers; repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--group-by-label <key>', 'never group goroutines whose values of this pprof label differ')
      .addOption(summaryOption())
      .addOption(noSummaryOption());
    addSourceOptions(addOutputOptions(command, ['text', 'json', 'markdown', 'html', 'github']), 'culprit lines')
      .addHelpText(
        'after',
        '\nExit status: 0 nothing found, 1 a crash, dump or race was diagnosed, 2 usage or input error\n' +
          '(also when every input was skipped), 130 interrupted (after reporting what was read).\n' +
          'Examples:\n  goroscope explain crash.log\n  kubectl logs pod/api-7f9 | goroscope explain\n  goroscope ' +
          'explain --format json ci-logs/',
      )
      .action(async (inputs: string[], flags: ExplainFlags) => {
        let specs = inputs;
        if (specs.length === 0) {
          if (context.stdin === process.stdin && process.stdin.isTTY === true) {
            throw new UsageError('no input: name a log file or directory, or pipe a log into goroscope explain', {
              hint: 'goroscope explain crash.log   or   go test ./... 2>&1 | goroscope explain',
            });
          }
          specs = ['-'];
        }
        checkSourceDir(flags, context.cwd);
        const target = flags.output === undefined ? undefined : checkOutput(flags.output, specs, context.cwd);
        const labelFilter = parseLabelFilter(flags.label);
        const result = await explain(specs, {
          grouping: flags.group,
          srcDir: flags.src,
          cwd: context.cwd,
          stdin: untilAborted(context.stdin, context.signal),
          ...(labelFilter === undefined ? {} : { labelFilter }),
          ...(flags.groupByLabel === undefined ? {} : { groupByLabel: flags.groupByLabel }),
        });
        if (result.inputs.length === 0 && result.skipped.length > 0) {
          const first = result.skipped[0];
          const more = result.skipped.length > 1 ? ` (and ${result.skipped.length - 1} more)` : '';
          throw new InputError(`every input was skipped: ${first?.file}: ${first?.reason}${more}`, {
            hint: 'goroscope explain reads text logs; name the log file itself, or pipe the log in',
          });
        }
        const color = flags.output === undefined && wantsColor(context, flags.color);
        const report = renderExplain(result, flags, color, workspacePath(context));
        if (target !== undefined) await writeOutput(target, report);
        else if (typeof report === 'string') await write(context.stdout, report);
        else for (const chunk of report) await write(context.stdout, chunk);
        await writeJobSummary(flags.summary, context, () => explainToMarkdown(result));
        const found = result.crashes.length + result.races.length + (result.toolReports?.length ?? 0);
        context.exitCode = context.signal.aborted ? 130 : found > 0 ? 1 : 0;
      });
  },
};
