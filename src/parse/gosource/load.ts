// Finds what `go vet ./...` would check: modules (go.mod), packages by directory, the files that pass the
// build constraints for one GOOS/GOARCH, `_test.go` files included, `vendor/`, `testdata/`, `_x` and `.x`
// directories skipped unless named on the command line.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { defaultBuildContext, fileNameMatches, headerMatches } from './constraints.js';
import type { BuildContext } from './constraints.js';
import { isGeneratedSource } from './generated.js';

export interface GoModule {
  /** Directory holding go.mod, or the package directory when there is none. */
  dir: string;
  /** `module` path; "" when there is no go.mod. */
  path: string;
  /** `go` directive, e.g. "1.22" or "1.21.3"; undefined when absent. */
  goVersion: string | undefined;
}

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

export interface LoadOptions {
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

/** Reads `module` and `go` from a go.mod file. */
export function parseGoMod(text: string, dir: string): GoModule {
  const moduleMatch = /^\s*module\s+("?)([^\s"]+)\1/m.exec(text);
  const goMatch = /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text);
  return { dir, path: moduleMatch?.[2] ?? '', goVersion: goMatch?.[1] };
}

const moduleCache = new Map<string, GoModule>();

/** The module that owns a directory: the nearest go.mod upwards. */
export function moduleFor(dir: string): GoModule {
  const cached = moduleCache.get(dir);
  if (cached) return cached;
  let result: GoModule;
  const goMod = join(dir, 'go.mod');
  if (existsSync(goMod)) {
    result = parseGoMod(readFileSync(goMod, 'utf8'), dir);
  } else {
    const parent = dirname(dir);
    result = parent === dir ? { dir, path: '', goVersion: undefined } : moduleFor(parent);
  }
  moduleCache.set(dir, result);
  return result;
}

/** Minor version of a go.mod `go` line: 21 for "1.21.3"; undefined when unknown. */
export function goMinor(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^1\.(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

function skippedDirName(name: string): boolean {
  return (
    name === 'vendor' || name === 'testdata' || name.startsWith('_') || name.startsWith('.') || name === 'node_modules'
  );
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
  options: LoadOptions,
  onlyFiles?: string[],
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
    if (onlyFiles === undefined && !fileNameMatches(name, ctx)) continue;
    const path = join(dir, name);
    let source: string;
    try {
      const bytes = options.maxFileBytes === undefined ? 0 : statSync(path).size;
      if (options.maxFileBytes !== undefined && bytes > options.maxFileBytes) {
        // A generated file is reported as generated, whatever its size: only its header needs reading.
        const generated = !options.includeGenerated && isGeneratedSource(readHead(path, HEADER_BYTES));
        options.skipped?.push(generated ? { path, reason: 'generated' } : { path, reason: 'too-large', bytes });
        continue;
      }
      source = readFileSync(path, 'utf8');
    } catch {
      options.skipped?.push({ path, reason: 'unreadable' });
      continue;
    }
    if (onlyFiles === undefined && !headerMatches(source, ctx)) continue;
    if (!options.includeGenerated && isGeneratedSource(source)) {
      options.skipped?.push({ path, reason: 'generated' });
      continue;
    }
    files.push({ path, source });
  }
  if (files.length === 0) return undefined;
  return { dir, module: moduleFor(dir), files };
}

function walk(dir: string, ctx: BuildContext, options: LoadOptions, out: GoPackageFiles[], isRoot: boolean): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read directory ${dir}`, { cause: error, hint: 'check the path and its permissions' });
  }
  // A nested module is its own unit for `go vet ./...` (it is not part of the parent); skip it like go does.
  if (!isRoot && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
  const pkg = packageFiles(dir, ctx, options);
  if (pkg) out.push(pkg);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isDirectory() && !skippedDirName(entry.name)) walk(join(dir, entry.name), ctx, options, out, false);
  }
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
  options: LoadOptions = { includeGenerated: true },
): GoPackageFiles[] {
  const out: GoPackageFiles[] = [];
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
    if (stat.isFile()) {
      if (!base.endsWith('.go'))
        throw new InputError(`not a Go file: ${pattern}`, { hint: 'pass .go files or package directories' });
      const list = looseFiles.get(dirname(base)) ?? [];
      list.push(basename(base));
      looseFiles.set(dirname(base), list);
    } else if (recursive) {
      walk(base, ctx, options, out, true);
    } else {
      const pkg = packageFiles(base, ctx, options);
      if (pkg) out.push(pkg);
    }
  }
  for (const [dir, names] of looseFiles) {
    const pkg = packageFiles(dir, ctx, options, names);
    if (pkg) out.push(pkg);
  }
  // The same directory named twice is one package.
  const seen = new Set<string>();
  return out.filter((pkg) => (seen.has(pkg.dir) ? false : (seen.add(pkg.dir), true)));
}
