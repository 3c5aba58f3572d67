import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { addFlakeHuntingOptions, addSessionOptions, runSession, type SessionOptions } from '../session.js';
import type { CliContext } from '../context.js';
import { wordsAfterDashDash } from '../options.js';
import type { CommandModule } from './all-commands.js';

export const stressCommand: CommandModule = {
  register(program: Command, context: CliContext, argv: readonly string[]): void {
    const command = program
      .command('stress')
      .description('run any command repeatedly and explain the races and crashes in its output')
      .argument('[command...]', 'the command to repeat, after --');
    addSessionOptions(command);
    // Flake hunting (issue 12): per-run timeout, --failure/--ignore, kept output, --perturb.
    addFlakeHuntingOptions(command)
      .addHelpText(
        'after',
        '\nWithout --count or --duration it runs until stopped (Ctrl-C).\n\nExamples:\n  goroscope stress --count 50 ' +
          '-- ./server.test -test.run TestCache\n  goroscope stress --duration 5m --parallel 8 -- go run -race ' +
          './cmd/worker\n  goroscope stress --timeout 30s --perturb -- ./server.test -test.run TestFlaky',
      )
      .action(async (_words: string[], options: SessionOptions, cmd: Command) => {
        const afterDashes = wordsAfterDashDash(argv, cmd.args);
        const words = afterDashes.length > 0 ? afterDashes : cmd.args;
        const [name, ...args] = words;
        if (name === undefined || name === '') {
          throw new UsageError('stress needs a command to run', {
            hint: 'goroscope stress --count 10 -- go test -race ./pkg',
          });
        }
        // The program run may be a file here (./server.test): -o must not overwrite it.
        await runSession({ command: name, args, cwd: context.cwd, env: context.env }, options, context, [name], {
          untilStopped: true,
          goTest: name === 'go' && args[0] === 'test',
        });
      });
  },
};
