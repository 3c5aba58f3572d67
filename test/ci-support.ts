// Shared by the CI-format, schema and action tests: the sample module in testdata/ci/module, its marked lines,
// JUnit validation with xmllint, and scratch directories that are always removed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, runCli, type CliRun } from './helpers.js';

export const CI_MODULE = join(repoRoot, 'testdata', 'ci', 'module');
export const JUNIT_XSD = join(repoRoot, 'docs', 'schemas', 'junit.xsd');

function installed(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasGo = installed('go', ['version']);
export const hasXmllint = installed('xmllint', ['--version']);
export const hasGit = installed('git', ['--version']);

/** Lines of the module marked `// <marker>` (e.g. `want "nil-map-write"`, `culprit`), as `dir/file.go:line`. */
export function markedLines(marker: string, root = CI_MODULE): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.go'))
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((text, i) => {
            if (text.includes(`// ${marker}`)) out.push(`${relative(root, path)}:${i + 1}`);
          });
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Runs goroscope in the sample module with the local Go toolchain, no user GOFLAGS, and outside GitHub Actions
 * even when the tests run there (annotation paths relative to the module, no job summary) unless `env` says so.
 */
export function inModule(args: string[], env: NodeJS.ProcessEnv = {}, cwd = CI_MODULE): Promise<CliRun> {
  return runCli(args, { cwd, env: { GOFLAGS: '', GOTOOLCHAIN: 'local', GITHUB_WORKSPACE: '', ...env } });
}

/** xmllint's verdict on a JUnit report against docs/schemas/junit.xsd: '' when valid, else its messages. */
export function junitSchemaErrors(xml: string): string {
  const run = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, '-'], { input: xml, encoding: 'utf8' });
  return run.status === 0 ? '' : run.stderr || `xmllint exited ${run.status ?? run.signal ?? '?'}`;
}

/** A scratch directory, removed by the returned function (call it in `after`). */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
