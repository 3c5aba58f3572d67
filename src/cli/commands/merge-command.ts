import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { mergeResults, withDistinctCrashes } from '../../analyse/fleet.js';
import { InputError } from '../../errors.js';
import type { ExplainResult } from '../../model.js';
import { write, wantsColor, type CliContext } from '../context.js';
import { workspacePath } from '../github-actions.js';
import { addOutputOptions, type OutputFlags } from '../options.js';
import { checkOutput, writeOutput } from '../output.js';
import { renderExplain } from './explain-command.js';
import type { CommandModule } from './all-commands.js';

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
  if (result === null || result.schemaVersion !== 2 || !Array.isArray(result.crashes) || !Array.isArray(result.races)) {
    throw new InputError(`${path} is not a goroscope explain result (schemaVersion 2)`, {
      hint: 'merge reads the output of goroscope explain --format json',
    });
  }
  return { ...(result as ExplainResult), inputs: result.inputs ?? [], skipped: result.skipped ?? [] };
}

export const mergeCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const command = program
      .command('merge')
      .description('combine explain --format json results: identical crashes fold into one entry with a count')
      .argument('<files...>', 'results of goroscope explain --format json, in the order their logs were written');
    addOutputOptions(command, ['text', 'json', 'markdown', 'html'], 'json').action(
      async (files: string[], flags: OutputFlags) => {
        const target = flags.output === undefined ? undefined : checkOutput(flags.output, files, context.cwd);
        let merged: ExplainResult | undefined;
        for (const file of files) {
          const next = await readResult(file);
          merged = merged === undefined ? withDistinctCrashes(next) : mergeResults(merged, next);
        }
        if (merged === undefined) return;
        const color = flags.output === undefined && wantsColor(context, flags.color);
        const explainFlags = { ...flags, group: 'ignore-wait' as const, maxGroups: 10, label: [] };
        const report = renderExplain(merged, explainFlags, color, workspacePath(context));
        if (target !== undefined) await writeOutput(target, report);
        else if (typeof report === 'string') await write(context.stdout, report);
        else for (const chunk of report) await write(context.stdout, chunk);
        const found = merged.crashes.length + merged.races.length + (merged.toolReports?.length ?? 0);
        context.exitCode = found > 0 ? 1 : 0;
      },
    );
  },
};
