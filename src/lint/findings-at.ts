// Links a crash to lint hazards: the findings of `goroscope lint` on one line of a local Go file, so that
// `explain --src` can say "this line was also flagged by <rule>". Only the package of that one file is linted.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { loadPackages } from './load/go-packages.js';
import type { GoPackageFiles } from './load/go-packages.js';
import { lintPackages } from './driver/lint-packages.js';
import type { LintConfig } from './driver/lint-packages.js';
import type { LintFinding } from '../model.js';

/** Findings per package directory, so that many culprits in one package lint it once. */
export type FindingsCache = Map<string, Promise<LintFinding[]>>;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The package holding `path`: its directory as the Go build sees it, or just this file when the build context
 * leaves it out (another GOOS, a build tag), so that a culprit in such a file still gets its findings.
 */
function packageOf(path: string): { packages: GoPackageFiles[]; whole: boolean } {
  const dir = dirname(path);
  const packages = loadPackages([dir], dir);
  if (packages.some((pkg) => pkg.files.some((file) => file.path === path))) return { packages, whole: true };
  return { packages: loadPackages([path], dir), whole: false };
}

/** `file` as resolvePrintedPath gives it (relative to srcDir), as SourceContext.localFile gives it (the tree
 * root joined in front, so relative to the working directory), or absolute. */
function localPath(srcDir: string, file: string): string | undefined {
  const candidates = isAbsolute(file) ? [file] : [join(srcDir, file), file];
  for (const candidate of candidates) if (candidate.endsWith('.go') && isFile(candidate)) return resolve(candidate);
  return undefined;
}

function touches(finding: LintFinding, path: string, line: number): boolean {
  if (finding.file === path && line >= finding.line && line <= finding.endLine) return true;
  return finding.related.some((related) => related.file === path && related.line === line);
}

/**
 * Lint findings whose reported range covers `line` of `file`, or that name that line as the other side of a
 * pair (a race's read and write), most specific first. `file` is absolute, relative to `srcDir` (as
 * resolvePrintedPath gives it) or relative to the working directory (SourceContext.localFile). A file that cannot be
 * read gives no findings: a
 * crash report must not fail because a hint is unavailable.
 */
export async function findingsAt(
  srcDir: string,
  file: string,
  line: number,
  options: { config?: LintConfig; cache?: FindingsCache } = {},
): Promise<LintFinding[]> {
  const path = localPath(srcDir, file);
  if (path === undefined) return [];
  let found: { packages: GoPackageFiles[]; whole: boolean };
  try {
    found = packageOf(path);
  } catch (error) {
    if (error instanceof InputError) return [];
    throw error;
  }
  const packages = found.packages;
  // Only a whole-directory lint is shared; a file outside the build context is linted alone.
  const key = found.whole ? dirname(path) : path;
  let pending = options.cache?.get(key);
  if (pending === undefined) {
    pending = lintPackages(packages, options.config ?? {}).then((result) => result.findings);
    options.cache?.set(key, pending);
  }
  const findings = await pending;
  return findings
    .filter((finding) => touches(finding, path, line))
    .sort(
      (a, b) =>
        Number(b.file === path && b.line === line) - Number(a.file === path && a.line === line) ||
        a.rule.localeCompare(b.rule),
    );
}
