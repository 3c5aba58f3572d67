// `goroscope test|stress --format junit`: JUnit XML as Jenkins and GitLab read it (docs/schemas/junit.xsd is the
// subset written here). One testsuite per Go package and one testcase per Go test seen in any run. A test that
// failed in some runs only is a failure of type "flaky" whose message gives its failure rate; a race or crash
// is a failure of the test it is attributed to. Races and crashes no test can be named for, and failed runs
// nothing explains, become testcases of a "goroscope" suite, so nothing found is missing from the report.
import type { Race, StressCrash, StressRace, StressResult, TestStat } from '../model.js';
import { crashTest } from './responsible-tests.js';
import { racesToText } from './race-report.js';
import { explainToText } from './explain-text.js';
import { xmlAttr, xmlText } from './xml.js';

export interface JunitOptions {
  /** ISO 8601 time the session started, for the testsuite `timestamp` (omitted when absent). */
  timestamp?: string;
}

interface Problem {
  type: string;
  /** The test's own pass/fail record, as opposed to a race or crash charged to it. */
  fromTestResult: boolean;
  message: string;
  details: string;
}

interface Case {
  classname: string;
  name: string;
  problems: Problem[];
  out?: string;
}

const GOROSCOPE_SUITE = 'goroscope';

function percent(failures: number, runs: number): string {
  return runs === 0 ? '0%' : `${Math.round((failures / runs) * 100)}%`;
}

function location(race: Race['current']): string {
  const c = race.culprit;
  return c === null ? 'an unknown place' : `${c.function} (${c.file}:${c.line})`;
}

function raceProblem(race: StressRace, runs: number): Problem {
  const ops =
    `${race.current.op} at ${location(race.current)}, previous ${race.previous.op} at ` + `${location(race.previous)}`;
  return {
    type: 'data race',
    fromTestResult: false,
    message:
      `data race on ${race.object === 'unknown' ? 'shared memory' : `a ${race.object}`}: ${ops}; in ` +
      `${race.runs} of ${runs} run(s), first in run ${race.firstRun}`,
    details: racesToText([race], { color: false }),
  };
}

function crashProblem(crash: StressCrash): Problem {
  const at =
    crash.culprit === null ? '' : ` at ${crash.culprit.function} (${crash.culprit.file}:${crash.culprit.line})`;
  return {
    type: crash.kind,
    fromTestResult: false,
    message: `${crash.title}: ${crash.message}${at}; ${crash.occurrences} time(s), first in run ${crash.firstRun}`,
    details: explainToText(
      { schemaVersion: 2, crashes: [crash], races: [], inputs: [], skipped: [] },
      { color: false },
    ),
  };
}

/**
 * A stable name for a race no test can be named for: its lines in order (which side the detector calls "current"
 * changes from run to run, and CI tools track a testcase by its name).
 */
function raceCaseName(race: Race): string {
  const lines = [...new Set(race.sources.map((s) => `${s.file.slice(s.file.lastIndexOf('/') + 1)}:${s.line}`))].sort();
  return lines.length === 0 ? `data race on ${race.object}` : `data race at ${lines.join(' and ')}`;
}

/** Of tests with the same name in several packages, those whose package is on the race's stacks. */
function inRacePackages(race: Race, cases: Case[]): Case[] {
  if (cases.length < 2) return cases;
  const functions = [race.current, race.previous].flatMap((side) => [...side.frames, ...(side.createdAt ?? [])]);
  const onStack = cases.filter((c) => functions.some((f) => f.function.startsWith(`${c.classname}.`)));
  return onStack.length > 0 ? onStack : cases;
}

function testProblem(test: TestStat): Problem | undefined {
  if (test.failures === 0) return undefined;
  const always = test.failures === test.runs;
  const first = test.firstFailedRun === undefined ? '' : `, first in run ${test.firstFailedRun}`;
  const rate = `failed in ${test.failures} of ${test.runs} run(s) (${percent(test.failures, test.runs)})${first}`;
  return {
    type: always ? 'failed' : 'flaky',
    fromTestResult: true,
    message: always ? rate : `flaky: ${rate}`,
    details: rate,
  };
}

function caseXml(c: Case): string {
  const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"`;
  // The race or crash first: it is why the test failed (a test with a race fails as "race detected").
  const problems = [...c.problems].sort((a, b) => Number(a.fromTestResult) - Number(b.fromTestResult));
  const [first] = problems;
  if (first === undefined && c.out === undefined) return `${open}/>`;
  const out = [`${open}>`];
  if (first !== undefined) {
    // One failure element per testcase: GitLab shows only the first, so every problem goes into it.
    const message = problems.map((p) => p.message).join('; ');
    const body = problems.map((p) => p.details.trimEnd()).join('\n\n');
    out.push(`      <failure type="${xmlAttr(first.type)}" message="${xmlAttr(message)}">${xmlText(body)}</failure>`);
  }
  if (c.out !== undefined) out.push(`      <system-out>${xmlText(c.out)}</system-out>`);
  out.push('    </testcase>');
  return out.join('\n');
}

/** The JUnit XML report of a `test`/`stress` session. */
export function stressToJunit(result: StressResult, options: JunitOptions = {}): string {
  const suites = new Map<string, Case[]>();
  const suite = (name: string): Case[] => {
    let cases = suites.get(name);
    if (cases === undefined) {
      cases = [];
      suites.set(name, cases);
    }
    return cases;
  };
  // Test cases in package then name order, whatever the order of the failure-rate table.
  const byName = new Map<string, Case[]>();
  const byPackageAndName = new Map<string, Case>();
  const tests = [...result.tests].sort((a, b) => a.package.localeCompare(b.package) || a.name.localeCompare(b.name));
  for (const test of tests) {
    const problem = testProblem(test);
    const c: Case = { classname: test.package, name: test.name, problems: problem === undefined ? [] : [problem] };
    suite(test.package).push(c);
    byPackageAndName.set(`${test.package}\u0000${test.name}`, c);
    const named = byName.get(test.name);
    if (named === undefined) byName.set(test.name, [c]);
    else named.push(c);
  }
  const orphans = suite(GOROSCOPE_SUITE);
  for (const race of result.races) {
    const problem = raceProblem(race, result.runs);
    let placed = false;
    for (const name of race.tests) {
      // A subtest nobody printed a result line for is charged to its top-level test.
      const cases = inRacePackages(race, byName.get(name) ?? byName.get(name.split('/')[0] ?? name) ?? []);
      for (const c of cases) if (!c.problems.includes(problem)) c.problems.push(problem);
      placed ||= cases.length > 0;
    }
    if (!placed) orphans.push({ classname: GOROSCOPE_SUITE, name: raceCaseName(race), problems: [problem] });
  }
  for (const crash of result.crashes) {
    const problem = crashProblem(crash);
    const test = crashTest(crash);
    const c =
      test === undefined
        ? undefined
        : (byPackageAndName.get(`${test.package}\u0000${test.name}`) ?? byName.get(test.name)?.[0]);
    if (c !== undefined) c.problems.push(problem);
    else if (test !== undefined)
      suite(test.package).push({ classname: test.package, name: test.name, problems: [problem] });
    else orphans.push({ classname: GOROSCOPE_SUITE, name: `${crash.kind} crash`, problems: [problem] });
  }
  for (const failure of result.unexplainedFailures) {
    orphans.push({
      classname: GOROSCOPE_SUITE,
      name: `run ${failure.run}`,
      problems: [
        {
          type: 'failed run',
          fromTestResult: false,
          message:
            `run ${failure.run} failed (exit ${failure.exitCode ?? 'signal'}) without a race, crash or ` +
            `failing test`,
          details: failure.lastLines.join('\n'),
        },
      ],
    });
  }
  // A command that printed no Go test results still gets one testcase, so CI sees the session ran.
  if (suites.size === 1 && orphans.length === 0) {
    orphans.push({
      classname: GOROSCOPE_SUITE,
      name: result.command.join(' '),
      problems: [],
      out: `${result.runs} run(s) clean`,
    });
  }
  if (orphans.length === 0) suites.delete(GOROSCOPE_SUITE);

  const seconds = (result.elapsedMs / 1000).toFixed(3);
  let total = 0;
  let failed = 0;
  const body: string[] = [];
  // Packages in name order, the goroscope suite last.
  const ordered = [...suites].sort(
    ([a], [b]) => Number(a === GOROSCOPE_SUITE) - Number(b === GOROSCOPE_SUITE) || a.localeCompare(b),
  );
  for (const [name, cases] of ordered) {
    const failures = cases.filter((c) => c.problems.length > 0).length;
    total += cases.length;
    failed += failures;
    const stamp = options.timestamp === undefined ? '' : ` timestamp="${xmlAttr(options.timestamp)}"`;
    body.push(
      `  <testsuite name="${xmlAttr(name)}" tests="${cases.length}" failures="${failures}" errors="0" ` +
        `skipped="0"${stamp}>`,
      '    <properties>',
      `      <property name="goroscope.command" value="${xmlAttr(result.command.join(' '))}"/>`,
      `      <property name="goroscope.runs" value="${result.runs}"/>`,
      `      <property name="goroscope.interrupted" value="${result.interrupted}"/>`,
      '    </properties>',
      ...cases.map(caseXml),
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="goroscope" tests="${total}" failures="${failed}" errors="0" time="${seconds}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
