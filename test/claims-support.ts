// Claim programs (testdata/claims/<name>/) prove what the catalogue says about Go. Each keeps its claim and
// the expected outcome in its header comment, so the program and its expectation cannot drift apart:
//
//   // Claim: <sentence, may continue on following comment lines>
//   //
//   // build: -race            flags for go build / go test -c (optional)
//   // args: -test.timeout=1s  command-line arguments for every run (optional)
//   // go: >=1.25              minimum Go version (optional; the claim is skipped on older Go)
//   // timeout: 2s             how long one run may take (optional, default 20s)
//   // expect: <term> ...      one line per run; at least one
//
// Expectation terms, separated by spaces:
//   exit=N                    the exit status
//   timeout                   the program is still running at the timeout (and is killed)
//   stdout~="RE" stdout!~="RE" stderr~="RE" stderr!~="RE"
//                             a JavaScript regular expression (multiline: ^ and $ match at line ends) that must
//                             (~=) or must not (!~=) match; inside the quotes only \" is an escape of ours
//   goroutines=N goroutines>=N
//                             how many goroutine headers ("goroutine N [...]:", also with gp=/m= words)
//                             stderr contains
//   env:NAME=VALUE            an environment variable for this run

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OutputPattern {
  stream: 'stdout' | 'stderr';
  /** true for ~= (must match), false for !~= (must not match). */
  match: boolean;
  pattern: RegExp;
}

export interface RunExpectation {
  env: Record<string, string>;
  /** The exit status; undefined when not checked. */
  exit?: number;
  /** The program must still be running when the timeout ends. */
  timeout: boolean;
  outputs: OutputPattern[];
  goroutines?: { op: '=' | '>='; count: number };
  /** The line as written, for messages. */
  source: string;
}

export interface ClaimHeader {
  claim: string;
  buildFlags: string[];
  args: string[];
  /** Minimum Go minor version (1.x), or undefined. */
  minGoMinor?: number;
  timeoutMs: number;
  runs: RunExpectation[];
}

/** Thrown for a malformed claim header; the message names the problem. */
export class ClaimSyntaxError extends Error {
  override readonly name = 'ClaimSyntaxError';
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** Reads the header comment of a claim program (the comment lines before `package`). */
export function parseClaimHeader(source: string): ClaimHeader {
  const comment: string[] = [];
  for (const line of source.split('\n')) {
    if (line.startsWith('package ')) break;
    if (line.startsWith('//')) comment.push(line.replace(/^\/\/ ?/, ''));
  }
  const claimLines: string[] = [];
  let inClaim = false;
  const header: ClaimHeader = { claim: '', buildFlags: [], args: [], timeoutMs: DEFAULT_TIMEOUT_MS, runs: [] };
  for (const line of comment) {
    const directive = /^(build|args|go|timeout|expect):\s*(.*)$/.exec(line);
    if (directive) {
      inClaim = false;
      const [, key, value = ''] = directive;
      if (key === 'build') header.buildFlags = value.split(/\s+/).filter((f) => f !== '');
      else if (key === 'args') header.args = value.split(/\s+/).filter((f) => f !== '');
      else if (key === 'go') header.minGoMinor = parseMinGo(value);
      else if (key === 'timeout') header.timeoutMs = parseDuration(value);
      else header.runs.push(parseExpectation(value));
      continue;
    }
    if (line.startsWith('Claim:')) {
      inClaim = true;
      claimLines.push(line.slice('Claim:'.length).trim());
    } else if (inClaim && line.trim() !== '') {
      claimLines.push(line.trim());
    } else {
      inClaim = false;
    }
  }
  header.claim = claimLines.join(' ');
  if (header.claim === '') throw new ClaimSyntaxError('no "// Claim:" line in the header');
  if (header.runs.length === 0) throw new ClaimSyntaxError('no "// expect:" line in the header');
  return header;
}

function parseMinGo(value: string): number {
  const m = /^>=\s*1\.(\d+)$/.exec(value.trim());
  if (!m?.[1]) throw new ClaimSyntaxError(`go: expects ">=1.N", got "${value}"`);
  return Number(m[1]);
}

function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value.trim());
  if (!m?.[1]) throw new ClaimSyntaxError(`timeout: expects e.g. "2s" or "500ms", got "${value}"`);
  return m[2] === 's' ? Number(m[1]) * 1000 : Number(m[1]);
}

export function parseExpectation(text: string): RunExpectation {
  const run: RunExpectation = { env: {}, timeout: false, outputs: [], source: text };
  let rest = text.trim();
  let checks = 0;
  while (rest !== '') {
    let m: RegExpExecArray | null;
    if ((m = /^exit=(\d+)(?=\s|$)/.exec(rest))) {
      run.exit = Number(m[1]);
      checks++;
    } else if ((m = /^timeout(?=\s|$)/.exec(rest))) {
      run.timeout = true;
      checks++;
    } else if ((m = /^goroutines(>=|=)(\d+)(?=\s|$)/.exec(rest))) {
      run.goroutines = { op: m[1] === '>=' ? '>=' : '=', count: Number(m[2]) };
      checks++;
    } else if ((m = /^env:([A-Za-z_][A-Za-z0-9_]*)=(\S*)(?=\s|$)/.exec(rest))) {
      run.env[m[1] ?? ''] = m[2] ?? '';
    } else if ((m = /^(stdout|stderr)(!~=|~=)"((?:[^"\\]|\\.)*)"(?=\s|$)/.exec(rest))) {
      const source = (m[3] ?? '').replace(/\\"/g, '"');
      let pattern: RegExp;
      try {
        pattern = new RegExp(source, 'm');
      } catch (err) {
        throw new ClaimSyntaxError(`bad regular expression "${source}": ${String(err)}`);
      }
      run.outputs.push({ stream: m[1] === 'stdout' ? 'stdout' : 'stderr', match: m[2] === '~=', pattern });
      checks++;
    } else {
      throw new ClaimSyntaxError(`cannot read expectation at: ${rest}`);
    }
    rest = rest.slice(m[0].length).trimStart();
  }
  if (checks === 0) throw new ClaimSyntaxError(`expectation checks nothing: "${text}"`);
  if (run.timeout && run.exit !== undefined) throw new ClaimSyntaxError('"timeout" and "exit=" exclude each other');
  return run;
}

/** What one run of a claim program produced. */
export interface RunOutcome {
  exit: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** The ways an outcome differs from the expectation; empty when it matches. */
export function checkOutcome(run: RunExpectation, out: RunOutcome): string[] {
  const problems: string[] = [];
  if (run.timeout && !out.timedOut)
    problems.push(`expected the program to hang, but it exited with ${String(out.exit)}`);
  if (!run.timeout && out.timedOut) problems.push('the program did not finish before the timeout');
  if (run.exit !== undefined && !out.timedOut && out.exit !== run.exit) {
    problems.push(`exit status ${String(out.exit)}, expected ${run.exit}`);
  }
  for (const o of run.outputs) {
    const text = o.stream === 'stdout' ? out.stdout : out.stderr;
    if (o.pattern.test(text) !== o.match) {
      problems.push(`${o.stream} ${o.match ? 'does not match' : 'matches'} /${o.pattern.source}/`);
    }
  }
  if (run.goroutines) {
    const n = out.stderr.match(/^goroutine \d+ [^\n]*[\]}]:$/gm)?.length ?? 0;
    const ok = run.goroutines.op === '=' ? n === run.goroutines.count : n >= run.goroutines.count;
    if (!ok) problems.push(`stderr shows ${n} goroutines, expected ${run.goroutines.op}${run.goroutines.count}`);
  }
  return problems;
}

/** A claim folder: its program file (main.go, or a _test.go file for claims about tests) and header. */
export interface ClaimProgram {
  file: string;
  /** The program is a test (built with go test -c). */
  isTest: boolean;
  header: ClaimHeader;
}

/** Reads the claim in `dir`, or returns undefined when it holds no Go file. */
export function readClaimProgram(dir: string): ClaimProgram | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.go'))
    .sort();
  const main = files.find((f) => !f.endsWith('_test.go'));
  const file = main ?? files[0];
  if (file === undefined) return undefined;
  const path = join(dir, file);
  return { file: path, isTest: main === undefined, header: parseClaimHeader(readFileSync(path, 'utf8')) };
}
