// A lint worker thread: one tree-sitter parser per thread, packages in, findings out.
import { parentPort, workerData } from 'node:worker_threads';
import { createGoParser } from '../../parse/gosource/treesitter.js';
import type { GoPackageFiles } from '../../parse/gosource/load.js';
import { lintPackage } from './run.js';
import type { LintConfig } from './run.js';
import type { LintBudget, LintFinding, LintSkip } from './types.js';

export interface WorkerInput {
  packages: GoPackageFiles[];
  config: LintConfig;
  budget: LintBudget;
}

export interface WorkerOutput {
  findings: LintFinding[];
  syntaxErrors: string[];
  skipped: LintSkip[];
}

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const parser = await createGoParser();
  const out: WorkerOutput = { findings: [], syntaxErrors: [], skipped: [] };
  for (const pkg of input.packages) {
    const result = lintPackage(parser, pkg, input.config, input.budget);
    out.findings.push(...result.findings);
    out.syntaxErrors.push(...result.syntaxErrors);
    out.skipped.push(...result.skipped);
  }
  parentPort?.postMessage(out);
}

void main();
