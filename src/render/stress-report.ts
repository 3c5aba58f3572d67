// The report of a `goroscope test` / `goroscope stress` session: runs, per-test failure rates, each distinct race
// and crash once with the run it first appeared in, and failures nothing explains.
import type { StressResult } from '../model.js';
import { explainToMarkdown } from './explain-markdown.js';
import { codeBlock, inlineCode } from './markdown-syntax.js';
import { racesToMarkdown, racesToText } from './race-report.js';
import { sanitize, style } from './text-style.js';
import { explainToText } from './explain-text.js';
import { flakeHuntingLines } from './flakes.js';

function percent(failures: number, runs: number): string {
  return runs === 0 ? '0%' : `${Math.round((failures / runs) * 100)}%`;
}

/** Runs that ran to their end (a run stopped by Ctrl-C is counted in `runs` but did not complete). */
function completedRuns(result: StressResult): number {
  return result.runResults.filter((run) => !run.interrupted).length;
}

function summaryLine(result: StressResult): string {
  const failingTests = result.tests.filter((t) => t.failures > 0).length;
  const parts = [
    `${result.runs} run(s)`,
    `${result.races.length} distinct race(s)`,
    `${result.crashes.length} distinct crash(es)`,
    `${failingTests} failing test(s)`,
  ];
  return (
    parts.join(', ') + (result.interrupted ? ` (interrupted after ${completedRuns(result)} completed run(s))` : '')
  );
}

/** The responsible tests of the races `test` was a bystander of (it was running when they were reported). */
function bystanderOf(result: StressResult, test: string): string[] {
  const blamed = new Set<string>();
  for (const race of result.races) {
    if (race.bystanders?.includes(test) === true && !race.tests.includes(test)) {
      for (const responsible of race.tests) blamed.add(sanitize(responsible));
    }
  }
  return [...blamed];
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
      const blamed = bystanderOf(result, t.name);
      const note = blamed.length === 0 ? '' : s.dim(`  (bystander: failed for a race caused by ${blamed.join(', ')})`);
      out.push(
        `  ${`${t.failures}/${t.runs}`.padStart(7)} ${percent(t.failures, t.runs).padStart(4)}  ` +
          `${sanitize(t.package)} ${s.bold(sanitize(t.name))}${first}${note}`,
      );
    }
  }
  const flakes = flakeHuntingLines(result);
  if (flakes.length > 0) out.push('', ...flakes.map((line) => `  ${sanitize(line)}`));
  const sections: string[] = [];
  result.races.forEach((race, i) => {
    const seen = s.dim(`  first seen in run ${race.firstRun}; in ${race.runs} of ${result.runs} run(s)`);
    const number = result.races.length > 1 ? `${s.dim(`[${i + 1}/${result.races.length}]`)} ` : '';
    sections.push(`${number}${racesToText([race], options)}\n${seen}`);
  });
  result.crashes.forEach((crash) => {
    const text = explainToText(
      { schemaVersion: 2, crashes: [crash], races: [], inputs: [], skipped: [] },
      { color: options.color },
    );
    sections.push(
      `${text.trimEnd()}\n${s.dim(`  first seen in run ${crash.firstRun}; ${crash.occurrences} time(s) in all`)}`,
    );
  });
  for (const failure of result.unexplainedFailures.slice(0, 3)) {
    const lines = failure.lastLines.map((line) => s.dim(`    ${sanitize(line)}`));
    sections.push(
      `${s.bold(s.yellow(`Run ${failure.run} failed (exit ${failure.exitCode ?? 'signal'})`))} without a race, ` +
        `crash or failing test; its last lines:\n${lines.join('\n')}`,
    );
  }
  if (result.unexplainedFailures.length > 3)
    sections.push(s.dim(`... and ${result.unexplainedFailures.length - 3} more failed run(s)`));
  for (const section of sections) {
    out.push('');
    out.push(section);
  }
  if (sections.length === 0 && failing.length === 0 && (result.leaks?.length ?? 0) === 0) {
    out.push('');
    // An interrupted session proves nothing clean: say how far it got.
    out.push(
      result.interrupted
        ? s.yellow(`Interrupted after ${completedRuns(result)} completed run(s); nothing found so far.`)
        : s.green(`All ${result.runs} run(s) clean.`),
    );
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
      out.push(
        `| ${inlineCode(t.package)} | ${inlineCode(t.name)} | ${t.failures} | ${t.runs} | ` +
          `${percent(t.failures, t.runs)} | ${t.firstFailedRun ?? ''} |`,
      );
    }
  }
  const flakes = flakeHuntingLines(result, inlineCode);
  if (flakes.length > 0) out.push('', ...flakes.map((line) => (line.startsWith('  ') ? `- ${line.trim()}` : line)));
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
    out.push(
      explainToMarkdown({ schemaVersion: 2, crashes: result.crashes, races: [], inputs: [], skipped: [] }).trimEnd(),
    );
  }
  for (const failure of result.unexplainedFailures.slice(0, 3)) {
    out.push('');
    out.push(
      `## Run ${failure.run} failed (exit ${failure.exitCode ?? 'signal'}) without a race, crash or failing test`,
    );
    out.push('');
    out.push(codeBlock(failure.lastLines.join('\n')));
  }
  return out.join('\n').trimEnd() + '\n';
}

/** JSON report of a `test`/`stress` session: `{ schemaVersion, command, runs, tests, races, crashes, ... }`. */
export function stressToJson(result: StressResult): string {
  const tests = result.tests.map((t) => ({
    package: t.package,
    name: t.name,
    runs: t.runs,
    failures: t.failures,
    firstFailedRun: t.firstFailedRun ?? null,
  }));
  return JSON.stringify({ schemaVersion: 2, ...result, tests }, null, 2) + '\n';
}
