// Spreads packages over worker threads (one parser each), largest packages first so the shares even out.
import { availableParallelism } from 'node:os';
import { lintPackages, sortFindings, countNotParsed } from './lint-packages.js';
import type { GoPackageFiles } from '../load/go-packages.js';
import type { LintConfig, LintBudget } from './lint-packages.js';
import type { LintResult } from '../../model.js';
import type { WorkerInput, WorkerOutput } from './lint-worker.js';
import { runWorker, shareBySize } from '../load/worker-shares.js';

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
  const shares = shareBySize(packages, packageSize, workers);
  const url = new URL('./lint-worker.js', import.meta.url);
  const outputs = await Promise.all(
    shares.map((share) => runWorker<WorkerInput, WorkerOutput>(url, { packages: share, config, budget })),
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
