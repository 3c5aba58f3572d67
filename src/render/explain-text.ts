// Terminal report for `explain`: the diagnosis first (what, where, why, fix), then the goroutine groups.
import { deferredReleaseSentence } from './deferred-sentence.js';
import type { GoroutineGroup, Crash, ExplainResult, Location, CrashSource } from '../model.js';
import { distinctCrashesToText, shownDistinctCrashes } from './distinct-crashes.js';
import { toolReportToText } from './tool-reports.js';
import { racesToText } from './race-report.js';
import { codeFrame, indentLines, sanitize, style, wrap, type Style } from './text-style.js';
import { blameSentence } from './blame.js';

export interface TextOptions {
  color: boolean;
  /** Show at most this many goroutine groups per crash (the rest are summarised). */
  maxGroups?: number;
  width?: number;
}

const DEFAULT_MAX_BUCKETS = 10;

export function locationText(location: Location): string {
  return `${sanitize(location.function)}  ${sanitize(location.file)}:${location.line}`;
}

function minutes(range: [number, number]): string {
  const [min, max] = range;
  if (max === 0) return '';
  return min === max ? `, ${min} min` : `, ${min}-${max} min`;
}

/** ` {k: v, ...}` for pprof labels, as Go >= 1.27 prints them in goroutine headers; '' without labels. */
function labelsText(labels: Record<string, string> | undefined): string {
  if (labels === undefined) return '';
  const pairs = Object.entries(labels).map(([k, v]) => `${k}: ${v}`);
  return pairs.length === 0 ? '' : ` {${sanitize(pairs.join(', '))}}`;
}

function groupLine(group: GoroutineGroup, s: Style, named: number | null): string {
  const count = String(group.count).padStart(7);
  const state = `[${sanitize(group.state)}${group.leaked === true ? ' (leaked)' : ''}${minutes(group.waitMinutes)}]`;
  const where = group.culprit ? locationText(group.culprit) : s.dim('(runtime or standard library only)');
  const mark = group.crashing && named !== null ? s.red(` <- goroutine ${named}`) : '';
  return `  ${count} x ${state.padEnd(28)} ${where}${s.dim(labelsText(group.labels))}${mark}`;
}

function sourceText(source: CrashSource): string {
  const stream = source.stream === undefined ? '' : ` (${sanitize(source.stream)})`;
  return `${source.file}${stream}, lines ${source.startLine}-${source.endLine}`;
}

/** `:12` or `:12-40` after a file name, for a skipped part; nothing when the whole input was skipped. */
function skippedLines(skipped: { inputLine: number; lastLine?: number }): string {
  if (skipped.inputLine <= 0) return '';
  return skipped.lastLine === undefined ? `:${skipped.inputLine}` : `:${skipped.inputLine}-${skipped.lastLine}`;
}

function crashToText(crash: Crash, index: number, total: number, options: TextOptions): string {
  const s = style(options.color);
  const width = options.width ?? 100;
  const out: string[] = [];
  const heading = total > 1 ? `Crash ${index + 1} of ${total}: ` : '';
  const fingerprint = crash.fingerprint === undefined ? '' : ` ${crash.fingerprint}`;
  out.push(s.bold(s.red(`${heading}${crash.title}`)) + s.dim(`  [${crash.kind}]${fingerprint}`));
  out.push(`  ${sanitize(crash.message)}`);
  out.push(s.dim(`  in ${sourceText(crash.source)}; Go ${crash.goVersion}`));
  const occurrences = crash.occurrences ?? 1;
  if (occurrences > 1 && crash.lastSource !== undefined) {
    out.push(s.dim(`  seen ${occurrences} times, identical; the last in ${sourceText(crash.lastSource)}`));
  }
  out.push('');

  if (crash.culprit) {
    const who = crash.goroutine === null ? '' : `goroutine ${crash.goroutine} `;
    out.push(`  ${s.bold('Where')}: ${who}at ${s.cyan(locationText(crash.culprit))}`);
    if (crash.culpritContext) out.push(codeFrame(crash.culpritContext, s));
    for (const hazard of crash.hazards ?? []) {
      out.push(
        wrap(
          `${s.bold('Lint')}: ${s.yellow(hazard.rule)} flags this line: ${sanitize(hazard.message)} ` +
            `(docs/rules/${hazard.rule}.md)`,
          width,
          '  ',
          '    ',
        ),
      );
    }
    const deferred = crash.deferredRelease;
    if (deferred !== undefined) {
      out.push(wrap(`${s.bold('Deferred')}: ${deferredReleaseSentence(deferred, sanitize)}`, width, '  ', '    '));
      for (const hazard of deferred.hazards ?? []) {
        out.push(
          wrap(
            `${s.bold('Lint')}: ${s.yellow(hazard.rule)} flags line ${hazard.line}: ${sanitize(hazard.message)} ` +
              `(docs/rules/${hazard.rule}.md)`,
            width,
            '  ',
            '    ',
          ),
        );
      }
    }
  } else if (crash.goroutine !== null) {
    out.push(
      `  ${s.bold('Where')}: goroutine ${crash.goroutine} (no frame outside the Go runtime and standard library)`,
    );
  }
  if (crash.test !== undefined)
    out.push(wrap(`${s.bold('Test')}: ${blameSentence(crash.test, sanitize)}`, width, '  ', '    '));
  // A dump is not a failure (a pprof debug=2 dump leaves the program running), so recover() has nothing to say.
  if (crash.kind !== 'goroutine_dump') {
    out.push(
      `  ${s.bold('recover()')}: ${
        crash.recoverable
          ? 'a deferred recover() in the failing goroutine could have caught this panic'
          : s.yellow('cannot catch this; the runtime ends the program')
      }`,
    );
  }
  out.push('');
  out.push(`  ${s.bold('What happened')}`);
  out.push(wrap(crash.explanation, width, '    '));
  if (crash.advice.length > 0) {
    out.push('');
    for (const advice of crash.advice) out.push(wrap(`! ${advice}`, width, '    ', '      '));
  }
  if (crash.waiters.length > 0) {
    out.push('');
    out.push(`  ${s.bold('Who waits on what')}`);
    for (const waiter of crash.waiters.slice(0, 20)) {
      const where = waiter.culprit ? locationText(waiter.culprit) : '(runtime only)';
      out.push(`    goroutine ${waiter.goroutine} [${sanitize(waiter.state)}] ${where}`);
    }
    if (crash.waiters.length > 20) out.push(s.dim(`    ... and ${crash.waiters.length - 20} more`));
  }
  if (crash.otherSide.length > 0) {
    out.push('');
    out.push(`  ${s.bold('Also running user code')} (one of these may be the other side of the race):`);
    for (const other of crash.otherSide.slice(0, 10)) {
      const where = other.culprit ? locationText(other.culprit) : '';
      out.push(`    goroutine ${other.goroutine} [${sanitize(other.state)}] ${s.cyan(where)}`);
    }
  }
  // The first fix in full; the others by title, to keep the terminal report short.
  const [firstFix, ...otherFixes] = crash.fixes;
  if (firstFix) {
    out.push('');
    out.push(`  ${s.bold(s.green('Fix'))}: ${firstFix.title}`);
    out.push(indentLines(firstFix.code, '      '));
  }
  if (otherFixes.length > 0) {
    out.push('');
    out.push(`  ${s.bold('Other fixes')} (code in --format markdown or json):`);
    for (const fix of otherFixes) out.push(wrap(`- ${fix.title}`, width, '    ', '      '));
  }

  if (crash.groups.length > 0) {
    const max = options.maxGroups ?? DEFAULT_MAX_BUCKETS;
    out.push('');
    out.push(
      `  ${s.bold('Goroutines')}: ${crash.goroutineCount} in ${crash.groups.length} group(s) with the same stack`,
    );
    for (const group of crash.groups.slice(0, max)) out.push(groupLine(group, s, crash.goroutine));
    if (crash.groups.length > max) {
      const rest = crash.groups.slice(max).reduce((sum, b) => sum + b.count, 0);
      out.push(
        s.dim(`    ... ${crash.groups.length - max} more group(s), ${rest} goroutine(s) (--format json lists all)`),
      );
    }
  }
  if (crash.leaks.length > 0) {
    out.push('');
    const proven = crash.leaks.some((leak) => leak.proven);
    out.push(`  ${s.bold(s.yellow(proven ? 'Leaks (proven by the Go runtime first)' : 'Leak suspects'))}`);
    for (const leak of crash.leaks.slice(0, 10)) {
      const where = leak.culprit ? locationText(leak.culprit) : '(runtime only)';
      const state = `${sanitize(leak.state)}${leak.proven ? ' (leaked)' : ''}${minutes(leak.waitMinutes)}`;
      out.push(`    ${leak.count} x [${state}] ${where}${labelsText(leak.labels)}`);
      out.push(s.dim(wrap(leak.reason, width, '      ')));
    }
  }
  if (crash.skipped.length > 0 || crash.truncated) {
    out.push('');
    if (crash.truncated)
      out.push(s.yellow('  The log ends before this traceback does; the last goroutine may be incomplete.'));
    if (crash.skipped.length > 0)
      out.push(
        s.yellow(
          `  ${crash.skipped.length} unreadable block(s) skipped (first at line ${crash.skipped[0]?.inputLine}).`,
        ),
      );
  }
  if (crash.links.length > 0) {
    out.push('');
    out.push(`  ${s.dim('Learn more: ' + crash.links.map((link) => link.url).join('  '))}`);
  }
  return out.join('\n');
}

export function explainToText(result: ExplainResult, options: TextOptions): string {
  const s = style(options.color);
  const parts: string[] = [];
  const { crashes, races } = result;
  const tools = result.toolReports ?? [];
  if (crashes.length === 0 && races.length === 0 && tools.length === 0) {
    const read = result.inputs.map((input) => input.file).join(', ');
    parts.push(`No Go panic, fatal error, goroutine dump or data race found in ${read || 'the input'}.`);
  }
  crashes.forEach((crash, i) => parts.push(crashToText(crash, i, crashes.length, options)));
  if (races.length > 0) parts.push(racesToText(races, { color: options.color }));
  for (const report of tools) parts.push(toolReportToText(report, options.color, options.width));
  const groups = shownDistinctCrashes(result);
  if (groups.length > 0) parts.push(distinctCrashesToText(groups, options.color));
  if (result.skipped.length > 0) {
    parts.push(
      s.yellow(`Skipped ${result.skipped.length} input(s) or part(s): `) +
        result.skipped
          .slice(0, 5)
          .map((x) => `${x.file}${skippedLines(x)}: ${x.reason}`)
          .join('; '),
    );
  }
  return parts.join('\n\n' + s.dim('─'.repeat(60)) + '\n\n') + '\n';
}
