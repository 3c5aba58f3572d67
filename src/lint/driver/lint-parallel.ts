// Spreads packages over worker threads (one parser each), largest packages first so the shares even out.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { lintPackages, sortFindings, countNotParsed } from './lint-packages.js';
import type { GoPackageFiles } from '../load/go-packages.js';
import type { LintConfig, LintBudget } from './lint-packages.js';
import type { LintResult } from '../../model.js';
import type { WorkerInput, WorkerOutput } from './lint-worker.js';

function packageSize(pkg: GoPackageFiles): number {
  let size = 0;
  for (const file of pkg.files) size += file.source.length;
  return size;
}

/**
 * Lints on all cores; inputs under `minBytes` stay on this thread, where starting workers (each loads the
 * grammar) would cost more than it saves.
 */
export async function lintParallel(
  packages: GoPackageFiles[],
  config: LintConfig = {},
  threads = availableParallelism(),
  minBytes = 2_000_000,
  budget: LintBudget = {},
): Promise<LintResult> {
  let total = 0;
  for (const pkg of packages) total += packageSize(pkg);
  const workers = Math.min(threads, packages.length);
  // One package (or a small input) is linted on this thread; a large one still has its files parsed on all cores.
  if (workers <= 1 || total < minBytes)
    return lintPackages(packages, config, budget, { parseThreads: total < minBytes ? 1 : threads });
  const shares: { packages: GoPackageFiles[]; size: number }[] = [];
  for (let i = 0; i < workers; i++) shares.push({ packages: [], size: 0 });
  const sorted = [...packages].sort((a, b) => packageSize(b) - packageSize(a));
  for (const pkg of sorted) {
    let smallest = shares[0];
    for (const share of shares) if (smallest === undefined || share.size < smallest.size) smallest = share;
    if (smallest === undefined) break;
    smallest.packages.push(pkg);
    smallest.size += packageSize(pkg);
  }
  const url = new URL('./lint-worker.js', import.meta.url);
  const outputs = await Promise.all(
    shares.map(
      (share) =>
        new Promise<WorkerOutput>((resolve, reject) => {
          const input: WorkerInput = { packages: share.packages, config, budget };
          const worker = new Worker(url, { workerData: input });
          worker.once('message', (message: WorkerOutput) => resolve(message));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
          });
        }),
    ),
  );
  const findings = outputs.flatMap((output) => output.findings);
  const syntax = outputs.flatMap((output) => output.syntaxErrors);
  const skipped = outputs.flatMap((output) => output.skipped);
  let files = 0;
  for (const pkg of packages) files += pkg.files.length;
  return {
    schemaVersion: 1,
    findings: sortFindings(findings),
    files: files - countNotParsed(skipped),
    filesWithSyntaxErrors: syntax.sort(),
    packages: packages.length,
    skipped,
  };
}
