// Finds what `go vet ./...` would check: modules (go.mod), packages by directory, the files that pass the
// build constraints for one GOOS/GOARCH, `_test.go` files included, `vendor/`, `testdata/`, `_x` and `.x`
// directories skipped unless named on the command line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { defaultBuildContext, fileNameMatches, headerMatches } from './build-constraints.js';
import type { BuildContext } from './build-constraints.js';
import { moduleFor, type GoModule } from '../../source/go-mod.js';

export type { GoModule } from '../../source/go-mod.js';

export interface GoFile {
  path: string;
  source: string;
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

function packageFiles(dir: string, ctx: BuildContext, onlyFiles?: string[]): GoPackageFiles | undefined {
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
      source = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    if (onlyFiles === undefined && !headerMatches(source, ctx)) continue;
    files.push({ path, source });
  }
  if (files.length === 0) return undefined;
  return { dir, module: moduleFor(dir), files };
}

function walk(dir: string, ctx: BuildContext, out: GoPackageFiles[], isRoot: boolean): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read directory ${dir}`, { cause: error, hint: 'check the path and its permissions' });
  }
  // A nested module is its own unit for `go vet ./...` (it is not part of the parent); skip it like go does.
  if (!isRoot && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
  const pkg = packageFiles(dir, ctx);
  if (pkg) out.push(pkg);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isDirectory() && !skippedDirName(entry.name)) walk(join(dir, entry.name), ctx, out, false);
  }
}

/**
 * Expands command-line patterns like go does: `./...` and `dir/...` walk, `dir` is one package, `a.go b.go`
 * are one package of exactly those files. Relative to cwd.
 */
export function loadPackages(
  patterns: string[],
  cwd: string,
  ctx: BuildContext = defaultBuildContext(),
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
      walk(base, ctx, out, true);
    } else {
      const pkg = packageFiles(base, ctx);
      if (pkg) out.push(pkg);
    }
  }
  for (const [dir, names] of looseFiles) {
    const pkg = packageFiles(dir, ctx, names);
    if (pkg) out.push(pkg);
  }
  // The same directory named twice is one package.
  const seen = new Set<string>();
  return out.filter((pkg) => (seen.has(pkg.dir) ? false : (seen.add(pkg.dir), true)));
}
