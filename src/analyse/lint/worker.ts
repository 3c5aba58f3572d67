// A lint worker thread: one tree-sitter parser per thread, packages in, findings out.
import { parentPort, workerData } from 'node:worker_threads';
import { createGoParser } from '../../parse/gosource/treesitter.js';
import type { GoPackageFiles } from '../../parse/gosource/load.js';
import { lintPackage } from './run.js';
import type { LintConfig } from './run.js';
import type { LintFinding } from './types.js';

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
