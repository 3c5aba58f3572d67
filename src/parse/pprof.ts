// Reads pprof profiles: gzipped protobuf (decoded by pprof-format) and the text goroutine profiles that
// /debug/pprof/goroutine?debug=1 and ?debug=2 serve, and Go 1.27's goroutineleak profile in the same three forms
// (its debug=2 form is a dump of every goroutine, the leaked ones marked `(leaked)`). Each is reduced to stacks with the one value goroscope
// ranks by, so the analysis does not care which format a profile came in.

import { readFile } from 'node:fs/promises';
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
  if (type === 'unknown' && names.includes('delay')) type = contentionType(samples, file);
  if (typeOverride !== undefined) type = typeOverride;
  const chosen = sampleTypes[valueIndex];
  return { file, type, valueName: chosen?.type ?? 'value', unit: chosen?.unit ?? '', total, samples };
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
  if (/^goroutine \d+/.test(head)) {
    const data = parseGoroutineDebug2(bytes.toString('utf8'), path);
    return typeOverride === undefined ? data : { ...data, type: typeOverride };
  }
  return decodeProfile(bytes, path, typeOverride);
}
