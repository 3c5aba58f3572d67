// Markdown report for `explain`, made to be pasted into an issue or a pull request.
import { deferredReleaseSentence } from './deferred-sentence.js';
import { distinctCrashesToMarkdown, shownDistinctCrashes } from './distinct-crashes.js';
import { toolReportToMarkdown } from './tool-reports.js';
import type { Crash, ExplainResult, Location } from '../model.js';
import { codeBlock, escapeMarkdown, inlineCode } from './markdown-syntax.js';
import { racesToMarkdown } from './race-report.js';
import { blameSentence } from './blame.js';

function where(location: Location): string {
  return `${inlineCode(location.function)} at ${inlineCode(`${location.file}:${location.line}`)}`;
}

function crashToMarkdown(crash: Crash): string {
  const out: string[] = [];
  out.push(`## ${escapeMarkdown(crash.title)} (${inlineCode(crash.kind)})`);
  if (crash.fingerprint !== undefined) out.push('', `Fingerprint: ${inlineCode(crash.fingerprint)}`);
  out.push('');
  out.push(codeBlock(crash.message));
  out.push('');
  const occurrences = crash.occurrences ?? 1;
  if (crash.source.stream !== undefined || occurrences > 1) {
    const from = crash.source.stream === undefined ? '' : `**Source:** ${inlineCode(crash.source.stream)}`;
    const seen = occurrences > 1 ? `**Seen:** ${occurrences} times, identical` : '';
    out.push([from, seen].filter((part) => part !== '').join(' · '), '');
  }
  if (crash.culprit) {
    const who = crash.goroutine === null ? '' : `goroutine ${crash.goroutine}, `;
    out.push(`**Where:** ${who}${where(crash.culprit)}`);
    if (crash.culpritContext) {
      const ctx = crash.culpritContext;
      const numbered = ctx.lines.map((line, i) => {
        const n = ctx.firstLine + i;
        return `${n === ctx.focusLine ? '>' : ' '} ${n} | ${line}`;
      });
      out.push('');
      out.push(codeBlock(numbered.join('\n'), 'go'));
    }
    for (const hazard of crash.hazards ?? []) {
      out.push('', `**Lint:** ${inlineCode(hazard.rule)} flags this line: ${escapeMarkdown(hazard.message)}`);
    }
    const deferred = crash.deferredRelease;
    if (deferred !== undefined) {
      out.push('', `**Deferred:** ${deferredReleaseSentence(deferred, inlineCode)}`);
      for (const hazard of deferred.hazards ?? []) {
        out.push(
          '',
          `**Lint:** ${inlineCode(hazard.rule)} flags line ${hazard.line}: ${escapeMarkdown(hazard.message)}`,
        );
      }
    }
    out.push('');
  }
  if (crash.test !== undefined) out.push(`**Test:** ${blameSentence(crash.test, inlineCode)}.`, '');
  if (crash.kind !== 'goroutine_dump') {
    out.push(
      `**recover():** ` +
        (crash.recoverable
          ? 'can catch this panic in the failing goroutine.'
          : 'cannot catch this; the runtime ends the program.'),
    );
  }
  out.push(
    `**Go version (from the format):** ${escapeMarkdown(crash.goVersion)} · **Goroutines:** ${crash.goroutineCount}`,
  );
  out.push('');
  out.push('### What happened');
  out.push('');
  out.push(crash.explanation);
  for (const advice of crash.advice) out.push('', `> ${advice}`);
  if (crash.waiters.length > 0) {
    out.push('', '### Who waits on what', '', '| goroutine | waits on | where |', '|---|---|---|');
    for (const w of crash.waiters.slice(0, 50)) {
      out.push(`| ${w.goroutine} | ${escapeMarkdown(w.state)} | ${w.culprit ? where(w.culprit) : 'runtime only'} |`);
    }
  }
  if (crash.otherSide.length > 0) {
    out.push('', '### Also running user code', '', 'One of these goroutines may be the other side of the race:', '');
    for (const o of crash.otherSide.slice(0, 20))
      out.push(`- goroutine ${o.goroutine} (${escapeMarkdown(o.state)})${o.culprit ? ` at ${where(o.culprit)}` : ''}`);
  }
  for (const fix of crash.fixes) {
    out.push('', `### Fix: ${escapeMarkdown(fix.title)}`, '', codeBlock(fix.code, 'go'));
  }
  if (crash.groups.length > 0) {
    out.push('', `### Goroutines (${crash.goroutineCount} in ${crash.groups.length} groups)`, '');
    out.push('| count | state | wait (min) | first user frame |', '|---:|---|---|---|');
    for (const b of crash.groups.slice(0, 30)) {
      const wait =
        b.waitMinutes[1] === 0
          ? ''
          : b.waitMinutes[0] === b.waitMinutes[1]
            ? `${b.waitMinutes[0]}`
            : `${b.waitMinutes[0]}-${b.waitMinutes[1]}`;
      const mark = b.crashing && crash.goroutine !== null ? ` **(goroutine ${crash.goroutine})**` : '';
      out.push(
        `| ${b.count} | ${escapeMarkdown(b.state)} | ${wait} | ` +
          `${b.culprit ? where(b.culprit) : 'runtime only'}${mark} |`,
      );
    }
    if (crash.groups.length > 30) out.push('', `… and ${crash.groups.length - 30} more groups.`);
  }
  if (crash.leaks.length > 0) {
    out.push('', '### Leak suspects', '');
    for (const leak of crash.leaks.slice(0, 10)) {
      out.push(
        `- **${leak.count}** × ` +
          escapeMarkdown(leak.state) +
          (leak.proven ? ' (leaked, proven by the Go runtime)' : '') +
          (leak.culprit ? ` at ${where(leak.culprit)}` : '') +
          `: ${escapeMarkdown(leak.reason)}`,
      );
    }
  }
  if (crash.links.length > 0) {
    out.push(
      '',
      'Learn more: ' + crash.links.map((link) => `[${escapeMarkdown(link.title)}](${link.url})`).join(' · '),
    );
  }
  return out.join('\n');
}

export function explainToMarkdown(result: ExplainResult): string {
  const parts: string[] = ['# goroscope diagnosis'];
  const tools = result.toolReports ?? [];
  if (result.crashes.length === 0 && result.races.length === 0 && tools.length === 0) {
    parts.push('No Go panic, fatal error, goroutine dump or data race found.');
  }
  for (const crash of result.crashes) parts.push(crashToMarkdown(crash));
  if (result.races.length > 0) parts.push(racesToMarkdown(result.races));
  for (const report of tools) parts.push(toolReportToMarkdown(report));
  const groups = shownDistinctCrashes(result);
  if (groups.length > 0) parts.push(distinctCrashesToMarkdown(groups));
  return parts.join('\n\n') + '\n';
}
