// `goroscope lint` for the terminal: one header line per finding, a code frame, related lines, the fix.
import type { LintFinding, LintResult, LintSkip } from '../analyse/lint/types.js';

export interface LintTextOptions {
  color: boolean;
  /** The text of a file, when it can be shown in a code frame. */
  source(file: string): string | undefined;
}

const style = (color: boolean, code: string, text: string): string =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;

/** Converts a 1-based byte column into a character index of `line`. */
function charIndex(line: string, byteColumn: number): number {
  let bytes = 0;
  for (let i = 0; i < line.length; i++) {
    if (bytes >= byteColumn - 1) return i;
    bytes += Buffer.byteLength(line[i] ?? '', 'utf8');
  }
  return line.length;
}

function frame(finding: LintFinding, lines: string[], color: boolean): string {
  const out: string[] = [];
  const first = Math.max(1, finding.line - 1);
  const last = Math.min(lines.length, finding.line + 1);
  const width = String(last).length;
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, '    ');
    const marker = n === finding.line ? style(color, '31', '>') : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${text}`);
    if (n === finding.line) {
      const raw = lines[n - 1] ?? '';
      const start = charIndex(raw, finding.column);
      const end =
        finding.endLine === finding.line ? Math.max(start + 1, charIndex(raw, finding.endColumn)) : raw.length;
      const pad = raw.slice(0, start).replace(/\t/g, '    ').replace(/[^ ]/g, ' ');
      const caret = '^'.repeat(Math.max(1, raw.slice(start, end).replace(/\t/g, '    ').length));
      out.push(`  ${' '.repeat(width)} | ${pad}${style(color, '31', caret)}`);
    }
  }
  return out.join('\n');
}

export function renderLintText(result: LintResult, options: LintTextOptions): string {
  const out: string[] = [];
  const cache = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!cache.has(file)) cache.set(file, options.source(file)?.split('\n'));
    return cache.get(file);
  };
  const severityColor: Record<string, string> = { error: '31', warning: '33', info: '36' };
  for (const finding of result.findings) {
    out.push(
      `${style(options.color, '1', `${finding.file}:${finding.line}:${finding.column}`)}: ${style(options.color, severityColor[finding.severity] ?? '0', finding.severity)}: ${finding.message} ${style(options.color, '2', `[${finding.rule}]`)}`,
    );
    const lines = linesOf(finding.file);
    if (lines) out.push(frame(finding, lines, options.color));
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
  out.push(
    `${count === 0 ? 'no findings' : `${count} finding${count === 1 ? '' : 's'}`} in ${result.files} file${result.files === 1 ? '' : 's'} (${result.packages} package${result.packages === 1 ? '' : 's'})` +
      (syntax > 0
        ? `; ${syntax} file${syntax === 1 ? ' has' : 's have'} syntax the parser did not understand (the rest of ${syntax === 1 ? 'it was' : 'them were'} checked)`
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
