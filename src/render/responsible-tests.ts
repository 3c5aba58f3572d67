// Which Go test a race or crash of a `test`/`stress` session belongs to, for the CI formats (JUnit testcases,
// annotation titles). Races carry the tests the race analysis attributed them to; a crash carries none, so its
// test is read from the function names of the crashing goroutine's stack (`pkg.TestX.func1` belongs to TestX).
import type { Crash, Location } from '../model.js';

export interface TestRef {
  /** Import path as `go test` names the package; empty when unknown. */
  package: string;
  name: string;
}

const TEST_FUNCTION = /^(?:Test|Benchmark|Fuzz|Example)(?:$|[^a-z])/;

/** `example.com/m/cache_test.TestGet.func1` -> { package: example.com/m/cache, name: TestGet }. */
export function testOfFunction(fn: string): TestRef | undefined {
  const slash = fn.lastIndexOf('/');
  const parts = fn.slice(slash + 1).split('.');
  const [pkgName, name] = parts;
  if (pkgName === undefined || name === undefined || !TEST_FUNCTION.test(name)) return undefined;
  // An external test package (package cache_test) is tested as part of its package.
  const pkg = fn.slice(0, slash + 1) + pkgName.replace(/_test$/, '');
  return { package: pkg, name };
}

function firstTest(frames: Location[]): TestRef | undefined {
  for (const frame of frames) {
    const test = testOfFunction(frame.function);
    if (test !== undefined) return test;
  }
  return undefined;
}

/** The test a crash happened in: the first test function on the crashing goroutine's stack or its creator. */
export function crashTest(crash: Crash): TestRef | undefined {
  const group = crash.groups.find((b) => b.crashing) ?? (crash.groups.length === 1 ? crash.groups[0] : undefined);
  const frames: Location[] = [];
  if (crash.culprit !== null) frames.push(crash.culprit);
  if (group !== undefined) {
    frames.push(...group.frames);
    if (group.createdBy !== undefined) frames.push(group.createdBy);
  }
  return firstTest(frames);
}
