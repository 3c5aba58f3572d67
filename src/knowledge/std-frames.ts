// Deciding whether a frame belongs to the Go runtime / standard library or to the user's code.
// Two signals are combined: the file path (a file under `<GOROOT>/src/`, where the GOROOT is learned from the
// traceback's own runtime frames) and the import path of the function (first element without a dot and a
// known std root). The import path alone is not enough: in module mode a module may be called `myapp` or
// even `sync/x`, so when the file is known to lie outside every GOROOT the frame is user code.

import type { Frame, Location, Traceback } from '../model.js';
import { STD_ROOTS } from './std-roots.js';

export interface StdHints {
  /** GOROOT directories (forward slashes, no trailing slash) known to hold the standard library. */
  goroots?: string[];
}

/**
 * Toolchains fetched by GOTOOLCHAIN live in the module cache:
 * `.../golang.org/toolchain@v0.0.1-go1.21.13.linux-amd64/src/`.
 */
const TOOLCHAIN_SRC = /\/golang\.org\/toolchain@v[^/]+\/src\//;

/** Backslashes to slashes, so Windows paths compare like the forward-slash paths Go usually prints. */
function normalisePath(file: string): string {
  return file.indexOf('\\') === -1 ? file : file.replace(/\\/g, '/');
}

/**
 * The import path of a printed function name: `github.com/a/b.(*T).M` -> `github.com/a/b`, `main.main.func1`
 * -> `main`, `panic` -> ``. Go escapes dots in the last path element (`gopkg.in/yaml%2ev2`), so the first dot
 * after the last slash ends the package path.
 */
export function packagePath(fn: string): string {
  // Generic instantiations print `[...]`; type arguments could contain slashes, so stop at a bracket.
  const bracket = fn.indexOf('[');
  const head = bracket === -1 ? fn : fn.slice(0, bracket);
  const slash = head.lastIndexOf('/');
  const dot = head.indexOf('.', slash + 1);
  return dot === -1 ? '' : head.slice(0, dot);
}

function rootOf(pkg: string): string {
  const slash = pkg.indexOf('/');
  return slash === -1 ? pkg : pkg.slice(0, slash);
}

/** The import path looks like the standard library's: no dot in the first element and a known std root. */
export function isStdImportPath(pkg: string): boolean {
  if (pkg === '') return false;
  const root = rootOf(pkg);
  return root.indexOf('.') === -1 && STD_ROOTS.has(root);
}

function underGoroot(file: string, goroots: readonly string[] | undefined): boolean {
  if (goroots === undefined) return false;
  for (const given of goroots) {
    const root = normalisePath(given);
    if (file.length > root.length + 5 && file.startsWith(root) && file.startsWith('/src/', root.length)) return true;
    // Windows drive letters and directory names are case-insensitive.
    if (/^[A-Za-z]:/.test(root) && file.toLowerCase().startsWith(root.toLowerCase() + '/src/')) return true;
  }
  return false;
}

/**
 * `<goroot>` of a file `<goroot>/src/<std package dir>/<base>`: the last `/src/` followed by a std root.
 * Linknamed functions (`internal/runtime/maps.fatal` in `runtime/panic.go`) live in another std package's
 * directory, so the directory is not required to match the function's package.
 */
function gorootOfFile(file: string): string | undefined {
  let at = file.lastIndexOf('/src/');
  while (at > 0) {
    // Go <= 1.3 kept the standard library under `src/pkg/`.
    const rest = file.startsWith('pkg/', at + 5) ? file.slice(at + 9) : file.slice(at + 5);
    const slash = rest.indexOf('/');
    if (slash > 0 && STD_ROOTS.has(rest.slice(0, slash))) return file.slice(0, at);
    at = file.lastIndexOf('/src/', at - 1);
  }
  return undefined;
}

/**
 * The GOROOT a std frame reveals: `/usr/local/go/src/runtime/proc.go` for `runtime.main` -> `/usr/local/go`.
 */
export function gorootOfFrame(frame: Location): string | undefined {
  if (frame.function !== 'panic' && !isStdImportPath(packagePath(frame.function))) return undefined;
  return gorootOfFile(normalisePath(frame.file));
}

/** Every GOROOT revealed by the frames of a traceback (runtime stack, goroutines, `created by` lines). */
export function learnGoroots(tb: Traceback): string[] {
  const found = new Set<string>();
  const visit = (frame: Location): void => {
    const root = gorootOfFrame(frame);
    if (root !== undefined) found.add(root);
  };
  for (const frame of tb.runtimeStack) visit(frame);
  for (const g of tb.goroutines) {
    for (const frame of g.frames) visit(frame);
    if (g.createdBy !== undefined) visit(g.createdBy);
  }
  return [...found];
}

/** Frames from the Go runtime itself (including the `panic(...)` frame of runtime.gopanic). */
export function isRuntimeFrame(frame: Location, hints?: StdHints): boolean {
  if (frame.function === 'panic' || frame.function === 'runtime.gopanic') return true;
  const pkg = packagePath(frame.function);
  const isRuntimePkg = pkg === 'runtime' || pkg.startsWith('runtime/internal/') || pkg.startsWith('internal/runtime/');
  return isRuntimePkg && isStdlibFrame(frame, hints);
}

/**
 * True for frames of the Go runtime and standard library (and the `go test` generated main), false for the
 * user's code, including `main` and third-party modules (github.com/..., golang.org/x/...).
 */
export function isStdlibFrame(frame: Location, hints?: StdHints): boolean {
  const fn = frame.function;
  // `panic(...)` is how Go >= 1.17 prints runtime.gopanic.
  if (fn === 'panic') return true;
  const file = normalisePath(frame.file);
  // Compiler-generated wrappers (method value / interface wrappers) have no source of their own.
  if (file === '<autogenerated>') return true;
  // `defer x.M(args)` runs through a generated `F.deferwrapN` whose line is the defer statement; tracebacks hide
  // it unless GOTRACEBACK=system, so the culprit is F at its exit whatever the setting (the name seen on Go 1.23.12
  // and 1.26.8; Go 1.21 calls the wrapper F.func1).
  if (fn.includes('.deferwrap') && /\.deferwrap\d+$/.test(fn)) return true;
  // `go test` generates main.main in _testmain.go; it is not the user's code.
  if (fn === 'main.main' && (file === '_testmain.go' || file.endsWith('/_testmain.go'))) return true;
  const pkg = packagePath(fn);
  if (pkg === 'main' || !isStdImportPath(pkg)) return false;
  if (file === '') return true;
  if (underGoroot(file, hints?.goroots) || TOOLCHAIN_SRC.test(file)) return true;
  // `<somewhere>/src/<std dir>/<file>.go` and the -trimpath form `<pkg>/<file>.go`.
  const root = gorootOfFile(file);
  if (root !== undefined) {
    // A GOROOT is known and this file is not under it: a GOPATH package that merely shares a std name.
    const known = hints?.goroots;
    return known === undefined || known.length === 0 || underGoroot(file, known);
  }
  // -trimpath prints std files relative to GOROOT/src (`runtime/sema.go`, even for linknamed functions of
  // other packages) and the user's files as `<module path>/<file>`.
  if (!file.startsWith('/') && !/^[A-Za-z]:\//.test(file)) {
    const slash = file.indexOf('/');
    if (slash > 0 && STD_ROOTS.has(file.slice(0, slash))) return true;
  }
  return false;
}

/** The first frame outside the runtime and standard library, or null. */
export function firstUserFrame(frames: readonly Frame[], hints?: StdHints, from = 0): Frame | null {
  for (let i = from; i < frames.length; i++) {
    const frame = frames[i];
    if (frame !== undefined && !isStdlibFrame(frame, hints)) return frame;
  }
  return null;
}

/** A plain Location copy (frames carry args/offsets that results do not need). */
export function toLocation(loc: Location): Location {
  return { function: loc.function, file: loc.file, line: loc.line };
}

/** The runtime's map implementation: `runtime.mapassign_faststr` (all versions; its file is under
 * internal/runtime/maps/ from Go 1.24), `internal/runtime/maps.(*Map).PutSlot`, and reflect's map entry points. */
export function isMapFrame(frame: Location): boolean {
  const fn = frame.function;
  if (fn.startsWith('runtime.map') || fn.startsWith('internal/runtime/maps.') || fn.startsWith('reflect.map'))
    return true;
  return fn === 'maps.clone' || fn === 'runtime.evacuate' || fn === 'runtime.growWork';
}

/** The standard-library directory of a file under some `<goroot>/src/` (`runtime`, `net/http`), or undefined. */
export function stdDirOfFile(file: string): string | undefined {
  const path = normalisePath(file);
  if (path === '<autogenerated>') return '';
  const root = gorootOfFile(path);
  if (root === undefined) return undefined;
  const rest = path.slice(root.length + 5);
  const inPkg = rest.startsWith('pkg/') ? rest.slice(4) : rest;
  return inPkg.slice(0, Math.max(0, inPkg.lastIndexOf('/')));
}
