// The shared vocabulary of the pipeline. Parsers produce the "as printed" shapes (Traceback, Goroutine,
// Frame, RaceReport); analysers turn them into results (Crash, GoroutineGroup, Race); renderers only read results.
// Everything here is plain data so that one result feeds every output format.

/** A place in Go source, as the Go runtime printed it (path not rewritten). */
export interface Location {
  function: string;
  file: string;
  line: number;
}

/** One stack frame: `pkg.Func(args)` followed by `\tfile:line +0xNN`. */
export interface Frame extends Location {
  /** Text between the parentheses as printed ("0xc0000, 0x1", "{0x1, 0x2}, ...", "..." or ""). */
  args: string;
  /** Printed as `(...)`: the call was inlined, so the arguments are unknown. */
  inlined: boolean;
  /** `+0x1d` offset, `fp=` / `sp=` / `pc=` words, when printed. */
  pcOffset?: string;
}

export interface CreatedBy extends Location {
  /** `created by X in goroutine N` (Go >= 1.21). */
  parentGoroutine?: number;
}

/** `[originating from goroutine N]:` blocks printed with GODEBUG=tracebackancestors. */
export interface Ancestor {
  goroutine: number;
  frames: Frame[];
}

export interface Goroutine {
  id: number;
  /**
   * Wait reason or status as printed: "running", "chan send", "chan receive (nil chan)", "select", "sync.Mutex.Lock".
   */
  state: string;
  /** `, N minutes` in the header; 0 when absent (waiting less than a minute or not waiting). */
  waitMinutes: number;
  lockedToThread: boolean;
  /** Extra header words: "scan", "durable", "leaked", "synctest bubble 3", "gp=0x..", "m=3". */
  flags: string[];
  /** pprof labels printed with GODEBUG=tracebacklabels=1. */
  labels?: Record<string, string>;
  frames: Frame[];
  /** `...additional frames elided...` (-1) or `...N frames elided...` (N); 0 when nothing was elided. */
  elidedFrames: number;
  createdBy?: CreatedBy;
  ancestors?: Ancestor[];
  /** `goroutine running on other thread; stack unavailable`. */
  stackUnavailable: boolean;
  /** The log ended or was interrupted in the middle of this goroutine. */
  truncated: boolean;
  /** 1-based line of the `goroutine N [...]` header in its input. */
  inputLine: number;
}

/** One entry of a `panic:` chain. Go prints nested panics oldest first. */
export interface PanicValue {
  message: string;
  recovered: boolean;
  /** `[recovered, repanicked]` (Go >= 1.25 prints a re-panic of the recovered value this way). */
  repanicked: boolean;
  /** The `goexit` marker of a panic interrupted by runtime.Goexit. */
  goexit: boolean;
}

export interface SignalInfo {
  /** "SIGSEGV", "SIGBUS", "SIGQUIT", ... */
  name: string;
  description?: string;
  code?: string;
  addr?: string;
  pc?: string;
}

export interface RunningTest {
  name: string;
  duration: string;
}

/** Input that could not be understood and was passed over. */
export interface Skipped {
  inputLine: number;
  /** The last line of a skipped region (binary data, NUL bytes) when it spans more than one line. */
  lastLine?: number;
  reason: string;
}

/** One crash or goroutine dump as it appears in the input: everything from its header to its last goroutine. */
export interface Traceback {
  /** Which input it came from (file path, or "-" for stdin). */
  source: string;
  /** The interleaved stream inside the input (`pod/name/container`, a compose service, a journald unit). */
  stream?: string;
  startLine: number;
  endLine: number;
  panics: PanicValue[];
  /** Text after `fatal error: `. */
  fatalError?: string;
  signal?: SignalInfo;
  /** `unexpected fault address 0x...`. */
  unexpectedFaultAddress?: string;
  /** `panic: test timed out after 10m0s` with its `running tests:` list. */
  testTimeout?: { after: string; runningTests: RunningTest[] };
  /** `runtime:`-prefixed diagnostic lines the runtime printed with the crash (stack limit, out of memory, ...). */
  runtimeMessages: string[];
  /** Frames under `runtime stack:` (the system stack, printed for runtime throws). */
  runtimeStack: Frame[];
  /**
   * Frames a framework printed in its own `file:line` form after a panic it recovered (gin, macaron, old klog),
   * with no goroutine header and no function names (`function` is '').
   */
  loggedStack?: Frame[];
  goroutines: Goroutine[];
  /** Goroutines seen in this traceback, including those not kept in `goroutines` (see retainGoroutines). */
  goroutineCount: number;
  /** Register dump was printed (GOTRACEBACK=crash or a signal in runtime code). */
  hasRegisters: boolean;
  skipped: Skipped[];
  /** The input ended before the traceback did. */
  truncated: boolean;
  exitStatus?: number;
}

// ---- analysis results ----

/** A stable identifier of a failure kind; the knowledge catalogue has one entry for each. */
export type CrashKind =
  | 'concurrent_map_writes'
  | 'concurrent_map_read_write'
  | 'concurrent_map_iteration_write'
  | 'concurrent_map_clone_write'
  | 'nil_map_write'
  | 'send_on_closed_channel'
  | 'close_closed_channel'
  | 'close_nil_channel'
  | 'negative_waitgroup'
  | 'waitgroup_reuse'
  | 'waitgroup_add_during_wait'
  | 'unlock_of_unlocked'
  | 'deadlock_all_asleep'
  | 'synctest_deadlock'
  | 'synctest_outside_bubble'
  | 'nil_pointer_deref'
  | 'index_out_of_range'
  | 'slice_bounds_out_of_range'
  | 'divide_by_zero'
  | 'type_assertion'
  | 'stack_overflow'
  | 'out_of_memory'
  | 'thread_exhaustion'
  | 'test_timeout'
  | 'unexpected_signal'
  | 'goroutine_dump'
  | 'user_panic';

export interface CodeFix {
  title: string;
  /** Go code showing the fix. */
  code: string;
}

export interface DocLink {
  title: string;
  url: string;
}

/** Source lines around a culprit, when the file could be found locally (`--src`). */
export interface SourceContext {
  /** The local path the printed path was mapped to. */
  localFile: string;
  firstLine: number;
  lines: string[];
  /** The line the context is centred on. */
  focusLine: number;
}

/** Goroutines with the same stack, grouped. */
export interface GoroutineGroup {
  count: number;
  state: string;
  /** [min, max] of the wait minutes over the goroutines in the group. */
  waitMinutes: [number, number];
  /** The first frame in user code (outside the Go runtime and standard library), or null. */
  culprit: Location | null;
  frames: Location[];
  createdBy?: Location;
  /** Goroutine ids in the group (the first few; `count` is the true size). */
  goroutineIds: number[];
  /** Holds the goroutine the diagnosis names (Crash.goroutine); never set for a plain dump, where nothing failed. */
  crashing: boolean;
  /** No frame is user code, so `culprit` is the `created by` line that started these goroutines. */
  culpritFromCreatedBy?: boolean;
  /**
   * The runtime's leak detector marked these goroutines `(leaked)` (Go >= 1.27, goroutineleak profile): blocked
   * on something no live goroutine can reach, proven by the garbage collector.
   */
  leaked?: boolean;
  /** pprof labels every goroutine in the group carries (Go >= 1.27 prints them in goroutine headers). */
  labels?: Record<string, string>;
}

/** A group of goroutines that look stuck: blocked on a channel, select or lock for a long time. */
export interface Leak {
  count: number;
  state: string;
  waitMinutes: [number, number];
  culprit: Location | null;
  /** Waiting on a nil channel or an empty select: it can never wake up. */
  forever: boolean;
  /** The Go runtime proved the leak (goroutines marked `(leaked)`); heuristic suspects have false. */
  proven: boolean;
  /** Labels shared by the group's goroutines, when printed. */
  labels?: Record<string, string>;
  /** Why it is suspected, in one sentence. */
  reason: string;
}

/** What one goroutine waits for, in a deadlock. */
export interface Waiter {
  goroutine: number;
  state: string;
  culprit: Location | null;
}

/** A lint finding on a crash's culprit line: the hazard this crash is an instance of (`explain --src`). */
export interface Hazard {
  rule: string;
  title: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  line: number;
  message: string;
}

/**
 * A second Unlock or WaitGroup.Done raised by a deferred call at function exit (`explain --src`): the culprit line is
 * the `return` or closing brace where the deferred call ran; these are the statements behind it.
 */
export interface DeferredRelease {
  /** The local file, as SourceContext.localFile gives it. */
  file: string;
  /** Where the function left: a `return` statement or the end of its body, and that line (the culprit's, unless
   * the culprit is the wrapper frame that ran the deferred call). */
  exit: 'return' | 'end';
  exitLine: number;
  /** The `defer` statement that ran at the culprit line. */
  deferLine: number;
  deferText: string;
  /** The earlier statement in the same function that had already released (absent when none is in the function). */
  releaseLine?: number;
  releaseText?: string;
  /** Lint findings at the earlier statement. */
  hazards?: Hazard[];
}

export interface Crash {
  kind: CrashKind;
  /**
   * Stable across runs, machines and edits that move lines: kind + culprit function + the first user frames'
   * functions (analyse/fingerprint.ts). Identical crashes share it; `groups` counts them.
   */
  fingerprint?: string;
  /** Catalogue title, e.g. "Concurrent map writes". */
  title: string;
  /** The panic value or fatal error message as printed. */
  message: string;
  /** Whether a deferred recover() in the crashing goroutine could have stopped it. */
  recoverable: boolean;
  /**
   * The goroutine the diagnosis names: the failing one; for a deadlock or test timeout the stuck one; for a plain
   * dump one goroutine of the largest stuck group. Null when the log shows none.
   */
  goroutine: number | null;
  culprit: Location | null;
  culpritContext?: SourceContext;
  /** Lint findings on the culprit line, when the source was found (`--src`). */
  hazards?: Hazard[];
  /** For a second Unlock or Done run by a deferred call at function exit, with source at hand. */
  deferredRelease?: DeferredRelease;
  /** Inferred Go version range from the format, e.g. ">=1.21" or "1.17-1.20". */
  goVersion: string;
  goroutineCount: number;
  groups: GoroutineGroup[];
  leaks: Leak[];
  /** For deadlocks: what each stuck goroutine waits on. */
  waiters: Waiter[];
  /**
   * For map races: other goroutines that were running or runnable in user code when the runtime stopped the
   * program. One of them may be the other side of the race (the runtime names only the side that noticed).
   */
  otherSide: Waiter[];
  explanation: string;
  /** Advice that depends on the Go version or the traceback setting. */
  advice: string[];
  fixes: CodeFix[];
  links: DocLink[];
  /** Where it was found (the first occurrence when identical crashes were folded). */
  source: CrashSource;
  /**
   * How many identical crashes this entry stands for (see docs/json.md for what "identical" means); 1 unless
   * folded. Always set by explain; optional so code that builds a Crash by hand need not.
   */
  occurrences?: number;
  /** Where the last of the folded occurrences was found; only when occurrences > 1. */
  lastSource?: CrashSource;
  skipped: Skipped[];
  truncated: boolean;
  /** The test that started the failing goroutine, for crashes in `go test` output. */
  test?: TestAttribution;
}

/** A crash's place in the input. */
export interface CrashSource {
  file: string;
  startLine: number;
  endLine: number;
  /** The source it was separated from in an interleaved log: `pod/name/container`, a compose service, ... */
  stream?: string;
}

export interface AccessSide {
  op: 'read' | 'write';
  goroutine: number | null;
  culprit: Location | null;
  frames: Location[];
  /** Where the accessing goroutine was created, if printed. */
  createdAt?: Location[];
  goroutineState?: 'running' | 'finished';
}

/**
 * Which test caused a race, crash or leak: the test that started the goroutine (found on its stack, its
 * creation stack or its ancestors), and the test that was running when it was reported, when that is another.
 */
export interface TestAttribution {
  /** Top-level names (`TestSpawn`), or the running test's full name when the frames agree with it. */
  responsible: string[];
  /** The test running when the report was printed, when it is not responsible (the testing package fails it). */
  bystander?: string;
  /**
   * How the responsible test was found: 'stack' (the goroutine runs the test's code), 'created-at' (the race
   * report's creation stack), 'created-by' (a traceback's `created by` line or a parent goroutine),
   * 'ancestors' (GODEBUG=tracebackancestors), 'running' (the goroutines name no test: only the running test is
   * known, which may be a bystander).
   */
  via: 'stack' | 'created-at' | 'created-by' | 'ancestors' | 'running';
}

export interface Race {
  current: AccessSide;
  previous: AccessSide;
  /** What raced: "map", "struct field", "variable", "slice", ... */
  object: string;
  /** `Heap block` / `Global var` location lines, as printed. */
  location?: string;
  occurrences: number;
  /**
   * The operation pairs reported for these lines, sorted: ["read/write"], ["write/write"] or both (`c.total++`
   * reads and writes, so one unguarded counter gives both).
   */
  accessPairs: string[];
  /** The responsible tests (see TestAttribution), over all its reports. */
  tests: string[];
  /** Tests that were running when it was reported but did not start the racing goroutines. */
  bystanders?: string[];
  explanation: string;
  fixes: CodeFix[];
  links: DocLink[];
  sources: { file: string; line: number }[];
  /** Source lines around each entry of `sources` that could be found locally. */
  contexts?: SourceContext[];
}

export type ToolName = 'goleak' | 'go-deadlock' | 'stress';
export type ToolFindingKind = 'goroutine_leak' | 'lock_order' | 'recursive_lock' | 'lock_timeout' | 'stress_failures';

/** A report printed by another Go tool (goleak, go-deadlock, x/tools/cmd/stress), diagnosed. */
export interface ToolReport {
  tool: ToolName;
  finding: ToolFindingKind;
  title: string;
  /** The tool's headline as printed. */
  message: string;
  /** The first user frame of the goroutine or lock site the report is about. */
  culprit: Location | null;
  /** Every goroutine or lock site the tool printed, with its first user frame. */
  sites: { role: string; goroutine: number | null; state?: string; culprit: Location | null }[];
  explanation: string;
  source: { file: string; startLine: number; endLine: number };
  /** stress: runs and failed runs at the last status line, and each failed run's `ERROR:` line. */
  runs?: number;
  failures?: number;
  errors?: string[];
}

/** Identical crashes (same fingerprint) across every input, folded into one entry. */
export interface DistinctCrash {
  fingerprint: string;
  kind: CrashKind;
  title: string;
  culprit: Location | null;
  count: number;
  /** Where it was first and last seen, in input order (file and line of the crash's first line). */
  firstSeen: { file: string; line: number };
  lastSeen: { file: string; line: number };
  /** The inputs it came from, in the order first seen. */
  inputs: string[];
}

export interface ExplainResult {
  /** 2 since goroutine `buckets` became `groups`. */
  schemaVersion: 2;
  crashes: Crash[];
  races: Race[];
  /** Reports of goleak, go-deadlock and x/tools/cmd/stress found in the inputs. */
  toolReports?: ToolReport[];
  /** One entry per distinct crash fingerprint, with how often and where it was seen. */
  distinctCrashes?: DistinctCrash[];
  /** Inputs read and what was skipped in them. */
  inputs: { file: string; lines: number; bytes: number }[];
  skipped: (Skipped & { file: string })[];
}

// ---- profiles ----

export type ProfileType = 'mutex' | 'block' | 'goroutine' | 'goroutineleak' | 'cpu' | 'heap' | 'unknown';

/** One stack of a profile with the value it carries (delay, samples, goroutines, bytes). */
export interface ProfileSample {
  /** Leaf first, as pprof stores it; inlined calls expanded. */
  frames: Location[];
  value: number;
  /** pprof labels of the sample (protobuf sample labels, `# labels:` in debug=1, header labels in debug=2). */
  labels?: Record<string, string>;
}

/** A profile reduced to the one value goroscope ranks by. */
export interface ProfileData {
  file: string;
  type: ProfileType;
  /** What the value measures: "delay", "cpu", "goroutines", "inuse_space", ... */
  valueName: string;
  /** "nanoseconds", "count", "bytes". */
  unit: string;
  total: number;
  samples: ProfileSample[];
  /** Set when the type is a guess (mutex and block profiles look alike): how it was chosen. */
  typeGuessed?: string;
}

/** A call site in user code that accounts for part of a profile's total. */
export interface Hotspot extends Location {
  value: number;
  /** value / total of the profile, 0..1. */
  share: number;
  /** The heaviest full stacks through this site (leaf first). */
  stacks: ProfileSample[];
  /** Source lines around the hot spot, when its file maps onto the local tree (--src). */
  context?: SourceContext;
  /** Crash or race locations (from --explain) that share a frame with this hot spot's stacks. */
  linkedTo?: { what: string; location: Location }[];
}

export interface ProfileReport {
  file: string;
  type: ProfileType;
  /** Set when the type is a guess: how it was chosen (see ProfileData). */
  typeGuessed?: string;
  unit: string;
  total: number;
  hotspots: Hotspot[];
}

export interface ProfileResult {
  schemaVersion: 1;
  profiles: ProfileReport[];
  /** The first profile's hot spots. */
  hotspots: Hotspot[];
  /** Conclusions drawn from crossing profiles with a crash or race log (--explain). */
  conclusions: string[];
}

// ---- lint results: rule metadata (the one catalogue docs, SARIF and the terminal read from) and findings ----

export type Severity = 'error' | 'warning' | 'info';

/** How a positive case shows itself at run time; the execution test tier proves each non-static one. */
export type RuntimeEffect = 'crash' | 'race' | 'block' | 'static';

export interface RuleMeta {
  /** Stable kebab-case name, also the file name and the testdata folder. */
  name: string;
  title: string;
  severity: Severity;
  /** One sentence for `--help`, SARIF shortDescription and the docs index. */
  summary: string;
  /** Markdown: why it is a bug and what Go does at run time. */
  explanation: string;
  /** Markdown: how to fix it, with Go code. */
  fix: string;
  runtimeEffect: RuntimeEffect;
  /** Markdown: what happens at run time for findings that `runtimeEffect` does not describe. */
  runtimeNote?: string;
  /** The rule applies only to modules whose go.mod `go` line is below this minor version (loop vars: 22). */
  onlyBeforeGo?: number;
  /**
   * The rule applies only when the toolchain that builds the module is below this minor version (time.Tick: 27,
   * when Go removed the old timers); an unknown toolchain counts as below.
   */
  onlyBeforeToolchain?: number;
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface TextEdit {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** JavaScript string offsets into the file's text, for applying the edit. */
  startOffset: number;
  endOffset: number;
  newText: string;
}

export interface LintFix {
  description: string;
  /** Present when the fix is mechanical and safe: `--fix` applies exactly these edits. */
  edits?: TextEdit[];
}

export interface LintFinding {
  rule: string;
  severity: Severity;
  file: string;
  /** 1-based line; columns are 1-based byte columns like the Go toolchain prints. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  related: RelatedLocation[];
  fix?: LintFix;
}

/** A file goroscope did not lint (or not completely), and why; `message` is the line the CLI prints. */
export interface LintSkip {
  file: string;
  /** `rules-timeout`: parsed, but not every rule ran on it; the others were not analysed at all. */
  reason: 'generated' | 'too-large' | 'unreadable' | 'parse-timeout' | 'rules-timeout';
  message: string;
}

export interface LintResult {
  schemaVersion: 1;
  findings: LintFinding[];
  /** Files analysed, and files whose syntax errors were passed over (the rest of the file is still checked). */
  files: number;
  filesWithSyntaxErrors: string[];
  packages: number;
  /** Files passed over (generated, over the size or time budget, unreadable); they are not in `files`. */
  skipped: LintSkip[];
}

// ---- test and stress sessions: what renderers show of repeated runs ----

export type LeakVerdict = 'unreachable' | 'still-running';

export interface TestLeak {
  package: string;
  verdict: LeakVerdict;
  state: string;
  count: number;
  /** First frame in user code (or the `created by` line), or null. */
  culprit: Location | null;
  /** The test that started them (top-level name), when their stacks or ancestry say. */
  test?: string;
  via?: TestAttribution['via'];
}

export interface RunRecord {
  run: number;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  interrupted: boolean;
  raceReports: number;
  crashes: number;
  failedTests: number;
  /** Counted as a failing run (after --failure and --ignore). */
  failed: boolean;
  /** Failed, but its output matched --ignore: its findings were dropped. */
  ignored?: boolean;
  /** Ran past --timeout. */
  timedOut?: boolean;
  /** --keep-hung: the hung process group left running (pid of the command, which leads its group). */
  leftRunning?: { pid: number };
  /** Where its output was kept (failing runs, with an output directory). */
  outputFile?: string;
  /** --perturb: the settings it ran with. */
  settings?: string[];
}

/** --perturb: how often the runs with one setting failed. */
export interface SettingStat {
  setting: string;
  runs: number;
  failedRuns: number;
}

export interface StressRace extends Race {
  /** 1-based run in which the race was first reported. */
  firstRun: number;
  /** Runs in which it was reported. */
  runs: number;
}

export interface StressCrash extends Crash {
  firstRun: number;
  occurrences: number;
  /** The goroutine dump of a run that hung past --timeout (asked for with SIGQUIT). */
  hang?: boolean;
}

export interface TestStat {
  package: string;
  name: string;
  runs: number;
  failures: number;
  firstFailedRun?: number;
}

export interface StressResult {
  command: string[];
  /** Runs that ended (including one stopped by Ctrl-C). */
  runs: number;
  interrupted: boolean;
  elapsedMs: number;
  runResults: RunRecord[];
  tests: TestStat[];
  races: StressRace[];
  crashes: StressCrash[];
  /** Runs that failed (non-zero exit) without a race, crash or failing test to show for it. */
  unexplainedFailures: { run: number; exitCode: number | null; lastLines: string[] }[];
  /** Directory holding the output of each failing run, when any was kept. */
  outputDir?: string;
  /** --perturb: failure rate per setting, most reproducing first. */
  settings?: SettingStat[];
  /** Tests skipped in later runs because they raced. */
  skippedAfterRace?: string[];
  /** `test --leaks`: goroutines left after the tests of a package, over all runs. */
  leaks?: StressLeak[];
  /** `test --leaks`: packages whose goroutines were checked. */
  leakCheckedPackages?: string[];
}

export interface StressLeak extends TestLeak {
  firstRun: number;
  /** Runs in which it was found. */
  runs: number;
}
