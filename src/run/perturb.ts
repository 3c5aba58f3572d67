// Schedule perturbation for `stress --perturb` / `test --perturb`: each run gets its own mix of settings that
// change how goroutines are scheduled (GOMAXPROCS, `go test -cpu`, `-shuffle=on`) and how the race detector
// reports (GORACE), so a flaky failure shows up under some of them; the report says which settings the failing
// runs had. GOMAXPROCS cycles with the run number; the other dimensions are picked by a hash of the run number,
// so they vary independently of it (a setting that reproduces is not confounded with another that always comes
// with it) and a run's settings can be recomputed from its number.

export interface Perturbation {
  /** Environment variables for this run. */
  env: Record<string, string>;
  /** Flags for `go test` (empty for other commands). */
  goTestFlags: string[];
  /** One label per dimension, e.g. `GOMAXPROCS=1`, `-shuffle=on`, `GORACE=halt_on_error=1`. */
  labels: string[];
}

interface Choice {
  label: string;
  env?: Record<string, string>;
  flags?: string[];
}

const GOMAXPROCS: Choice[] = [
  { label: 'GOMAXPROCS=default' },
  { label: 'GOMAXPROCS=1', env: { GOMAXPROCS: '1' } },
  { label: 'GOMAXPROCS=2', env: { GOMAXPROCS: '2' } },
  { label: 'GOMAXPROCS=8', env: { GOMAXPROCS: '8' } },
];

// atexit_sleep_ms=0 drops the race runtime's 1 s pause at exit (faster runs); halt_on_error=1 stops the program at
// its first race, which changes what runs after it.
const GORACE: Choice[] = [
  { label: 'GORACE=default' },
  { label: 'GORACE=atexit_sleep_ms=0', env: { GORACE: 'atexit_sleep_ms=0' } },
  { label: 'GORACE=halt_on_error=1', env: { GORACE: 'halt_on_error=1 atexit_sleep_ms=0' } },
];

const CPU: Choice[] = [{ label: '-cpu=default' }, { label: '-cpu=1,2,4', flags: ['-cpu=1,2,4'] }];
const SHUFFLE: Choice[] = [{ label: '-shuffle=off' }, { label: '-shuffle=on', flags: ['-shuffle=on'] }];

/** The settings of run `run` (1-based). `goTest` adds the `go test` flags to the dimensions. */
export function perturbation(run: number, goTest: boolean): Perturbation {
  const dimensions = goTest ? [GOMAXPROCS, CPU, SHUFFLE, GORACE] : [GOMAXPROCS, GORACE];
  const result: Perturbation = { env: {}, goTestFlags: [], labels: [] };
  dimensions.forEach((choices, dimension) => {
    const index = dimension === 0 ? run - 1 : mix(run * 16 + dimension);
    const choice = choices[index % choices.length];
    if (choice === undefined) return;
    result.labels.push(choice.label);
    Object.assign(result.env, choice.env);
    result.goTestFlags.push(...(choice.flags ?? []));
  });
  return result;
}

/** A 32-bit integer hash (the murmur3 finaliser): spreads consecutive numbers over all values. */
function mix(n: number): number {
  let h = n >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
