#!/usr/bin/env node
// npm run bench:lint-big — `goroscope lint` on one generated Go file (default 20 MB, marked
// `// Code generated ... DO NOT EDIT.`): wall time and peak RSS with the default generated-file skipping, then
// with --include-generated and no budget (the whole file parsed and every rule run), then on a file a quarter
// of the size to show that the cost grows linearly (the ratio of seconds per MB should stay near 1).
// Usage: node bench/lint-big-file.mjs [megabytes]   (needs `npm run build` first)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGoFile } from './gen-go-file.mjs';
import { measure, outDir, root } from './lib.mjs';

const megabytes = Number(process.argv[2] ?? 20);
const cli = join(root, 'bin', 'goroscope');

function writePackage(name, bytes) {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module example.com/generated\n\ngo 1.22\n');
  writeFileSync(join(dir, 'generated.go'), generateGoFile(bytes));
  return dir;
}

async function lint(dir, args) {
  const result = await measure(process.execPath, [cli, 'lint', ...args, '.'], { cwd: dir });
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`goroscope lint ${args.join(' ')} exited ${result.code ?? result.signal}: ${result.stderr}`);
  return result;
}

const row = (label, r, mb) =>
  console.log(
    `${label.padEnd(44)} ${r.seconds.toFixed(1).padStart(7)} s  ${(r.peakRssMB ?? NaN).toFixed(0).padStart(6)} MB ` +
      `peak RSS` +
      (mb === undefined ? '' : `  ${(mb / r.seconds).toFixed(2)} MB/s`),
  );

const full = writePackage('lint-big', megabytes * 1e6);
const quarter = writePackage('lint-big-quarter', (megabytes / 4) * 1e6);
console.log(`generated ${megabytes} MB and ${megabytes / 4} MB Go files in ${outDir}`);

const skipped = await lint(full, []);
row(`${megabytes} MB, generated file skipped (default)`, skipped);
console.log(`  ${skipped.stderr.trim().split('\n').join('\n  ')}`);
const whole = await lint(full, ['--include-generated', '--max-file-size', '0', '--file-timeout', '0']);
row(`${megabytes} MB, --include-generated, no budget`, whole, megabytes);
const small = await lint(quarter, ['--include-generated', '--max-file-size', '0', '--file-timeout', '0']);
row(`${megabytes / 4} MB, --include-generated, no budget`, small, megabytes / 4);
const budget = await lint(full, ['--include-generated']);
row(`${megabytes} MB, --include-generated, default budget`, budget);
console.log(`  ${budget.stderr.trim().split('\n').join('\n  ')}`);
console.log(
  `seconds per MB, ${megabytes} MB / ${megabytes / 4} MB: ` +
    `${(whole.seconds / megabytes / (small.seconds / (megabytes / 4))).toFixed(2)} (1.0 is linear; startup makes ` +
    `small files look slower)`,
);
