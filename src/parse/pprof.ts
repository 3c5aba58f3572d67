// Reads pprof profiles: gzipped protobuf (decoded by pprof-format) and the text goroutine profiles that
// /debug/pprof/goroutine?debug=1 and ?debug=2 serve. Each is reduced to stacks with the one value goroscope
// ranks by, so the analysis does not care which format a profile came in.

import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { InputError } from '../errors.js';
import type { Location, ProfileData, ProfileSample, ProfileType } from '../model.js';
import { parseTracebacks } from './traceback.js';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export const PROFILE_TYPES: readonly ProfileType[] = ['mutex', 'block', 'goroutine', 'cpu', 'heap'];

function toNumber(value: number | bigint | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Mutex and block profiles share their sample types; the mutex profile's stacks end in an Unlock. */
function contentionType(samples: ProfileSample[], fileName: string): 'mutex' | 'block' {
  if (/mutex/i.test(fileName)) return 'mutex';
  if (/block/i.test(fileName)) return 'block';
  for (const sample of samples) {
    const leaf = sample.frames[0]?.function ?? '';
    if (/\.\(\*RW?Mutex\)\.R?Unlock$|^runtime\.unlock/.test(leaf)) return 'mutex';
  }
  return 'block';
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
    samples.push({ frames, value });
    total += value;
  }
  if (type === 'unknown' && names.includes('delay')) type = contentionType(samples, file);
  if (typeOverride !== undefined) type = typeOverride;
  const chosen = sampleTypes[valueIndex];
  return { file, type, valueName: chosen?.type ?? 'value', unit: chosen?.unit ?? '', total, samples };
}

/**
 * The debug=1 goroutine profile: groups of `N @ 0xpc 0xpc ...` followed by `#\t0xpc\tfunc+0xoff\tfile:line`.
 */
export function parseGoroutineDebug1(text: string, file: string): ProfileData {
  const samples: ProfileSample[] = [];
  let current: ProfileSample | undefined;
  let total = 0;
  for (const line of text.split('\n')) {
    const group = /^(\d+) @(?: 0x[0-9a-f]+)*\s*$/.exec(line);
    if (group) {
      current = { frames: [], value: Number(group[1]) };
      samples.push(current);
      total += current.value;
      continue;
    }
    if (current === undefined || !line.startsWith('#')) continue;
    const frame = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(.+):(\d+)\s*$/.exec(line);
    if (frame?.[1] !== undefined && frame[2] !== undefined) {
      current.frames.push({ function: frame[1], file: frame[2].trim(), line: Number(frame[3]) });
    }
  }
  return { file, type: 'goroutine', valueName: 'goroutines', unit: 'count', total, samples };
}

/** The debug=2 goroutine profile is a full traceback of every goroutine: one sample per goroutine. */
export function parseGoroutineDebug2(text: string, file: string): ProfileData {
  const samples: ProfileSample[] = [];
  for (const traceback of parseTracebacks(text, file)) {
    for (const goroutine of traceback.goroutines) {
      samples.push({
        frames: goroutine.frames.map(({ function: fn, file: f, line }) => ({ function: fn, file: f, line })),
        value: 1,
      });
    }
  }
  return { file, type: 'goroutine', valueName: 'goroutines', unit: 'count', total: samples.length, samples };
}

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
  if (head.startsWith('goroutine profile: total')) {
    const data = parseGoroutineDebug1(bytes.toString('utf8'), path);
    return typeOverride === undefined ? data : { ...data, type: typeOverride };
  }
  if (/^goroutine \d+/.test(head)) {
    const data = parseGoroutineDebug2(bytes.toString('utf8'), path);
    return typeOverride === undefined ? data : { ...data, type: typeOverride };
  }
  return decodeProfile(bytes, path, typeOverride);
}
