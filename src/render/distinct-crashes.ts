// The fleet view: identical crashes (same fingerprint) counted across inputs, for text and Markdown.
import type { DistinctCrash, ExplainResult, Location } from '../model.js';
import { escapeMarkdown, inlineCode } from './markdown-syntax.js';
import { sanitize, style } from './text-style.js';

/** Worth a section only when something repeats or several inputs were read. */
export function shownDistinctCrashes(result: ExplainResult): DistinctCrash[] {
  const groups = result.distinctCrashes ?? [];
  return groups.some((g) => g.count > 1 || g.inputs.length > 1) ? groups : [];
}

function at(loc: Location | null): string {
  return loc === null ? '(no user frame)' : `${loc.function}  ${loc.file}:${loc.line}`;
}

function seen(g: DistinctCrash): string {
  const first = `${g.firstSeen.file}:${g.firstSeen.line}`;
  const last = `${g.lastSeen.file}:${g.lastSeen.line}`;
  return g.count === 1 ? `at ${first}` : `first at ${first}, last at ${last}`;
}

export function distinctCrashesToText(groups: readonly DistinctCrash[], color: boolean): string {
  const s = style(color);
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  const out = [`${s.bold('Distinct crashes')}: ${groups.length} (of ${total} crashes)`];
  for (const g of groups) {
    out.push(
      `  ${String(g.count).padStart(6)} x ${s.cyan(g.fingerprint)} ${sanitize(g.title)}  ${sanitize(at(g.culprit))}`,
    );
    const inputs = g.inputs.length === 1 ? '1 input' : `${g.inputs.length} inputs`;
    out.push(s.dim(`             ${sanitize(seen(g))}; ${inputs}: ${sanitize(g.inputs.slice(0, 5).join(', '))}`));
  }
  return out.join('\n');
}

export function distinctCrashesToMarkdown(groups: readonly DistinctCrash[]): string {
  const out = [
    '## Distinct crashes',
    '',
    '| count | fingerprint | kind | culprit | seen | inputs |',
    '|---|---|---|---|---|---|',
  ];
  for (const g of groups) {
    out.push(
      `| ${g.count} | ${inlineCode(g.fingerprint)} | ${escapeMarkdown(g.title)} | ${inlineCode(at(g.culprit))} | ` +
        `${escapeMarkdown(seen(g))} | ${g.inputs.length} |`,
    );
  }
  return out.join('\n');
}
