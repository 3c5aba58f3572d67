// Which kind of failure a traceback shows, from the exact texts the Go runtime, sync and testing print.
// Sources (Go 1.9 -> 1.26): runtime/panic.go, error.go, map*.go, internal/runtime/maps/*.go (swiss maps,
// Go >= 1.24), proc.go (deadlock, thread limit), stack.go, malloc.go, synctest.go, sync/*.go,
// internal/sync/*.go, testing/testing.go.

import type { CrashKind, PanicValue, Traceback } from '../model.js';

/** The fatal errors the runtime raises when it catches two goroutines using one map at once. */
export const MAP_RACE_KINDS: ReadonlySet<CrashKind> = new Set<CrashKind>([
  'concurrent_map_writes',
  'concurrent_map_read_write',
  'concurrent_map_iteration_write',
  'concurrent_map_clone_write',
]);

export interface Classification {
  kind: CrashKind;
  /** The panic value or fatal error text as printed (for signals and dumps, a short description). */
  message: string;
}

/** `fatal error:` texts. Exact match after trimming; order does not matter. */
const FATAL_KINDS: ReadonlyMap<string, CrashKind> = new Map<string, CrashKind>([
  ['concurrent map writes', 'concurrent_map_writes'],
  // Swiss maps (Go >= 1.24) can find a full small map when two writers race.
  ['small map with no empty slot (concurrent map writes?)', 'concurrent_map_writes'],
  ['concurrent map read and map write', 'concurrent_map_read_write'],
  ['concurrent map iteration and map write', 'concurrent_map_iteration_write'],
  ['concurrent map clone and map write', 'concurrent_map_clone_write'],
  // Go >= 1.10 throws these (earlier `sync: unlock of unlocked mutex` was a panic, see PANIC_KINDS).
  ['sync: unlock of unlocked mutex', 'unlock_of_unlocked'],
  ['sync: Unlock of unlocked RWMutex', 'unlock_of_unlocked'],
  ['sync: RUnlock of unlocked RWMutex', 'unlock_of_unlocked'],
  ['all goroutines are asleep - deadlock!', 'deadlock_all_asleep'],
  ['no goroutines (main called runtime.Goexit) - deadlock!', 'deadlock_all_asleep'],
  ['stack overflow', 'stack_overflow'],
  ['out of memory', 'out_of_memory'],
  // Go <= 1.10 prefixed it: `fatal error: runtime: out of memory`.
  ['runtime: out of memory', 'out_of_memory'],
  ['thread exhaustion', 'thread_exhaustion'],
  ['fault', 'unexpected_signal'],
  ['unexpected signal during runtime execution', 'unexpected_signal'],
]);

/** Panic values printed by the runtime and sync, matched exactly. */
const PANIC_KINDS: ReadonlyMap<string, CrashKind> = new Map<string, CrashKind>([
  ['assignment to entry in nil map', 'nil_map_write'],
  ['send on closed channel', 'send_on_closed_channel'],
  ['close of closed channel', 'close_closed_channel'],
  ['close of nil channel', 'close_nil_channel'],
  ['sync: negative WaitGroup counter', 'negative_waitgroup'],
  ['sync: WaitGroup is reused before previous Wait has returned', 'waitgroup_reuse'],
  ['sync: WaitGroup misuse: Add called concurrently with Wait', 'waitgroup_add_during_wait'],
  ['sync: unlock of unlocked mutex', 'unlock_of_unlocked'],
  ['sync: Unlock of unlocked RWMutex', 'unlock_of_unlocked'],
  ['sync: RUnlock of unlocked RWMutex', 'unlock_of_unlocked'],
  // runtime/synctest.go (Go >= 1.24 experiment, 1.25 testing/synctest).
  ['deadlock: all goroutines in bubble are blocked', 'synctest_deadlock'],
  ['deadlock: main bubble goroutine has exited but blocked goroutines remain', 'synctest_deadlock'],
  ['runtime error: invalid memory address or nil pointer dereference', 'nil_pointer_deref'],
  ['runtime error: integer divide by zero', 'divide_by_zero'],
]);

/**
 * The panic that killed the program. Go prints the chain oldest first; every entry but the newest was either
 * recovered (`[recovered]`: a deferred call recovered it and then panicked again) or was still unwinding when
 * a deferred call panicked anew. Either way the newest entry is the one in flight when the program died, so it
 * decides the kind. Entries ended by runtime.Goexit (`[goexit]`) never kill a program and are passed over.
 */
export function fatalPanic(panics: readonly PanicValue[]): PanicValue | undefined {
  for (let i = panics.length - 1; i >= 0; i--) {
    const p = panics[i];
    if (p !== undefined && !p.goexit) return p;
  }
  return panics[panics.length - 1];
}

function panicKind(message: string): CrashKind {
  const exact = PANIC_KINDS.get(message);
  if (exact !== undefined) return exact;
  // Go <= 1.4 raised channel errors through runtime.panicstring, so they carry the `runtime error: ` prefix
  // (seen in logs of Go 1.2 and 1.3 pasted into public issues; Go 1.5 printed them without it).
  if (message.startsWith('runtime error: ')) {
    const old = PANIC_KINDS.get(message.slice(15));
    if (old === 'send_on_closed_channel' || old === 'close_closed_channel' || old === 'close_nil_channel') return old;
  }
  // Go >= 1.13 adds details: `index out of range [5] with length 3`; older ones print just the phrase.
  if (message.startsWith('runtime error: index out of range')) return 'index_out_of_range';
  if (message.startsWith('runtime error: slice bounds out of range')) return 'slice_bounds_out_of_range';
  if (message.startsWith('interface conversion: ')) return 'type_assertion';
  // A runtime.Error wrapped by the user's recover/re-panic keeps the runtime text as a prefix.
  if (message.startsWith('runtime error: invalid memory address or nil pointer dereference')) {
    return 'nil_pointer_deref';
  }
  if (message.startsWith('test timed out after ')) return 'test_timeout';
  return 'user_panic';
}

function fatalKind(text: string, tb: Traceback): CrashKind | undefined {
  const exact = FATAL_KINDS.get(text);
  if (exact !== undefined) return exact;
  // runtime.newstack prints `runtime: goroutine stack exceeds 1000000000-byte limit` before the throw.
  if (text.startsWith('stack overflow')) return 'stack_overflow';
  if (text.startsWith('out of memory') || text.startsWith('runtime: out of memory')) return 'out_of_memory';
  if (text.startsWith('newosproc') || text.startsWith('runtime: failed to create new OS thread')) {
    return 'thread_exhaustion';
  }
  // runtime/chan.go, select.go, time.go (Go >= 1.25): a bubble's channel or timer touched from outside it.
  if (text.endsWith(' from outside bubble') && text.includes('synctest ')) return 'synctest_outside_bubble';
  if (tb.signal !== undefined) return 'unexpected_signal';
  return undefined;
}

/** Runtime lines that name the failure even when the `fatal error:` line is missing or generic. */
function runtimeMessageKind(lines: readonly string[]): CrashKind | undefined {
  for (const raw of lines) {
    const line = raw.startsWith('runtime: ') ? raw.slice(9) : raw;
    if (line.startsWith('goroutine stack exceeds ')) return 'stack_overflow';
    if (line.startsWith('out of memory')) return 'out_of_memory';
    if (/^program exceeds \d+-thread limit/.test(line)) return 'thread_exhaustion';
    if (line.startsWith('failed to create new OS thread')) return 'thread_exhaustion';
    // cgo programs create threads with pthread_create and abort when it fails.
    if (raw.startsWith('runtime/cgo: pthread_create failed')) return 'thread_exhaustion';
  }
  return undefined;
}

export function classify(tb: Traceback): Classification {
  if (tb.testTimeout !== undefined) {
    return { kind: 'test_timeout', message: `test timed out after ${tb.testTimeout.after}` };
  }

  const killer = fatalPanic(tb.panics);
  if (killer !== undefined) {
    return { kind: panicKind(killer.message), message: killer.message };
  }

  if (tb.fatalError !== undefined) {
    const text = tb.fatalError.trim();
    // A runtime message is more specific than a generic throw text (e.g. `fatal error: newosproc`).
    const kind = FATAL_KINDS.get(text) ?? runtimeMessageKind(tb.runtimeMessages) ?? fatalKind(text, tb);
    if (kind === 'unexpected_signal' && text === 'fault' && tb.unexpectedFaultAddress !== undefined) {
      // `fatal error: fault` alone says little; the line before it names the address.
      return { kind, message: `unexpected fault address ${tb.unexpectedFaultAddress}` };
    }
    if (kind !== undefined) return { kind, message: text };
    // Other runtime throws (e.g. `synctest timer accessed from outside bubble`) have no kind of their own;
    // they are reported as a panic with the runtime's text.
    return { kind: 'user_panic', message: text };
  }

  const fromMessages = runtimeMessageKind(tb.runtimeMessages);
  if (fromMessages !== undefined) return { kind: fromMessages, message: tb.runtimeMessages[0] ?? '' };

  const fromFrames = frameKind(tb);
  if (fromFrames !== undefined) return fromFrames;

  if (tb.unexpectedFaultAddress !== undefined) {
    return { kind: 'unexpected_signal', message: `unexpected fault address ${tb.unexpectedFaultAddress}` };
  }
  const signal = tb.signal;
  // SIGQUIT (Ctrl-\ or kill -QUIT) and SIGABRT without a fatal error are requests for a dump, not crashes.
  if (signal !== undefined && signal.name !== 'SIGQUIT' && signal.name !== 'SIGABRT') {
    const what = signal.description === undefined ? signal.name : `${signal.name}: ${signal.description}`;
    return { kind: 'unexpected_signal', message: what };
  }
  return {
    kind: 'goroutine_dump',
    message: signal === undefined ? 'goroutine dump' : `goroutine dump (${signal.name})`,
  };
}

/**
 * Runtime functions whose throw is `out of memory` / `runtime: out of memory`: (*mcache).allocLarge
 * (runtime/mcache.go; largeAlloc in malloc.go before Go 1.16), sysMap/sysMapOS (mem_*.go) and sysUsedOS
 * (mem_windows.go).
 */
const OOM_THROWERS: ReadonlySet<string> = new Set(['allocLarge', 'largeAlloc', 'sysMap', 'sysMapOS', 'sysUsedOS']);

/** runtime.throw and the names it has had: `runtime.fatal` (Go >= 1.21 for user errors), linknamed copies. */
function isThrow(fn: string): boolean {
  return (
    fn === 'runtime.throw' ||
    fn === 'runtime.fatal' ||
    fn === 'runtime.fatalthrow' ||
    fn === 'internal/runtime/maps.fatal' ||
    fn === 'sync.throw' ||
    fn === 'sync.fatal'
  );
}

/**
 * The map fault a runtime map function throws (internal/runtime/maps/*.go since Go 1.24, runtime/map*.go
 * before): the ones linknamed into the runtime print as `runtime.mapassign_fast64`, the rest as methods of
 * `internal/runtime/maps`.
 */
function mapFaultOf(fn: string): CrashKind | undefined {
  const name = fn.slice(fn.lastIndexOf('.') + 1);
  if (fn.startsWith('runtime.')) {
    if (name.startsWith('mapassign') || name.startsWith('mapdelete') || name.startsWith('mapclear')) {
      return 'concurrent_map_writes';
    }
    if (name.startsWith('mapaccess')) return 'concurrent_map_read_write';
    if (name.startsWith('mapiter')) return 'concurrent_map_iteration_write';
    if (name.startsWith('mapclone')) return 'concurrent_map_clone_write';
    return undefined;
  }
  if (!fn.startsWith('internal/runtime/maps.')) return undefined;
  // (*Map).PutSlot, putSlotSmall*, Delete, Clear; getWithKey, getWithoutKey; (*Iter).Next; (*Map).Clone.
  if (/^(?:PutSlot|putSlot|Delete|Clear)/.test(name)) return 'concurrent_map_writes';
  if (name.startsWith('getWith')) return 'concurrent_map_read_write';
  if (fn.endsWith('(*Iter).Next')) return 'concurrent_map_iteration_write';
  if (name === 'Clone') return 'concurrent_map_clone_write';
  return undefined;
}

/**
 * The kind when the message line is missing (cut off in a paste, or a crash file written by
 * debug.SetCrashOutput without its `fatal error:` line, golang/go#76859): a throw directly over the runtime's
 * map code is one of the map faults, a throw over one of OOM_THROWERS is the out-of-memory throw, and a
 * log.Panic frame at the top of the running goroutine is a panic raised by the log package.
 */
function frameKind(tb: Traceback): Classification | undefined {
  const running = tb.goroutines.find((g) => g.state.startsWith('running') && g.frames.length > 0);
  const stacks = [tb.runtimeStack, running?.frames ?? []];
  for (const frames of stacks) {
    let top = frames.findIndex((f) => isThrow(f.function));
    if (top < 0) continue;
    // runtime.fatal over internal/runtime/maps.fatal (GOTRACEBACK=system) is one throw.
    while (isThrow(frames[top + 1]?.function ?? '')) top++;
    const thrower = frames[top]?.function ?? '';
    const below = frames[top + 1]?.function ?? '';
    const name = below.slice(below.lastIndexOf('.') + 1);
    const kind = mapFaultOf(below) ?? (OOM_THROWERS.has(name) ? 'out_of_memory' : undefined);
    if (kind !== undefined) return { kind, message: `${below} threw (the fatal error line is missing)` };
    if (thrower === 'internal/runtime/maps.fatal' && below !== '') {
      // Go >= 1.24 hides the runtime's map functions (runtime.mapassign*, runtime.mapaccess*) unless
      // GOTRACEBACK=system: the throw sits right over the user's frame, and the frames cannot tell a write from
      // a read racing with a write.
      return {
        kind: 'concurrent_map_writes',
        message:
          'internal/runtime/maps.fatal threw (the fatal error line is missing): concurrent map writes, or a ' +
          'concurrent map read and map write; the traceback hides which map function threw (GOTRACEBACK=system ' +
          'shows it)',
      };
    }
  }
  const first = running?.frames[0]?.function;
  if (
    first === 'log.Panic' ||
    first === 'log.Panicf' ||
    first === 'log.Panicln' ||
    first?.startsWith('log.(*Logger).Panic')
  ) {
    return { kind: 'user_panic', message: `${first} (the panic line is missing)` };
  }
  return undefined;
}
