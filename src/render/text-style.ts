// Terminal styling. Renderers take a Style so the same code writes plain text (pipes, files, NO_COLOR) and colour.

import type { SourceContext } from '../model.js';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const plain: Style = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
  cyan: (t) => t,
};

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const coloured: Style = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  green: ansi(32, 39),
  cyan: ansi(36, 39),
};

export function style(color: boolean): Style {
  return color ? coloured : plain;
}

/** Removes terminal control sequences and other C0 controls (but tab) from text that came from a log. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** Wraps prose at `width` columns, each line prefixed with `indent` (continuation lines with `hanging`). */
export function wrap(text: string, width: number, indent: string, hanging = indent): string {
  const out: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (word === '') continue;
      const prefix = out.length === 0 || out[out.length - 1] === '' ? indent : hanging;
      if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
        out.push(prefix + line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') out.push((out.length === 0 || out[out.length - 1] === '' ? indent : hanging) + line);
    out.push('');
  }
  out.pop();
  return out.join('\n');
}

export interface CodeFrameOptions {
  /** Put before every line of the frame. */
  indent?: string;
  /** Underline this span of the focus line (1-based byte columns, as Go tools print them); tabs become 4 spaces. */
  caret?: { column: number; endColumn: number | undefined };
}

/** Numbered source lines with the focus line marked `>`: the one terminal rendering of a code frame. */
export function codeFrame(context: SourceContext, s: Style, options: CodeFrameOptions = {}): string {
  const indent = options.indent ?? '    ';
  const caret = options.caret;
  const last = context.firstLine + context.lines.length - 1;
  const width = String(last).length;
  const out: string[] = [];
  context.lines.forEach((raw, i) => {
    const n = context.firstLine + i;
    const focus = n === context.focusLine;
    const text = caret === undefined ? sanitize(raw) : sanitize(raw).replace(/\t/g, '    ');
    const line = `${focus ? '>' : ' '} ${String(n).padStart(width)} | ${text}`;
    out.push(indent + (focus ? s.bold(line) : s.dim(line)));
    if (focus && caret !== undefined) {
      const start = charIndex(raw, caret.column);
      const end = caret.endColumn === undefined ? raw.length : Math.max(start + 1, charIndex(raw, caret.endColumn));
      const pad = raw.slice(0, start).replace(/\t/g, '    ').replace(/[^ ]/g, ' ');
      const marks = '^'.repeat(Math.max(1, raw.slice(start, end).replace(/\t/g, '    ').length));
      out.push(`${indent}  ${' '.repeat(width)} | ${pad}${s.red(marks)}`);
    }
  });
  return out.join('\n');
}

/** Converts a 1-based byte column into a character index of `line`. */
function charIndex(line: string, byteColumn: number): number {
  let bytes = 0;
  for (let i = 0; i < line.length; i++) {
    if (bytes >= byteColumn - 1) return i;
    bytes += Buffer.byteLength(line[i] ?? '', 'utf8');
  }
  return line.length;
}

/** Indents every non-empty line of a block (code in a report). */
export function indentLines(code: string, indent: string): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n');
}
