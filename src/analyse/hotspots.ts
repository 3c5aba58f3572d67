// Ranks a profile's cost by the user code responsible for it. A mutex profile's stacks end in
// sync.(*Mutex).Unlock and a CPU profile's in runtime helpers; what a user can change is the first frame of
// their own code below those, so that is where the value is attributed.

import type { ExplainResult, Hotspot, Location, ProfileData, ProfileReport, ProfileSample } from '../model.js';
import { isStdlibFrame } from '../knowledge/std-frames.js';

/** What a profile's values measure, in words. */
const COST_NOUN: Partial<Record<string, string>> = {
  cpu: 'time',
  heap: 'memory',
  goroutine: 'goroutines',
  goroutineleak: 'leaked goroutines',
};

const STACKS_PER_HOTSPOT = 5;

/** The first frame (leaf first) in user code, else the leaf itself. */
export function attributionFrame(frames: Location[]): Location | undefined {
  for (const frame of frames) if (!isStdlibFrame(frame)) return frame;
  return frames[0];
}

interface Accumulator {
  function: string;
  file: string;
  value: number;
  /** Value per line of the function, to report the heaviest line. */
  lines: Map<number, number>;
  stacks: ProfileSample[];
}

/** Hot spots by user function, heaviest first; each names its heaviest line. O(samples x depth). */
export function rankHotspots(profile: ProfileData, limit = 20): Hotspot[] {
  const byFunction = new Map<string, Accumulator>();
  for (const sample of profile.samples) {
    const frame = attributionFrame(sample.frames);
    if (frame === undefined) continue;
    const key = `${frame.function}\u0000${frame.file}`;
    let acc = byFunction.get(key);
    if (acc === undefined) {
      acc = { function: frame.function, file: frame.file, value: 0, lines: new Map(), stacks: [] };
      byFunction.set(key, acc);
    }
    acc.value += sample.value;
    acc.lines.set(frame.line, (acc.lines.get(frame.line) ?? 0) + sample.value);
    acc.stacks.push(sample);
  }
  const ranked = [...byFunction.values()].sort((a, b) => b.value - a.value || a.function.localeCompare(b.function));
  return ranked.slice(0, limit).map((acc) => {
    let line = 0;
    let heaviest = -1;
    for (const [n, value] of acc.lines) {
      if (value > heaviest || (value === heaviest && n < line)) {
        line = n;
        heaviest = value;
      }
    }
    const stacks = acc.stacks.sort((a, b) => b.value - a.value).slice(0, STACKS_PER_HOTSPOT);
    return {
      function: acc.function,
      file: acc.file,
      line,
      value: acc.value,
      share: profile.total === 0 ? 0 : acc.value / profile.total,
      stacks,
    };
  });
}

export function profileReport(profile: ProfileData, limit?: number): ProfileReport {
  return {
    file: profile.file,
    type: profile.type,
    ...(profile.typeGuessed === undefined ? {} : { typeGuessed: profile.typeGuessed }),
    unit: profile.unit,
    total: profile.total,
    hotspots: rankHotspots(profile, limit),
  };
}

function sameFunction(a: Location, b: Location): boolean {
  return a.function === b.function;
}

/**
 * Marks hot spots whose stacks pass through a function that also appears at a crash culprit or on either
 * side of a data race, and states what the overlap suggests. It suggests, it does not prove: the same
 * function may hold the contended lock and touch the racing variable for different reasons.
 */
export function crossLink(reports: ProfileReport[], evidence: ExplainResult): string[] {
  const sites: { what: string; location: Location }[] = [];
  for (const crash of evidence.crashes)
    if (crash.culprit) sites.push({ what: `${crash.kind} crash`, location: crash.culprit });
  for (const race of evidence.races) {
    if (race.current.culprit) sites.push({ what: `data race (${race.current.op})`, location: race.current.culprit });
    if (race.previous.culprit) sites.push({ what: `data race (${race.previous.op})`, location: race.previous.culprit });
  }
  const conclusions: string[] = [];
  for (const report of reports) {
    for (const hotspot of report.hotspots) {
      const links: { what: string; location: Location }[] = [];
      for (const site of sites) {
        const touches = hotspot.stacks.some((stack) =>
          stack.frames.some((frame) => sameFunction(frame, site.location)),
        );
        if (touches && !links.some((l) => l.what === site.what && l.location.line === site.location.line))
          links.push(site);
      }
      if (links.length === 0) continue;
      hotspot.linkedTo = links;
      const percent = (hotspot.share * 100).toFixed(1);
      for (const link of links) {
        conclusions.push(
          `${hotspot.function} (${percent}% of ${report.type} ` +
            `${COST_NOUN[report.type] ?? 'delay'}) ` +
            `runs in the same function as the ${link.what} at ${link.location.file}:${link.location.line}: ` +
            (report.type === 'mutex' || report.type === 'block'
              ? 'if this lock guards the racing data, every access to it must take the lock.'
              : 'look there first.'),
        );
      }
    }
  }
  return conclusions;
}
