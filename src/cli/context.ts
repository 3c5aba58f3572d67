import type { Readable, Writable } from 'node:stream';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Standard output is a terminal (progress bars, colour by default). */
  stdoutIsTTY: boolean;
  /** Set by a command: 0 nothing found, 1 something found, 2 usage or input error, 130 interrupted (see EXIT). */
  exitCode: number;
  /** Aborted on Ctrl-C; long-running commands stop their children and still report. */
  signal: AbortSignal;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(context: CliContext, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const noColor = context.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (context.env['TERM'] === 'dumb') return false;
  return context.stdoutIsTTY;
}

/** Writes text to a stream and resolves once it is flushed, so large reports are not cut off at exit. */
export function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
