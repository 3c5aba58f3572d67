// A lint worker thread: one tree-sitter parser per thread, packages in, findings out.
import { parentPort, workerData } from 'node:worker_threads';
import { createGoParser } from '../load/tree-sitter-go.js';
import type { GoPackageFiles } from '../load/go-packages.js';
import { lintPackage } from './lint-packages.js';
import type { LintConfig } from './lint-packages.js';
import type { LintFinding } from '../../model.js';

export interface WorkerInput {
  packages: GoPackageFiles[];
  config: LintConfig;
}

export interface WorkerOutput {
  findings: LintFinding[];
  syntaxErrors: string[];
}

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const parser = await createGoParser();
  const out: WorkerOutput = { findings: [], syntaxErrors: [] };
  for (const pkg of input.packages) {
    const result = lintPackage(parser, pkg, input.config);
    out.findings.push(...result.findings);
    out.syntaxErrors.push(...result.syntaxErrors);
  }
  parentPort?.postMessage(out);
}

void main();
