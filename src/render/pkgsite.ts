// Links from a printed frame to its package on pkg.go.dev at the version the frame's path shows: a module
// cache path (`.../pkg/mod/github.com/!data!dog/lib@v1.2.3/x.go`) names the module version, a toolchain path
// (`.../toolchains/go1.27.3/src/...`, `.../golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/...`) the Go
// release. A path without a version (`/usr/local/go/src/...`, a GOPATH or vendored copy) gets no link: a link
// to the latest docs could show code that is not what ran. Exported functions and methods get their anchor.

import type { Location } from '../model.js';

const TOOLCHAIN = /(?:^|[/@-])(go1\.\d+(?:\.\d+)?)(?:\.[a-z0-9]+-[a-z0-9]+)?\/src\/(.+)$/;
const MODULE = /\/pkg\/mod\/(.+?)@(v[^/]+)\/(.+)$/;

/** The module cache writes upper-case letters as `!` + lower case (golang.org/x/mod/module.EscapePath). */
function unescapeModulePath(path: string): string {
  return path.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `github.com/a/b.(*T).M` -> [`github.com/a/b`, `(*T).M`]; the package ends at the first dot after the last slash. */
function splitFunction(fn: string): [string, string] | null {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  if (dot <= 0) return null;
  return [fn.slice(0, dot), fn.slice(dot + 1)];
}

/** `Func`, `T.Method` or `(*T).Method` when exported, as pkg.go.dev anchors them; else undefined. */
function anchor(symbol: string): string | undefined {
  const m = /^(?:\(\*?([A-Z]\w*)(?:\[[^\]]*\])?\)\.|([A-Z]\w*)\.)?([A-Za-z_]\w*)$/.exec(symbol);
  if (m === null) return undefined;
  const receiver = m[1] ?? m[2];
  const name = m[3] ?? '';
  if (!/^[A-Z]/.test(name)) return undefined;
  return receiver === undefined ? name : `${receiver}.${name}`;
}

export function sourceLink(loc: Location): string | undefined {
  const split = splitFunction(loc.function);
  if (split === null) return undefined;
  const [pkg, symbol] = split;
  let version: string | undefined;
  const mod = MODULE.exec(loc.file);
  if (mod !== null && !mod[1]?.startsWith('golang.org/toolchain')) {
    const modulePath = unescapeModulePath(mod[1] ?? '');
    // The frame's package must live in that module, or the version would be another module's.
    if (pkg !== modulePath && !pkg.startsWith(`${modulePath}/`)) return undefined;
    version = mod[2];
  } else {
    const std = TOOLCHAIN.exec(loc.file);
    if (std === null) return undefined;
    // A standard-library package has no dot in its first path element.
    if (pkg.split('/')[0]?.includes('.') === true) return undefined;
    version = std[1];
  }
  const hash = anchor(symbol);
  return `https://pkg.go.dev/${pkg}@${version}${hash === undefined ? '' : `#${hash}`}`;
}
