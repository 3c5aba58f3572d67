import { Command, CommanderError } from 'commander';
import { ExpectedError } from '../errors.js';
import { commands } from './commands/all-commands.js';
import type { CliContext } from './context.js';
import { packageVersion } from './version.js';

/** Runs the CLI against the given context and returns the exit code (0 clean, 1 found, 2 error). */
export async function run(argv: string[], context: CliContext): Promise<number> {
  const program = new Command('goroscope')
    .description('Diagnose and prevent concurrency failures in Go programs.')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(run goroscope --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    });
  for (const command of commands) command.register(program, context);
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander raises is a usage error it already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ExpectedError) {
      context.stderr.write(`goroscope: ${error.message}\n`);
      if (error.hint) context.stderr.write(`hint: ${error.hint}\n`);
      return 2;
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<void> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    exitCode: 0,
    signal: abort.signal,
  };
  // A closed pipe (goroscope explain big.log | head) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(context.exitCode);
    throw error;
  });
  process.exitCode = await run(argv, context);
}
