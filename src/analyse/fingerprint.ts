// One stable fingerprint per crash: the same bug crashing in another pod, another run or another build gets the
// same one, so a fleet's logs fold into one entry per bug. It hashes what identifies the bug in the code, never
// what varies between runs: the kind, the culprit function and the functions of the first user frames of the
// goroutine the diagnosis names. Line numbers (they move with every edit above the bug), addresses, goroutine
// ids, arguments, wait times and file paths (GOPATH vs module cache vs another machine) are left out.

import { createHash } from 'node:crypto';
import type { GoroutineGroup, Crash, Location } from '../model.js';
import { isStdlibFrame } from '../knowledge/std-frames.js';

/** How many user frames (after the culprit's) take part: enough to tell two callers of one helper apart. */
const USER_FRAMES = 3;
const DEFER_WRAPPER = /(\.deferwrap\d+|·dwrap·\d+)$/;

/** What the fingerprint is computed from, readable (kept for debugging and tests). */
export interface FingerprintBasis {
  kind: string;
  culprit: string | null;
  frames: string[];
}

/** The group holding the goroutine the diagnosis names, or the culprit's group for a dump. */
function namedBucket(crash: Pick<Crash, 'groups' | 'goroutine' | 'culprit'>): GoroutineGroup | undefined {
  const { goroutine, culprit } = crash;
  return (
    crash.groups.find((b) => b.crashing) ??
    (goroutine === null ? undefined : crash.groups.find((b) => b.goroutineIds.includes(goroutine))) ??
    (culprit === null
      ? undefined
      : crash.groups.find((b) => b.culprit?.function === culprit.function && b.culprit.line === culprit.line))
  );
}

/**
 * The goroutine's entry frame is left out when it belongs to the function that started it: compilers print the
 * same `go` statement as `main.main·dwrap·2` (1.17), `main.main.func2` (1.18-1.20), `main.main.gowrap1` (1.21+),
 * and only under some GOTRACEBACK settings. A real `go func() {...}()` closure named so is left out too; it is
 * still in the fingerprint when it is the culprit. Other closures (`main.run.func2`) are kept as printed.
 */
function userFunctions(frames: readonly Location[], createdBy: string | undefined): string[] {
  const out: string[] = [];
  // Deferred-call wrappers (`main.read.deferwrap1`, 1.17's `main.read·dwrap·1`) show only under some settings.
  for (const f of frames) if (!isStdlibFrame(f) && !DEFER_WRAPPER.test(f.function)) out.push(f.function);
  const entry = out[out.length - 1];
  if (out.length > 1 && entry !== undefined && createdBy !== undefined) {
    if (entry.startsWith(`${createdBy}.`) || entry.startsWith(`${createdBy}·`)) out.pop();
  }
  return out.slice(0, USER_FRAMES + 1);
}

export function fingerprintBasis(crash: Pick<Crash, 'kind' | 'groups' | 'goroutine' | 'culprit'>): FingerprintBasis {
  const group = namedBucket(crash);
  const frames = group === undefined ? [] : userFunctions(group.frames, group.createdBy?.function);
  return { kind: crash.kind, culprit: crash.culprit?.function ?? null, frames };
}

/** 16 hex digits of SHA-256 over the basis: short enough to read aloud, long enough never to collide in a fleet. */
export function crashFingerprint(crash: Pick<Crash, 'kind' | 'groups' | 'goroutine' | 'culprit'>): string {
  const basis = fingerprintBasis(crash);
  const text = [basis.kind, basis.culprit ?? '-', ...basis.frames].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
