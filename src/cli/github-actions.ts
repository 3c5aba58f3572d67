// What goroscope does for GitHub Actions beyond printing. The Markdown job summary: `--summary FILE` appends the
// Markdown report to FILE; without the flag, inside a GitHub Actions step (GITHUB_STEP_SUMMARY set) it is appended
// there, which is how a step adds to the run's summary page. `--no-summary` turns both off.
import { appendFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Option } from 'commander';
import type { CliContext } from './context.js';

/** `--summary FILE` / `--no-summary`: commander gives the file, false, or undefined when neither was given. */
export type SummaryFlag = string | boolean | undefined;

export function summaryOption(): Option {
  return new Option(
    '--summary <file>',
    'append a Markdown summary to FILE (default in GitHub Actions: $GITHUB_STEP_SUMMARY)',
  );
}

export function noSummaryOption(): Option {
  return new Option('--no-summary', 'write no Markdown summary');
}

/** Where the summary goes, or undefined for none. */
export function summaryPath(flag: SummaryFlag, context: CliContext): string | undefined {
  if (flag === false) return undefined;
  if (typeof flag === 'string') return resolve(context.cwd, flag);
  const fromActions = context.env['GITHUB_STEP_SUMMARY'];
  return fromActions === undefined || fromActions === '' ? undefined : fromActions;
}

/** Appends the Markdown (built only when a summary is wanted) with a blank line after it. */
export async function writeJobSummary(flag: SummaryFlag, context: CliContext, markdown: () => string): Promise<void> {
  const path = summaryPath(flag, context);
  if (path === undefined) return;
  await appendFile(path, `${markdown().trimEnd()}\n\n`);
}

/**
 * Annotation paths: relative to the workspace GitHub checked out (GITHUB_WORKSPACE, else the working directory);
 * a file outside it cannot be annotated.
 */
export function workspacePath(context: CliContext): (file: string) => string | undefined {
  const workspace = context.env['GITHUB_WORKSPACE'];
  const root = workspace === undefined || workspace === '' ? context.cwd : workspace;
  return (file) => {
    const path = relative(root, resolve(context.cwd, file));
    return path === '' || path.startsWith('..') || isAbsolute(path) ? undefined : path.split('\\').join('/');
  };
}
