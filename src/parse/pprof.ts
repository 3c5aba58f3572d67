// Reads pprof profiles: gzipped protobuf (decoded by pprof-format) and the text goroutine profiles that
// /debug/pprof/goroutine?debug=1 and ?debug=2 serve, and Go 1.27's goroutineleak profile in the same three forms
// (its debug=2 form is a dump of every goroutine, the leaked ones marked `(leaked)`). Each is reduced to stacks with
// the one value goroscope
// ranks by, so the analysis does not care which format a profile came in.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { InputError } from '../errors.js';
import type { Location, ProfileData, ProfileSample, ProfileType } from '../model.js';
import { parseTracebacks } from './traceback.js';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export const PROFILE_TYPES: readonly ProfileType[] = ['mutex', 'block', 'goroutine', 'goroutineleak', 'cpu', 'heap'];

function toNumber(value: number | bigint | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'bigint' ? Number(value) : value;
}

// The stack's first frame is where the runtime recorded the event. A mutex profile records the Unlock that
// released a contended lock (sync.(*Mutex).Unlock, (*RWMutex).RUnlock, runtime.unlock for runtime-internal
// locks); a block profile records where a goroutine waited (Lock, RLock, Wait, channel operations, select).
const MUTEX_LEAF = /\.\(\*(?:RW)?Mutex\)\.R?Unlock$|\.R?Unlock$|^runtime\.(?:unlock\w*|_LostContendedRuntimeLock)$/;
const BLOCK_LEAF =
  /\.\(\*(?:RW)?Mutex\)\.R?Lock$|\.(?:R?Lock|Wait)$|^runtime\.(?:chanrecv[12]?|chansend1?|selectgo|selectnb\w+|semacquire\w*)$|^sync\.runtime_Sem\w+$/;

/**
 * Mutex and block profiles have the same sample types (contentions/count, delay/nanoseconds) and period (1
 * contention; runtime/pprof's printCountCycleProfile writes both), so only the stacks tell them apart. Returns the
 * type and, when the stacks did not settle it, why it is a guess.
 */
export function contentionType(
  samples: ProfileSample[],
  fileName: string,
): { type: 'mutex' | 'block'; guessed?: string } {
  let mutex = 0;
  let block = 0;
  for (const sample of samples) {
    const leaf = sample.frames[0]?.function ?? '';
    if (MUTEX_LEAF.test(leaf)) mutex += sample.value;
    else if (BLOCK_LEAF.test(leaf)) block += sample.value;
  }
  if (mutex > 0 && block === 0) return { type: 'mutex' };
  if (block > 0 && mutex === 0) return { type: 'block' };
  const base = basename(fileName);
  const named = /mutex/i.test(base) ? 'mutex' : /block/i.test(base) ? 'block' : undefined;
  const stacks =
    mutex === 0
      ? 'no stack ends in an Unlock or a blocking call'
      : 'some stacks end in an Unlock (mutex profile), others in a blocking call (block profile)';
  if (named !== undefined)
    return { type: named, guessed: `mutex or block told from the file name: ${stacks}; --type sets it` };
  const type = mutex > block ? 'mutex' : 'block';
  return { type, guessed: `mutex or block guessed (${type}): ${stacks}; --type sets it` };
}

/** Decodes a (gzipped or plain) protobuf profile. */
export function decodeProfile(bytes: Uint8Array, file: string, typeOverride?: ProfileType): ProfileData {
  let raw = bytes;
  if (bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(`${file}: not a readable gzip file`, {
        cause: error,
        hint: 'pass a profile as written by runtime/pprof or /debug/pprof',
      });
    }
  }
  let profile: Profile;
  try {
    profile = Profile.decode(raw);
  } catch (error) {
    throw new InputError(`${file}: not a pprof profile`, {
      cause: error,
      hint: 'goroscope profile reads pprof protobuf (.pb.gz) and goroutine text profiles (debug=1, debug=2)',
    });
  }
  const strings = profile.stringTable.strings;
  const sampleTypes = profile.sampleType.map((t) => ({
    type: strings[toNumber(t.type)] ?? '',
    unit: strings[toNumber(t.unit)] ?? '',
  }));
  const names = sampleTypes.map((t) => t.type);
  if (sampleTypes.length === 0) throw new InputError(`${file}: the profile has no sample types`);

  // Which value to rank by: the time or space measure, not the event count.
  let valueIndex = sampleTypes.length - 1;
  let type: ProfileType = 'unknown';
  if (names.includes('inuse_space')) {
    type = 'heap';
    valueIndex = names.indexOf('inuse_space');
  } else if (names.includes('cpu')) {
    type = 'cpu';
    valueIndex = names.indexOf('cpu');
  } else if (names.includes('goroutine')) {
    type = 'goroutine';
    valueIndex = names.indexOf('goroutine');
  } else if (names.includes('goroutineleak')) {
    // runtime/pprof printCountProfile: sample type "goroutineleak"/"count" (Go >= 1.26).
    type = 'goroutineleak';
    valueIndex = names.indexOf('goroutineleak');
  } else if (names.includes('delay') && names.includes('contentions')) {
    valueIndex = names.indexOf('delay');
  }

  const functions = new Map<number, { name: string; file: string }>();
  for (const fn of profile.function) {
    functions.set(toNumber(fn.id), {
      name: strings[toNumber(fn.name)] ?? '?',
      file: strings[toNumber(fn.filename)] ?? '?',
    });
  }
  const locations = new Map<number, Location[]>();
  for (const location of profile.location) {
    // Line entries list inlined calls innermost first, which is the leaf-first order we keep.
    const frames: Location[] = [];
    for (const line of location.line) {
      const fn = functions.get(toNumber(line.functionId));
      frames.push({ function: fn?.name ?? '?', file: fn?.file ?? '?', line: toNumber(line.line) });
    }
    if (frames.length === 0)
      frames.push({ function: `0x${toNumber(location.address).toString(16)}`, file: '?', line: 0 });
    locations.set(toNumber(location.id), frames);
  }

  const samples: ProfileSample[] = [];
  let total = 0;
  for (const sample of profile.sample) {
    const value = toNumber(sample.value[valueIndex]);
    if (value === 0) continue;
    const frames: Location[] = [];
    for (const id of sample.locationId) {
      const expanded = locations.get(toNumber(id));
      if (expanded) for (const frame of expanded) frames.push(frame);
    }
    const sampled: ProfileSample = { frames, value };
    if (sample.label.length > 0) {
      const labels: Record<string, string> = {};
      for (const label of sample.label) {
        const key = strings[toNumber(label.key)];
        const str = toNumber(label.str);
        if (key !== undefined) labels[key] = str === 0 ? String(toNumber(label.num)) : (strings[str] ?? '');
      }
      sampled.labels = labels;
    }
    samples.push(sampled);
    total += value;
  }
  let guessed: string | undefined;
  if (type === 'unknown' && names.includes('delay')) ({ type, guessed } = contentionType(samples, file));
  if (typeOverride !== undefined) {
    type = typeOverride;
    guessed = undefined;
  }
  const chosen = sampleTypes[valueIndex];
  return {
    file,
    type,
    valueName: chosen?.type ?? 'value',
    unit: chosen?.unit ?? '',
    total,
    samples,
    ...(guessed === undefined ? {} : { typeGuessed: guessed }),
  };
}

/** `{"k":"v", "k2":"v2"}` of a debug=1 `# labels:` line (runtime/pprof labelMap.String, strconv.Quote'd). */
function parseDebug1Labels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const pair = /"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g;
  let found = false;
  for (let m = pair.exec(text); m !== null; m = pair.exec(text)) {
    labels[unquote(m[1] ?? '')] = unquote(m[2] ?? '');
    found = true;
  }
  return found ? labels : undefined;
}

/** The body of a Go-quoted string; JSON's escapes cover strconv.Quote's except `\x`, which is decoded here. */
function unquote(body: string): string {
  try {
    return JSON.parse(`"${body.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')}"`) as string;
  } catch {
    return body;
  }
}

/**
 * The debug=1 goroutine profile: groups of `N @ 0xpc 0xpc ...` followed by `#\t0xpc\tfunc+0xoff\tfile:line`,
 * with `# labels: {...}` after the group line when the goroutines carry pprof labels. The goroutineleak profile
 * (Go >= 1.26) has the same form under `goroutineleak profile: total N`.
 */
export function parseGoroutineDebug1(text: string, file: string): ProfileData {
  const samples: ProfileSample[] = [];
  let current: ProfileSample | undefined;
  let total = 0;
  const type: ProfileType = text.startsWith('goroutineleak profile:') ? 'goroutineleak' : 'goroutine';
  for (const line of text.split('\n')) {
    const group = /^(\d+) @(?: 0x[0-9a-f]+)*\s*$/.exec(line);
    if (group) {
      current = { frames: [], value: Number(group[1]) };
      samples.push(current);
      total += current.value;
      continue;
    }
    if (current === undefined || !line.startsWith('#')) continue;
    if (line.startsWith('# labels: ')) {
      const labels = parseDebug1Labels(line.slice(10));
      if (labels !== undefined) current.labels = labels;
      continue;
    }
    const frame = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(.+):(\d+)\s*$/.exec(line);
    if (frame?.[1] !== undefined && frame[2] !== undefined) {
      current.frames.push({ function: frame[1], file: frame[2].trim(), line: Number(frame[3]) });
    }
  }
  return {
    file,
    type,
    valueName: type === 'goroutineleak' ? 'leaked goroutines' : 'goroutines',
    unit: 'count',
    total,
    samples,
  };
}

/**
 * The debug=1 mutex and block profiles (runtime/pprof writeProfileInternal): a `--- mutex:` or `--- contention:`
 * header, `cycles/second=N`, then groups of `<cycles> <count> @ 0xpc ...` followed by `#\t0xpc\tfunc+0xoff\tfile:line`.
 * Cycles become nanoseconds as in the protobuf form (cycles / (cycles per second / 1e9)).
 */
export function parseContentionDebug1(text: string, file: string): ProfileData {
  const header = /^--- (mutex|contention):/.exec(text);
  const type: ProfileType = header?.[1] === 'mutex' ? 'mutex' : 'block';
  const cyclesPerSecond = Number(/^cycles\/second=(\d+)/m.exec(text)?.[1] ?? 0);
  if (!(cyclesPerSecond > 0))
    throw new InputError(`${file}: a debug=1 ${type} profile without a cycles/second line`, {
      hint: 'pass the profile as /debug/pprof served it, or the protobuf form (without ?debug=1)',
    });
  const cyclesPerNanosecond = cyclesPerSecond / 1e9;
  const samples: ProfileSample[] = [];
  let current: ProfileSample | undefined;
  let total = 0;
  for (const line of text.split('\n')) {
    const group = /^(\d+) (\d+) @(?: 0x[0-9a-f]+)*\s*$/.exec(line);
    if (group) {
      current = { frames: [], value: Math.trunc(Number(group[1]) / cyclesPerNanosecond) };
      samples.push(current);
      total += current.value;
      continue;
    }
    if (current === undefined || !line.startsWith('#')) continue;
    const frame = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(.+):(\d+)\s*$/.exec(line);
    if (frame?.[1] !== undefined && frame[2] !== undefined)
      current.frames.push({ function: frame[1], file: frame[2].trim(), line: Number(frame[3]) });
  }
  return { file, type, valueName: 'delay', unit: 'nanoseconds', total, samples: samples.filter((s) => s.value > 0) };
}

/**
 * The debug=2 goroutine profile is a full traceback of every goroutine: one sample per goroutine. The
 * goroutineleak profile's debug=2 form prints every goroutine too, the leaked ones marked `(leaked)`; when any
 * goroutine is so marked, only those count, and the profile is a goroutineleak profile.
 */
export function parseGoroutineDebug2(text: string, file: string): ProfileData {
  const all: ProfileSample[] = [];
  const leaked: ProfileSample[] = [];
  for (const traceback of parseTracebacks(text, file)) {
    for (const goroutine of traceback.goroutines) {
      const sample: ProfileSample = {
        frames: goroutine.frames.map(({ function: fn, file: f, line }) => ({ function: fn, file: f, line })),
        value: 1,
      };
      if (goroutine.labels !== undefined) sample.labels = goroutine.labels;
      all.push(sample);
      if (goroutine.flags.includes('leaked')) leaked.push(sample);
    }
  }
  if (leaked.length > 0) {
    const total = leaked.length;
    return { file, type: 'goroutineleak', valueName: 'leaked goroutines', unit: 'count', total, samples: leaked };
  }
  return { file, type: 'goroutine', valueName: 'goroutines', unit: 'count', total: all.length, samples: all };
}

/** Text profiles runtime/pprof writes with debug=1 that have no reader here, named exactly in the error. */
const LEGACY_TEXT: [RegExp, string][] = [
  [/^heap profile: /, 'a heap profile in text form (debug=1)'],
  [/^threadcreate profile: /, 'a threadcreate profile in text form (debug=1)'],
  [/^--- /, 'a text profile (debug=1) of a kind it does not know'],
];

/** Reads any supported profile file. */
export async function readProfile(path: string, typeOverride?: ProfileType): Promise<ProfileData> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(code);
    throw new InputError(`cannot read ${path}: ${why}`, {
      cause: error,
      hint: 'pass a pprof file, e.g. curl -o mutex.pb.gz http://host/debug/pprof/mutex',
    });
  }
  const head = bytes.subarray(0, 64).toString('latin1');
  if (head.startsWith('goroutine profile: total') || head.startsWith('goroutineleak profile: total')) {
    const data = parseGoroutineDebug1(bytes.toString('utf8'), path);
    return typeOverride === undefined ? data : { ...data, type: typeOverride };
  }
  if (/^--- (?:mutex|contention):/.test(head)) {
    const data = parseContentionDebug1(bytes.toString('utf8'), path);
    return typeOverride === undefined ? data : { ...data, type: typeOverride };
  }
  // A debug=2 profile starts with a goroutine header; a SIGQUIT dump (kill -QUIT, Ctrl-\\) with `SIGQUIT: quit`
  // and the signal's PC line before the same tracebacks.
  if (/^goroutine \d+/.test(head) || /^SIGQUIT: quit\r?\n/.test(head)) {
    const data = parseGoroutineDebug2(bytes.toString('utf8'), path);
    if (data.samples.length === 0)
      throw new InputError(`${path}: a goroutine dump with no goroutine tracebacks in it`, {
        hint: 'the dump may be cut short; capture it again (GOTRACEBACK=all, or /debug/pprof/goroutine?debug=2)',
      });
    return typeOverride === undefined ? data : { ...data, type: typeOverride };
  }
  const legacy = LEGACY_TEXT.find(([pattern]) => pattern.test(head));
  if (legacy !== undefined)
    throw new InputError(`${path}: ${legacy[1]}, which goroscope profile does not read`, {
      hint: 'fetch the protobuf form instead: the same /debug/pprof URL without ?debug=1',
    });
  return decodeProfile(bytes, path, typeOverride);
}
