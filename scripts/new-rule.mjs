#!/usr/bin/env node
// Scaffolds a lint rule the way every rule is laid out (like staticcheck's add-check):
//   src/lint/rules/<name>.ts           metadata + check, reporting nothing yet
//   testdata/rules/<name>/cases.go     a Go test package with Pos*/Neg* cases and `// want` markers to fill in
//   src/lint/driver/rule-registry.ts   the rule added to the registry
//   docs/rules/<name>.md               generated from the metadata (npm run docs)
// Usage: npm run new-rule -- <kebab-case-name>
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const name = process.argv[2] ?? '';
if (!/^[a-z]+(-[a-z]+)*$/.test(name)) {
  console.error('new-rule: give the rule a kebab-case name, e.g. npm run new-rule -- cond-never-signalled');
  process.exit(2);
}
const ruleFile = join(root, 'src', 'lint', 'rules', `${name}.ts`);
const casesDir = join(root, 'testdata', 'rules', name);
if (existsSync(ruleFile) || existsSync(casesDir)) {
  console.error(`new-rule: ${name} exists already (${ruleFile} or ${casesDir})`);
  process.exit(2);
}
const camel = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const goPackage = name.replace(/-/g, '');

writeFileSync(
  ruleFile,
  `// TODO(${name}): one sentence on the hazard and what Go does at run time.
import type { Rule, RuleContext } from '../framework/rule.js';

export const ${camel}: Rule = {
  meta: {
    name: '${name}',
    title: 'TODO: a title of a few words',
    severity: 'warning',
    summary: 'TODO: one sentence for --help, SARIF and the docs index.',
    explanation: 'TODO: Markdown: why it is a bug and what Go does at run time (prove it with a program in testdata).',
    fix: 'TODO: how to fix it, with Go code:\\n\\n\`\`\`go\\n// fixed code\\n\`\`\`',
    runtimeEffect: 'static',
  },
  check(context: RuleContext): void {
    for (const file of context.pkg.files) {
      void file; // TODO: find the hazard; report with context.report(file, { node, message, related, fix }).
    }
  },
};
`,
);

mkdirSync(casesDir, { recursive: true });
writeFileSync(join(casesDir, 'go.mod'), `module example.com/rules/${name}\n\ngo 1.22\n`);
writeFileSync(
  join(casesDir, 'cases.go'),
  `// Package ${goPackage} holds cases for the ${name} rule. Pos* cases are bugs and carry a want marker on the
// line the rule must report; Neg* cases are correct code and must stay quiet (and run clean under -race).
package ${goPackage}

func PosTodo() {
	// TODO: the smallest program with the bug; mark the reported line: // want "${name}: message regexp"
}

func NegTodo() {
	// TODO: the same code, correct.
}
`,
);

const registry = join(root, 'src', 'lint', 'driver', 'rule-registry.ts');
let text = readFileSync(registry, 'utf8');
const lastImport = text.lastIndexOf('import { ');
const lineEnd = text.indexOf('\n', lastImport);
text = `${text.slice(0, lineEnd + 1)}import { ${camel} } from '../rules/${name}.js';\n${text.slice(lineEnd + 1)}`;
text = text.replace(/\n\];/, `\n  ${camel},\n];`);
writeFileSync(registry, text);

execFileSync('npm', ['run', '--silent', 'docs'], { cwd: root, stdio: 'inherit' });
console.log(`new-rule: created ${name}
  src/lint/rules/${name}.ts          metadata and check
  testdata/rules/${name}/cases.go    cases: at least two Pos* and two Neg* (the meta-test requires them)
  docs/rules/${name}.md              generated; rerun npm run docs after editing the metadata
Next: write the cases first, then the check, then npm test (rules.test.ts checks every want marker).`);
