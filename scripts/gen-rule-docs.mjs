#!/usr/bin/env node
// Writes docs/rules/<rule>.md and docs/rules/README.md from the rule metadata. Run after `npm run build`.
// Usage: node scripts/gen-rule-docs.mjs [compiled-dir]   (default: dist)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const compiled = resolve(process.argv[2] ?? join(root, 'dist'));
const { rules } = await import(pathToFileURL(join(compiled, 'src/lint/driver/rule-registry.js')).href);
const { renderRuleDoc, renderRuleIndex } = await import(pathToFileURL(join(compiled, 'scripts/rule-docs.js')).href);
const out = join(root, 'docs', 'rules');
mkdirSync(out, { recursive: true });
for (const rule of rules)
  writeFileSync(join(out, `${rule.meta.name}.md`), renderRuleDoc(rule.meta, '//goroscope:ignore'));
writeFileSync(join(out, 'README.md'), renderRuleIndex(rules.map((rule) => rule.meta)));
console.log(`wrote ${rules.length} rule pages to ${out}`);
