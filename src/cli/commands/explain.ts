import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { BucketLevel } from '../../analyse/buckets.js';
import { UsageError } from '../../errors.js';
import { explain } from '../../explain.js';
import type { ExplainResult } from '../../model.js';
import { explainToJson } from '../../render/json.js';
import { renderHtml } from '../../render/html.js';
import { explainToMarkdown } from '../../render/markdown.js';
import { explainToText } from '../../render/text.js';
import { wantsColor, write, type CliContext } from '../context.js';
import { noSummaryOption, summaryOption, workspacePath, writeJobSummary, type SummaryFlag } from '../github-actions.js';
import { explainToAnnotations, renderAnnotations } from '../../render/github-annotations.js';
import type { CommandModule } from './index.js';

interface ExplainFlags {
  format: 'text' | 'json' | 'markdown' | 'html' | 'github';
  output?: string;
  src?: string | false;
  group: BucketLevel;
  color?: boolean;
  maxGroups: string;
  summary?: SummaryFlag;
}

export function renderExplain(
  result: ExplainResult,
  flags: ExplainFlags,
  color: boolean,
  path: (file: string) => string | undefined,
): string {
  switch (flags.format) {
    case 'github':
      return renderAnnotations(explainToAnnotations(result, { path }));
    case 'json':
      return explainToJson(result);
    case 'markdown':
      return explainToMarkdown(result);
    case 'html':
      return renderHtml({
        title: `goroscope explain: ${result.inputs.map((i) => i.file).join(', ')}`,
        explain: result,
      });
    case 'text': {
      const maxBuckets = Number.parseInt(flags.maxGroups, 10);
      if (!Number.isInteger(maxBuckets) || maxBuckets < 0)
        throw new UsageError(`--max-groups takes a whole number, not "${flags.maxGroups}"`);
      return explainToText(result, { color, maxBuckets });
    }
  }
}

export const explainCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('explain')
      .description('diagnose Go panics, fatal errors, goroutine dumps and race reports in logs')
      .argument('[inputs...]', 'log files, directories, .gz files, or - for standard input (default when piped)')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['text', 'json', 'markdown', 'html', 'github'])
          .default('text'),
      )
      .option('-o, --output <file>', 'write the report to a file instead of standard output')
      .option(
        '--src <dir>',
        'local source tree to show culprit lines from (default: the Go module around the current directory)',
      )
      .option('--no-src', 'do not look for local source')
      .addOption(
        new Option(
          '--group <level>',
          'group goroutines whose stacks are equal: exactly, ignoring arguments, or also ignoring wait time',
        )
          .choices(['exact', 'ignore-args', 'ignore-wait'])
          .default('ignore-wait'),
      )
      .option('--max-groups <n>', 'goroutine groups to list per crash in text output', '10')
      .option('--color', 'force colour')
      .option('--no-color', 'no colour (also: NO_COLOR=1)')
      .addOption(summaryOption())
      .addOption(noSummaryOption())
      .addHelpText(
        'after',
        '\nExit status: 0 nothing found, 1 a crash, dump or race was diagnosed, 2 usage or input error.\n' +
          'Examples:\n  goroscope explain crash.log\n  kubectl logs pod/api-7f9 | goroscope explain\n  goroscope explain --format json ci-logs/',
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
        const result = await explain(specs, {
          grouping: flags.group,
          srcDir: flags.src,
          cwd: context.cwd,
          stdin: context.stdin,
        });
        const color = flags.output === undefined && wantsColor(context, flags.color);
        const report = renderExplain(result, flags, color, workspacePath(context));
        if (flags.output !== undefined) await writeFile(flags.output, report);
        else await write(context.stdout, report);
        await writeJobSummary(flags.summary, context, () => explainToMarkdown(result));
        context.exitCode = result.crashes.length > 0 || result.races.length > 0 ? 1 : 0;
      });
  },
};
