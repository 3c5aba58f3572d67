// Line-level recognisers for Go tracebacks: each takes one line (already stripped of leading and trailing
// whitespace unless noted) and returns its parts, or null when the line is not of that kind. They use only
// indexOf/charCodeAt scans so every call is linear in the line length.
//
// Formats verified against runtime/traceback.go (goroutineheader, traceback2, printcreatedby1,
// printAncestorTraceback), runtime/print.go (printquoted) and runtime/panic.go (dopanic_m) of Go 1.26, and
// against output recorded here from Go 1.9.7, 1.16.15, 1.17.13, 1.21.13 and 1.26.8.

export interface FunctionLine {
  function: string;
  args: string;
  inlined: boolean;
}

export interface FileLine {
  file: string;
  line: number;
  /** Words after the line number: `+0x1d`, `fp=0x.. sp=0x.. pc=0x..`. */
  pcOffset?: string;
}

export interface GoroutineHeader {
  id: number;
  state: string;
  waitMinutes: number;
  lockedToThread: boolean;
  flags: string[];
  labels?: Record<string, string>;
}

const SPACE = 32;
const TAB = 9;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function allDigits(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Index of the first character that is not a space or tab. */
export function indentEnd(s: string): number {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

/** `pkg.Func(args)`, `pkg.(*T[...]).M(...)`, `panic({0x1, 0x2})`. The name cannot contain a space. */
export function parseFunctionLine(s: string): FunctionLine | null {
  const n = s.length;
  if (n < 3 || s.charCodeAt(n - 1) !== 41 /* ) */) return null;
  // Arguments never contain parentheses (hex words, `{`, `}`, `...`, `_`, `?`), so the last `(` opens them.
  const open = s.lastIndexOf('(');
  if (open <= 0) return null;
  const space = s.indexOf(' ');
  if (space !== -1 && space < open) return null;
  const args = s.slice(open + 1, n - 1);
  const function_ = s.slice(0, open);
  return { function: function_, args, inlined: args === '...' };
}

/**
 * `/path/file.go:12 +0x1d fp=0x.. sp=0x.. pc=0x..`, with the offset and the fp/sp/pc words optional. Paths may
 * hold spaces and a Windows drive colon (`C:/x/main.go:12`), so the line number is found from the right.
 */
export function parseFileLine(s: string): FileLine | null {
  let end = s.length;
  const fp = s.indexOf(' fp=');
  if (fp !== -1) end = fp;
  // Scan back over an optional ` +0xHEX`, then the line number: work proportional to the suffix only.
  let i = end - 1;
  while (i >= 0 && isHexLower(s.charCodeAt(i))) i--;
  if (
    i >= 3 &&
    i < end - 1 &&
    s.charCodeAt(i) === 120 /* x */ &&
    s.charCodeAt(i - 1) === 48 &&
    s.charCodeAt(i - 2) === 43 /* + */ &&
    s.charCodeAt(i - 3) === SPACE
  ) {
    end = i - 3;
  }
  let j = end - 1;
  while (j >= 0 && isDigit(s.charCodeAt(j))) j--;
  if (j === end - 1 || j <= 0 || s.charCodeAt(j) !== 58 /* : */ || end - j > 10) return null;
  let line = 0;
  for (let k = j + 1; k < end; k++) line = line * 10 + s.charCodeAt(k) - 48;
  const file = s.slice(0, j);
  if (end === s.length) return { file, line };
  return { file, line, pcOffset: s.slice(end + 1) };
}

function isHexLower(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** `created by X` or `created by X in goroutine N`. */
export function parseCreatedBy(s: string): { function: string; parentGoroutine?: number } | null {
  if (!s.startsWith('created by ')) return null;
  const body = s.slice(11);
  const i = body.lastIndexOf(' in goroutine ');
  if (i !== -1 && allDigits(body, i + 14, body.length)) {
    return { function: body.slice(0, i), parentGoroutine: Number(body.slice(i + 14)) };
  }
  if (body.length === 0 || body.indexOf(' ') !== -1) return null;
  return { function: body };
}

/** `[originating from goroutine N]:` */
export function parseAncestorHeader(s: string): number | null {
  const prefix = '[originating from goroutine ';
  if (!s.startsWith(prefix) || !s.endsWith(']:')) return null;
  if (!allDigits(s, prefix.length, s.length - 2)) return null;
  return Number(s.slice(prefix.length, s.length - 2));
}

/** `...additional frames elided...` (-1) or `...N frames elided...` (N). */
export function parseElided(s: string): number | null {
  if (s === '...additional frames elided...') return -1;
  if (!s.startsWith('...') || !s.endsWith(' frames elided...')) return null;
  const end = s.length - 17;
  return allDigits(s, 3, end) ? Number(s.slice(3, end)) : null;
}

/** Reads a string printed by runtime.printquoted starting at s[i] === '"'. Returns [value, index after]. */
function readQuoted(s: string, i: number): [string, number] | null {
  if (s.charCodeAt(i) !== 34) return null;
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 34) return [out, j + 1];
    if (c !== 92 /* \ */) {
      out += s[j];
      j++;
      continue;
    }
    const e = s[j + 1];
    let width = 0;
    if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 't') out += '\t';
    else if (e === '\\' || e === '"') out += e;
    else if (e === 'x') width = 2;
    else if (e === 'u') width = 4;
    else if (e === 'U') width = 8;
    else return null;
    if (width > 0) {
      const code = Number.parseInt(s.slice(j + 2, j + 2 + width), 16);
      if (Number.isNaN(code) || code > 0x10ffff) return null;
      out += String.fromCodePoint(code);
    }
    j += 2 + width;
  }
  return null;
}

/** ` labels:{"k": "v", "a": "b"}` body from the `{`; null when malformed. */
function parseLabels(s: string, open: number): [Record<string, string>, number] | null {
  return parseLabelMap(s, open, readQuoted);
}

/** A `{k: v, ...}` label map from the `{`, keys and values read by `token`; null when malformed. */
function parseLabelMap(
  s: string,
  open: number,
  token: (s: string, i: number) => [string, number] | null,
): [Record<string, string>, number] | null {
  const labels: Record<string, string> = {};
  let i = open + 1;
  if (s.charCodeAt(i) === 125 /* } */) return [labels, i + 1];
  for (;;) {
    const k = token(s, i);
    if (k === null || !s.startsWith(': ', k[1])) return null;
    const v = token(s, k[1] + 2);
    if (v === null) return null;
    labels[k[0]] = v[0];
    i = v[1];
    if (s.charCodeAt(i) === 125) return [labels, i + 1];
    if (!s.startsWith(', ', i)) return null;
    i += 2;
  }
}

/** A label key or value as Go >= 1.27 prints it: bare when only `[A-Za-z0-9./_]`, else quoted by printquoted. */
function readLabelToken(s: string, i: number): [string, number] | null {
  if (s.charCodeAt(i) === 34) return readQuoted(s, i);
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    const bare =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 47 || c === 95;
    if (!bare) break;
    j++;
  }
  return j === i ? null : [s.slice(i, j), j];
}

/** Go >= 1.27 (runtime.goroutineheader): ` {k: v, "k 2": "v 2"}` after the `]`; from the `{`, or null. */
function parseBareLabels(s: string, open: number): [Record<string, string>, number] | null {
  return parseLabelMap(s, open, readLabelToken);
}

const STATE_SUFFIXES: readonly [string, string][] = [
  [' (durable)', 'durable'],
  [' (scan)', 'scan'],
  [' (leaked)', 'leaked'],
];

/**
 * `goroutine N [state]:` with the optional words the runtime adds (goroutineheader): ` gp=0x.. m=N mp=0x..`
 * or ` m=nil` before the bracket; inside it ` (leaked)`, ` (scan)`, ` (durable)`, `, N minutes`,
 * `, locked to thread`, `, synctest bubble N`, ` labels:{...}` in that order after the state; Go >= 1.27 prints
 * labels after the bracket instead: `goroutine 7 [chan send (leaked)] {replica: 0, route: "/api/items?page=2"}:`.
 */
export function parseGoroutineHeader(s: string): GoroutineHeader | null {
  if (!s.startsWith('goroutine ')) return null;
  let goLabels: Record<string, string> | undefined;
  if (s.endsWith('}:')) {
    // Go >= 1.27 prints pprof labels after the bracket: `goroutine 7 [select] {route: /api}:`. States never
    // hold `] {`, so the first one ends the state (a label holding it is quoted after it).
    const close = s.indexOf('] {');
    if (close === -1) return null;
    const parsed = parseBareLabels(s, close + 2);
    if (parsed === null || parsed[1] !== s.length - 1) return null;
    goLabels = parsed[0];
    s = s.slice(0, close + 1) + ':';
  }
  if (!s.endsWith(']:')) return null;
  let i = 10;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  if (i === 10 || i - 10 > 20) return null;
  const id = Number(s.slice(10, i));
  const bracket = s.indexOf(' [', i);
  if (bracket === -1) return null;
  const flags: string[] = [];
  if (bracket > i) {
    // gp=0x.. m=N mp=0x.. (GOTRACEBACK=system or a runtime throw)
    const words = s.slice(i + 1, bracket).split(' ');
    for (const w of words) {
      if (!(w.startsWith('gp=') || w.startsWith('m=') || w.startsWith('mp='))) return null;
      flags.push(w);
    }
  }
  let body = s.slice(bracket + 2, s.length - 2);
  let labels: Record<string, string> | undefined;
  const lab = body.indexOf('{') === -1 ? -1 : body.indexOf(' labels:{');
  if (lab !== -1) {
    const parsed = parseLabels(body, lab + 8);
    if (parsed !== null && parsed[1] === body.length) {
      labels = parsed[0];
      body = body.slice(0, lab);
    }
  }
  let waitMinutes = 0;
  let lockedToThread = false;
  const tailFlags: string[] = [];
  // Comma-separated extras follow the state; states themselves never contain ", ".
  const comma = body.indexOf(', ');
  let state = comma === -1 ? body : body.slice(0, comma);
  if (comma !== -1) {
    for (const part of body.slice(comma + 2).split(', ')) {
      if (part === 'locked to thread') lockedToThread = true;
      else if (part.endsWith(' minutes') && allDigits(part, 0, part.length - 8))
        waitMinutes = Number(part.slice(0, -8));
      else tailFlags.push(part);
    }
  }
  const stateFlags: string[] = [];
  if (state.length > 0 && state.charCodeAt(state.length - 1) === 41 /* ) */) {
    for (let k = 0; k < STATE_SUFFIXES.length; k++) {
      const [suffix, flag] = STATE_SUFFIXES[k] as [string, string];
      if (state.endsWith(suffix) && state.length > suffix.length) {
        state = state.slice(0, state.length - suffix.length);
        stateFlags.push(flag);
      }
    }
  }
  if (state.length === 0) return null;
  for (let k = stateFlags.length - 1; k >= 0; k--) flags.push(stateFlags[k] as string);
  for (let k = 0; k < tailFlags.length; k++) flags.push(tailFlags[k] as string);
  const header: GoroutineHeader = { id, state, waitMinutes, lockedToThread, flags };
  if (labels !== undefined) header.labels = labels;
  if (goLabels !== undefined) header.labels = goLabels;
  return header;
}

/** `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4ce567]` */
export function parseSignalLine(
  s: string,
): { name: string; description?: string; code?: string; addr?: string; pc?: string } | null {
  if (!s.startsWith('[signal ') || !s.endsWith(']')) return null;
  const body = s.slice(8, s.length - 1);
  const codeAt = body.indexOf(' code=');
  const head = codeAt === -1 ? body : body.slice(0, codeAt);
  const colon = head.indexOf(': ');
  const out: { name: string; description?: string; code?: string; addr?: string; pc?: string } = {
    name: colon === -1 ? head : head.slice(0, colon),
  };
  if (colon !== -1) out.description = head.slice(colon + 2);
  if (codeAt !== -1) readWords(body.slice(codeAt + 1), out);
  return out;
}

/** `PC=0x408a4e m=0 sigcode=0` with ` addr=0x0` for SIGSEGV/SIGBUS (runtime.fatalsignal). */
export function parsePcLine(s: string): { pc?: string; code?: string; addr?: string } | null {
  if (!s.startsWith('PC=0x') && !s.startsWith('PC=')) return null;
  const out: { pc?: string; code?: string; addr?: string } = {};
  readWords(s, out);
  return out;
}

function readWords(s: string, out: { pc?: string; code?: string; addr?: string }): void {
  for (const w of s.split(' ')) {
    const eq = w.indexOf('=');
    if (eq === -1) continue;
    const k = w.slice(0, eq);
    const v = w.slice(eq + 1);
    if (k === 'pc' || k === 'PC') out.pc = v;
    else if (k === 'code' || k === 'sigcode') out.code = v;
    else if (k === 'addr') out.addr = v;
  }
}

/** `SIGQUIT: quit`, `SIGABRT: abort`: the first line runtime.fatalsignal prints (names from sigtab_*.go). */
export function parseSignalHeader(s: string): { name: string; description: string } | null {
  if (!s.startsWith('SIG')) return null;
  const colon = s.indexOf(': ');
  if (colon < 4) return null;
  for (let i = 3; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || isDigit(c))) return null;
  }
  return { name: s.slice(0, colon), description: s.slice(colon + 2) };
}

/** A register dump line: `rax    0x0`, `r8     0x0`, `rflags 0x246`, `lr  0x..` (runtime dumpregs). */
export function isRegisterLine(s: string): boolean {
  const sp = s.indexOf(' ');
  if (sp < 1 || sp > 8) return false;
  for (let i = 0; i < sp; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || isDigit(c))) return false;
  }
  let j = sp;
  while (j < s.length && s.charCodeAt(j) === SPACE) j++;
  if (!s.startsWith('0x', j) || j + 2 >= s.length) return false;
  for (let i = j + 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(isDigit(c) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
