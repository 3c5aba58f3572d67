// Runs every claim program in testdata/claims with the installed Go and checks the outcome its header
// expects, and checks that the catalogue's proofs and the claim folders agree.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { catalogue } from '../src/knowledge/catalogue.js';
import {
  checkOutcome,
  parseClaimHeader,
  parseExpectation,
  readClaimProgram,
  ClaimSyntaxError,
  type ClaimHeader,
  type RunOutcome,
} from './claims-support.js';
import { repoRoot, tempDir } from './helpers.js';

const execFileP = promisify(execFile);

const root = repoRoot;
const claimsDir = join(root, 'testdata', 'claims');

interface Claim {
  name: string;
  dir: string;
  isTest: boolean;
  header: ClaimHeader;
}

function loadClaims(): Claim[] {
  const claims: Claim[] = [];
  for (const entry of readdirSync(claimsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(claimsDir, entry.name);
    const program = readClaimProgram(dir);
    if (program) claims.push({ name: entry.name, dir, isTest: program.isTest, header: program.header });
  }
  return claims.sort((a, b) => a.name.localeCompare(b.name));
}

async function goMinor(): Promise<number | undefined> {
  try {
    const { stdout } = await execFileP('go', ['env', 'GOVERSION']);
    const m = /^go1\.(\d+)/.exec(stdout.trim());
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' };

async function build(claim: Claim, out: string): Promise<void> {
  const args = claim.isTest
    ? ['test', '-c', ...claim.header.buildFlags, '-o', out, '.']
    : ['build', ...claim.header.buildFlags, '-o', out, '.'];
  await execFileP('go', args, { cwd: claim.dir, env: goEnv, maxBuffer: 16 << 20 });
}

function run(bin: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolveRun, reject) => {
    // GOTRACEBACK is cleared so that the default applies unless the claim sets it.
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (env['GOTRACEBACK'] === undefined) delete childEnv['GOTRACEBACK'];
    const child = spawn(bin, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ exit: code, timedOut, stdout, stderr });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await job(item);
    }
  });
  await Promise.all(workers);
}

const claims = loadClaims();

describe('claim headers', () => {
  it('every claim folder has a parsable header with a claim and at least one expectation', () => {
    assert.ok(claims.length >= 12, `only ${claims.length} claims found in ${claimsDir}`);
    for (const c of claims) {
      assert.notEqual(c.header.claim, '', c.name);
      assert.ok(c.header.runs.length > 0, c.name);
    }
  });

  it('rejects expectations that check nothing or cannot be read', () => {
    assert.throws(() => parseExpectation('env:GOTRACEBACK=all'), ClaimSyntaxError);
    assert.throws(() => parseExpectation('exit=2 stdout="x"'), ClaimSyntaxError);
    assert.throws(() => parseExpectation('exit=2 timeout'), ClaimSyntaxError);
    assert.throws(() => parseClaimHeader('// expect: exit=0\npackage main\n'), ClaimSyntaxError);
    assert.throws(() => parseClaimHeader('// Claim: x\npackage main\n'), ClaimSyntaxError);
  });

  it('reads quoted patterns with spaces and escaped quotes', () => {
    const r = parseExpectation('exit=2 stderr~="^a \\"b\\" \\(c\\)$" goroutines>=3 env:A=1');
    assert.equal(r.exit, 2);
    assert.deepEqual(r.env, { A: '1' });
    assert.deepEqual(r.goroutines, { op: '>=', count: 3 });
    assert.equal(r.outputs[0]?.pattern.test('x\na "b" (c)\ny'), true);
  });

  it('every proof named in the catalogue exists, and every claim is used as a proof', () => {
    const used = new Set<string>();
    for (const e of Object.values(catalogue)) {
      for (const p of e.proof) {
        assert.ok(existsSync(join(root, p)), `${e.kind}: proof ${p} does not exist`);
        used.add(p);
      }
    }
    for (const c of claims)
      assert.ok(used.has(`testdata/claims/${c.name}`), `claim ${c.name} is not a proof of any kind`);
  });
});

describe('claims hold when run with the installed Go', { concurrency: 4 }, async () => {
  const minor = await goMinor();
  const bins = minor === undefined ? '' : tempDir('goroscope-claims-');
  const built = new Map<string, Error | null>();

  before(async () => {
    if (minor === undefined) return;
    // Building dominates the time; two at a time suits a 2-core machine and shares GOCACHE.
    await pool(claims, 2, async (c) => {
      if (c.header.minGoMinor !== undefined && minor < c.header.minGoMinor) return;
      try {
        await build(c, join(bins, c.name));
        built.set(c.name, null);
      } catch (err) {
        built.set(c.name, err instanceof Error ? err : new Error(String(err)));
      }
    });
  });

  process.on('exit', () => {
    if (bins !== '') rmSync(bins, { recursive: true, force: true });
  });

  for (const c of claims) {
    const skip =
      minor === undefined
        ? 'go is not installed'
        : c.header.minGoMinor !== undefined && minor < c.header.minGoMinor
          ? `needs Go >= 1.${c.header.minGoMinor}`
          : false;
    it(`${c.name}: ${c.header.claim}`, { skip }, async () => {
      const buildError = built.get(c.name);
      if (buildError) throw buildError;
      const outcomes = await Promise.all(
        c.header.runs.map((r) => run(join(bins, c.name), c.header.args, r.env, c.header.timeoutMs)),
      );
      c.header.runs.forEach((r, i) => {
        const out = outcomes[i];
        assert.ok(out);
        const problems = checkOutcome(r, out);
        assert.deepEqual(
          problems,
          [],
          `expect: ${r.source}\n--- stdout\n${out.stdout}\n--- stderr\n${out.stderr.slice(0, 2000)}`,
        );
      });
    });
  }
});
