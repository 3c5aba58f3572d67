// Grouping goroutines with the same stack. Streaming: one entry per distinct signature, so memory grows with
// the number of groups, not goroutines (a goroutine is not kept after add()).

import type { GoroutineGroup, Goroutine, Location } from '../model.js';
import { gorootOfFrame, isStdlibFrame, type StdHints, toLocation } from '../knowledge/std-frames.js';

/**
 * exact: same state, wait minutes, frames and arguments.
 * ignore-args: arguments differ (different channels/mutexes, same code) — the usual choice.
 * ignore-wait: also ignores how long they have waited, for one group per code path.
 */
export type GroupLevel = 'exact' | 'ignore-args' | 'ignore-wait';

/** How many goroutine ids each group remembers; `count` stays exact. */
const MAX_IDS = 5;

export interface GroupDetail extends GoroutineGroup {
  /** The culprit is the `created by` line because no frame of the goroutines is user code. */
  culpritFromCreatedBy: boolean;
}

/** What a group's first goroutine looked like, to confirm that a goroutine with the same hash really matches. */
interface Representative {
  group: GroupDetail;
  state: string;
  leaked: boolean;
  /** The value of the grouping label, when grouping by one. */
  labelValue: string | undefined;
  waitMinutes: number;
  functions: string[];
  lines: number[];
  /** Only kept at 'exact'. */
  files: string[] | undefined;
  args: string[] | undefined;
  createdBy: string | undefined;
  createdLine: number;
  elided: number;
}

/** Narrows a group's labels to those `labels` shares; drops them when none remain. */
function keepCommonLabels(group: GroupDetail, labels: Record<string, string> | undefined): void {
  const common = group.labels;
  if (common === undefined) return;
  if (labels === undefined) {
    delete group.labels;
    return;
  }
  let left = 0;
  for (const key of Object.keys(common)) {
    if (labels[key] === common[key]) left++;
    else delete common[key];
  }
  if (left === 0) delete group.labels;
}

/**
 * Mixes a string into the hash by its length and its last 24 characters only: function names share long
 * package-path prefixes and differ at the end, and `matches` settles any collision exactly, so hashing every
 * character (most of the grouping time at 200,000 goroutines) buys nothing.
 */
function fnv(h: number, s: string): number {
  const n = s.length;
  h = Math.imul(h ^ n, 16777619);
  for (let i = n > 24 ? n - 24 : 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

function mixNumber(h: number, n: number): number {
  return Math.imul(h ^ (n | 0), 16777619);
}

/**
 * Streaming grouper. A goroutine's signature is hashed in place (no key string is built) and checked against
 * the group's representative, so each add costs one pass over the frames' function names and no garbage:
 * building and hashing long key strings per goroutine dominated the time at 200,000 goroutines. File paths
 * are compared only at 'exact': within one binary a function name and line fix the file.
 */
export class Grouper {
  private readonly byHash = new Map<number, Representative[]>();
  private readonly reps: Representative[] = [];
  private readonly goroots: string[];

  /** With `groupByLabel`, goroutines whose value of that pprof label differs are never grouped together. */
  constructor(
    private readonly level: GroupLevel,
    hints?: StdHints,
    private readonly groupByLabel?: string,
  ) {
    this.goroots = hints?.goroots === undefined ? [] : [...hints.goroots];
  }

  private labelValue(g: Goroutine): string | undefined {
    return this.groupByLabel === undefined ? undefined : g.labels?.[this.groupByLabel];
  }

  private hash(g: Goroutine): number {
    let h = fnv(2166136261, g.state);
    if (g.flags.length > 0 && g.flags.includes('leaked')) h = mixNumber(h, 1);
    const label = this.labelValue(g);
    if (label !== undefined) h = fnv(h, label);
    if (this.level !== 'ignore-wait') h = mixNumber(h, g.waitMinutes);
    const exact = this.level === 'exact';
    for (const f of g.frames) {
      h = mixNumber(fnv(h, f.function), f.line);
      if (exact) h = fnv(h, f.args);
    }
    const by = g.createdBy;
    if (by !== undefined) h = mixNumber(fnv(h, by.function), by.line);
    return mixNumber(h, g.elidedFrames);
  }

  private matches(r: Representative, g: Goroutine): boolean {
    if (r.state !== g.state || r.elided !== g.elidedFrames) return false;
    if (r.leaked !== (g.flags.length > 0 && g.flags.includes('leaked'))) return false;
    if (r.labelValue !== this.labelValue(g)) return false;
    if (this.level !== 'ignore-wait' && r.waitMinutes !== g.waitMinutes) return false;
    const frames = g.frames;
    if (frames.length !== r.functions.length) return false;
    let i = 0;
    for (const f of frames) {
      if (f.line !== r.lines[i] || f.function !== r.functions[i]) return false;
      if (r.files !== undefined && f.file !== r.files[i]) return false;
      if (r.args !== undefined && f.args !== r.args[i]) return false;
      i++;
    }
    const by = g.createdBy;
    if (by === undefined) return r.createdBy === undefined;
    return by.function === r.createdBy && by.line === r.createdLine;
  }

  /** Called once per new group: learn GOROOTs from this stack, then find its first user frame. */
  private culpritOf(g: Goroutine): { culprit: Location | null; fromCreatedBy: boolean } {
    for (const f of g.frames) {
      const root = gorootOfFrame(f);
      if (root !== undefined && !this.goroots.includes(root)) this.goroots.push(root);
    }
    const hints: StdHints = { goroots: this.goroots };
    for (const f of g.frames) if (!isStdlibFrame(f, hints)) return { culprit: toLocation(f), fromCreatedBy: false };
    if (g.createdBy !== undefined && !isStdlibFrame(g.createdBy, hints)) {
      return { culprit: toLocation(g.createdBy), fromCreatedBy: true };
    }
    return { culprit: null, fromCreatedBy: false };
  }

  /** Counts g in its group and returns that group. */
  add(g: Goroutine, crashingGoroutine?: number): GroupDetail {
    const h = this.hash(g);
    const crashing = crashingGoroutine !== undefined && g.id === crashingGoroutine;
    const found = this.find(h, g);
    if (found === undefined) return this.create(h, g, crashing);
    found.count++;
    if (g.waitMinutes < found.waitMinutes[0]) found.waitMinutes[0] = g.waitMinutes;
    if (g.waitMinutes > found.waitMinutes[1]) found.waitMinutes[1] = g.waitMinutes;
    if (found.goroutineIds.length < MAX_IDS) found.goroutineIds.push(g.id);
    else if (crashing) found.goroutineIds[MAX_IDS - 1] = g.id;
    if (crashing) found.crashing = true;
    if (found.labels !== undefined) keepCommonLabels(found, g.labels);
    return found;
  }

  /**
   * Counts one more goroutine that differs from one already added to `group` only in its id, arguments and pc offsets
   * (the caller has compared the rest of their text; never at 'exact'): what add() does with it, without hashing its
   * frames again.
   */
  addSame(group: GroupDetail, goroutineId: number): void {
    group.count++;
    if (group.goroutineIds.length < MAX_IDS) group.goroutineIds.push(goroutineId);
  }

  /**
   * Counts a group another Grouper (at the same level) made of the goroutines that follow, as if each had been
   * added here in turn: `first` is its first goroutine, `group` what that Grouper made of it. Merging the groups
   * of consecutive stretches of goroutines in order gives the groups of all of them, in the same order.
   */
  merge(first: Goroutine, group: GoroutineGroup): void {
    const h = this.hash(first);
    let found = this.find(h, first);
    if (found === undefined) {
      found = this.create(h, first, false);
      found.count = group.count;
      found.waitMinutes = [group.waitMinutes[0], group.waitMinutes[1]];
      found.goroutineIds = group.goroutineIds.slice(0, MAX_IDS);
      if (group.labels === undefined) delete found.labels;
      else found.labels = { ...group.labels };
      return;
    }
    found.count += group.count;
    if (group.waitMinutes[0] < found.waitMinutes[0]) found.waitMinutes[0] = group.waitMinutes[0];
    if (group.waitMinutes[1] > found.waitMinutes[1]) found.waitMinutes[1] = group.waitMinutes[1];
    for (const id of group.goroutineIds) {
      if (found.goroutineIds.length >= MAX_IDS) break;
      found.goroutineIds.push(id);
    }
    // The labels all of them share: intersecting with what the other group's goroutines share is the same.
    if (found.labels !== undefined) keepCommonLabels(found, group.labels);
  }

  private find(h: number, g: Goroutine): GroupDetail | undefined {
    const list = this.byHash.get(h);
    if (list === undefined) return undefined;
    for (const r of list) if (this.matches(r, g)) return r.group;
    return undefined;
  }

  private create(h: number, g: Goroutine, crashing: boolean): GroupDetail {
    let list = this.byHash.get(h);
    if (list === undefined) {
      list = [];
      this.byHash.set(h, list);
    }
    const { culprit, fromCreatedBy } = this.culpritOf(g);
    const n = g.frames.length;
    const frames: Location[] = new Array<Location>(n);
    const functions: string[] = new Array<string>(n);
    const lines: number[] = new Array<number>(n);
    let i = 0;
    for (const f of g.frames) {
      frames[i] = toLocation(f);
      functions[i] = f.function;
      lines[i] = f.line;
      i++;
    }
    const exact = this.level === 'exact';
    const group: GroupDetail = {
      count: 1,
      state: g.state,
      waitMinutes: [g.waitMinutes, g.waitMinutes],
      culprit,
      culpritFromCreatedBy: fromCreatedBy,
      frames,
      goroutineIds: [g.id],
      crashing,
    };
    if (g.createdBy !== undefined) group.createdBy = toLocation(g.createdBy);
    const leaked = g.flags.length > 0 && g.flags.includes('leaked');
    if (leaked) group.leaked = true;
    if (g.labels !== undefined && Object.keys(g.labels).length > 0) group.labels = { ...g.labels };
    const rep: Representative = {
      group,
      state: g.state,
      leaked,
      labelValue: this.labelValue(g),
      waitMinutes: g.waitMinutes,
      functions,
      lines,
      files: exact ? g.frames.map((f) => f.file) : undefined,
      args: exact ? g.frames.map((f) => f.args) : undefined,
      createdBy: g.createdBy?.function,
      createdLine: g.createdBy?.line ?? 0,
      elided: g.elidedFrames,
    };
    list.push(rep);
    this.reps.push(rep);
    return group;
  }

  /** Marks `group` as holding the goroutine a diagnosis names, after the fact (it sorts first). */
  markCrashing(group: GroupDetail, goroutineId: number): void {
    group.crashing = true;
    if (group.goroutineIds.includes(goroutineId)) return;
    if (group.goroutineIds.length < MAX_IDS) group.goroutineIds.push(goroutineId);
    else group.goroutineIds[MAX_IDS - 1] = goroutineId;
  }

  /** The crashing goroutine's group first, then the largest; equal counts keep their order in the input. */
  groups(): GroupDetail[] {
    const all = this.reps.map((r) => r.group);
    // Array.prototype.sort is stable, so equal counts keep their first-seen order.
    all.sort((a, b) => {
      if (a.crashing !== b.crashing) return a.crashing ? -1 : 1;
      return b.count - a.count;
    });
    return all;
  }

  get size(): number {
    return this.reps.length;
  }
}
