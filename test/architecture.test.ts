// The folder tree is the architecture: two pipelines, evidence (input -> parse -> analyse -> knowledge -> render)
// and source (lint/: load -> model -> facts -> framework -> rules -> driver), over one shared model. These tests fail
// when a
// module imports from a layer it must not know about, or when two files share a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, normalize, relative } from 'node:path';
import { filesUnder, repoRoot as ROOT } from './helpers.js';

const SRC = join(ROOT, 'src');

/** Each layer and the layers it may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [], // model.ts, errors.ts: the shared vocabulary
  knowledge: ['core'], // what is true of Go: failure kinds, fixes, the standard library's packages
  input: ['core'], // bytes to lines: files, streams, log prefixes
  source: ['core'], // the user's checkout: go.mod, printed paths to local files, code windows
  parse: ['core', 'input'], // lines to tracebacks, race reports, pprof, go test events
  analyse: ['core', 'knowledge', 'input', 'parse', 'source'], // classify, blame, group
  lint: ['core', 'source'], // the source pipeline, its own world
  // explain.ts and its worker threads (explain-*.ts), profile.ts, run/
  pipeline: ['core', 'knowledge', 'input', 'parse', 'analyse', 'source', 'lint'],
  render: ['core', 'knowledge', 'source'], // results to text, Markdown, JSON, SARIF, HTML
  cli: ['core', 'knowledge', 'input', 'parse', 'analyse', 'source', 'lint', 'pipeline', 'render'],
  api: ['core', 'knowledge', 'input', 'parse', 'analyse', 'source', 'lint', 'pipeline', 'render'], // index.ts
};

/** Inside lint, each stage depends only on the stages before it; a rule never imports another rule. */
/** Stage ranks: the package model and the facts computed from it share a rank (each reads the other). */
const LINT_STAGES: Record<string, number> = { load: 0, model: 1, facts: 1, framework: 2, rules: 3, driver: 4 };

function layerOf(file: string): string {
  const rel = relative(SRC, file).split('\\').join('/');
  if (rel === 'model.ts' || rel === 'errors.ts') return 'core';
  if (rel === 'index.ts') return 'api';
  if (rel === 'explain.ts' || rel.startsWith('explain-') || rel === 'profile.ts' || rel.startsWith('run/'))
    return 'pipeline';
  const top = rel.split('/')[0] ?? '';
  if (top in ALLOWED) return top;
  throw new Error(`src/${rel} is in no layer: add its folder to the table in test/architecture.test.ts`);
}

/** Relative import specifiers of a module: static imports and exports, and dynamic import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
    if (match[1] !== undefined) specifiers.push(match[1]);
  }
  return specifiers.map((spec) => normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))));
}

const files = filesUnder(SRC, '.ts');

test('every module imports only from the layers below it', () => {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (to !== from && !(ALLOWED[from] ?? []).includes(to)) {
        violations.push(`${relative(ROOT, file)} (${from}) imports ${relative(ROOT, target)} (${to})`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('inside lint, stages depend only on earlier stages and rules never import each other', () => {
  const violations: string[] = [];
  const lintDir = join(SRC, 'lint');
  for (const file of files.filter((f) => f.startsWith(lintDir + '/'))) {
    const stage = relative(lintDir, file).split('/')[0] ?? '';
    const rank = LINT_STAGES[stage] ?? -1;
    for (const target of importsOf(file).filter((t) => t.startsWith(lintDir + '/'))) {
      const targetStage = relative(lintDir, target).split('/')[0] ?? '';
      const targetRank = LINT_STAGES[targetStage] ?? -1;
      const where = `${relative(ROOT, file)} imports ${relative(ROOT, target)}`;
      if (stage === 'rules' && targetStage === 'rules') violations.push(`${where}: a rule imports a rule`);
      else if (rank !== -1 && targetRank > rank) violations.push(`${where}: a later stage`);
    }
  }
  assert.deepEqual(violations, []);
});

test('no two source files share a name, so a name says what a file holds', () => {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const file of files) {
    const name = basename(file);
    const other = seen.get(name);
    if (other !== undefined) clashes.push(`${relative(ROOT, other)} and ${relative(ROOT, file)}`);
    seen.set(name, file);
  }
  assert.deepEqual(clashes, []);
});

test('the product ships only product code: nothing in src/ is used only by tests or scripts', () => {
  const imported = new Set<string>();
  for (const file of files) for (const target of importsOf(file)) imported.add(target);
  const entryPoints = new Set([
    join(SRC, 'index.ts'),
    join(SRC, 'cli', 'main.ts'),
    join(SRC, 'lint', 'driver', 'lint-worker.ts'),
    join(SRC, 'explain-worker.ts'),
  ]);
  const unused = files.filter((file) => !imported.has(file) && !entryPoints.has(file)).map((f) => relative(ROOT, f));
  assert.deepEqual(unused, []);
});
