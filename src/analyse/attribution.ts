// Which test caused a race, a panic or a leak: the test that started the goroutine, not the test that happened
// to be running when the report was printed. A goroutine that outlives its test (TestSpawn starts it and
// returns) is reported later, during another test (TestWait); the testing package fails TestWait, but the bug
// is in TestSpawn. The test is found by walking the goroutine's own frames, then the stack that created it
// (race reports: `Goroutine N created at:`; tracebacks: `created by` and, with GODEBUG=tracebackancestors=N,
// the `[originating from goroutine N]:` stacks of its ancestors), up to a TestXxx, BenchmarkXxx, FuzzXxx or
// ExampleXxx function. The test that was running is kept as the bystander.

import type { CreatedBy, Goroutine, Location, TestAttribution, Traceback } from '../model.js';
import type { RaceAccessReport, RaceGoroutineCreation, RaceReport } from '../parse/race.js';

/**
 * `TestX`, `BenchmarkX`, `FuzzX`, `ExampleX`: the prefix, then nothing or a character that is not a lower-case letter
 * (as `go test` requires).
 */
const TEST_NAME = /^(?:Test|Benchmark|Fuzz|Example)(?![a-z])/;

/**
 * The test a function belongs to: `example.com/m/pkg.TestSpawn` -> TestSpawn, and so do its function literals
 * (`TestSpawn.func1`, `TestSpawn.func1.2`, `TestSpawn.gowrap1`) and the external test package (`pkg_test.TestSpawn`).
 * Methods and functions of other names give undefined.
 */
export function testOfFunction(fn: string): string | undefined {
  const bracket = fn.indexOf('[');
  const head = bracket === -1 ? fn : fn.slice(0, bracket);
  const slash = head.lastIndexOf('/');
  // Go escapes dots in the last path element, so the first dot after the last slash ends the package.
  const dot = head.indexOf('.', slash + 1);
  if (dot === -1) return undefined;
  const rest = head.slice(dot + 1);
  const end = rest.indexOf('.');
  const name = end === -1 ? rest : rest.slice(0, end);
  // TestMain(m *testing.M) runs the tests; it is not one.
  return TEST_NAME.test(name) && name !== 'TestMain' ? name : undefined;
}

/** The test of a frame: a test function declared in a _test.go file (when the file is printed). */
function testOfFrame(frame: Location): string | undefined {
  if (frame.file !== '' && !frame.file.endsWith('_test.go')) return undefined;
  return testOfFunction(frame.function);
}

/**
 * The outermost test on a stack (frames innermost first): the one nearest the goroutine's start, so a closure of
 * TestA called from TestB counts for TestB, whose run it is part of.
 */
export function outermostTest(frames: readonly Location[]): string | undefined {
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (frame === undefined) continue;
    const test = testOfFrame(frame);
    if (test !== undefined) return test;
  }
  return undefined;
}

/** The testing package starts every test's own goroutine from `testing.(*T).Run` (`(*B).run1`, `(*F).Fuzz`, ...). */
function startedByTesting(createdAt: readonly Location[]): boolean {
  const top = createdAt[0];
  return top !== undefined && top.function.startsWith('testing.');
}

/** The top-level test of a test name: `TestX/sub/case` -> TestX. */
function topLevel(name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(0, slash);
}

interface SideTest {
  test: string;
  via: TestAttribution['via'];
  /** The side runs in its test's own goroutine (created by the testing package). */
  testGoroutine: boolean;
}

function raceSideTest(side: RaceAccessReport, creations: readonly RaceGoroutineCreation[]): SideTest | undefined {
  const creation = side.goroutine === null ? undefined : creations.find((c) => c.goroutine === side.goroutine);
  const testGoroutine = creation !== undefined && startedByTesting(creation.frames);
  const own = outermostTest(side.frames);
  if (own !== undefined) return { test: own, via: 'stack', testGoroutine };
  if (creation === undefined) return undefined;
  const creator = outermostTest(creation.frames);
  return creator === undefined ? undefined : { test: creator, via: 'created-at', testGoroutine };
}

/**
 * Combines what the goroutines say with the test that was running. A goroutine whose test is not the running
 * one outlived its test (or belongs to a parallel test): its test is responsible and the running test is a
 * bystander. When the sides name only the running test, it is responsible. When neither side names a test, the
 * running test is all there is (via 'running').
 */
function decide(sides: readonly SideTest[], running: string | undefined): TestAttribution | undefined {
  const runningTop = running === undefined ? undefined : topLevel(running);
  const others: SideTest[] = [];
  for (const side of sides) {
    if (side.test !== runningTop && !others.some((o) => o.test === side.test)) others.push(side);
  }
  if (others.length > 0) {
    const first = others[0];
    const responsible = others.map((o) => o.test);
    // Two test goroutines of different tests racing: parallel tests sharing state; both are responsible.
    const inRunning = sides.find((s) => s.test === runningTop);
    if (running !== undefined && inRunning?.testGoroutine === true && others.every((o) => o.testGoroutine)) {
      return { responsible: [running, ...responsible], via: first?.via ?? 'stack' };
    }
    const result: TestAttribution = { responsible, via: first?.via ?? 'stack' };
    if (running !== undefined) result.bystander = running;
    return result;
  }
  if (running !== undefined) {
    return { responsible: [running], via: sides.length > 0 ? (sides[0]?.via ?? 'running') : 'running' };
  }
  return undefined;
}

/** The responsible test of one race report, and the test that was running when it was printed. */
export function attributeRace(report: RaceReport): TestAttribution | undefined {
  const sides: SideTest[] = [];
  const accesses = report.previous === null ? [report.current] : [report.current, report.previous];
  for (const access of accesses) {
    const side = raceSideTest(access, report.creations);
    if (side !== undefined) sides.push(side);
  }
  return decide(sides, report.test);
}

/** Ancestry deeper than this is not followed through `created by ... in goroutine N` links. */
const MAX_PARENT_HOPS = 32;

/** The test that started a goroutine of a traceback, or undefined. */
export function goroutineTest(g: Goroutine, all: readonly Goroutine[]): SideTest | undefined {
  let current: Goroutine | undefined = g;
  for (let hop = 0; current !== undefined && hop < MAX_PARENT_HOPS; hop++) {
    const own = outermostTest(current.frames);
    const testGoroutine = current.createdBy?.function.startsWith('testing.') === true;
    if (own !== undefined) return { test: own, via: hop === 0 ? 'stack' : 'created-by', testGoroutine };
    const by: CreatedBy | undefined = current.createdBy;
    if (by !== undefined) {
      const creator = testOfFrame(by);
      if (creator !== undefined) return { test: creator, via: 'created-by', testGoroutine: false };
    }
    // GODEBUG=tracebackancestors: each ancestor's stack when it started the next one, nearest first.
    for (const ancestor of current.ancestors ?? []) {
      const test = outermostTest(ancestor.frames);
      if (test !== undefined) return { test, via: 'ancestors', testGoroutine: false };
    }
    // GOTRACEBACK=all prints the parent too, when it still runs (`created by F in goroutine N`, Go >= 1.21).
    const parent: number | undefined = by?.parentGoroutine;
    current = parent === undefined ? undefined : all.find((other) => other.id === parent);
  }
  return undefined;
}

/** The responsible test of a crash in goroutine `goroutine`, and the test that was running when it was printed. */
export function attributeCrash(
  tb: Traceback,
  goroutine: number | null,
  running: string | undefined,
): TestAttribution | undefined {
  const g = goroutine === null ? undefined : tb.goroutines.find((other) => other.id === goroutine);
  const side = g === undefined ? undefined : goroutineTest(g, tb.goroutines);
  return decide(side === undefined ? [] : [side], running);
}
