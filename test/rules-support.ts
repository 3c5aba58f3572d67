// The rule tester: analysistest-style `// want "rule"` markers in Go test packages under testdata/rules/<rule>/.
// Case functions are named Pos* (a bug: must carry or reach a want marker) and Neg* (correct code: no marker).
// The tester refuses a positive case with no expectation, a negative case with one, and duplicate cases.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './helpers.js';
import { createGoParser } from '../src/lint/load/tree-sitter-go.js';
import type { GoParser } from '../src/lint/load/tree-sitter-go.js';
import { loadPackages } from '../src/lint/load/go-packages.js';
import { lintPackage } from '../src/lint/driver/lint-packages.js';
import type { LintFinding } from '../src/model.js';

const execFileP = promisify(execFile);

export const ROOT = repoRoot;
export const RULES_TESTDATA = join(ROOT, 'testdata', 'rules');

export interface Want {
  file: string;
  line: number;
  rule: string;
  /** From `// want "rule: regexp"`: the finding's message must match. */
  message?: RegExp;
}

export interface Case {
  name: string;
  file: string;
  positive: boolean;
  /** Lines (in `file` or helpers' files) the case is expected to be reported at. */
  wants: Want[];
  /** Lines marked `// fires`: where the run-time failure shows when it is not at the reported line. */
  fires: { file: string; line: number }[];
  startLine: number;
  endLine: number;
}

let parserPromise: Promise<GoParser> | undefined;
export function parser(): Promise<GoParser> {
  parserPromise ??= createGoParser();
  return parserPromise;
}

const WANT = /\/\/ want((?:\s+"[^"]+")+)/;

function wantsIn(path: string, source: string): Want[] {
  const out: Want[] = [];
  source.split('\n').forEach((text, index) => {
    const match = WANT.exec(text);
    if (!match?.[1]) return;
    for (const quoted of match[1].matchAll(/"([^"]+)"/g))
      if (quoted[1]) {
        // `// want "rule: message regexp"` also checks the message text.
        const colon = quoted[1].indexOf(': ');
        if (colon < 0) out.push({ file: path, line: index + 1, rule: quoted[1] });
        else
          out.push({
            file: path,
            line: index + 1,
            rule: quoted[1].slice(0, colon),
            message: new RegExp(quoted[1].slice(colon + 2)),
          });
      }
  });
  return out;
}

function normalise(body: string): string {
  return body.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '');
}

export interface CaseSet {
  cases: Case[];
  allWants: Want[];
  problems: string[];
}

/** Reads the cases of one testdata package and checks the tester's own rules about them. */
export async function readCases(dir: string): Promise<CaseSet> {
  const go = await parser();
  const problems: string[] = [];
  const allWants: Want[] = [];
  interface Fn {
    name: string;
    file: string;
    plain: boolean;
    startLine: number;
    endLine: number;
    wants: Want[];
    fires: { file: string; line: number }[];
    body: string;
  }
  const fns: Fn[] = [];
  for (const name of readdirSync(dir)
    .filter((entry) => entry.endsWith('.go'))
    .sort()) {
    const path = join(dir, name);
    const source = readFileSync(path, 'utf8');
    const wants = wantsIn(path, source);
    const fires: { file: string; line: number }[] = [];
    source.split('\n').forEach((text, index) => {
      if (/\/\/ fires\b/.test(text)) fires.push({ file: path, line: index + 1 });
    });
    allWants.push(...wants);
    const tree = go.parse(source);
    for (const node of tree.nodesOfTypes(['function_declaration', 'method_declaration'])) {
      const decl = { node };
      const fnName = decl.node.childForFieldName('name')?.text ?? '';
      const startLine = decl.node.startPosition.row + 1;
      const endLine = decl.node.endPosition.row + 1;
      const body = decl.node.childForFieldName('body')?.text ?? '';
      const plain =
        decl.node.type === 'function_declaration' && decl.node.childForFieldName('parameters')?.text === '()';
      fns.push({
        name: fnName,
        file: path,
        plain,
        startLine,
        endLine,
        wants: wants.filter((want) => want.line >= startLine && want.line <= endLine),
        fires: fires.filter((f) => f.line >= startLine && f.line <= endLine),
        body,
      });
    }
  }
  // A positive may put its marker in a helper it calls or passes on (a method that does the bad write, a handler).
  const helperWants = new Map<string, Want[]>();
  const helperFires = new Map<string, { file: string; line: number }[]>();
  for (const fn of fns) {
    if (/^(Pos|Neg)[A-Z0-9]/.test(fn.name)) continue;
    if (fn.wants.length > 0) helperWants.set(fn.name, fn.wants);
    if (fn.fires.length > 0) helperFires.set(fn.name, fn.fires);
  }
  const cases: Case[] = [];
  const seenBodies = new Map<string, string>();
  for (const fn of fns) {
    const positive = /^Pos[A-Z0-9]/.test(fn.name);
    if (!positive && !/^Neg[A-Z0-9]/.test(fn.name)) continue;
    if (!fn.plain) problems.push(`${fn.name}: a case is a plain function without parameters`);
    const reached: Want[] = [...fn.wants];
    const fired = [...fn.fires];
    for (const [helper, wants] of helperWants) if (new RegExp(`\\b${helper}\\b`).test(fn.body)) reached.push(...wants);
    for (const [helper, lines] of helperFires) if (new RegExp(`\\b${helper}\\b`).test(fn.body)) fired.push(...lines);
    if (positive && reached.length === 0) problems.push(`${fn.name}: positive case has no // want expectation`);
    if (!positive && reached.length > 0)
      problems.push(`${fn.name}: negative case carries or reaches a // want expectation`);
    const key = normalise(fn.body);
    const previous = seenBodies.get(key);
    if (previous !== undefined) problems.push(`${fn.name}: duplicate of case ${previous}`);
    else seenBodies.set(key, fn.name);
    cases.push({
      name: fn.name,
      file: fn.file,
      positive,
      wants: reached,
      fires: fired,
      startLine: fn.startLine,
      endLine: fn.endLine,
    });
  }
  if (!cases.some((c) => c.positive)) problems.push('no positive case (Pos*)');
  if (!cases.some((c) => !c.positive)) problems.push('no negative case (Neg*)');
  return { cases, allWants, problems };
}

/** Lints a testdata package with one rule and compares findings with the want markers. */
export async function checkRule(rule: string, dir: string): Promise<{ problems: string[]; findings: LintFinding[] }> {
  const { allWants, problems } = await readCases(dir);
  const packages = loadPackages([dir], ROOT);
  const findings: LintFinding[] = [];
  const go = await parser();
  for (const pkg of packages) findings.push(...lintPackage(go, pkg, { only: [rule] }).findings);
  const key = (file: string, line: number, name: string): string => `${file}:${line}: ${name}`;
  const expected = new Set(allWants.map((want) => key(want.file, want.line, want.rule)));
  const actual = new Set(findings.map((finding) => key(finding.file, finding.line, finding.rule)));
  for (const finding of findings) {
    if (!expected.has(key(finding.file, finding.line, finding.rule)))
      problems.push(`unexpected finding ${key(finding.file, finding.line, finding.rule)}: ${finding.message}`);
  }
  for (const want of allWants) {
    if (!actual.has(key(want.file, want.line, want.rule)))
      problems.push(`missing finding ${key(want.file, want.line, want.rule)}`);
    else if (
      want.message !== undefined &&
      !findings.some(
        (f) => key(f.file, f.line, f.rule) === key(want.file, want.line, want.rule) && want.message?.test(f.message),
      )
    )
      problems.push(`finding ${key(want.file, want.line, want.rule)} does not match /${want.message.source}/`);
  }
  return { problems, findings };
}

/** Runs a program (a Go toolchain command or a built test binary); a failing exit is an outcome, not an error. */
export async function runProgram(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const env = { ...process.env, GOFLAGS: '-mod=mod' };
    const { stdout, stderr } = await execFileP(file, args, { cwd, timeout: 60_000, maxBuffer: 64 << 20, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    // execFile rejects with the exit code and the captured output attached to the error.
    const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      output: text(failed.stdout) + text(failed.stderr),
    };
  }
}
