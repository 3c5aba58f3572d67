// `--fix`: applies the mechanical edits of findings. Overlapping edits in one file keep the first and skip
// the rest (the next run reports what is left).
import type { LintFinding, TextEdit } from '../../model.js';

export interface FixOutcome {
  /** File -> new text. */
  changed: Map<string, string>;
  applied: number;
  skipped: number;
}

export function applyFixes(findings: LintFinding[], read: (file: string) => string): FixOutcome {
  const byFile = new Map<string, TextEdit[][]>();
  for (const finding of findings) {
    const edits = finding.fix?.edits;
    if (!edits || edits.length === 0) continue;
    const file = edits[0]?.file ?? finding.file;
    if (edits.some((edit) => edit.file !== file)) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), edits]);
  }
  const changed = new Map<string, string>();
  let applied = 0;
  let skipped = 0;
  for (const [file, groups] of byFile) {
    const accepted: TextEdit[] = [];
    const seen = new Set<string>();
    for (const group of groups) {
      const key = group.map((edit) => `${edit.startOffset}:${edit.endOffset}:${edit.newText}`).join('|');
      if (seen.has(key)) continue; // the same fix offered by two findings (one declaration, two writes)
      const overlaps = group.some((edit) =>
        accepted.some((other) => edit.startOffset < other.endOffset && other.startOffset < edit.endOffset),
      );
      if (overlaps) {
        skipped++;
        continue;
      }
      seen.add(key);
      accepted.push(...group);
      applied++;
    }
    accepted.sort((a, b) => b.startOffset - a.startOffset);
    let text = read(file);
    for (const edit of accepted) text = text.slice(0, edit.startOffset) + edit.newText + text.slice(edit.endOffset);
    changed.set(file, text);
  }
  return { changed, applied, skipped };
}
