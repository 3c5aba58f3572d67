// Folding identical crashes across inputs, and merging explain results from many machines. merge is associative
// (merge(merge(a, b), c) equals merge(a, merge(b, c))), so a fleet can shard its logs, explain each shard where it
// lives and combine the JSON summaries in any grouping: counts add up, first/last seen come from the leftmost/
// rightmost operand, inputs and distinct crashes keep their first-seen order, crashes keep one representative per
// fingerprint, races fold by their pair of access sites.

import type { Crash, DistinctCrash, ExplainResult, Race } from '../model.js';
import { crashFingerprint } from './fingerprint.js';

/** Groups a list of crashes (in input order) by fingerprint; assigns missing fingerprints. */
export function countDistinctCrashes(crashes: readonly Crash[]): DistinctCrash[] {
  const groups = new Map<string, DistinctCrash>();
  for (const crash of crashes) {
    const fingerprint = (crash.fingerprint ??= crashFingerprint(crash));
    const seen = { file: crash.source.file, line: crash.source.startLine };
    const group = groups.get(fingerprint);
    if (group === undefined) {
      groups.set(fingerprint, {
        fingerprint,
        kind: crash.kind,
        title: crash.title,
        culprit: crash.culprit,
        count: 1,
        firstSeen: seen,
        lastSeen: seen,
        inputs: [crash.source.file],
      });
      continue;
    }
    group.count++;
    group.lastSeen = seen;
    if (!group.inputs.includes(crash.source.file)) group.inputs.push(crash.source.file);
  }
  return [...groups.values()];
}

function mergeDistinctCrashes(a: readonly DistinctCrash[], b: readonly DistinctCrash[]): DistinctCrash[] {
  const out = new Map<string, DistinctCrash>();
  for (const g of a) out.set(g.fingerprint, { ...g, inputs: [...g.inputs] });
  for (const g of b) {
    const left = out.get(g.fingerprint);
    if (left === undefined) {
      out.set(g.fingerprint, { ...g, inputs: [...g.inputs] });
      continue;
    }
    left.count += g.count;
    left.lastSeen = g.lastSeen;
    for (const input of g.inputs) if (!left.inputs.includes(input)) left.inputs.push(input);
  }
  return [...out.values()];
}

function raceKey(race: Race): string {
  const site = (c: Race['current']['culprit']): string => (c === null ? '-' : `${c.function}:${c.line}`);
  return [race.object, race.current.op, site(race.current.culprit), race.previous.op, site(race.previous.culprit)].join(
    '|',
  );
}

function mergeRaces(a: readonly Race[], b: readonly Race[]): Race[] {
  const out = new Map<string, Race>();
  for (const race of [...a, ...b]) {
    const key = raceKey(race);
    const left = out.get(key);
    if (left === undefined) {
      out.set(key, { ...race, tests: [...race.tests] });
      continue;
    }
    left.occurrences += race.occurrences;
    for (const t of race.tests) if (!left.tests.includes(t)) left.tests.push(t);
  }
  return [...out.values()];
}

/** An explain result with its distinct crashes counted (and fingerprints on its crashes). */
export function withDistinctCrashes(result: ExplainResult): ExplainResult {
  return result.distinctCrashes === undefined
    ? { ...result, distinctCrashes: countDistinctCrashes(result.crashes) }
    : result;
}

/** Combines two explain results as if their inputs had been explained together, a's before b's. */
export function mergeResults(left: ExplainResult, right: ExplainResult): ExplainResult {
  const a = withDistinctCrashes(left);
  const b = withDistinctCrashes(right);
  const crashes = new Map<string, Crash>();
  for (const crash of [...a.crashes, ...b.crashes]) {
    const fingerprint = crash.fingerprint ?? crashFingerprint(crash);
    if (!crashes.has(fingerprint)) crashes.set(fingerprint, crash);
  }
  const inputs = [...a.inputs];
  for (const input of b.inputs) if (!inputs.some((i) => i.file === input.file)) inputs.push(input);
  return {
    schemaVersion: 2,
    crashes: [...crashes.values()],
    races: mergeRaces(a.races, b.races),
    toolReports: [...(a.toolReports ?? []), ...(b.toolReports ?? [])],
    distinctCrashes: mergeDistinctCrashes(a.distinctCrashes ?? [], b.distinctCrashes ?? []),
    inputs,
    skipped: [...a.skipped, ...b.skipped],
  };
}
