import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { wordsAfterDashDash } from '../options.js';
import { addSessionOptions, runSession, type SessionOptions } from '../session.js';
import type { CommandModule } from './all-commands.js';

export const stressCommand: CommandModule = {
  register(program: Command, context: CliContext, argv: readonly string[]): void {
    const command = program
      .command('stress')
      .description('run any command repeatedly and explain the races and crashes in its output')
      .argument('[command...]', 'the command to repeat, after --');
    addSessionOptions(command)
      .addHelpText(
        'after',
        '\nExamples:\n  goroscope stress --count 50 -- ./server.test -test.run TestCache\n  goroscope stress --duration 5m --parallel 8 -- go run -race ./cmd/worker',
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
        await runSession({ command: name, args, cwd: context.cwd, env: context.env }, options, context, [name]);
      });
  },
};
