// Shared test helpers. Tests run compiled from dist/test, so the repository root is two levels up.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Every file under `dir` (recursively) whose name ends with `suffix`. */
export function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out;
}
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

/**
 * Why the tests that run the Go toolchain cannot run here (a skip reason), or false when `go` runs. In CI
 * (CI set, as .ci/run does) a missing Go is a failure, not a skip: CI installs it.
 */
export const goMissing: string | false =
  process.env['CI'] === undefined && spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0
    ? 'go is not on PATH (these tests build and run Go programs; install Go 1.22 or newer)'
    : false;

const tempDirs: string[] = [];
let cleanupRegistered = false;

/**
 * A new directory under os.tmpdir(), removed with everything in it when the test process exits (node --test
 * runs each test file in its own process), whether the tests passed or failed.
 */
export function tempDir(prefix = 'goroscope-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', removeTempDirs);
  }
  return dir;
}

function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
