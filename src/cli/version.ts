import { readFileSync } from 'node:fs';

/** goroscope's version from its package.json ("unknown" if it cannot be read, e.g. a copied dist/). */
export function packageVersion(): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  } catch {
    return 'unknown';
  }
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
    return parsed.version;
  }
  return 'unknown';
}
