// What a map race leaves out of its traceback. The runtime names only the goroutine that noticed the race, and
// a race that corrupts the map first may die as a plain fault; both are made visible here.
import type { CrashKind, Traceback, Waiter } from '../model.js';
import { MAP_RACE_KINDS } from './classify.js';
import { goroutineCulprit } from './culprit.js';
import { isMapFrame, learnGoroots } from '../knowledge/std-frames.js';

/**
 * For a map race: the other goroutines that were running or runnable in user code when the runtime stopped the
 * program. One of them may be the other side of the race; nothing in the traceback says which.
 */
export function otherSide(kind: CrashKind, tb: Traceback, crashing: number | null): Waiter[] {
  if (!MAP_RACE_KINDS.has(kind)) return [];
  const hints = { goroots: learnGoroots(tb) };
  const out: Waiter[] = [];
  for (const g of tb.goroutines) {
    if (g.id === crashing || !(g.state.startsWith('running') || g.state.startsWith('runnable'))) continue;
    const { culprit, fromCreatedBy } = goroutineCulprit(g, hints);
    if (culprit !== null && !fromCreatedBy) out.push({ goroutine: g.id, state: g.state, culprit });
  }
  return out;
}

/**
 * A fault inside the map implementation is how a map corrupted by concurrent writes can die when the runtime's
 * concurrent-write check does not fire first (testdata/observed/map-corruption-fault.log, printed by Go 1.26.8
 * for the racing program in testdata/rules/recover-cannot-catch).
 */
export function mapFaultAdvice(kind: CrashKind, tb: Traceback, crashing: number | null): string[] {
  if (kind !== 'unexpected_signal' && kind !== 'nil_pointer_deref') return [];
  const g = tb.goroutines.find((candidate) => candidate.id === crashing) ?? tb.goroutines[0];
  const inMapCode = g?.frames.slice(0, 6).some(isMapFrame) ?? false;
  if (!inMapCode) return [];
  return [
    'The fault is inside the Go map implementation. Unsynchronised concurrent writes can corrupt a map so that it ' +
      'faults like this before the runtime reports "concurrent map writes": look for a map shared between goroutines ' +
      'without a lock, and run the tests with -race.',
  ];
}
