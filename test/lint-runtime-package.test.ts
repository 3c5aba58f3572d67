// data-race leaves the Go runtime's own files alone (its goroutines synchronise through runtime-internal locks and
// stopping the world, and the compiler does not instrument it for the race detector), but not the runtime's
// external tests nor a package that merely sits in a directory called runtime elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPackages } from '../src/lint/load/go-packages.js';
import { lintPackages } from '../src/lint/driver/lint-packages.js';
import type { BuildContext } from '../src/lint/load/build-constraints.js';
import { tempDir } from './helpers.js';

const linux: BuildContext = { goos: 'linux', goarch: 'amd64', goMinor: 26, cgo: true, tags: new Set() };

/** A package variable every goroutine started in the loop writes with no lock. */
const racy = (pkg: string): string =>
  `package ${pkg}\n\nvar total int\n\nfunc add(n int) { total += n }\n\nfunc Start() {\n\tfor i := 0; i < 4; i++ {\n\t\tgo add(i)\n\t}\n}\n`;

async function dataRaceFiles(module: string, files: Record<string, string>): Promise<string[]> {
  const dir = tempDir('goroscope-runtime-');
  writeFileSync(join(dir, 'go.mod'), `module ${module}\n\ngo 1.26\n`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const result = await lintPackages(loadPackages(['./...'], dir, linux));
  return result.findings
    .filter((f) => f.rule === 'data-race')
    .map((f) => f.file.slice(dir.length + 1))
    .sort();
}

test('data-race skips the standard library runtime, not its external tests', async () => {
  const files = await dataRaceFiles('std', {
    'runtime/sched.go': racy('runtime'),
    'runtime/sched_ext_test.go': racy('runtime_test'),
    'internal/runtime/gc/gc.go': racy('gc'),
    'sync/pool.go': racy('sync'),
  });
  assert.deepEqual(files, ['runtime/sched_ext_test.go', 'sync/pool.go']);
});

test('data-race checks a runtime directory of another module', async () => {
  assert.deepEqual(await dataRaceFiles('example.com/app', { 'runtime/sched.go': racy('runtime') }), [
    'runtime/sched.go',
  ]);
});
