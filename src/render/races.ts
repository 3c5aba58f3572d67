// Race sections of the text and Markdown reports: what raced, both accesses with their user frames and
// creation sites, the tests it was reported in, why it is a bug, and the fixes.
import type { AccessSide, Location, Race, SourceContext } from '../model.js';
import type { StressResult } from '../run/stress.js';
import { explainToMarkdown } from './markdown.js';
import { sanitize, style, type Style } from './style.js';
// text.ts imports racesToText from here; the cycle is safe because neither module calls the other at load time.
import { explainToText } from './text.js';

const MAX_FRAMES = 8;

function loc(location: Location): string {
  return `${sanitize(location.function)}  ${sanitize(location.file)}:${location.line}`;
}

function who(side: AccessSide): string {
  return side.goroutine === null ? 'main goroutine' : `goroutine ${side.goroutine}`;
}

function sideTitle(side: AccessSide, previous: boolean): string {
  const op = side.op === 'read' ? 'Read' : 'Write';
  const state = side.goroutineState === undefined ? '' : `, ${side.goroutineState}`;
  return `${previous ? `Previous ${op.toLowerCase()}` : op} by ${who(side)}${state}`;
}

function framesText(frames: Location[], culprit: Location | null, s: Style, indent: string): string[] {
  const out: string[] = [];
  for (const frame of frames.slice(0, MAX_FRAMES)) {
    const isCulprit = culprit !== null && frame.file === culprit.file && frame.line === culprit.line && frame.function === culprit.function;
    out.push(isCulprit ? `${indent}${s.cyan(loc(frame))}` : s.dim(`${indent}${loc(frame)}`));
  }
  if (frames.length > MAX_FRAMES) out.push(s.dim(`${indent}... ${frames.length - MAX_FRAMES} more frame(s)`));
  return out;
}

function codeFrame(context: SourceContext, s: Style): string[] {
  const last = context.firstLine + context.lines.length - 1;
  const width = String(last).length;
  const out: string[] = [s.dim(`    ${sanitize(context.localFile)}`)];
  context.lines.forEach((text, i) => {
    const n = context.firstLine + i;
    const line = `    ${n === context.focusLine ? '>' : ' '} ${String(n).padStart(width)} | ${sanitize(text)}`;
    out.push(n === context.focusLine ? s.bold(line) : s.dim(line));
  });
  return out;
}

function indentCode(code: string, indent: string): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n');
}

function wrapText(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

function raceHeadline(race: Race): string {
  const ops = race.current.op === 'write' && race.previous.op === 'write' ? 'write/write' : 'read/write';
  return `Data race on ${race.object === 'unknown' ? 'shared memory' : `a ${race.object}`} (${ops})`;
}

function sideText(side: AccessSide, previous: boolean, s: Style): string[] {
  const out: string[] = [];
  const at = side.culprit === null ? s.yellow('stack not available (the race detector no longer had it)') : s.cyan(loc(side.culprit));
  out.push(`  ${s.bold(sideTitle(side, previous))}: ${at}`);
  out.push(...framesText(side.frames, side.culprit, s, '      '));
  const created = side.createdAt?.[0];
  if (created !== undefined) out.push(s.dim(`    goroutine created at ${loc(created)}`));
  return out;
}

/** The races section of the terminal report. */
export function racesToText(races: Race[], options: { color: boolean }): string {
  const s = style(options.color);
  const parts: string[] = [];
  races.forEach((race, i) => {
    const out: string[] = [];
    const heading = races.length > 1 ? `Race ${i + 1} of ${races.length}: ` : '';
    out.push(s.bold(s.red(`${heading}${raceHeadline(race)}`)));
    const seen = race.occurrences === 1 ? 'reported once' : `reported ${race.occurrences} times`;
    const tests = race.tests.length === 0 ? '' : ` in ${race.tests.map(sanitize).join(', ')}`;
    out.push(`  ${seen}${tests}`);
    if (race.location !== undefined) out.push(s.dim(`  ${sanitize(race.location)}`));
    out.push('');
    out.push(...sideText(race.current, false, s));
    out.push(...sideText(race.previous, true, s));
    if (race.contexts !== undefined) {
      for (const context of race.contexts) {
        out.push('');
        out.push(...codeFrame(context, s));
      }
    }
    out.push('');
    out.push(`  ${s.bold('What happened')}`);
    out.push(wrapText(sanitize(race.explanation), 100, '    '));
    for (const fix of race.fixes) {
      out.push('');
      out.push(`  ${s.bold(s.green('Fix'))}: ${fix.title}`);
      out.push(indentCode(fix.code, '      '));
    }
    if (race.links.length > 0) {
      out.push('');
      out.push(`  ${s.dim('Learn more: ' + race.links.map((link) => link.url).join('  '))}`);
    }
    parts.push(out.join('\n'));
  });
  return parts.join('\n\n');
}

// ---- Markdown ----

function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function codeBlock(code: string, language = ''): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${code}\n${fence}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_{}[\]()#+!|<>~]/g, (ch) => `\\${ch}`);
}

function mdWhere(location: Location | null): string {
  if (location === null) return '_stack not available_';
  return `${inlineCode(location.function)} at ${inlineCode(`${location.file}:${location.line}`)}`;
}

function mdSide(side: AccessSide, previous: boolean): string[] {
  const out = [`- **${sideTitle(side, previous)}**: ${mdWhere(side.culprit)}`];
  if (side.frames.length > 0) {
    out.push('');
    out.push(
      codeBlock(
        side.frames
          .slice(0, MAX_FRAMES)
          .map((f) => `${f.function}\n    ${f.file}:${f.line}`)
          .join('\n'),
      )
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  }
  if (side.createdAt !== undefined && side.createdAt[0] !== undefined) {
    out.push(`  - created at ${mdWhere(side.createdAt[0])}`);
  }
  return out;
}

/** The races section of the Markdown report. */
export function racesToMarkdown(races: Race[]): string {
  const parts: string[] = [];
  for (const race of races) {
    const out: string[] = [];
    out.push(`## ${escapeMarkdown(raceHeadline(race))}`);
    out.push('');
    const seen = race.occurrences === 1 ? 'Reported once' : `Reported ${race.occurrences} times`;
    const tests = race.tests.length === 0 ? '' : ` in ${race.tests.map(inlineCode).join(', ')}`;
    out.push(`${seen}${tests}.`);
    out.push('');
    out.push(...mdSide(race.current, false));
    out.push(...mdSide(race.previous, true));
    if (race.contexts !== undefined) {
      for (const context of race.contexts) {
        out.push('');
        const width = String(context.firstLine + context.lines.length - 1).length;
        const numbered = context.lines.map((line, i) => {
          const n = context.firstLine + i;
          return `${n === context.focusLine ? '>' : ' '} ${String(n).padStart(width)} | ${line}`;
        });
        out.push(`${inlineCode(context.localFile)}:`);
        out.push('');
        out.push(codeBlock(numbered.join('\n')));
      }
    }
    out.push('');
    out.push(escapeMarkdown(race.explanation));
    for (const fix of race.fixes) {
      out.push('');
      out.push(`**Fix: ${escapeMarkdown(fix.title)}**`);
      out.push('');
      out.push(codeBlock(fix.code, 'go'));
    }
    if (race.links.length > 0) {
      out.push('');
      out.push(race.links.map((link) => `[${escapeMarkdown(link.title)}](${link.url})`).join(' · '));
    }
    parts.push(out.join('\n'));
  }
  return parts.join('\n\n');
}

// ---- `goroscope test` / `goroscope stress` reports ----

function percent(failures: number, runs: number): string {
  return runs === 0 ? '0%' : `${Math.round((failures / runs) * 100)}%`;
}

function summaryLine(result: StressResult): string {
  const failingTests = result.tests.filter((t) => t.failures > 0).length;
  const parts = [
    `${result.runs} run(s)`,
    `${result.races.length} distinct race(s)`,
    `${result.crashes.length} distinct crash(es)`,
    `${failingTests} failing test(s)`,
  ];
  return parts.join(', ') + (result.interrupted ? ' (interrupted)' : '');
}

/** Terminal report of a `test`/`stress` session: summary, flaky tests, races, crashes, unexplained failures. */
export function stressToText(result: StressResult, options: { color: boolean }): string {
  const s = style(options.color);
  const out: string[] = [];
  out.push(s.bold(`goroscope: ${sanitize(result.command.join(' '))}`));
  out.push(`  ${summaryLine(result)}`);
  const failing = result.tests.filter((t) => t.failures > 0);
  if (failing.length > 0) {
    out.push('');
    out.push(s.bold('Failing tests'));
    for (const t of failing) {
      const first = t.firstFailedRun === undefined ? '' : s.dim(`  first failed in run ${t.firstFailedRun}`);
      out.push(`  ${`${t.failures}/${t.runs}`.padStart(7)} ${percent(t.failures, t.runs).padStart(4)}  ${sanitize(t.package)} ${s.bold(sanitize(t.name))}${first}`);
    }
  }
  const sections: string[] = [];
  result.races.forEach((race, i) => {
    const seen = s.dim(`  first seen in run ${race.firstRun}; in ${race.runs} of ${result.runs} run(s)`);
    const number = result.races.length > 1 ? `${s.dim(`[${i + 1}/${result.races.length}]`)} ` : '';
    sections.push(`${number}${racesToText([race], options)}\n${seen}`);
  });
  result.crashes.forEach((crash) => {
    const text = explainToText({ schemaVersion: 1, crashes: [crash], races: [], inputs: [], skipped: [] }, { color: options.color });
    sections.push(`${text.trimEnd()}\n${s.dim(`  first seen in run ${crash.firstRun}; ${crash.occurrences} time(s) in all`)}`);
  });
  for (const failure of result.unexplainedFailures.slice(0, 3)) {
    const lines = failure.lastLines.map((line) => s.dim(`    ${sanitize(line)}`));
    sections.push(`${s.bold(s.yellow(`Run ${failure.run} failed (exit ${failure.exitCode ?? 'signal'})`))} without a race, crash or failing test; its last lines:\n${lines.join('\n')}`);
  }
  if (result.unexplainedFailures.length > 3) sections.push(s.dim(`... and ${result.unexplainedFailures.length - 3} more failed run(s)`));
  for (const section of sections) {
    out.push('');
    out.push(section);
  }
  if (sections.length === 0 && failing.length === 0) {
    out.push('');
    out.push(s.green(`All ${result.runs} run(s) clean.`));
  }
  return out.join('\n') + '\n';
}

/** Markdown report of a `test`/`stress` session. */
export function stressToMarkdown(result: StressResult): string {
  const out: string[] = [];
  out.push(`# goroscope: ${inlineCode(result.command.join(' '))}`);
  out.push('');
  out.push(`${summaryLine(result)}.`);
  if (result.tests.length > 0) {
    out.push('');
    out.push('| Package | Test | Failures | Runs | Rate | First failed in run |');
    out.push('| --- | --- | ---: | ---: | ---: | ---: |');
    for (const t of result.tests) {
      if (t.failures === 0) continue;
      out.push(`| ${inlineCode(t.package)} | ${inlineCode(t.name)} | ${t.failures} | ${t.runs} | ${percent(t.failures, t.runs)} | ${t.firstFailedRun ?? ''} |`);
    }
  }
  if (result.races.length > 0) {
    out.push('');
    for (const race of result.races) {
      out.push(racesToMarkdown([race]));
      out.push('');
      out.push(`_First seen in run ${race.firstRun}; in ${race.runs} of ${result.runs} run(s)._`);
      out.push('');
    }
  }
  if (result.crashes.length > 0) {
    out.push('');
    out.push(explainToMarkdown({ schemaVersion: 1, crashes: result.crashes, races: [], inputs: [], skipped: [] }).trimEnd());
  }
  for (const failure of result.unexplainedFailures.slice(0, 3)) {
    out.push('');
    out.push(`## Run ${failure.run} failed (exit ${failure.exitCode ?? 'signal'}) without a race, crash or failing test`);
    out.push('');
    out.push(codeBlock(failure.lastLines.join('\n')));
  }
  return out.join('\n').trimEnd() + '\n';
}

/** JSON report of a `test`/`stress` session: `{ schemaVersion, command, runs, tests, races, crashes, ... }`. */
export function stressToJson(result: StressResult): string {
  const tests = result.tests.map((t) => ({ package: t.package, name: t.name, runs: t.runs, failures: t.failures, firstFailedRun: t.firstFailedRun ?? null }));
  return JSON.stringify({ schemaVersion: 1, ...result, tests }, null, 2) + '\n';
}
