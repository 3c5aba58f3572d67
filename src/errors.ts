// Errors goroscope expects (bad usage, unreadable input) are typed, so the CLI prints them as one line with a
// hint and exits 2. Anything else is a bug in goroscope and is rethrown with its stack.

export abstract class ExpectedError extends Error {
  /** What the user can do about it, in one line. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
  }
}

/** The command line is wrong: unknown flag, bad value, missing argument. */
export class UsageError extends ExpectedError {
  override readonly name = 'UsageError';
}

/** An input cannot be read: missing path, permission denied, corrupt gzip. */
export class InputError extends ExpectedError {
  override readonly name = 'InputError';
}

/** A report or fixed file cannot be written (disk full, permissions changed while goroscope ran). */
export class OutputError extends ExpectedError {
  override readonly name = 'OutputError';
}

/** A configuration file is malformed. */
export class ConfigError extends ExpectedError {
  override readonly name = 'ConfigError';
}

/** A program goroscope needs (such as `go`) is missing or failed to start. */
export class ToolError extends ExpectedError {
  override readonly name = 'ToolError';
}
