// Finds what `go vet ./...` would check: modules (go.mod), packages by directory, the files that pass the
// build constraints for one GOOS/GOARCH, `_test.go` files included, `vendor/`, `testdata/`, `_x` and `.x`
// directories skipped unless named on the command line.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../../errors.js';
import { defaultBuildContext, fileNameMatches, headerMatches } from './build-constraints.js';
import type { BuildContext } from './build-constraints.js';
import { isGeneratedSource } from './generated.js';
import { moduleFor, type GoModule } from '../../source/go-mod.js';

export type { GoModule } from '../../source/go-mod.js';

export interface GoFile {
  path: string;
  source: string;
}

/** A Go file the loader passed over, and why (`generated` files are counted, not listed, by the CLI). */
export interface SkippedGoFile {
  path: string;
  reason: 'generated' | 'too-large' | 'unreadable';
  /** For `too-large`: the file's size in bytes. */
  bytes?: number;
}

/** What the loader reads: which files to pass over. */
export interface FileOptions {
  /** Lint files marked `// Code generated ... DO NOT EDIT.` too (skipped by default, like golangci-lint does). */
  includeGenerated?: boolean;
  /** Files larger than this are not read (a per-file budget: parsing cost grows with size). */
  maxFileBytes?: number;
  /** Receives the files passed over; without it they are passed over silently. */
  skipped?: SkippedGoFile[];
}

export interface GoPackageFiles {
  dir: string;
  module: GoModule;
  files: GoFile[];
}

function skippedDirName(name: string): boolean {
  return (
    name === 'vendor' || name === 'testdata' || name.startsWith('_') || name.startsWith('.') || name === 'node_modules'
  );
}

/** Go files a directory listing held, and how many the build constraints left. */
interface FileCount {
  goFiles: number;
  /** Files of the build that were skipped and reported (generated, too large, unreadable). */
  passedOver: number;
}

/** Enough of a file for the comments before its package clause (license headers included). */
const HEADER_BYTES = 64 * 1024;

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

function packageFiles(
  dir: string,
  ctx: BuildContext,
  options: FileOptions,
  onlyFiles?: string[],
  count?: FileCount,
): GoPackageFiles | undefined {
  let names: string[];
  try {
    names = onlyFiles ?? readdirSync(dir).filter((name) => name.endsWith('.go'));
  } catch (error) {
    throw new InputError(`cannot read directory ${dir}`, { cause: error, hint: 'check the path and its permissions' });
  }
  names.sort();
  const files: GoFile[] = [];
  for (const name of names) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    if (count !== undefined) count.goFiles++;
    if (onlyFiles === undefined && !fileNameMatches(name, ctx)) continue;
    const path = join(dir, name);
    let source: string;
    try {
      const bytes = options.maxFileBytes === undefined ? 0 : statSync(path).size;
      if (options.maxFileBytes !== undefined && bytes > options.maxFileBytes) {
        // A generated file is reported as generated, whatever its size: only its header needs reading.
        const generated = !options.includeGenerated && isGeneratedSource(readHead(path, HEADER_BYTES));
        options.skipped?.push(generated ? { path, reason: 'generated' } : { path, reason: 'too-large', bytes });
        if (count !== undefined) count.passedOver++;
        continue;
      }
      source = readFileSync(path, 'utf8');
    } catch (error) {
      // A file named on the command line must be read; one found in a directory listing may vanish or be private.
      if (onlyFiles !== undefined)
        throw new InputError(`cannot read ${path}`, { cause: error, hint: 'check the file and its permissions' });
      options.skipped?.push({ path, reason: 'unreadable' });
      if (count !== undefined) count.passedOver++;
      continue;
    }
    if (onlyFiles === undefined && !headerMatches(source, ctx)) continue;
    if (!options.includeGenerated && isGeneratedSource(source)) {
      options.skipped?.push({ path, reason: 'generated' });
      if (count !== undefined) count.passedOver++;
      continue;
    }
    files.push({ path, source });
  }
  if (files.length === 0) return undefined;
  return { dir, module: moduleFor(dir), files };
}

interface WalkState {
  ctx: BuildContext;
  files: FileOptions;
  out: GoPackageFiles[];
  /** Walk into nested modules instead of skipping them. */
  allModules: boolean;
  /** Directories of the nested modules skipped. */
  nestedModules: string[];
  count: FileCount;
}

function walk(dir: string, state: WalkState, isRoot: boolean): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read directory ${dir}`, { cause: error, hint: 'check the path and its permissions' });
  }
  // A nested module is its own unit for `go vet ./...` (it is not part of the parent); skip it like go does.
  if (!isRoot && entries.some((e) => e.isFile() && e.name === 'go.mod')) {
    state.nestedModules.push(dir);
    if (!state.allModules) return;
  }
  const pkg = packageFiles(dir, state.ctx, state.files, undefined, state.count);
  if (pkg) state.out.push(pkg);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isDirectory() && !skippedDirName(entry.name)) walk(join(dir, entry.name), state, false);
  }
}

export interface LoadOptions extends FileOptions {
  ctx?: BuildContext;
  /** `dir/...` also walks into nested modules (directories below with their own go.mod). Default false. */
  allModules?: boolean;
}

/** A command-line pattern that matched no package, and why. */
export interface EmptyPattern {
  pattern: string;
  reason: 'no Go files' | 'build constraints exclude all Go files';
}

export interface LoadReport {
  packages: GoPackageFiles[];
  /** Nested modules that `...` patterns skipped (none with allModules), less those another pattern named. */
  nestedModules: string[];
  /** Patterns that matched nothing (a directory with no Go files, `./...` over a tree without any). */
  emptyPatterns: EmptyPattern[];
}

/**
 * Expands command-line patterns like go does: `./...` and `dir/...` walk, `dir` is one package, `a.go b.go`
 * are one package of exactly those files. Relative to cwd. The defaults keep every file (the library's
 * behaviour before generated-file skipping); the CLI passes its own options.
 */
export function loadPackages(
  patterns: string[],
  cwd: string,
  ctx: BuildContext = defaultBuildContext(),
  files: FileOptions = { includeGenerated: true },
): GoPackageFiles[] {
  return loadPackagesReport(patterns, cwd, { ...files, ctx }).packages;
}

/** loadPackages, and what it passed over: nested modules and patterns that matched nothing. */
export function loadPackagesReport(patterns: string[], cwd: string, options: LoadOptions = {}): LoadReport {
  const ctx = options.ctx ?? defaultBuildContext();
  const files: FileOptions = options;
  const out: GoPackageFiles[] = [];
  const nestedModules: string[] = [];
  const emptyPatterns: EmptyPattern[] = [];
  const looseFiles = new Map<string, string[]>();
  for (const pattern of patterns.length === 0 ? ['.'] : patterns) {
    const recursive = pattern === '...' || pattern.endsWith('/...');
    const base = resolve(cwd, recursive ? pattern.slice(0, -3) || '.' : pattern);
    let stat;
    try {
      stat = statSync(base);
    } catch (error) {
      throw new InputError(`no such file or directory: ${pattern}`, {
        cause: error,
        hint: 'pass a Go package directory, ./..., or .go files',
      });
    }
    const found = out.length;
    const count: FileCount = { goFiles: 0, passedOver: 0 };
    if (stat.isFile()) {
      if (!base.endsWith('.go'))
        throw new InputError(`not a Go file: ${pattern}`, { hint: 'pass .go files or package directories' });
      const list = looseFiles.get(dirname(base)) ?? [];
      list.push(basename(base));
      looseFiles.set(dirname(base), list);
      continue;
    } else if (recursive) {
      walk(base, { ctx, files, out, allModules: options.allModules === true, nestedModules, count }, true);
    } else {
      const pkg = packageFiles(base, ctx, files, undefined, count);
      if (pkg) out.push(pkg);
    }
    // Files skipped for a reason the run reports (generated, too large) leave the pattern empty but not wrong.
    if (out.length === found && count.passedOver === 0)
      emptyPatterns.push({
        pattern,
        reason: count.goFiles > 0 ? 'build constraints exclude all Go files' : 'no Go files',
      });
  }
  for (const [dir, names] of looseFiles) {
    const pkg = packageFiles(dir, ctx, files, names);
    if (pkg) out.push(pkg);
  }
  // The same directory named twice is one package.
  const seen = new Set<string>();
  const packages = out.filter((pkg) => (seen.has(pkg.dir) ? false : (seen.add(pkg.dir), true)));
  // A nested module another pattern named (./... ./tools/...) was not skipped.
  const covered = (dir: string): boolean => packages.some((pkg) => pkg.dir === dir || pkg.dir.startsWith(dir + sep));
  return { packages, nestedModules: [...new Set(nestedModules)].filter((dir) => !covered(dir)), emptyPatterns };
}
