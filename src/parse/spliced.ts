// The runtime prints `fatal error: `, the message and the line break with separate write(2) calls
// (runtime.throw: print("fatal error: "), printindented(s), print("\n"); printpanics does the same for
// `panic: `), and it holds no lock that the program's own writers honour. A log line another goroutine writes to
// stderr at that moment lands between the pieces: glued after the message
// (`fatal error: concurrent map writes2026/11/22 10:00:00 request done`), or after `fatal error: ` with the
// message pushed onto the next line. These functions take such a line apart again.

/** `fatal error:` texts of the runtime and sync (Go 1.9-1.27); alternatives that start alike, longest first. */
const FATAL_TEXT =
  /^(?:concurrent map (?:writes|read and map write|iteration and map write|clone and map write)|small map with no empty slot \(concurrent map writes\?\)|sync: (?:unlock of unlocked mutex|Unlock of unlocked RWMutex|RUnlock of unlocked RWMutex)|all goroutines are asleep - deadlock!|no goroutines \(main called runtime\.Goexit\) - deadlock!|stack overflow|runtime: out of memory|out of memory|thread exhaustion|unexpected signal during runtime execution|(?:send on|receive on|close of|select on) synctest channel from outside bubble|synctest timer accessed from outside bubble)/;

/** Panic values the runtime and sync print, fixed texts and the ones with numbers in them. */
const PANIC_TEXT =
  /^(?:assignment to entry in nil map|send on closed channel|close of closed channel|close of nil channel|sync: negative WaitGroup counter|sync: WaitGroup is reused before previous Wait has returned|sync: WaitGroup misuse: Add called concurrently with Wait|sync: unlock of unlocked mutex|sync: Unlock of unlocked RWMutex|sync: RUnlock of unlocked RWMutex|runtime error: (?:invalid memory address or nil pointer dereference|integer divide by zero|index out of range(?: \[-?\d+\] with length \d+)?|slice bounds out of range(?: \[[^\]\s]*\](?: with (?:length|capacity) \d+)?)?|send on closed channel|close of closed channel|close of nil channel)|deadlock: all goroutines in bubble are blocked|deadlock: main bubble goroutine has exited but blocked goroutines remain|test timed out after \d[\w.]*|interface conversion: [^\n]*)(?: \[recovered(?:, repanicked)?\])?/;

/**
 * The start of another program's log line glued to the text before it: a log package or RFC 3339 timestamp,
 * logfmt's first key, a JSON log object.
 */
const GLUED_LOG_START =
  /(?<=\S)(?:\d{4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}:\d{2}|(?:time|level|ts|msg)=|\{"(?:level|time|ts|msg|@timestamp)":)/;

/** Characters that go on a runtime text in Go's own output or a wrapped error, never in a glued log line. */
function continuesText(rest: string): boolean {
  const c = rest.charCodeAt(0);
  // space, tab, `:`, `,`, `;`, `.`, `)`, `]`, `!`, `?`, `'`, `"`
  return (
    c === 32 ||
    c === 9 ||
    c === 58 ||
    c === 44 ||
    c === 59 ||
    c === 46 ||
    c === 41 ||
    c === 93 ||
    c === 33 ||
    c === 63 ||
    c === 39 ||
    c === 34
  );
}

/** The length of the runtime text `value` starts with, or 0. */
function runtimeTextLength(anchor: 'fatal error: ' | 'panic: ', value: string): number {
  return (anchor === 'fatal error: ' ? FATAL_TEXT : PANIC_TEXT).exec(value)?.[0].length ?? 0;
}

/** Whether `text` is, whole, a message the runtime prints after `anchor`. */
export function isRuntimeText(anchor: 'fatal error: ' | 'panic: ', text: string): boolean {
  return text.length > 0 && runtimeTextLength(anchor, text) === text.length;
}

/**
 * A `fatal error: ` or `panic: ` line with another log line glued after its message: the crash line as the
 * runtime printed it and the glued text. Null when the line shows no splice.
 */
export function splitSplicedLine(line: string): { crash: string; spliced: string } | null {
  const anchor = line.startsWith('fatal error: ') ? 'fatal error: ' : line.startsWith('panic: ') ? 'panic: ' : null;
  if (anchor === null) return null;
  const value = line.slice(anchor.length);
  const known = runtimeTextLength(anchor, value);
  let cut = known > 0 && known < value.length && !continuesText(value.slice(known)) ? known : -1;
  if (cut < 0) cut = GLUED_LOG_START.exec(value)?.index ?? -1;
  if (cut <= 0) return null;
  return { crash: anchor + value.slice(0, cut), spliced: value.slice(cut) };
}

/**
 * `fatal error: ` / `panic: ` followed by what looks like another program's log line rather than a message: the
 * runtime's message may follow on the next line.
 */
export function startsWithLogLine(value: string): boolean {
  return /^(?:\d{4}[/-]\d{2}[/-]\d{2}[ T]\d{2}:\d{2}:\d{2}|(?:time|level|ts|msg)=|\{"|\[[A-Za-z]+\] |[A-Z]\d{4} \d{2}:\d{2}:\d{2})/.test(
    value,
  );
}
