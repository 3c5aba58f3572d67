// time-tick-leak depends on the toolchain as well as the go line: Go 1.27 removed the old timers
// (internal/godebugs/table.go: asynctimerchan Removed: 27). These check which toolchain the driver assumes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPackages } from '../src/lint/load/go-packages.js';
import { lintPackage, toolchainMinor, type LintConfig } from '../src/lint/driver/lint-packages.js';
import { parseLintConfig } from '../src/lint/driver/lint-config.js';
import { parseGoMod } from '../src/source/go-mod.js';
import { createGoParser } from '../src/lint/load/tree-sitter-go.js';
import { ROOT, RULES_TESTDATA } from './rules-support.js';

const tickDir = join(RULES_TESTDATA, 'time-tick-leak');

async function tickFindings(dir: string, config: LintConfig): Promise<number> {
  const parser = await createGoParser();
  let n = 0;
  for (const pkg of loadPackages([dir], ROOT))
    n += lintPackage(parser, pkg, { ...config, only: ['time-tick-leak'] }).findings.length;
  return n;
}

describe('time-tick-leak and the toolchain', () => {
  it('reads the toolchain line of go.mod', () => {
    const module = parseGoMod('module m\n\ngo 1.22\n\ntoolchain go1.27.3\n', '/d');
    assert.equal(module.toolchain, '1.27.3');
    assert.equal(parseGoMod('module m\n\ngo 1.22\n', '/d').toolchain, undefined);
  });

  it('takes the user setting, else the newer of the installed go and the toolchain line', () => {
    const old = parseGoMod('module m\ngo 1.22\n', '/d');
    const pinned = parseGoMod('module m\ngo 1.22\ntoolchain go1.27.3\n', '/d');
    assert.equal(toolchainMinor({}, old), undefined);
    assert.equal(toolchainMinor({ installedGo: 'go1.26.8' }, old), 26);
    assert.equal(toolchainMinor({ installedGo: 'go1.26.8' }, pinned), 27);
    assert.equal(toolchainMinor({ installedGo: 'go1.28.0' }, pinned), 28);
    assert.equal(toolchainMinor({ goToolchain: '1.26.8', installedGo: 'go1.28.0' }, pinned), 26);
    assert.equal(toolchainMinor({ goToolchain: 'go1.27.3' }, old), 27);
  });

  it('reports at go 1.22 with a toolchain before 1.27 or none known, and not from 1.27', async () => {
    const unknown = await tickFindings(tickDir, {});
    assert.ok(unknown >= 3, `expected the positives of ${tickDir}, got ${unknown}`);
    assert.equal(await tickFindings(tickDir, { installedGo: 'go1.26.8' }), unknown);
    assert.equal(await tickFindings(tickDir, { goToolchain: '1.26.8', installedGo: 'go1.27.3' }), unknown);
    assert.equal(await tickFindings(tickDir, { installedGo: 'go1.27.3' }), 0);
    assert.equal(await tickFindings(tickDir, { goToolchain: 'go1.27.3' }), 0);
    // The toolchain line alone (installed go older) switches the build to Go 1.27.3.
    assert.equal(await tickFindings(join(tickDir, 'toolchain127'), { installedGo: 'go1.26.8' }), 0);
    assert.ok((await tickFindings(join(tickDir, 'toolchain127'), { goToolchain: '1.26.8' })) >= 2);
  });

  it('accepts lint.goToolchain in the config and rejects what is not a Go version', () => {
    assert.equal(parseLintConfig('{"lint":{"goToolchain":"go1.27.3"}}', 'c.json').goToolchain, 'go1.27.3');
    assert.throws(() => parseLintConfig('{"lint":{"goToolchain":"latest"}}', 'c.json'), /must be a Go version/);
  });
});
