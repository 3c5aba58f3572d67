// Where a report goes. The path given to -o is checked before any input is read or any run starts (a report that
// cannot be written is known at once, not after an hour of stress runs), and the report is written to a temporary
// file in the same directory and renamed into place, so a reader (or another goroscope writing the same file)
// sees the old report or the new one, never half of one.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError, UsageError } from '../errors.js';

/** A checked -o target: the absolute path the report will replace. */
export interface OutputTarget {
  path: string;
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The real path of a file, or undefined when it does not exist (or cannot be resolved). */
function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Checks that `output` (relative to cwd) can receive a report without destroying anything: it is not a directory,
 * not one of `inputs` (compared by real path, so a symbolic link or `./x` is caught too), and its directory exists
 * and accepts a new file. Throws UsageError (exit 2) otherwise.
 */
export function checkOutput(output: string, inputs: readonly string[], cwd: string): OutputTarget {
  const flag = `-o ${output}`;
  if (output === '') throw new UsageError('-o needs a file name', { hint: 'e.g. -o report.json' });
  const path = resolve(cwd, output);
  const real = realPathOf(path);
  if (real !== undefined) {
    if (statSync(real).isDirectory())
      throw new UsageError(`${flag}: is a directory`, { hint: `name a file, e.g. -o ${join(output, 'report')}` });
    for (const input of inputs) {
      if (input === '-') continue;
      if (realPathOf(resolve(cwd, input)) === real)
        throw new UsageError(`${flag}: is also an input; writing the report there would destroy it`, {
          hint: 'name a different file for the report',
        });
    }
  }
  const dir = dirname(real ?? path);
  let dirInfo;
  try {
    dirInfo = statSync(dir);
  } catch {
    throw new UsageError(`${flag}: the directory ${dir} does not exist`, {
      hint: `create it first (mkdir -p ${dir}) or name a file in an existing directory`,
    });
  }
  if (!dirInfo.isDirectory())
    throw new UsageError(`${flag}: ${dir} is not a directory`, { hint: 'name a file in an existing directory' });
  // Creating a file is the only test that holds for every user (root passes access() checks) and every file system
  // (read-only mounts, ACLs): try it.
  const probe = temporaryName(real ?? path);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (error) {
    throw new UsageError(`${flag}: cannot create a file in ${dir} (${errnoCode(error) ?? 'error'})`, {
      hint: 'check the permissions of the directory, or write the report elsewhere',
    });
  }
  unlinkSync(probe);
  return { path: real ?? path };
}

/** Writes the report to a temporary file beside the target and renames it into place (atomic on one file system). */
/** Writes a report (one string, or chunks so a large report is never one string) atomically to `target`. */
export async function writeOutput(target: OutputTarget, text: string | Iterable<string>): Promise<void> {
  // Through a symbolic link to the file it names: renaming onto the link would replace the link itself.
  const path = await realpath(target.path).catch(() => target.path);
  const temporary = temporaryName(path);
  // Keep the permissions of a file being replaced; new reports get the default (0666 minus umask).
  const mode = await stat(path).then(
    (info) => info.mode & 0o7777,
    () => undefined,
  );
  const handle = await open(temporary, 'wx', mode);
  try {
    if (typeof text === 'string') await handle.writeFile(text);
    else for (const chunk of text) await handle.write(chunk);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw new OutputError(`cannot write ${path} (${errnoCode(error) ?? String(error)})`, {
      cause: error,
      hint: 'check the free space and permissions there, or write the report elsewhere',
    });
  }
}
