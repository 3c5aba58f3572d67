// Finding fingerprints and the `lint --baseline` file. A fingerprint names a finding by what it is, not where it
// is: rule + file + the flagged line's text (whitespace normalised) + the function around it. Code added above
// the finding moves its line number but keeps its fingerprint; editing the flagged line or moving it to another
// function makes it a new finding. Identical findings in one function (the same line written twice) are told
// apart by their order, so each has its own fingerprint.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { LintFinding } from '../../model.js';

/** Top-level `func` declarations start at column 0 in gofmt'd Go: `func (s *Store) Add(` or `func Add[T any](`. */
const FUNC_DECL = /^func\s*(?:\(\s*(?:\w+\s+)?\*?\s*([\w.]+)(?:\[[^\]]*\])?\s*\))?\s*(\w+)/;

export function normaliseLine(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** `(*Store).Add` -> `Store.Add`, `Add`, or '' outside any function, for the 1-based line in the file's lines. */
export function enclosingFunction(lines: string[], line: number): string {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = FUNC_DECL.exec(lines[i] ?? '');
    if (m === null) continue;
    const [, receiver, name] = m;
    return receiver === undefined ? (name ?? '') : `${receiver}.${name ?? ''}`;
  }
  return '';
}

export interface FingerprintOptions {
  /** The module root: file paths in fingerprints are relative to it, wherever goroscope runs. */
  root: string;
  /** Text of a file as linted (absolute path), or undefined when it cannot be read. */
  source: (file: string) => string | undefined;
}

/** Fingerprints of findings (absolute file paths), in the findings' order. */
export function fingerprintFindings(findings: LintFinding[], options: FingerprintOptions): string[] {
  const linesOf = new Map<string, string[]>();
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    let lines = linesOf.get(finding.file);
    if (lines === undefined) {
      lines = (options.source(finding.file) ?? '').split('\n');
      linesOf.set(finding.file, lines);
    }
    const file = relative(options.root, finding.file).split(sep).join('/');
    const identity = [
      finding.rule,
      file,
      normaliseLine(lines[finding.line - 1] ?? ''),
      enclosingFunction(lines, finding.line),
    ].join('\u0000');
    const ordinal = seen.get(identity) ?? 0;
    seen.set(identity, ordinal + 1);
    return createHash('sha256').update(`${identity}\u0000${ordinal}`).digest('hex').slice(0, 32);
  });
}

export interface BaselineEntry {
  fingerprint: string;
  /** For people reading the file; matching uses the fingerprint only. */
  rule: string;
  file: string;
  line: number;
  message: string;
}

export interface Baseline {
  schemaVersion: 1;
  findings: BaselineEntry[];
}

export function makeBaseline(findings: LintFinding[], fingerprints: string[], root: string): Baseline {
  return {
    schemaVersion: 1,
    findings: findings.map((finding, i) => ({
      fingerprint: fingerprints[i] ?? '',
      rule: finding.rule,
      file: relative(root, finding.file).split(sep).join('/'),
      line: finding.line,
      message: finding.message,
    })),
  };
}

export function writeBaseline(path: string, baseline: Baseline): void {
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fingerprints of a baseline file written by `--write-baseline`. */
export function readBaseline(cwd: string, path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the baseline ${path}`, {
      cause: error,
      hint: 'create it with goroscope lint --write-baseline FILE',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON`, { cause: error, hint: 'recreate it with --write-baseline' });
  }
  const findings = isRecord(parsed) ? parsed['findings'] : undefined;
  if (!isRecord(parsed) || parsed['schemaVersion'] !== 1 || !Array.isArray(findings))
    throw new ConfigError(`${path} is not a goroscope baseline (schemaVersion 1 with findings)`, {
      hint: 'recreate it with --write-baseline',
    });
  const out = new Set<string>();
  for (const entry of findings)
    if (isRecord(entry) && typeof entry['fingerprint'] === 'string') out.add(entry['fingerprint']);
  return out;
}
