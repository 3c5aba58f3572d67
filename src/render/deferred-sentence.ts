// The sentence every view prints for a second Unlock or Done run by a deferred call at function exit.
import type { DeferredRelease } from '../model.js';

/** One sentence; `code` marks up Go source (backticks in Markdown, plain in a terminal). */
export function deferredReleaseSentence(d: DeferredRelease, code: (text: string) => string): string {
  const call = d.deferText.replace(/^defer\s+/, '');
  const where =
    d.exit === 'return' ? `at the return on line ${d.exitLine}` : `at the end of the function (line ${d.exitLine})`;
  const ran = `${code(call)}, deferred at line ${d.deferLine}, ran ${where}`;
  if (d.releaseLine === undefined || d.releaseText === undefined) {
    return `${ran}: it was one call too many, and no earlier call in this function made the other one.`;
  }
  return `${ran}; line ${d.releaseLine} had already called ${code(d.releaseText)}, so the deferred call was one too many.`;
}
