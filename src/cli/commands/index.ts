import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { explainCommand } from './explain.js';
import { stressCommand } from './stress.js';
import { testCommand } from './test.js';
import { lintCommand } from './lint.js';
import { profileCommand } from './profile.js';
import { mergeCommand } from './merge.js';

/** A subcommand: registers itself on the program; its action sets context.exitCode. */
export interface CommandModule {
  register(program: Command, context: CliContext): void;
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
