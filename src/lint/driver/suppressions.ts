// Suppression directives: `//nolint`, `//nolint:goroscope`, `//nolint:<rule>[,<rule>]` (golangci style) and
// `//goroscope:ignore <rule> <reason>` (reason required). A directive covers its own line when it trails
// code, else the next line. Unused or malformed directives that name goroscope are reported.
import type { FileFacts } from '../facts/package-facts.js';

export const DIRECTIVE_RULE = 'goroscope-directive';

export interface Directive {
  file: string;
  line: number;
  column: number;
  /** The line whose findings it covers. */
  target: number;
  /** Rule names it suppresses; '*' for all. */
  rules: Set<string>;
  /** Names goroscope or one of its rules, so an unused one is reported. */
  ours: boolean;
  used: boolean;
  problem?: string;
}

export function parseDirectives(file: FileFacts, knownRules: Set<string>): Directive[] {
  const out: Directive[] = [];
  for (const comment of file.nodes('comment')) {
    const text = comment.text;
    if (!text.startsWith('//nolint') && !text.startsWith('//goroscope:')) continue;
    const row = comment.startPosition.row;
    const lineStart = file.lineStarts[row] ?? 0;
    const before = file.source.slice(lineStart, comment.startIndex).trim();
    let target = row + 1;
    if (before === '') {
      // Own line: covers the next line that is not another comment.
      target = row + 2;
      const lines = file.lineStarts.length;
      while (target <= lines) {
        const start = file.lineStarts[target - 1] ?? 0;
        const end = file.lineStarts[target] ?? file.source.length;
        const lineText = file.source.slice(start, end).trim();
        if (lineText !== '' && !lineText.startsWith('//')) break;
        target++;
      }
    }
    const base = { file: file.path, line: row + 1, column: comment.startPosition.column + 1, target, used: false };
    if (text.startsWith('//nolint')) {
      const match = /^\/\/nolint(?::([\w,-]+))?(?:\s|$)/.exec(text);
      if (!match) continue; // someone else's syntax; not ours to judge
      const names = match[1]?.split(',').filter((name) => name !== '') ?? [];
      if (names.length === 0) {
        out.push({ ...base, rules: new Set(['*']), ours: false });
        continue;
      }
      const mine = names.filter((name) => name === 'goroscope' || knownRules.has(name));
      if (mine.length === 0) continue;
      out.push({ ...base, rules: new Set(mine.map((name) => (name === 'goroscope' ? '*' : name))), ours: true });
      continue;
    }
    const ignore = /^\/\/goroscope:ignore(?:\s+(\S+))?(?:\s+(.*))?$/.exec(text);
    if (!ignore) {
      out.push({
        ...base,
        rules: new Set(),
        ours: true,
        problem: `unknown goroscope directive "${text}"; use //goroscope:ignore <rule> <reason>`,
      });
      continue;
    }
    const rule = ignore[1];
    const reason = ignore[2]?.trim() ?? '';
    if (rule === undefined) {
      out.push({ ...base, rules: new Set(), ours: true, problem: 'goroscope:ignore needs a rule name and a reason' });
    } else if (rule !== 'all' && !knownRules.has(rule)) {
      out.push({ ...base, rules: new Set(), ours: true, problem: `goroscope:ignore names unknown rule "${rule}"` });
    } else if (reason === '') {
      out.push({
        ...base,
        rules: new Set(),
        ours: true,
        problem: `goroscope:ignore ${rule} needs a reason after the rule name`,
      });
    } else {
      out.push({ ...base, rules: new Set([rule === 'all' ? '*' : rule]), ours: true });
    }
  }
  return out;
}
