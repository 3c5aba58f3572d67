// The options every command shares (format, output, colour, source), declared once, and the parsers that check
// option values while commander parses the command line, so a bad value is reported before any input is read.
// Commander reports a parser's error as `option '<flags>' argument '<value>' is invalid. <message>`.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDuration } from '../run/duration.js';

/** What the shared output options leave in a command's options. */
export interface OutputFlags {
  format: string;
  output?: string;
  color?: boolean;
}

/** What the shared source options leave: a directory, false for --no-src, undefined for the default. */
export interface SourceFlags {
  src?: string | false;
}

/** `-f/--format` (one of `formats`, default text), `-o/--output`, `--color`/`--no-color`. */
export function addOutputOptions(command: Command, formats: readonly string[], defaultFormat = 'text'): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default(defaultFormat))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also: NO_COLOR=1)');
}

/** `--src <dir>` and `--no-src`; `what` says what the source is shown for. */
export function addSourceOptions(command: Command, what: string): Command {
  return command
    .option(
      '--src <dir>',
      `local source tree to show ${what} from (default: the Go module around the current directory)`,
    )
    .option('--no-src', 'do not look for local source');
}

/** Checks `--src` before any input is read: a source tree that is not there would silently show no source. */
export function checkSourceDir(flags: SourceFlags, cwd: string): void {
  if (typeof flags.src !== 'string') return;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(resolve(cwd, flags.src)).isDirectory();
  } catch {
    throw new UsageError(`--src ${flags.src}: no such directory`, {
      hint: 'name the checkout of the program (the directory holding go.mod), or pass --no-src',
    });
  }
  if (!isDirectory)
    throw new UsageError(`--src ${flags.src}: not a directory`, {
      hint: 'name the checkout of the program (the directory holding go.mod), or pass --no-src',
    });
}

/** A parser for a whole-number option that must be at least `min`. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min)
      throw new InvalidArgumentError(`Expected a whole number${min > 0 ? ` of at least ${min}` : ''}.`);
    return Number(value);
  };
}

/** A parser for a duration such as 90s, 10m or 1h30m; the value is in milliseconds. */
export function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError('Expected a duration such as 90s, 10m or 1h30m.');
  return ms;
}

/**
 * The words after the `--` that ended the options, from the argv goroscope was given. Commander folds them into
 * the operands (`operands` ends with them) and drops the `--`; when the first `--` in argv was instead taken as an
 * option's value, the operands do not end with what follows it and there is nothing after a `--`.
 */
export function wordsAfterDashDash(argv: readonly string[], operands: readonly string[]): string[] {
  const at = argv.indexOf('--');
  if (at === -1) return [];
  const words = argv.slice(at + 1);
  if (words.length > operands.length) return [];
  const tail = operands.slice(operands.length - words.length);
  return tail.every((word, i) => word === words[i]) ? words : [];
}
