// One sentence on which test caused a race or crash (the test that started the goroutine) and which test was
// only running when it was reported (the bystander the testing package fails). Shared by every text renderer.
import type { TestAttribution } from '../model.js';

const HOW: Record<TestAttribution['via'], string> = {
  stack: 'the goroutine runs its code',
  'created-at': "the goroutine's creation stack",
  'created-by': 'the `created by` line',
  ancestors: 'GODEBUG=tracebackancestors ancestry',
  running: '',
};

/** `TestSpawn started the goroutine (its creation stack); TestWait was running (a bystander)`. */
export function blameSentence(a: TestAttribution, name: (test: string) => string = (t) => t): string {
  if (a.via === 'running') {
    const running = a.responsible.map(name).join(', ');
    return (
      `reported during ${running}; the goroutine's stack names no test, so the one that started it is unknown ` +
      `(GODEBUG=tracebackancestors=10 prints the ancestry)`
    );
  }
  const responsible = a.responsible.map(name).join(' and ');
  const head = `${responsible} started the goroutine (${HOW[a.via]})`;
  return a.bystander === undefined
    ? head
    : `${head}; ${name(a.bystander)} was running when it was reported and is a bystander`;
}

/** For a race grouped over several reports: the responsible tests and the bystanders. */
export function raceBlame(
  tests: readonly string[],
  bystanders: readonly string[] | undefined,
  name: (test: string) => string = (t) => t,
): string {
  if (tests.length === 0) return '';
  const others = (bystanders ?? []).filter((b) => !tests.includes(b));
  const head = `caused by ${tests.map(name).join(', ')}`;
  return others.length === 0 ? head : `${head}; reported during ${others.map(name).join(', ')} (bystander)`;
}
