// Diagnoses the reports of other Go tools (parse/tool-report.ts): which user code each points at, and what it
// means. The culprit is the first frame outside the runtime and standard library of the site that matters:
// goleak's first leaked goroutine; for go-deadlock the second lock of an inconsistent ordering (where the
// goroutines would block), the lock taken again by the same goroutine, or the lock wait that timed out.

import type { Location, ToolReport } from '../model.js';
import type { ToolReportText, ToolSite } from '../parse/tool-report.js';
import { isStdlibFrame, toLocation } from '../knowledge/std-frames.js';

const TITLES: Record<ToolReport['finding'], string> = {
  goroutine_leak: 'goleak: unexpected goroutines',
  lock_order: 'go-deadlock: inconsistent lock order',
  recursive_lock: 'go-deadlock: recursive locking',
  lock_timeout: 'go-deadlock: lock wait timed out',
  stress_failures: 'stress: failed runs',
};

const EXPLANATIONS: Record<ToolReport['finding'], string> = {
  goroutine_leak:
    'goleak found goroutines still running when the test (or TestMain) ended that were not running when it began. ' +
    'Each one is blocked or looping in code the test started and never stopped: a goroutine leak. Stop it before ' +
    'the test returns (cancel its context, close the channel it waits on, wait for it with a WaitGroup), or, for a ' +
    'goroutine a library keeps on purpose, ignore it with goleak.IgnoreTopFunction.',
  lock_order:
    'go-deadlock saw two goroutines take the same two locks in opposite orders. Run at the wrong moment, each holds ' +
    'one lock and waits for the other forever (an ABBA deadlock), even if this run finished. Take the locks in one ' +
    'global order everywhere, or restructure so that no goroutine holds one while taking the other.',
  recursive_lock:
    'go-deadlock saw a goroutine lock a mutex it already holds. sync.Mutex and sync.RWMutex are not reentrant: ' +
    'the second Lock blocks forever (RLock deadlocks as soon as a writer waits). Split the function into a locked ' +
    'entry point and an unlocked helper that assumes the lock is held.',
  lock_timeout:
    'go-deadlock saw a goroutine wait for a lock longer than its DeadlockTimeout while another goroutine held it. ' +
    'The holder is usually blocked on something that needs the waiter to progress (a channel, another lock, I/O), ' +
    'so neither can move: release the lock before blocking, or hand the work over without holding it.',
  stress_failures:
    'x/tools/cmd/stress ran the command repeatedly and some runs failed: the failure is intermittent. Each failed ' +
    "run's output was saved to the file named above it; the crashes found in the printed excerpts are diagnosed " +
    'separately. A rare failure is still a bug: fix the cause rather than retrying.',
};

function firstUserFrame(frames: readonly Location[]): Location | null {
  for (const f of frames) if (!isStdlibFrame(f)) return toLocation(f);
  return null;
}

/** The site a report's verdict rests on. */
function keySite(report: ToolReportText): ToolSite | undefined {
  const byRole = (role: string): ToolSite | undefined => report.sites.find((s) => s.role === role);
  switch (report.finding) {
    case 'lock_order':
      return byRole('then takes the second lock');
    case 'lock_timeout':
      return byRole('waiting for the lock');
    case 'recursive_lock':
      return byRole('locks again');
    default:
      return report.sites[0];
  }
}

export function diagnoseToolReport(report: ToolReportText): ToolReport {
  const sites = report.sites.map((site) => {
    const out: ToolReport['sites'][number] = {
      role: site.role,
      goroutine: site.goroutine,
      culprit: firstUserFrame(site.frames),
    };
    if (site.state !== undefined) out.state = site.state;
    return out;
  });
  const key = keySite(report);
  const culprit =
    key === undefined ? (sites.find((s) => s.culprit !== null)?.culprit ?? null) : firstUserFrame(key.frames);
  const result: ToolReport = {
    tool: report.tool,
    finding: report.finding,
    title: TITLES[report.finding],
    message: report.message,
    culprit,
    sites,
    explanation: EXPLANATIONS[report.finding],
    source: { file: report.source, startLine: report.startLine, endLine: report.endLine },
  };
  if (report.runs !== undefined) result.runs = report.runs;
  if (report.failures !== undefined) result.failures = report.failures;
  if (report.errors !== undefined) result.errors = report.errors;
  return result;
}
