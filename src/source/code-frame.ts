// The window of source lines shown around a line of the user's code. Every view (terminal, Markdown, HTML, lint)
// takes its lines from here, so they agree on which lines a frame holds.
import type { SourceContext } from '../model.js';

/** Lines `before` above and `after` below `focusLine` (1-based) of a file's lines, or undefined when out of range. */
export function codeWindow(
  localFile: string,
  lines: readonly string[],
  focusLine: number,
  before = 3,
  after = before,
): SourceContext | undefined {
  if (focusLine < 1 || focusLine > lines.length) return undefined;
  const firstLine = Math.max(1, focusLine - before);
  const lastLine = Math.min(lines.length, focusLine + after);
  return { localFile, firstLine, lines: lines.slice(firstLine - 1, lastLine), focusLine };
}

/** A file's text split into lines the way Go counts them (a trailing CR is not part of the line). */
export function splitSourceLines(text: string): string[] {
  return text.split(/\r?\n/);
}
