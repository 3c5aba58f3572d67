import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { ProfileData, ProfileType } from '../../model.js';
import { PROFILE_TYPES } from '../../parse/pprof.js';
import { parseLabelFilter } from './explain.js';
import { profile } from '../../profile.js';
import { renderHtml } from '../../render/html.js';
import { profileToMarkdown, profileToText } from '../../render/profile.js';
import { wantsColor, write, type CliContext } from '../context.js';
import type { CommandModule } from './index.js';

interface ProfileFlags {
  format: 'text' | 'json' | 'markdown' | 'html';
  output?: string;
  type?: ProfileType;
  explain?: string[];
  top: string;
  stacks?: boolean;
  src?: string | false;
  color?: boolean;
  label: string[];
}

export const profileCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('profile')
      .description(
        'rank contention and cost in pprof profiles (mutex, block, goroutine, goroutineleak, cpu, heap) by the user code responsible',
      )
      .argument('<files...>', 'pprof files (.pb.gz) or goroutine text profiles (debug=1, debug=2)')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['text', 'json', 'markdown', 'html'])
          .default('text'),
      )
      .option('-o, --output <file>', 'write the report to a file instead of standard output')
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
      .option('--top <n>', 'hot spots listed per profile in text output', '10')
      .option('--stacks', 'show the heaviest stack under each hot spot')
      .option(
        '--src <dir>',
        'local source tree to show hot spot lines from (default: the Go module around the current directory)',
      )
      .option('--no-src', 'do not look for local source')
      .option('--color', 'force colour')
      .option('--no-color', 'no colour (also: NO_COLOR=1)')
      .addHelpText(
        'after',
        '\nExamples:\n  curl -so mutex.pb.gz http://localhost:6060/debug/pprof/mutex && goroscope profile mutex.pb.gz\n  goroscope profile mutex.pb.gz --explain race.log',
      )
      .action(async (files: string[], flags: ProfileFlags) => {
        const top = Number.parseInt(flags.top, 10);
        if (!Number.isInteger(top) || top < 1)
          throw new UsageError(`--top takes a whole number from 1, not "${flags.top}"`);
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
        if (flags.output !== undefined) await writeFile(flags.output, report);
        else await write(context.stdout, report);
        context.exitCode = 0;
      });
  },
};
