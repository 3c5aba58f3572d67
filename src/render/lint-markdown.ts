// `goroscope lint --format markdown`: a table per finding for pull-request comments.
import type { LintResult, RuleMeta } from '../model.js';

export interface LintMarkdownOptions {
  rules: RuleMeta[];
}

const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderLintMarkdown(result: LintResult, options: LintMarkdownOptions): string {
  const titles = new Map(options.rules.map((rule) => [rule.name, rule.title] as const));
  const out: string[] = ['# goroscope lint', ''];
  if (result.findings.length === 0) {
    out.push(`No findings in ${result.files} files (${result.packages} packages).`, '');
    return out.join('\n');
  }
  out.push(
    `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} in ${result.files} files ` +
      `(${result.packages} packages).`,
    '',
  );
  out.push('| Location | Rule | Severity | Message |', '| --- | --- | --- | --- |');
  for (const finding of result.findings) {
    out.push(
      `| \`${escape(finding.file)}:${finding.line}:${finding.column}\` | ` +
        `${escape(titles.get(finding.rule) ?? finding.rule)} (\`${finding.rule}\`) | ${finding.severity} | ` +
        `${escape(finding.message)} |`,
    );
  }
  out.push('');
  const withFix = result.findings.filter((finding) => finding.fix);
  if (withFix.length > 0) {
    out.push('## Fixes', '');
    for (const finding of withFix)
      out.push(`- \`${escape(finding.file)}:${finding.line}\`: ${escape(finding.fix?.description ?? '')}`);
    out.push('');
  }
  return out.join('\n');
}
