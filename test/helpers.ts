// Shared test helpers. Tests run compiled from dist/test, so the repository root is two levels up.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository: tests usually run from dist/test, two levels down, but may be compiled elsewhere (tsc
 * --outDir); then the working directory is the repository.
 */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'src', 'model.ts')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const repoRoot = findRepoRoot();
export const cliPath = join(repoRoot, 'bin', 'goroscope');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/goroscope exactly as a user would (a real process), with optional standard input. */
export function runCli(
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      // GITHUB_STEP_SUMMARY emptied: a test run inside GitHub Actions must not append reports to the job summary.
      env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
