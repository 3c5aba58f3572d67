// The flake-hunting part of a `test`/`stress` report: runs that hung past --timeout (and where their goroutines
// were stuck), runs left running for a debugger, runs ignored by --ignore, the failure rate under each
// --perturb setting, and tests skipped after they raced. Text and Markdown share these lines.
import type { StressResult } from '../model.js';

/** Plain-text lines (no colour); empty when the session used none of it. */
export function flakeHuntingLines(result: StressResult, code: (text: string) => string = (t) => t): string[] {
  const out: string[] = [];
  for (const run of result.runResults) {
    if (run.leftRunning !== undefined) {
      out.push(
        `Run ${run.run} hung past --timeout and was left running: pid ${run.leftRunning.pid} (its process group).`,
      );
    }
  }
  const hangs = result.runResults.filter((r) => r.timedOut === true && r.leftRunning === undefined);
  if (hangs.length > 0) {
    out.push(
      `${hangs.length} run(s) hung past --timeout (${hangs.map((r) => r.run).join(', ')}): each was sent SIGQUIT ` +
        `and its goroutine dump is explained below.`,
    );
    for (const crash of result.crashes) {
      if (crash.hang !== true) continue;
      const stuck = crash.groups.filter((b) => b.culprit !== null && b.state !== 'running' && b.state !== 'runnable');
      for (const group of stuck.slice(0, 5)) {
        const at =
          group.culprit === null ? '' : `${group.culprit.function} ${group.culprit.file}:${group.culprit.line}`;
        out.push(`  stuck: ${group.count} goroutine(s) in [${group.state}] at ${code(at)}`);
      }
    }
  }
  const ignored = result.runResults.filter((r) => r.ignored === true).length;
  if (ignored > 0) out.push(`${ignored} failed run(s) matched --ignore; their findings are left out.`);
  if (result.settings !== undefined) {
    const reproducing = result.settings.filter((s) => s.failedRuns > 0);
    if (reproducing.length === 0) out.push(`--perturb: no setting reproduced a failure in ${result.runs} run(s).`);
    else {
      out.push('--perturb: failing runs per setting:');
      for (const s of result.settings) {
        const rate = s.runs === 0 ? 0 : Math.round((s.failedRuns / s.runs) * 100);
        out.push(`  ${`${s.failedRuns}/${s.runs}`.padStart(7)} ${`${rate}%`.padStart(4)}  ${code(s.setting)}`);
      }
    }
  }
  if (result.skippedAfterRace !== undefined && result.skippedAfterRace.length > 0) {
    out.push(
      `Skipped in later runs after they raced (--retry-raced keeps them): ` +
        `${result.skippedAfterRace.map(code).join(', ')}.`,
    );
  }
  if (result.outputDir !== undefined) out.push(`Output of each failing run: ${code(result.outputDir)}`);
  out.push(...leakLines(result, code));
  return out;
}

const VERDICT = {
  unreachable: "blocked on something no goroutine can reach (the runtime's goroutineleak verdict): it can never wake",
  'still-running': 'still running after the tests ended (no goroutineleak profile in this Go: every leftover counts)',
};

function leakLines(result: StressResult, code: (text: string) => string): string[] {
  if (result.leaks === undefined) return [];
  const checked = result.leakCheckedPackages ?? [];
  if (result.leaks.length === 0) return [`--leaks: no goroutine left behind in ${checked.length} package(s).`];
  const out = [`--leaks: goroutines left behind by tests (${checked.length} package(s) checked):`];
  for (const leak of result.leaks) {
    const at = leak.culprit === null ? '?' : `${leak.culprit.function} ${leak.culprit.file}:${leak.culprit.line}`;
    const who =
      leak.test === undefined ? 'started by an unknown test' : `started by ${code(leak.test)} (${leak.via ?? 'stack'})`;
    out.push(`  ${leak.count} goroutine(s) [${leak.state}] at ${code(at)} in ${code(leak.package)}, ${who}`);
    out.push(`    ${VERDICT[leak.verdict]}; in ${leak.runs} of ${result.runs} run(s)`);
  }
  return out;
}
