import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { explainCommand } from './explain-command.js';
import { stressCommand } from './stress-command.js';
import { testCommand } from './test-command.js';
import { lintCommand } from './lint-command.js';
import { profileCommand } from './profile-command.js';
import { mergeCommand } from './merge-command.js';

/** A subcommand: registers itself on the program; its action sets context.exitCode. */
export interface CommandModule {
  /** `argv` is the command line as given (after the program name), for commands that read what follows `--`. */
  register(program: Command, context: CliContext, argv: readonly string[]): void;
}

/** Every subcommand, in the order `goroscope --help` lists them. */
export const commands: CommandModule[] = [
  explainCommand,
  mergeCommand,
  testCommand,
  stressCommand,
  profileCommand,
  lintCommand,
];
