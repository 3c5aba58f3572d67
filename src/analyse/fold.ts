// Identical crashes fold into one entry while the log streams by, so memory grows with the number of distinct
// crashes, not with the number of crashes: a service that crashed and restarted a million times is one entry
// with a count, the first and the last position.
//
// "Identical" (docs/json.md states it for users): the same kind, the same message once hexadecimal addresses and
// decimal numbers are blanked, the same culprit, and the same goroutine groups: for each group its size, state,
// whether it holds the failing goroutine, its frames (function, file, line) and its `created by` line. Arguments,
// pointers, `+0x` offsets, goroutine ids and wait minutes never take part, because they differ between two runs of
// the same crash.

import { createHash } from 'node:crypto';
import type { Crash, CrashSource, Location } from '../model.js';

/** Blanks what differs between two runs of the same crash: addresses, then every other number. */
export function normaliseMessage(message: string): string {
  return message.replace(/0x[0-9a-fA-F]+/g, '0x_').replace(/\d+/g, '_');
}

function locationKey(location: Location | null | undefined): string {
  return location == null ? '-' : `${location.function} ${location.file}:${location.line}`;
}

/** A digest of everything that makes two crashes the same (see the file comment). */
export function crashFoldKey(crash: Crash): string {
  const hash = createHash('sha256');
  hash.update(`${crash.kind}\n${normaliseMessage(crash.message)}\n${locationKey(crash.culprit)}\n`);
  for (const group of crash.groups) {
    hash.update(`${group.count} ${group.state} ${group.crashing ? 'C' : '-'} ${locationKey(group.createdBy)}\n`);
    for (const frame of group.frames) hash.update(`${locationKey(frame)}\n`);
    hash.update('\n');
  }
  return hash.digest('base64');
}

/** Collects crashes in input order, folding each into an earlier identical one. */
export class CrashFolder {
  private readonly entries: Crash[] = [];
  private readonly byKey = new Map<string, Crash>();

  add(crash: Crash): void {
    const key = crashFoldKey(crash);
    const earlier = this.byKey.get(key);
    if (earlier === undefined) {
      crash.occurrences = 1;
      this.byKey.set(key, crash);
      this.entries.push(crash);
      return;
    }
    earlier.occurrences = (earlier.occurrences ?? 1) + 1;
    const last: CrashSource = { ...crash.source };
    earlier.lastSource = last;
  }

  /** The distinct crashes, in the order their first occurrence was found. */
  crashes(): Crash[] {
    return this.entries;
  }
}
