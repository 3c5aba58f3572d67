import { Command, CommanderError } from 'commander';
import { ExpectedError } from '../errors.js';
import { commands } from './commands/all-commands.js';
import type { CliContext } from './context.js';
import { packageVersion } from './version.js';

/** The exit codes, a contract with scripts and CI (documented in the README). */
export const EXIT = {
  /** Nothing found (or, for `profile`, the report was written). */
  clean: 0,
  /** A crash, race, failing test or lint finding was reported. */
  found: 1,
  /** Usage or input error, including "every input was skipped"; nothing was reported. */
  usage: 2,
  /** A bug in goroscope: an error it did not expect. */
  internal: 3,
  /** Interrupted (Ctrl-C, SIGINT): what was found so far was reported. */
  interrupted: 130,
} as const;

/** Commander's "error: ..." lines, reworded to goroscope's "goroscope: ..." so every mistake reads the same. */
function commanderMessage(text: string): string {
  return text.replace(/^error: /, 'goroscope: ');
}

/** Runs the CLI against the given context and returns the exit code (see EXIT). */
export async function run(argv: string[], context: CliContext): Promise<number> {
  const program = new Command('goroscope')
    .description('Diagnose and prevent concurrency failures in Go programs.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      outputError: (text, write) => write(commanderMessage(text)),
    })
    .addHelpText(
      'after',
      '\nExit status: 0 nothing found, 1 something found, 2 usage or input error, 3 a bug in goroscope, 130 ' +
        'interrupted.',
    );
  program.showHelpAfterError('hint: run goroscope --help for usage');
  for (const command of commands) command.register(program, context, argv);
  for (const sub of program.commands) {
    sub.exitOverride();
    sub.showHelpAfterError(`hint: run goroscope ${sub.name()} --help for usage`);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.signal.aborted ? EXIT.interrupted : context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander raises is a usage error it already printed.
      return error.exitCode === 0 ? EXIT.clean : EXIT.usage;
    }
    if (error instanceof ExpectedError) {
      context.stderr.write(`goroscope: ${oneLine(error.message)}\n`);
      // Every mistake gets a way forward, even where the code that raised it had none to offer.
      context.stderr.write(`hint: ${oneLine(error.hint ?? 'run goroscope --help for usage')}\n`);
      return EXIT.usage;
    }
    reportBug(error, context);
    return EXIT.internal;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** An error goroscope did not expect: one line saying so, the stack only when asked for. */
function reportBug(error: unknown, context: CliContext): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  context.stderr.write(`goroscope: internal error: ${oneLine(message)}\n`);
  const debug = context.env['GOROSCOPE_DEBUG'];
  if (debug !== undefined && debug !== '' && debug !== '0') {
    context.stderr.write(`${error instanceof Error ? (error.stack ?? message) : message}\n`);
  } else {
    context.stderr.write(
      'hint: this is a bug in goroscope; please report it with the command you ran (GOROSCOPE_DEBUG=1 prints the ' +
        'stack)\n',
    );
  }
}

export async function main(argv: string[]): Promise<void> {
  const abort = new AbortController();
  // The first Ctrl-C stops the work and reports what was found; a second one ends goroscope at once.
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
