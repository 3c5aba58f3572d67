// `goroscope lint --format json`: the stable, versioned shape other tools consume.
import type { LintResult } from '../model.js';

export function renderLintJson(result: LintResult): string {
  const findings = result.findings.map((finding) => {
    const out: Record<string, unknown> = {
      rule: finding.rule,
      severity: finding.severity,
      file: finding.file,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
      related: finding.related,
    };
    if (finding.fix) {
      out['fix'] = {
        description: finding.fix.description,
        ...(finding.fix.edits
          ? {
              edits: finding.fix.edits.map((edit) => ({
                line: edit.line,
                column: edit.column,
                endLine: edit.endLine,
                endColumn: edit.endColumn,
                newText: edit.newText,
              })),
            }
          : {}),
      };
    }
    return out;
  });
  const skipped = result.skipped.map((skip) => ({ file: skip.file, reason: skip.reason, message: skip.message }));
  return `${JSON.stringify({ schemaVersion: 1, findings, skipped }, null, 2)}\n`;
}
