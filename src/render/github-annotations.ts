// `--format github`: GitHub Actions workflow commands (`::error file=F,line=L,title=T::message`) that the runner
// turns into annotations on the pull request's diff. Escaping follows the runner's rules: in the message `%`,
// `\r` and `\n` are percent-encoded; in a property also `:` and `,`, which otherwise end the property.
import type { LintResult, Severity, Crash, ExplainResult, Race, SourceContext, StressResult } from '../model.js';
import { crashTest } from './responsible-tests.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  /** Path relative to the repository root, as GitHub shows files. */
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface AnnotationOptions {
  /**
   * Maps a local file (absolute, or relative to the working directory) to the path GitHub knows it by (relative to
   * the workspace); undefined leaves the annotation without a file.
   */
  path: (file: string) => string | undefined;
}

/** Percent-encoding of a workflow command's message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Percent-encoding of a workflow command's property value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotationLine(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined) props.push(`file=${escapeProperty(a.file)}`);
  if (a.line !== undefined) props.push(`line=${a.line}`);
  if (a.endLine !== undefined) props.push(`endLine=${a.endLine}`);
  if (a.col !== undefined) props.push(`col=${a.col}`);
  if (a.endColumn !== undefined) props.push(`endColumn=${a.endColumn}`);
  if (a.title !== undefined) props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(a.message)}`;
}

export function renderAnnotations(annotations: Annotation[]): string {
  return annotations.map((a) => `${annotationLine(a)}\n`).join('');
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

const LEVEL: Record<Severity, AnnotationLevel> = { error: 'error', warning: 'warning', info: 'notice' };

/** One annotation per lint finding, on the lines it flags. */
export function lintToAnnotations(result: LintResult, options: AnnotationOptions): Annotation[] {
  return result.findings.map((finding) => {
    const a: Annotation = {
      level: LEVEL[finding.severity],
      title: `goroscope ${finding.rule}`,
      message: finding.fix === undefined ? finding.message : `${finding.message}\nFix: ${finding.fix.description}`,
      line: finding.line,
      endLine: finding.endLine,
    };
    const file = options.path(finding.file);
    if (file !== undefined) a.file = file;
    // GitHub ignores columns on annotations that span several lines.
    if (finding.line === finding.endLine) {
      a.col = finding.column;
      a.endColumn = finding.endColumn;
    }
    return a;
  });
}

/**
 * On the local file the source mapping found, else on the printed path when it names a file in the workspace (the
 * log came from this checkout, as in `goroscope test`).
 */
function placed(
  a: Annotation,
  context: SourceContext | undefined,
  printed: { file: string; line: number } | null,
  options: AnnotationOptions,
): Annotation {
  const local = context === undefined ? undefined : options.path(context.localFile);
  if (local !== undefined && context !== undefined) return { ...a, file: local, line: context.focusLine };
  const file = printed === null ? undefined : options.path(printed.file);
  return file === undefined || printed === null ? a : { ...a, file, line: printed.line };
}

function crashAnnotation(crash: Crash, options: AnnotationOptions, prefix = ''): Annotation {
  const at =
    crash.culprit === null ? '' : `\nat ${crash.culprit.function} (${crash.culprit.file}:${crash.culprit.line})`;
  const fix = crash.fixes[0] === undefined ? '' : `\nFix: ${crash.fixes[0].title}`;
  return placed(
    { level: 'error', title: `${prefix}${crash.title}`, message: `${crash.message}${at}${fix}` },
    crash.culpritContext,
    crash.culprit,
    options,
  );
}

function raceAnnotations(race: Race, options: AnnotationOptions, suffix = ''): Annotation[] {
  const what = race.object === 'unknown' ? 'shared memory' : `a ${race.object}`;
  const side = (s: Race['current']): string =>
    s.culprit === null
      ? `${s.op} (stack lost)`
      : `${s.op} at ${s.culprit.function} (${s.culprit.file}:${s.culprit.line})`;
  const tests = race.tests.length === 0 ? '' : `\nReported in ${race.tests.join(', ')}`;
  const fix = race.fixes[0] === undefined ? '' : `\nFix: ${race.fixes[0].title}`;
  const message = `${side(race.current)}\nprevious ${side(race.previous)}${tests}${suffix}${fix}`;
  const title = `Data race on ${what}`;
  // One annotation on each side's line, so the diff shows both halves.
  if (race.sources.length === 0) return [{ level: 'error', title, message }];
  return race.sources.map((source) => {
    const context = race.contexts?.find(
      (c) => c.focusLine === source.line && c.localFile.endsWith(baseName(source.file)),
    );
    return placed({ level: 'error', title, message }, context, source, options);
  });
}

/** Crashes and races found by `explain`. */
export function explainToAnnotations(result: ExplainResult, options: AnnotationOptions): Annotation[] {
  return [
    ...result.crashes.map((crash) => crashAnnotation(crash, options)),
    ...result.races.flatMap((race) => raceAnnotations(race, options)),
  ];
}

/** Failing and flaky tests, races and crashes of a `test`/`stress` session. */
export function stressToAnnotations(result: StressResult, options: AnnotationOptions): Annotation[] {
  const out: Annotation[] = [];
  for (const test of result.tests) {
    if (test.failures === 0) continue;
    const flaky = test.failures < test.runs;
    const rate = `${test.failures} of ${test.runs} run(s)`;
    out.push({
      level: 'error',
      title: `${flaky ? 'Flaky test' : 'Test failed'}: ${test.name}`,
      message:
        `${test.package} ${test.name} failed in ` +
        `${rate}${test.firstFailedRun === undefined ? '' : `, first in run ${test.firstFailedRun}`}`,
    });
  }
  for (const race of result.races)
    out.push(
      ...raceAnnotations(race, options, `\nIn ${race.runs} of ${result.runs} run(s), first in run ${race.firstRun}`),
    );
  for (const crash of result.crashes) {
    const test = crashTest(crash);
    out.push(crashAnnotation(crash, options, test === undefined ? '' : `${test.name}: `));
  }
  for (const failure of result.unexplainedFailures) {
    const tail = failure.lastLines.slice(-5).join('\n');
    out.push({
      level: 'error',
      title: `Run ${failure.run} failed (exit ${failure.exitCode ?? 'signal'})`,
      message: `without a race, crash or failing test; its last lines:\n${tail}`,
    });
  }
  return out;
}
