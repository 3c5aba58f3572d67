// Go's convention for generated files (https://go.dev/s/generatedcode, go/ast.IsGenerated): a comment line
// `// Code generated <anything> DO NOT EDIT.` anywhere in the comments before the package clause.

const GENERATED_LINE = /^\/\/ Code generated .* DO NOT EDIT\.$/;

/**
 * Whether Go would call this source generated. Reads only the leading comments, so a huge file costs the length
 * of its header. Like go/ast, lines inside a leading block comment count too, and `\r` before a newline is ignored.
 */
export function isGeneratedSource(source: string): boolean {
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c !== 47) return false;
    const next = source.charCodeAt(i + 1);
    if (next === 47) {
      let end = source.indexOf('\n', i);
      if (end === -1) end = n;
      if (GENERATED_LINE.test(source.slice(i, end).replace(/\r$/, ''))) return true;
      i = end;
    } else if (next === 42) {
      let end = source.indexOf('*/', i + 2);
      end = end === -1 ? n : end + 2;
      for (const line of source.slice(i, end).split('\n'))
        if (GENERATED_LINE.test(line.replace(/\r$/, ''))) return true;
      i = end;
    } else {
      return false;
    }
  }
  return false;
}
