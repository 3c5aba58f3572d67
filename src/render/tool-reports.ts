// Text and Markdown for the reports of other Go tools (goleak, go-deadlock, x/tools/cmd/stress).
import type { Location, ToolReport } from '../model.js';
import { escapeMarkdown, inlineCode } from './markdown-syntax.js';
import { sanitize, style, wrap } from './text-style.js';

function at(loc: Location | null): string {
  return loc === null ? '(runtime or standard library only)' : `${loc.function}  ${loc.file}:${loc.line}`;
}

function counts(report: ToolReport): string {
  if (report.runs === undefined || report.failures === undefined) return '';
  return `${report.failures} of ${report.runs} runs failed`;
}

export function toolReportToText(report: ToolReport, color: boolean, width = 100): string {
  const s = style(color);
  const out: string[] = [];
  out.push(s.bold(s.red(report.title)) + s.dim(`  [${report.tool}: ${report.finding}]`));
  out.push(`  ${sanitize(report.message)}`);
  out.push(s.dim(`  in ${report.source.file}, lines ${report.source.startLine}-${report.source.endLine}`));
  out.push('');
  if (report.culprit !== null) out.push(`  ${s.bold('Where')}: ${sanitize(at(report.culprit))}`);
  const summary = counts(report);
  if (summary !== '') out.push(`  ${s.bold('Runs')}: ${summary}`);
  for (const site of report.sites) {
    const who = site.goroutine === null ? '' : `goroutine ${site.goroutine} `;
    const state = site.state === undefined ? '' : `[${sanitize(site.state)}] `;
    out.push(`    ${sanitize(site.role)}: ${who}${state}${sanitize(at(site.culprit))}`);
  }
  const errors = report.errors ?? [];
  if (errors.length > 0) {
    const distinct = [...new Set(errors)];
    out.push(`  ${s.bold('Errors')}: ${distinct.map((e) => sanitize(e)).join('; ')}`);
  }
  out.push('');
  out.push(`  ${s.bold('What happened')}`);
  out.push(wrap(report.explanation, width, '    '));
  return out.join('\n');
}

export function toolReportToMarkdown(report: ToolReport): string {
  const out: string[] = [
    `## ${escapeMarkdown(report.title)}`,
    '',
    `\`${report.tool}\`: ${escapeMarkdown(report.message)}`,
  ];
  out.push(
    '',
    `Found in ${inlineCode(report.source.file)}, lines ${report.source.startLine}-${report.source.endLine}.`,
  );
  if (report.culprit !== null) out.push('', `**Where:** ${inlineCode(at(report.culprit))}`);
  const summary = counts(report);
  if (summary !== '') out.push('', `**Runs:** ${summary}`);
  if (report.sites.length > 0) {
    out.push('');
    for (const site of report.sites) {
      const who = site.goroutine === null ? '' : ` (goroutine ${site.goroutine})`;
      out.push(`- ${escapeMarkdown(site.role)}${who}: ${inlineCode(at(site.culprit))}`);
    }
  }
  out.push('', escapeMarkdown(report.explanation));
  return out.join('\n');
}
