// go.mod of the user's checkout: where the module root is, its module path and its `go` line. One reading for
// every command (explain's source lookup, test's module check, lint's package loader).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GoModule {
  /** Directory holding go.mod, or the package directory when there is none. */
  dir: string;
  /** `module` path; "" when there is no go.mod. */
  path: string;
  /** `go` directive, e.g. "1.22" or "1.21.3"; undefined when absent. */
  goVersion: string | undefined;
  /** `toolchain` directive without its `go` prefix ("1.27.3"); absent when go.mod has none. */
  toolchain?: string;
}

/** Reads `module`, `go` and `toolchain` from the text of a go.mod file. */
export function parseGoMod(text: string, dir: string): GoModule {
  const moduleMatch = /^\s*module\s+("?)([^\s"]+)\1/m.exec(text);
  const goMatch = /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text);
  const toolchainMatch = /^\s*toolchain\s+go(\d+\.\d+\S*)/m.exec(text);
  const module: GoModule = { dir, path: moduleMatch?.[2] ?? '', goVersion: goMatch?.[1] };
  if (toolchainMatch?.[1] !== undefined) module.toolchain = toolchainMatch[1];
  return module;
}

const moduleCache = new Map<string, GoModule>();

/** The module that owns a directory: the nearest go.mod upwards (a module with no path when there is none). */
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

/** The directory holding go.mod at or above `start`, or undefined. */
export function findModuleRoot(start: string): string | undefined {
  const module = moduleFor(start);
  return existsSync(join(module.dir, 'go.mod')) ? module.dir : undefined;
}

/** Minor version of a go.mod `go` line: 21 for "1.21.3"; undefined when unknown. */
export function goMinor(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^1\.(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}
