import { basename } from 'node:path';
import type { Command } from 'commander';
import { findModuleRoot } from '../../source/go-mod.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { wordsAfterDashDash } from '../options.js';
import { addSessionOptions, runSession, type SessionOptions } from '../session.js';
import type { CommandModule } from './all-commands.js';

interface TestOptions extends SessionOptions {
  race: boolean;
}

/** `go test` arguments for one run: JSON events, no test cache (every run must really run), -race by default. */
export function goTestArgs(packages: string[], goFlags: string[], race: boolean): string[] {
  const args = ['test', '-json', '-count=1'];
  if (race) args.push('-race');
  args.push(...(packages.length === 0 ? ['./...'] : packages), ...goFlags);
  return args;
}

export const testCommand: CommandModule = {
  register(program: Command, context: CliContext, argv: readonly string[]): void {
    const command = program
      .command('test')
      .description('run go test -race repeatedly and explain every race, crash and flaky test')
      .argument('[packages...]', 'packages to test (default ./...); go test flags go after --')
      .option('--no-race', 'run without the race detector');
    addSessionOptions(command)
      .addHelpText(
        'after',
        '\nExamples:\n  goroscope test --count 20 ./store/...\n  goroscope test --duration 10m --parallel 4 -- -run TestCache',
      )
      .action(async (_packages: string[], options: TestOptions, cmd: Command) => {
        const goFlags = wordsAfterDashDash(argv, cmd.args);
        const packages = cmd.args.slice(0, cmd.args.length - goFlags.length);
        if (findModuleRoot(context.cwd) === undefined) {
          throw new UsageError(`no go.mod in ${context.cwd} or any parent directory`, {
            hint: 'run goroscope test inside a Go module',
          });
        }
        const spec = {
          command: 'go',
          args: goTestArgs(packages, goFlags, options.race),
          cwd: context.cwd,
          env: context.env,
        };
        // go test reads the module's Go files and go.mod/go.sum: -o must not name one of them.
        const output = options.output;
        const goInput = output !== undefined && /(\.go|^go\.(mod|sum|work))$/.test(basename(output)) ? [output] : [];
        await runSession(spec, options, context, goInput);
      });
  },
};
