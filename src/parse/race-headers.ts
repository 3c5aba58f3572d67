// Race report headers as pastes and interleaved output leave them: `WARNING: DATA RACE` with doubled or trailing
// spaces, an access header with stray spaces (`Read at  0x.. by goroutine 7 :`) or broken over two lines
// (`Previous write at 0x.. by` / `goroutine 6:`). The access headers are distinctive enough to start a report
// on their own when the warning and the `==================` frame are lost.

const WARNING = 'WARNING: DATA RACE';

/** Whether a line is the race warning, whatever spaces a paste put in or around it. */
export function isMangledWarning(text: string): boolean {
  if (text.indexOf('DATA') === -1 || text.indexOf('RACE') === -1) return false;
  return text.replace(/\s+/g, ' ').trim() === WARNING;
}

/** The first half of an access header broken over two lines: `Read at 0x..`, `Previous write at 0x.. by`, .... */
const HEADER_HEAD =
  /^(?:Previous )?(?:atomic |Atomic )?(?:read|write|Read|Write)(?: at 0x[0-9a-fA-F]+)?(?: by(?: main| goroutine(?: \d+)?)?)?$/;

/** Whether `trimmed` may be the first half of a broken access header. */
export function isHeaderHead(trimmed: string): boolean {
  const c = trimmed.charCodeAt(0);
  if (c !== 80 /* P */ && c !== 82 /* R */ && c !== 87 /* W */ && c !== 97 /* a */ && c !== 65 /* A */) return false;
  return HEADER_HEAD.test(trimmed);
}

/**
 * A line that may be an access header, in Go's own spacing (`Read at 0x.. by goroutine 7:`); null when it cannot
 * be one. The caller parses the result.
 */
export function accessHeaderSpacing(text: string): string | null {
  const trimmed = text.trim();
  const c = trimmed.charCodeAt(0);
  if (c !== 80 /* P */ && c !== 82 /* R */ && c !== 87 /* W */ && c !== 97 /* a */ && c !== 65 /* A */) return null;
  if (trimmed.indexOf(' by') === -1 || !trimmed.endsWith(':')) return null;
  return trimmed.replace(/\s+/g, ' ').replace(/ :$/, ':');
}
