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

/** Numbered source lines with the focus line marked `>`, each prefixed with `indent`. */
export function codeFrame(context: SourceContext, s: Style, indent = '    '): string {
  const last = context.firstLine + context.lines.length - 1;
  const width = String(last).length;
  return context.lines
    .map((text, i) => {
      const n = context.firstLine + i;
      const gutter = String(n).padStart(width);
      const line = `${n === context.focusLine ? '>' : ' '} ${gutter} | ${sanitize(text)}`;
      return n === context.focusLine ? s.bold(line) : s.dim(line);
    })
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/** Indents every non-empty line of a block (code in a report). */
export function indentLines(code: string, indent: string): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n');
}
