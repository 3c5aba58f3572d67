// Build constraints as `go vet` applies them for one GOOS/GOARCH: file-name suffixes (`_linux.go`,
// `_linux_amd64.go`, `_test.go`) and `//go:build` / `// +build` lines in the file header.

export const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);
export const UNIX_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'linux',
  'netbsd',
  'openbsd',
  'solaris',
]);
export const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

export interface BuildContext {
  goos: string;
  goarch: string;
  /** Minor version of the toolchain: 26 for go1.26; every go1.N tag with N <= this is satisfied. */
  goMinor: number;
  cgo: boolean;
  /** Extra tags (-tags). */
  tags: Set<string>;
}

export function defaultBuildContext(env: NodeJS.ProcessEnv = process.env): BuildContext {
  const osMap: Record<string, string> = { win32: 'windows', darwin: 'darwin', linux: 'linux', freebsd: 'freebsd' };
  const archMap: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return {
    goos: env['GOOS'] || osMap[process.platform] || 'linux',
    goarch: env['GOARCH'] || archMap[process.arch] || 'amd64',
    goMinor: 26,
    cgo: env['CGO_ENABLED'] !== '0',
    tags: new Set((env['GOFLAGS_TAGS'] ?? '').split(',').filter((t) => t !== '')),
  };
}

function tagSatisfied(tag: string, ctx: BuildContext): boolean {
  if (tag === ctx.goos || tag === ctx.goarch) return true;
  if (tag === 'unix') return UNIX_OS.has(ctx.goos);
  if (tag === 'linux' && ctx.goos === 'android') return true;
  if (tag === 'darwin' && ctx.goos === 'ios') return true;
  if (tag === 'solaris' && ctx.goos === 'illumos') return true;
  if (tag === 'gc') return true;
  if (tag === 'cgo') return ctx.cgo;
  const version = /^go1\.(\d+)$/.exec(tag);
  if (version) return Number(version[1]) <= ctx.goMinor;
  return ctx.tags.has(tag);
}

/** Whether a file name alone excludes the file (`x_windows.go` on linux). */
export function fileNameMatches(name: string, ctx: BuildContext): boolean {
  let stem = name.slice(0, -'.go'.length);
  if (stem.endsWith('_test')) stem = stem.slice(0, -'_test'.length);
  const parts = stem.split('_');
  if (parts.length < 2) return true;
  const last = parts[parts.length - 1] ?? '';
  const prev = parts.length >= 3 ? (parts[parts.length - 2] ?? '') : '';
  if (KNOWN_OS.has(prev) && KNOWN_ARCH.has(last)) return tagSatisfied(prev, ctx) && last === ctx.goarch;
  if (KNOWN_OS.has(last)) return tagSatisfied(last, ctx);
  if (KNOWN_ARCH.has(last)) return last === ctx.goarch;
  return true;
}

/** Evaluates a `//go:build` expression (||, &&, !, parentheses, tags). Malformed expressions exclude the file. */
export function evalGoBuild(expr: string, ctx: BuildContext): boolean {
  const tokens = expr.match(/\|\||&&|!|\(|\)|[\w.]+/g) ?? [];
  let pos = 0;
  const orExpr = (): boolean => {
    let value = andExpr();
    while (tokens[pos] === '||') {
      pos++;
      const right = andExpr();
      value = value || right;
    }
    return value;
  };
  const andExpr = (): boolean => {
    let value = unary();
    while (tokens[pos] === '&&') {
      pos++;
      const right = unary();
      value = value && right;
    }
    return value;
  };
  const unary = (): boolean => {
    const token = tokens[pos++];
    if (token === '!') return !unary();
    if (token === '(') {
      const value = orExpr();
      if (tokens[pos] !== ')') throw new Error('unbalanced');
      pos++;
      return value;
    }
    if (token === undefined || !/^[\w.]+$/.test(token)) throw new Error('bad token');
    return tagSatisfied(token, ctx);
  };
  try {
    const value = orExpr();
    return pos === tokens.length ? value : false;
  } catch {
    return false;
  }
}

/** Old-style `// +build a,b !c` lines: space is OR, comma is AND; all lines must hold. */
function evalPlusBuild(line: string, ctx: BuildContext): boolean {
  return line
    .trim()
    .split(/\s+/)
    .some((option) =>
      option
        .split(',')
        .every((term) => (term.startsWith('!') ? !tagSatisfied(term.slice(1), ctx) : tagSatisfied(term, ctx))),
    );
}

/** Whether the file header's constraints hold. Only comments before the `package` clause count. */
export function headerMatches(source: string, ctx: BuildContext): boolean {
  let goBuild: string | undefined;
  const plusBuild: string[] = [];
  let offset = 0;
  let inBlockComment = false;
  while (offset < source.length) {
    let end = source.indexOf('\n', offset);
    if (end < 0) end = source.length;
    const line = source.slice(offset, end).trim();
    offset = end + 1;
    if (inBlockComment) {
      if (line.includes('*/')) inBlockComment = false;
      continue;
    }
    if (line === '') continue;
    if (line.startsWith('//')) {
      if (line.startsWith('//go:build ')) goBuild ??= line.slice('//go:build '.length);
      else if (/^\/\/\s*\+build\s/.test(line)) plusBuild.push(line.replace(/^\/\/\s*\+build\s/, ''));
      continue;
    }
    if (line.startsWith('/*')) {
      if (!line.includes('*/')) inBlockComment = true;
      continue;
    }
    break;
  }
  if (goBuild !== undefined) return evalGoBuild(goBuild, ctx);
  return plusBuild.every((line) => evalPlusBuild(line, ctx));
}
