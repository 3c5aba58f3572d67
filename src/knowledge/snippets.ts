// Fix snippets in the catalogue are Go declarations without a package clause or imports, so that the
// terminal and the docs show only what matters. This module holds that convention in one place: it turns a
// snippet into a complete Go file (used by the tests that compile every snippet, and by anyone who wants to
// offer "copy as file").

/** Standard-library packages a snippet may use, by the name it is referred to in code. */
const STD_IMPORTS: ReadonlyMap<string, string> = new Map([
  ['atomic', 'sync/atomic'],
  ['context', 'context'],
  ['debug', 'runtime/debug'],
  ['errors', 'errors'],
  ['fmt', 'fmt'],
  ['http', 'net/http'],
  ['log', 'log'],
  ['maps', 'maps'],
  ['os', 'os'],
  ['runtime', 'runtime'],
  ['signal', 'os/signal'],
  ['strings', 'strings'],
  ['sync', 'sync'],
  ['synctest', 'testing/synctest'],
  ['syscall', 'syscall'],
  ['testing', 'testing'],
  ['time', 'time'],
]);

/** Import paths of the standard packages a snippet refers to as `name.Ident`, sorted as gofmt sorts them. */
export function snippetImports(code: string): string[] {
  const found = new Set<string>();
  // A qualified identifier: a package name not preceded by a dot or identifier character (so `wg.Done` is
  // not read as package `wg`, and `x.sync.Foo` is not read as package `sync`).
  const qualified = /(?<![\w.])([a-z]+)\.[A-Z]/g;
  for (const line of code.split('\n')) {
    const trimmed = line.trimStart();
    if (trimmed.startsWith('//')) continue;
    for (const m of line.matchAll(qualified)) {
      const path = m[1] === undefined ? undefined : STD_IMPORTS.get(m[1]);
      if (path !== undefined) found.add(path);
    }
  }
  return [...found].sort();
}

/** A complete, gofmt-formatted Go source file in package `pkg` for a catalogue snippet. */
export function snippetAsGoFile(code: string, pkg = 'fix'): string {
  const imports = snippetImports(code);
  let head = `package ${pkg}\n\n`;
  if (imports.length === 1) head += `import "${imports[0]}"\n\n`;
  else if (imports.length > 1) head += `import (\n${imports.map((p) => `\t"${p}"\n`).join('')})\n\n`;
  return head + code.trimEnd() + '\n';
}

/**
 * Go code written with two-space indentation in a TypeScript template, turned into gofmt's tabs. Only leading
 * indentation is converted, so alignment inside a line is kept. Use as a tag: goCode`...`.
 */
export function goCode(strings: TemplateStringsArray): string {
  const text = strings.raw.join('').replace(/^\n/, '').replace(/\s+$/, '');
  return text
    .split('\n')
    .map((line) => {
      const indent = /^( *)/.exec(line)?.[1]?.length ?? 0;
      return '\t'.repeat(Math.floor(indent / 2)) + line.slice(indent - (indent % 2));
    })
    .join('\n');
}
