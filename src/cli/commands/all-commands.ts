import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { explainCommand } from './explain-command.js';
import { stressCommand } from './stress-command.js';
import { testCommand } from './test-command.js';
import { lintCommand } from './lint-command.js';
import { profileCommand } from './profile-command.js';

/** A subcommand: registers itself on the program; its action sets context.exitCode. */
export interface CommandModule {
  register(program: Command, context: CliContext): void;
}

/** Every subcommand, in the order `goroscope --help` lists them. */
export const commands: CommandModule[] = [explainCommand, testCommand, stressCommand, profileCommand, lintCommand];
