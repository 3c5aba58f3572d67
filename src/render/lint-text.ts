// `goroscope lint` for the terminal: one header line per finding, a code frame, related lines, the fix.
import type { LintResult, LintSkip } from '../model.js';
import { codeWindow, splitSourceLines } from '../source/code-frame.js';
import { codeFrame, style } from './text-style.js';

export interface LintTextOptions {
  color: boolean;
  /** The text of a file, when it can be shown in a code frame. */
  source(file: string): string | undefined;
}

const paint = (color: boolean, code: string, text: string): string =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;

export function renderLintText(result: LintResult, options: LintTextOptions): string {
  const out: string[] = [];
  const cache = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!cache.has(file)) {
      const text = options.source(file);
      cache.set(file, text === undefined ? undefined : splitSourceLines(text));
    }
    return cache.get(file);
  };
  const s = style(options.color);
  const severityColor: Record<string, string> = { error: '31', warning: '33', info: '36' };
  for (const finding of result.findings) {
    out.push(
      paint(options.color, '1', `${finding.file}:${finding.line}:${finding.column}`) +
        `: ${paint(options.color, severityColor[finding.severity] ?? '0', finding.severity)}: ` +
        `${finding.message} ${paint(options.color, '2', `[${finding.rule}]`)}`,
    );
    const lines = linesOf(finding.file);
    const window = lines && codeWindow(finding.file, lines, finding.line, 1);
    if (window) {
      const endColumn = finding.endLine === finding.line ? finding.endColumn : undefined;
      out.push(codeFrame(window, s, { indent: '', caret: { column: finding.column, endColumn } }));
    }
    for (const related of finding.related)
      out.push(`  ${related.file}:${related.line}:${related.column}: ${related.message}`);
    if (finding.fix)
      out.push(`  fix: ${finding.fix.description}${finding.fix.edits ? ' (goroscope lint --fix applies it)' : ''}`);
    out.push('');
  }
  const count = result.findings.length;
  const syntax = result.filesWithSyntaxErrors.length;
  const generated = result.skipped.filter((skip) => skip.reason === 'generated').length;
  const other = result.skipped.length - generated;
  const notes = result.findings.filter((finding) => finding.severity === 'info').length;
  // Notes are findings too (they count in the exit status), but a reader should know how to leave them out.
  const noteWords =
    notes === 0
      ? ''
      : notes === count
        ? ` (${count === 1 ? 'a note: --min-severity warning leaves it out' : 'all notes: --min-severity warning leaves them out'})`
        : ` (${notes} of them notes: --min-severity warning leaves them out)`;
  out.push(
    `${count === 0 ? 'no findings' : `${count} finding${count === 1 ? '' : 's'}${noteWords}`} in ${result.files} ` +
      `file${result.files === 1 ? '' : 's'} (${result.packages} package${result.packages === 1 ? '' : 's'})` +
      (syntax > 0
        ? `; ${syntax} file${syntax === 1 ? ' has' : 's have'} syntax the parser did not understand (the rest of ` +
          `${syntax === 1 ? 'it was' : 'them were'} checked)`
        : '') +
      (generated > 0 ? `; ${plural(generated, 'generated file')} skipped` : '') +
      (other > 0 ? `; ${plural(other, 'file')} not fully linted (listed on standard error)` : ''),
  );
  return `${out.join('\n')}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The lines the CLI prints on standard error about files it passed over: generated ones counted, others named. */
export function skipNotes(skipped: LintSkip[]): string[] {
  const generated = skipped.filter((skip) => skip.reason === 'generated').length;
  const notes = skipped.filter((skip) => skip.reason !== 'generated').map((skip) => `${skip.file}: ${skip.message}`);
  if (generated > 0) notes.push(`skipped ${plural(generated, 'generated file')} (--include-generated lints them)`);
  return notes;
}
