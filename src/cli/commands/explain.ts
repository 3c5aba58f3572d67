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
import type { CommandModule } from './index.js';

interface ExplainFlags {
  format: 'text' | 'json' | 'markdown' | 'html';
  output?: string;
  src?: string | false;
  group: BucketLevel;
  color?: boolean;
  maxGroups: string;
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

export function renderExplain(result: ExplainResult, flags: ExplainFlags, color: boolean): string {
  switch (flags.format) {
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
          .choices(['text', 'json', 'markdown', 'html'])
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
      .option(
        '--label <key=value>',
        'only group goroutines carrying this pprof label (Go >= 1.27 prints labels in goroutine headers; repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--group-by-label <key>', 'never group goroutines whose values of this pprof label differ')
      .option('--color', 'force colour')
      .option('--no-color', 'no colour (also: NO_COLOR=1)')
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
        const labelFilter = parseLabelFilter(flags.label);
        const result = await explain(specs, {
          grouping: flags.group,
          srcDir: flags.src,
          cwd: context.cwd,
          stdin: context.stdin,
          ...(labelFilter === undefined ? {} : { labelFilter }),
          ...(flags.groupByLabel === undefined ? {} : { groupByLabel: flags.groupByLabel }),
        });
        const color = flags.output === undefined && wantsColor(context, flags.color);
        const report = renderExplain(result, flags, color);
        if (flags.output !== undefined) await writeFile(flags.output, report);
        else await write(context.stdout, report);
        const found = result.crashes.length + result.races.length + (result.toolReports?.length ?? 0);
        context.exitCode = found > 0 ? 1 : 0;
      });
  },
};
