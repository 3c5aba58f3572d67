// A panic raised by a deferred call at function exit: Go reports the deferred call at the statement where the
// function returned (the `return`, or the closing brace it fell off), not at the `defer` (seen with Go 1.21.13,
// 1.23.12 and 1.24.13-1.27.3). For a second Unlock or a second WaitGroup.Done that line says little; the source
// says more: the `defer` statement that ran there, and the earlier statement in the same function that had already
// released the lock or counted the goroutine done. Text-based over gofmt'd Go: braces are counted outside
// comments, strings and runes.

/** What the failed deferred call releases: a lock (Unlock, RUnlock) or a WaitGroup count (Done). */
export type ReleaseMethod = 'Unlock' | 'RUnlock' | 'Done';

export interface DeferredReleaseSite {
  /** Where the function left: a `return` statement or the end of its body. */
  exit: 'return' | 'end';
  /** 1-based line of the `defer` statement and its text (trimmed, comment removed). */
  deferLine: number;
  deferText: string;
  /** The receiver expression and method the deferred call releases with, e.g. `c.mu` and `Unlock`. */
  receiver: string;
  method: ReleaseMethod;
  /** The last statement before the exit that called the same release on the same receiver, if any. */
  releaseLine?: number;
  releaseText?: string;
}

/** A line without its trailing `// comment` (a `//` inside a string is left alone). */
function code(line: string): string {
  let inString: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString !== null) {
      if (c === '\\' && inString !== '`') i++;
      else if (c === inString) inString = null;
    } else if (c === '"' || c === '`' || c === "'") inString = c;
    else if (c === '/' && line[i + 1] === '/') return line.slice(0, i).trim();
  }
  return line.trim();
}

/**
 * For each line (0-based), the 0-based line of the `func` whose body holds it (a closing brace belongs to the
 * body it closes); -1 outside functions.
 */
function enclosingFunctions(lines: readonly string[]): number[] {
  const owner: number[] = [];
  // Open braces: the line they opened on and whether that line opened a function body.
  const stack: { func: number }[] = [];
  let rawString = false;
  let blockComment = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    const current = (): number => {
      for (let k = stack.length - 1; k >= 0; k--) {
        const f = stack[k]?.func ?? -1;
        if (f >= 0) return f;
      }
      return -1;
    };
    owner[n] = current();
    let funcSeen = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (blockComment) {
        if (c === '*' && line[i + 1] === '/') {
          blockComment = false;
          i++;
        }
        continue;
      }
      if (rawString) {
        if (c === '`') rawString = false;
        continue;
      }
      if (c === '/' && line[i + 1] === '/') break;
      if (c === '/' && line[i + 1] === '*') {
        blockComment = true;
        i++;
      } else if (c === '`') rawString = true;
      else if (c === '"' || c === "'") {
        for (i++; i < line.length && line[i] !== c; i++) if (line[i] === '\\') i++;
      } else if (
        c === 'f' &&
        line.startsWith('func', i) &&
        !/\w/.test(line[i - 1] ?? '') &&
        !/\w/.test(line[i + 4] ?? '')
      ) {
        funcSeen = true;
      } else if (c === '{') {
        stack.push({ func: funcSeen ? n : -1 });
        funcSeen = false;
      } else if (c === '}') {
        stack.pop();
      }
    }
  }
  return owner;
}

const DEFERRED_RELEASE = /^defer\s+(.+)\.(Unlock|RUnlock|Done)\(\)$/;

/**
 * The deferred release that ran at `line` (1-based) of `lines`, when that line is a `return` or a closing brace of
 * a function holding a `defer X.Unlock()` / `X.RUnlock()` / `X.Done()` before it; null otherwise.
 */
export function findDeferredRelease(
  lines: readonly string[],
  line: number,
  method: ReleaseMethod,
): DeferredReleaseSite | null {
  const exit = code(lines[line - 1] ?? '');
  // `}`, or a function literal's `}()` / `})` / `}(x, y)`.
  const end = exit === '}' || /^\}\)*(?:\([^)]*\))?\)*$/.test(exit);
  if (!(end || exit === 'return' || exit.startsWith('return ') || exit.startsWith('return('))) return null;
  const owner = enclosingFunctions(lines);
  const fn = owner[line - 1] ?? -1;
  if (fn < 0) return null;
  let site: DeferredReleaseSite | null = null;
  for (let n = fn + 1; n < line - 1; n++) {
    if (owner[n] !== fn) continue;
    const text = code(lines[n] ?? '');
    const m = DEFERRED_RELEASE.exec(text);
    if (m !== null && m[2] === method) {
      site = { exit: end ? 'end' : 'return', deferLine: n + 1, deferText: text, receiver: m[1] ?? '', method };
    } else if (site !== null && !text.startsWith('defer ') && text.includes(`${site.receiver}.${method}()`)) {
      site.releaseLine = n + 1;
      site.releaseText = text;
    }
  }
  return site;
}
