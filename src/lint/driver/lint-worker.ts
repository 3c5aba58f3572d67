// A lint worker thread: one tree-sitter parser per thread, packages in, findings out.
import { parentPort, workerData } from 'node:worker_threads';
import type { LintFinding, LintSkip } from '../../model.js';
import { createGoParser } from '../load/tree-sitter-go.js';
import type { GoPackageFiles } from '../load/go-packages.js';
import { lintPackage } from './lint-packages.js';
import type { LintConfig, LintBudget } from './lint-packages.js';

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
