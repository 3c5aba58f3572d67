// The catalogue writes the Go versions that print a message as short texts: ">=1.6", "<=1.12", "1.8, >=1.10",
// "1.24 (GOEXPERIMENT=synctest), >=1.25". This turns such a text into a test on the Go 1.x minor version.

/** A predicate over Go 1.x minor versions; throws on a text it cannot read. */
export function goVersionPredicate(spec: string): (minor: number) => boolean {
  const terms = spec
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (terms.length === 0) throw new Error(`empty Go version list "${spec}"`);
  const tests = terms.map((t) => {
    const m = /^(>=|<=)?\s*1\.(\d+)$/.exec(t);
    if (!m?.[2]) throw new Error(`bad Go version term "${t}" in "${spec}"`);
    const v = Number(m[2]);
    if (m[1] === '>=') return (n: number) => n >= v;
    if (m[1] === '<=') return (n: number) => n <= v;
    return (n: number) => n === v;
  });
  return (minor) => tests.some((f) => f(minor));
}
