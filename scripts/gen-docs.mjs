#!/usr/bin/env node
// Writes docs/kinds/<kind>.md and docs/kinds/README.md from the knowledge catalogue.
// Usage: npm run build && node scripts/gen-docs.mjs [compiled-output-dir, default dist]
// The claim sentences shown on each page are read from the headers of the testdata/claims programs.

import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');

const { renderKindDocs } = await import(pathToFileURL(join(outDir, 'scripts/kind-docs.js')).href);
const { readClaimProgram } = await import(pathToFileURL(join(outDir, 'test/claims-support.js')).href);

/** The claim sentence of a claim folder, from its program's header. */
function claimText(proofPath) {
  const dir = join(root, proofPath);
  return existsSync(dir) ? readClaimProgram(dir)?.header.claim : undefined;
}

const kindsDir = join(root, 'docs/kinds');
// Pages of kinds that no longer exist must not linger.
rmSync(kindsDir, { recursive: true, force: true });
mkdirSync(kindsDir, { recursive: true });
const files = renderKindDocs(claimText);
for (const [path, content] of files) writeFileSync(join(root, path), content);
console.log(`wrote ${files.length} files to docs/kinds/`);
