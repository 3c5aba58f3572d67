// Groups race reports into distinct races. Two reports are the same race when their pairs of accesses match:
// the operation and the first user frame of each side, in either order. Addresses and goroutine ids differ
// from run to run and are ignored. One pass over the reports with a map keyed by that pair: O(n).

import type { AccessSide, Frame, Location, Race, SourceContext } from '../model.js';
import { raceKind, type RaceObjectKind, COUNTER_EXPLANATION, counterFix } from '../knowledge/race-advice.js';
import { attributeRace } from './attribution.js';
import type { LineContext, LineSink } from '../input/lines.js';
import { RaceParser, type RaceAccessReport, type RaceGoroutineCreation, type RaceReport } from '../parse/race.js';
import { firstUserFrame, gorootOfFrame, isMapFrame, toLocation, type StdHints } from '../knowledge/std-frames.js';

export interface RaceAnalysisOptions {
  /** The text of a source line, when the file can be found locally (used to tell a field from a variable). */
  readSourceLine?: (file: string, line: number) => string | undefined;
  /** Source lines around a culprit, when the file can be found locally. */
  sourceContext?: (file: string, line: number) => SourceContext | undefined;
  hints?: StdHints;
}

/** Runtime helpers behind append and copy. */
function isSliceFrame(frame: Location): boolean {
  return frame.function === 'runtime.growslice' || frame.function === 'runtime.slicecopy';
}

function culpritOf(frames: readonly Frame[], hints: StdHints | undefined): Frame | null {
  return firstUserFrame(frames, hints);
}

function sideKey(culprit: Frame | null): string {
  return culprit === null ? '?' : `${culprit.function} ${culprit.file}:${culprit.line}`;
}

/**
 * The normalised, order-insensitive pair of racing lines of a report. The operations are left out on purpose:
 * `c.total++` reads and writes, so the race detector reports a read/write and a write/write race on the same
 * line; they are one bug and fold into one race that lists the operation pairs seen.
 */
export function raceKey(report: RaceReport, hints?: StdHints): string {
  const a = sideKey(culpritOf(report.current.frames, hints));
  const previous = report.previous;
  const b = previous === null ? '' : sideKey(culpritOf(previous.frames, hints));
  return a <= b ? `${a} | ${b}` : `${b} | ${a}`;
}

/** `read/write` or `write/write` (a read/read pair is no race). */
function accessPair(report: RaceReport): string {
  const previousOp = report.previous?.op ?? 'write';
  return report.current.op === 'write' && previousOp === 'write' ? 'write/write' : 'read/write';
}

function creationOf(
  creations: readonly RaceGoroutineCreation[],
  goroutine: number | null,
): RaceGoroutineCreation | undefined {
  if (goroutine === null) return undefined;
  for (const c of creations) if (c.goroutine === goroutine) return c;
  return undefined;
}

function toSide(
  access: RaceAccessReport,
  creations: readonly RaceGoroutineCreation[],
  hints: StdHints | undefined,
): AccessSide {
  const culprit = culpritOf(access.frames, hints);
  const side: AccessSide = {
    op: access.op,
    goroutine: access.goroutine,
    culprit: culprit === null ? null : toLocation(culprit),
    frames: access.frames.map(toLocation),
  };
  const creation = creationOf(creations, access.goroutine);
  if (creation !== undefined) {
    side.createdAt = creation.frames.map(toLocation);
    side.goroutineState = creation.state;
  }
  return side;
}

const KEYWORDS = new Set(['return', 'if', 'for', 'switch', 'case', 'go', 'defer', 'select', 'range', 'var', 'func']);

/** What an expression names: `s.ready` -> struct field, `x` -> variable, `a[i]` -> slice. */
function kindOfExpression(expr: string): RaceObjectKind | null {
  const e = expr.trim().replace(/^\*+/, '');
  if (e === '') return null;
  if (e.endsWith(']')) return 'slice';
  if (/^[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)+$/.test(e)) return 'struct field';
  if (/^[A-Za-z_]\w*$/.test(e) && !KEYWORDS.has(e)) return 'variable';
  return null;
}

/** The written expression of an assignment statement, or null. */
function assignedExpression(code: string): string | null {
  const incdec = /^(.*?)(\+\+|--)\s*;?$/.exec(code);
  if (incdec !== null) return incdec[1] ?? null;
  const assign = /^(.*?[^=!<>:+\-*/%&|^])\s*(?:[+\-*/%&|^]|<<|>>|&\^)?=(?!=)/.exec(code);
  if (assign === null) return null;
  const lhs = assign[1] ?? '';
  // `a, b = ...`: we cannot tell which one raced; take none unless all agree.
  const parts = lhs.split(',');
  let kind: string | null = null;
  for (const part of parts) {
    const k = kindOfExpression(part);
    if (k === null || (kind !== null && k !== kind)) return null;
    kind = k;
  }
  return parts.length === 1 ? lhs : (parts[0] ?? null);
}

function stripComment(line: string): string {
  const at = line.indexOf('//');
  return (at === -1 ? line : line.slice(0, at)).trim();
}

interface ObjectGuess {
  kind: RaceObjectKind;
  /** The expression that raced, as written in the source, when known. */
  expression?: string;
  /** `x++`, `x--`, `x += n`, `x -= n` with no sign of a string or a float: a plain counter. */
  counter?: boolean;
}

/**
 * A plain counter update. The line alone does not give the type: `++` is taken as an integer counter (it is
 * legal on floats, but rare there), `+=`/`-=` only when the right-hand side holds no string or float literal.
 */
function isCounterUpdate(code: string): boolean {
  if (/^[^=]*(\+\+|--)\s*;?$/.test(code)) return true;
  const m = /^[^=]*[^=!<>:+\-*/%&|^][+-]=(?!=)(.*)$/.exec(code);
  if (m === null) return false;
  const rhs = m[1] ?? '';
  return !/["'`]/.test(rhs) && !/\d\.\d|\d[eE][+-]?\d|\bfloat(32|64)\b/.test(rhs);
}

/** What raced, from the stacks (map and append/copy helpers) and else from the written source line. */
function objectOf(report: RaceReport, write: AccessSide | undefined, options: RaceAnalysisOptions): ObjectGuess {
  const sides = report.previous === null ? [report.current] : [report.current, report.previous];
  for (const side of sides) {
    const top = side.frames[0];
    if (top !== undefined && isMapFrame(top)) return { kind: 'map' };
  }
  for (const side of sides) {
    const top = side.frames[0];
    if (top !== undefined && isSliceFrame(top)) return { kind: 'slice' };
  }
  if (report.location?.startsWith('Global var ')) return { kind: 'variable' };
  const read = options.readSourceLine ?? lineFromContext(options.sourceContext);
  const culprit = write?.culprit;
  if (read === undefined || culprit === null || culprit === undefined) return { kind: 'unknown' };
  const text = read(culprit.file, culprit.line);
  if (text === undefined) return { kind: 'unknown' };
  const code = stripComment(text);
  if (/\bappend\s*\(/.test(code) || /\bcopy\s*\(/.test(code)) return { kind: 'slice', expression: code };
  const lhs = assignedExpression(code);
  if (lhs === null) return { kind: 'unknown' };
  const kind = kindOfExpression(lhs);
  if (kind === null) return { kind: 'unknown' };
  const guess: ObjectGuess = { kind, expression: lhs.trim() };
  if ((kind === 'variable' || kind === 'struct field') && isCounterUpdate(code)) guess.counter = true;
  return guess;
}

function lineFromContext(
  contextOf: RaceAnalysisOptions['sourceContext'],
): ((file: string, line: number) => string | undefined) | undefined {
  if (contextOf === undefined) return undefined;
  return (file, line) => {
    const context = contextOf(file, line);
    return context === undefined ? undefined : context.lines[line - context.firstLine];
  };
}

function where(loc: Location | null): string {
  if (loc === null) return 'an unknown place (the race detector lost the stack)';
  const slash = loc.file.lastIndexOf('/');
  return `${slash === -1 ? loc.file : loc.file.slice(slash + 1)}:${loc.line}`;
}

function who(side: AccessSide): string {
  return side.goroutine === null ? 'the main goroutine' : `goroutine ${side.goroutine}`;
}

function explain(race: Race, guess: ObjectGuess): string {
  const entry = raceKind(guess.kind);
  const { current, previous } = race;
  const what =
    guess.expression !== undefined
      ? `\`${guess.expression}\` (${race.object})`
      : guess.kind === 'unknown'
        ? 'shared memory'
        : `a ${race.object}`;
  const first =
    `${cap(verb(previous.op))} of ${what} by ${who(previous)} at ${where(previous.culprit)} races with ` +
    `the ${noun(current.op)} by ${who(current)} at ${where(current.culprit)}.`;
  const pairs = race.accessPairs;
  const folded =
    pairs.length > 1
      ? ` The race detector reported it as ${pairs.join(' and ')} races on the same line(s): one bug, shown once.`
      : '';
  if (guess.counter === true) return `${first}${folded} ${COUNTER_EXPLANATION}`;
  const body = pairs.includes('write/write') ? entry.writeWrite : entry.readWrite;
  return `${first}${folded} ${body}`;
}

function verb(op: 'read' | 'write'): string {
  return op === 'read' ? 'the read' : 'the write';
}

function noun(op: 'read' | 'write'): string {
  return op;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** GOROOTs revealed by standard-library frames of the reports (e.g. testing.tRunner), so std frames in
 * any GOROOT are recognised. */
export function learnRaceGoroots(reports: readonly RaceReport[]): string[] {
  const found = new Set<string>();
  const visit = (frames: readonly Frame[]): void => {
    for (const frame of frames) {
      const root = gorootOfFrame(frame);
      if (root !== undefined) found.add(root);
    }
  };
  for (const report of reports) {
    visit(report.current.frames);
    if (report.previous !== null) visit(report.previous.frames);
    for (const c of report.creations) visit(c.frames);
  }
  return [...found];
}

interface Group {
  race: Race;
  report: RaceReport;
  tests: Set<string>;
  isMap: boolean;
}

/** Distinct races in order of first appearance, with occurrences, tests, explanation and fixes. */
export function groupRaces(reports: readonly RaceReport[], options: RaceAnalysisOptions = {}): Race[] {
  const hints: StdHints = options.hints ?? { goroots: learnRaceGoroots(reports) };
  const groups = new Map<string, Group>();
  for (const report of reports) {
    const key = raceKey(report, hints);
    let group = groups.get(key);
    const isMap = hasMapFrame(report);
    if (group === undefined) {
      const current = toSide(report.current, report.creations, hints);
      const previous: AccessSide =
        report.previous === null
          ? // Truncated report: at least one side of a race writes.
            { op: 'write', goroutine: null, culprit: null, frames: [] }
          : toSide(report.previous, report.creations, hints);
      const race: Race = {
        current,
        previous,
        object: 'unknown',
        occurrences: 0,
        accessPairs: [],
        tests: [],
        explanation: '',
        fixes: [],
        links: [],
        sources: [],
      };
      if (report.location !== undefined) race.location = report.location;
      group = { race, report, tests: new Set(), isMap };
      groups.set(key, group);
    }
    group.race.occurrences++;
    const pair = accessPair(report);
    if (!group.race.accessPairs.includes(pair)) {
      group.race.accessPairs.push(pair);
      group.race.accessPairs.sort();
    }
    if (isMap && !group.isMap) {
      // A report of the same pair with the map's own frames says more about what raced than an element access.
      group.isMap = true;
      group.report = report;
    }
    const attribution = attributeRace(report);
    for (const test of attribution?.responsible ?? []) {
      if (group.tests.has(test)) continue;
      group.tests.add(test);
      group.race.tests.push(test);
    }
    const bystander = attribution?.bystander;
    if (bystander !== undefined) {
      const bystanders = (group.race.bystanders ??= []);
      if (!bystanders.includes(bystander)) bystanders.push(bystander);
    }
  }
  // A line that raced on a map's internals also writes the map's element slots (the race detector reports those
  // separately, without map frames): every race at such a line is a map race.
  const mapLines = new Set<string>();
  for (const group of groups.values()) {
    if (!group.isMap) continue;
    for (const side of [group.race.current, group.race.previous]) {
      if (side.culprit !== null) mapLines.add(`${side.culprit.file}:${side.culprit.line}`);
    }
  }
  const races: Race[] = [];
  for (const group of groups.values()) {
    const race = group.race;
    const write = race.current.op === 'write' ? race.current : race.previous.op === 'write' ? race.previous : undefined;
    const onMapLine = write?.culprit != null && mapLines.has(`${write.culprit.file}:${write.culprit.line}`);
    const guess: ObjectGuess = onMapLine ? { kind: 'map' } : objectOf(group.report, write, options);
    const entry = raceKind(guess.kind);
    race.object = guess.kind;
    race.explanation = explain(race, guess);
    // A counter's first fix is an atomic integer; the kind's own fixes follow (without a second atomic one).
    race.fixes =
      guess.counter === true ? [counterFix, ...entry.fixes.filter((f) => !f.code.includes('atomic.'))] : entry.fixes;
    race.links = entry.links;
    for (const side of [race.current, race.previous]) {
      const c = side.culprit;
      if (c !== null && !race.sources.some((s) => s.file === c.file && s.line === c.line)) {
        race.sources.push({ file: c.file, line: c.line });
      }
    }
    if (options.sourceContext !== undefined) {
      const contexts: SourceContext[] = [];
      for (const s of race.sources) {
        const context = options.sourceContext(s.file, s.line);
        if (context !== undefined) contexts.push(context);
      }
      if (contexts.length > 0) race.contexts = contexts;
    }
    races.push(race);
  }
  return races;
}

function hasMapFrame(report: RaceReport): boolean {
  const top = report.current.frames[0];
  if (top !== undefined && isMapFrame(top)) return true;
  const ptop = report.previous?.frames[0];
  return ptop !== undefined && isMapFrame(ptop);
}

/** A LineSink that collects race reports and groups them on demand (used by the explain pipeline). */
export class RaceCollector implements LineSink {
  readonly reports: RaceReport[] = [];
  private readonly parser = new RaceParser((report) => this.reports.push(report));

  line(text: string, lineNo: number, context: LineContext): void {
    this.parser.line(text, lineNo, context);
  }

  end(context: LineContext): void {
    this.parser.end(context);
  }

  /** No report is being read (see RaceParser.idle). */
  idle(): boolean {
    return this.parser.idle();
  }

  /** Distinct races among the reports seen so far. Pass `sourceContext` to classify by source and show it. */
  races(options: RaceAnalysisOptions = {}): Race[] {
    return groupRaces(this.reports, options);
  }
}
