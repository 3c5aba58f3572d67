import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { mergeResults, withGroups } from '../../analyse/fleet.js';
import { InputError } from '../../errors.js';
import type { ExplainResult } from '../../model.js';
import { write, wantsColor, type CliContext } from '../context.js';
import { renderExplain } from './explain.js';
import type { CommandModule } from './index.js';

interface MergeFlags {
  format: 'text' | 'json' | 'markdown' | 'html';
  output?: string;
  color?: boolean;
}

/** Reads one `goroscope explain --format json` file; anything else is the user's mistake, not a crash of ours. */
async function readResult(path: string): Promise<ExplainResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read ${path} as JSON`, {
      cause: error,
      hint: 'merge reads the output of goroscope explain --format json',
    });
  }
  const result = parsed as Partial<ExplainResult> | null;
  if (result === null || result.schemaVersion !== 1 || !Array.isArray(result.crashes) || !Array.isArray(result.races)) {
    throw new InputError(`${path} is not a goroscope explain result (schemaVersion 1)`, {
      hint: 'merge reads the output of goroscope explain --format json',
    });
  }
  return { ...(result as ExplainResult), inputs: result.inputs ?? [], skipped: result.skipped ?? [] };
}

export const mergeCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('merge')
      .description('combine explain --format json results: identical crashes fold into one entry with a count')
      .argument('<files...>', 'results of goroscope explain --format json, in the order their logs were written')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['text', 'json', 'markdown', 'html'])
          .default('json'),
      )
      .option('-o, --output <file>', 'write the result to a file instead of standard output')
      .option('--color', 'force colour')
      .option('--no-color', 'no colour (also: NO_COLOR=1)')
      .action(async (files: string[], flags: MergeFlags) => {
        let merged: ExplainResult | undefined;
        for (const file of files) {
          const next = await readResult(file);
          merged = merged === undefined ? withGroups(next) : mergeResults(merged, next);
        }
        if (merged === undefined) return;
        const color = flags.output === undefined && wantsColor(context, flags.color);
        const report = renderExplain(merged, { ...flags, group: 'ignore-wait', maxGroups: '10', label: [] }, color);
        if (flags.output !== undefined) await writeFile(flags.output, report);
        else await write(context.stdout, report);
        const found = merged.crashes.length + merged.races.length + (merged.toolReports?.length ?? 0);
        context.exitCode = found > 0 ? 1 : 0;
      });
  },
};
