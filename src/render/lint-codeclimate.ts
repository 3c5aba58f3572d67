// `goroscope lint --format codeclimate`: the Code Climate issue list GitLab's Code Quality report reads
// (artifacts:reports:codequality). GitLab needs description, check_name, fingerprint, severity, location.path
// and location.lines.begin; the fingerprint is the one `--baseline` uses, so it survives moved lines.
import type { LintFinding, LintResult, Severity } from '../model.js';

export interface CodeclimateOptions {
  /** Stable identity of each finding (see analyse/lint/baseline.ts). */
  fingerprint: (finding: LintFinding) => string;
}

/** GitLab's severities are info, minor, major, critical and blocker. */
const SEVERITY: Record<Severity, 'info' | 'major' | 'critical'> = {
  error: 'critical',
  warning: 'major',
  info: 'info',
};

export function renderLintCodeclimate(result: LintResult, options: CodeclimateOptions): string {
  const issues = result.findings.map((finding) => ({
    type: 'issue',
    check_name: finding.rule,
    description: finding.message,
    categories: ['Bug Risk'],
    severity: SEVERITY[finding.severity],
    fingerprint: options.fingerprint(finding),
    location: { path: finding.file, lines: { begin: finding.line, end: finding.endLine } },
  }));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
