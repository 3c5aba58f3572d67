// Durations written the way Go's time.ParseDuration and `go test -timeout` accept them: 90s, 10m, 1h30m, 500ms.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or null when the text is not a positive duration such as 30s, 10m or 1h30m. */
export function parseDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) return null;
    total += Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0);
    at = re.lastIndex;
  }
  return at === 0 || total <= 0 ? null : total;
}

/** 75000 -> "1m15s" (whole seconds; the progress line does not need more). */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
