import { Option, type Command } from 'commander';
import type { ProfileData, ProfileType } from '../../model.js';
import { PROFILE_TYPES } from '../../parse/pprof.js';
import { parseLabelFilter } from './explain-command.js';
import { profile } from '../../profile.js';
import { renderHtml } from '../../render/html-report.js';
import { profileToMarkdown, profileToText } from '../../render/profile-report.js';
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
import type { CommandModule } from './all-commands.js';

interface ProfileFlags extends OutputFlags, SourceFlags {
  type?: ProfileType;
  explain?: string[];
  top: number;
  stacks?: boolean;
  label: string[];
}

export const profileCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const command = program
      .command('profile')
      .description(
        'rank contention and cost in pprof profiles (mutex, block, goroutine, goroutineleak, cpu, heap) by the user ' +
          'code responsible',
      )
      .argument('<files...>', 'pprof files (.pb.gz) or goroutine text profiles (debug=1, debug=2)')
      .addOption(
        new Option('--type <type>', 'profile type, when it cannot be told from the file').choices([...PROFILE_TYPES]),
      )
      .option('--explain <logs...>', 'crash or race logs to cross the hot spots with')
      .option(
        '--label <key=value>',
        'only count samples carrying this pprof label (repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .addOption(
        new Option('--top <n>', 'hot spots listed per profile in text output').argParser(wholeNumber(1)).default(10),
      )
      .option('--stacks', 'show the heaviest stack under each hot spot');
    addSourceOptions(addOutputOptions(command, ['text', 'json', 'markdown', 'html']), 'hot spot lines')
      .addHelpText(
        'after',
        '\nExit status: 0 the report was written, 2 usage or input error, 130 interrupted.\n' +
          'Examples:\n  curl -so mutex.pb.gz http://localhost:6060/debug/pprof/mutex && goroscope profile ' +
          'mutex.pb.gz\n  goroscope profile mutex.pb.gz --explain race.log',
      )
      .action(async (files: string[], flags: ProfileFlags) => {
        const top = flags.top;
        checkSourceDir(flags, context.cwd);
        const target =
          flags.output === undefined
            ? undefined
            : checkOutput(flags.output, [...files, ...(flags.explain ?? [])], context.cwd);
        const options: Parameters<typeof profile>[1] = { cwd: context.cwd };
        if (flags.src !== undefined) options.srcDir = flags.src;
        if (flags.type !== undefined) options.type = flags.type;
        if (flags.explain !== undefined) options.explainLogs = flags.explain;
        const labelFilter = parseLabelFilter(flags.label);
        if (labelFilter !== undefined) options.labelFilter = labelFilter;
        const data: ProfileData[] = [];
        if (flags.format === 'html') options.onData = (d) => data.push(d);
        const result = await profile(files, options);
        const color = flags.output === undefined && wantsColor(context, flags.color);
        const report =
          flags.format === 'json'
            ? JSON.stringify(result, null, 2) + '\n'
            : flags.format === 'markdown'
              ? profileToMarkdown(result)
              : flags.format === 'html'
                ? renderHtml({ title: `goroscope profile: ${files.join(', ')}`, profile: result, profileData: data })
                : profileToText(result, { color, top, stacks: flags.stacks === true });
        if (target !== undefined) await writeOutput(target, report);
        else await write(context.stdout, report);
        // A profile is a measurement, not a finding: success is 0 whatever it shows.
        context.exitCode = context.signal.aborted ? 130 : 0;
      });
  },
};
