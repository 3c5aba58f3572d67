// Race sections of the text and Markdown reports: what raced, both accesses with their user frames and
// creation sites, the tests it was reported in, why it is a bug, and the fixes.
import type { AccessSide, Location, Race } from '../model.js';
import { codeBlock, escapeMarkdown, inlineCode } from './markdown-syntax.js';
import { codeFrame, indentLines, sanitize, style, wrap, type Style } from './text-style.js';
import { raceBlame } from './blame.js';

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
    const isCulprit =
      culprit !== null &&
      frame.file === culprit.file &&
      frame.line === culprit.line &&
      frame.function === culprit.function;
    out.push(isCulprit ? `${indent}${s.cyan(loc(frame))}` : s.dim(`${indent}${loc(frame)}`));
  }
  if (frames.length > MAX_FRAMES) out.push(s.dim(`${indent}... ${frames.length - MAX_FRAMES} more frame(s)`));
  return out;
}

function raceHeadline(race: Race): string {
  const ops = race.accessPairs.join(', ');
  return `Data race on ${race.object === 'unknown' ? 'shared memory' : `a ${race.object}`} (${ops})`;
}

function sideText(side: AccessSide, previous: boolean, s: Style): string[] {
  const out: string[] = [];
  const at =
    side.culprit === null
      ? s.yellow('stack not available (the race detector no longer had it)')
      : s.cyan(loc(side.culprit));
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
    const blame = raceBlame(race.tests, race.bystanders, sanitize);
    out.push(`  ${seen}${blame === '' ? '' : `, ${blame}`}`);
    if (race.location !== undefined) out.push(s.dim(`  ${sanitize(race.location)}`));
    out.push('');
    out.push(...sideText(race.current, false, s));
    out.push(...sideText(race.previous, true, s));
    if (race.contexts !== undefined) {
      for (const context of race.contexts) {
        out.push('');
        out.push(s.dim(`    ${sanitize(context.localFile)}`));
        out.push(codeFrame(context, s));
      }
    }
    out.push('');
    out.push(`  ${s.bold('What happened')}`);
    out.push(wrap(sanitize(race.explanation), 100, '    '));
    for (const fix of race.fixes) {
      out.push('');
      out.push(`  ${s.bold(s.green('Fix'))}: ${fix.title}`);
      out.push(indentLines(fix.code, '      '));
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
    const blame = raceBlame(race.tests, race.bystanders, inlineCode);
    out.push(`${seen}${blame === '' ? '' : `, ${blame}`}.`);
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
